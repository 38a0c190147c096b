"""The greedy's other demands: pins, duties, medical cover, lesson cover, class support, joint liaison."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tasched.solver.warm_start.state import Place, State


def place_pins(state: State) -> None:
    """Pinned slots are reserved; the CP-SAT model enforces the pins themselves."""
    for pin in state.prob.pins:
        if (pin.adult, pin.slot) not in state.place:
            state.occupy(pin.adult, pin.slot, Place("free"), contract=False)


def fill_duties(state: State) -> None:
    """Each duty slot by priority: adults who can meet a medical need then first, the fewest duties next."""
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
                state.occupy(a, t, Place("duty", duty.index), contract)
                state.duties[a] += 1
                state.rota.duty.add((a, duty.index, t))


def _duty_room(state: State, a: int) -> bool:
    cap = state.prob.adults[a].max_duties
    return cap is None or state.duties[a] < cap


def fill_medical_covers(state: State) -> None:
    """Where a class wants no support but a pupil's medical need does, place a trained adult."""
    for cover in state.prob.medical_covers:
        t = cover.slot
        if not state.medical.get((cover.class_id, t)):
            continue  # already covered by someone in the class
        for a in sorted(cover.candidates, key=lambda b: state.contract[b]):
            if state.medic(a, cover.class_id, t) and state.can_take(a, t):
                state.in_class(a, cover.class_id, t)
                state.occupy(a, t, Place("class", cover.class_id))
                state.rota.medical_cover.add((a, cover.class_id, t))
                break


def fill_lesson_cover(state: State) -> None:
    """Lessons of absent teachers: an adult whose role may cover, within their cover minutes."""
    prob = state.prob
    used: dict[int, int] = defaultdict(int)
    for need in prob.cover_needs:
        t = need.slot
        minutes = prob.slots[t].minutes
        able = [a for a in need.candidates if used[a] + minutes <= prob.adults[a].cover_minutes]
        for a in sorted(able, key=lambda b: (used[b], state.contract[b])):
            if state.can_take(a, t):
                state.occupy(a, t, Place("cover", need.class_id))
                state.rota.cover.add((a, need.class_id, t))
                used[a] += minutes
                break


def fill_class_support(state: State, k: int) -> None:
    """Support row k's slots: medics first, then the class's regular adults, then the least used."""
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
            state.occupy(a, t, Place("class", k))
            state.rota.class_support.add((a, k, t))
            state.class_team[row.class_id].add(a)
            state.in_class(a, row.class_id, t)
            regulars[a] += 1
            there += 1


def fill_liaison(state: State) -> None:
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
                    state.occupy(a, t, Place("liaison", partner.teacher))
                    held.append((minutes, partner.teacher, t))
                    met += minutes
                    break  # one meeting per teacher, then the next teacher
        for minutes, k, t in sorted(held):
            if met - minutes >= need:
                state.release(a, t)
                met -= minutes
            else:
                state.rota.liaison.add((a, k, t))
