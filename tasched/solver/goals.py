"""Soft goals: what makes a valid rota a good one, after every demand.

Each weight comes from `rules.weights` (a zero weight switches the goal off).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from tasched.input.model import Phase
from tasched.solver.model import IN_CLASS, Literal, RotaModel


def add_class_continuity(rm: RotaModel) -> None:
    """Primary and special: the same adult with a class across the week.

    Penalise each distinct adult giving a class support.
    """
    prob = rm.problem
    weight = prob.data.rules.weights.class_continuity
    if prob.data.school.phase not in (Phase.primary, Phase.special) or weight == 0:
        return
    per_class: dict[tuple[str, int], list[Literal]] = defaultdict(list)
    for (a, k, _), var in rm.class_support.items():
        per_class[prob.supports[k].class_id, a].append(var)
    adults_of: dict[str, list[Literal]] = defaultdict(list)
    for (class_id, a), literals in per_class.items():
        used = rm.cp.new_bool_var(f"class_adult[{class_id},{a}]")
        for lit in literals:
            rm.cp.add_implication(lit, used)
        adults_of[class_id].append(used)
    for class_id, used_list in adults_of.items():
        rm.add_penalty("class_continuity", f"class:{class_id}", sum(used_list), weight)


def add_intervention_continuity(rm: RotaModel) -> None:
    """Where `same_staff` is false, still favour few deliverers of an intervention."""
    weight = rm.problem.data.rules.weights.intervention_continuity
    for iv in rm.problem.interventions:
        if iv.same_staff:
            continue
        leads = [var for (a, i), var in rm.lead.items() if i == iv.index]
        if leads:
            rm.add_penalty("intervention_continuity", f"intervention:{iv.id}", sum(leads), weight)


def add_duty_fairness(rm: RotaModel) -> None:
    """Share duties fairly: penalise the largest number of duty slots on any one adult.

    With a term's history, duties already done count toward each adult's load.
    """
    weight = rm.problem.data.rules.weights.duty_fairness
    per_adult = rm.duties_by_adult()
    if not per_adult or weight == 0:
        return
    done = {a.index: rm.duty_history.get(a.id, 0) for a in rm.problem.adults}
    most = max(len(v) + done[a] for a, v in per_adult.items())
    heaviest = rm.cp.new_int_var(0, most, "most_duties")
    for a, literals in per_adult.items():
        # Duties already done this term (--history) count, so the same people rest.
        rm.cp.add(heaviest >= done[a] + sum(literals))
    rm.add_penalty("duty_fairness", "", heaviest, weight)


def add_idle_time(rm: RotaModel) -> None:
    """Paid time left idle is waste: penalise contracted minutes (less liaison) without a task."""
    prob, cp = rm.problem, rm.cp
    weight = prob.data.rules.weights.idle
    per_adult: dict[int, list[cp_model.LinearExprT]] = defaultdict(list)
    for (a, t), literals in rm.contract_places.items():
        per_adult[a].extend(prob.slots[t].minutes * lit for lit in literals)
    for adult in prob.adults:
        target = adult.contract_minutes - adult.liaison_minutes
        if target <= 0:
            continue
        idle = cp.new_int_var(0, target, f"idle[{adult.index}]")
        cp.add(idle >= target - sum(per_adult.get(adult.index, [])))
        rm.add_penalty("idle", f"staff:{adult.id}", idle, weight)


def add_overtime(rm: RotaModel) -> None:
    """Overtime is allowed where contracted, but paid: use it only when it buys a demand."""
    prob, cp = rm.problem, rm.cp
    weight = prob.data.rules.weights.overtime
    per_adult: dict[int, list[cp_model.LinearExprT]] = defaultdict(list)
    for (a, t), literals in rm.contract_places.items():
        per_adult[a].extend(prob.slots[t].minutes * lit for lit in literals)
    for adult in prob.adults:
        room = adult.cap_minutes - adult.contract_minutes
        if room <= 0:
            continue
        overtime = cp.new_int_var(0, room, f"overtime[{adult.index}]")
        cp.add(overtime >= sum(per_adult.get(adult.index, [])) - adult.contract_minutes)
        rm.add_penalty("overtime", f"staff:{adult.id}", overtime, weight)


def add_subject_match(rm: RotaModel) -> None:
    """Secondary: prefer adults who know the subject of the lesson they support.

    Wanted subjects: the support row's `subjects`, else the lesson's subject. Only
    adults who list subjects are judged.
    """
    prob = rm.problem
    weight = prob.data.rules.weights.subject_match
    if weight == 0:
        return
    terms = []
    for (a, k, t), var in rm.class_support.items():
        row = prob.supports[k]
        wanted = set(row.subjects) or _lesson_subject(rm, row.class_id, t)
        if _mismatch(rm, a, wanted):
            terms.append(prob.slots[t].minutes * var)
    for (a, p, t, mode), var in rm.ehcp.items():
        if mode == IN_CLASS and _mismatch(rm, a, _lesson_subject(rm, prob.pupils[p].place[t], t)):
            terms.append(prob.slots[t].minutes * var)
    if terms:
        rm.add_penalty("subject_match", "", sum(terms), weight)


def _lesson_subject(rm: RotaModel, class_id: str, t: int) -> set[str]:
    subject = rm.problem.subject_at.get((class_id, t))
    return {subject} if subject else set()


def _mismatch(rm: RotaModel, a: int, wanted: set[str]) -> bool:
    known = rm.problem.adults[a].subjects
    return bool(wanted and known and not (known & wanted))


def add_preferences(rm: RotaModel) -> None:
    """Favour the tasks each adult `prefer`s.

    Penalise, per adult, the preferred minutes they could have had but did not: the
    most they could have (their preferred slots, up to their contracted time) less
    what they got. A penalty rather than a reward keeps the objective and its bound
    non-negative, so the reported gap means something.
    """
    prob = rm.problem
    weight = prob.data.rules.weights.preference
    if weight == 0:
        return
    liked: dict[int, list[tuple[int, Literal]]] = defaultdict(list)  # adult -> [(slot, literal)]
    for (a, k, t), var in rm.class_support.items():
        if f"class:{prob.supports[k].class_id}" in prob.adults[a].prefer:
            liked[a].append((t, var))
    for (a, p, t, _), var in rm.ehcp.items():
        if f"pupil:{prob.pupils[p].id}" in prob.adults[a].prefer:
            liked[a].append((t, var))
    for (a, i, t), var in rm.deliver.items():
        if f"intervention:{prob.interventions[i].id}" in prob.adults[a].prefer:
            liked[a].append((t, var))
    for (a, j, t), var in rm.duty.items():
        if f"duty:{prob.duties[j].id}" in prob.adults[a].prefer:
            liked[a].append((t, var))
    for (a, c, t), var in rm.cover.items():
        if f"cover:{c}" in prob.adults[a].prefer:
            liked[a].append((t, var))
    for (a, k, t), var in rm.liaison.items():
        if f"liaison:{prob.teachers[k].id}" in prob.adults[a].prefer:
            liked[a].append((t, var))
    for a, choices in liked.items():
        adult = prob.adults[a]
        most = min(adult.cap_minutes, sum(prob.slots[t].minutes for t in {t for t, _ in choices}))
        got = sum(prob.slots[t].minutes * var for t, var in choices)
        missed = rm.cp.new_int_var(0, most, f"missed_preference[{a}]")
        rm.cp.add(missed >= most - got)
        rm.add_penalty("preference", f"staff:{adult.id}", missed, weight)


def add_stability(rm: RotaModel) -> None:
    """Re-solving a week: keep as much of the previous rota as the demands allow.

    Each minute that differs from the previous rota (a row dropped or a row added)
    is penalised; it ranks above the other soft goals and below every demand.
    """
    if rm.previous is None:
        return
    weight = rm.problem.data.rules.weights.stability
    kept = {}
    for row in rm.previous:
        var = rm.decision_of(row)
        if var is not None:
            kept[var.index] = var
    slots = rm.problem.slots
    terms = []
    decisions = (
        *((t, v) for (_, _, t), v in rm.class_support.items()),
        *((t, v) for (_, _, t, _), v in rm.ehcp.items()),
        *((t, v) for (_, _, t), v in rm.deliver.items()),
        *((t, v) for (_, _, t), v in rm.duty.items()),
        *((t, v) for (_, _, t), v in rm.medical_cover.items()),
        *((t, v) for (_, _, t), v in rm.liaison.items()),
        *((t, v) for (_, _, t), v in rm.cover.items()),
    )
    for t, var in decisions:
        minutes = slots[t].minutes
        terms.append(minutes * (1 - var) if var.index in kept else minutes * var)
    # Rows of the previous rota that can no longer be made (an absence) are changes too,
    # but unavoidable: they add a constant, so they are left out.
    if terms:
        rm.add_penalty("stability", "", sum(terms), weight)
