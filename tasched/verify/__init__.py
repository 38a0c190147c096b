"""The independent verifier: judges a rota against format.md and docs/rules.md.

It re-derives every fact it needs (open slots, when classes meet, where pupils
are, who works when) from the school input and the rota's rows alone, and shares
no code with the solver: only the input model and the when-expression parser.
Every hard rule of docs/rules.md is one small function below, named after the rule
and carrying the rule's wording; then the demands' shortfalls and the KPIs are
derived from the rows and compared with what the rota says about itself.

    report = verify(school, rota_dict)
    print(format_report(report))
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tasched.input.model import Ehcp, EhcpMode, Paid, Pupil, SchoolData, Staff, Support, minutes_of
from tasched.input.when import DaySlot, WeekShape, parse_when

TOLERANCE = 0.011  # floats in the rota are rounded to 2 decimals
RATIO_TOLERANCE = 0.002  # shares and coverage are rounded to 3 decimals
EHC_TOLERANCE_MINUTES = 0.5  # an EHC shortfall exists when delivered < required - this
EPSILON = 1e-6
STATUSES = ("optimal", "feasible", "no_rota")
ROW_FIELDS = ("staff", "day", "slot", "task", "mode", "pupils", "room")
MODES = ("in_class", "withdrawn")
_TASK = re.compile(r"^(class|pupil|intervention|duty|liaison|cover):(.+)$")


@dataclass
class Violation:
    """One broken rule: a stable short code and a plain-words message."""

    rule: str
    message: str


@dataclass
class Report:
    """The verdict: violations (empty when the rota is valid) and the verifier's own
    derivation of the shortfalls and KPIs, in the rota's format."""

    violations: list[Violation]
    shortfalls: list[dict[str, Any]]
    kpis: dict[str, Any]
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations


# ---------------------------------------------------------------------------
# The week, derived from the school input
# ---------------------------------------------------------------------------


class Facts:
    """What the school input says about the week (docs/rules.md, "The week").

    A week slot is a (day, slot) pair that is not closed. A class meets at the week
    slots its lessons name, or at every lesson-kind slot when it has none. A pupil's
    place is the one class of theirs meeting then. An adult works at available minus
    unavailable minus absences.
    """

    def __init__(self, school: SchoolData) -> None:
        self.school = school
        cal = school.calendar
        self.shape = WeekShape(
            days=tuple(cal.days),
            slots=tuple(s.id for s in cal.slots),
            kinds=tuple(s.kind.value for s in cal.slots),
        )
        self.day_index = {d: i for i, d in enumerate(cal.days)}
        self.slot_index = {s.id: i for i, s in enumerate(cal.slots)}
        self.minutes = [s.minutes for s in cal.slots]
        self.starts = [minutes_of(s.start) for s in cal.slots]
        self.ends = [minutes_of(s.end) for s in cal.slots]
        self.closed = parse_when(cal.closed, self.shape)
        self.open = self.shape.everything() - self.closed

        self.staff = {a.id: a for a in school.staff}
        self.classes = {c.id for c in school.classes}
        self.pupils = {p.id: p for p in school.pupils}
        self.interventions = {i.id: i for i in school.interventions}
        self.duties = {d.id: d for d in school.duties}
        self.rooms = {r.id: r for r in school.rooms}

        self.meets, self.subject = self._class_meetings()
        self.place = self._pupil_places()
        self.works = self._working_slots()
        self.support_at = self._support_cover()
        self.duty_slots = {d.id: self.when(d.when) for d in school.duties}
        self.session_slots = {i.id: self._session_slots(i.id) for i in school.interventions}
        self.ehc_slots = {p.id: self._ehc_slots(p, p.ehcp) for p in school.pupils if p.ehcp is not None}
        self.teachers = {k.id: k for k in school.teachers}
        self.teacher_away: dict[str, set[DaySlot]] = defaultdict(set)
        for away in school.teacher_absences:
            self.teacher_away[away.teacher] |= self.when(away.when)
        self.teacher_in = {
            k.id: self.when(k.available) - parse_when(k.unavailable, self.shape) - self.teacher_away[k.id]
            for k in school.teachers
        }
        self.teacher_at = self._teacher_at()
        # lesson cover: (class, slot) -> the absent teacher whose lesson it is
        self.cover_needed = {(c, t): k for (c, t), k in self.teacher_at.items() if t in self.teacher_away.get(k, ())}
        # reserve liaison: minutes kept aside inside contracted time; joint: meetings are rows
        self.joint = school.rules.liaison == "joint"
        self.reserved = 0 if self.joint else school.rules.liaison_minutes

    def when(self, expr: str | None) -> set[DaySlot]:
        """The week slots (closed ones removed) a when-expression names."""
        return parse_when(expr, self.shape) & self.open

    def name(self, t: DaySlot) -> str:
        return f"{self.shape.days[t[0]]} {self.shape.slots[t[1]]}"

    def total_minutes(self, slots: Iterable[DaySlot]) -> int:
        return sum(self.minutes[s] for _, s in slots)

    def _class_meetings(self) -> tuple[dict[str, set[DaySlot]], dict[tuple[str, DaySlot], str]]:
        lesson_kind = {t for t in self.open if self.shape.kinds[t[1]] == "lesson"}
        meets: dict[str, set[DaySlot]] = {}
        subject: dict[tuple[str, DaySlot], str] = {}
        with_lessons: set[str] = set()
        for lesson in self.school.lessons:
            with_lessons.add(lesson.class_)
            slots = self.when(lesson.when)
            meets.setdefault(lesson.class_, set()).update(slots)
            for t in slots:
                subject.setdefault((lesson.class_, t), lesson.subject)
        for c in self.classes - with_lessons:
            meets[c] = set(lesson_kind)
        return meets, subject

    def _pupil_places(self) -> dict[str, dict[DaySlot, str]]:
        places: dict[str, dict[DaySlot, str]] = {}
        for pupil in self.school.pupils:
            place: dict[DaySlot, str] = {}
            for c in pupil.classes:
                for t in self.meets.get(c, ()):
                    place.setdefault(t, c)  # two classes at once is an input error
            places[pupil.id] = place
        return places

    def _working_slots(self) -> dict[str, set[DaySlot]]:
        self.absent: dict[str, set[DaySlot]] = {a.id: set() for a in self.school.staff}
        for absence in self.school.absences:
            if absence.staff in self.absent:
                self.absent[absence.staff] |= parse_when(absence.when, self.shape)
        return {
            a.id: self.when(a.available) - parse_when(a.unavailable, self.shape) - self.absent[a.id]
            for a in self.school.staff
        }

    def _support_cover(self) -> dict[str, dict[DaySlot, Support]]:
        cover: dict[str, dict[DaySlot, Support]] = {}
        for row in self.school.support:
            meets = self.meets.get(row.class_, set())
            slots = meets if row.when is None else self.when(row.when) & meets
            for t in slots:
                cover.setdefault(row.class_, {}).setdefault(t, row)  # overlap is an input error
        return cover

    def _teacher_at(self) -> dict[tuple[str, DaySlot], str]:
        """(class, slot) -> the listed teacher teaching the class then: the lesson's `teacher`,
        else the class's `teacher` when it names one of `teachers`."""
        at: dict[tuple[str, DaySlot], str] = {}
        for lesson in self.school.lessons:
            if lesson.teacher in self.teachers:
                for t in self.when(lesson.when) & self.meets.get(lesson.class_, set()):
                    at[lesson.class_, t] = lesson.teacher
        for c in self.school.classes:
            if c.teacher in self.teachers:
                for t in self.meets.get(c.id, set()):
                    at.setdefault((c.id, t), c.teacher)
        return at

    def teaching(self, teacher: str, t: DaySlot) -> list[str]:
        """The classes the teacher teaches at t."""
        return sorted(c for (c, u), k in self.teacher_at.items() if u == t and k == teacher)

    def lesson_teacher(self, row: Row) -> str | None:
        """The listed teacher of the lesson a class: or pupil: row supports, if any."""
        if row.kind == "class":
            return self.teacher_at.get((row.ref, row.t))
        if row.kind == "pupil":
            place = self.place[row.ref].get(row.t)
            return None if place is None else self.teacher_at.get((place, row.t))
        return None

    def lesson_subject(self, pupil: str, t: DaySlot) -> str | None:
        c = self.place[pupil].get(t)
        return None if c is None else self.subject.get((c, t))

    def _session_slots(self, intervention: str) -> set[DaySlot]:
        """Week slots where a session of this intervention may sit (rule 9)."""
        i = self.interventions[intervention]
        avoid = set(i.avoid_subjects)
        return {
            t
            for t in self.when(i.when)
            if self.minutes[t[1]] >= i.minutes
            and not any(self.lesson_subject(p, t) in avoid for p in i.pupils if p in self.place)
        }

    def _ehc_slots(self, pupil: Pupil, ehcp: Ehcp) -> set[DaySlot]:
        """Week slots in ehcp.when (default: the pupil's lessons), within ehcp.subjects."""
        place = self.place[pupil.id]
        slots = set(place) if ehcp.when is None else self.when(ehcp.when)
        if ehcp.subjects is not None:
            wanted = set(ehcp.subjects)
            slots = {t for t in slots if self.lesson_subject(pupil.id, t) in wanted}
        return slots

    def supportable_slots(self, pupil: str) -> set[DaySlot]:
        """Slots in which the pupil could be given EHC time: a pupil: row allowed by
        rule 5 in some allowed mode, or a legal session of a counts_for_ehcp
        intervention the pupil attends. Used for the over-support allowance (rule 7)."""
        p = self.pupils[pupil]
        assert p.ehcp is not None
        slots = self.ehc_slots[pupil]
        if p.ehcp.mode == EhcpMode.in_class:
            slots = slots & set(self.place[pupil])
        for i in self.interventions.values():
            if i.counts_for_ehcp and pupil in i.pupils:
                slots = slots | self.session_slots[i.id]
        return slots

    def rotation(self, pupil: Pupil) -> tuple[int, float, int]:
        """(min_staff, max_share, max_consecutive): the pupil's own, else the rules'."""
        base = self.school.rules.rotation
        own = pupil.rotation
        min_staff = own.min_staff if own and own.min_staff is not None else base.min_staff
        max_share = own.max_share if own and own.max_share is not None else base.max_share
        max_run = own.max_consecutive if own and own.max_consecutive is not None else base.max_consecutive
        return min_staff, max_share, max_run


