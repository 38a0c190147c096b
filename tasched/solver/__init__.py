"""Build the week's CP-SAT model, solve it and read the rota back.

The order of `build_model` is the order of format.md: hard rules, then demands
(EHC hours, medical cover, duties, interventions, class support), then soft goals.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from tasched._version import __version__
from tasched.input.model import Demand, SchoolData
from tasched.problem.compile import Problem, Row, compile_problem
from tasched.solver import demands, goals, rules
from tasched.solver.bounds import ehc_shortfall_bound
from tasched.solver.cover import add_cover
from tasched.solver.liaison import add_liaison, add_liaison_goals
from tasched.solver.model import WEIGHT_SCALE, RotaModel
from tasched.solver.people import add_same_person
from tasched.solver.size import check_fits
from tasched.solver.tiers import (
    Clock,
    Search,
    Tier,
    TierResult,
    build_tiers,
    gap_of,
    overall_status,
    solve_tiers,
)
from tasched.solver.warm_start import TaskChoice, warm_start

__all__ = ["Found", "ModelSize", "build_model", "find"]

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


@dataclass(frozen=True)
class ModelSize:
    variables: int
    constraints: int
    build_seconds: float


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
    time_limit = settings.time_limit if time_limit is None else time_limit
    seed = settings.seed if seed is None else seed
    workers = settings.workers if workers is None else workers

    started = time.perf_counter() if started is None else started
    last_rows = list(previous["assignments"]) if previous else None
    problem = compile_problem(school, keep=last_rows)
    check_fits(problem, workers)  # a school too large for this machine is refused before building
    problem.withdrawal_cap = withdrawal_cap
    problem.withdrawals_done = dict(withdrawals_done or {})
    # The greedy rota comes first: a valid rota in well under a second, whatever follows.
    greedy = warm_start(problem, keep=last_rows) if hint else None
    pinned = any(pin.kind != "free" for pin in problem.pins)
    if greedy is not None and not pinned and time_limit - (time.perf_counter() - started) < MIN_SEARCH_SECONDS:
        # No time to build and search a model: the greedy rota, which keeps every hard rule, is the answer.
        meta = _meta(school, input_digest, started, seed, workers, time_limit, None)
        if workers == 1:
            meta.update(seconds=0.0, clock="deterministic")
        meta.update(status="feasible", source="greedy warm start (no time left to search)")
        return Found(problem, meta, rows_of(problem, greedy))
    rm = build_model(problem, last_rows, duty_history)
    tiers = build_tiers(rm) if tiered else [_weighted_tier(rm)]
    start = _start(rm, greedy, time_limit, started, log)
    size = ModelSize(len(rm.cp.proto.variables), len(rm.cp.proto.constraints), time.perf_counter() - started)
    if log:
        log(f"model: {size.variables} variables, {size.constraints} constraints, built in {size.build_seconds:.2f} s")
    # The time limit covers the whole job. Measured on a 74,000-variable school:
    # CP-SAT takes ~1.7 s beyond its limit to load the model, and writing up the
    # rota (reasons, KPIs, the file) ~1.2 s more; both grow with the model.
    clock = Clock(time_limit, started, workers == 1, reserve=0.3 + size.variables / 30_000)
    search = Search(
        clock,
        seed,
        workers,
        presolve=size.variables <= PRESOLVE_MAX_VARIABLES,
        verbose=verbose,
        log=log,
        on_progress=on_solution,
        known_bound=_own_bound(problem, clock) if tiered else None,
        trimmed=bool(problem.trimmed),
    )
    with _stop_on_signal(search):
        solution = solve_tiers(rm, tiers, start, search)
    meta = _meta(school, input_digest, started, seed, workers, time_limit, size)
    if workers == 1:
        # Reproducible mode: the search's deterministic time (work units of about a
        # second), so the same input, seed and one worker write a byte-identical rota.
        meta.update(seconds=round(clock.spent, 2), clock="deterministic")
    if search.stopped:
        meta["interrupted"] = True
    fallback = greedy if not pinned else None  # the greedy leaves pinned slots empty: no fallback then
    if solution is None:
        if fallback is None or search.conflict:
            # Demands are soft, so only pins can make a week impossible: name a conflicting set.
            if search.conflict:
                meta["conflict"] = [rm.pin_literals[i] for i in search.conflict if i in rm.pin_literals]
            return Found(problem, meta, None)
        meta.update(status="feasible", source="greedy warm start (CP-SAT found no better rota in time)")
        return Found(problem, meta, rows_of(problem, fallback))
    rows = extract_rows(rm, solution)
    _describe_search(meta, rm, search, solution, tiered)
    if last_rows is not None:
        meta["changes"] = changes(last_rows, rows)
    return Found(problem, meta, rows, search.results)


def _start(
    rm: RotaModel, greedy: TaskChoice | None, time_limit: float, started: float, log: Callable[[str], None] | None
) -> list[int] | None:
    """The greedy rota as a complete solution of the model, to start every tier from."""
    if greedy is None:
        return None
    add_hint(rm, greedy)
    # A complete hint is taken as CP-SAT's first solution at once; without it,
    # CP-SAT's own completion of the decisions can land far from the greedy rota.
    budget = max(1.0, (time_limit - (time.perf_counter() - started)) / 3)
    values = complete_hint(rm, budget)
    if values is None and log:
        log("the warm start could not be completed in time; CP-SAT starts from its decisions only")
    return values


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


def _describe_search(meta: dict[str, Any], rm: RotaModel, search: Search, solution: list[int], tiered: bool) -> None:
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


MIN_SEARCH_SECONDS = 1.0  # less time than this left after the greedy rota: return it


def _meta(
    school: SchoolData,
    input_digest: str,
    started: float,
    seed: int,
    workers: int,
    time_limit: float,
    size: ModelSize | None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "tool": "tasched",
        "version": __version__,
        "school": school.school.name,
        "format_version": 1,
        "input_digest": input_digest,
        "status": "no_rota",
        "objective": None,
        "bound": None,
        "gap": None,
        "seconds": round(time.perf_counter() - started, 2),
        "seed": seed,
        "workers": workers,
        "time_limit": time_limit,
    }
    if size is not None:
        meta["model"] = {"variables": size.variables, "constraints": size.constraints}
    return meta


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


def add_hint(rm: RotaModel, greedy: TaskChoice) -> None:
    """Hint every decision variable with the greedy rota (1 where it assigns, else 0).

    Written to the proto directly: a school has tens of thousands of decision variables.
    """
    held = {(i, t) for (_, i, t) in greedy.deliver}
    leads = {(a, i) for (a, i, _) in greedy.deliver}
    families: list[tuple[dict[Any, cp_model.IntVar], set[Any]]] = [
        (rm.class_support, greedy.class_support),
        (rm.ehcp, greedy.ehcp),
        (rm.deliver, greedy.deliver),
        (rm.session, held),
        (rm.lead, leads),
        (rm.duty, greedy.duty),
        (rm.medical_cover, greedy.medical_cover),
        (rm.liaison, greedy.liaison),
        (rm.cover, greedy.cover),
    ]
    rm.cp.clear_hints()
    indices: list[int] = []
    values: list[int] = []
    for variables, chosen in families:
        for key, var in variables.items():
            indices.append(var.index)
            values.append(int(key in chosen))
    hint = rm.cp.proto.solution_hint
    hint.vars.extend(indices)
    hint.values.extend(values)


def complete_hint(rm: RotaModel, seconds: float = 10) -> list[int] | None:
    """Turn the decision hint into a complete one, so CP-SAT starts from it at once.

    With the decisions fixed, presolve settles every derived variable (groups,
    flags, shortfall amounts) at its best value in well under a second (measured:
    0.6 s for a 74,000-variable special school, against 2 s and a poor objective
    without presolve). Returns the full assignment, or None if the hint is not a
    valid rota.
    """
    completer = cp_model.CpSolver()
    params = completer.parameters
    params.fix_variables_to_their_hinted_value = True
    params.num_workers = 1
    params.max_time_in_seconds = seconds
    if completer.solve(rm.cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = list(completer.response_proto.solution)
    rm.cp.clear_hints()
    hint = rm.cp.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)
    return values


@contextlib.contextmanager
def _stop_on_signal(search: Search) -> Iterator[None]:
    """Ctrl-C or SIGTERM stops the search; the best rota found so far is kept.

    While CP-SAT runs, the main thread is inside C++ and Python signal handlers
    wait for it to return. The signal's wake-up byte reaches a socket at once, so a
    watcher thread hears it and asks CP-SAT to stop.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    finished = threading.Event()

    def watch() -> None:
        while True:
            try:
                reader.recv(1)
            except OSError:
                return
            if finished.is_set():
                return
            search.stop()

    def record(signum: int, frame: object) -> None:
        pass  # the watcher thread has already acted on the wake-up byte

    previous = {sig: signal.signal(sig, record) for sig in (signal.SIGINT, signal.SIGTERM)}
    old_fd = signal.set_wakeup_fd(writer.fileno())
    watcher = threading.Thread(target=watch, name="tasched-signal-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(old_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        finished.set()
        with contextlib.suppress(OSError):
            writer.send(b"\0")
        watcher.join(timeout=1)
        reader.close()
        writer.close()


def extract_rows(rm: RotaModel, solution: list[int]) -> list[Row]:
    """The rota's rows, read from a solution of the model (a value per variable)."""

    def chosen(variables: dict[Any, cp_model.IntVar]) -> set[Any]:
        return {key for key, var in variables.items() if solution[var.index]}

    picked = TaskChoice(
        class_support=chosen(rm.class_support),
        ehcp=chosen(rm.ehcp),
        deliver=chosen(rm.deliver),
        duty=chosen(rm.duty),
        medical_cover=chosen(rm.medical_cover),
        liaison=chosen(rm.liaison),
        cover=chosen(rm.cover),
    )
    return rows_of(rm.problem, picked)


def rows_of(prob: Problem, rota: TaskChoice) -> list[Row]:
    """The rota's rows: one per adult, slot and task, sorted by adult then time."""
    rows: list[tuple[tuple[int, int, str], Row]] = []

    def add(
        a: int, t: int, task: str, mode: str | None = None, pupils: list[str] | None = None, room: str | None = None
    ) -> None:
        slot = prob.slots[t]
        row: Row = {
            "staff": prob.adults[a].id,
            "day": slot.day_id,
            "slot": slot.slot_id,
            "task": task,
            "mode": mode,
            "pupils": pupils or [],
            "room": room,
        }
        rows.append(((a, t, task), row))

    for a, k, t in rota.class_support:
        add(a, t, f"class:{prob.supports[k].class_id}")
    for a, c, t in rota.medical_cover:
        add(a, t, f"class:{c}")
    for a, p, t, mode in rota.ehcp:
        pupil_id = prob.pupils[p].id
        add(a, t, f"pupil:{pupil_id}", mode, [pupil_id])
    rooms = _assign_rooms(prob, {(i, t) for (_, i, t) in rota.deliver})
    for a, i, t in rota.deliver:
        iv = prob.interventions[i]
        add(a, t, f"intervention:{iv.id}", None, [prob.pupils[p].id for p in iv.pupils], rooms.get((i, t)))
    for a, j, t in rota.duty:
        add(a, t, f"duty:{prob.duties[j].id}")
    for a, c, t in rota.cover:
        add(a, t, f"cover:{c}")
    for a, k, t in rota.liaison:
        add(a, t, f"liaison:{prob.teachers[k].id}")
    rows.sort(key=lambda item: item[0])
    return [row for _, row in rows]


def _assign_rooms(prob: Problem, sessions: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Give each session that needs a room one of its kind, filling rooms in id order.

    The model already keeps sessions within the kind's total capacity, so this never fails.
    """
    rooms_of: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for room in sorted(prob.data.rooms, key=lambda r: r.id):
        rooms_of[room.kind].append((room.id, room.capacity))
    given: dict[tuple[int, int], str] = {}
    used: dict[tuple[str, int], int] = defaultdict(int)
    for i, t in sorted(sessions):
        kind = prob.interventions[i].room_kind
        if kind is None:
            continue
        for room_id, capacity in rooms_of[kind]:
            if used[room_id, t] < capacity:
                used[room_id, t] += 1
                given[i, t] = room_id
                break
    return given
