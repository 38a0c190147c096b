"""The LP bound on the EHC tier (tasched.solver.bounds): valid, and tight where it should be.

Valid: never above the EHC minutes short of a rota the solver writes for a random
small school. Tight: equal to the shortfall where EHC hours are plainly impossible,
0 where they can all be met, and computed over every eligible adult even when the
solver's model keeps fewer (`rules.solver.adults_per_pupil`).
"""

from __future__ import annotations

from typing import Any

from helpers_solver import make_school, solve_ok
from hypothesis import HealthCheck, given, settings
from strategies import schools

from tasched.input.model import SchoolData
from tasched.problem.compile import compile_problem
from tasched.solution import solve
from tasched.solution.rota import Rota
from tasched.solver.bounds import ehc_shortfall_bound

WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri")  # three hour-long lessons a day: 15 lesson hours


def ehc_minutes_short(rota: Rota) -> int:
    """The rota's EHC shortfall in minutes: its `pupil:` shortfall rows are in hours."""
    return sum(
        round((row["required"] - row["delivered"]) * 60) for row in rota.shortfalls if row["task"].startswith("pupil:")
    )


def in_class_pupils(*pupils: tuple[str, float]) -> list[dict[str, Any]]:
    return [
        {"id": p, "classes": ["C1"], "ehcp": {"hours": hours, "mode": "in_class", "group_max": 1}}
        for p, hours in pupils
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schools())
def test_the_bound_is_never_above_a_rotas_ehc_shortfall(school: SchoolData) -> None:
    """Validity: whatever the school, the bound is at most what a valid rota leaves short."""
    bound = ehc_shortfall_bound(compile_problem(school))
    assert bound is not None
    rota = solve(school, time_limit=5, workers=1, seed=0)
    assert rota.status in ("optimal", "feasible"), rota.meta
    assert 0 <= bound <= ehc_minutes_short(rota), rota.shortfalls


def test_impossible_hours_give_the_true_shortfall() -> None:
    """One adult, two one-to-one pupils wanting 30 h each in the same 15 lesson hours:
    at most 15 h can be given, so 45 h (2,700 minutes) are short, bound and rota alike."""
    school = make_school(
        days=WEEK,
        staff=[{"id": "A", "hours": 40}],
        classes=[{"id": "C1"}],
        pupils=in_class_pupils(("P", 30), ("Q", 30)),
    )
    bound = ehc_shortfall_bound(compile_problem(school))
    assert bound == 2700
    assert ehc_minutes_short(solve_ok(school)) == 2700


def test_contract_and_two_to_one_bind() -> None:
    """Two adults of 2 h each and a 2:1 pupil wanting 3 h: two hours together at most,
    so 60 minutes short; a second, one-to-one pupil gets nothing more from them."""
    school = make_school(
        staff=[{"id": "A", "hours": 2}, {"id": "B", "hours": 2}],
        classes=[{"id": "C1"}],
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": 3, "adults": 2, "mode": "in_class"}}],
    )
    assert ehc_shortfall_bound(compile_problem(school)) == 60
    assert ehc_minutes_short(solve_ok(school)) == 60


def test_plans_that_can_be_met_give_zero() -> None:
    """Two adults and two plans that fit in their week: nothing need be short."""
    school = make_school(
        days=WEEK,
        staff=[{"id": "A", "hours": 15}, {"id": "B", "hours": 15}],
        classes=[{"id": "C1"}],
        pupils=in_class_pupils(("P", 10), ("Q", 12)),
    )
    assert ehc_shortfall_bound(compile_problem(school)) == 0
    assert ehc_minutes_short(solve_ok(school)) == 0


def test_the_bound_uses_every_eligible_adult_not_the_solvers_few() -> None:
    """adults_per_pupil 1 keeps three candidates (3 × min_staff) of four one-hour adults
    for a 4 h plan: the trimmed model could give 3 h, the school 4 h. The bound is
    about the school, so 0."""
    school = make_school(
        days=("Mon", "Tue"),
        rules={"solver": {"adults_per_pupil": 1}},
        staff=[{"id": f"A{i}", "hours": 1} for i in range(4)],
        classes=[{"id": "C1"}],
        pupils=in_class_pupils(("P", 4)),
    )
    problem = compile_problem(school)
    assert problem.pupils[0].ehcp is not None
    assert len({a for c in problem.pupils[0].ehcp.candidates.values() for a in c}) == 3
    assert ehc_shortfall_bound(problem) == 0


def test_no_plans_no_bound_to_prove() -> None:
    school = make_school(staff=[{"id": "A", "hours": 5}], classes=[{"id": "C1"}])
    assert ehc_shortfall_bound(compile_problem(school)) == 0
