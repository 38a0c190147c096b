"""The school variants a cheapest-staffing search solves, and how each is judged.

The statutory school keeps only the statutory demands; a subset keeps only some
adults. A variant meets the statutory demands when it falls short of none by more
than the full staff does, and its proof is its statutory rota checked by the
independent verifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tasched._version import __version__
from tasched.analysis.staffing import keep_staff, pay_factor
from tasched.input.model import SchoolData, Staff, Weights
from tasched.problem.compile import compile_problem
from tasched.solution import finish_rota
from tasched.solution.rota import Rota
from tasched.verify import format_report, verify

__all__ = [
    "INTERVENTIONS",
    "STATUTORY",
    "annual_pay",
    "beyond_targets",
    "hour_options",
    "meets",
    "proof",
    "shortfalls",
    "statutory_school",
    "subset",
    "weekly_rate",
]

STATUTORY = ("ehcp_hours", "medical_cover", "duty_cover")  # penalty families of the model
INTERVENTIONS = "intervention_sessions"


def statutory_school(data: SchoolData, keep_interventions: bool = False) -> SchoolData:
    """The school with only statutory demands: no class support, no soft goals.

    Interventions stay with `keep_interventions`, or when their sessions count for
    EHC hours. Pins to tasks that are taken out go with them.
    """
    copy = data.model_copy(deep=True)
    copy.support = []
    copy.interventions = [iv for iv in copy.interventions if keep_interventions or iv.counts_for_ehcp]
    kept_ivs = {f"intervention:{iv.id}" for iv in copy.interventions}
    copy.pins = [
        p
        for p in copy.pins
        if not p.task.startswith("class:") and (not p.task.startswith("intervention:") or p.task in kept_ivs)
    ]
    copy.rules.weights = Weights(**{name: 0 for name in Weights.model_fields})
    return copy


def subset(data: SchoolData, kept: Sequence[str], hours: dict[str, float] | None = None) -> SchoolData:
    """The school with only the `kept` adults (their pins and absences with them)."""
    keep = set(kept)
    copy = data.model_copy(deep=True)
    keep_staff(copy, keep.__contains__, hours)
    return copy


def weekly_rate(spec: Staff, hours: dict[str, float] | None = None) -> float:
    """An adult's contracted pay a week (£0 without an hourly_cost), at their `hours` if named.

    hourly_cost × hours as the school states them, not predicates.cost_pence: it prices
    contracts that no compiled problem holds (each hour option) and orders the greedy
    removal, so a different float path could reorder equal rates."""
    return (spec.hourly_cost or 0.0) * (hours or {}).get(spec.id, spec.hours)


def annual_pay(data: SchoolData, hours: dict[str, float] | None = None) -> float:
    """Contracted pay a year: Σ hourly_cost × hours × paid_weeks × (1 + oncost)."""
    factor = pay_factor(data)
    total = 0.0
    for s in data.staff:
        if s.hourly_cost is not None:
            total += weekly_rate(s, hours) * factor
    return round(total, 2)


def hour_options(data: SchoolData, step: float | None) -> dict[str, list[float]]:
    """Each adult's possible contracts: their hours, then (with `step`) multiples of it below."""
    out = {}
    for s in data.staff:
        options = [s.hours]
        if step:
            k = 1
            while k * step < s.hours - 1e-9:
                options.append(round(k * step, 2))
                k += 1
        out[s.id] = options
    return out


def _task_kinds(keep_interventions: bool) -> tuple[str, ...]:
    kinds = ("pupil:", "medical:", "duty:")
    return (*kinds, "intervention:") if keep_interventions else kinds


def shortfalls(rota: Rota, keep_interventions: bool) -> dict[str, float]:
    """Statutory task -> amount short (hours, slots, adult-slots or sessions)."""
    kinds = _task_kinds(keep_interventions)
    return {s["task"]: round(s["required"] - s["delivered"], 2) for s in rota.shortfalls if s["task"].startswith(kinds)}


def beyond_targets(short: dict[str, float], targets: dict[str, float]) -> bool:
    """True when some task falls short by more than its target (what the full staff achieves)."""
    return any(amount > targets.get(task, 0.0) + 0.011 for task, amount in short.items())


def meets(rota: Rota, targets: dict[str, float], keep_interventions: bool) -> bool:
    """The rota falls short of no statutory demand by more than the full staff does."""
    if rota.status == "no_rota":
        return False
    return not beyond_targets(shortfalls(rota, keep_interventions), targets)


def proof(
    stat: SchoolData, kept: list[str], hours: dict[str, float], rows: list[dict[str, Any]]
) -> tuple[Rota, bool, str]:
    """The statutory rota on the kept staff, with its shortfalls and KPIs, and the verdict."""
    school = subset(stat, kept, hours)
    meta = {
        "tool": "tasched",
        "version": __version__,
        "format_version": 1,
        "status": "feasible",
        "objective": None,
        "bound": None,
        "gap": None,
        "seconds": 0,
        "seed": 0,
        "workers": 1,
    }
    rota = finish_rota(compile_problem(school), rows, meta)
    report = verify(school, rota.to_dict())
    return rota, report.ok, format_report(report)
