"""The compiled problem: the school's week with every when-expression resolved.

Everything is indexed densely so the CP-SAT layer only sums over prepared lists:
open week slots are ``t = 0..T-1``; adults, classes, pupils, interventions and
duties are list positions. Each demand carries the exact slots where it can be
served, and each (demand, slot) carries the adults who may serve it (they work
then and hold the skills). Nothing here knows about CP-SAT.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from tasched.input.model import EhcpMode, LiaisonMode, Paid, Priority, SchoolData
from tasched.input.week import class_meetings, lesson_subjects, open_slots, shape_of
from tasched.input.when import WeekShape, parse_when

Resolve = Callable[[str | None], set[int]]


Row = dict[str, Any]  # one row of a rota: staff, day, slot, task, mode, pupils, room


@dataclass(frozen=True)
class WeekSlot:
    index: int
    day: int  # position in calendar.days
    slot: int  # position in calendar.slots
    label: str  # "Mon P1"
    day_id: str
    slot_id: str
    start: int  # minutes after midnight
    end: int
    kind: str

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass
class Adult:
    index: int
    id: str
    works: set[int]
    skills: frozenset[str]
    subjects: frozenset[str]
    contract_minutes: int  # hours × 60
    cap_minutes: int  # contract − liaison + overtime: most minutes of contract tasks
    liaison_minutes: int
    max_duties: int | None
    hourly_cost: float | None
    prefer: frozenset[str]
    meet_minutes: int = 0  # joint liaison (rules.liaison: joint): minutes of meetings with teachers a week
    cover_minutes: int = 0  # most minutes of lesson cover a week (0: their role may not cover)

    def can(self, skills: frozenset[str] | set[str] | list[str]) -> bool:
        return self.skills.issuperset(skills)


@dataclass
class ClassSupport:
    """One `support` row: adults wanted in a class at each of its slots."""

    index: int
    class_id: str
    slots: list[int]
    staff: int
    skills: frozenset[str]
    subjects: frozenset[str]
    priority: Priority
    candidates: dict[int, list[int]] = field(default_factory=dict)  # slot -> adults


@dataclass
class EhcPlan:
    required_minutes: int
    modes: tuple[str, ...]  # of "in_class", "withdrawn"
    group_max: int
    adults: int
    skills: frozenset[str]
    slots: list[int]  # where support may be given
    max_share_minutes: int
    min_staff: int
    max_consecutive: int
    over_support_cap: int  # required + the longest supportable slot
    candidates: dict[int, list[int]] = field(default_factory=dict)  # slot -> adults
    max_staff: int | None = None  # most distinct adults giving EHC contact in a week


@dataclass
class MedicalNeed:
    skills: frozenset[str]
    slots: list[int]


@dataclass
class PupilInfo:
    index: int
    id: str
    place: dict[int, str]  # slot -> class the pupil is in
    lesson_minutes: int
    max_withdrawal_minutes: int
    ehcp: EhcPlan | None
    medical: MedicalNeed | None
    interventions: list[int] = field(default_factory=list)


@dataclass
class InterventionInfo:
    index: int
    id: str
    pupils: list[int]
    sessions: int
    minutes: int
    skills: frozenset[str]
    same_staff: bool
    one_per_day: bool
    slots: list[int]  # where a session may sit
    room_kind: str | None
    counts_for_ehcp: bool
    priority: Priority
    candidates: dict[int, list[int]] = field(default_factory=dict)  # slot -> adults


@dataclass
class DutyInfo:
    index: int
    id: str
    name: str
    slots: list[int]
    staff: int
    skills: frozenset[str]
    any_skills: frozenset[str]
    paid_extra: bool
    priority: Priority
    candidates: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class MedicalCover:
    """A class slot where no support row applies but a pupil's medical need does:
    one adult with that pupil's medical skills may be placed in the class."""

    class_id: str
    slot: int
    candidates: list[int]


@dataclass
class TeacherInfo:
    """A teacher of `teachers`: when they are in school and which lessons they teach."""

    index: int
    id: str
    works: set[int]  # available minus unavailable minus teacher_absences
    teaching: dict[int, list[str]] = field(default_factory=dict)  # slot -> classes taught then
    away: set[int] = field(default_factory=set)  # teacher_absences: their lessons then need cover

    @property
    def free(self) -> set[int]:
        """In school and teaching no lesson."""
        return self.works - set(self.teaching)


