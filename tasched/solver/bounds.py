"""A lower bound on the EHC tier, proved outside CP-SAT by a linear relaxation.

The tiered solve first minimises the EHC-plan minutes short, summed over pupils.
On large schools CP-SAT's own bound on that tier barely moves, so "could not be
met" would rest on nothing. :func:`ehc_shortfall_bound` solves a linear relaxation
of EHC delivery alone with GLOP (PDLP on the largest): every rota that keeps the hard rules is a point of
the relaxation, so its optimum is a lower bound on the EHC minutes short of any
rota. When the best rota's EHC shortfall equals the bound, the tier is optimal.

The bound is taken from the LP solver's dual values, not its objective (a safe bound,
see :mod:`tasched.solver.lp`), so GLOP's tolerances cannot make it invalid. Every
rota's shortfall is a whole number of minutes, so the bound is rounded up.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from tasched.problem.compile import InterventionInfo, Problem, PupilInfo
from tasched.solver.lp import Relaxation

__all__ = ["ehc_shortfall_bound"]

IN_CLASS, WITHDRAWN = "in_class", "withdrawn"  # as tasched.solver.model


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
    lp = Relaxation()
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


Kind = tuple[set[int], int, set[frozenset[str]], int]  # (works, cap per adult, skill sets held, count)


def _adult_kinds(prob: Problem, skill_sets: set[frozenset[str]]) -> list[Kind]:
    """Adults alike for this relaxation: the same working slots, the same cap, and able to
    give the same plans and sessions. One kind is (works, cap per adult, skill sets held, count)."""
    kinds: dict[tuple[frozenset[int], int, frozenset[frozenset[str]]], int] = defaultdict(int)
    for adult in prob.adults:
        held = frozenset(s for s in skill_sets if adult.skills.issuperset(s))
        kinds[frozenset(adult.works), adult.cap_minutes, held] += 1
    return [(set(works), cap, set(held), count) for (works, cap, held), count in kinds.items()]


@dataclass
class _Ehc:
    """The relaxation's index: pupils with plans, sessions counting for EHC, kinds of adult,
    and the LP's variables as they are made (each a column index of `Relaxation`)."""

    prob: Problem
    lp: Relaxation
    planned: list[PupilInfo]
    counting: list[InterventionInfo]  # count for EHC and have a pupil with a plan
    kinds: list[Kind]
    count: list[int]  # adults of each kind
    planned_ids: set[int]
    deliverers: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # (intervention, slot) -> kinds
    y: dict[tuple[int, int, int, str], int] = field(default_factory=dict)  # (kind, pupil, slot, mode)
    session: dict[tuple[int, int], int] = field(default_factory=dict)  # (intervention, slot)
    deliver: dict[tuple[int, int, int], int] = field(default_factory=dict)  # (kind, intervention, slot)
    supported: dict[tuple[int, int, str], list[tuple[int, float]]] = field(default_factory=dict)

    def eligible(self, skills: frozenset[str], t: int) -> list[int]:
        """Kinds of adult who may serve then: compile's rule, without any candidate limit."""
        return [g for g, (works, _, held, _) in enumerate(self.kinds) if t in works and skills in held]


def _build(prob: Problem, lp: Relaxation) -> None:
    """The relaxation of EHC delivery, rule by rule in the order of the docstring above."""
    ehc = _index(prob, lp)
    candidates, blocked = _candidates(ehc)
    _variables(ehc, candidates, blocked)
    _supported(ehc)
    _one_place(ehc)
    _sessions(ehc)
    _whereabouts(ehc)
    _max_share(ehc)
    _delivered(ehc)


def _index(prob: Problem, lp: Relaxation) -> _Ehc:
    """Pupils with plans, sessions counting for EHC, and the kinds of adult who may serve them."""
    planned = [p for p in prob.pupils if p.ehcp is not None and p.ehcp.required_minutes > 0]
    planned_ids = {p.index for p in planned}
    # Interventions that count for EHC and have a pupil with a plan; the rest can only use adults up.
    counting = [iv for iv in prob.interventions if iv.counts_for_ehcp and planned_ids & set(iv.pupils)]
    skill_sets = {p.ehcp.skills for p in planned if p.ehcp} | {iv.skills for iv in counting}
    kinds = _adult_kinds(prob, skill_sets)
    ehc = _Ehc(prob, lp, planned, counting, kinds, [k for *_, k in kinds], planned_ids)
    ehc.deliverers = {(iv.index, t): ehc.eligible(iv.skills, t) for iv in counting for t in iv.slots}
    return ehc


