"""Hard rules: a rota that breaks any of them is not a rota.

One function per rule of format.md (docs/rules.md numbers them); each docstring
states the rule in plain words. Demands live in demands.py, soft goals in goals.py.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tasched.solver.model import IN_CLASS, WITHDRAWN, Literal, RotaModel


class PinError(ValueError):
    """A pin names an assignment no rota can make (the adult cannot do that task then)."""


def add_one_place_per_slot(rm: RotaModel) -> None:
    """An adult is never in two places in one slot.

    Supporting a pooled group of EHC pupils is one place: pupils in the same class
    (in class), or pupils withdrawn together. Pooling: a group never exceeds the
    smallest `group_max` among its members, and a one-to-one pupil is alone.
    """
    cp, prob = rm.cp, rm.problem
    groups: dict[tuple[int, int, str], list[tuple[int, Literal]]] = defaultdict(list)
    for (a, p, t, mode), var in rm.ehcp.items():
        where = prob.pupils[p].place[t] if mode == IN_CLASS else "withdrawn"
        groups[a, t, where].append((p, var))
    for (a, t, _), members in groups.items():
        if len(members) == 1:
            place = members[0][1]
        else:
            place = cp.new_bool_var(f"group[{a},{t}]")
            _pool(rm, place, [(prob.pupils[p].ehcp.group_max, var) for p, var in members])  # type: ignore[union-attr]
        rm.places[a, t].append(place)
        rm.contract_places[a, t].append(place)
    for (a, _, t), var in rm.class_support.items():
        rm.places[a, t].append(var)
        rm.contract_places[a, t].append(var)
    for (a, _, t), var in rm.deliver.items():
        rm.places[a, t].append(var)
        rm.contract_places[a, t].append(var)
    for (a, _, t), var in rm.medical_cover.items():
        rm.places[a, t].append(var)
        rm.contract_places[a, t].append(var)
    for (a, _, t), var in rm.liaison.items():
        rm.places[a, t].append(var)
        rm.contract_places[a, t].append(var)
    for (a, _, t), var in rm.cover.items():
        rm.places[a, t].append(var)
        rm.contract_places[a, t].append(var)
    for (a, j, t), var in rm.duty.items():
        rm.places[a, t].append(var)
        if not prob.duties[j].paid_extra:
            rm.contract_places[a, t].append(var)
    for (a, t), literals in rm.places.items():
        if len(literals) == 1:
            rm.busy[a, t] = literals[0]
        else:
            busy = cp.new_bool_var(f"busy[{a},{t}]")
            cp.add(sum(literals) == busy)
            rm.busy[a, t] = busy


def _pool(rm: RotaModel, place: Literal, members: list[tuple[int, Literal]]) -> None:
    """One adult's group at one place: `place` is true exactly when someone is in it,
    and the group never exceeds the smallest `group_max` of those in it.

    Aggregated: one row per distinct `group_max` rather than one per member.
    """
    cp = rm.cp
    literals = [var for _, var in members]
    widest = min(max(cap for cap, _ in members), len(members))
    cp.add(sum(literals) <= widest * place)
    cp.add_bool_or(literals).only_enforce_if(place)  # no empty group
    for cap in sorted({cap for cap, _ in members if cap < widest}):
        tight = [var for c, var in members if c <= cap]
        # someone with group_max <= cap is in the group => at most cap in it
        present = cp.new_bool_var("")
        cp.add(sum(tight) <= len(tight) * present)
        cp.add(sum(literals) <= cap + (len(literals) - cap) * (1 - present))


def add_contracted_hours(rm: RotaModel) -> None:
    """Each adult's contract tasks fit in `hours` less `liaison_minutes`, plus `overtime_hours`.

    Duties paid `extra` sit outside contracted hours.
    """
    slots = rm.problem.slots
    per_adult: dict[int, list[tuple[int, Literal]]] = defaultdict(list)
    for (a, t), literals in rm.contract_places.items():
        per_adult[a].extend((slots[t].minutes, lit) for lit in literals)
    for a, terms in per_adult.items():
        cap = rm.problem.adults[a].cap_minutes
        if sum(m for m, _ in terms) > cap:
            rm.cp.add(sum(m * lit for m, lit in terms) <= cap)


def add_max_duties(rm: RotaModel) -> None:
    """An adult takes at most `max_duties` duty slots a week."""
    for a, literals in rm.duties_by_adult().items():
        cap = rm.problem.adults[a].max_duties
        if cap is not None and len(literals) > cap:
            rm.cp.add(sum(literals) <= cap)


def add_pupil_whereabouts(rm: RotaModel) -> None:
    """A pupil is in one place: supported in class, withdrawn, or in one intervention session.

    During a session its pupils are out of class: nobody supports them then, and no
    pupil is in two sessions at once. A 2:1 plan has exactly two adults whenever it
    is supported; otherwise one.
    """
    cp, prob = rm.cp, rm.problem
    by_slot = rm.ehcp_by_pupil_slot()
    sessions = rm.sessions_by_pupil_slot()
    for pupil in prob.pupils:
        plan = pupil.ehcp
        slots = set(plan.slots) if plan else set()
        slots |= {t for (p, t) in sessions if p == pupil.index}
        for t in slots:
            here: list[Literal] = [var for _, var in sessions.get((pupil.index, t), [])]
            for mode in (IN_CLASS, WITHDRAWN):
                adults = by_slot.get((pupil.index, t, mode), [])
                if not adults:
                    continue
                if plan is not None and plan.adults == 2:
                    supported = cp.new_bool_var(f"supported[{pupil.index},{t},{mode}]")
                    cp.add(sum(adults) == 2 * supported)
                    rm.supported[pupil.index, t, mode] = supported
                    here.append(supported)
                else:
                    rm.supported[pupil.index, t, mode] = sum(adults)
                    here.extend(adults)
            if len(here) > 1:
                cp.add(sum(here) <= 1)


def add_rotation_rules(rm: RotaModel) -> None:
    """Helicopter, not velcro: spread each pupil's EHC support across adults.

    - min_staff: whenever a pupil has any EHC contact in the week, it comes from at
      least this many distinct adults;
    - max_share: no adult gives more than this fraction of the required hours;
    - max_consecutive: the same adult and pupil are never together in more than this
      many adjacent slots of a day (calendar order; a slot apart ends the run).
    EHC contact is EHC support plus sessions of interventions that count for EHC.
    """
    cp, prob = rm.cp, rm.problem
    contact = ehc_contact(rm)
    per_pupil: dict[int, list[int]] = defaultdict(list)
    for a, p in contact:
        per_pupil[p].append(a)
    used: dict[tuple[int, int], Literal] = {}
    for (a, p), terms in contact.items():
        plan = prob.pupils[p].ehcp
        assert plan is not None
        if sum(m for _, m, _ in terms) > plan.max_share_minutes:
            cp.add(sum(m * lit for _, m, lit in terms) <= plan.max_share_minutes)
        if plan.min_staff > 1:
            flag = cp.new_bool_var(f"gives[{a},{p}]")
            literals = [lit for _, _, lit in terms]
            # flag is true exactly when the adult gives the pupil any EHC contact
            cp.add(sum(literals) <= len(literals) * flag)
            cp.add_bool_or(literals).only_enforce_if(flag)
            used[a, p] = flag
        _limit_runs(rm, terms, plan.max_consecutive)
    for (_, p), flag in used.items():
        others = [used[b, p] for b in per_pupil[p]]
        min_staff = prob.pupils[p].ehcp.min_staff  # type: ignore[union-attr]
        if len(others) < min_staff:
            cp.add(flag == 0)  # too few adults could ever give it: no support at all
        else:
            cp.add(sum(others) >= min_staff).only_enforce_if(flag)


def add_max_staff(rm: RotaModel) -> None:
    """A small team per pupil: at most `rotation.max_staff` distinct adults give a pupil
    EHC contact (support and sessions that count for EHC) in the week."""
    cp, prob = rm.cp, rm.problem
    per_pupil: dict[int, list[list[Literal]]] = defaultdict(list)
    for (_, p), terms in ehc_contact(rm).items():
        per_pupil[p].append([lit for _, _, lit in terms])
    for p, adults in per_pupil.items():
        most = prob.pupils[p].ehcp.max_staff  # type: ignore[union-attr]
        if most is None or len(adults) <= most:
            continue
        cp.add(sum(_any_of(rm, literals, f"team[{p}]") for literals in adults) <= most)


def add_class_max_adults(rm: RotaModel) -> None:
    """A small team per class: at most `classes.max_adults` distinct adults give a class
    support (rows of its `support`) in the week. Medical cover is not class support."""
    cp, prob = rm.cp, rm.problem
    per_class: dict[str, dict[int, list[Literal]]] = defaultdict(lambda: defaultdict(list))
    for (a, k, _), var in rm.class_support.items():
        class_id = prob.supports[k].class_id
        if class_id in prob.class_max_adults:
            per_class[class_id][a].append(var)
    for class_id, adults in per_class.items():
        most = prob.class_max_adults[class_id]
        if len(adults) > most:
            cp.add(sum(_any_of(rm, literals, f"class_team[{class_id}]") for literals in adults.values()) <= most)


def _any_of(rm: RotaModel, literals: list[Literal], name: str) -> Literal:
    """A literal that is true whenever any of `literals` is (it may be true otherwise too)."""
    if len(literals) == 1:
        return literals[0]
    flag = rm.cp.new_bool_var(name)
    rm.cp.add(sum(literals) <= len(literals) * flag)
    return flag


def ehc_contact(rm: RotaModel) -> dict[tuple[int, int], list[tuple[int, int, Literal]]]:
    """(adult, pupil) -> [(slot, minutes, literal)] of EHC contact."""
    prob = rm.problem
    contact: dict[tuple[int, int], list[tuple[int, int, Literal]]] = defaultdict(list)
    for (a, p, t, _), var in rm.ehcp.items():
        contact[a, p].append((t, prob.slots[t].minutes, var))
    for (a, i, t), var in rm.deliver.items():
        iv = prob.interventions[i]
        if not iv.counts_for_ehcp:
            continue
        for p in iv.pupils:
            if prob.pupils[p].ehcp is not None and prob.pupils[p].ehcp.required_minutes > 0:  # type: ignore[union-attr]
                contact[a, p].append((t, iv.minutes, var))
    return contact


def _limit_runs(rm: RotaModel, terms: list[tuple[int, int, Literal]], most: int) -> None:
    prob = rm.problem
    together: dict[int, list[Literal]] = defaultdict(list)
    for t, _, lit in terms:
        together[t].append(lit)
    days = {prob.slots[t].day for t in together}
    for d in days:
        order = prob.day_order[d]
        column = [together.get(t, []) if t is not None else [] for t in order]
        for start in range(len(column) - most):
            window = column[start : start + most + 1]
            if all(window):
                rm.cp.add(sum(lit for lits in window for lit in lits) <= most)


def add_room_capacity(rm: RotaModel) -> None:
    """Sessions needing a room kind at one slot never exceed the capacity of rooms of that kind."""
    prob = rm.problem
    by_kind_slot: dict[tuple[str, int], list[Literal]] = defaultdict(list)
    for (i, t), var in rm.session.items():
        kind = prob.interventions[i].room_kind
        if kind is not None:
            by_kind_slot[kind, t].append(var)
    for (kind, _), literals in by_kind_slot.items():
        cap = prob.room_capacity.get(kind, 0)
        if len(literals) > cap:
            rm.cp.add(sum(literals) <= cap)


def add_withdrawal_limit(rm: RotaModel) -> None:
    """A pupil spends at most `max_withdrawal` of their lesson time out of class.

    Out of class: intervention sessions and withdrawn EHC support in lesson slots.
    """
    prob = rm.problem
    sessions = rm.sessions_by_pupil_slot()
    for pupil in prob.pupils:
        terms = []
        for t in pupil.place:
            if (pupil.index, t, WITHDRAWN) in rm.supported:
                terms.append(prob.slots[t].minutes * rm.supported[pupil.index, t, WITHDRAWN])
            for i, var in sessions.get((pupil.index, t), []):
                terms.append(prob.interventions[i].minutes * var)
        if terms:
            rm.cp.add(sum(terms) <= pupil.max_withdrawal_minutes)


def add_withdrawal_rotation(rm: RotaModel) -> None:
    """A term plan's rotate_withdrawals: per pupil and subject (or slot, `Mon P2`, without
    subjects), withdrawals this week ≤ the cap for this week less those of earlier weeks.

    A withdrawal is a lesson slot spent in a session or in withdrawn EHC support.
    """
    prob = rm.problem
    if prob.withdrawal_cap is None:
        return
    sessions = rm.sessions_by_pupil_slot()
    for pupil in prob.pupils:
        out: dict[str, list[tuple[int, list[Any]]]] = {}
        for t in pupil.place:
            terms: list[Any] = [var for _, var in sessions.get((pupil.index, t), [])]
            if (pupil.index, t, WITHDRAWN) in rm.supported:
                terms.append(rm.supported[pupil.index, t, WITHDRAWN])
            if terms:
                out.setdefault(prob.withdrawal_key(pupil.index, t), []).append((t, terms))
        for slots in out.values():
            left = prob.withdrawals_left(pupil.index, slots[0][0])
            if left is not None and sum(len(terms) for _, terms in slots) > left:
                rm.cp.add(sum(v for _, terms in slots for v in terms) <= left)


def add_break_rule(rm: RotaModel) -> None:
    """An adult whose day spans more than `break_after_minutes` gets a break.

    The span runs from the start of their first task's slot to the end of their
    last; some slot strictly between, at least `break_minutes` long, has no task.
    For each pair of slots that would be the day's first and last task, with a span
    too long: one of them is free, or a task sits outside them, or a slot between
    them long enough for the break is free.
    """
    prob = rm.problem
    rules = prob.data.rules
    lengths = [spec.minutes for spec in prob.data.calendar.slots]
    for a in range(len(prob.adults)):
        for order in prob.day_order:
            busy = [rm.busy.get((a, t)) if t is not None else None for t in order]
            for i, first in enumerate(busy):
                if first is None:
                    continue
                start = prob.slots[order[i]].start  # type: ignore[index]
                for j in range(i, len(busy)):  # j == i: one slot alone may be longer than the limit
                    last = busy[j]
                    if last is None or prob.slots[order[j]].end - start <= rules.break_after_minutes:  # type: ignore[index]
                        continue
                    between = [k for k in range(i + 1, j) if lengths[k] >= rules.break_minutes]
                    if any(busy[k] is None for k in between):
                        continue  # a slot they can never work is their break
                    outside = [b for k, b in enumerate(busy) if b is not None and (k < i or k > j)]
                    rm.cp.add_bool_or([~first, ~last, *outside, *(~busy[k] for k in between)])  # type: ignore[operator]


def add_pins(rm: RotaModel) -> None:
    """Pinned assignments stay: the adult does the pinned task in each pinned slot.

    Each pin holds under an assumption literal, so when pins cannot all hold
    together CP-SAT can name a small set of them that conflict.
    """
    prob = rm.problem
    for pin in prob.pins:
        a, t = pin.adult, pin.slot
        task = "free" if pin.kind == "free" else f"{pin.kind}:{pin.target}"
        label = f"{prob.adults[a].id} {prob.slots[t].label} = {task}"
        holds = rm.cp.new_bool_var(f"pin[{label}]")
        if pin.kind == "free":
            for lit in rm.places.get((a, t), []):
                rm.cp.add(lit == 0).only_enforce_if(holds)
        else:
            literals = _pin_literals(rm, a, t, pin.kind, pin.target)
            if not literals:
                raise PinError(f"pin {label}: {prob.adults[a].id} cannot do that task then")
            rm.cp.add(sum(literals) == 1).only_enforce_if(holds)
        rm.pin_literals[holds.index] = label
        rm.cp.add_assumption(holds)


def _pin_literals(rm: RotaModel, a: int, t: int, kind: str, target: str) -> list[Literal]:
    prob = rm.problem
    if kind == "class":
        return [
            v for (b, k, s), v in rm.class_support.items() if b == a and s == t and prob.supports[k].class_id == target
        ] + [v for (b, c, s), v in rm.medical_cover.items() if b == a and s == t and c == target]
    if kind == "pupil":
        return [v for (b, p, s, _), v in rm.ehcp.items() if b == a and s == t and prob.pupils[p].id == target]
    if kind == "intervention":
        return [v for (b, i, s), v in rm.deliver.items() if b == a and s == t and prob.interventions[i].id == target]
    if kind == "duty":
        return [v for (b, j, s), v in rm.duty.items() if b == a and s == t and prob.duties[j].id == target]
    if kind == "cover":
        return [v for (b, c, s), v in rm.cover.items() if b == a and s == t and c == target]
    if kind == "liaison":
        k = prob.teacher_index.get(target)
        return [v for (b, j, s), v in rm.liaison.items() if b == a and s == t and j == k]
    return []