# ---------------------------------------------------------------------------
# The rota's rows, checked for format and indexed once
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One well-formed assignment row: adult, week slot, task."""

    number: int  # 1-based position in `assignments`, for messages
    staff: str
    t: DaySlot
    kind: str  # class | pupil | intervention | duty
    ref: str
    mode: str | None
    pupils: tuple[str, ...]
    room: str | None

    @property
    def task(self) -> str:
        return f"{self.kind}:{self.ref}"


@dataclass
class Index:
    """The rows, indexed once by adult and slot, by task and slot, and by pupil."""

    rows: list[Row]
    by_place: dict[tuple[str, DaySlot], list[Row]] = field(default_factory=dict)
    by_staff: dict[str, list[Row]] = field(default_factory=dict)
    at: dict[DaySlot, list[Row]] = field(default_factory=dict)
    by_task: dict[tuple[str, DaySlot], list[Row]] = field(default_factory=dict)
    task_slots: dict[str, dict[DaySlot, list[Row]]] = field(default_factory=dict)
    # pupil -> slot -> interventions whose session the pupil attends then
    in_session: dict[str, dict[DaySlot, list[str]]] = field(default_factory=dict)
    # pupil -> adult -> slots of EHC contact (pupil: rows + counts_for_ehcp sessions)
    contact: dict[str, dict[str, set[DaySlot]]] = field(default_factory=dict)
    # (pupil, slot) -> the session's `minutes`: what a session lasts for its pupils
    session_minutes: dict[tuple[str, DaySlot], int] = field(default_factory=dict)

    @classmethod
    def build(cls, facts: Facts, rows: list[Row]) -> Index:
        ix = cls(rows)
        by_place: defaultdict[tuple[str, DaySlot], list[Row]] = defaultdict(list)
        by_staff: defaultdict[str, list[Row]] = defaultdict(list)
        at: defaultdict[DaySlot, list[Row]] = defaultdict(list)
        by_task: defaultdict[tuple[str, DaySlot], list[Row]] = defaultdict(list)
        task_slots: defaultdict[str, defaultdict[DaySlot, list[Row]]] = defaultdict(lambda: defaultdict(list))
        in_session: defaultdict[str, defaultdict[DaySlot, list[str]]] = defaultdict(lambda: defaultdict(list))
        contact: defaultdict[str, defaultdict[str, set[DaySlot]]] = defaultdict(lambda: defaultdict(set))
        for row in rows:
            by_place[row.staff, row.t].append(row)
            by_staff[row.staff].append(row)
            at[row.t].append(row)
            by_task[row.task, row.t].append(row)
            task_slots[row.task][row.t].append(row)
            if row.kind == "pupil":
                contact[row.ref][row.staff].add(row.t)
        for task, slots in task_slots.items():
            kind, ref = task.split(":", 1)
            if kind != "intervention":
                continue
            i = facts.interventions[ref]
            for t, session_rows in slots.items():
                for p in i.pupils:
                    in_session[p][t].append(ref)
                    ix.session_minutes[p, t] = max(ix.session_minutes.get((p, t), 0), i.minutes)
                    if i.counts_for_ehcp:
                        for row in session_rows:
                            contact[p][row.staff].add(t)
        ix.by_place, ix.by_staff, ix.at, ix.by_task = (
            dict(by_place),
            dict(by_staff),
            dict(at),
            dict(by_task),
        )
        ix.task_slots = {k: dict(v) for k, v in task_slots.items()}
        ix.in_session = {k: dict(v) for k, v in in_session.items()}
        ix.contact = {k: dict(v) for k, v in contact.items()}
        return ix

    def pupil_minutes(self, facts: Facts, pupil: str, slots: Iterable[DaySlot]) -> int:
        """Minutes of the pupil's time in these slots: a session lasts its
        intervention's `minutes`, any other slot its full length (rules.md)."""
        return sum(self.session_minutes.get((pupil, t), facts.minutes[t[1]]) for t in slots)

    def ehc_slots(self, pupil: str) -> set[DaySlot]:
        """Slots of EHC time delivered to the pupil (a slot counts once)."""
        out: set[DaySlot] = set()
        for slots in self.contact.get(pupil, {}).values():
            out |= slots
        return out


