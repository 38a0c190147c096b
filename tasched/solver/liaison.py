"""Joint liaison (`rules.liaison: joint`): each adult's `liaison_minutes` as meetings with teachers.

A meeting is a row `liaison:TEACHER` at a slot where the teacher is in school and teaching
nothing and the adult works with no other task; it counts toward the adult's contracted
time. The adult meets only teachers whose lessons they support that week (class support,
EHC support of a pupil in the lesson, medical cover). The minutes met are a demand
(`Demand.liaison`); two soft goals send the meetings to the teachers the adult supports
most (`liaison_partners`) and before the lessons concerned (`liaison_timing`).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from tasched.input.model import Demand
from tasched.solver.model import Literal, RotaModel

LIAISON_WEIGHT = 50  # the single weighted solve: below interventions, above class support (per minute)


def support_literals(rm: RotaModel) -> dict[tuple[int, int], list[tuple[int, Literal]]]:
    """(adult, teacher) -> [(minutes, literal)] of the adult's support in that teacher's lessons."""
    prob = rm.problem
    teacher_of = prob.teacher_of
    out: dict[tuple[int, int], list[tuple[int, Literal]]] = defaultdict(list)
    if not teacher_of:
        return out
    for (a, k, t), var in rm.class_support.items():
        teacher = teacher_of.get((prob.supports[k].class_id, t))
        if teacher is not None:
            out[a, teacher].append((prob.slots[t].minutes, var))
    for (a, p, t, _), var in rm.ehcp.items():
        place = prob.pupils[p].place.get(t)
        teacher = None if place is None else teacher_of.get((place, t))
        if teacher is not None:  # in class, or withdrawn from that teacher's lesson
            out[a, teacher].append((prob.slots[t].minutes, var))
    for (a, c, t), var in rm.medical_cover.items():
        teacher = teacher_of.get((c, t))
        if teacher is not None:
            out[a, teacher].append((prob.slots[t].minutes, var))
    return out


def add_liaison(rm: RotaModel) -> None:
    """Each adult meets teachers for their `liaison_minutes` (joint liaison), as far as slots allow.

    - a meeting with a teacher needs the adult to support one of that teacher's lessons in
      the week;
    - with `liaison_minutes_per_teacher`, a teacher met gets at least that many minutes;
    - no more meetings than needed: dropping any meeting would leave the adult short of
      `liaison_minutes`.
    """
    prob, cp = rm.problem, rm.cp
    if not rm.liaison:
        return
    per_teacher = prob.data.rules.liaison_minutes_per_teacher
    support = support_literals(rm)
    by_pair: dict[tuple[int, int], list[tuple[int, Literal]]] = defaultdict(list)
    for (a, k, t), var in rm.liaison.items():
        by_pair[a, k].append((prob.slots[t].minutes, var))
    per_adult: dict[int, list[tuple[int, Literal]]] = defaultdict(list)
    for (a, k), meetings in by_pair.items():
        literals = [var for _, var in meetings]
        backing = [var for _, var in support.get((a, k), [])]
        if not backing:
            for var in literals:
                cp.add(var == 0)
            continue
        met = cp.new_bool_var(f"liaison_met[{a},{k}]")
        cp.add(sum(literals) <= len(literals) * met)
        cp.add_bool_or(literals).only_enforce_if(met)
        cp.add_bool_or(backing).only_enforce_if(met)  # they support one of the teacher's lessons
        if per_teacher:
            cp.add(sum(m * var for m, var in meetings) >= per_teacher * met)
        rm.liaison_met[a, k] = met
        per_adult[a].extend(meetings)
    for adult in prob.adults:
        need = adult.meet_minutes
        if need <= 0:
            continue
        meetings = per_adult.get(adult.index, [])
        placed = sum(m * var for m, var in meetings)
        most = sum(m for m, _ in meetings)
        if most >= need:
            for m, var in meetings:  # any meeting held could not go: without it the adult is short
                cp.add(placed <= need + m - 1 + (most - need) * (1 - var))
        short = cp.new_int_var(0, need, f"liaison_short[{adult.index}]")
        cp.add_max_equality(short, [need - placed, 0])  # exactly what is short: no slack for lower tiers
        rm.add_penalty("liaison", f"liaison:{adult.id}", short, LIAISON_WEIGHT, Demand.liaison, most=need)


def add_liaison_goals(rm: RotaModel) -> None:
    """Meetings go to the teachers an adult supports most, and come before the lessons concerned.

    - `liaison_partners`: per minute the adult supports the lessons of a teacher they do not meet;
    - `liaison_timing`: per minute of a meeting, per lesson of that teacher's the adult could
      support earlier in the week.
    """
    prob, cp = rm.problem, rm.cp
    met = rm.liaison_met
    if not met:
        return
    weights = prob.data.rules.weights
    if weights.liaison_partners:
        support = support_literals(rm)
        terms: list[cp_model.LinearExprT] = []
        for (a, k), literals in support.items():
            if prob.adults[a].meet_minutes <= 0:
                continue
            given = sum(m * var for m, var in literals)
            flag = met.get((a, k))
            if flag is None:
                terms.append(given)
                continue
            most = sum(m for m, _ in literals)
            # counted = given when the teacher is met: unmet = given - counted
            counted = cp.new_int_var(0, most, f"liaison_counted[{a},{k}]")
            cp.add(counted <= given)
            cp.add(counted <= most * flag)
            terms.append(given - counted)
        if terms:
            rm.add_penalty("liaison_partners", "", sum(terms), weights.liaison_partners)
    if weights.liaison_timing:
        lessons = {(p.adult, p.teacher): sorted(p.lessons) for p in prob.liaison_partners}
        late = []
        for (a, k, t), var in rm.liaison.items():
            earlier = sum(1 for u in lessons.get((a, k), []) if u < t)
            if earlier:
                late.append(earlier * prob.slots[t].minutes * var)
        if late:
            rm.add_penalty("liaison_timing", "", sum(late), weights.liaison_timing)