def _candidates(ehc: _Ehc) -> tuple[dict[tuple[int, int, str], list[int]], set[int]]:
    """Kinds able to support each pupil, slot and mode; and the interventions none of whose
    sessions can be held. A pupil with fewer possible adults than min_staff gets none."""
    count = ehc.count
    candidates: dict[tuple[int, int, str], list[int]] = {}
    blocked: set[int] = set()
    for pupil in ehc.planned:
        plan = pupil.ehcp
        assert plan is not None
        mine: dict[tuple[int, int, str], list[int]] = {}
        for t in plan.slots:
            able = ehc.eligible(plan.skills, t)
            for mode in plan.modes:
                if able and (mode == WITHDRAWN or t in pupil.place):
                    mine[pupil.index, t, mode] = able
        reach = {g for able in mine.values() for g in able}
        own = [iv for iv in ehc.counting if pupil.index in iv.pupils]
        reach |= {g for iv in own for t in iv.slots for g in ehc.deliverers[iv.index, t]}
        if plan.min_staff > 1 and sum(count[g] for g in reach) < plan.min_staff:
            blocked |= {iv.index for iv in own}  # any contact at all would break min_staff
            continue
        candidates.update(mine)
    return candidates, blocked


def _variables(ehc: _Ehc, candidates: dict[tuple[int, int, str], list[int]], blocked: set[int]) -> None:
    """Decision fractions, summed over the adults of a kind: support, sessions held, sessions delivered."""
    prob, lp, count = ehc.prob, ehc.lp, ehc.count
    for (p, t, mode), able in candidates.items():
        at_once = 2 if prob.pupils[p].ehcp.adults == 2 else 1  # type: ignore[union-attr]
        for g in able:
            ehc.y[g, p, t, mode] = lp.var(float(min(count[g], at_once)))
    for iv in ehc.counting:
        if iv.index in blocked:
            continue
        for t in iv.slots:
            if ehc.deliverers[iv.index, t]:
                ehc.session[iv.index, t] = lp.var(1.0)
                for g in ehc.deliverers[iv.index, t]:
                    ehc.deliver[g, iv.index, t] = lp.var(1.0)


def _supported(ehc: _Ehc) -> None:
    """Supported: a 1:1 slot is the sum of its adults, a 2:1 slot needs two of them."""
    prob, lp, count = ehc.prob, ehc.lp, ehc.count
    by_pupil_slot: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
    for (g, p, t, mode), j in ehc.y.items():
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
            ehc.supported[p, t, mode] = [(s, 1.0)]
        else:
            ehc.supported[p, t, mode] = [(j, 1.0) for _, j in shares]


def _one_place(ehc: _Ehc) -> None:
    """One place per adult and slot; pooled groups; contracted hours per kind."""
    prob, lp, count = ehc.prob, ehc.lp, ehc.count
    minutes = [s.minutes for s in prob.slots]
    groups: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
    for (g, p, t, mode), j in ehc.y.items():
        where = prob.pupils[p].place[t] if mode == IN_CLASS else WITHDRAWN
        groups[g, t, where].append((p, j))
    places: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (g, t, _), members in groups.items():
        if len(members) == 1:
            places[g, t].append(members[0][1])
        else:
            places[g, t].append(_group(ehc, g, members))
    for (g, _, t), j in ehc.deliver.items():
        places[g, t].append(j)
    per_kind: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (g, t), js in places.items():
        lp.row_if_binding([(j, 1.0) for j in js], float(count[g]))
        per_kind[g].extend((j, float(minutes[t])) for j in js)
    for g, terms in per_kind.items():
        lp.row_if_binding(terms, float(count[g] * ehc.kinds[g][1]))