def _text(value: Any) -> str | None:
    """An id as text (YAML may read an unquoted numeric id as a number)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def parse_rows(facts: Facts, raw: Any) -> tuple[list[Row], list[Violation]]:
    """Rows must name an existing adult, day, slot and task, with the fields the
    task's kind calls for: `mode` in_class/withdrawn for pupil rows and null
    otherwise; `pupils` [P] for a pupil row, the intervention's pupils for a
    session, [] otherwise; `room` null except on sessions. Rows failing this are
    reported ("row_format", "unknown_task"; a row at a closed slot, "availability")
    and take no further part."""
    problems: list[Violation] = []
    rows: list[Row] = []
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        return [], [Violation("row_format", "`assignments` is not a list of rows")]
    for number, item in enumerate(raw, 1):
        row, problem = _parse_row(facts, number, item)
        if problem is not None:
            problems.append(problem)
        elif row is not None:
            rows.append(row)
    return rows, problems


def _parse_row(facts: Facts, n: int, item: Any) -> tuple[Row | None, Violation | None]:
    def bad(message: str, rule: str = "row_format") -> tuple[None, Violation]:
        return None, Violation(rule, f"row {n}: {message}")

    if not isinstance(item, dict):
        return bad("is not a mapping of staff, day, slot, task, mode, pupils, room")
    missing = [k for k in ROW_FIELDS if k not in item]
    if missing:
        return bad(f"lacks {', '.join(missing)}")
    staff, day, slot = _text(item["staff"]), _text(item["day"]), _text(item["slot"])
    if staff not in facts.staff:
        return bad(f"names adult {item['staff']!r}, who is not in staff")
    if day not in facts.day_index:
        return bad(f"names day {item['day']!r}, which is not in the calendar")
    if slot not in facts.slot_index:
        return bad(f"names slot {item['slot']!r}, which is not in the calendar")
    assert staff is not None and day is not None and slot is not None
    t = (facts.day_index[day], facts.slot_index[slot])
    if t in facts.closed:
        return bad(f"{staff} at {day} {slot} has {item['task']}, but that slot is closed", "availability")
    task = item["task"]
    match = _TASK.match(task) if isinstance(task, str) else None
    if match is None:
        return bad(
            f"task {task!r} is not class:ID, pupil:ID, intervention:ID, duty:ID, liaison:TEACHER or cover:CLASS",
            "unknown_task",
        )
    kind, ref = match.group(1), match.group(2)
    known = {
        "class": facts.classes,
        "pupil": facts.pupils,
        "intervention": facts.interventions,
        "duty": facts.duties,
        "liaison": facts.teachers,
        "cover": facts.classes,
    }[kind]
    if ref not in known:
        return bad(f"task {task!r} names no {kind} in the school", "unknown_task")
    if kind == "pupil" and facts.pupils[ref].ehcp is None:
        return bad(f"task {task!r}: pupil {ref} has no EHC plan to support", "unknown_task")

    mode, pupils, room = item["mode"], item["pupils"], item["room"]
    if kind == "pupil":
        if mode not in MODES:
            return bad(f"pupil row for {ref} has mode {mode!r}; it must be in_class or withdrawn")
    elif mode is not None:
        return bad(f"{task} row has mode {mode!r}; only pupil rows have a mode")
    if not isinstance(pupils, list) or any(_text(p) is None for p in pupils):
        return bad(f"`pupils` of the {task} row is not a list of pupil ids")
    listed = [str(_text(p)) for p in pupils]
    if kind == "pupil":
        expected = [ref]
    elif kind == "intervention":
        expected = list(facts.interventions[ref].pupils)
    else:
        expected = []
    if sorted(listed) != sorted(expected):
        return bad(f"`pupils` of the {task} row is {listed}; it must be {expected}")
    if room is not None and (kind != "intervention" or _text(room) is None):
        return bad(f"{task} row has room {room!r}; only intervention sessions have a room")
    return Row(n, staff, t, kind, ref, mode, tuple(listed), _text(room)), None


# ---------------------------------------------------------------------------
# Hard rules: one function each, in docs/rules.md order
# ---------------------------------------------------------------------------

Check = Callable[[Facts, Index], Iterator[Violation]]


def _who(row: Row, facts: Facts) -> str:
    return f"{row.staff} at {facts.name(row.t)}"


def check_availability(facts: Facts, ix: Index) -> Iterator[Violation]:
    """1. Availability: rows only at week slots where the adult works (available
    minus unavailable minus absences; closed slots are not week slots)."""
    for row in ix.rows:
        if row.t not in facts.works[row.staff]:
            why = "is absent" if row.t in facts.absent[row.staff] else "does not work then"
            yield Violation("availability", f"{_who(row, facts)} has {row.task}, but {why}")


def _required_skills(facts: Facts, row: Row) -> list[str]:
    if row.kind == "class":
        support = facts.support_at.get(row.ref, {}).get(row.t)
        return list(support.skills) if support else []
    if row.kind == "pupil":
        ehcp = facts.pupils[row.ref].ehcp
        return list(ehcp.skills) if ehcp else []
    if row.kind == "intervention":
        return list(facts.interventions[row.ref].skills)
    if row.kind == "duty":
        return list(facts.duties[row.ref].skills)
    return []


def check_skills(facts: Facts, ix: Index) -> Iterator[Violation]:
    """2. Skills: the adult has every skill of the task (support row `skills`,
    `ehcp.skills`, intervention `skills`, duty `skills`)."""
    for row in ix.rows:
        has = set(facts.staff[row.staff].skills)
        missing = [s for s in _required_skills(facts, row) if s not in has]
        if missing:
            yield Violation("skills", f"{_who(row, facts)} on {row.task} lacks {', '.join(missing)}")


def contract_slots(rows: Iterable[Row], facts: Facts) -> set[DaySlot]:
    """Slots that count toward contracted time: every row but duties paid extra;
    a pooled group is one place, so a slot counts once."""
    return {r.t for r in rows if not (r.kind == "duty" and facts.duties[r.ref].paid == Paid.extra)}


def extra_slots(rows: Iterable[Row], facts: Facts) -> set[DaySlot]:
    """Slots of duties paid extra, on top of the contract."""
    return {r.t for r in rows if r.kind == "duty" and facts.duties[r.ref].paid == Paid.extra}


def check_contracted_hours(facts: Facts, ix: Index) -> Iterator[Violation]:
    """3. Contracted hours: per adult, minutes of all rows except duties paid extra
    ≤ hours×60 − liaison_minutes + overtime_hours×60. A pooled group counts once.
    With joint liaison the meetings are rows and no minutes are kept aside."""
    liaison = facts.reserved
    for adult, rows in ix.by_staff.items():
        a = facts.staff[adult]
        used = facts.total_minutes(contract_slots(rows, facts))
        limit = a.hours * 60 - liaison + a.overtime_hours * 60
        if used > limit + EPSILON:
            yield Violation(
                "contracted_hours",
                f"{adult} is given {used} contract minutes; the most allowed is {limit:g} "
                f"({a.hours:g} h − {liaison} liaison minutes + {a.overtime_hours:g} h overtime)",
            )


def check_max_duties(facts: Facts, ix: Index) -> Iterator[Violation]:
    """4. Max duties: duty rows per adult ≤ `max_duties`."""
    for adult, rows in ix.by_staff.items():
        cap = facts.staff[adult].max_duties
        count = sum(r.kind == "duty" for r in rows)
        if cap is not None and count > cap:
            yield Violation("max_duties", f"{adult} has {count} duty slots; max_duties is {cap}")


def _ehcp(facts: Facts, pupil: str) -> Ehcp:
    ehcp = facts.pupils[pupil].ehcp
    assert ehcp is not None  # rows for pupils without a plan were rejected as unknown tasks
    return ehcp


def _pupil_rows(ix: Index) -> Iterator[Row]:
    return (r for r in ix.rows if r.kind == "pupil")


def check_ehcp_slot(facts: Facts, ix: Index) -> Iterator[Violation]:
    """5a. EHC support of P at t: t is in `ehcp.when` (default: slots where P has a
    lesson); with `ehcp.subjects`, P has a lesson at t in one of those subjects."""
    for row in _pupil_rows(ix):
        if row.t in facts.ehc_slots[row.ref]:
            continue
        ehcp = _ehcp(facts, row.ref)
        if ehcp.subjects is not None and (ehcp.when is None or row.t in facts.when(ehcp.when)):
            why = f"the plan allows support only in {', '.join(ehcp.subjects)}"
        elif ehcp.when is None:
            why = "the pupil has no lesson then"
        else:
            why = f"the plan's when is {ehcp.when!r}"
        yield Violation("ehcp_slot", f"{_who(row, facts)} supports {row.ref}, but {why}")


def check_ehcp_mode(facts: Facts, ix: Index) -> Iterator[Violation]:
    """5b. The mode must be allowed by `ehcp.mode` (`any` allows both); `in_class`
    needs P to have a lesson at t."""
    for row in _pupil_rows(ix):
        allowed = _ehcp(facts, row.ref).mode
        if allowed != EhcpMode.any and row.mode != allowed.value:
            yield Violation(
                "ehcp_mode",
                f"{_who(row, facts)} supports {row.ref} {row.mode}, but the plan's mode is {allowed.value}",
            )
        elif row.mode == "in_class" and row.t not in facts.place[row.ref]:
            yield Violation(
                "ehcp_mode",
                f"{_who(row, facts)} supports {row.ref} in class, but {row.ref} has no lesson then",
            )


def check_ehcp_adults(facts: Facts, ix: Index) -> Iterator[Violation]:
    """5c. The number of adults with P at t is 0 or exactly `ehcp.adults` (2:1)."""
    seen: set[tuple[str, DaySlot]] = set()
    for row in _pupil_rows(ix):
        key = (row.task, row.t)
        if key in seen:
            continue
        seen.add(key)
        adults = sorted({r.staff for r in ix.by_task[key]})
        wanted = _ehcp(facts, row.ref).adults
        if len(adults) != wanted:
            yield Violation(
                "ehcp_adults",
                f"{row.ref} at {facts.name(row.t)} has {len(adults)} adult(s) "
                f"({', '.join(adults)}); "
                f"the plan needs exactly {wanted} whenever supported",
            )


def check_ehcp_in_session(facts: Facts, ix: Index) -> Iterator[Violation]:
    """5d. P is not given EHC support at t while in an intervention session at t."""
    for row in _pupil_rows(ix):
        sessions = ix.in_session.get(row.ref, {}).get(row.t)
        if sessions:
            yield Violation(
                "ehcp_in_session",
                f"{_who(row, facts)} supports {row.ref}, who is in intervention {', '.join(sessions)} then",
            )


def check_one_place(facts: Facts, ix: Index) -> Iterator[Violation]:
    """An adult has at most one place per slot: all their rows in one slot are
    pupil: rows of one pooled group (same class and in_class, or all withdrawn),
    or a single row of another kind."""
    for (adult, t), rows in ix.by_place.items():
        if len(rows) < 2:
            continue
        tasks = [r.task for r in rows]
        where = f"{adult} at {facts.name(t)}"
        if any(r.kind != "pupil" for r in rows):
            yield Violation("one_place", f"{where} is in {len(rows)} places: {', '.join(tasks)}")
        elif len(set(tasks)) < len(tasks):
            yield Violation("one_place", f"{where} has the same task twice: {', '.join(tasks)}")
        elif len({r.mode for r in rows}) > 1:
            yield Violation(
                "one_place",
                f"{where} supports {', '.join(r.ref for r in rows)} partly in class, partly withdrawn",
            )


def check_pooling(facts: Facts, ix: Index) -> Iterator[Violation]:
    """6. Pooling: a pooled group (one adult, one slot, several pupil: rows) has at
    most min(`group_max`) of its members pupils; every member has `group_max` ≥ 2;
    in-class members share a class at that slot."""
    for (adult, t), rows in ix.by_place.items():
        group = sorted({r.ref for r in rows if r.kind == "pupil"})
        if len(group) < 2:
            continue
        where = f"{adult} at {facts.name(t)} supports {', '.join(group)} together"
        maxes = {p: _ehcp(facts, p).group_max for p in group}
        solo = [p for p, m in maxes.items() if m < 2]
        if solo:
            yield Violation("pooling", f"{where}, but {', '.join(solo)} must be supported one-to-one")
        elif len(group) > min(maxes.values()):
            yield Violation("pooling", f"{where}; the smallest group_max among them is {min(maxes.values())}")
        in_class = [r.ref for r in rows if r.kind == "pupil" and r.mode == "in_class"]
        classes = {facts.place[p].get(t) for p in in_class}
        if len(classes) > 1:
            yield Violation("pooling", f"{where} in class, but they are not in the same class then")


def check_over_support(facts: Facts, ix: Index) -> Iterator[Violation]:
    """7. Over-support: EHC minutes delivered to P ≤ `ehcp.hours`×60 + the length of
    the longest slot in which P could be supported. EHC minutes delivered = minutes
    of P's pupil: slots (a slot counts once, even with 2 adults) + minutes of
    sessions of counts_for_ehcp interventions P attends."""
    for pupil in ix.contact:
        ehcp = facts.pupils[pupil].ehcp
        if ehcp is None:
            continue
        delivered = ix.pupil_minutes(facts, pupil, ix.ehc_slots(pupil))
        longest = max((facts.minutes[s] for _, s in facts.supportable_slots(pupil)), default=0)
        limit = ehcp.hours * 60 + longest
        if delivered > limit + EPSILON:
            yield Violation(
                "over_support",
                f"{pupil} is given {delivered} EHC minutes; the plan's {ehcp.hours:g} h plus "
                f"one slot allows at most {limit:g}",
            )


def _rotated_pupils(facts: Facts, ix: Index) -> Iterator[tuple[Pupil, Ehcp, dict[str, set[DaySlot]]]]:
    for pupil, by_adult in ix.contact.items():
        p = facts.pupils[pupil]
        if p.ehcp is not None and by_adult:
            yield p, p.ehcp, by_adult


def check_rotation_min_staff(facts: Facts, ix: Index) -> Iterator[Violation]:
    """8a. min_staff: if P has any EHC contact in the week, at least `min_staff`
    distinct adults give it."""
    for p, _, by_adult in _rotated_pupils(facts, ix):
        need = facts.rotation(p)[0]
        if len(by_adult) < need:
            yield Violation(
                "rotation_min_staff",
                f"{p.id} is supported by {len(by_adult)} adult(s) ({', '.join(sorted(by_adult))}); "
                f"rotation needs at least {need}",
            )


def check_rotation_max_staff(facts: Facts, ix: Index) -> Iterator[Violation]:
    """8d. max_staff: at most `max_staff` distinct adults (the pupil's `rotation`, else
    `rules.rotation`) give P EHC contact in the week."""
    base = facts.school.rules.rotation.max_staff
    for p, _, by_adult in _rotated_pupils(facts, ix):
        most = p.rotation.max_staff if p.rotation and p.rotation.max_staff is not None else base
        if most is not None and len(by_adult) > most:
            yield Violation(
                "rotation_max_staff",
                f"{p.id} is supported by {len(by_adult)} adults ({', '.join(sorted(by_adult))}); "
                f"rotation allows at most {most}",
            )


def check_rotation_max_share(facts: Facts, ix: Index) -> Iterator[Violation]:
    """8b. max_share: each adult's EHC contact minutes with P ≤ `max_share` ×
    `ehcp.hours`×60 (rounded down to a minute)."""
    for p, ehcp, by_adult in _rotated_pupils(facts, ix):
        share = facts.rotation(p)[1]
        cap = math.floor(share * ehcp.hours * 60 + EPSILON)
        for adult, slots in sorted(by_adult.items()):
            got = ix.pupil_minutes(facts, p.id, slots)
            if got > cap:
                yield Violation(
                    "rotation_max_share",
                    f"{adult} gives {p.id} {got} EHC minutes; max_share {share:g} of {ehcp.hours:g} h allows {cap}",
                )


def check_rotation_max_consecutive(facts: Facts, ix: Index) -> Iterator[Violation]:
    """8c. max_consecutive: no adult has EHC contact with P in more than
    `max_consecutive` adjacent slots of a day (calendar slot order; a slot without
    them together, closed slots included, ends the run)."""
    for p, _, by_adult in _rotated_pupils(facts, ix):
        most = facts.rotation(p)[2]
        for adult, slots in sorted(by_adult.items()):
            for run in _runs(slots):
                if len(run) > most:
                    yield Violation(
                        "rotation_max_consecutive",
                        f"{adult} is with {p.id} in {len(run)} adjacent slots "
                        f"({facts.name(run[0])} to {facts.shape.slots[run[-1][1]]}); "
                        f"at most {most} allowed",
                    )


def _runs(slots: set[DaySlot]) -> Iterator[list[DaySlot]]:
    """Maximal runs of adjacent slots of one day."""
    run: list[DaySlot] = []
    for t in sorted(slots):
        if run and (t[0] != run[-1][0] or t[1] != run[-1][1] + 1):
            yield run
            run = []
        run.append(t)
    if run:
        yield run


def check_intervention_slot(facts: Facts, ix: Index) -> Iterator[Violation]:
    """9a. A session sits at a week slot in the intervention's `when`, whose length
    ≥ `minutes`, where none of its pupils has a lesson in an `avoid_subjects`
    subject."""
    for task, slots in ix.task_slots.items():
        kind, ref = task.split(":", 1)
        if kind != "intervention":
            continue
        i = facts.interventions[ref]
        for t in sorted(slots):
            if t in facts.session_slots[ref]:
                continue
            if t not in facts.when(i.when):
                why = f"is outside its when {i.when!r}"
            elif facts.minutes[t[1]] < i.minutes:
                why = f"is in a {facts.minutes[t[1]]}-minute slot, under its {i.minutes} minutes"
            else:
                why = f"takes its pupils out of a lesson in {', '.join(i.avoid_subjects)}"
            yield Violation("intervention_slot", f"the session of {ref} at {facts.name(t)} {why}")


def _sessions(ix: Index) -> Iterator[tuple[str, dict[DaySlot, list[Row]]]]:
    for task, slots in ix.task_slots.items():
        if task.startswith("intervention:"):
            yield task.split(":", 1)[1], slots


def check_intervention_sessions(facts: Facts, ix: Index) -> Iterator[Violation]:
    """9b. At most `sessions` a week, and exactly one adult per session."""
    for ref, slots in _sessions(ix):
        i = facts.interventions[ref]
        if len(slots) > i.sessions:
            yield Violation(
                "intervention_sessions",
                f"{ref} has {len(slots)} sessions; at most {i.sessions} a week",
            )
        for t, rows in sorted(slots.items()):
            if len(rows) > 1:
                yield Violation(
                    "intervention_sessions",
                    f"the session of {ref} at {facts.name(t)} has {len(rows)} adults "
                    f"({', '.join(r.staff for r in rows)}); a session has exactly one",
                )


def check_intervention_one_per_day(facts: Facts, ix: Index) -> Iterator[Violation]:
    """9c. With `one_per_day`, at most one session a day."""
    for ref, slots in _sessions(ix):
        if not facts.interventions[ref].one_per_day:
            continue
        per_day: defaultdict[int, int] = defaultdict(int)
        for d, _ in slots:
            per_day[d] += 1
        for d, count in sorted(per_day.items()):
            if count > 1:
                yield Violation(
                    "intervention_one_per_day",
                    f"{ref} has {count} sessions on {facts.shape.days[d]}; one_per_day allows one",
                )


def check_intervention_same_staff(facts: Facts, ix: Index) -> Iterator[Violation]:
    """9d. With `same_staff`, one adult delivers every session."""
    for ref, slots in _sessions(ix):
        adults = sorted({r.staff for rows in slots.values() for r in rows})
        if facts.interventions[ref].same_staff and len(adults) > 1:
            yield Violation(
                "intervention_same_staff",
                f"{ref} is delivered by {', '.join(adults)}; same_staff needs one adult",
            )


def check_intervention_pupil_clash(facts: Facts, ix: Index) -> Iterator[Violation]:
    """9e. A pupil is never in two sessions in one slot."""
    for pupil, by_slot in ix.in_session.items():
        for t, refs in sorted(by_slot.items()):
            if len(refs) > 1:
                yield Violation(
                    "intervention_pupil_clash",
                    f"{pupil} is in sessions of {', '.join(refs)} at once, at {facts.name(t)}",
                )


def check_room(facts: Facts, ix: Index) -> Iterator[Violation]:
    """10a. A session of an intervention with `room_kind` has a room of that kind;
    a session without `room_kind` has no room."""
    for row in ix.rows:
        if row.kind != "intervention":
            continue
        kind = facts.interventions[row.ref].room_kind
        where = f"the session of {row.ref} at {facts.name(row.t)}"
        if kind is None:
            if row.room is not None:
                yield Violation("room", f"{where} has room {row.room}, but needs no room")
        elif row.room is None:
            yield Violation("room", f"{where} has no room; it needs a {kind} room")
        elif row.room not in facts.rooms:
            yield Violation("room", f"{where} has room {row.room}, which is not in rooms")
        elif facts.rooms[row.room].kind != kind:
            yield Violation(
                "room",
                f"{where} is in {row.room} ({facts.rooms[row.room].kind}); it needs a {kind} room",
            )


def check_room_capacity(facts: Facts, ix: Index) -> Iterator[Violation]:
    """10b. Sessions in one room at one slot ≤ the room's `capacity`."""
    use: defaultdict[tuple[str, DaySlot], set[str]] = defaultdict(set)
    for row in ix.rows:
        if row.kind == "intervention" and row.room in facts.rooms:
            use[row.room, row.t].add(row.ref)
    for (room, t), refs in sorted(use.items()):
        cap = facts.rooms[room].capacity
        if len(refs) > cap:
            yield Violation(
                "room_capacity",
                f"room {room} holds {len(refs)} sessions at {facts.name(t)} "
                f"({', '.join(sorted(refs))}); its capacity is {cap}",
            )


