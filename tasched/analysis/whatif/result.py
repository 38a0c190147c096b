"""A what-if comparison: each scenario's solved week, measured, the base first, and the
side-by-side table of measures that the terminal and the Excel file show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tasched.analysis.whatif.scenario import Scenario
from tasched.solution.rota import Rota

__all__ = ["Comparison", "Outcome", "comparison_table"]


@dataclass
class Outcome:
    """One scenario's solved week, measured; `data` is the rota's figures."""

    scenario: Scenario
    status: str
    data: dict[str, Any]
    rota: Rota | None = None
    summary: str = ""
    pay: dict[str, tuple[float, float]] = field(default_factory=dict)  # adult -> annual pay


@dataclass
class Comparison:
    meta: dict[str, Any]
    scenarios: list[Outcome]  # the base first

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "scenarios": [{"name": o.scenario.name, "summary": o.summary, **o.data} for o in self.scenarios],
        }

    def table(self) -> tuple[list[str], list[tuple[str, list[Any]]]]:
        """Column names and (measure, value per scenario) rows, for the terminal and Excel."""
        return comparison_table(self)


def _stopped(d: dict[str, Any]) -> str:
    """Interventions that lost every session."""
    lost = d.get("intervention_sessions_lost", {})
    return ", ".join(i for i, n in d.get("interventions", {}).items() if n == 0 and i in lost) or "-"


# (measure, how to read it from a scenario's figures), in the table's order.
MEASURES: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = (
    ("status", lambda d: d["status"]),
    ("adults", lambda d: d["adults"]),
    ("contracted hours a week", lambda d: d["contracted_hours"]),
    ("annual cost (£)", lambda d: d["cost"]["annual"]),
    ("annual saving (£)", lambda d: d["saving_annual"]),
    ("EHC hours lost a week", lambda d: round(sum(d.get("ehc_hours_lost", {}).values()), 2)),
    ("EHC hours short a week", lambda d: round(sum(d.get("ehc_hours_short", {}).values()), 2)),
    ("pupils losing EHC hours", lambda d: ", ".join(d.get("ehc_hours_lost", {})) or "-"),
    ("intervention sessions lost", lambda d: sum(d.get("intervention_sessions_lost", {}).values())),
    ("interventions stopped", _stopped),
    ("class support lost (adult-h/week)", lambda d: round(sum(d.get("class_support_hours_lost", {}).values()), 2)),
    ("duty adult-slots unfilled", lambda d: sum(d.get("duties_unfilled", {}).values())),
    ("medical slots uncovered", lambda d: sum(d.get("medical_uncovered", {}).values())),
    ("mean adults per EHC pupil", lambda d: d.get("rotation", {}).get("mean_distinct_adults")),
    ("largest share of one pupil", lambda d: d.get("rotation", {}).get("largest_share")),
    ("impossible plans", lambda d: len(d.get("impossible", []))),
)


def comparison_table(result: Comparison) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """Column names and (measure, value per scenario) rows, the base first."""
    outs = result.scenarios
    names = [o.scenario.name for o in outs]
    rows = [(label, [get(o.data) for o in outs]) for label, get in MEASURES]
    for pid in sorted({p for o in outs for p in o.data.get("pupils", {})}):
        values = [o.data.get("pupils", {}).get(pid, {}).get("delivered") for o in outs]
        rows.append((f"EHC hours {pid}", values))
    for iid in sorted({i for o in outs for i in o.data.get("interventions", {})}):
        rows.append((f"sessions {iid}", [o.data.get("interventions", {}).get(iid) for o in outs]))
    return names, rows
