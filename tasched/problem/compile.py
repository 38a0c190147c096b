"""Compile the validated school into the dense, solver-ready week (:class:`Problem`).

The week's slots come first, then the adults, the pupils and the tasks, each from
its own module; here every demand is given its candidate adults at each of its
slots, in one place (rules 1 and 2: the adult works then and holds the skills),
before the derived cover and liaison are worked out. Every name of the compiled
problem stays importable from here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from tasched.input.model import SchoolData
from tasched.problem.adults import Adult, LiaisonPartner, TeacherInfo, compile_adults, compile_teachers
from tasched.problem.cover import cover_needs, medical_covers
from tasched.problem.liaison import liaison_partners
from tasched.problem.model import Problem
from tasched.problem.pupils import (
    AUTO_ADULTS_PER_PUPIL,
    AUTO_LIMIT_STAFF,
    EhcPlan,
    MedicalNeed,
    PupilInfo,
    compile_pupils,
    limit_plan_candidates,
)
from tasched.problem.tasks import (
    ClassSupport,
    CoverNeed,
    DutyInfo,
    InterventionInfo,
    MedicalCover,
    PinInfo,
    compile_duties,
    compile_interventions,
    compile_pins,
    compile_supports,
    widen_caps_by_sessions,
)
from tasched.problem.week import Resolve, Row, WeekSlot, compile_week

__all__ = [
    "AUTO_ADULTS_PER_PUPIL",
    "AUTO_LIMIT_STAFF",
    "Adult",
    "ClassSupport",
    "CoverNeed",
    "DutyInfo",
    "EhcPlan",
    "InterventionInfo",
    "LiaisonPartner",
    "MedicalCover",
    "MedicalNeed",
    "PinInfo",
    "Problem",
    "PupilInfo",
    "Resolve",
    "Row",
    "TeacherInfo",
    "WeekSlot",
    "compile_problem",
]

# A demand served by adults at its slots: a support row, an EHC plan, an intervention or a duty.
Demand = ClassSupport | EhcPlan | InterventionInfo | DutyInfo


def compile_problem(
    data: SchoolData, *, limit_candidates: bool = True, keep: list[dict[str, object]] | None = None
) -> Problem:
    """Resolve the validated input into the dense, solver-ready week.

    With `limit_candidates`, a large school's pupils each keep a limited set of
    candidate adults (`rules.solver.adults_per_pupil`); `keep` (last week's rows)
    names supporters who stay candidates. Diagnosis compiles without the limit.
    """
    week = compile_week(data)
    adults = compile_adults(data, week.resolve)
    supports = compile_supports(data, week)
    pupils = compile_pupils(data, week)
    plans = [p.ehcp for p in pupils if p.ehcp is not None]
    interventions = compile_interventions(data, pupils, week)
    duties = compile_duties(data, week)
    _add_candidates(adults, [*supports, *plans, *interventions, *duties])
    trimmed = limit_plan_candidates(data, pupils, adults, keep or []) if limit_candidates else []
    widen_caps_by_sessions(pupils, interventions, week.slots)
    adult_index = {a.id: a.index for a in adults}
    problem = Problem(
        data,
        week.shape,
        week.slots,
        week.day_order,
        adults,
        supports,
        pupils,
        interventions,
        duties,
        _room_capacity(data),
        compile_pins(data, week, adult_index),
        week.subject_at,
        week.meetings,
    )
    problem.medical_covers = medical_covers(problem)
    problem.trimmed = trimmed
    problem.class_max_adults = {c.id: c.max_adults for c in data.classes if c.max_adults is not None}
    problem.teachers = compile_teachers(data, week.meetings, week.resolve)
    problem.liaison_partners = liaison_partners(problem)
    problem.cover_needs = cover_needs(problem)
    return problem


def _eligible(adults: list[Adult], skills: frozenset[str], t: int) -> list[int]:
    return [a.index for a in adults if t in a.works and a.skills.issuperset(skills)]


def _add_candidates(adults: list[Adult], demands: Iterable[Demand]) -> None:
    """Each demand's candidate adults at each of its slots (looked up here at call time,
    so a test may swap `_eligible` to drop availability or skills)."""
    for demand in demands:
        demand.candidates = {t: _eligible(adults, demand.skills, t) for t in demand.slots}


def _room_capacity(data: SchoolData) -> dict[str, int]:
    """Room kind -> sessions at once, summed over the rooms of that kind."""
    capacity: dict[str, int] = defaultdict(int)
    for room in data.rooms:
        capacity[room.kind] += room.capacity
    return dict(capacity)
