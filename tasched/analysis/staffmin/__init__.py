"""Cheapest staffing: the least-cost set of the current adults that still meets the
statutory demands, and the frontier of cost against EHC hours delivered.

Statutory demands are every EHC plan's hours, medical cover and duties (and, with
`keep_interventions`, every intervention's sessions). Class support is what a cut
gives up, so it is left out of the search. Where the full staff cannot meet a
demand in full, the answer must do as well as the full staff does.

The exact method is one CP-SAT model: the solver's own model of the week (all
hard rules, :func:`tasched.solver.build_model`) with one Boolean "kept" per adult
that every task of theirs requires, each statutory shortfall held to what the full
staff achieves, and the pay of the kept adults minimised (optionally choosing each
adult's hours among reduced contracts, in steps). It returns the cheapest set
when CP-SAT proves it optimal, otherwise the best found with a bound.

The greedy method (`method="greedy"`, and the fallback) solves school variants:
it tries removing each adult in turn, most expensive first, and keeps each removal
whose solve still meets the statutory demands; then, with reduced hours allowed,
lowers each remaining contract in steps. A heuristic upper bound for large schools.

Every answer comes with a proof: the rota of the statutory demands on the chosen
staff, judged by the independent verifier (:func:`tasched.verify.verify`).

The frontier continues below the cheapest statutory staffing: for ever smaller
budgets, the staffing that loses the fewest statutory hours (EHC first, then medical
cover, then duties), so a SENCo can see how far a cut can go before plans fail.

The parts: the school variants and how each is judged (`variants`), the exact
method's model (`kept_model`) and its descent (`exact`), the greedy method
(`greedy`), the frontier (`frontier`), the answer (`result`) and its output
(`output`); here the whole job.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tasched.analysis.staffing import solve_settings
from tasched.analysis.staffmin.exact import exact
from tasched.analysis.staffmin.frontier import pareto
from tasched.analysis.staffmin.greedy import greedy, greedy_frontier
from tasched.analysis.staffmin.output import plot_frontier, render, write_result
from tasched.analysis.staffmin.result import FrontierPoint, StaffMin
from tasched.analysis.staffmin.variants import annual_pay, beyond_targets, shortfalls, statutory_school, subset
from tasched.input.model import SchoolData
from tasched.io.files import refuse_overwriting_input
from tasched.io.formats import load_school, write_rota
from tasched.solution import solve
from tasched.solution.rota import Rota

__all__ = [
    "FrontierPoint",
    "StaffMin",
    "annual_pay",
    "pareto",
    "plot_frontier",
    "render",
    "staff_min",
    "staff_min_file",
    "staffing_rota",
    "statutory_school",
    "subset",
    "write_result",
]


def staff_min(
    data: SchoolData,
    *,
    keep_interventions: bool = False,
    reduced_hours_step: float | None = None,
    method: str = "auto",
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    frontier_points: int = 8,
    log: Callable[[str], None] | None = None,
) -> StaffMin:
    """The cheapest staffing meeting the statutory demands, and the frontier below it.

    method: "exact" (CP-SAT over the adults kept), "greedy" (remove adults one by
    one, solving each variant) or "auto" (exact, falling back to greedy).
    reduced_hours_step: also consider contracts cut in steps of this many hours.
    """
    started = time.perf_counter()
    say = log or (lambda text: None)
    settings = solve_settings(data, time_limit, seed, workers)
    stat = statutory_school(data, keep_interventions)
    answer: StaffMin | None = None
    notes: list[str] = []
    if method in ("auto", "exact"):
        answer = exact(data, stat, keep_interventions, reduced_hours_step, settings, frontier_points, say)
        if answer is None:
            notes.append("CP-SAT found no staffing within the time limit; the greedy method ran")
    if answer is None:
        answer = greedy(data, stat, keep_interventions, reduced_hours_step, settings, say)
        answer.notes = [*notes, *answer.notes]
        if frontier_points > 1 and answer.proof is not None:
            answer.frontier = greedy_frontier(data, stat, answer, settings, frontier_points, say)
    answer.notes += _caveats(data, answer)
    answer.seconds = time.perf_counter() - started
    return answer


def _caveats(data: SchoolData, answer: StaffMin) -> list[str]:
    """What the answer's figures rest on: pay missing, and demands the full staff cannot meet."""
    notes = []
    if any(s.hourly_cost is None for s in data.staff):
        missing = [s.id for s in data.staff if s.hourly_cost is None]
        notes.append(f"no hourly_cost for {', '.join(missing)}: their pay counts as £0")
    if answer.targets:
        notes.append(
            "the full staff cannot meet every statutory demand; the answer matches what it "
            "achieves: " + ", ".join(f"{t} short {v:g}" for t, v in answer.targets.items())
        )
    return notes


def staffing_rota(data: SchoolData, result: StaffMin, **settings: Any) -> Rota:
    """The full week's rota (class support and all) on the chosen staff, for a look at it."""
    return solve(subset(data, result.kept, result.hours), **settings)


def staff_min_file(
    school_path: str | Path,
    *,
    output: str | Path | None = None,
    plot: str | Path | None = None,
    rota: str | Path | None = None,
    log: Callable[[str], None] | None = None,
    **options: Any,
) -> StaffMin:
    """The command's job: load, search, then write the answer, the plot and the rota."""
    for path in (output, plot, rota):
        if path is not None:
            refuse_overwriting_input(path, school_path)
    data = load_school(school_path)
    result = staff_min(data, log=log, **options)
    if output is not None:
        write_result(result, output)
    if plot is not None:
        plot_frontier(result, plot)
    if rota is not None and result.kept:
        settings = {k: options[k] for k in ("time_limit", "seed", "workers") if k in options}
        full = staffing_rota(data, result, **settings)
        write_rota(full.to_dict(), rota)
        short = shortfalls(full, options.get("keep_interventions", False))
        if beyond_targets(short, result.targets):
            result.notes.append(
                f"the full rota written to {rota} falls short of the statutory demands within "
                "the time limit (the proof rota meets them); give it a longer --time-limit"
            )
    return result
