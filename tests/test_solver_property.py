"""Property: every rota the solver writes for a random small school passes the verifier.

Hypothesis draws valid schools (tests/strategies.py); each is solved, and the
independent verifier must find no violation, and the shortfalls and KPIs the rota
reports must equal the ones the verifier derives on its own.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from strategies import schools
from tasched.model import SchoolData
from tasched.solver import solve
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


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schools())
def test_the_warm_start_alone_is_a_valid_rota(school: SchoolData) -> None:
    """The greedy first rota keeps every hard rule, so CP-SAT can start from it."""
    from tasched.compile import compile_problem
    from tasched.solver import add_hint, build_model, complete_hint
    from tasched.solver.warm_start import warm_start

    rm = build_model(compile_problem(school))
    add_hint(rm, warm_start(rm.problem))
    assert complete_hint(rm) is not None, "the greedy rota breaks a hard rule of the model"
