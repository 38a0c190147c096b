"""The tasks of the compiled week: class support rows, interventions, duties, medical and
lesson cover, and pins.

Each task carries the week slots where it can happen; its candidate adults at each
slot are filled in by :func:`tasched.problem.compile.compile_problem`, in one place
for every kind of demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tasched.input.model import Paid, Priority, SchoolData
from tasched.problem.pupils import PupilInfo
from tasched.problem.week import Week, WeekSlot

__all__ = [
    "ClassSupport",
    "CoverNeed",
    "DutyInfo",
    "InterventionInfo",
    "MedicalCover",
    "PinInfo",
    "compile_duties",
    "compile_interventions",
    "compile_pins",
    "compile_supports",
    "widen_caps_by_sessions",
]


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
class CoverNeed:
    """A lesson whose teacher is away (`teacher_absences`): one adult whose role may cover takes it."""

    class_id: str
    slot: int
    teacher: int
    candidates: list[int]


@dataclass
class PinInfo:
    adult: int
    slot: int
    kind: str  # class | pupil | intervention | duty | free
    target: str


def compile_supports(data: SchoolData, week: Week) -> list[ClassSupport]:
    """Each support row at the slots its class meets (within its `when`)."""
    out: list[ClassSupport] = []
    for row in data.support:
        meets = week.meetings.get(row.class_, set())
        wanted = meets if row.when is None else week.resolve(row.when) & meets
        out.append(
            ClassSupport(
                len(out),
                row.class_,
                sorted(wanted),
                row.staff,
                frozenset(row.skills),
                frozenset(row.subjects),
                row.priority,
            )
        )
    return out


def compile_interventions(data: SchoolData, pupils: list[PupilInfo], week: Week) -> list[InterventionInfo]:
    """Each intervention at the slots a session may sit (rule 9), listed on its pupils."""
    pupil_index = {p.id: p.index for p in pupils}
    out = []
    for i, iv in enumerate(data.interventions):
        members = [pupil_index[p] for p in iv.pupils]
        avoid = set(iv.avoid_subjects)
        allowed = []
        for t in sorted(week.resolve(iv.when)):
            if week.slots[t].minutes < iv.minutes:
                continue
            if any(t in pupils[p].place and week.subject_at.get((pupils[p].place[t], t)) in avoid for p in members):
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
        for p in members:
            pupils[p].interventions.append(i)
        out.append(info)
    return out


def widen_caps_by_sessions(
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


def compile_duties(data: SchoolData, week: Week) -> list[DutyInfo]:
    """Each duty at the slots it runs."""
    return [
        DutyInfo(
            j,
            d.id,
            d.name,
            sorted(week.resolve(d.when)),
            d.staff,
            frozenset(d.skills),
            frozenset(d.any_skills),
            d.paid == Paid.extra,
            d.priority,
        )
        for j, d in enumerate(data.duties)
    ]


def compile_pins(data: SchoolData, week: Week, adult_index: dict[str, int]) -> list[PinInfo]:
    """Each pin at each slot its `when` names."""
    return [
        PinInfo(adult_index[pin.staff], t, *_task(pin.task))
        for pin in data.pins
        for t in sorted(week.resolve(pin.when))
    ]


def _task(ref: str) -> tuple[str, str]:
    if ref == "free":
        return "free", ""
    kind, _, target = ref.partition(":")
    return kind, target