def _group(ehc: _Ehc, g: int, members: list[tuple[int, int]]) -> int:
    """A pooled group's place: within every member's group_max, a one-to-one pupil alone."""
    prob, lp = ehc.prob, ehc.lp
    z = lp.var(float(ehc.count[g]))
    caps = {p: prob.pupils[p].ehcp.group_max for p, _ in members}  # type: ignore[union-attr]
    widest = min(max(caps.values()), len(members))
    lp.row([(j, 1.0 / caps[p]) for p, j in members] + [(z, -1.0)], upper=0.0)
    lp.row([(j, 1.0) for _, j in members] + [(z, -float(widest))], upper=0.0)
    for p, j in members:
        if caps[p] > 1:
            lp.row([(j, 1.0), (z, -1.0)], upper=0.0)
    return z


def _sessions(ehc: _Ehc) -> None:
    """Interventions: sessions a week, one deliverer a session, one a day, rooms."""
    prob, lp = ehc.prob, ehc.lp
    by_kind_slot: dict[tuple[str, int], list[int]] = defaultdict(list)
    for iv in ehc.counting:
        held = [(t, ehc.session[iv.index, t]) for t in iv.slots if (iv.index, t) in ehc.session]
        for t, j in held:
            delivered = [(ehc.deliver[g, iv.index, t], 1.0) for g in ehc.deliverers[iv.index, t]]
            lp.row([*delivered, (j, -1.0)], 0.0, 0.0)
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


def _whereabouts(ehc: _Ehc) -> None:
    """Pupil whereabouts and the withdrawal limit (every pupil in a session, with a plan or not)."""
    prob, lp = ehc.prob, ehc.lp
    sessions_of: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)  # (pupil, slot) -> [(iv, var)]
    for (i, t), j in ehc.session.items():
        for p in prob.interventions[i].pupils:
            sessions_of[p, t].append((i, j))
    here: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for (p, t, _), terms in ehc.supported.items():
        here[p, t].extend(terms)
    for (p, t), held_then in sessions_of.items():
        here[p, t].extend((j, 1.0) for _, j in held_then)
    for terms in here.values():
        if len(terms) > 1:
            lp.row(terms, upper=1.0)
    out_of_class: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (p, t, mode), terms in ehc.supported.items():
        if mode == WITHDRAWN and t in prob.pupils[p].place:
            out_of_class[p].extend((j, c * prob.slots[t].minutes) for j, c in terms)
    for (p, t), held_then in sessions_of.items():
        if t in prob.pupils[p].place:
            out_of_class[p].extend((j, float(prob.interventions[i].minutes)) for i, j in held_then)
    for p, terms in out_of_class.items():
        lp.row_if_binding(terms, float(prob.pupils[p].max_withdrawal_minutes))


def _max_share(ehc: _Ehc) -> None:
    """max_share per adult and pupil: EHC support plus EHC-counting sessions delivered."""
    prob, lp, count, planned_ids = ehc.prob, ehc.lp, ehc.count, ehc.planned_ids
    contact: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for (g, p, t, _), j in ehc.y.items():
        contact[g, p].append((j, float(prob.slots[t].minutes)))
    for (g, i, _), j in ehc.deliver.items():
        iv = prob.interventions[i]
        for p in iv.pupils:
            if p in planned_ids:
                contact[g, p].append((j, float(iv.minutes)))
    for (g, p), terms in contact.items():
        share = prob.pupils[p].ehcp.max_share_minutes  # type: ignore[union-attr]
        lp.row_if_binding(terms, float(count[g] * share))


def _delivered(ehc: _Ehc) -> None:
    """Delivered minutes, the over-support cap, and the minutes short (the objective)."""
    prob, lp, planned_ids = ehc.prob, ehc.lp, ehc.planned_ids
    delivered: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (p, t, _), terms in ehc.supported.items():
        delivered[p].extend((j, c * prob.slots[t].minutes) for j, c in terms)
    for (i, _), j in ehc.session.items():
        for p in prob.interventions[i].pupils:
            if p in planned_ids:
                delivered[p].append((j, float(prob.interventions[i].minutes)))
    for pupil in ehc.planned:
        plan = pupil.ehcp
        assert plan is not None
        required = float(plan.required_minutes)
        short = lp.var(required)
        lp.objective[short] = 1.0
        terms = delivered.get(pupil.index, [])
        if terms:
            lp.row(terms, upper=float(plan.over_support_cap))
        lp.row([*terms, (short, 1.0)], lower=required)
