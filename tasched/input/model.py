"""The input model: a school exactly as format.md (version 1) describes it.

Pydantic types only, no solver code. Every field documents itself, and the JSON
Schema under schemas/ is generated from these classes (``tasched schema``).
Cross-references between sections (ids, when-expressions, clashes) are checked
by :mod:`tasched.input.validate`, which knows where each value sits in the file.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FORMAT_VERSION = 1

NEED_CODES = (
    "SPLD",
    "MLD",
    "SLD",
    "PMLD",
    "SEMH",
    "SLCN",
    "ASD",
    "HI",
    "VI",
    "MSI",
    "PD",
    "DS",
    "OTH",
    "NSA",
)

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_TASK = re.compile(r"^(class|pupil|intervention|duty):(.+)$|^free$")


class Strict(BaseModel):
    """Base for every input type: unknown fields are an error, never ignored.

    Numbers are accepted where text is expected (room 101, pupil id 4021 written
    unquoted in YAML); infinities and NaN are refused wherever a number is.
    """

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        str_strip_whitespace=True,
        coerce_numbers_to_str=True,
        allow_inf_nan=False,
    )


class Phase(StrEnum):
    primary = "primary"
    secondary = "secondary"
    special = "special"
    all_through = "all_through"


class SlotKind(StrEnum):
    lesson = "lesson"
    registration = "registration"
    break_ = "break"
    lunch = "lunch"
    before_school = "before_school"
    after_school = "after_school"


class Priority(StrEnum):
    high = "high"
    normal = "normal"
    low = "low"


class Demand(StrEnum):
    """The demand tiers, met in order (rules.priorities): each is as full as the rules allow
    before the next is considered."""

    ehcp_hours = "ehcp_hours"
    medical_cover = "medical_cover"
    cover = "cover"
    duties = "duties"
    interventions = "interventions"
    liaison = "liaison"
    class_support = "class_support"


DEFAULT_PRIORITIES = tuple(Demand)


class EhcpMode(StrEnum):
    in_class = "in_class"
    withdrawn = "withdrawn"
    any = "any"


class LiaisonMode(StrEnum):
    reserve = "reserve"
    joint = "joint"


class Paid(StrEnum):
    contract = "contract"
    extra = "extra"


Id = Annotated[str, Field(min_length=1, description="An id: case-sensitive, unique in its section.")]
When = Annotated[
    str,
    Field(
        description=(
            "A when-expression: `*`, `Mon`, `Mon-Wed`, `P1`, `P1-P3`, a slot kind "
            "(`lesson`, `break`, `lunch`, `before_school`, `after_school`, `registration`), "
            "`Mon P1`, `Tue lunch`, or several joined by commas."
        ),
        examples=["*", "Mon-Wed P1-P3", "Tue lunch, Thu P4"],
    ),
]
TaskRef = Annotated[
    str,
    Field(
        pattern=_TASK.pattern,
        description="A task: `class:ID`, `pupil:ID`, `intervention:ID`, `duty:ID` or `free`.",
    ),
]


def minutes_of(hhmm: str) -> int:
    """Minutes after midnight of an `HH:MM` time."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


class School(Strict):
    name: str = Field(description="The school's name.")
    phase: Phase = Field(description="primary | secondary | special | all_through.")
    urn: str | int | None = Field(None, description="DfE unique reference number.")
    paid_weeks: float = Field(
        43.6, gt=0, le=52.2, description="Weeks of pay a year, used for annual cost (term-time only: 43.6)."
    )
    oncost: float = Field(0.0, ge=0, le=2, description="Employer on-cost fraction added to pay (0.28 = 28%).")


class Slot(Strict):
    id: Id
    start: str = Field(description="Start time, HH:MM (24-hour).", examples=["08:50"])
    end: str = Field(description="End time, HH:MM; after start.", examples=["09:50"])
    kind: SlotKind = Field(description="lesson | registration | break | lunch | before_school | after_school.")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 08:50 as the sexagesimal integer 530.
            value = f"{value // 60:02d}:{value % 60:02d}"
        if not isinstance(value, str) or not _TIME.match(value.strip()):
            raise ValueError(f'{value!r} is not a time; write it as HH:MM, e.g. "09:15"')
        hours, minutes = value.strip().split(":")
        return f"{int(hours):02d}:{minutes}"

    @model_validator(mode="after")
    def _ends_after_start(self) -> Slot:
        if minutes_of(self.end) <= minutes_of(self.start):
            raise ValueError(f"slot {self.id} ends at {self.end}, not after its start {self.start}")
        return self

    @property
    def minutes(self) -> int:
        """A slot's length in minutes is what it costs in contracted time."""
        return minutes_of(self.end) - minutes_of(self.start)


