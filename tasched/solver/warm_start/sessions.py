"""Intervention sessions in the greedy: where a further session can sit, who delivers it.

Sessions that count for EHC are EHC contact, so the rotation limits apply to them too.
"""

from __future__ import annotations

from tasched.problem.predicates import may_withdraw, within_withdrawal
from tasched.solver.warm_start.state import Place, State, spread


def fill_intervention(state: State, i: int) -> None:
    """Sessions of intervention i in the slots left; with same_staff, the lead who can hold the most."""
    prob = state.prob
    iv = prob.interventions[i]
    held = sorted((t, a) for (a, j, t) in state.rota.deliver if j == i)
    leads = sorted({a for t in iv.slots for a in iv.candidates[t]})
    if held and iv.same_staff:
        leads = [held[0][1]]  # kept sessions fix the deliverer
    best: list[tuple[int, int]] = []  # (slot, deliverer)
    for lead in leads if iv.same_staff else [-1]:
        chosen = _session_slots(state, i, lead)
        if len(chosen) > len(best):
            best = chosen
        if len(best) + len(held) >= iv.sessions:
            break
    for t, a in best:
        # Each session of a plan was judged without the plan's others: judge it again as placed.
        if session_legal(state, i, t, a):
            place_session(state, i, t, a)


def place_session(state: State, i: int, t: int, a: int) -> None:
    """Adult a delivers a session of intervention i at t; its pupils are out of class then."""
    prob = state.prob
    iv = prob.interventions[i]
    state.occupy(a, t, Place("intervention", i))
    state.rota.deliver.add((a, i, t))
    if iv.room_kind is not None:
        state.rooms[iv.room_kind, t] += 1
    for p in iv.pupils:
        state.pupil_busy[p].add(t)
        if t in prob.pupils[p].place:
            state.withdrawn[p] += iv.minutes
            state.withdrawals[p, prob.withdrawal_key(p, t)] += 1
        if iv.counts_for_ehcp and prob.pupils[p].ehcp is not None:
            state.delivered[p] += iv.minutes
            state.give(a, p, iv.minutes)
            state.together[a, p].add(t)


def _session_slots(state: State, i: int, lead: int, only: int | None = None) -> list[tuple[int, int]]:
    """Slots (with their deliverer) where a further session of intervention i can sit now."""
    prob = state.prob
    iv = prob.interventions[i]
    held = [t for (_, j, t) in state.rota.deliver if j == i]
    days: set[int] = {prob.slots[t].day for t in held}
    out: list[tuple[int, int]] = []
    for t in spread(iv.slots, prob) if only is None else [only]:
        if len(out) + len(held) >= iv.sessions:
            break
        if iv.one_per_day and prob.slots[t].day in days:
            continue
        if iv.room_kind is not None and state.rooms[iv.room_kind, t] >= prob.room_capacity.get(iv.room_kind, 0):
            continue
        if t in held or not all(pupil_can_attend(state, p, i, t, len(out)) for p in iv.pupils):
            continue
        adults = [lead] if lead >= 0 else iv.candidates[t]
        for a in adults:
            if a in iv.candidates[t] and state.can_take(a, t) and contact_ok(state, a, i, t):
                out.append((t, a))
                days.add(prob.slots[t].day)
                break
    return out


def session_legal(state: State, i: int, t: int, a: int) -> bool:
    """Adult a may deliver a session of intervention i at t, given the rota as it stands."""
    iv = state.prob.interventions[i]
    return (
        state.can_take(a, t)
        and all(pupil_can_attend(state, p, i, t, 0) for p in iv.pupils)
        and contact_ok(state, a, i, t)
    )


def pupil_can_attend(state: State, p: int, i: int, t: int, planned: int) -> bool:
    """The pupil is free at t and has room for one more session after `planned` ones."""
    prob = state.prob
    pupil = prob.pupils[p]
    iv = prob.interventions[i]
    more = (planned + 1) * iv.minutes  # upper bound: planned sessions may sit outside lessons
    if t in state.pupil_busy[p]:
        return False
    if t in pupil.place and not within_withdrawal(prob, p, state.withdrawn[p] + more):
        return False
    if t in pupil.place and not may_withdraw(prob, p, t, state.withdrawals, planned + 1):
        return False
    plan = pupil.ehcp
    return not (iv.counts_for_ehcp and plan is not None and state.delivered[p] + more > plan.over_support_cap)


def contact_ok(state: State, a: int, i: int, t: int) -> bool:
    """Sessions counting for EHC are EHC contact: rotation limits apply to them too."""
    prob = state.prob
    iv = prob.interventions[i]
    if not iv.counts_for_ehcp:
        return True
    for p in iv.pupils:
        plan = prob.pupils[p].ehcp
        if plan is None or plan.required_minutes == 0:
            continue
        if state.contact[a, p] + iv.minutes > plan.max_share_minutes or not state.run_ok(a, p, t, plan.max_consecutive):
            return False
        if not state.team_ok(a, p):
            return False
        if plan.min_staff > 1 and not any(q != a and state.contact[q, p] > 0 for q in range(len(prob.adults))):
            return False  # a lone giver would break min_staff
    return True