@dataclass
class CoverNeed:
    """A lesson whose teacher is away (`teacher_absences`): one adult whose role may cover takes it."""

    class_id: str
    slot: int
    teacher: int
    candidates: list[int]


@dataclass
class LiaisonPartner:
    """A teacher an adult may meet (joint liaison): the lessons of theirs the adult could
    support (`lessons`: slot -> classes), and the slots where both are free (`slots`)."""

    adult: int
    teacher: int
    lessons: dict[int, list[str]]
    slots: list[int]


@dataclass
class PinInfo:
    adult: int
    slot: int
    kind: str  # class | pupil | intervention | duty | free
    target: str


@dataclass
class Problem:
    data: SchoolData
    shape: WeekShape
    slots: list[WeekSlot]
    day_order: list[list[int | None]]  # per day, calendar order: week slot or None if closed
    adults: list[Adult]
    supports: list[ClassSupport]
    pupils: list[PupilInfo]
    interventions: list[InterventionInfo]
    duties: list[DutyInfo]
    room_capacity: dict[str, int]  # room kind -> sessions at once
    pins: list[PinInfo]
    subject_at: dict[tuple[str, int], str]  # (class, slot) -> subject
    class_slots: dict[str, set[int]]  # when each class meets
    medical_covers: list[MedicalCover] = field(default_factory=list)
    # Pupils whose candidate adults were cut to `adults_per_pupil`: a proof on this
    # model is then a proof within that limit, not about the school.
    trimmed: list[str] = field(default_factory=list)
    # A term plan's rotate_withdrawals (tasched term): the most withdrawals per pupil and subject
    # (or slot) by the end of this week, and those already made in the term's earlier weeks.
    withdrawal_cap: int | None = None
    withdrawals_done: dict[tuple[str, str], int] = field(default_factory=dict)
    # classes.max_adults: class -> most distinct adults giving it support (support rows) a week
    class_max_adults: dict[str, int] = field(default_factory=dict)
    teachers: list[TeacherInfo] = field(default_factory=list)
    # joint liaison: each adult's possible partners (teachers whose lessons they could support)
    liaison_partners: list[LiaisonPartner] = field(default_factory=list)
    cover_needs: list[CoverNeed] = field(default_factory=list)  # lessons of absent teachers

    @cached_property
    def teacher_index(self) -> dict[str, int]:
        return {t.id: t.index for t in self.teachers}

    @cached_property
    def teacher_of(self) -> dict[tuple[str, int], int]:
        """(class, slot) -> the teacher (of `teachers`) teaching the class then."""
        return {(c, t): k.index for k in self.teachers for t, classes in k.teaching.items() for c in classes}

    # Built once: rules, reasons and re-solves look ids up row by row.
    @cached_property
    def adult_index(self) -> dict[str, int]:
        return {a.id: a.index for a in self.adults}

    def withdrawal_key(self, p: int, t: int) -> str:
        """What rotate_withdrawals counts at a pupil's lesson: its subject, else the slot (`Mon P2`)."""
        place = self.pupils[p].place[t]
        return self.subject_at.get((place, t)) or self.slots[t].label

    def withdrawals_left(self, p: int, t: int) -> int | None:
        """How many more times this week the pupil may be withdrawn from t's subject (None: no cap)."""
        if self.withdrawal_cap is None or t not in self.pupils[p].place:
            return None
        done = self.withdrawals_done.get((self.pupils[p].id, self.withdrawal_key(p, t)), 0)
        return max(0, self.withdrawal_cap - done)

    @cached_property
    def pupil_index(self) -> dict[str, int]:
        return {p.id: p.index for p in self.pupils}

    @cached_property
    def slot_index(self) -> dict[tuple[str, str], int]:
        """(day id, slot id) -> week slot."""
        return {(s.day_id, s.slot_id): s.index for s in self.slots}


AUTO_LIMIT_STAFF = 30  # schools with more adults get a per-pupil candidate limit by default
AUTO_ADULTS_PER_PUPIL = 12


