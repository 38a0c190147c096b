"""What-if prices pay from the rota's exact minutes (tasched.analysis.whatif.measure), as the
rota's own `kpis.cost` does, never from the KPIs' hours rounded to two decimals."""

from __future__ import annotations

import pytest
from helpers_solver import make_school

from tasched.analysis.whatif import annual_cost, pay_by_adult
from tasched.input.model import SchoolData
from tasched.problem.compile import compile_problem
from tasched.solution import finish_rota
from tasched.solution.rota import Rota

PAID_WEEKS, ONCOST, HOURLY = 39.0, 0.25, 12.0

# P1 09:00-10:00, DU 10:00-10:20 (a 20-minute duty: a third of an hour, 0.33 once rounded).
SLOTS = [
    {"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"},
    {"id": "DU", "start": "10:00", "end": "10:20", "kind": "break"},
]


def school() -> SchoolData:
    data = make_school(
        slots=SLOTS,
        staff=[{"id": "A", "hours": 1, "hourly_cost": HOURLY}],
        duties=[{"id": "D", "name": "Gate", "when": "DU", "paid": "extra"}],
    )
    data.school.paid_weeks = PAID_WEEKS
    data.school.oncost = ONCOST
    return data


def twenty_extra_minutes(data: SchoolData) -> Rota:
    """A's week: the 20-minute duty paid extra, and nothing else."""
    rows = [{"staff": "A", "day": "Mon", "slot": "DU", "task": "duty:D"}]
    return finish_rota(compile_problem(data), rows, {"status": "feasible", "format_version": 1})


def test_twenty_extra_minutes_are_priced_as_a_third_of_an_hour() -> None:
    data = school()
    rota = twenty_extra_minutes(data)
    assert rota.kpis["staff"]["A"]["extra_hours"] == 0.33  # rounded for display only
    year = PAID_WEEKS * (1 + ONCOST)
    contract, extra = pay_by_adult(data, rota)["A"]
    assert contract == pytest.approx(HOURLY * 1 * year)
    assert extra == pytest.approx(HOURLY * 20 / 60 * year)  # £195.00; the rounded 0.33 h gives £193.05
    assert extra != pytest.approx(HOURLY * 0.33 * year)


def test_the_cost_agrees_with_the_rotas_kpis() -> None:
    data = school()
    rota = twenty_extra_minutes(data)
    cost = annual_cost(data, rota)
    assert cost["overtime_and_extra"] == 195.0
    assert cost["annual"] == rota.kpis["cost"]["annual"] == 780.0
    assert cost["weekly"] == rota.kpis["cost"]["weekly"] == 20.0
    assert annual_cost(data)["overtime_and_extra"] == 0  # no rota: the contract alone
