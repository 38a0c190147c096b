"""Measuring one scenario's solved week: pay a year, EHC hours, intervention sessions, class
support, duties, medical cover and rotation, and what each loses against the base.

Annual cost is pay: hourly cost × (contracted minutes + overtime used + duties paid
extra) × paid_weeks × (1 + oncost), priced from the rota's exact minutes by the shared
predicates, exactly as the rota's `kpis.cost` counts it (never from its hours rounded
for display).
"""

from __future__ import annotations

from typing import Any

from tasched.input.model import SchoolData
from tasched.problem.compile import Problem, compile_problem
from tasched.problem.predicates import cost_pence, paid_minutes
from tasched.solution.rota import Delivery, Rota

__all__ = ["add_losses", "annual_cost", "cost_summary", "measure", "pay_by_adult", "saving"]


def pay_by_adult(data: SchoolData, rota: Rota | None = None) -> dict[str, tuple[float, float]]:
    """Each adult's pay a year, unrounded: (contracted, overtime and extra duties), from the
    exact minutes of the rota's rows (the contract alone without a rota)."""
    prob = compile_problem(data)
    delivery = Delivery(prob, rota.assignments) if rota is not None else None
    out = {}
    for adult in prob.adults:
        if adult.hourly_cost is None:
            continue
        paid = adult.contract_minutes
        if delivery is not None:
            paid = paid_minutes(adult, delivery.contract_minutes(adult.id), delivery.extra_minutes(adult.id))
        contract = _a_year(prob, adult.index, adult.contract_minutes)
        out[adult.id] = (contract, _a_year(prob, adult.index, paid - adult.contract_minutes))
    return out


def _a_year(prob: Problem, a: int, minutes: int) -> float:
    """`minutes` a week of adult a's time for a year, on-costs included, in pounds, unrounded."""
    return cost_pence(prob, a, minutes) / 100 * prob.data.school.paid_weeks


def annual_cost(data: SchoolData, rota: Rota | None = None) -> dict[str, float]:
    """Pay a year: contracted hours, plus the overtime and extra duties the rota uses.

    `contracted` = Σ hourly_cost × contracted minutes / 60 × paid_weeks × (1 + oncost);
    `extra` is the same for overtime and duties paid extra in the rota; `annual` is their sum.
    """
    return cost_summary(pay_by_adult(data, rota), data.school.paid_weeks)


def cost_summary(pay: dict[str, tuple[float, float]], paid_weeks: float) -> dict[str, float]:
    """The adults' pay a year (pay_by_adult's) summed and rounded: annual, contracted,
    overtime and extra, and weekly."""
    contracted = sum(c for c, _ in pay.values())
    extra = sum(e for _, e in pay.values())
    return {
        "annual": round(contracted + extra, 2),
        "contracted": round(contracted, 2),
        "overtime_and_extra": round(extra, 2),
        "weekly": round((contracted + extra) / paid_weeks, 2),
    }


def saving(base: dict[str, tuple[float, float]], other: dict[str, tuple[float, float]]) -> float:
    """Annual saving, adult by adult (so an unchanged adult adds exactly nothing)."""
    total = 0.0
    for staff in sorted(set(base) | set(other)):
        before, after = base.get(staff, (0.0, 0.0)), other.get(staff, (0.0, 0.0))
        if before != after:
            total += (before[0] - after[0]) + (before[1] - after[1])
    return round(total, 2)


def measure(data: SchoolData, rota: Rota) -> dict[str, Any]:
    """The figures a comparison needs from one solved week."""
    kpis = rota.kpis or {}
    short = {s["task"]: s for s in rota.shortfalls}
    pupils = {
        pid: {
            "required": k["ehc_hours_required"],
            "delivered": min(k["ehc_hours_delivered"], k["ehc_hours_required"]),
        }
        for pid, k in kpis.get("pupils", {}).items()
    }
    interventions = {iid: k["sessions_delivered"] for iid, k in kpis.get("interventions", {}).items()}
    duties = {task[5:]: s["required"] - s["delivered"] for task, s in short.items() if task.startswith("duty:")}
    medical = {task[8:]: s["required"] - s["delivered"] for task, s in short.items() if task.startswith("medical:")}
    return {
        "pupils": pupils,
        "interventions": interventions,
        "class_support_hours": _class_support_hours(data, rota),
        "duties_unfilled": duties,
        "medical_uncovered": medical,
        "rotation": _rotation(kpis),
    }


def _class_support_hours(data: SchoolData, rota: Rota) -> dict[str, float]:
    """Class -> adult-hours of class support a week (every class of the KPIs, 0 when none)."""
    minutes = {s.id: s.minutes for s in data.calendar.slots}
    class_hours: dict[str, float] = {c: 0.0 for c in (rota.kpis or {}).get("classes", {})}
    for row in rota.assignments:
        if str(row["task"]).startswith("class:"):
            c = row["task"][6:]
            class_hours[c] = class_hours.get(c, 0.0) + minutes[row["slot"]] / 60
    return {c: round(h, 2) for c, h in class_hours.items()}


def _rotation(kpis: dict[str, Any]) -> dict[str, Any]:
    """How EHC support is spread: mean adults per supported pupil, the largest share, pupils with one adult."""
    planned = [k for k in kpis.get("pupils", {}).values() if k["ehc_hours_required"] > 0]
    supported = [k for k in planned if k["ehc_hours_delivered"] > 0]
    return {
        "mean_distinct_adults": round(sum(k["distinct_adults"] for k in supported) / len(supported), 2)
        if supported
        else 0.0,
        "largest_share": max((k["largest_share"] for k in planned), default=0.0),
        "pupils_with_one_adult": sum(1 for k in supported if k["distinct_adults"] == 1),
    }


def add_losses(data: dict[str, Any], base: dict[str, Any]) -> None:
    """Differences from the base's figures: what each demand loses (positive = worse)."""
    ehc_lost = {}
    for pid, now in data["pupils"].items():
        before = base["pupils"].get(pid, {}).get("delivered", now["delivered"])
        lost = round(before - now["delivered"], 2)
        if lost > 0:
            ehc_lost[pid] = lost
    data["ehc_hours_lost"] = ehc_lost
    data["ehc_hours_short"] = {
        pid: round(p["required"] - p["delivered"], 2)
        for pid, p in data["pupils"].items()
        if p["required"] - p["delivered"] > 0.004
    }
    data["intervention_sessions_lost"] = {
        iid: base["interventions"].get(iid, n) - n
        for iid, n in data["interventions"].items()
        if base["interventions"].get(iid, n) > n
    }
    data["class_support_hours_lost"] = {
        c: round(base["class_support_hours"].get(c, h) - h, 2)
        for c, h in data["class_support_hours"].items()
        if base["class_support_hours"].get(c, h) - h > 0.004
    }