def compile_problem(
    data: SchoolData, *, limit_candidates: bool = True, keep: list[dict[str, object]] | None = None
) -> Problem:
    """Resolve the validated input into the dense, solver-ready week.

    With `limit_candidates`, a large school's pupils each keep a limited set of
    candidate adults (`rules.solver.adults_per_pupil`); `keep` (last week's rows)
    names supporters who stay candidates. Diagnosis compiles without the limit.
    """
    shape = shape_of(data)
    week = open_slots(data, shape)
    cal = data.calendar
    slots: list[WeekSlot] = []
    slot_of: dict[tuple[int, int], int] = {}
    for d, day_id in enumerate(cal.days):
        for s, spec in enumerate(cal.slots):
            if (d, s) in week:
                slot_of[(d, s)] = len(slots)
                start, end = _minutes(spec.start), _minutes(spec.end)
                slots.append(
                    WeekSlot(len(slots), d, s, f"{day_id} {spec.id}", day_id, spec.id, start, end, spec.kind.value)
                )
    day_order = [[slot_of.get((d, s)) for s in range(len(cal.slots))] for d in range(len(cal.days))]

    def resolve(expr: str | None) -> set[int]:
        return {slot_of[p] for p in parse_when(expr, shape) if p in slot_of}

    meetings = {c: {slot_of[p] for p in ps if p in slot_of} for c, ps in class_meetings(data, shape).items()}
    subject_at = {(c, slot_of[p]): subj for (c, p), subj in lesson_subjects(data, shape).items() if p in slot_of}

    adults = _adults(data, resolve)
    supports = _supports(data, meetings, resolve, adults)
    pupils = _pupils(data, meetings, subject_at, resolve, slots, adults)
    pupil_index = {p.id: p.index for p in pupils}
    trimmed = _limit_candidates(data, pupils, adults, keep or []) if limit_candidates else []
    interventions = _interventions(data, pupils, pupil_index, subject_at, resolve, slots, adults)
    _widen_caps_by_sessions(pupils, interventions, slots)
    duties = _duties(data, resolve, adults)
    room_capacity: dict[str, int] = defaultdict(int)
    for room in data.rooms:
        room_capacity[room.kind] += room.capacity
    adult_index = {a.id: a.index for a in adults}
    pins = [
        PinInfo(adult_index[pin.staff], t, *_task(pin.task)) for pin in data.pins for t in sorted(resolve(pin.when))
    ]
    problem = Problem(
        data,
        shape,
        slots,
        day_order,
        adults,
        supports,
        pupils,
        interventions,
        duties,
        dict(room_capacity),
        pins,
        subject_at,
        meetings,
    )
    problem.medical_covers = _medical_covers(problem)
    problem.trimmed = trimmed
    problem.class_max_adults = {c.id: c.max_adults for c in data.classes if c.max_adults is not None}
    problem.teachers = _teachers(data, meetings, resolve)
    problem.liaison_partners = _liaison_partners(problem)
    problem.cover_needs = [
        CoverNeed(c, t, k.index, [a.index for a in adults if a.cover_minutes >= slots[t].minutes and t in a.works])
        for k in problem.teachers
        for t in sorted(k.away)
        for c in k.teaching.get(t, [])
    ]
    return problem


def _widen_caps_by_sessions(
    pupils: list[PupilInfo], interventions: list[InterventionInfo], slots: list[WeekSlot]
) -> None:
    """The over-support cap is the plan's hours plus the longest slot in which the pupil could
    be given EHC time, a session of an intervention that counts for EHC included (rule 7)."""
    for iv in interventions:
        if not iv.counts_for_ehcp or not iv.slots:
            continue
        longest = max(slots[t].minutes for t in iv.slots)
        for p in iv.pupils:
            plan = pupils[p].ehcp
            if plan is not None:
                plan.over_support_cap = max(plan.over_support_cap, plan.required_minutes + longest)


