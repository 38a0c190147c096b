"""The greedy method (`method="greedy"`, and the fallback): solve school variants.

It tries removing each adult in turn, most expensive first, and keeps each removal
whose solve still meets the statutory demands; then, with reduced hours allowed,
lowers each remaining contract in steps. A heuristic upper bound for large schools.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasched.analysis.staffmin.frontier import point
from tasched.analysis.staffmin.result import FrontierPoint, StaffMin
from tasched.analysis.staffmin.variants import annual_pay, hour_options, meets, proof, shortfalls, subset, weekly_rate
from tasched.input.model import SchoolData
from tasched.problem.compile import compile_problem
from tasched.problem.diagnose import diagnose
from tasched.solution import solve
from tasched.solution.rota import Rota

__all__ = ["greedy", "greedy_frontier"]

# A trial staffing (kept adults, reduced hours) -> its statutory rota when it meets the demands.
Check = Callable[[list[str], dict[str, float]], Rota | None]


def greedy(
    data: SchoolData,
    stat: SchoolData,
    keep_interventions: bool,
    step: float | None,
    settings: dict[str, Any],
    log: Callable[[str], None],
) -> StaffMin:
    """Adults removed one by one, then (with `step`) contracts cut, each kept when it still meets."""
    full = solve(stat, **settings)
    targets = shortfalls(full, keep_interventions) if full.status != "no_rota" else {}
    check = _checker(stat, targets, keep_interventions, settings)
    kept, best = _remove_adults(data, check, full, settings, log)
    hours: dict[str, float] = {}
    if step:
        best = _cut_hours(data, check, kept, hours, step, best)
    rota, ok, message = proof(stat, kept, hours, best.assignments)
    return StaffMin(
        method="greedy",
        status="feasible",
        kept=kept,
        removed=[s.id for s in data.staff if s.id not in kept],
        hours=hours,
        cost_now=annual_pay(data),
        cost_after=annual_pay(subset(data, kept, hours), hours),
        bound=None,
        targets=targets,
        verified=ok,
        verify_message=message,
        proof=rota,
        notes=["greedy: a heuristic upper bound, not proven cheapest"],
    )


def _checker(stat: SchoolData, targets: dict[str, float], keep_interventions: bool, settings: dict[str, Any]) -> Check:
    """Solve a trial staffing, unless diagnosis already finds it impossible."""

    def check(trial: list[str], trial_hours: dict[str, float]) -> Rota | None:
        school = subset(stat, trial, trial_hours)
        errors = [f for f in diagnose(compile_problem(school)) if f.severity == "error"]
        if errors:
            return None
        rota = solve(school, **settings)
        return rota if meets(rota, targets, keep_interventions) else None

    return check


def _remove_adults(
    data: SchoolData, check: Check, full: Rota, settings: dict[str, Any], log: Callable[[str], None]
) -> tuple[list[str], Rota]:
    """Without each adult in turn, dearest first: the adults kept and the last rota that met."""
    kept = [s.id for s in data.staff]
    best = full
    order = sorted(data.staff, key=lambda s: (-weekly_rate(s), s.id))
    for k, spec in enumerate(order, start=1):
        trial = [a for a in kept if a != spec.id]
        # Never silent: which trial of how many, and about how long is left (a solve each).
        left = (len(order) - k + 1) * float(settings.get("time_limit") or 0)
        log(f"trial {k} of {len(order)}: without {spec.id}, about {left:.0f} s left")
        rota = check(trial, {})
        log(f"without {spec.id}: {'meets' if rota else 'fails'} the statutory demands")
        if rota is not None:
            kept, best = trial, rota
    return kept, best


def _cut_hours(
    data: SchoolData, check: Check, kept: list[str], hours: dict[str, float], step: float, best: Rota
) -> Rota:
    """Each kept adult's contract, dearest first, cut to the fewest hours that still meet
    (binary search: fewer hours never helps); fills `hours`, returns the last rota that met."""
    for spec in sorted((s for s in data.staff if s.id in kept), key=lambda s: -weekly_rate(s)):
        options = sorted(h for h in hour_options(data, step)[spec.id] if h < spec.hours)
        low, high = 0, len(options)
        while low < high:
            mid = (low + high) // 2
            rota = check(kept, {**hours, spec.id: options[mid]})
            if rota is not None:
                high, best = mid, rota
            else:
                low = mid + 1
        if low < len(options):
            hours[spec.id] = options[low]
            best = check(kept, hours) or best
    return best


def greedy_frontier(
    data: SchoolData,
    stat: SchoolData,
    answer: StaffMin,
    settings: dict[str, Any],
    points: int,
    log: Callable[[str], None],
) -> list[FrontierPoint]:
    """Below the greedy answer: remove the most expensive adult left, one at a time."""
    assert answer.proof is not None
    out = [
        point(
            data,
            stat,
            answer.kept,
            answer.hours,
            answer.proof.assignments,
            "cheapest staffing found meeting the statutory demands",
        )
    ]
    kept = list(answer.kept)
    by_cost = {s.id: weekly_rate(s, answer.hours) for s in data.staff}
    while len(out) < points and len(kept) > 1:
        kept.remove(max(kept, key=lambda a: (by_cost[a], a)))
        rota = solve(subset(stat, kept, answer.hours), **settings)
        if rota.status == "no_rota":
            break
        found = point(data, stat, list(kept), answer.hours, rota.assignments)
        log(f"frontier: £{found.annual_cost:,.0f} a year, {found.ehc_delivered:g} EHC hours")
        out.append(found)
    return out