def out_of_class_slots(facts: Facts, ix: Index, pupil: str) -> set[DaySlot]:
    """Slots where the pupil has a lesson but is out of class: in a session, or
    given withdrawn EHC support."""
    lessons = facts.place[pupil]
    out = {t for t in ix.in_session.get(pupil, {}) if t in lessons}
    for t in lessons:
        if any(r.mode == "withdrawn" for r in ix.by_task.get((f"pupil:{pupil}", t), ())):
            out.add(t)
    return out


def check_withdrawal(facts: Facts, ix: Index) -> Iterator[Violation]:
    """11. Withdrawal: per pupil, minutes out of class at slots where the pupil has
    a lesson (sessions + withdrawn EHC support) ≤ `max_withdrawal` (pupil's, else
    `rules.max_withdrawal`) × the pupil's lesson minutes."""
    default = facts.school.rules.max_withdrawal
    for p in facts.school.pupils:
        out = ix.pupil_minutes(facts, p.id, out_of_class_slots(facts, ix, p.id))
        if not out:
            continue
        fraction = default if p.max_withdrawal is None else p.max_withdrawal
        lesson = facts.total_minutes(facts.place[p.id])
        if out > fraction * lesson + EPSILON:
            yield Violation(
                "withdrawal",
                f"{p.id} is out of class {out} minutes; max_withdrawal {fraction:g} of "
                f"{lesson} lesson minutes allows {fraction * lesson:g}",
            )


