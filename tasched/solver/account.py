"""The search's account in the rota's meta: tool and settings, each tier's result, the objective
split by family, and what a re-solve changed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from tasched._version import __version__
from tasched.input.model import SchoolData
from tasched.problem.compile import Row
from tasched.solver.model import WEIGHT_SCALE, RotaModel
from tasched.solver.tiers import Search, gap_of, overall_status


@dataclass(frozen=True)
class Job:
    """One solve's settings, resolved (the school's `rules.solver` unless given), and its start."""

    school: SchoolData
    input_digest: str
    started: float  # a time.perf_counter() reading: the time limit runs from here
    seed: int
    workers: int
    time_limit: float

    def left(self) -> float:
        """Seconds of the time limit still unspent."""
        return self.time_limit - (time.perf_counter() - self.started)


@dataclass(frozen=True)
class ModelSize:
    """The CP-SAT model's size, and the seconds from the job's start until it was built."""

    variables: int
    constraints: int
    build_seconds: float


def search_meta(job: Job, size: ModelSize | None) -> dict[str, Any]:
    """The rota's meta before the search's results are known: the tool, school, settings and model size."""
    meta: dict[str, Any] = {
        "tool": "tasched",
        "version": __version__,
        "school": job.school.school.name,
        "format_version": 1,
        "input_digest": job.input_digest,
        "status": "no_rota",
        "objective": None,
        "bound": None,
        "gap": None,
        "seconds": round(time.perf_counter() - job.started, 2),
        "seed": job.seed,
        "workers": job.workers,
        "time_limit": job.time_limit,
    }
    if size is not None:
        meta["model"] = {"variables": size.variables, "constraints": size.constraints}
    return meta


def describe_search(meta: dict[str, Any], rm: RotaModel, search: Search, solution: list[int], tiered: bool) -> None:
    """meta: each tier's result, the overall status, the first unproven tier's gap, the terms."""
    results = search.results
    terms = objective_terms(rm, solution)
    objective = round(sum(terms.values()), 2)
    meta.update(status=overall_status(results), gap=gap_of(results), objective=objective)
    if tiered:
        meta["tiers"] = [r.to_dict() for r in results]
    else:
        weighted = results[0] if results else None
        bound = weighted.bound if weighted and weighted.bound is not None else None
        meta["bound"] = None if bound is None else round(bound / WEIGHT_SCALE, 2)
    meta["objective_terms"] = terms


def objective_terms(rm: RotaModel, solution: list[int]) -> dict[str, float]:
    """The weighted objective split by the family that registered each penalty."""
    totals = {family: solution[var.index] / WEIGHT_SCALE for family, var in rm.family_totals.items()}
    return {family: round(value, 2) for family, value in sorted(totals.items()) if value}


def changes(before: list[Row], after: list[Row]) -> dict[str, Any]:
    """How a re-solved rota differs from the previous one: rows kept, dropped, added, and for whom."""

    def key(row: Row) -> tuple[str, str, str, str, str]:
        return (str(row["staff"]), str(row["day"]), str(row["slot"]), str(row["task"]), str(row.get("mode")))

    old, new = {key(r) for r in before}, {key(r) for r in after}
    moved = (old - new) | (new - old)
    return {
        "rows_kept": len(old & new),
        "rows_removed": len(old - new),
        "rows_added": len(new - old),
        "staff_affected": sorted({k[0] for k in moved}),
        "pupils_affected": sorted({k[3][6:] for k in moved if k[3].startswith("pupil:")}),
    }