def _medical_covers(prob: Problem) -> list[MedicalCover]:
    supported = {(row.class_id, t) for row in prob.supports for t in row.slots}
    needs: dict[tuple[str, int], list[frozenset[str]]] = defaultdict(list)
    for pupil in prob.pupils:
        if pupil.medical is None:
            continue
        for t in pupil.medical.slots:
            place = pupil.place.get(t)
            if place is not None and (place, t) not in supported:
                needs[place, t].append(pupil.medical.skills)
    return [
        MedicalCover(c, t, [a.index for a in prob.adults if t in a.works and any(a.can(n) for n in skills)])
        for (c, t), skills in sorted(needs.items())
    ]


def _teachers(data: SchoolData, meetings: dict[str, set[int]], resolve: Resolve) -> list[TeacherInfo]:
    """Each teacher's week: a lesson's `teacher`, else its class's `teacher` when that names one."""
    out = [TeacherInfo(k, x.id, resolve(x.available) - resolve(x.unavailable)) for k, x in enumerate(data.teachers)]
    index = {t.id: t.index for t in out}
    for away in data.teacher_absences:
        if away.teacher in index:
            out[index[away.teacher]].away |= resolve(away.when)
    for teacher in out:
        teacher.works -= teacher.away
    named: dict[tuple[str, int], int] = {}
    for lesson in data.lessons:
        if lesson.teacher in index:
            for t in resolve(lesson.when) & meetings.get(lesson.class_, set()):
                named[lesson.class_, t] = index[lesson.teacher]
    for group in data.classes:
        if group.teacher in index:
            for t in meetings.get(group.id, set()):
                named.setdefault((group.id, t), index[group.teacher])
    for (class_id, t), k in sorted(named.items()):
        out[k].teaching.setdefault(t, []).append(class_id)
    return out


LIAISON_PARTNERS = 8  # most teachers considered for one adult's meetings (those they could support most)


def _liaison_partners(prob: Problem) -> list[LiaisonPartner]:
    """Joint liaison: for each adult who meets teachers, the teachers whose lessons they could
    support (class support, EHC support of a pupil in the lesson, medical cover), most first,
    with the slots where the teacher is free (in school, not teaching) and the adult works."""
    out: list[LiaisonPartner] = []
    if not prob.teachers:
        return out
    teacher_of = prob.teacher_of
    could: dict[tuple[int, int], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))

    def add(a: int, class_id: str, t: int) -> None:
        k = teacher_of.get((class_id, t))
        if k is not None and prob.adults[a].meet_minutes > 0:
            could[a, k][t].add(class_id)

    for row in prob.supports:
        for t, adults in row.candidates.items():
            for a in adults:
                add(a, row.class_id, t)
    for pupil in prob.pupils:
        if pupil.ehcp is not None:
            for t, adults in pupil.ehcp.candidates.items():
                if t in pupil.place:
                    for a in adults:
                        add(a, pupil.place[t], t)
    for cover in prob.medical_covers:
        for a in cover.candidates:
            add(a, cover.class_id, cover.slot)
    by_adult: dict[int, list[tuple[int, int, dict[int, set[str]]]]] = defaultdict(list)
    for (a, k), lessons in could.items():
        minutes = sum(prob.slots[t].minutes for t in lessons)
        by_adult[a].append((-minutes, k, lessons))
    for a, options in sorted(by_adult.items()):
        works = prob.adults[a].works
        for _, k, lessons in sorted(options)[:LIAISON_PARTNERS]:
            slots = sorted(works & prob.teachers[k].free)
            out.append(LiaisonPartner(a, k, {t: sorted(c) for t, c in sorted(lessons.items())}, slots))
    return out


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _task(ref: str) -> tuple[str, str]:
    if ref == "free":
        return "free", ""
    kind, _, target = ref.partition(":")
    return kind, target


