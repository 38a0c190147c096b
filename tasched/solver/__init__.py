"""Build the week's CP-SAT model, solve it and read the rota back.

The order of `build_model` is the order of format.md: hard rules, then demands
(EHC hours, medical cover, duties, interventions, class support), then soft goals.
`find` runs in steps: compile, the greedy start (`warm_start`), build and hint the
model (`hints`), search the tiers (`tiers`), read the rows back (`read_back`) and
account for the search (`account`). The rule lists and `build_model` stay here: tests
take a rule out by patching them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tasched.input.model import Demand, SchoolData
from tasched.problem.compile import Problem, Row, compile_problem
from tasched.solver import demands, goals, rules
from tasched.solver.account import Job, ModelSize, changes, describe_search, objective_terms, search_meta
from tasched.solver.bounds import ehc_shortfall_bound
from tasched.solver.cover import add_cover
from tasched.solver.hints import add_hint, complete_hint
from tasched.solver.liaison import add_liaison, add_liaison_goals
from tasched.solver.model import RotaModel
from tasched.solver.people import add_same_person
from tasched.solver.read_back import extract_rows, rows_of
from tasched.solver.signals import stop_on_signal
from tasched.solver.size import check_fits
from tasched.solver.tiers import (
    Clock,
    Search,
    Tier,
    TierResult,
    build_tiers,
    solve_tiers,
)
from tasched.solver.warm_start import TaskChoice, warm_start

__all__ = [
    "Found",
    "ModelSize",
    "add_hint",
    "build_model",
    "changes",
    "complete_hint",
    "extract_rows",
    "find",
    "objective_terms",
    "rows_of",
]

HARD_RULES = (
    rules.add_one_place_per_slot,  # first: the others use its places and busy literals
    rules.add_contracted_hours,
    add_same_person,  # after the one-place rule: uses its busy literals
    rules.add_max_duties,
    rules.add_pupil_whereabouts,  # before demands: defines when a pupil is supported
    rules.add_rotation_rules,
    rules.add_max_staff,
    rules.add_class_max_adults,
    rules.add_room_capacity,
    rules.add_withdrawal_limit,
    rules.add_withdrawal_rotation,
    rules.add_break_rule,
    rules.add_pins,
)
DEMANDS = (
    demands.add_ehcp_hours,
    demands.add_medical_cover,
    add_cover,
    demands.add_duties,
    demands.add_intervention_sessions,
    add_liaison,
    demands.add_class_support,
)
SOFT_GOALS = (
    goals.add_class_continuity,
    goals.add_intervention_continuity,
    goals.add_duty_fairness,
    goals.add_idle_time,
    goals.add_overtime,
    goals.add_subject_match,
    goals.add_preferences,
    goals.add_stability,
    add_liaison_goals,
)


PRESOLVE_MAX_VARIABLES = 50000
MIN_SEARCH_SECONDS = 1.0  # less time than this left after the greedy rota: return it


@dataclass
class Found:
    """What a search found, before it is written up as a Rota (see :func:`tasched.solution.solve`).

    ``rows`` is None when there is no rota at all; ``results`` holds each tier's
    result when the rows came from CP-SAT (not the greedy warm start).
    """

    problem: Problem
    meta: dict[str, Any]
    rows: list[Row] | None
    results: list[TierResult] | None = None


def build_model(
    problem: Problem,
    previous: list[Row] | None = None,
    duty_history: dict[str, int] | None = None,
) -> RotaModel:
    """Every rule, demand and goal, each from its own function, into one CP-SAT model."""
    rm = RotaModel(problem, previous, duty_history)
    for add in (*HARD_RULES, *DEMANDS, *SOFT_GOALS):
        add(rm)
    rm.total_families()
    rm.cp.minimize(sum(p.weight * p.expr for p in rm.penalties))
    return rm


def find(
    school: SchoolData,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    verbose: bool = False,
    input_digest: str = "",
    on_solution: Callable[[dict[str, Any]], None] | None = None,
    log: Callable[[str], None] | None = None,
    hint: bool = True,
    previous: dict[str, Any] | None = None,
    duty_history: dict[str, int] | None = None,
    started: float | None = None,
    tiered: bool = True,
    withdrawal_cap: int | None = None,
    withdrawals_done: dict[tuple[str, str], int] | None = None,
) -> Found:
    """Solve a validated school's week; the settings default to `rules.solver`.

    Demands are met tier by tier (`rules.priorities`), each proven where the time
    allows; `tiered=False` is the single weighted solve, kept for comparison. The
    time limit covers the whole job from `started` (a time.perf_counter() reading;
    default now): building, searching, and writing up the rota.
    A term plan passes `withdrawal_cap` (rotate_withdrawals, paced to this week) and
    `withdrawals_done`, (pupil, subject or slot) -> withdrawals in earlier weeks.
    """
    settings = school.rules.solver
    job = Job(
        school,
        input_digest,
        time.perf_counter() if started is None else started,
        settings.seed if seed is None else seed,
        settings.workers if workers is None else workers,
        settings.time_limit if time_limit is None else time_limit,
    )
    last_rows = list(previous["assignments"]) if previous else None
    problem = _compile(school, last_rows, job.workers, withdrawal_cap, withdrawals_done)
    # The greedy rota comes first: a valid rota in well under a second, whatever follows.
    greedy = warm_start(problem, keep=last_rows) if hint else None
    pinned = any(pin.kind != "free" for pin in problem.pins)
    if greedy is not None and not pinned and job.left() < MIN_SEARCH_SECONDS:
        return _greedy_only(job, problem, greedy)
    rm, tiers, start, size = _build(job, problem, last_rows, duty_history, greedy, tiered, log)
    search = _search(job, problem, size, tiered, verbose, log, on_solution)
    with stop_on_signal(search):
        solution = solve_tiers(rm, tiers, start, search)
    fallback = greedy if not pinned else None  # the greedy leaves pinned slots empty: no fallback then
    return _read_back(job, rm, search, solution, size, fallback, last_rows, tiered)


def _compile(
    school: SchoolData,
    last_rows: list[Row] | None,
    workers: int,
    withdrawal_cap: int | None,
    withdrawals_done: dict[tuple[str, str], int] | None,
) -> Problem:
    """The compiled week, refused before building when too large for this machine."""
    problem = compile_problem(school, keep=last_rows)
    check_fits(problem, workers)
    problem.withdrawal_cap = withdrawal_cap
    problem.withdrawals_done = dict(withdrawals_done or {})
    return problem


def _greedy_only(job: Job, problem: Problem, greedy: TaskChoice) -> Found:
    """No time to build and search a model: the greedy rota, which keeps every hard rule, is the answer."""
    meta = search_meta(job, None)
    if job.workers == 1:
        meta.update(seconds=0.0, clock="deterministic")
    meta.update(status="feasible", source="greedy warm start (no time left to search)")
    return Found(problem, meta, rows_of(problem, greedy))


def _build(
    job: Job,
    problem: Problem,
    last_rows: list[Row] | None,
    duty_history: dict[str, int] | None,
    greedy: TaskChoice | None,
    tiered: bool,
    log: Callable[[str], None] | None,
) -> tuple[RotaModel, list[Tier], list[int] | None, ModelSize]:
    """The model, its tiers, the greedy rota as a complete start, and the model's size."""
    rm = build_model(problem, last_rows, duty_history)
    tiers = build_tiers(rm) if tiered else [_weighted_tier(rm)]
    start = _start(rm, greedy, job, log)
    size = ModelSize(len(rm.cp.proto.variables), len(rm.cp.proto.constraints), time.perf_counter() - job.started)
    if log:
        log(f"model: {size.variables} variables, {size.constraints} constraints, built in {size.build_seconds:.2f} s")
    return rm, tiers, start, size


