"""EHC support in the greedy: each pupil's plan, slot by slot, within the rotation rules.

Pupils are served scarcest first; a pupil who ends with fewer adults than `min_staff`
has their support taken back (the model would refuse it).
"""

from __future__ import annotations

from tasched.problem.compile import PupilInfo
from tasched.problem.predicates import may_withdraw, out_of_class, within_withdrawal
from tasched.solver.warm_start.state import Place, State, spread


def scarcity(pupil: PupilInfo) -> float:
    """Adult-slots able to support the pupil per minute the plan needs: lower is scarcer."""
    plan = pupil.ehcp
    assert plan is not None
    return sum(len(c) for c in plan.candidates.values()) / plan.required_minutes


def support_pupil(state: State, p: int) -> None:
    """Support the pupil slot by slot, spread over the week, until the plan's minutes are met."""
    prob = state.prob
    pupil = prob.pupils[p]
    plan = pupil.ehcp
    assert plan is not None
    added = state.kept_support.pop(p, [])  # (adult, slot, mode, opened a place)
    for t in spread(plan.slots, prob):
        if state.delivered[p] >= plan.required_minutes:
            break
        minutes = prob.slots[t].minutes
        if t in state.pupil_busy[p] or state.delivered[p] + minutes > plan.over_support_cap:
            continue
        for mode in modes(state, p, t):
            chosen = choose_supporters(state, p, t, mode)
            if chosen is not None:
                added += place_support(state, p, t, mode, chosen)
                break
    givers = {a for a, _, _, _ in added}
    if givers and len(givers) < plan.min_staff:
        _undo_support(state, p, added)


def place_support(
    state: State, p: int, t: int, mode: str, chosen: list[tuple[int, bool]]
) -> list[tuple[int, int, str, bool]]:
    """The chosen adults support the pupil at t (opening a place or joining a group); returns what was added."""
    prob = state.prob
    pupil = prob.pupils[p]
    minutes = prob.slots[t].minutes
    added = []
    for a, opens in chosen:
        key = "withdrawn" if mode == "withdrawn" else pupil.place[t]
        if opens:
            state.occupy(a, t, Place(mode, key, [p]))
            if mode == "in_class":
                state.in_class(a, key, t)
        else:
            state.place[a, t].pupils.append(p)
        state.rota.ehcp.add((a, p, t, mode))
        state.give(a, p, minutes)
        state.together[a, p].add(t)
        added.append((a, t, mode, opens))
    state.pupil_busy[p].add(t)
    state.delivered[p] += minutes
    if mode == "withdrawn" and t in pupil.place:
        state.withdrawn[p] += minutes
        state.withdrawals[p, prob.withdrawal_key(p, t)] += 1
    return added


def modes(state: State, p: int, t: int) -> list[str]:
    """The modes the pupil may be supported in at t: in class in a lesson, withdrawn within the limits."""
    prob = state.prob
    pupil = prob.pupils[p]
    plan = pupil.ehcp
    assert plan is not None
    modes = []
    if "in_class" in plan.modes and t in pupil.place:
        modes.append("in_class")
    if "withdrawn" in plan.modes:
        fits = within_withdrawal(prob, p, state.withdrawn[p] + out_of_class(prob, p, t, prob.slots[t].minutes))
        if fits and may_withdraw(prob, p, t, state.withdrawals):
            modes.append("withdrawn")
    return modes


def choose_supporters(
    state: State, p: int, t: int, mode: str, only: list[int] | None = None
) -> list[tuple[int, bool]] | None:
    """Adults to support pupil p at t: joining a pooled group first, then the least-used."""
    prob = state.prob
    pupil = prob.pupils[p]
    plan = pupil.ehcp
    assert plan is not None
    minutes = prob.slots[t].minutes
    where = "withdrawn" if mode == "withdrawn" else pupil.place[t]
    options: list[tuple[tuple[int, int, int], int, bool]] = []
    for a in plan.candidates[t] if only is None else [a for a in only if a in plan.candidates[t]]:
        if state.contact[a, p] + minutes > plan.max_share_minutes:
            continue
        if not state.run_ok(a, p, t, plan.max_consecutive):
            continue
        current = state.place.get((a, t))
        if current is None:
            if state.can_take(a, t):
                spare = prob.adults[a].cap_minutes - state.contract[a]
                medic = mode == "in_class" and state.medic(a, where, t)
                options.append(((1 - int(medic), state.contact[a, p], -spare), a, True))
        elif current.kind == mode and current.target == where and plan.group_max > 1:
            members = current.pupils
            cap = min([plan.group_max, *(prob.pupils[q].ehcp.group_max for q in members)])  # type: ignore[union-attr]
            if len(members) < cap:
                options.append(((0, state.contact[a, p], 0), a, False))
    options.sort()
    room = None if plan.max_staff is None else plan.max_staff - len(state.givers[p])
    chosen: list[tuple[int, bool]] = []
    for _, a, opens in options:
        if len(chosen) == plan.adults:
            break
        if a not in state.givers[p]:
            if room is not None and room <= 0:
                continue  # max_staff: no new adult for this pupil
            room = None if room is None else room - 1
        chosen.append((a, opens))
    return chosen if len(chosen) == plan.adults else None


def _undo_support(state: State, p: int, added: list[tuple[int, int, str, bool]]) -> None:
    """Take back the support given to the pupil (min_staff could not be met)."""
    prob = state.prob
    for a, t, mode, _ in added:
        place = state.place[a, t]
        place.pupils.remove(p)
        if not place.pupils:
            state.release(a, t)
        state.rota.ehcp.discard((a, p, t, mode))
        state.contact[a, p] -= prob.slots[t].minutes
        if state.contact[a, p] <= 0:
            state.givers[p].discard(a)
        state.together[a, p].discard(t)
    for _, t, mode, _ in added:
        if t in state.pupil_busy[p]:
            state.pupil_busy[p].discard(t)
            state.delivered[p] -= prob.slots[t].minutes
            if mode == "withdrawn" and t in prob.pupils[p].place:
                state.withdrawn[p] -= prob.slots[t].minutes
                state.withdrawals[p, prob.withdrawal_key(p, t)] -= 1
