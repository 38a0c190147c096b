"""The tiered solve: demands in order, each tier's result said and proven where it can be."""

from __future__ import annotations

from typing import Any

import pytest
from helpers_solver import make_school, shortfall
from ortools.sat.python import cp_model

import tasched.solution
import tasched.solver
from tasched.input.model import Demand
from tasched.problem.compile import compile_problem
from tasched.solver import build_model
from tasched.solver.neighbourhood import decisions_of, holding_above
from tasched.solver.tiers import build_tiers, gap_of, overall_status
from tasched.verify import format_report, verify

# A short lesson and a long one: one adult can give the pupil's 15 minutes in L1, or
# support the class all through L2, not both (their contract is 390 minutes).
TRADE_SLOTS = [
    {"id": "L1", "start": "09:00", "end": "09:15", "kind": "lesson"},
    {"id": "L2", "start": "09:15", "end": "15:45", "kind": "lesson"},
]


def trade_school(**rules: Any) -> Any:
    return make_school(
        slots=TRADE_SLOTS,
        rules={"break_after_minutes": 1000, "weights": {"idle": 0}, **rules},
        staff=[{"id": "A", "hours": 6.5}],
        classes=[{"id": "Y1"}],
        support=[{"class": "Y1", "when": "L2", "priority": "high"}],
        pupils=[{"id": "P1", "classes": ["Y1"], "ehcp": {"hours": 0.25, "when": "L1"}}],
    )


def solve(school: Any, **kw: Any) -> Any:
    rota = tasched.solution.solve(school, workers=1, seed=0, time_limit=10, **kw)
    report = verify(school, rota.to_dict())
    assert report.ok, format_report(report)
    return rota


def tiers_of(rota: Any) -> dict[str, dict[str, Any]]:
    return {t["tier"] + (f":{t['priority']}" if t.get("priority") else ""): t for t in rota.meta["tiers"]}


def test_the_weighted_sum_would_trade_ehc_hours_for_class_support() -> None:
    """The single weighted solve gives up the plan's 15 minutes for 390 of class support."""
    rota = solve(trade_school(), tiered=False)
    assert shortfall(rota, "pupil:P1") is not None
    assert shortfall(rota, "class:Y1") is None


def test_the_tiered_solve_never_trades_a_higher_tier_for_a_lower_one() -> None:
    rota = solve(trade_school())
    assert shortfall(rota, "pupil:P1") is None
    assert shortfall(rota, "class:Y1") is not None
    tiers = tiers_of(rota)
    assert tiers["ehcp_hours"]["short"] == 0 and tiers["ehcp_hours"]["status"] == "optimal"
    assert tiers["class_support"]["short"] == 390 and tiers["class_support"]["status"] == "optimal"
    assert rota.meta["status"] == "optimal" and rota.meta["gap"] == 0


def test_priorities_reorder_the_tiers() -> None:
    """A school that ranks class support first gets it, at the plan's expense."""
    rota = solve(trade_school(priorities=["class_support"]))
    assert [t["tier"] for t in rota.meta["tiers"]][:2] == ["class_support", "ehcp_hours"]
    assert shortfall(rota, "class:Y1") is None
    assert tiers_of(rota)["ehcp_hours"]["short"] == 15


def test_a_proven_shortfall_says_so_in_its_reason() -> None:
    """Two pupils need the one adult in the same slot: 60 minutes short, proven."""
    school = make_school(
        staff=[{"id": "A", "hours": 10}],
        classes=[{"id": "Y1"}, {"id": "Y2"}],
        pupils=[
            {"id": "P1", "classes": ["Y1"], "ehcp": {"hours": 1, "when": "P1"}},
            {"id": "P2", "classes": ["Y2"], "ehcp": {"hours": 1, "when": "P1"}},
        ],
    )
    rota = solve(school)
    ehc = tiers_of(rota)["ehcp_hours"]
    assert ehc["short"] == 60 and ehc["status"] == "optimal" and ehc["bound"] == 60
    short = [s for s in rota.shortfalls if s["task"].startswith("pupil:")]
    assert len(short) == 1 and "(proven)" in short[0]["reason"]


def test_priorities_name_each_demand_once() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        trade_school(priorities=["duties", "duties"])


def test_meta_status_and_gap_come_from_the_first_unproven_tier() -> None:
    from tasched.solver.tiers import TierResult

    proven = TierResult("ehcp_hours", "optimal", 60, "minutes", 60, 1.0)
    open_ = TierResult("duties", "feasible", 200, "adult-minutes", 150, 1.0)
    later = TierResult("class_support", "feasible", 900, "adult-minutes", 0, 1.0)
    assert gap_of([proven, open_, later]) == 0.25
    assert overall_status([proven, open_, later]) == "feasible"
    assert gap_of([proven]) == 0.0 and overall_status([proven]) == "optimal"
    trimmed = TierResult("duties", "optimal_within_limits", 0, "adult-minutes", 0, 1.0)
    assert overall_status([proven, trimmed]) == "optimal_within_limits"


def test_every_tier_reports_in_order_with_its_time() -> None:
    rota = solve(trade_school())
    names = [t["tier"] for t in rota.meta["tiers"]]
    assert names == ["ehcp_hours", "class_support", "soft_goals"]
    for tier in rota.meta["tiers"]:
        assert set(tier) >= {"tier", "status", "short", "unit", "bound", "seconds"}
        assert tier["seconds"] >= 0


