"""A lower bound on the EHC tier, proved outside CP-SAT by a linear relaxation.

The tiered solve first minimises the EHC-plan minutes short, summed over pupils.
On large schools CP-SAT's own bound on that tier barely moves, so "could not be
met" would rest on nothing. :func:`ehc_shortfall_bound` solves a linear relaxation
of EHC delivery alone with GLOP (PDLP on the largest): every rota that keeps the hard rules is a point of
the relaxation, so its optimum is a lower bound on the EHC minutes short of any
rota. When the best rota's EHC shortfall equals the bound, the tier is optimal.

The bound is taken from the LP solver's dual values, not its objective: for any duals, the
Lagrangian minimised over the variables' box is a lower bound (Neumaier and
Shcherbina's safe bound), so GLOP's tolerances cannot make the bound invalid. Every
rota's shortfall is a whole number of minutes, so the bound is rounded up.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable

from ortools.linear_solver import pywraplp

from tasched.problem.compile import Problem

__all__ = ["ehc_shortfall_bound"]

IN_CLASS, WITHDRAWN = "in_class", "withdrawn"  # as tasched.solver.model
INF = math.inf
# Measured on benchmarks/instances (2 cores): GLOP is quicker up to special-100's ~560,000
# nonzeros, PDLP on special-200's 1.1 million (14 s against GLOP's 30 s and more).
PDLP_FIRST_NONZEROS = 800_000
FIRST_SHARE = 0.6  # of the time left, for the first solver; the other has the rest


def ehc_shortfall_bound(problem: Problem, time_limit: float = 30.0) -> int | None:
    """A lower bound, in minutes, on the total EHC minutes short of any rota of the school.

    Valid for every rota that keeps the hard rules, whatever candidate limit the
    solver's model used: a pupil's candidates are every adult who works then and
    holds the plan's skills (``rules.solver.adults_per_pupil`` is not applied).
    None when neither GLOP nor PDLP solves the relaxation to optimality within
    `time_limit` seconds (building it included).

    Adults alike for EHC (the same working slots, the same contract cap, able to give
    the same plans and sessions) are summed into one kind of k adults, each rule
    below summed over them (k places a slot, k x cap, k x max_share): sums of a
    rota's constraints, so still a relaxation, and no weaker than the per-adult LP.

    The relaxation, in fractions of a slot (``y[a,p,t,mode]``: the share of adult
    a's slot t spent supporting pupil p in that mode), keeps:

    - one place per adult and slot: each place (a pooled group in a class, a
      withdrawn group, an EHC-counting session delivered) is a fraction ``z <= 1``,
      summed to at most 1 per adult and slot; in a group, ``y <= z`` for each
      member, ``sum y / group_max <= z`` and ``sum y <= min(largest group_max,
      members) * z`` (a one-to-one pupil fills the place);
    - pupil whereabouts: supported in class, withdrawn and in EHC-counting sessions
      sum to at most 1 per slot; a 1:1 slot has one adult (``s = sum_a y``), a 2:1
      slot counts only as far as two adults' shares are there (``sum_a y = 2 s``,
      ``y <= s``);
    - contracted hours (contract - liaison + overtime) per adult;
    - max_share per adult and pupil (EHC support plus EHC-counting sessions delivered);
    - min_staff only as: a pupil with fewer eligible adults than min_staff gets no EHC contact;
    - the withdrawal limit per pupil (withdrawn support and sessions in lesson slots);
    - the over-support cap; delivered minutes as tasched counts them (slots
      supported, a 2:1 slot once, plus `minutes` for each EHC-counting session);
    - EHC-counting interventions: `sessions` a week, one adult delivering a
      session, one_per_day, room capacity.

    It drops integrality, min_staff otherwise, max_consecutive, the break rule,
    same_staff, pins, max_duties, and every demand but EHC hours (duties, medical
    cover, class support and interventions not counting for EHC are soft: a rota
    may leave them undone, and they only use adults up). Dropping a constraint only
    weakens the bound; none is added that a rota need not satisfy.
    """
    started = time.perf_counter()
    lp = _Relaxation()
    _build(problem, lp)
    if not lp.objective:
        return 0  # no EHC plan asks for any minutes
    left = time_limit - (time.perf_counter() - started)
    if left <= 0:
        return None
    value = lp.solve(left)
    if value is None:
        return None
    # Every rota's shortfall is whole minutes; the margin covers float rounding in the safe bound.
    return max(0, math.ceil(value - 1e-6 * max(1.0, abs(value))))


class _Relaxation:
    """A linear programme kept as plain lists (to check GLOP's duals), solved by GLOP."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.objective: dict[int, float] = {}
        self.rows: list[tuple[float, float, list[int], list[float]]] = []

    def var(self, upper: float, lower: float = 0.0) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.lower) - 1

    def row(self, terms: Iterable[tuple[int, float]], lower: float = -INF, upper: float = INF) -> None:
        merged: dict[int, float] = defaultdict(float)
        for j, c in terms:
            merged[j] += c
        self.rows.append((lower, upper, list(merged), list(merged.values())))

    def row_if_binding(self, terms: list[tuple[int, float]], upper: float) -> None:
        """sum(terms) <= upper, written only when the variables' bounds allow more."""
        if sum(c * self.upper[j] for j, c in terms) > upper:
            self.row(terms, upper=upper)

    def solve(self, time_limit: float) -> float | None:
        """The safe bound from the first solver to reach an optimum: GLOP (simplex) first,
        PDLP (first-order, quicker on the largest) first above `PDLP_FIRST_NONZEROS`."""
        started = time.perf_counter()
        nonzeros = sum(len(index) for _, _, index, _ in self.rows)
        order = ("PDLP", "GLOP") if nonzeros > PDLP_FIRST_NONZEROS else ("GLOP", "PDLP")
        for attempt, name in enumerate(order):
            left = time_limit - (time.perf_counter() - started)
            if left <= 0:
                return None
            value = self._solve_with(name, left * (FIRST_SHARE if attempt == 0 else 1.0))
            if value is not None:
                return value
        return None

    def _solve_with(self, name: str, time_limit: float) -> float | None:
        solver = pywraplp.Solver.CreateSolver(name)
        if solver is None:
            return None
        infinity = solver.infinity()
        variables = [solver.NumVar(lo, up, "") for lo, up in zip(self.lower, self.upper, strict=True)]
        constraints = []
        for lo, up, index, coefs in self.rows:
            ct = solver.Constraint(-infinity if lo == -INF else lo, infinity if up == INF else up)
            for j, c in zip(index, coefs, strict=True):
                ct.SetCoefficient(variables[j], c)
            constraints.append(ct)
        objective = solver.Objective()
        for j, c in self.objective.items():
            objective.SetCoefficient(variables[j], c)
        objective.SetMinimization()
        solver.SetTimeLimit(max(1, int(time_limit * 1000)))
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return self.safe_bound([ct.dual_value() for ct in constraints])

    def safe_bound(self, duals: list[float]) -> float:
        """min c·x over the box, for any duals y: c·x = (c - Aᵀy)·x + y·(Ax), each part
        bounded below by its own bounds. Valid whatever y is, so GLOP's tolerances
        (or its sign conventions) can only weaken it."""
        reduced = [0.0] * len(self.lower)
        for j, c in self.objective.items():
            reduced[j] = c
        total = 0.0
        for (lo, up, index, coefs), y in zip(self.rows, duals, strict=True):
            if (y > 0 and lo == -INF) or (y < 0 and up == INF):
                continue  # that side is unbounded: this row contributes nothing (y taken as 0)
            if y == 0:
                continue
            total += y * lo if y > 0 else y * up
            for j, c in zip(index, coefs, strict=True):
                reduced[j] -= y * c
        for d, lo, up in zip(reduced, self.lower, self.upper, strict=True):
            total += min(d * lo, d * up)
        return total