class Calendar(Strict):
    days: list[Id] = Field(
        default_factory=lambda: ["Mon", "Tue", "Wed", "Thu", "Fri"],
        min_length=1,
        description="The school days, in order.",
    )
    slots: list[Slot] = Field(min_length=1, description="The day's slots, in time order; they never overlap.")
    closed: When | None = Field(None, description="Slots that do not run this week, e.g. `Fri P5`.")


class Staff(Strict):
    id: Id
    name: str | None = Field(None, description="Display name (optional; staff only, never pupils).")
    role: str = Field(description="Free text, e.g. TA2, TA3, HLTA.")
    hours: float = Field(gt=0, le=60, description="Contracted hours per week.")
    available: When = Field("*", description="When the adult works.")
    unavailable: When | None = Field(None, description="When the adult does not work (removed from available).")
    hourly_cost: float | None = Field(None, ge=0, description="Pay per hour in GBP, before on-cost.")
    skills: list[str] = Field(default_factory=list, description="Skill tags, e.g. team_teach, first_aid, elsa.")
    subjects: list[str] = Field(default_factory=list, description="Subjects the adult knows (secondary).")
    max_duties: int | None = Field(None, ge=0, description="Most duty slots a week.")
    overtime_hours: float = Field(0, ge=0, description="Extra paid hours allowed a week beyond `hours`.")
    prefer: list[TaskRef] = Field(default_factory=list, description="Tasks to favour for this adult.")


class Teacher(Strict):
    id: Id = Field(description="The teacher's id, e.g. initials from the timetable.")
    name: str | None = Field(None, description="Display name (optional).")
    available: When = Field("*", description="When the teacher is in school.")
    unavailable: When | None = Field(None, description="When the teacher is not (removed from available).")


class Class(Strict):
    id: Id
    teacher: str | None = Field(
        None,
        description=(
            "The class teacher: an id from `teachers` (then used for liaison and cover), or free text "
            "for people reading the file."
        ),
    )
    year: str | int | None = Field(None, description="Year group, e.g. R, 3, 10.")
    room: str | None = None
    max_adults: int | None = Field(
        None, ge=1, description="Most distinct adults giving the class support (its `support` rows) in a week."
    )


class Lesson(Strict):
    class_: Id = Field(alias="class", description="The class or teaching group.")
    when: When
    subject: str = Field(description="Subject taught, e.g. Ma, English.")
    teacher: Id | None = Field(
        None,
        description="The lesson's teacher, an id from `teachers`, where it varies by lesson (default: the class's).",
    )


class Support(Strict):
    class_: Id = Field(alias="class", description="The class wanting adult support.")
    when: When | None = Field(None, description="Default: every slot the class meets.")
    staff: int = Field(1, ge=1, le=10, description="Adults wanted per slot.")
    skills: list[str] = Field(default_factory=list, description="Every adult must have these.")
    subjects: list[str] = Field(default_factory=list, description="Prefer adults with these subjects.")
    priority: Priority = Priority.normal


class Fade(Strict):
    """A planned step-down of EHC hours over a term: `hours` until `from_week`, then evenly
    down (or up) to `to_hours` by `by_week`, rounded to the nearest half hour."""

    to_hours: float = Field(gt=0, le=40, description="Hours a week at the end of the fade.")
    from_week: int = Field(ge=1, le=52, description="Last week at the plan's `hours` (weeks count from 1).")
    by_week: int = Field(ge=1, le=52, description="First week at `to_hours`; after `from_week`.")

    @model_validator(mode="after")
    def _in_order(self) -> Fade:
        if self.by_week <= self.from_week:
            raise ValueError(f"by_week {self.by_week} is not after from_week {self.from_week}")
        return self


class Ehcp(Strict):
    hours: float = Field(gt=0, le=40, description="Section F support hours per week.")
    mode: EhcpMode = Field(EhcpMode.in_class, description="in_class | withdrawn | any.")
    group_max: int = Field(
        1, ge=1, le=12, description="1 = one-to-one; N > 1 lets one adult support up to N pupils together."
    )
    adults: Literal[1, 2] = Field(1, description="Adults at once: 1, or 2 for 2:1 support.")
    skills: list[str] = Field(default_factory=list, description="Every supporting adult must have these.")
    when: When | None = Field(None, description="Slots in which support may be given (default: the pupil's lessons).")
    subjects: list[str] | None = Field(None, description="Support only in these subjects.")
    fade: Fade | Annotated[list[Annotated[float, Field(gt=0, le=40)]], Field(min_length=1, max_length=52)] | None = (
        Field(
            None,
            description=(
                "A term's planned step-down of hours (`tasched term`): `{to_hours, from_week, by_week}`, or the "
                "hours of each week in order (the last repeats). Never below `floor_hours`."
            ),
        )
    )
    floor_hours: float | None = Field(
        None,
        gt=0,
        le=40,
        description="The statutory floor a fade may not go below, where the plan allows less than `hours`. "
        "Default: `hours`.",
    )