def _adults(data: SchoolData, resolve: Resolve) -> list[Adult]:
    absent: dict[str, set[int]] = defaultdict(set)
    for absence in data.absences:
        absent[absence.staff] |= resolve(absence.when)
    joint = data.rules.liaison == LiaisonMode.joint
    liaison = 0 if joint else data.rules.liaison_minutes  # joint: meetings are tasks, not idle time
    adults = []
    for i, s in enumerate(data.staff):
        works = resolve(s.available) - resolve(s.unavailable) - absent[s.id]
        contract = round(s.hours * 60)
        adults.append(
            Adult(
                index=i,
                id=s.id,
                works=works,
                skills=frozenset(s.skills),
                subjects=frozenset(s.subjects),
                contract_minutes=contract,
                cap_minutes=max(0, contract - liaison + round(s.overtime_hours * 60)),
                liaison_minutes=liaison,
                max_duties=s.max_duties,
                hourly_cost=s.hourly_cost,
                prefer=frozenset(s.prefer),
                meet_minutes=data.rules.liaison_minutes if joint else 0,
                cover_minutes=data.rules.cover.max_minutes if s.role in data.rules.cover.roles else 0,
            )
        )
    return adults


def _eligible(adults: list[Adult], skills: frozenset[str], t: int) -> list[int]:
    return [a.index for a in adults if t in a.works and a.skills.issuperset(skills)]


def _supports(
    data: SchoolData, meetings: dict[str, set[int]], resolve: Resolve, adults: list[Adult]
) -> list[ClassSupport]:
    out: list[ClassSupport] = []
    for row in data.support:
        meets = meetings.get(row.class_, set())
        wanted = meets if row.when is None else resolve(row.when) & meets
        support = ClassSupport(
            len(out),
            row.class_,
            sorted(wanted),
            row.staff,
            frozenset(row.skills),
            frozenset(row.subjects),
            row.priority,
        )
        support.candidates = {t: _eligible(adults, support.skills, t) for t in support.slots}
        out.append(support)
    return out


def _pupils(
    data: SchoolData,
    meetings: dict[str, set[int]],
    subject_at: dict[tuple[str, int], str],
    resolve: Resolve,
    slots: list[WeekSlot],
    adults: list[Adult],
) -> list[PupilInfo]:
    rules = data.rules
    out = []
    for i, p in enumerate(data.pupils):
        place: dict[int, str] = {}
        for c in p.classes:
            for t in meetings.get(c, set()):
                place.setdefault(t, c)
        lesson_minutes = sum(slots[t].minutes for t in place)
        max_w = p.max_withdrawal if p.max_withdrawal is not None else rules.max_withdrawal
        plan = None
        if p.ehcp is not None:
            e = p.ehcp
            rot = p.rotation
            allowed = set(place) if e.when is None else resolve(e.when)
            if e.subjects is not None:
                wanted = set(e.subjects)
                allowed = {t for t in allowed if t in place and subject_at.get((place[t], t)) in wanted}
            modes: tuple[str, ...] = {
                EhcpMode.in_class: ("in_class",),
                EhcpMode.withdrawn: ("withdrawn",),
                EhcpMode.any: ("in_class", "withdrawn"),
            }[e.mode]
            # in_class support needs the pupil in a lesson; withdrawn may use any allowed slot.
            allowed = {t for t in allowed if "withdrawn" in modes or t in place}
            required = round(e.hours * 60)
            share = rot.max_share if rot and rot.max_share is not None else rules.rotation.max_share
            plan = EhcPlan(
                required_minutes=required,
                modes=modes,
                group_max=e.group_max,
                adults=e.adults,
                skills=frozenset(e.skills),
                slots=sorted(allowed),
                max_share_minutes=math.floor(share * required + 1e-9),
                min_staff=rot.min_staff if rot and rot.min_staff else rules.rotation.min_staff,
                max_consecutive=(
                    rot.max_consecutive if rot and rot.max_consecutive else rules.rotation.max_consecutive
                ),
                over_support_cap=required + max((slots[t].minutes for t in allowed), default=0),
                max_staff=rot.max_staff if rot and rot.max_staff else rules.rotation.max_staff,
            )
            plan.candidates = {t: _eligible(adults, plan.skills, t) for t in plan.slots}
        medical = None
        if p.medical is not None:
            medical = MedicalNeed(frozenset(p.medical.skills), sorted(resolve(p.medical.when)))
        out.append(PupilInfo(i, p.id, place, lesson_minutes, math.floor(max_w * lesson_minutes + 1e-9), plan, medical))
    return out