def test_a_stopped_search_reports_the_tiers_it_did_not_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during the first tier: later tiers are `not_reached`, the rota still valid."""
    from tasched.solver import tiers

    real = tiers._solve_tier
    calls: list[str] = []

    def stop_after_first(rm: Any, tier: Any, below: Any, solution: Any, search: Any, seconds: float) -> Any:
        calls.append(tier.name)
        out = real(rm, tier, below, solution, search, seconds)
        search.stop()
        return out

    monkeypatch.setattr(tiers, "_solve_tier", stop_after_first)
    rota = solve(trade_school())
    assert calls == ["ehcp_hours"]
    statuses = [t["status"] for t in rota.meta["tiers"]]
    assert statuses[1:] == ["not_reached", "not_reached"]
    assert rota.meta["interrupted"] is True and rota.meta["status"] == "feasible"


def test_nothing_short_is_proven_even_on_a_trimmed_model() -> None:
    from tasched.solver.tiers import _status

    assert _status(0, 0, "cp-sat", trimmed=True) == "optimal"
    assert _status(30, 30, "cp-sat", trimmed=True) == "optimal_within_limits"
    assert _status(30, 30, "lp", trimmed=True) == "optimal"  # our bound uses every adult
    assert _status(30, 20, None, trimmed=False) == "feasible"


def test_a_reason_is_a_sentence_in_the_schools_order() -> None:
    """Singular and plural right, the ranking from rules.priorities, no solver words."""
    reason = shortfall(solve(trade_school()), "class:Y1")["reason"]  # type: ignore[index]
    assert reason.startswith("lower priority than EHC hours, medical cover, duties and interventions; in 1 slot ")
    assert "contracted hours used up (A; 1 slot)" in reason and "adult-slots" not in reason
    moved = shortfall(solve(trade_school(priorities=["ehcp_hours", "interventions", "class_support"])), "class:Y1")
    assert moved is not None and moved["reason"].startswith("lower priority than EHC hours and interventions; in")


def test_the_tie_break_never_outweighs_the_tier() -> None:
    """M × tier + lower, M above the most the lower tiers can add up to: one minute of the
    tier always outweighs every lower demand; soft goals get no tie-break."""
    from ortools.sat.python import cp_model

    from tasched.solver.tiers import Tier, _objective

    cp = cp_model.CpModel()
    ehc = Tier("ehcp_hours", Demand.ehcp_hours, None, "minutes", cp.new_int_var(0, 60, "e"), 60, 60)
    duty = Tier("duties", Demand.duties, None, "adult-minutes", cp.new_int_var(0, 90, "d"), 90, 90)
    cls = Tier("class_support", Demand.class_support, None, "adult-minutes", cp.new_int_var(0, 400, "c"), 400, 400)
    soft = Tier("soft_goals", None, None, "weighted penalty", cp.new_int_var(0, 10**6, "s"), 10**6, None)
    _, scale = _objective(ehc, [duty, cls, soft])
    assert scale == 1 + 90 + 400
    assert _objective(soft, [])[1] == 1 and _objective(cls, [soft])[1] == 1


def test_the_quick_search_holds_the_demands_above_and_frees_the_rest() -> None:
    """A tier's quick first search fixes the decisions of the demands ranked above it, as they
    are in the rota in hand, and leaves this tier's and lower tiers' decisions free."""
    school = trade_school()
    rm = build_model(compile_problem(school))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(rm.cp) == cp_model.OPTIMAL
    solution = list(solver.response_proto.solution)
    with holding_above(rm, Demand.ehcp_hours, solution) as held:
        assert not held  # nothing is ranked above EHC hours
    before = [list(v.domain) for v in rm.cp.proto.variables]
    with holding_above(rm, Demand.class_support, solution) as held:
        assert held
        domains = {i: list(v.domain) for i, v in enumerate(rm.cp.proto.variables)}
        for var in decisions_of(rm, Demand.ehcp_hours):
            assert domains[var.index] == [solution[var.index]] * 2
        for var in decisions_of(rm, Demand.class_support):
            assert domains[var.index] == [0, 1]
        assert solver.solve(rm.cp) == cp_model.OPTIMAL  # the rota in hand is still a rota
    assert [list(v.domain) for v in rm.cp.proto.variables] == before  # the model is restored


def test_each_tier_amount_is_exactly_what_the_decisions_leave_short() -> None:
    """With every decision fixed, a demand tier's amount cannot be pushed up: a tier held at its
    value leaves the tiers below no slack to spend (an amount only bounded below would)."""
    school = make_school(
        staff=[{"id": "A", "hours": 2, "skills": ["epipen"]}, {"id": "B", "hours": 2}],
        teachers=[{"id": "JB"}],
        classes=[{"id": "C1", "teacher": "JB"}],
        lessons=[{"class": "C1", "when": "P1-P3", "subject": "Ma"}],
        support=[{"class": "C1", "staff": 1}],
        pupils=[
            {"id": "P", "classes": ["C1"], "medical": {"skills": ["epipen"], "when": "LU"}},
            {"id": "Q", "classes": ["C1"], "ehcp": {"hours": 2}},
        ],
        rules={"liaison": "joint", "liaison_minutes": 30},
    )
    rm = build_model(compile_problem(school))
    tiers = build_tiers(rm)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(rm.cp) == cp_model.OPTIMAL
    solution = list(solver.response_proto.solution)
    decisions = [var for demand in Demand for var in decisions_of(rm, demand)]
    for var in decisions:
        rm.cp.add(var == solution[var.index])
    for tier in (t for t in tiers if t.demand is not None):
        rm.cp.maximize(tier.value)
        assert solver.solve(rm.cp) == cp_model.OPTIMAL
        assert solver.value(tier.value) == solution[tier.value.index], tier.name