class Rotation(Strict):
    min_staff: int | None = Field(None, ge=1, description="Distinct adults giving the pupil's support.")
    max_share: float | None = Field(None, gt=0, le=1, description="Largest share of required hours from one adult.")
    max_consecutive: int | None = Field(None, ge=1, description="Most adjacent slots with the same adult.")
    max_staff: int | None = Field(None, ge=1, description="Most distinct adults giving the pupil's support in a week.")


class Medical(Strict):
    skills: list[str] = Field(min_length=1, description="An adult with these skills is near the pupil.")
    when: When = Field("*", description="When the cover is needed.")


class Pupil(Strict):
    id: Id = Field(description="A pseudonymous id, never a name.")
    classes: list[Id] = Field(min_length=1, description="The pupil's classes or teaching groups.")
    need: str | None = Field(None, description="Census primary need code: " + ", ".join(NEED_CODES) + ".")
    ehcp: Ehcp | None = None
    rotation: Rotation | None = None
    medical: Medical | None = None
    max_withdrawal: float | None = Field(None, ge=0, le=1, description="Largest fraction of lesson time out of class.")

    @model_validator(mode="before")
    @classmethod
    def _no_names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in ("name", "first_name", "surname", "last_name", "full_name", "dob", "date_of_birth"):
                if key in data:
                    raise ValueError(
                        f"pupils carry no `{key}`: pupil data is special-category personal data "
                        "(UK GDPR); use a pseudonymous id and keep names out of this file"
                    )
        return data

    @field_validator("need")
    @classmethod
    def _need(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if code not in NEED_CODES:
            raise ValueError(f"{value!r} is not a census need code; use one of {', '.join(NEED_CODES)}")
        return code


class Intervention(Strict):
    id: Id
    programme: str = Field(description="e.g. NELI, Switch-on Reading, ELSA.")
    pupils: list[Id] = Field(min_length=1)
    sessions: int = Field(ge=1, le=20, description="Sessions per week.")
    minutes: int = Field(ge=5, le=240, description="Minutes per session; a session takes one slot at least this long.")
    skills: list[str] = Field(default_factory=list, description="The deliverer must have these (e.g. trained_neli).")
    same_staff: bool = Field(True, description="One adult delivers every session.")
    one_per_day: bool = Field(True, description="At most one session a day.")
    when: When = Field("lesson", description="Allowed slots.")
    avoid_subjects: list[str] = Field(
        default_factory=list, description="Never withdraw the pupils from these subjects."
    )
    room_kind: str | None = Field(None, description="Sessions need a room of this kind.")
    counts_for_ehcp: bool = Field(False, description="Session time counts toward the pupils' EHC hours.")
    priority: Priority = Priority.normal
    weeks: int | None = Field(
        None, ge=1, le=52, description="The programme's length in weeks (`tasched term`). Default: the whole term."
    )
    start_week: int = Field(1, ge=1, le=52, description="The term week the programme starts (weeks count from 1).")


class Duty(Strict):
    id: Id
    name: str = Field(description="e.g. Lunch supervision.")
    when: When
    staff: int = Field(1, ge=1, le=20, description="Adults per slot.")
    skills: list[str] = Field(default_factory=list, description="Every adult on the duty has these.")
    any_skills: list[str] = Field(default_factory=list, description="At least one adult on the duty has each of these.")
    paid: Paid = Field(Paid.contract, description="contract: counts toward contracted hours; extra: paid on top.")
    priority: Priority = Priority.normal


class Room(Strict):
    id: Id
    kind: str = Field(description="e.g. quiet, hub.")
    capacity: int = Field(1, ge=1, le=20, description="Sessions at once.")


class RotationRules(Strict):
    min_staff: int = Field(2, ge=1, description="Any EHC support in the week comes from at least this many adults.")
    max_share: float = Field(0.6, gt=0, le=1, description="Largest fraction of required EHC hours one adult may give.")
    max_consecutive: int = Field(2, ge=1, description="Most adjacent slots of a day with the same adult and pupil.")
    max_staff: int | None = Field(
        None, ge=1, description="Most distinct adults giving a pupil EHC support in a week (default: no limit)."
    )


class Weights(Strict):
    """Soft goals, applied after every demand. Each is a penalty per minute (or per unit named)."""

    class_continuity: float = Field(
        30, ge=0, description="Per extra distinct adult in a class's support over the week (primary, special)."
    )
    intervention_continuity: float = Field(
        30, ge=0, description="Per extra distinct adult delivering an intervention (when same_staff is false)."
    )
    duty_fairness: float = Field(20, ge=0, description="Per duty slot on the most-loaded adult, spreading duties.")
    idle: float = Field(1, ge=0, description="Per minute of contracted time left idle.")
    subject_match: float = Field(1, ge=0, description="Per minute of in-class support outside the adult's subjects.")
    preference: float = Field(
        1,
        ge=0,
        description=(
            "Per minute of preferred work missed: the most an adult could spend on tasks they prefer, "
            "less what they get."
        ),
    )
    overtime: float = Field(2, ge=0, description="Per minute of overtime used.")
    over_support: float = Field(
        2, ge=0, description="Per minute of EHC support beyond the plan's hours (within the one-slot cap)."
    )
    stability: float = Field(5, ge=0, description="Per minute changed from the previous rota (re-solves).")
    liaison_partners: float = Field(
        1,
        ge=0,
        description=(
            "joint liaison: per minute an adult supports the lessons of a teacher they do not meet, so meetings "
            "go to the teachers they support most."
        ),
    )
    liaison_timing: float = Field(
        1,
        ge=0,
        description=(
            "joint liaison: per minute of a meeting, per lesson of that teacher's the adult could support "
            "earlier in the week, so meetings come before the lessons concerned."
        ),
    )


class SolverSettings(Strict):
    time_limit: float = Field(30, gt=0, description="Seconds.")
    seed: int = Field(0, ge=0)
    workers: int = Field(
        2, ge=1, le=64, description="CP-SAT search workers (2 measured best on a 2-core machine; 1 is reproducible)."
    )
    adults_per_pupil: int | None = Field(
        None,
        ge=1,
        description=(
            "Most adults the solver considers for one pupil's EHC support, a limit on model size for large "
            "schools. Default: every adult when the school has at most 30, else 12 (those who prefer the pupil "
            "or their class first, then spread evenly). Pins and last week's supporters are always kept."
        ),
    )


class CoverRules(Strict):
    """Lesson cover for absent teachers (`teacher_absences`)."""

    roles: list[str] = Field(
        default_factory=lambda: ["HLTA"], description="Staff roles (`staff.role`) who may cover a lesson."
    )
    max_minutes: int = Field(180, ge=0, le=3000, description="Most minutes of cover one adult takes a week.")


class Rules(Strict):
    rotation: RotationRules = Field(default_factory=RotationRules)
    break_after_minutes: int = Field(360, ge=0, description="A day spanning more than this gets a break.")
    break_minutes: int = Field(20, ge=0, description="Length of the unassigned slot that is the break.")
    max_withdrawal: float = Field(0.2, ge=0, le=1, description="Fraction of lesson time a pupil may be out of class.")
    liaison_minutes: int = Field(0, ge=0, description="Per adult per week, kept free within contracted time.")
    liaison: LiaisonMode = Field(
        LiaisonMode.reserve,
        description=(
            "reserve: `liaison_minutes` are idle minutes kept inside contracted time. joint: they are meetings "
            "(`liaison:TEACHER` rows) with the teachers whose classes or pupils the adult supports most, in "
            "slots where both are free, inside the adult's hours (a demand tier, `liaison`)."
        ),
    )
    liaison_minutes_per_teacher: int | None = Field(
        None,
        ge=5,
        le=240,
        description="joint liaison: each teacher an adult meets gets at least this many minutes (default: any).",
    )
    priorities: list[Demand] = Field(
        default_factory=lambda: list(DEFAULT_PRIORITIES),
        description=(
            "The order in which demands are met, most important first. Each is met as fully as the rules allow "
            "before the next is considered; soft goals come after them all. Demands left out follow in the "
            "default order: ehcp_hours, medical_cover, cover, duties, interventions, liaison, class_support."
        ),
    )
    weights: Weights = Field(default_factory=Weights)
    cover: CoverRules = Field(default_factory=CoverRules)
    solver: SolverSettings = Field(default_factory=SolverSettings)
    rotate_withdrawals: int | None = Field(
        None,
        ge=1,
        le=260,
        description=(
            "`tasched term`: the most times in the term one pupil may be withdrawn from the same subject "
            "(from the same lesson slot, e.g. `Mon P2`, where lessons have no subjects). Default: no limit."
        ),
    )

    @field_validator("priorities")
    @classmethod
    def _each_demand_once(cls, value: list[Demand]) -> list[Demand]:
        seen = [d for i, d in enumerate(value) if d in value[:i]]
        if seen:
            raise ValueError(f"{seen[0].value} is listed twice; name each demand once, most important first")
        return [*value, *(d for d in DEFAULT_PRIORITIES if d not in value)]


class Pin(Strict):
    staff: Id
    when: When
    task: TaskRef


class Absence(Strict):
    staff: Id
    when: When = "*"


class TeacherAbsence(Strict):
    teacher: Id = Field(description="A teacher's id (`teachers`).")
    when: When = Field("*", description="When they are away: their lessons then need cover.")


class ClosedWeek(Strict):
    week: int = Field(ge=1, le=52, description="The term week (counting from 1).")
    when: When = Field(description="The slots closed that week, e.g. `Mon` for a bank holiday.")
    reason: str | None = Field(None, description="e.g. bank holiday, INSET day.")


class Term(Strict):
    """The term a `tasched term` plan covers: its weeks, the days each week is closed, where the plan starts."""

    weeks: int | Annotated[list[Id], Field(min_length=1, max_length=52)] = Field(
        description="How many weeks (e.g. `12`), or their labels in order (e.g. `[A1, B1, A2]`).",
    )
    closed: list[ClosedWeek] = Field(
        default_factory=list, description="Days or slots closed in given weeks, on top of `calendar.closed`."
    )
    start_week: int = Field(1, ge=1, le=52, description="The first week to plan (earlier weeks are not solved).")

    @field_validator("weeks")
    @classmethod
    def _weeks(cls, value: int | list[str]) -> int | list[str]:
        if isinstance(value, int) and not 1 <= value <= 52:
            raise ValueError(f"a term has 1 to 52 weeks, not {value}")
        if isinstance(value, list) and len(set(value)) != len(value):
            raise ValueError("week labels must be different")
        return value

    @property
    def labels(self) -> list[str]:
        """The weeks' labels: as given, or `1`, `2`, … for a count."""
        if isinstance(self.weeks, int):
            return [str(w) for w in range(1, self.weeks + 1)]
        return list(self.weeks)


class Travel(Strict):
    between: list[Id] = Field(
        min_length=2, max_length=2, description="Two staff rows of the person, e.g. `[A/TA12, B/TA12]`."
    )
    minutes: int = Field(ge=0, le=240, description="Minutes to get from one row's site to the other's.")


class Person(Strict):
    """One adult who fills several staff rows, e.g. one row per school in a trust's joint solve."""

    id: Id = Field(description="The person's id.")
    staff: list[Id] = Field(min_length=2, description="The staff rows this adult fills (each row's own rules apply).")
    hours: float | None = Field(
        None, gt=0, le=60, description="Contracted hours a week across all their rows (default: no total limit)."
    )
    travel: list[Travel] = Field(
        default_factory=list,
        description=(
            "Travel time between two of the rows: a task in one row and a task in the other on the same day are "
            "at least this many minutes apart."
        ),
    )


class SchoolData(Strict):
    """A whole school's week: the document a school file holds."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        title="tasched school, format version 1",
        json_schema_extra={"$id": "https://tasched.org/schemas/school.schema.json"},
    )

    school: School
    calendar: Calendar
    staff: list[Staff] = Field(default_factory=list)
    teachers: list[Teacher] = Field(default_factory=list)
    classes: list[Class] = Field(default_factory=list)
    lessons: list[Lesson] = Field(default_factory=list)
    support: list[Support] = Field(default_factory=list)
    pupils: list[Pupil] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    duties: list[Duty] = Field(default_factory=list)
    rooms: list[Room] = Field(default_factory=list)
    rules: Rules = Field(default_factory=Rules)
    pins: list[Pin] = Field(default_factory=list)
    absences: list[Absence] = Field(default_factory=list)
    teacher_absences: list[TeacherAbsence] = Field(
        default_factory=list,
        description="Teachers away this week: their lessons then are covered (`cover:CLASS`) or need supply cover.",
    )
    term: Term | None = Field(None, description="The term `tasched term` plans, week by week.")
    people: list[Person] = Field(
        default_factory=list,
        description="Adults who fill several staff rows: never two rows at once, one contract across them.",
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a school file (by alias, as written in YAML)."""
    schema = SchoolData.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