def _task_rows(ix: Index, kind: str) -> Iterator[tuple[str, DaySlot, list[Row]]]:
    for task, slots in ix.task_slots.items():
        k, ref = task.split(":", 1)
        if k == kind:
            for t, rows in sorted(slots.items()):
                yield ref, t, rows


def check_duty_slot(facts: Facts, ix: Index) -> Iterator[Violation]:
    """12a. Duty rows sit at the duty's slots (week slots in its `when`)."""
    for ref, t, rows in _task_rows(ix, "duty"):
        if t not in facts.duty_slots[ref]:
            yield Violation(
                "duty_slot",
                f"{', '.join(r.staff for r in rows)} on duty {ref} at {facts.name(t)}, "
                f"outside its when {facts.duties[ref].when!r}",
            )


def check_duty_staff(facts: Facts, ix: Index) -> Iterator[Violation]:
    """12b. At most `staff` adults per duty slot."""
    for ref, t, rows in _task_rows(ix, "duty"):
        adults = sorted({r.staff for r in rows})
        if len(adults) > facts.duties[ref].staff:
            yield Violation(
                "duty_staff",
                f"duty {ref} at {facts.name(t)} has {len(adults)} adults ({', '.join(adults)}); "
                f"it wants {facts.duties[ref].staff}",
            )


def check_duty_any_skills(facts: Facts, ix: Index) -> Iterator[Violation]:
    """12c. If anyone is on the duty at a slot, then for each of `any_skills` at
    least one adult on it has that skill."""
    for ref, t, rows in _task_rows(ix, "duty"):
        held = {s for r in rows for s in facts.staff[r.staff].skills}
        missing = [s for s in facts.duties[ref].any_skills if s not in held]
        if missing:
            yield Violation(
                "duty_any_skills",
                f"nobody on duty {ref} at {facts.name(t)} has {', '.join(missing)}",
            )


def check_break(facts: Facts, ix: Index) -> Iterator[Violation]:
    """13. Breaks: for each adult and day, the span runs from the start of their
    first row's slot to the end of their last row's slot. If it is more than
    `break_after_minutes`, some slot of that day strictly between the first and last
    task slots, at least `break_minutes` long, has no row of theirs."""
    rules = facts.school.rules
    for adult, rows in ix.by_staff.items():
        by_day: defaultdict[int, set[int]] = defaultdict(set)
        for r in rows:
            by_day[r.t[0]].add(r.t[1])
        for d, used in sorted(by_day.items()):
            first, last = min(used), max(used)
            span = facts.ends[last] - facts.starts[first]
            if span <= rules.break_after_minutes:
                continue
            free = [s for s in range(first + 1, last) if s not in used and facts.minutes[s] >= rules.break_minutes]
            if not free:
                yield Violation(
                    "break",
                    f"{adult} works {span} minutes on {facts.shape.days[d]} "
                    f"({facts.shape.slots[first]} to {facts.shape.slots[last]}) with no free slot "
                    f"of {rules.break_minutes} minutes between",
                )


