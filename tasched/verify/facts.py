"""The week, derived from the school input (Facts), and the rota's rows indexed once (Row, Index).

Also the small readings of rows that several checks and the derivation share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from tasched.input.model import Ehcp, EhcpMode, Paid, Pupil, SchoolData, Support, minutes_of
from tasched.input.when import DaySlot, WeekShape, parse_when


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


def who(row: Row, facts: Facts) -> str:
    return f"{row.staff} at {facts.name(row.t)}"


def contract_slots(rows: Iterable[Row], facts: Facts) -> set[DaySlot]:
    """Slots that count toward contracted time: every row but duties paid extra;
    a pooled group is one place, so a slot counts once."""
    return {r.t for r in rows if not (r.kind == "duty" and facts.duties[r.ref].paid == Paid.extra)}


def extra_slots(rows: Iterable[Row], facts: Facts) -> set[DaySlot]:
    """Slots of duties paid extra, on top of the contract."""
    return {r.t for r in rows if r.kind == "duty" and facts.duties[r.ref].paid == Paid.extra}
