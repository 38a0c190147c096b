"""A constructive first rota, handed to CP-SAT as a hint.

CP-SAT alone needs many seconds to find its first rota on a secondary-sized week
(see shared/guides/cpsat-notes.md). This greedy builds one in well under a second
that already keeps every hard rule, demand by demand in format.md's order:
pins, EHC hours (scarcest pupils first), duties, interventions, class support.
CP-SAT then improves on it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tasched.problem.compile import Problem, PupilInfo
from tasched.problem.people import people_of

Key = tuple  # a decision key of RotaModel: (a, k, t), (a, p, t, mode), ...


@dataclass
class _Place:
    """What an adult does in one slot."""

    kind: str  # class | in_class | withdrawn | intervention | duty | free
    target: object = None  # support row, class id, intervention, duty
    pupils: list[int] = field(default_factory=list)


@dataclass
class TaskChoice:
    """A rota as the decision keys chosen (the greedy's, or read from a CP-SAT solution)."""

    class_support: set[tuple[int, int, int]] = field(default_factory=set)
    ehcp: set[tuple[int, int, int, str]] = field(default_factory=set)
    deliver: set[tuple[int, int, int]] = field(default_factory=set)
    duty: set[tuple[int, int, int]] = field(default_factory=set)
    medical_cover: set[tuple[int, str, int]] = field(default_factory=set)
    liaison: set[tuple[int, int, int]] = field(default_factory=set)  # (adult, teacher, slot)
    cover: set[tuple[int, str, int]] = field(default_factory=set)  # (adult, class, slot): lesson cover


class _State:
    def __init__(self, prob: Problem) -> None:
        self.prob = prob
        self.rota = TaskChoice()
        # Adults who fill several rows (`people`): row-slots that clash, and each row's person.
        self.clash: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        self.person_of: dict[int, tuple[list[int], int | None]] = {}
        for person in people_of(prob):
            for a, t, b, u in person.clashes:
                self.clash[a, t].append((b, u))
                self.clash[b, u].append((a, t))
            for a in person.rows:
                self.person_of[a] = (person.rows, person.cap_minutes)
        self.place: dict[tuple[int, int], _Place] = {}  # (adult, slot)
        self.contract: dict[int, int] = defaultdict(int)  # adult -> minutes
        self.duties: dict[int, int] = defaultdict(int)
        self.pupil_busy: dict[int, set[int]] = defaultdict(set)
        self.withdrawn: dict[int, int] = defaultdict(int)  # pupil -> minutes out of class
        self.withdrawals: dict[tuple[int, str], int] = defaultdict(int)  # (pupil, subject or slot) -> count
        self.delivered: dict[int, int] = defaultdict(int)  # pupil -> EHC minutes
        self.contact: dict[tuple[int, int], int] = defaultdict(int)  # (adult, pupil) -> minutes
        self.together: dict[tuple[int, int], set[int]] = defaultdict(set)  # (adult, pupil) -> slots
        self.givers: dict[int, set[int]] = defaultdict(set)  # pupil -> adults giving EHC contact
        self.class_team: dict[str, set[int]] = defaultdict(set)  # class -> adults giving class support
        self.rooms: dict[tuple[str, int], int] = defaultdict(int)
        self.lengths = [s.minutes for s in prob.data.calendar.slots]
        self.kept_support: dict[int, list[tuple[int, int, str, bool]]] = defaultdict(list)
        # Medical needs in lessons: (class, slot) -> [(pupil, skills)] not yet covered.
        self.medical: dict[tuple[str, int], list[tuple[int, frozenset[str]]]] = defaultdict(list)
        for pupil in prob.pupils:
            if pupil.medical is not None:
                for t in pupil.medical.slots:
                    if t in pupil.place:
                        self.medical[pupil.place[t], t].append((pupil.index, pupil.medical.skills))

    def medic(self, a: int, class_id: str, t: int) -> bool:
        """Adult a would cover a medical need still open in this class at t."""
        skills = self.prob.adults[a].skills
        return any(need <= skills for _, need in self.medical.get((class_id, t), ()))

    def in_class(self, a: int, class_id: str, t: int) -> None:
        """Adult a is now in the class at t: medical needs they can meet are covered."""
        skills = self.prob.adults[a].skills
        needs = self.medical.get((class_id, t))
        if needs:
            self.medical[class_id, t] = [(p, need) for p, need in needs if not need <= skills]

    # --- checks shared by every demand -------------------------------------------
    def free(self, a: int, t: int) -> bool:
        if t not in self.prob.adults[a].works or (a, t) in self.place:
            return False
        return not any(other in self.place for other in self.clash.get((a, t), ()))

    def contract_ok(self, a: int, t: int) -> bool:
        minutes = self.prob.slots[t].minutes
        if self.contract[a] + minutes > self.prob.adults[a].cap_minutes:
            return False
        rows, cap = self.person_of.get(a, ([], None))
        return cap is None or sum(self.contract[b] for b in rows) + minutes <= cap

    def break_ok(self, a: int, t: int) -> bool:
        """Adding slot t keeps the adult's day within the break rule."""
        prob = self.prob
        rules = prob.data.rules
        day = prob.slots[t].day
        order = prob.day_order[day]
        busy = [s for s, u in enumerate(order) if u is not None and ((a, u) in self.place or u == t)]
        first, last = busy[0], busy[-1]
        span = prob.slots[order[last]].end - prob.slots[order[first]].start  # type: ignore[index]
        if span <= rules.break_after_minutes:
            return True
        return any(
            self.lengths[s] >= rules.break_minutes
            and (order[s] is None or ((a, order[s]) not in self.place and order[s] != t))
            for s in range(first + 1, last)
        )

    def can_take(self, a: int, t: int, contract: bool = True) -> bool:
        return self.free(a, t) and (not contract or self.contract_ok(a, t)) and self.break_ok(a, t)

    def occupy(self, a: int, t: int, place: _Place, contract: bool = True) -> None:
        self.place[a, t] = place
        if contract:
            self.contract[a] += self.prob.slots[t].minutes

    def release(self, a: int, t: int, contract: bool = True) -> None:
        del self.place[a, t]
        if contract:
            self.contract[a] -= self.prob.slots[t].minutes

    def team_ok(self, a: int, p: int) -> bool:
        """Adult a may give pupil p EHC contact within `max_staff`."""
        most = self.prob.pupils[p].ehcp.max_staff  # type: ignore[union-attr]
        return most is None or a in self.givers[p] or len(self.givers[p]) < most

    def class_team_ok(self, a: int, class_id: str) -> bool:
        """Adult a may support the class within `max_adults`."""
        most = self.prob.class_max_adults.get(class_id)
        return most is None or a in self.class_team[class_id] or len(self.class_team[class_id]) < most

    def give(self, a: int, p: int, minutes: int) -> None:
        self.contact[a, p] += minutes
        self.givers[p].add(a)

    def run_ok(self, a: int, p: int, t: int, most: int) -> bool:
        """The same adult and pupil stay within `most` adjacent slots of a day."""
        order = self.prob.day_order[self.prob.slots[t].day]
        s = order.index(t)
        with_them = self.together[a, p]
        run = 1
        i = s - 1
        while i >= 0 and order[i] is not None and order[i] in with_them:
            run, i = run + 1, i - 1
        i = s + 1
        while i < len(order) and order[i] is not None and order[i] in with_them:
            run, i = run + 1, i + 1
        return run <= most


def warm_start(prob: Problem, keep: list[dict[str, Any]] | None = None) -> TaskChoice:
    """A rota that keeps every hard rule, built greedily demand by demand.

    With `keep` (last week's rows, for a re-solve) every row that is still legal is
    placed first, and the greedy only fills what the changes left open.
    """
    state = _State(prob)
    _pins(state)
    if keep:
        _keep_previous(state, keep)
    pupils = [p for p in prob.pupils if p.ehcp is not None and p.ehcp.required_minutes > 0]
    # Scarcest first: pupils with the fewest adult-slots per minute needed.
    pupils.sort(key=_scarcity)
    for pupil in pupils:
        _support_pupil(state, pupil.index)
    _duties(state)
    _medical_covers(state)
    _lesson_cover(state)  # after duties: measured on St Paul's, the cover tier then still meets as much
    for iv in sorted(prob.interventions, key=lambda i: i.priority != "high"):
        _intervention(state, iv.index)
    for row in sorted(prob.supports, key=lambda r: ["high", "normal", "low"].index(r.priority)):
        _class_support(state, row.index)
    _liaison(state)
    return state.rota


def _scarcity(pupil: PupilInfo) -> float:
    """Adult-slots able to support the pupil per minute the plan needs: lower is scarcer."""
    plan = pupil.ehcp
    assert plan is not None
    return sum(len(c) for c in plan.candidates.values()) / plan.required_minutes


def _pins(state: _State) -> None:
    # Pinned slots are reserved; the CP-SAT model enforces the pins themselves.
    for pin in state.prob.pins:
        if (pin.adult, pin.slot) not in state.place:
            state.occupy(pin.adult, pin.slot, _Place("free"), contract=False)


def _spread(slots: list[int], prob: Problem) -> list[int]:
    """Slots reordered round-robin over the days, so support spreads across the week."""
    by_day: dict[int, list[int]] = defaultdict(list)
    for t in slots:
        by_day[prob.slots[t].day].append(t)
    days = sorted(by_day)
    out: list[int] = []
    i = 0
    while len(out) < len(slots):
        for d in days:
            if i < len(by_day[d]):
                out.append(by_day[d][i])
        i += 1
    return out


def _support_pupil(state: _State, p: int) -> None:
    prob = state.prob
    pupil = prob.pupils[p]
    plan = pupil.ehcp
    assert plan is not None
    added = state.kept_support.pop(p, [])  # (adult, slot, mode, opened a place)
    for t in _spread(plan.slots, prob):
        if state.delivered[p] >= plan.required_minutes:
            break
        minutes = prob.slots[t].minutes
        if t in state.pupil_busy[p] or state.delivered[p] + minutes > plan.over_support_cap:
            continue
        for mode in _modes(state, p, t):
            chosen = _choose_supporters(state, p, t, mode)
            if chosen is not None:
                added += _place_support(state, p, t, mode, chosen)
                break
    givers = {a for a, _, _, _ in added}
    if givers and len(givers) < plan.min_staff:
        _undo_support(state, p, added)


def _keep_previous(state: _State, rows: list[dict[str, Any]]) -> None:
    """Place last week's rows that are still legal, demand by demand."""
    prob = state.prob
    adults = prob.adult_index
    slot_of = prob.slot_index
    pupils = prob.pupil_index
    ivs = {iv.id: iv.index for iv in prob.interventions}
    duties = {d.id: d.index for d in prob.duties}
    support: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    other: list[tuple[str, int, int, int]] = []
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
    for (p, t, mode), givers in sorted(support.items()):
        plan = prob.pupils[p].ehcp
        if plan is None or t not in plan.slots or t in state.pupil_busy[p] or mode not in _modes(state, p, t):
            continue
        if state.delivered[p] + prob.slots[t].minutes > plan.over_support_cap:
            continue
        chosen = _choose_supporters(state, p, t, mode, only=givers)
        if chosen is not None and len(chosen) == len(givers):
            state.kept_support[p] += _place_support(state, p, t, mode, chosen)
    for kind, j, t, a in sorted(other):
        if kind == "duty":
            duty = prob.duties[j]
            cap = prob.adults[a].max_duties
            if (
                t in duty.slots
                and a in duty.candidates[t]
                and state.can_take(a, t, not duty.paid_extra)
                and (cap is None or state.duties[a] < cap)
            ):
                state.occupy(a, t, _Place("duty", j), not duty.paid_extra)
                state.duties[a] += 1
                state.rota.duty.add((a, j, t))
        elif kind == "intervention":
            iv = prob.interventions[j]
            held = [(u, b) for (b, i, u) in state.rota.deliver if i == j]
            if (
                t in iv.slots
                and a in iv.candidates[t]
                and state.can_take(a, t)
                and len(held) < iv.sessions
                and not (iv.same_staff and any(b != a for _, b in held))
                and not (iv.one_per_day and any(prob.slots[u].day == prob.slots[t].day for u, _ in held))
                and (iv.room_kind is None or state.rooms[iv.room_kind, t] < prob.room_capacity.get(iv.room_kind, 0))
                and all(_pupil_can_attend(state, p, j, t, 0) for p in iv.pupils)
                and _contact_ok(state, a, j, t)
            ):
                _place_session(state, j, t, a)
        elif kind == "class":
            wanted = prob.supports[j]
            there = sum(1 for (_, k, u) in state.rota.class_support if k == j and u == t)
            if (
                a in wanted.candidates[t]
                and state.can_take(a, t)
                and there < wanted.staff
                and state.class_team_ok(a, wanted.class_id)
            ):
                state.occupy(a, t, _Place("class", j))
                state.rota.class_support.add((a, j, t))
                state.class_team[wanted.class_id].add(a)


def _place_support(
    state: _State, p: int, t: int, mode: str, chosen: list[tuple[int, bool]]
) -> list[tuple[int, int, str, bool]]:
    prob = state.prob
    pupil = prob.pupils[p]
    minutes = prob.slots[t].minutes
    added = []
    for a, opens in chosen:
        key = "withdrawn" if mode == "withdrawn" else pupil.place[t]
        if opens:
            state.occupy(a, t, _Place(mode, key, [p]))
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


def _may_withdraw(state: _State, p: int, t: int, more: int = 1) -> bool:
    """rotate_withdrawals: room for `more` withdrawals from t's subject (or slot) this week."""
    left = state.prob.withdrawals_left(p, t)
    return left is None or state.withdrawals[p, state.prob.withdrawal_key(p, t)] + more <= left


def _modes(state: _State, p: int, t: int) -> list[str]:
    pupil = state.prob.pupils[p]
    plan = pupil.ehcp
    assert plan is not None
    modes = []
    if "in_class" in plan.modes and t in pupil.place:
        modes.append("in_class")
    if "withdrawn" in plan.modes:
        out_of_class = state.prob.slots[t].minutes if t in pupil.place else 0
        if state.withdrawn[p] + out_of_class <= pupil.max_withdrawal_minutes and _may_withdraw(state, p, t):
            modes.append("withdrawn")
    return modes


def _choose_supporters(
    state: _State, p: int, t: int, mode: str, only: list[int] | None = None
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


def _undo_support(state: _State, p: int, added: list[tuple[int, int, str, bool]]) -> None:
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


def _duties(state: _State) -> None:
    prob = state.prob
    medical_skills: dict[int, list[frozenset[str]]] = defaultdict(list)
    for pupil in prob.pupils:
        if pupil.medical is not None:
            for t in pupil.medical.slots:
                if t not in pupil.place:
                    medical_skills[t].append(pupil.medical.skills)
    for duty in sorted(prob.duties, key=lambda d: ["high", "normal", "low"].index(d.priority)):
        contract = not duty.paid_extra
        for t in duty.slots:
            able = [a for a in duty.candidates[t] if state.can_take(a, t, contract) and _duty_room(state, a)]

            def rank(a: int, t: int = t) -> tuple[int, int]:
                medic = any(prob.adults[a].can(s) for s in medical_skills.get(t, []))
                return (-int(medic), state.duties[a])

            able.sort(key=rank)
            kept = [a for (a, j, u) in state.rota.duty if j == duty.index and u == t]
            able = [a for a in able if a not in kept]
            team: list[int] = list(kept)
            for skill in sorted(duty.any_skills):
                if not any(skill in prob.adults[a].skills for a in team):
                    holder = next((a for a in able if skill in prob.adults[a].skills and a not in team), None)
                    if holder is None:
                        team = []
                        break
                    team.append(holder)
            else:
                team += [a for a in able if a not in team][: duty.staff - len(team)]
                if len(team) > duty.staff:
                    team = []
            if not team:  # any_skills cannot be met: nobody is on the duty then
                for a in kept:
                    state.release(a, t, contract)
                    state.duties[a] -= 1
                    state.rota.duty.discard((a, duty.index, t))
            for a in team:
                if a in kept:
                    continue
                state.occupy(a, t, _Place("duty", duty.index), contract)
                state.duties[a] += 1
                state.rota.duty.add((a, duty.index, t))


def _duty_room(state: _State, a: int) -> bool:
    cap = state.prob.adults[a].max_duties
    return cap is None or state.duties[a] < cap


def _intervention(state: _State, i: int) -> None:
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
        _place_session(state, i, t, a)


def _place_session(state: _State, i: int, t: int, a: int) -> None:
    prob = state.prob
    iv = prob.interventions[i]
    state.occupy(a, t, _Place("intervention", i))
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


def _session_slots(state: _State, i: int, lead: int, only: int | None = None) -> list[tuple[int, int]]:
    """Slots (with their deliverer) where a further session of intervention i can sit now."""
    prob = state.prob
    iv = prob.interventions[i]
    held = [t for (_, j, t) in state.rota.deliver if j == i]
    days: set[int] = {prob.slots[t].day for t in held}
    out: list[tuple[int, int]] = []
    for t in _spread(iv.slots, prob) if only is None else [only]:
        if len(out) + len(held) >= iv.sessions:
            break
        if iv.one_per_day and prob.slots[t].day in days:
            continue
        if iv.room_kind is not None and state.rooms[iv.room_kind, t] >= prob.room_capacity.get(iv.room_kind, 0):
            continue
        if t in held or not all(_pupil_can_attend(state, p, i, t, len(out)) for p in iv.pupils):
            continue
        adults = [lead] if lead >= 0 else iv.candidates[t]
        for a in adults:
            if a in iv.candidates[t] and state.can_take(a, t) and _contact_ok(state, a, i, t):
                out.append((t, a))
                days.add(prob.slots[t].day)
                break
    return out


def _pupil_can_attend(state: _State, p: int, i: int, t: int, planned: int) -> bool:
    """The pupil is free at t and has room for one more session after `planned` ones."""
    prob = state.prob
    pupil = prob.pupils[p]
    iv = prob.interventions[i]
    more = (planned + 1) * iv.minutes  # upper bound: planned sessions may sit outside lessons
    if t in state.pupil_busy[p]:
        return False
    if t in pupil.place and state.withdrawn[p] + more > pupil.max_withdrawal_minutes:
        return False
    if t in pupil.place and not _may_withdraw(state, p, t, planned + 1):
        return False
    plan = pupil.ehcp
    return not (iv.counts_for_ehcp and plan is not None and state.delivered[p] + more > plan.over_support_cap)


def _contact_ok(state: _State, a: int, i: int, t: int) -> bool:
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


def _class_support(state: _State, k: int) -> None:
    prob = state.prob
    row = prob.supports[k]
    regulars: dict[int, int] = defaultdict(int)
    for a, j, _ in state.rota.class_support:
        if j == k:
            regulars[a] += 1
    for t in row.slots:
        there = sum(1 for (_, j, u) in state.rota.class_support if j == k and u == t)
        able = [a for a in row.candidates[t] if state.can_take(a, t)]
        able.sort(key=lambda a: (-state.medic(a, row.class_id, t), -regulars[a], state.contract[a]))
        for a in able:
            if there >= row.staff:
                break
            if not state.class_team_ok(a, row.class_id):
                continue  # max_adults: no new adult for this class
            state.occupy(a, t, _Place("class", k))
            state.rota.class_support.add((a, k, t))
            state.class_team[row.class_id].add(a)
            state.in_class(a, row.class_id, t)
            regulars[a] += 1
            there += 1


def _liaison(state: _State) -> None:
    """Joint liaison in the adults' free slots: meetings with the teachers whose lessons they
    support most in the rota so far, earliest first, until their minutes are met; then any
    meeting the others make unnecessary is dropped (as the model requires)."""
    prob = state.prob
    per_teacher = prob.data.rules.liaison_minutes_per_teacher or 0
    partners: dict[int, list[Any]] = defaultdict(list)
    for partner in prob.liaison_partners:
        partners[partner.adult].append(partner)
    for a, options in partners.items():
        need = prob.adults[a].meet_minutes
        supported: dict[int, int] = defaultdict(int)
        for (b, t), place in state.place.items():
            if b != a or place.kind in ("free", "duty", "intervention", "cover"):
                continue
            classes = [place.target] if place.kind in ("class", "in_class") else []
            if place.kind == "class" and isinstance(place.target, int):
                classes = [prob.supports[place.target].class_id]
            if place.kind == "withdrawn":
                classes = [prob.pupils[p].place[t] for p in place.pupils if t in prob.pupils[p].place]
            for c in classes:
                k = prob.teacher_of.get((str(c), t))
                if k is not None:
                    supported[k] += prob.slots[t].minutes
        held: list[tuple[int, int, int]] = []  # (minutes, teacher, slot)
        met = 0
        for partner in sorted(options, key=lambda p: -supported.get(p.teacher, 0)):
            if met >= need or not supported.get(partner.teacher):
                continue
            for t in partner.slots:
                minutes = prob.slots[t].minutes
                if met >= need:
                    break
                if minutes >= per_teacher and state.can_take(a, t):
                    state.occupy(a, t, _Place("liaison", partner.teacher))
                    held.append((minutes, partner.teacher, t))
                    met += minutes
                    break  # one meeting per teacher, then the next teacher
        for minutes, k, t in sorted(held):
            if met - minutes >= need:
                state.release(a, t)
                met -= minutes
            else:
                state.rota.liaison.add((a, k, t))


def _lesson_cover(state: _State) -> None:
    """Lessons of absent teachers: an adult whose role may cover, within their cover minutes."""
    prob = state.prob
    used: dict[int, int] = defaultdict(int)
    for need in prob.cover_needs:
        t = need.slot
        minutes = prob.slots[t].minutes
        able = [a for a in need.candidates if used[a] + minutes <= prob.adults[a].cover_minutes]
        for a in sorted(able, key=lambda b: (used[b], state.contract[b])):
            if state.can_take(a, t):
                state.occupy(a, t, _Place("cover", need.class_id))
                state.rota.cover.add((a, need.class_id, t))
                used[a] += minutes
                break


def _medical_covers(state: _State) -> None:
    """Where a class wants no support but a pupil's medical need does, place a trained adult."""
    for cover in state.prob.medical_covers:
        t = cover.slot
        if not state.medical.get((cover.class_id, t)):
            continue  # already covered by someone in the class
        for a in sorted(cover.candidates, key=lambda b: state.contract[b]):
            if state.medic(a, cover.class_id, t) and state.can_take(a, t):
                state.in_class(a, cover.class_id, t)
                state.occupy(a, t, _Place("class", cover.class_id))
                state.rota.medical_cover.add((a, cover.class_id, t))
                break
