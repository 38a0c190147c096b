"""Property: every rota the solver writes for a random small school passes the verifier.

Hypothesis draws valid schools (tests/strategies.py); each is solved, and the
independent verifier must find no violation, and the shortfalls and KPIs the rota
reports must equal the ones the verifier derives on its own.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from strategies import schools

from tasched.input.model import SchoolData
from tasched.solution import solve
from tasched.verify import format_report, verify


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schools())
def test_every_rota_of_a_random_school_is_valid(school: SchoolData) -> None:
    """Solver and verifier agree on every hard rule, shortfall and KPI."""
    rota = solve(school, time_limit=5, workers=1, seed=0)
    assert rota.status in ("optimal", "feasible"), rota.meta
    report = verify(school, rota.to_dict())
    assert report.ok, format_report(report)
    assert all(row["reason"] for row in rota.shortfalls)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schools())
def test_the_greedy_warm_start_alone_is_a_valid_rota(school: SchoolData) -> None:
    """The greedy rota keeps every hard rule: the verifier passes it, and CP-SAT
    accepts it as a complete solution of the model."""
    from tasched.problem.compile import compile_problem
    from tasched.solution import finish_rota
    from tasched.solver import add_hint, build_model, complete_hint, rows_of
    from tasched.solver.warm_start import warm_start

    problem = compile_problem(school)
    rm = build_model(problem)
    greedy = warm_start(problem)
    add_hint(rm, greedy)
    rota = finish_rota(problem, rows_of(problem, greedy), {"status": "feasible", "format_version": 1})
    report = verify(school, rota.to_dict())
    assert report.ok, format_report(report)
    assert complete_hint(rm) is not None, "the model rejects the greedy rota"


def test_with_no_time_to_search_the_greedy_rota_is_returned() -> None:
    """A time limit too short for CP-SAT still gives a valid rota: the greedy one."""
    from pathlib import Path

    from tasched.io.formats import load_school

    school = load_school(Path(__file__).parent.parent / "examples" / "primary-1fe.yaml")
    rota = solve(school, time_limit=0.01, workers=2)
    assert rota.status == "feasible"
    assert len(rota.assignments) > 100
    assert verify(school, rota.to_dict()).ok