def _medical_needs_in(facts: Facts, class_id: str, t: DaySlot) -> list[set[str]]:
    """The medical skills of pupils in the class at t whose `medical.when` includes t."""
    return [
        set(p.medical.skills)
        for p in facts.school.pupils
        if p.medical is not None and facts.place[p.id].get(t) == class_id and t in facts.when(p.medical.when)
    ]


def check_class_support_slot(facts: Facts, ix: Index) -> Iterator[Violation]:
    """Class rows only where some support row of the class covers the slot (its
    when, default every slot the class meets, within the slots the class meets),
    or as medical cover: where no support row covers the slot, one adult with the
    medical skills of a pupil in the class then whose medical need covers it."""
    for ref, t, rows in _task_rows(ix, "class"):
        if t in facts.support_at.get(ref, {}):
            continue
        needs = _medical_needs_in(facts, ref, t)
        adults = sorted({r.staff for r in rows})
        if needs and len(adults) == 1:
            has = set(facts.staff[adults[0]].skills)
            if any(need <= has for need in needs):
                continue
        yield Violation(
            "class_support_slot",
            f"{', '.join(adults)} supports class {ref} at {facts.name(t)}, where no support row "
            "of the class asks for it" + (" and it is not one adult with a pupil's medical skills" if needs else ""),
        )


def check_class_support_staff(facts: Facts, ix: Index) -> Iterator[Violation]:
    """14. Class support: at most the support row's `staff` adults per slot."""
    for ref, t, rows in _task_rows(ix, "class"):
        support = facts.support_at.get(ref, {}).get(t)
        adults = sorted({r.staff for r in rows})
        if support is not None and len(adults) > support.staff:
            yield Violation(
                "class_support_staff",
                f"class {ref} at {facts.name(t)} has {len(adults)} adults ({', '.join(adults)}); "
                f"its support row wants {support.staff}",
            )


def check_class_max_adults(facts: Facts, ix: Index) -> Iterator[Violation]:
    """14b. classes.max_adults: at most this many distinct adults give the class support
    (class rows at slots its support rows cover; medical cover is not counted) in the week."""
    for c in facts.school.classes:
        if c.max_adults is None:
            continue
        wanted = facts.support_at.get(c.id, {})
        adults = {r.staff for t, rows in ix.task_slots.get(f"class:{c.id}", {}).items() if t in wanted for r in rows}
        if len(adults) > c.max_adults:
            yield Violation(
                "class_max_adults",
                f"class {c.id} is supported by {len(adults)} adults this week ({', '.join(sorted(adults))}); "
                f"max_adults allows {c.max_adults}",
            )


def check_pin(facts: Facts, ix: Index) -> Iterator[Violation]:
    """15. Pins: each pinned (adult, slot) has a row with the pinned task (`free`:
    no row at all)."""
    for pin in facts.school.pins:
        if pin.staff not in facts.staff:
            continue
        for t in sorted(facts.when(pin.when)):
            tasks = [r.task for r in ix.by_place.get((pin.staff, t), ())]
            where = f"{pin.staff} at {facts.name(t)} is pinned to {pin.task}"
            if pin.task == "free" and tasks:
                yield Violation("pin", f"{where} but has {', '.join(tasks)}")
            elif pin.task != "free" and pin.task not in tasks:
                yield Violation("pin", f"{where} but has {', '.join(tasks) or 'no row'}")


def check_same_person(facts: Facts, ix: Index) -> Iterator[Violation]:
    """16. Same person: the staff rows of one of `people` are never busy at two slots of a day
    that overlap once the travel minutes between the two rows are added, and their contract
    minutes together are ≤ the person's `hours`×60 − `liaison_minutes` (reserve liaison)."""
    liaison = facts.reserved
    for person in facts.school.people:
        travel = {frozenset(t.between): t.minutes for t in person.travel}
        rows = [s for s in person.staff if s in ix.by_staff]
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                gap = travel.get(frozenset((a, b)), 0)
                for t in sorted({r.t for r in ix.by_staff[a]}):
                    for u in sorted({r.t for r in ix.by_staff[b]}):
                        if t[0] != u[0]:
                            continue
                        if facts.starts[u[1]] < facts.ends[t[1]] + gap and facts.starts[t[1]] < facts.ends[u[1]] + gap:
                            yield Violation(
                                "same_person",
                                f"{person.id} is {a} at {facts.name(t)} and {b} at {facts.name(u)}: "
                                + ("the same time" if t == u else f"not {gap} minutes' travel apart"),
                            )
        if person.hours is not None:
            used = sum(facts.total_minutes(contract_slots(ix.by_staff[s], facts)) for s in rows)
            limit = person.hours * 60 - liaison
            if used > limit + EPSILON:
                yield Violation(
                    "same_person_hours",
                    f"{person.id} is given {used} contract minutes across {', '.join(rows)}; "
                    f"the most allowed is {limit:g} ({person.hours:g} h − {liaison} liaison minutes)",
                )


def check_liaison(facts: Facts, ix: Index) -> Iterator[Violation]:
    """Joint liaison (`rules.liaison: joint`): a `liaison:T` row is a meeting of the adult with
    teacher T, who is in school (available minus unavailable) and teaching no lesson then; the
    adult supports a lesson of T's that week (a class: or pupil: row in it); with
    `liaison_minutes_per_teacher`, each teacher met gets at least that many minutes; and no
    meeting is beyond need (without the shortest, the adult would be short of
    `liaison_minutes`). Like any row, a meeting is where the adult works (rule 1), their
    only place then (one place) and inside their contracted time (rule 3)."""
    rules = facts.school.rules
    per_adult: defaultdict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    shortest: dict[str, int] = {}
    for row in ix.rows:
        if row.kind != "liaison":
            continue
        where = f"{_who(row, facts)} meets {row.ref}"
        if not facts.joint:
            yield Violation("liaison", f"{where}, but liaison rows need `rules.liaison: joint`")
            continue
        if row.t not in facts.teacher_in[row.ref]:
            yield Violation("liaison", f"{where}, who is not in school then")
        taught = facts.teaching(row.ref, row.t)
        if taught:
            yield Violation("liaison", f"{where}, who teaches {', '.join(taught)} then")
        if not any(facts.lesson_teacher(r) == row.ref for r in ix.by_staff.get(row.staff, [])):
            yield Violation("liaison", f"{where}, but {row.staff} supports none of {row.ref}'s lessons this week")
        per_adult[row.staff][row.ref] += facts.minutes[row.t[1]]
        shortest[row.staff] = min(shortest.get(row.staff, 10**6), facts.minutes[row.t[1]])
    for adult, teachers in per_adult.items():
        least = rules.liaison_minutes_per_teacher
        for teacher, minutes in teachers.items():
            if least and minutes < least:
                yield Violation(
                    "liaison",
                    f"{adult} meets {teacher} for {minutes} minutes; liaison_minutes_per_teacher is {least}",
                )
        total = sum(teachers.values())
        if total - shortest[adult] >= rules.liaison_minutes:
            yield Violation(
                "liaison",
                f"{adult} has {total} minutes of liaison meetings, more than the {rules.liaison_minutes} "
                "liaison_minutes need (a meeting could go)",
            )


