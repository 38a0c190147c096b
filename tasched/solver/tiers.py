"""The tiered solve: each demand met as fully as the rules allow, in order, and proven so.

Demands are solved one tier at a time in `rules.priorities` order (by default EHC
hours, medical cover, duties, interventions, class support; duties, interventions
and class support split by priority, high first), then the soft goals. Each tier
minimises its own shortfall with every tier above it held at the best value found,
starting from the best rota so far as a complete hint, so a lower tier never buys
itself with a higher one. Each tier's result says whether it is proven.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from tasched.input.model import Demand, Priority
from tasched.solver.model import WEIGHT_SCALE, RotaModel
from tasched.solver.neighbourhood import SHARE, holding_above

SOFT_GOALS = "soft_goals"
UNITS = {
    Demand.ehcp_hours: "minutes",
    Demand.medical_cover: "minutes",
    Demand.cover: "minutes",
    Demand.duties: "adult-minutes",
    Demand.interventions: "minutes",
    Demand.liaison: "minutes",
    Demand.class_support: "adult-minutes",
}
PRIORITY_ORDER = (Priority.high, Priority.normal, Priority.low)

# Tier statuses, as written in meta.tiers.
OPTIMAL = "optimal"  # proven: no rota under these rules does better
WITHIN_LIMITS = "optimal_within_limits"  # proven on the model trimmed by adults_per_pupil only
FEASIBLE = "feasible"  # the best found in the time; not proven
NOT_REACHED = "not_reached"  # the time ran out (or the search was stopped) before this tier


@dataclass
class Tier:
    """One level of the lexicographic objective: its amount is a variable of the model."""

    name: str
    demand: Demand | None
    priority: Priority | None
    unit: str
    value: cp_model.IntVar
    upper: int
    most: int | None = None  # the most the tier can be short, when every penalty knows its own
    weight: int = 1  # its weight per unit as a tie-break of the tiers above (the single solve's weight)


@dataclass
class TierResult:
    tier: str
    status: str
    short: int
    unit: str
    bound: int | None
    seconds: float
    priority: Priority | None = None
    proof: str | None = None  # where the bound came from: cp-sat, lp (our relaxation), zero

    @property
    def proven(self) -> bool:
        return self.status == OPTIMAL

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tier": self.tier}
        if self.priority is not None:
            out["priority"] = self.priority.value
        out.update(status=self.status, short=self.short, unit=self.unit, bound=self.bound, seconds=self.seconds)
        if self.proof:
            out["proof"] = self.proof
        return out


def build_tiers(rm: RotaModel) -> list[Tier]:
    """The tiers of this school, in the order they are solved; empty tiers are left out."""
    tiers: list[Tier] = []
    for demand in rm.problem.data.rules.priorities:
        own = [p for p in rm.penalties if p.demand == demand]
        levels = sorted({p.priority for p in own}, key=lambda p: PRIORITY_ORDER.index(p) if p else 0)
        for priority in levels:
            level = [p for p in own if p.priority == priority]
            label = priority if len(levels) > 1 else None
            most = None if any(p.most is None for p in level) else sum(p.most or 0 for p in level)
            tier = _tier(rm, demand.value, demand, label, UNITS[demand], [p.expr for p in level], most)
            tier.weight = max(p.weight for p in level)
            tiers.append(tier)
    soft = [p.weight * p.expr for p in rm.penalties if p.demand is None]
    if soft:
        tiers.append(_tier(rm, SOFT_GOALS, None, None, "weighted penalty", soft, None))
    return tiers


def _tier(
    rm: RotaModel,
    name: str,
    demand: Demand | None,
    priority: Priority | None,
    unit: str,
    terms: list[Any],
    most: int | None,
) -> Tier:
    upper = 2**40 if most is None else most  # shortfalls are minutes; weighted penalties far below 2**40
    value = rm.cp.new_int_var(0, upper, f"tier[{name}{'.' + priority.value if priority else ''}]")
    rm.cp.add(value == sum(terms))
    return Tier(name, demand, priority, unit, value, upper, most)


@dataclass
class Clock:
    """The job's time: wall seconds, or CP-SAT's deterministic units with one worker."""

    time_limit: float
    started: float
    deterministic: bool
    reserve: float = 0.0  # wall seconds kept for writing up the rota
    spent: float = 0.0  # deterministic units used so far

    def left(self) -> float:
        if self.deterministic:
            return self.time_limit - self.spent
        return self.time_limit - (time.perf_counter() - self.started) - self.reserve

    def share(self, tiers_left: int, tiers_total: int) -> float:
        """This tier's time: what is left, less a floor share kept for each tier after it.

        A tier that is proven early hands its unused time on; a hard tier cannot
        starve the tiers after it.
        """
        floor = max(0.2, 0.4 * self.time_limit / max(1, tiers_total))
        return max(0.05, self.left() - floor * (tiers_left - 1))


@dataclass
class Search:
    """What the tier loop needs besides the model and its tiers."""

    clock: Clock
    seed: int
    workers: int
    presolve: bool
    verbose: bool = False
    log: Callable[[str], None] | None = None
    on_progress: Callable[[dict[str, Any]], None] | None = None
    known_bound: Callable[[Tier, int], int | None] | None = None  # our own bound for a tier, if any
    trimmed: bool = False  # candidate adults were cut: CP-SAT's proofs hold within the limit only
    stopped: list[bool] = field(default_factory=list)
    current: cp_model.CpSolver | None = None
    conflict: list[int] = field(default_factory=list)  # pin assumptions behind an infeasible week
    results: list[TierResult] = field(default_factory=list)  # each tier's result, in order

    def stop(self) -> None:
        self.stopped.append(True)
        if self.current is not None:
            self.current.stop_search()


def solve_tiers(rm: RotaModel, tiers: list[Tier], start: list[int] | None, search: Search) -> list[int] | None:
    """Solve tier by tier from `start` (a complete solution, or None); the best solution found.

    Returns None when no rota was found at all (or the pins make the week impossible:
    `search.conflict` then names them). Results go to `search.results`.
    """
    solution = start
    results = search.results
    for k, tier in enumerate(tiers):
        if search.stopped or (solution is not None and search.clock.left() <= 0.05):
            break
        seconds = search.clock.share(len(tiers) - k, len(tiers))
        result, solution = _solve_tier(rm, tier, tiers[k + 1 :], solution, search, seconds)
        if result is None:
            return None
        results.append(result)
        rm.cp.add(tier.value <= result.short)  # held at its best while the tiers below are solved
        if search.on_progress:
            search.on_progress({"event": "tier", **result.to_dict()})
    for tier in tiers[len(results) :]:
        short = solution[tier.value.index] if solution is not None else 0
        results.append(TierResult(tier.name, NOT_REACHED, short, tier.unit, None, 0.0, tier.priority))
    return solution


def _objective(tier: Tier, below: list[Tier]) -> tuple[cp_model.LinearExprT, int]:
    """The tier's amount, and the demand tiers below it as a tie-break that never outweighs it.

    Minimising `M × tier + Σ lower` with M above the most the lower tiers can add up to
    is still exactly lexicographic for this tier, and keeps the search from throwing away
    lower demands it need not (a large school's later tiers may get little time).
    Returns the objective and M (1 when there is no tie-break).
    """
    lower = [t for t in below if t.demand is not None and t.most is not None]
    if tier.demand is None or not lower:
        return tier.value, 1
    # Lower tiers weighted as in the single solve (EHC above medical above duties ... per minute).
    scale = 1 + sum(t.weight * (t.most or 0) for t in lower)
    return scale * tier.value + sum(t.weight * t.value for t in lower), scale


def _solve_tier(
    rm: RotaModel, tier: Tier, below: list[Tier], solution: list[int] | None, search: Search, seconds: float
) -> tuple[TierResult | None, list[int] | None]:
    """One tier: skipped when the rota in hand already meets a proven bound."""
    own: int | None = None
    if solution is not None:
        found = solution[tier.value.index]
        if found == 0:
            return TierResult(tier.name, OPTIMAL, 0, tier.unit, 0, 0.0, tier.priority, "zero"), solution
        own = search.known_bound(tier, found) if search.known_bound else None
        if own is not None and own >= found:
            return TierResult(tier.name, OPTIMAL, found, tier.unit, own, 0.0, tier.priority, "lp"), solution
    objective, scale = _objective(tier, below)
    rm.cp.minimize(objective)
    # Stop as soon as the tier meets a bound known before the search (0, or our own):
    # the tie-break would otherwise spend the tier's whole share on the tiers below.
    floor = own if solution is not None and own is not None else 0
    callback = _TierProgress(search, tier, scale, floor)
    quick = 0.0
    if solution is not None:
        _hint(rm, solution)
        settled, quick = _settle(rm, tier, solution, search, seconds, callback)
        found = settled[tier.value.index]
        if found <= floor:  # the quick search reached a bound known before it: proven
            how = "zero" if found == 0 else "lp"
            return TierResult(tier.name, OPTIMAL, found, tier.unit, floor, round(quick, 2), tier.priority, how), settled
        if settled is not solution:  # the quick search found a better rota: the full search starts from it
            solution = settled
            _hint(rm, solution)
    solver = _solver(search, max(0.05, seconds - quick))
    search.current = solver
    began = time.perf_counter()
    status = solver.solve(rm.cp, callback)
    search.current = None
    spent = quick + (solver.deterministic_time if search.clock.deterministic else time.perf_counter() - began)
    search.clock.spent += solver.deterministic_time
    if status == cp_model.INFEASIBLE:
        if rm.pin_literals:
            search.conflict = list(solver.sufficient_assumptions_for_infeasibility())
        return None, None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solution = list(solver.response_proto.solution)
        # objective = scale × tier + lower, with 0 ≤ lower < scale: tier ≥ ⌈(bound − scale + 1) / scale⌉
        best = solver.best_objective_bound - 1e-6
        bound: int | None = max(0, math.ceil(best) if scale == 1 else math.ceil((best - scale + 1) / scale))
    elif solution is None:
        return None, None
    else:
        bound = None
    found = solution[tier.value.index]
    proof = "cp-sat" if status == cp_model.OPTIMAL else None
    own = search.known_bound(tier, found) if search.known_bound and status != cp_model.OPTIMAL else None
    if own is not None and (bound is None or own > bound):
        bound, proof = own, ("lp" if own >= found else None)
    if found == 0:
        bound, proof = 0, proof or "zero"
    state = _status(found, bound, proof, search.trimmed)
    return TierResult(tier.name, state, found, tier.unit, bound, round(spent, 2), tier.priority, proof), solution


def _settle(
    rm: RotaModel, tier: Tier, solution: list[int], search: Search, seconds: float, callback: _TierProgress
) -> tuple[list[int], float]:
    """The tier's quick first search, with the demands above it held as they are (see
    :mod:`tasched.solver.neighbourhood`); the best rota found and the time it took."""
    if tier.demand is None or search.stopped:
        return solution, 0.0
    solver = _solver(search, seconds * SHARE)
    solver.parameters.cp_model_presolve = True  # it removes the fixed decisions: the problem left is small
    with holding_above(rm, tier.demand, solution) as held:
        if not held:
            return solution, 0.0
        search.current = solver
        began = time.perf_counter()
        status = solver.solve(rm.cp, callback)
        search.current = None
    search.clock.spent += solver.deterministic_time
    spent = solver.deterministic_time if search.clock.deterministic else time.perf_counter() - began
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # never worse than the hint, its first solution
        return list(solver.response_proto.solution), spent
    return solution, spent


def _status(found: int, bound: int | None, proof: str | None, trimmed: bool) -> str:
    if found == 0:
        return OPTIMAL  # nothing short: proven whatever the model's limits
    if bound is None or bound < found:
        return FEASIBLE
    # CP-SAT proved it on a model whose pupils lost candidate adults: a proof within that limit only.
    return WITHIN_LIMITS if trimmed and proof == "cp-sat" else OPTIMAL


def _solver(search: Search, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = search.seed
    params.num_workers = search.workers
    params.catch_sigint_signal = False  # our handler stops the search and keeps the best rota
    if search.clock.deterministic:
        # One worker is reproducible only under a deterministic limit (work units of
        # about a second each); the wall limit is only a safety net, generous because a
        # busy machine runs a unit up to ten times slower and hitting it breaks reproducibility.
        params.max_deterministic_time = seconds
        params.max_time_in_seconds = 12 * seconds + 30
    else:
        params.max_time_in_seconds = max(0.05, seconds)
    # Measured (benchmarks/README.md): presolve helps the search on models up to ~50,000
    # variables, but each tier presolves again: a short tier skips it, and its probing is
    # kept to a tenth of the tier's time (the default allows 30 s).
    params.cp_model_presolve = search.presolve and seconds >= 5
    params.presolve_probing_deterministic_time_limit = max(0.5, seconds / 10)
    params.log_search_progress = search.verbose
    if search.verbose and search.log:
        solver.log_callback = search.log
    return solver


def _hint(rm: RotaModel, solution: list[int]) -> None:
    """The rota in hand as a complete hint: CP-SAT takes it as its first solution at once."""
    rm.cp.clear_hints()
    hint = rm.cp.proto.solution_hint
    hint.vars.extend(range(len(solution)))
    hint.values.extend(solution)


class _TierProgress(cp_model.CpSolverSolutionCallback):
    """Each improving rota of a tier: reported (the tier, its amount short, its bound), and
    the search stopped once the tier reaches `floor`, a bound known before it started."""

    def __init__(self, search: Search, tier: Tier, scale: int, floor: int) -> None:
        super().__init__()
        self._search = search
        self._tier = tier
        self._scale = scale
        self._floor = floor

    def on_solution_callback(self) -> None:
        if self.value(self._tier.value) <= self._floor:
            self.stop_search()
        if self._search.on_progress is None:
            return
        self._search.on_progress(
            {
                "event": "solution",
                "tier": self._tier.name,
                "priority": self._tier.priority.value if self._tier.priority else None,
                "unit": self._tier.unit,
                "short": self.value(self._tier.value),
                "bound": max(0.0, (self.best_objective_bound - self._scale + 1) / self._scale)
                if self._scale > 1
                else max(0.0, self.best_objective_bound),
            }
        )


def gap_of(results: list[TierResult]) -> float:
    """The relative gap of the first tier that is not proven: 0 when every tier is."""
    for result in results:
        if result.status in (OPTIMAL, WITHIN_LIMITS):
            continue
        if result.bound is None:
            return 1.0
        return round((result.short - result.bound) / max(result.short, 1), 4)
    return 0.0


def overall_status(results: list[TierResult]) -> str:
    """`optimal` only when every tier is proven (within limits, when any is only that)."""
    if all(r.status == OPTIMAL for r in results):
        return OPTIMAL
    if all(r.status in (OPTIMAL, WITHIN_LIMITS) for r in results):
        return WITHIN_LIMITS
    return FEASIBLE


__all__ = [
    "FEASIBLE",
    "NOT_REACHED",
    "OPTIMAL",
    "SOFT_GOALS",
    "WEIGHT_SCALE",
    "WITHIN_LIMITS",
    "Clock",
    "Search",
    "Tier",
    "TierResult",
    "build_tiers",
    "gap_of",
    "overall_status",
    "solve_tiers",
]
