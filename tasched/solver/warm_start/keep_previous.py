"""A re-solve's greedy start: last week's rows that are still legal are placed first.

Rows are read back into decision keys, then placed demand by demand under the same
checks as the greedy's own placements, so a kept row never breaks a hard rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from tasched.problem.compile import Problem
from tasched.solver.warm_start.ehcp import choose_supporters, modes, place_support
from tasched.solver.warm_start.sessions import place_session, session_legal
from tasched.solver.warm_start.state import Place, State

SupportRows = dict[tuple[int, int, str], list[int]]  # (pupil, slot, mode) -> adults
OtherRows = list[tuple[str, int, int, int]]  # (kind, duty/intervention/support row, slot, adult)


def keep_previous(state: State, rows: list[dict[str, Any]]) -> None:
    """Place last week's rows that are still legal, demand by demand."""
    support, other = _read_rows(state.prob, rows)
    for (p, t, mode), givers in sorted(support.items()):
        _keep_support(state, p, t, mode, givers)
    for kind, j, t, a in sorted(other):
        _KEEP[kind](state, j, t, a)


def _read_rows(prob: Problem, rows: list[dict[str, Any]]) -> tuple[SupportRows, OtherRows]:
    """Last week's rows as decision keys; rows naming what no longer exists are left out."""
    adults = prob.adult_index
    slot_of = prob.slot_index
    pupils = prob.pupil_index
    ivs = {iv.id: iv.index for iv in prob.interventions}
    duties = {d.id: d.index for d in prob.duties}
    support: SupportRows = defaultdict(list)
    other: OtherRows = []
    for row in rows:
        a = adults.get(str(row.get("staff")))
        t = slot_of.get((str(row.get("day")), str(row.get("slot"))))
        kind, _, target = str(row.get("task", "")).partition(":")
        if a is None or t is None:
            continue
        if kind == "pupil" and target in pupils:
            support[pupils[target], t, str(row.get("mode"))].append(a)
        elif kind == "intervention" and target in ivs:
            other.append(("intervention", ivs[target], t, a))
        elif kind == "duty" and target in duties:
            other.append(("duty", duties[target], t, a))
        elif kind == "class":
            k = next((r.index for r in prob.supports if r.class_id == target and t in r.slots), None)
            if k is not None:
                other.append(("class", k, t, a))
    return support, other


def _keep_support(state: State, p: int, t: int, mode: str, givers: list[int]) -> None:
    """A pupil's support at t, kept only with every adult who gave it."""
    prob = state.prob
    plan = prob.pupils[p].ehcp
    if plan is None or t not in plan.slots or t in state.pupil_busy[p] or mode not in modes(state, p, t):
        return
    if state.delivered[p] + prob.slots[t].minutes > plan.over_support_cap:
        return
    chosen = choose_supporters(state, p, t, mode, only=givers)
    if chosen is not None and len(chosen) == len(givers):
        state.kept_support[p] += place_support(state, p, t, mode, chosen)


def _keep_duty(state: State, j: int, t: int, a: int) -> None:
    """Last week's duty slot, if the adult may still take it within max_duties."""
    duty = state.prob.duties[j]
    cap = state.prob.adults[a].max_duties
    if (
        t in duty.slots
        and a in duty.candidates[t]
        and state.can_take(a, t, not duty.paid_extra)
        and (cap is None or state.duties[a] < cap)
    ):
        state.occupy(a, t, Place("duty", j), not duty.paid_extra)
        state.duties[a] += 1
        state.rota.duty.add((a, j, t))


def _keep_session(state: State, j: int, t: int, a: int) -> None:
    """Last week's session, if it still fits the intervention's and its pupils' rules."""
    prob = state.prob
    iv = prob.interventions[j]
    held = [(u, b) for (b, i, u) in state.rota.deliver if i == j]
    if (
        t in iv.slots
        and a in iv.candidates[t]
        and len(held) < iv.sessions
        and not (iv.same_staff and any(b != a for _, b in held))
        and not (iv.one_per_day and any(prob.slots[u].day == prob.slots[t].day for u, _ in held))
        and (iv.room_kind is None or state.rooms[iv.room_kind, t] < prob.room_capacity.get(iv.room_kind, 0))
        and session_legal(state, j, t, a)
    ):
        place_session(state, j, t, a)


def _keep_class(state: State, j: int, t: int, a: int) -> None:
    """Last week's class support, if the row still wants an adult then."""
    wanted = state.prob.supports[j]
    there = sum(1 for (_, k, u) in state.rota.class_support if k == j and u == t)
    if (
        a in wanted.candidates[t]
        and state.can_take(a, t)
        and there < wanted.staff
        and state.class_team_ok(a, wanted.class_id)
    ):
        state.occupy(a, t, Place("class", j))
        state.rota.class_support.add((a, j, t))
        state.class_team[wanted.class_id].add(a)


_KEEP: dict[str, Callable[[State, int, int, int], None]] = {
    "duty": _keep_duty,
    "intervention": _keep_session,
    "class": _keep_class,
}