def _start(rm: RotaModel, greedy: TaskChoice | None, job: Job, log: Callable[[str], None] | None) -> list[int] | None:
    """The greedy rota as a complete solution of the model, to start every tier from."""
    if greedy is None:
        return None
    add_hint(rm, greedy)
    # A complete hint is taken as CP-SAT's first solution at once; without it,
    # CP-SAT's own completion of the decisions can land far from the greedy rota.
    budget = max(1.0, job.left() / 3)
    values = complete_hint(rm, budget)
    if values is None and log:
        log("the warm start could not be completed in time; CP-SAT starts from its decisions only")
    return values


def _search(
    job: Job,
    problem: Problem,
    size: ModelSize,
    tiered: bool,
    verbose: bool,
    log: Callable[[str], None] | None,
    on_solution: Callable[[dict[str, Any]], None] | None,
) -> Search:
    """The search's settings and clock, within what is left of the time limit."""
    # The time limit covers the whole job. Measured on a 74,000-variable school:
    # CP-SAT takes ~1.7 s beyond its limit to load the model, and writing up the
    # rota (reasons, KPIs, the file) ~1.2 s more; both grow with the model.
    clock = Clock(job.time_limit, job.started, job.workers == 1, reserve=0.3 + size.variables / 30_000)
    return Search(
        clock,
        job.seed,
        job.workers,
        presolve=size.variables <= PRESOLVE_MAX_VARIABLES,
        verbose=verbose,
        log=log,
        on_progress=on_solution,
        known_bound=_own_bound(problem, clock) if tiered else None,
        trimmed=bool(problem.trimmed),
    )


