"""The solution layer: a found rota written up with its shortfalls, reasons and KPIs.

:func:`solve` is the whole solve: the solver finds the rows (:func:`tasched.solver.find`),
and :func:`finish` turns what it found into a :class:`~tasched.solution.rota.Rota`.
"""

from __future__ import annotations

from typing import Any

from tasched.input.model import Demand, SchoolData
from tasched.problem.compile import Problem, Row
from tasched.solution.reasons import give_reasons
from tasched.solution.rota import Delivery, Rota, compute_kpis, shortfall_amounts
from tasched.solver import Found, find
from tasched.solver.tiers import OPTIMAL, WITHIN_LIMITS, TierResult

__all__ = ["finish", "finish_rota", "solve"]


def solve(school: SchoolData, **options: Any) -> Rota:
    """Solve a validated school's week and write up the rota; options as :func:`tasched.solver.find`."""
    return finish(find(school, **options))


def finish(found: Found) -> Rota:
    """The Rota for what a search found: shortfalls with reasons (and what is proven), and KPIs."""
    if found.rows is None:
        return Rota(meta=found.meta, assignments=[])
    rota = finish_rota(found.problem, found.rows, found.meta)
    if found.results is not None:
        say_what_is_proven(rota.shortfalls, found.results)
    return rota


TIER_OF_TASK = {
    "pupil": Demand.ehcp_hours,
    "medical": Demand.medical_cover,
    "cover": Demand.cover,
    "duty": Demand.duties,
    "intervention": Demand.interventions,
    "liaison": Demand.liaison,
    "class": Demand.class_support,
}


PROVEN_WORDS = {
    Demand.ehcp_hours: "EHC hours",
    Demand.medical_cover: "medical cover",
    Demand.cover: "lesson cover",
    Demand.duties: "duty cover",
    Demand.interventions: "intervention time",
    Demand.liaison: "liaison time",
    Demand.class_support: "class support",
}


def say_what_is_proven(shortfalls: list[dict[str, Any]], results: list[TierResult]) -> None:
    """A shortfall in a proven tier says so: no rota under these rules does better."""
    for row in shortfalls:
        demand = TIER_OF_TASK.get(str(row["task"]).partition(":")[0])
        own = [r for r in results if r.tier == (demand.value if demand else None)]
        if not own:
            continue
        if all(r.status == OPTIMAL for r in own):
            row["reason"] += f"; no rota under these rules delivers more {PROVEN_WORDS[demand]} in total (proven)"  # type: ignore[index]
        elif all(r.status in (OPTIMAL, WITHIN_LIMITS) for r in own):
            row["reason"] += "; the best possible among the adults considered for each pupil (adults_per_pupil)"


def finish_rota(problem: Problem, rows: list[Row], meta: dict[str, Any]) -> Rota:
    """Shortfalls with reasons, and KPIs, for a set of rows."""
    delivery = Delivery(problem, rows)
    shortfalls = give_reasons(delivery, shortfall_amounts(delivery))
    return Rota(meta=meta, assignments=rows, shortfalls=shortfalls, kpis=compute_kpis(delivery))