def check_cover(facts: Facts, ix: Index) -> Iterator[Violation]:
    """Lesson cover: a `cover:C` row is at a lesson of C whose teacher is away then
    (`teacher_absences`); the adult's role is one of `rules.cover.roles`; one adult per lesson;
    each adult covers at most `rules.cover.max_minutes` a week."""
    rules = facts.school.rules.cover
    minutes: defaultdict[str, int] = defaultdict(int)
    for ref, t, rows in _task_rows(ix, "cover"):
        adults = sorted({r.staff for r in rows})
        where = f"{', '.join(adults)} at {facts.name(t)} covers {ref}"
        if (ref, t) not in facts.cover_needed:
            yield Violation("cover", f"{where}, but no lesson of {ref} then has an absent teacher")
        if len(adults) > 1:
            yield Violation("cover", f"{where}: a lesson is covered by one adult")
        for adult in adults:
            role = facts.staff[adult].role
            if role not in rules.roles:
                yield Violation(
                    "cover",
                    f"{adult} at {facts.name(t)} covers {ref}, but role {role} may not cover (rules.cover.roles)",
                )
            minutes[adult] += facts.minutes[t[1]]
    for adult, total in minutes.items():
        if total > rules.max_minutes:
            yield Violation(
                "cover", f"{adult} covers {total} minutes of lessons; rules.cover.max_minutes is {rules.max_minutes}"
            )


CHECKS: tuple[Check, ...] = (
    check_availability,
    check_skills,
    check_contracted_hours,
    check_max_duties,
    check_ehcp_slot,
    check_ehcp_mode,
    check_ehcp_adults,
    check_ehcp_in_session,
    check_one_place,
    check_pooling,
    check_over_support,
    check_rotation_min_staff,
    check_rotation_max_staff,
    check_rotation_max_share,
    check_rotation_max_consecutive,
    check_intervention_slot,
    check_intervention_sessions,
    check_intervention_one_per_day,
    check_intervention_same_staff,
    check_intervention_pupil_clash,
    check_room,
    check_room_capacity,
    check_withdrawal,
    check_duty_slot,
    check_duty_staff,
    check_duty_any_skills,
    check_break,
    check_class_support_slot,
    check_class_support_staff,
    check_class_max_adults,
    check_pin,
    check_same_person,
    check_liaison,
    check_cover,
)


# ---------------------------------------------------------------------------
# Demands: shortfalls and KPIs, derived from the rows
# ---------------------------------------------------------------------------


def _near(facts: Facts, ix: Index, pupil: str, skills: set[str], t: DaySlot) -> bool:
    """Medical cover of P at t is near when an adult with the skills is: (P has a
    lesson at t) supporting P, in P's class (a class: row for it, or an in_class
    pupil: row of a pupil in the same class), or delivering a session P attends;
    (no lesson at t) on any duty then, or supporting P."""
    place = facts.place[pupil].get(t)
    for row in ix.at.get(t, ()):
        if not skills <= set(facts.staff[row.staff].skills):
            continue
        if row.kind == "pupil" and row.ref == pupil:
            return True  # supporting P, in any slot
        if place is None:
            if row.kind == "duty":
                return True  # no lesson: on any duty then
            continue
        in_class = (row.kind == "class" and row.ref == place) or (
            row.kind == "pupil" and row.mode == "in_class" and facts.place[row.ref].get(t) == place
        )
        in_session = row.kind == "intervention" and pupil in facts.interventions[row.ref].pupils
        if in_class or in_session:
            return True
    return False


def _capped_rows(ix: Index, task: str, slots: dict[DaySlot, int]) -> int:
    """Adult-slots delivered on a task at its demand slots, at most the wanted
    number per slot."""
    by_slot = ix.task_slots.get(task, {})
    return sum(min(len({r.staff for r in by_slot.get(t, ())}), n) for t, n in slots.items())


def _class_demand(facts: Facts, c: str) -> dict[DaySlot, int]:
    return {t: s.staff for t, s in facts.support_at.get(c, {}).items()}


def _shortfall(task: str, required: float, delivered: float, unit: str) -> dict[str, Any]:
    return {
        "task": task,
        "required": required,
        "delivered": delivered,
        "unit": unit,
        "reason": f"verifier: {delivered:g} of {required:g} {unit} delivered",
    }


def derive_shortfalls(facts: Facts, ix: Index) -> list[dict[str, Any]]:
    """Every demand not met in full, in order of importance (docs/rules.md table)."""
    out: list[dict[str, Any]] = []
    for p in facts.school.pupils:
        if p.ehcp is not None:
            need = p.ehcp.hours * 60
            got = ix.pupil_minutes(facts, p.id, ix.ehc_slots(p.id))
            if got < need - EHC_TOLERANCE_MINUTES:
                out.append(
                    _shortfall(
                        f"pupil:{p.id}",
                        round(p.ehcp.hours, 2),
                        round(min(got, need) / 60, 2),
                        "hours",
                    )
                )
    for p in facts.school.pupils:
        if p.medical is not None:
            slots = facts.when(p.medical.when)
            skills = set(p.medical.skills)
            near = sum(_near(facts, ix, p.id, skills, t) for t in slots)
            if near < len(slots):
                out.append(_shortfall(f"medical:{p.id}", len(slots), near, "slots"))
    lessons: defaultdict[str, list[DaySlot]] = defaultdict(list)
    for class_id, u in sorted(facts.cover_needed):
        lessons[class_id].append(u)
    for class_id, needed in lessons.items():
        covered = sum(1 for u in needed if ix.task_slots.get(f"cover:{class_id}", {}).get(u))
        if covered < len(needed):
            out.append(_shortfall(f"cover:{class_id}", len(needed), covered, "lessons"))
    for d in facts.school.duties:
        demand = dict.fromkeys(facts.duty_slots[d.id], d.staff)
        need, got = sum(demand.values()), _capped_rows(ix, f"duty:{d.id}", demand)
        if got < need:
            out.append(_shortfall(f"duty:{d.id}", need, got, "adult-slots"))
    for i in facts.school.interventions:
        held = len(ix.task_slots.get(f"intervention:{i.id}", {}))
        if held < i.sessions:
            out.append(_shortfall(f"intervention:{i.id}", i.sessions, held, "sessions"))
    for c in facts.school.classes:
        demand = _class_demand(facts, c.id)
        need, got = sum(demand.values()), _capped_rows(ix, f"class:{c.id}", demand)
        if got < need:
            out.append(_shortfall(f"class:{c.id}", need, got, "adult-slots"))
    need = facts.school.rules.liaison_minutes
    if facts.joint and need > 0:
        for a in facts.school.staff:
            met = facts.total_minutes(r.t for r in ix.by_staff.get(a.id, []) if r.kind == "liaison")
            if met < need:
                out.append(_shortfall(f"liaison:{a.id}", need, met, "minutes"))
    return out


def derive_kpis(facts: Facts, ix: Index) -> dict[str, Any]:
    """The rota's KPIs, derived from the rows (each is described in verify())."""
    school = facts.school
    pupils: dict[str, Any] = {}
    for p in school.pupils:
        if p.ehcp is None:
            continue
        by_adult = ix.contact.get(p.id, {})
        need = p.ehcp.hours * 60
        most = max((ix.pupil_minutes(facts, p.id, s) for s in by_adult.values()), default=0)
        pupils[p.id] = {
            "ehc_hours_required": round(p.ehcp.hours, 2),
            "ehc_hours_delivered": round(ix.pupil_minutes(facts, p.id, ix.ehc_slots(p.id)) / 60, 2),
            "distinct_adults": len(by_adult),
            "largest_share": round(most / need, 3),
        }
    interventions = {
        i.id: {
            "sessions_required": i.sessions,
            "sessions_delivered": len(ix.task_slots.get(f"intervention:{i.id}", {})),
        }
        for i in school.interventions
    }
    classes: dict[str, Any] = {}
    supported = {s.class_ for s in school.support}
    for c in school.classes:
        if c.id not in supported:
            continue
        demand = _class_demand(facts, c.id)
        need, got = sum(demand.values()), _capped_rows(ix, f"class:{c.id}", demand)
        classes[c.id] = {
            "support_required": need,
            "support_delivered": got,
            "coverage": round(got / need, 3) if need else 1.0,
        }
    staff: dict[str, Any] = {}
    weekly = 0.0
    liaison = facts.reserved
    for a in school.staff:
        rows = ix.by_staff.get(a.id, [])
        contract = facts.total_minutes(contract_slots(rows, facts))
        extra = facts.total_minutes(extra_slots(rows, facts))
        overtime = max(0.0, contract / 60 - a.hours)
        staff[a.id] = {
            "contracted_hours": round(a.hours, 2),
            "assigned_hours": round(contract / 60, 2),
            "extra_hours": round(extra / 60, 2),
            "overtime_hours": round(overtime, 2),
            "idle_minutes": round(max(0.0, a.hours * 60 - liaison - contract), 2),
            "duties": sum(r.kind == "duty" for r in rows),
        }
        weekly += _weekly_cost(a, overtime, extra / 60, school.school.oncost)
    cost = {"weekly": round(weekly, 2), "annual": round(weekly * school.school.paid_weeks, 2)}
    return {
        "pupils": pupils,
        "interventions": interventions,
        "classes": classes,
        "staff": staff,
        "cost": cost,
    }