def _adult_kinds(
    prob: Problem, skill_sets: set[frozenset[str]]
) -> list[tuple[set[int], int, set[frozenset[str]], int]]:
    """Adults alike for this relaxation: the same working slots, the same cap, and able to
    give the same plans and sessions. One kind is (works, cap per adult, skill sets held, count)."""
    kinds: dict[tuple[frozenset[int], int, frozenset[frozenset[str]]], int] = defaultdict(int)
    for adult in prob.adults:
        held = frozenset(s for s in skill_sets if adult.skills.issuperset(s))
        kinds[frozenset(adult.works), adult.cap_minutes, held] += 1
    return [(set(works), cap, set(held), count) for (works, cap, held), count in kinds.items()]


def _build(prob: Problem, lp: _Relaxation) -> None:
    minutes = [s.minutes for s in prob.slots]
    planned = [p for p in prob.pupils if p.ehcp is not None and p.ehcp.required_minutes > 0]
    planned_ids = {p.index for p in planned}
    # Interventions that count for EHC and have a pupil with a plan; the rest can only use adults up.
    counting = [iv for iv in prob.interventions if iv.counts_for_ehcp and planned_ids & set(iv.pupils)]
    skill_sets = {p.ehcp.skills for p in planned if p.ehcp} | {iv.skills for iv in counting}
    kinds = _adult_kinds(prob, skill_sets)
    count = [k for *_, k in kinds]

    def eligible(skills: frozenset[str], t: int) -> list[int]:
        """Kinds of adult who may serve then: compile's rule, without any candidate limit."""
        return [g for g, (works, _, held, _) in enumerate(kinds) if t in works and skills in held]

    deliverers = {(iv.index, t): eligible(iv.skills, t) for iv in counting for t in iv.slots}

    # Candidates per pupil, slot and mode; a pupil with fewer possible adults than min_staff gets none.
    candidates: dict[tuple[int, int, str], list[int]] = {}
    blocked: set[int] = set()  # interventions none of whose sessions can be held (min_staff)
    for pupil in planned:
        plan = pupil.ehcp
        assert plan is not None
        mine: dict[tuple[int, int, str], list[int]] = {}
        for t in plan.slots:
            able = eligible(plan.skills, t)
            for mode in plan.modes:
                if able and (mode == WITHDRAWN or t in pupil.place):
                    mine[pupil.index, t, mode] = able
        reach = {g for able in mine.values() for g in able}
        own = [iv for iv in counting if pupil.index in iv.pupils]
        reach |= {g for iv in own for t in iv.slots for g in deliverers[iv.index, t]}
        if plan.min_staff > 1 and sum(count[g] for g in reach) < plan.min_staff:
            blocked |= {iv.index for iv in own}  # any contact at all would break min_staff
            continue
        candidates.update(mine)

    # Decision fractions, summed over the adults of a kind.
    y: dict[tuple[int, int, int, str], int] = {}  # (kind, pupil, slot, mode)
    for (p, t, mode), able in candidates.items():
        at_once = 2 if prob.pupils[p].ehcp.adults == 2 else 1  # type: ignore[union-attr]
        for g in able:
            y[g, p, t, mode] = lp.var(float(min(count[g], at_once)))
    session: dict[tuple[int, int], int] = {}
    deliver: dict[tuple[int, int, int], int] = {}  # (kind, intervention, slot)
    for iv in counting:
        if iv.index in blocked:
            continue
        for t in iv.slots:
            if deliverers[iv.index, t]:
                session[iv.index, t] = lp.var(1.0)
                for g in deliverers[iv.index, t]:
                    deliver[g, iv.index, t] = lp.var(1.0)

    # Supported: a 1:1 slot is the sum of its adults, a 2:1 slot needs two of them.
    supported: dict[tuple[int, int, str], list[tuple[int, float]]] = {}
    by_pupil_slot: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
    for (g, p, t, mode), j in y.items():
        by_pupil_slot[p, t, mode].append((g, j))
    for (p, t, mode), shares in by_pupil_slot.items():
        plan = prob.pupils[p].ehcp
        assert plan is not None
        if plan.adults == 2:
            s = lp.var(1.0)
            lp.row([(j, 1.0) for _, j in shares] + [(s, -2.0)], 0.0, 0.0)
            for g, j in shares:
                if count[g] == 1:  # an adult is there only when the pupil is supported
                    lp.row([(j, 1.0), (s, -1.0)], upper=0.0)
            supported[p, t, mode] = [(s, 1.0)]
        else:
            supported[p, t, mode] = [(j, 1.0) for _, j in shares]

    # One place per adult and slot; pooled groups.
    groups: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
    for (g, p, t, mode), j in y.items():
        where = prob.pupils[p].place[t] if mode == IN_CLASS else WITHDRAWN
        groups[g, t, where].append((p, j))
    places: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (g, t, _), members in groups.items():
        if len(members) == 1:
            places[g, t].append(members[0][1])
            continue
        z = lp.var(float(count[g]))
        caps = {p: prob.pupils[p].ehcp.group_max for p, _ in members}  # type: ignore[union-attr]
        widest = min(max(caps.values()), len(members))
        lp.row([(j, 1.0 / caps[p]) for p, j in members] + [(z, -1.0)], upper=0.0)
        lp.row([(j, 1.0) for _, j in members] + [(z, -float(widest))], upper=0.0)
        for p, j in members:
            if caps[p] > 1:
                lp.row([(j, 1.0), (z, -1.0)], upper=0.0)
        places[g, t].append(z)
    for (g, _, t), j in deliver.items():
        places[g, t].append(j)
    per_kind: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (g, t), js in places.items():
        lp.row_if_binding([(j, 1.0) for j in js], float(count[g]))
        per_kind[g].extend((j, float(minutes[t])) for j in js)
    for g, terms in per_kind.items():
        lp.row_if_binding(terms, float(count[g] * kinds[g][1]))

    # Interventions: sessions a week, one deliverer a session, one a day, rooms.
    by_kind_slot: dict[tuple[str, int], list[int]] = defaultdict(list)
    for iv in counting:
        held = [(t, session[iv.index, t]) for t in iv.slots if (iv.index, t) in session]
        for t, j in held:
            lp.row([(deliver[g, iv.index, t], 1.0) for g in deliverers[iv.index, t]] + [(j, -1.0)], 0.0, 0.0)
            if iv.room_kind is not None:
                by_kind_slot[iv.room_kind, t].append(j)
        if len(held) > iv.sessions:
            lp.row([(j, 1.0) for _, j in held], upper=float(iv.sessions))
        if iv.one_per_day:
            by_day: dict[int, list[int]] = defaultdict(list)
            for t, j in held:
                by_day[prob.slots[t].day].append(j)
            for js in by_day.values():
                if len(js) > 1:
                    lp.row([(j, 1.0) for j in js], upper=1.0)
    for (room, _), js in by_kind_slot.items():
        lp.row_if_binding([(j, 1.0) for j in js], float(prob.room_capacity.get(room, 0)))

    # Pupil whereabouts and the withdrawal limit (every pupil in a session, with a plan or not).
    sessions_of: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)  # (pupil, slot) -> [(iv, var)]
    for (i, t), j in session.items():
        for p in prob.interventions[i].pupils:
            sessions_of[p, t].append((i, j))
    here: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for (p, t, _), terms in supported.items():
        here[p, t].extend(terms)
    for (p, t), held_then in sessions_of.items():
        here[p, t].extend((j, 1.0) for _, j in held_then)
    for terms in here.values():
        if len(terms) > 1:
            lp.row(terms, upper=1.0)
    out_of_class: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (p, t, mode), terms in supported.items():
        if mode == WITHDRAWN and t in prob.pupils[p].place:
            out_of_class[p].extend((j, c * minutes[t]) for j, c in terms)
    for (p, t), held_then in sessions_of.items():
        if t in prob.pupils[p].place:
            out_of_class[p].extend((j, float(prob.interventions[i].minutes)) for i, j in held_then)
    for p, terms in out_of_class.items():
        lp.row_if_binding(terms, float(prob.pupils[p].max_withdrawal_minutes))

    # max_share per adult and pupil: EHC support plus EHC-counting sessions delivered.
    contact: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for (g, p, t, _), j in y.items():
        contact[g, p].append((j, float(minutes[t])))
    for (g, i, _), j in deliver.items():
        iv = prob.interventions[i]
        for p in iv.pupils:
            if p in planned_ids:
                contact[g, p].append((j, float(iv.minutes)))
    for (g, p), terms in contact.items():
        share = prob.pupils[p].ehcp.max_share_minutes  # type: ignore[union-attr]
        lp.row_if_binding(terms, float(count[g] * share))

    # Delivered minutes, the over-support cap, and the minutes short (the objective).
    delivered: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (p, t, _), terms in supported.items():
        delivered[p].extend((j, c * minutes[t]) for j, c in terms)
    for (i, _), j in session.items():
        for p in prob.interventions[i].pupils:
            if p in planned_ids:
                delivered[p].append((j, float(prob.interventions[i].minutes)))
    for pupil in planned:
        plan = pupil.ehcp
        assert plan is not None
        required = float(plan.required_minutes)
        short = lp.var(required)
        lp.objective[short] = 1.0
        terms = delivered.get(pupil.index, [])
        if terms:
            lp.row(terms, upper=float(plan.over_support_cap))
        lp.row([*terms, (short, 1.0)], lower=required)