def _own_bound(problem: Problem, clock: Clock) -> Callable[[Tier, int], int | None]:
    """Our own bound on the EHC tier, computed once and only when CP-SAT's is not enough."""
    cache: dict[str, int | None] = {}

    def bound(tier: Tier, found: int) -> int | None:
        if tier.demand is not Demand.ehcp_hours or tier.priority is not None:
            return None
        if "ehc" not in cache:
            cache["ehc"] = ehc_shortfall_bound(problem, time_limit=max(1.0, min(30.0, clock.left() / 3)))
        return cache["ehc"]

    return bound


def _weighted_tier(rm: RotaModel) -> Tier:
    """The single weighted solve (every demand and goal in one sum), for comparison."""
    value = rm.cp.new_int_var(0, 2**50, "weighted_objective")
    rm.cp.add(value == sum(p.weight * p.expr for p in rm.penalties))
    return Tier("weighted", None, None, "weighted penalty", value, 2**50)


def _read_back(
    job: Job,
    rm: RotaModel,
    search: Search,
    solution: list[int] | None,
    size: ModelSize,
    fallback: TaskChoice | None,
    last_rows: list[Row] | None,
    tiered: bool,
) -> Found:
    """The rows found and the search's account; the greedy rota when CP-SAT found none."""
    problem = rm.problem
    meta = search_meta(job, size)
    if job.workers == 1:
        # Reproducible mode: the search's deterministic time (work units of about a
        # second), so the same input, seed and one worker write a byte-identical rota.
        meta.update(seconds=round(search.clock.spent, 2), clock="deterministic")
    if search.stopped:
        meta["interrupted"] = True
    if solution is None:
        if fallback is None or search.conflict:
            # Demands are soft, so only pins can make a week impossible: name a conflicting set.
            if search.conflict:
                meta["conflict"] = [rm.pin_literals[i] for i in search.conflict if i in rm.pin_literals]
            return Found(problem, meta, None)
        meta.update(status="feasible", source="greedy warm start (CP-SAT found no better rota in time)")
        return Found(problem, meta, rows_of(problem, fallback))
    rows = extract_rows(rm, solution)
    describe_search(meta, rm, search, solution, tiered)
    if last_rows is not None:
        meta["changes"] = changes(last_rows, rows)
    return Found(problem, meta, rows, search.results)
