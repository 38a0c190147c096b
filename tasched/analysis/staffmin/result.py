"""The answer of a cheapest-staffing search: the staffing chosen, its proof, and the frontier."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tasched._version import __version__
from tasched.solution.rota import Rota

__all__ = ["FrontierPoint", "StaffMin"]


@dataclass
class FrontierPoint:
    """One staffing on the frontier: its pay and what it delivers."""

    annual_cost: float
    kept: list[str]
    removed: list[str]
    ehc_required: float
    ehc_delivered: float
    pupils_short: dict[str, float]
    medical_uncovered: int  # slots
    duties_unfilled: int  # adult-slots
    interventions_short: int  # sessions
    note: str = ""
    hours: dict[str, float] = field(default_factory=dict)  # reduced contracts

    def to_dict(self) -> dict[str, Any]:
        return {
            "annual_cost": self.annual_cost,
            "adults": len(self.kept),
            "removed": self.removed,
            "hours": self.hours,
            "ehc_hours_required": self.ehc_required,
            "ehc_hours_delivered": self.ehc_delivered,
            "pupils_short": self.pupils_short,
            "medical_slots_uncovered": self.medical_uncovered,
            "duty_adult_slots_unfilled": self.duties_unfilled,
            "intervention_sessions_short": self.interventions_short,
            "note": self.note,
        }


@dataclass
class StaffMin:
    method: str  # "exact" | "greedy"
    status: str  # "optimal" (proven cheapest) | "feasible" (best found) | "no_answer"
    kept: list[str]
    removed: list[str]
    hours: dict[str, float]  # reduced contracts among the kept
    cost_now: float  # annual pay, contracted, of the current staff
    cost_after: float
    bound: float | None  # the best proven lower bound on the cost (exact method)
    targets: dict[str, float]  # statutory tasks the full staff cannot meet in full: shortfall
    verified: bool
    verify_message: str
    proof: Rota | None  # the statutory rota on the kept staff
    frontier: list[FrontierPoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def saving(self) -> float:
        return round(self.cost_now - self.cost_after, 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": {"tool": "tasched", "version": __version__, "kind": "staff-min"},
            "method": self.method,
            "status": self.status,
            "kept": self.kept,
            "removed": self.removed,
            "hours": self.hours,
            "annual_cost_now": self.cost_now,
            "annual_cost_after": self.cost_after,
            "annual_saving": self.saving,
            "cost_bound": self.bound,
            "targets": self.targets,
            "verified": self.verified,
            "verify": self.verify_message,
            "frontier": [p.to_dict() for p in self.frontier],
            "notes": self.notes,
            "seconds": round(self.seconds, 2),
        }
