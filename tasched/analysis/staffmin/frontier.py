"""The frontier below the cheapest statutory staffing: for ever smaller budgets, what each
staffing delivers (EHC hours, medical cover, duties), and the points no other beats.
"""

from __future__ import annotations

from typing import Any

from tasched.analysis.staffmin.result import FrontierPoint
from tasched.analysis.staffmin.variants import annual_pay, subset
from tasched.input.model import SchoolData
from tasched.problem.compile import compile_problem
from tasched.solution import finish_rota

__all__ = ["pareto", "point"]


def point(
    data: SchoolData,
    stat: SchoolData,
    kept: list[str],
    hours: dict[str, float],
    rows: list[dict[str, Any]],
    note: str = "",
) -> FrontierPoint:
    """What a staffing's statutory rota delivers, and its annual pay."""
    school = subset(stat, kept, hours)
    rota = finish_rota(compile_problem(school), rows, {})
    pupils = rota.kpis.get("pupils", {})
    required = sum(k["ehc_hours_required"] for k in pupils.values())
    delivered = sum(min(k["ehc_hours_delivered"], k["ehc_hours_required"]) for k in pupils.values())
    short = {s["task"]: s["required"] - s["delivered"] for s in rota.shortfalls}
    return FrontierPoint(
        annual_cost=annual_pay(subset(data, kept, hours), hours),
        kept=kept,
        removed=[s.id for s in data.staff if s.id not in kept],
        hours=hours,
        ehc_required=round(required, 2),
        ehc_delivered=round(delivered, 2),
        pupils_short={t[6:]: round(v, 2) for t, v in short.items() if t.startswith("pupil:")},
        medical_uncovered=int(sum(v for t, v in short.items() if t.startswith("medical:"))),
        duties_unfilled=int(sum(v for t, v in short.items() if t.startswith("duty:"))),
        interventions_short=int(sum(v for t, v in short.items() if t.startswith("intervention:"))),
        note=note,
    )


def pareto(points: list[FrontierPoint]) -> list[FrontierPoint]:
    """The points no other beats on pay and on every statutory measure, dearest first."""

    def worse(p: FrontierPoint, q: FrontierPoint) -> bool:  # q dominates p
        mine = (p.annual_cost, -p.ehc_delivered, p.medical_uncovered, p.duties_unfilled)
        theirs = (q.annual_cost, -q.ehc_delivered, q.medical_uncovered, q.duties_unfilled)
        return all(b <= a for a, b in zip(mine, theirs, strict=True)) and theirs != mine

    kept = [p for p in points if not any(worse(p, q) for q in points if q is not p)]
    return sorted(kept, key=lambda p: -p.annual_cost)