def _limit_candidates(
    data: SchoolData, pupils: list[PupilInfo], adults: list[Adult], keep: list[dict[str, object]]
) -> list[str]:
    """Keep at most `adults_per_pupil` candidate adults per pupil (model size grows as
    adults × pupils × slots). Chosen, scarcest pupil first: adults who prefer the
    pupil or their class, then the least-chosen so far, then those free most often.
    Returns the ids of the pupils who lost candidates."""
    limit = data.rules.solver.adults_per_pupil
    trimmed: list[str] = []
    if limit is None:
        if len(adults) <= AUTO_LIMIT_STAFF:
            return trimmed
        limit = AUTO_ADULTS_PER_PUPIL
    must: dict[str, set[int]] = defaultdict(set)
    index = {a.id: a.index for a in adults}
    for pin in data.pins:
        kind, _, target = pin.task.partition(":")
        if kind == "pupil" and pin.staff in index:
            must[target].add(index[pin.staff])
    for row in keep:
        task = str(row.get("task", ""))
        if task.startswith("pupil:") and str(row.get("staff")) in index:
            must[task[6:]].add(index[str(row.get("staff"))])
    chosen_count: dict[int, int] = defaultdict(int)
    planned = [p for p in pupils if p.ehcp is not None]
    planned.sort(key=lambda p: len({a for c in p.ehcp.candidates.values() for a in c}))  # type: ignore[union-attr]
    for pupil in planned:
        plan = pupil.ehcp
        assert plan is not None
        eligible = {a for c in plan.candidates.values() for a in c}
        size = max(limit, 3 * plan.min_staff, 2 * plan.adults)
        if len(eligible) <= size:
            chosen = eligible
        else:
            liked = {f"pupil:{pupil.id}", *(f"class:{c}" for c in set(pupil.place.values()))}
            overlap = {a: sum(a in c for c in plan.candidates.values()) for a in eligible}

            def rank(a: int, liked: set[str] = liked, overlap: dict[int, int] = overlap) -> tuple[int, int, int]:
                return (0 if adults[a].prefer & liked else 1, chosen_count[a], -overlap[a])

            chosen = set(sorted(eligible - must[pupil.id], key=rank)[: max(0, size - len(must[pupil.id]))])
            chosen |= must[pupil.id] & eligible
        for a in chosen:
            chosen_count[a] += 1
        if chosen != eligible:
            trimmed.append(pupil.id)
        plan.candidates = {t: [a for a in c if a in chosen] for t, c in plan.candidates.items()}
    return trimmed


def _interventions(
    data: SchoolData,
    pupils: list[PupilInfo],
    pupil_index: dict[str, int],
    subject_at: dict[tuple[str, int], str],
    resolve: Resolve,
    slots: list[WeekSlot],
    adults: list[Adult],
) -> list[InterventionInfo]:
    out = []
    for i, iv in enumerate(data.interventions):
        members = [pupil_index[p] for p in iv.pupils]
        avoid = set(iv.avoid_subjects)
        allowed = []
        for t in sorted(resolve(iv.when)):
            if slots[t].minutes < iv.minutes:
                continue
            if any(t in pupils[p].place and subject_at.get((pupils[p].place[t], t)) in avoid for p in members):
                continue
            allowed.append(t)
        info = InterventionInfo(
            i,
            iv.id,
            members,
            iv.sessions,
            iv.minutes,
            frozenset(iv.skills),
            iv.same_staff,
            iv.one_per_day,
            allowed,
            iv.room_kind,
            iv.counts_for_ehcp,
            iv.priority,
        )
        info.candidates = {t: _eligible(adults, info.skills, t) for t in allowed}
        for p in members:
            pupils[p].interventions.append(i)
        out.append(info)
    return out


def _duties(data: SchoolData, resolve: Resolve, adults: list[Adult]) -> list[DutyInfo]:
    out = []
    for j, d in enumerate(data.duties):
        info = DutyInfo(
            j,
            d.id,
            d.name,
            sorted(resolve(d.when)),
            d.staff,
            frozenset(d.skills),
            frozenset(d.any_skills),
            d.paid == Paid.extra,
            d.priority,
        )
        info.candidates = {t: _eligible(adults, info.skills, t) for t in info.slots}
        out.append(info)
    return out