def _weekly_cost(a: Staff, overtime: float, extra: float, oncost: float) -> float:
    """hourly_cost × (hours + overtime + extra) × (1 + oncost), unrounded."""
    if a.hourly_cost is None:
        return 0.0
    return a.hourly_cost * (a.hours + overtime + extra) * (1 + oncost)


# ---------------------------------------------------------------------------
# Comparing the rota's own account with the derivation
# ---------------------------------------------------------------------------


def _close(a: float, b: float, tolerance: float = TOLERANCE) -> bool:
    return abs(a - b) <= tolerance


def compare_shortfalls(derived: list[dict[str, Any]], given: Any) -> Iterator[Violation]:
    """Every derived shortfall appears in the rota with the same task, unit,
    required and delivered; every rota shortfall is real and gives a reason."""
    rule = "shortfall_mismatch"
    if given is None:
        given = []
    if not isinstance(given, list):
        yield Violation(rule, "`shortfalls` is not a list")
        return
    expected = {row["task"]: row for row in derived}
    seen: set[str] = set()
    for n, item in enumerate(given, 1):
        if not isinstance(item, dict) or not isinstance(item.get("task"), str):
            yield Violation(rule, f"shortfall {n} is not a row with a task")
            continue
        task = item["task"]
        if task in seen:
            yield Violation(rule, f"the rota lists the shortfall on {task} twice")
            continue
        seen.add(task)
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            yield Violation(rule, f"the rota's shortfall on {task} gives no reason")
        want = expected.get(task)
        if want is None:
            yield Violation(
                rule,
                f"the rota reports a shortfall on {task}, but the rows meet that demand in full",
            )
            continue
        if item.get("unit") != want["unit"]:
            yield Violation(
                rule,
                f"the rota's shortfall on {task} is in {item.get('unit')!r}, not {want['unit']}",
            )
        for key in ("required", "delivered"):
            value = _number(item.get(key))
            if value is None or not _close(value, want[key]):
                yield Violation(
                    rule,
                    f"the rota's shortfall on {task} has {key} {item.get(key)!r}; the rows give {want[key]:g}",
                )
    for task, want in expected.items():
        if task not in seen:
            yield Violation(
                rule,
                f"the rota does not report the shortfall on {task}: "
                f"{want['delivered']:g} of {want['required']:g} {want['unit']} delivered",
            )


_RATIOS = {"largest_share", "coverage"}


def compare_kpis(derived: dict[str, Any], given: Any) -> Iterator[Violation]:
    """The rota's KPIs match the ones derived from its rows: the same keys, and
    each number within rounding (0.011; shares and coverage 0.002)."""
    rule = "kpi_mismatch"
    if not isinstance(given, dict):
        yield Violation(rule, "the rota has no `kpis` section")
        return
    for section in ("pupils", "interventions", "classes", "staff"):
        want: dict[str, dict[str, Any]] = derived[section]
        got = given.get(section)
        if got is None and not want:
            continue
        if not isinstance(got, dict):
            yield Violation(rule, f"kpis.{section} is missing or not a mapping")
            continue
        got = {str(k): v for k, v in got.items()}
        for key in sorted(set(got) - set(want)):
            yield Violation(rule, f"kpis.{section} lists {key}, which it should not")
        for key, fields in want.items():
            entry = got.get(key)
            if not isinstance(entry, dict):
                yield Violation(rule, f"kpis.{section} has no entry for {key}")
                continue
            yield from _compare_fields(f"kpis.{section}.{key}", fields, entry)
    cost = given.get("cost")
    if not isinstance(cost, dict):
        yield Violation(rule, "kpis.cost is missing or not a mapping")
    else:
        yield from _compare_fields("kpis.cost", derived["cost"], cost)


def _compare_fields(where: str, want: dict[str, Any], got: dict[str, Any]) -> Iterator[Violation]:
    for name, value in want.items():
        tolerance = RATIO_TOLERANCE if name in _RATIOS else TOLERANCE
        number = _number(got.get(name))
        if number is None or not _close(number, float(value), tolerance):
            yield Violation("kpi_mismatch", f"{where}.{name} is {got.get(name)!r}; the rows give {value:g}")


def check_meta(rota: dict[str, Any]) -> Iterator[Violation]:
    """The rota names its format version and a status."""
    meta = rota.get("meta")
    if not isinstance(meta, dict):
        yield Violation("row_format", "the rota has no `meta` section")
        return
    if meta.get("status") not in STATUSES:
        yield Violation(
            "row_format",
            f"meta.status is {meta.get('status')!r}; it must be one of {', '.join(STATUSES)}",
        )
    if meta.get("format_version") != 1:
        yield Violation("row_format", f"meta.format_version is {meta.get('format_version')!r}, not 1")


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def verify(school: SchoolData, rota: dict[str, Any], *, rows_only: bool = False) -> Report:
    """Judge a rota (a dict loaded from the solver's YAML) against the school.

    Checks the format and every hard rule of docs/rules.md, then derives the
    shortfalls and KPIs from the rows and compares them with the rota's own.
    KPIs: per EHC pupil, hours required and delivered (uncapped), distinct adults
    with EHC contact and the largest adult's share of the required minutes; per
    intervention, sessions required and held; per supported class, adult-slots
    required and delivered and their ratio (1.0 when nothing is required); per
    adult, contracted, assigned (contract-counted) extra and overtime hours, idle
    contracted minutes and duty rows; cost weekly and annual, from unrounded hours.
    A `no_rota` rota must have no rows, and only its format is checked.
    With `rows_only` (a rota read from a workbook's Assignments sheet, which holds
    no machine-readable meta, shortfalls or KPIs) only the rows are judged.
    """
    if not isinstance(rota, dict):
        return Report([Violation("row_format", "the rota is not a mapping")], [], {})
    violations = [] if rows_only else list(check_meta(rota))
    raw = rota.get("assignments")
    meta = rota.get("meta")
    if isinstance(meta, dict) and meta.get("status") == "no_rota":
        if raw:
            violations.append(Violation("row_format", "status is no_rota, but the rota has assignment rows"))
        return Report(violations, [], {}, rows=0)

    facts = Facts(school)
    rows, problems = parse_rows(facts, raw)
    violations += problems
    ix = Index.build(facts, rows)
    for check in CHECKS:
        violations.extend(check(facts, ix))
    shortfalls = derive_shortfalls(facts, ix)
    kpis = derive_kpis(facts, ix)
    if not rows_only:
        violations.extend(compare_shortfalls(shortfalls, rota.get("shortfalls")))
        violations.extend(compare_kpis(kpis, rota.get("kpis")))
    count = len(raw) if isinstance(raw, list) else 0
    return Report(violations, shortfalls, kpis, rows=count)


def format_report(report: Report, per_rule: int = 20) -> str:
    """A plain-text verdict: a tick line, or the violations grouped by rule."""
    if report.ok:
        return f"✓ rota is valid: {report.rows} rows, {len(report.shortfalls)} shortfalls checked"
    grouped: dict[str, list[str]] = {}
    for v in report.violations:
        grouped.setdefault(v.rule, []).append(v.message)
    lines = [f"✗ rota is invalid: {len(report.violations)} violation(s) of {len(grouped)} rule(s)"]
    for rule, messages in grouped.items():
        lines.append(f"{rule} ({len(messages)}):")
        lines += [f"  - {m}" for m in messages[:per_rule]]
        if len(messages) > per_rule:
            lines.append(f"  … and {len(messages) - per_rule} more")
    return "\n".join(lines)
