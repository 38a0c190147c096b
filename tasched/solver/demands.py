"""Demands: met as fully as the hard rules allow; whatever is not met is a shortfall.

One function per demand family. Each registers a named penalty per task (minutes
short × the family's weight), so every shortfall traces back to its source. The
weights rank the families in format.md's order: EHC hours, medical cover, duties,
interventions, class support (docs/rules.md has the table).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from tasched.input.model import Demand, Priority
from tasched.solver.model import IN_CLASS, WITHDRAWN, Literal, RotaModel

# Objective weight per minute short. A demand always outranks every soft goal.
EHC_WEIGHT = 1000
MEDICAL_WEIGHT = 500
DUTY_WEIGHT = {Priority.high: 300, Priority.normal: 200, Priority.low: 150}
INTERVENTION_WEIGHT = {Priority.high: 150, Priority.normal: 100, Priority.low: 75}
CLASS_SUPPORT_WEIGHT = {Priority.high: 40, Priority.normal: 20, Priority.low: 10}


def add_ehcp_hours(rm: RotaModel) -> None:
    """Each pupil's EHC-plan hours are delivered in full where possible.

    Delivered: the minutes of slots in which the pupil is supported (a 2:1 slot
    counts once) plus sessions of interventions that count for EHC. A pupil is
    never given more than the plan's hours plus one slot: over-support breeds
    dependency.
    """
    cp, prob = rm.cp, rm.problem
    for pupil in prob.pupils:
        plan = pupil.ehcp
        if plan is None or plan.required_minutes == 0:
            continue
        terms = [
            prob.slots[t].minutes * rm.supported[pupil.index, t, mode]
            for t in plan.slots
            for mode in (IN_CLASS, WITHDRAWN)
            if (pupil.index, t, mode) in rm.supported
        ]
        for i in pupil.interventions:
            iv = prob.interventions[i]
            if iv.counts_for_ehcp:
                terms.extend(iv.minutes * rm.session[i, t] for t in iv.slots if (i, t) in rm.session)
        delivered = sum(terms)
        rm.ehc_delivered[pupil.index] = (delivered, plan.required_minutes)
        cp.add(delivered <= plan.over_support_cap)
        short = cp.new_int_var(0, plan.required_minutes, f"ehcp_short[{pupil.index}]")
        # Exactly what is short (not merely at least): a tier held at its value must not leave slack
        # that the tiers below could spend.
        cp.add_max_equality(short, [plan.required_minutes - delivered, 0])
        rm.add_penalty(
            "ehcp_hours", f"pupil:{pupil.id}", short, EHC_WEIGHT, Demand.ehcp_hours, most=plan.required_minutes
        )
        # Within the cap, extra support is still velcro: a soft goal keeps it to need.
        extra = cp.new_int_var(0, plan.over_support_cap, f"ehcp_extra[{pupil.index}]")
        cp.add(extra >= delivered - plan.required_minutes)
        rm.add_penalty("over_support", f"pupil:{pupil.id}", extra, prob.data.rules.weights.over_support)


def add_medical_cover(rm: RotaModel) -> None:
    """During a pupil's `medical.when`, an adult with the medical skills is near.

    In a lesson slot: supporting the pupil or the pupil's class (or delivering the
    pupil's intervention session). In any other slot: on a duty then.
    """
    cp, prob = rm.cp, rm.problem
    class_adults: dict[tuple[str, int], list[tuple[int, Literal]]] = defaultdict(list)
    for (a, k, t), var in rm.class_support.items():
        class_adults[prob.supports[k].class_id, t].append((a, var))
    for (a, p, t, mode), var in rm.ehcp.items():
        if mode == IN_CLASS:
            class_adults[prob.pupils[p].place[t], t].append((a, var))
    by_cover: dict[tuple[str, int], list[Literal]] = defaultdict(list)
    for (a, c, t), var in rm.medical_cover.items():
        class_adults[c, t].append((a, var))
        by_cover[c, t].append(var)
    for literals in by_cover.values():
        if len(literals) > 1:
            cp.add(sum(literals) <= 1)  # medical cover is one adult
    pupil_adults: dict[tuple[int, int], list[tuple[int, Literal]]] = defaultdict(list)
    for (a, p, t, _), var in rm.ehcp.items():
        pupil_adults[p, t].append((a, var))
    for (a, i, t), var in rm.deliver.items():
        for p in prob.interventions[i].pupils:
            if t in prob.pupils[p].place:  # outside lessons, only a duty counts as near
                pupil_adults[p, t].append((a, var))
    duty_adults: dict[int, list[tuple[int, Literal]]] = defaultdict(list)
    for (a, _, t), var in rm.duty.items():
        duty_adults[t].append((a, var))

    for pupil in prob.pupils:
        need = pupil.medical
        if need is None or not need.slots:
            continue
        missed: list[cp_model.LinearExprT] = []
        for t in need.slots:
            near = list(pupil_adults.get((pupil.index, t), []))
            if t in pupil.place:
                near += class_adults.get((pupil.place[t], t), [])
            else:
                near += duty_adults.get(t, [])
            skilled = [var for a, var in near if prob.adults[a].can(need.skills)]
            minutes = prob.slots[t].minutes
            if not skilled:
                missed.append(minutes)
                continue
            covered = cp.new_bool_var(f"medical[{pupil.index},{t}]")
            cp.add_max_equality(covered, skilled)  # covered exactly when a skilled adult is near
            missed.append(minutes * (1 - covered))
        most = sum(prob.slots[t].minutes for t in need.slots)
        rm.add_penalty(
            "medical_cover", f"medical:{pupil.id}", sum(missed), MEDICAL_WEIGHT, Demand.medical_cover, most=most
        )


def add_duties(rm: RotaModel) -> None:
    """Each duty slot gets up to `staff` adults, each with the duty's `skills`.

    Whenever anyone is on the duty, at least one adult on it has each of `any_skills`.
    """
    cp, prob = rm.cp, rm.problem
    on_duty: dict[tuple[int, int], list[tuple[int, Literal]]] = defaultdict(list)
    for (a, j, t), var in rm.duty.items():
        on_duty[j, t].append((a, var))
    for duty in prob.duties:
        short = []
        for t in duty.slots:
            adults = on_duty.get((duty.index, t), [])
            everyone = [var for _, var in adults]
            if len(everyone) > duty.staff:
                cp.add(sum(everyone) <= duty.staff)
            for skill in duty.any_skills:
                holders = [var for a, var in adults if skill in prob.adults[a].skills]
                # staff × holders ≥ everyone: someone on duty implies a holder on duty.
                cp.add(duty.staff * sum(holders) >= sum(everyone))
            short.append(prob.slots[t].minutes * (duty.staff - sum(everyone)))
        rm.add_penalty(
            "duty_cover",
            f"duty:{duty.id}",
            sum(short),
            DUTY_WEIGHT[duty.priority],
            Demand.duties,
            duty.priority,
            most=sum(prob.slots[t].minutes * duty.staff for t in duty.slots),
        )


def add_intervention_sessions(rm: RotaModel) -> None:
    """Each intervention gets its `sessions` a week, as designed.

    A session sits in an allowed slot at least `minutes` long, away from
    `avoid_subjects`; one adult with the `skills` delivers it; with `one_per_day`
    at most one a day; with `same_staff` the same adult delivers every session.
    """
    cp, prob = rm.cp, rm.problem
    deliverers: dict[tuple[int, int], list[tuple[int, Literal]]] = defaultdict(list)
    for (a, i, t), var in rm.deliver.items():
        deliverers[i, t].append((a, var))
    for iv in prob.interventions:
        held = [rm.session[iv.index, t] for t in iv.slots if (iv.index, t) in rm.session]
        for t in iv.slots:
            if (iv.index, t) in rm.session:
                cp.add(sum(var for _, var in deliverers[iv.index, t]) == rm.session[iv.index, t])
        if len(held) > iv.sessions:
            cp.add(sum(held) <= iv.sessions)
        if iv.one_per_day:
            by_day: dict[int, list[Literal]] = defaultdict(list)
            for t in iv.slots:
                if (iv.index, t) in rm.session:
                    by_day[prob.slots[t].day].append(rm.session[iv.index, t])
            for literals in by_day.values():
                if len(literals) > 1:
                    cp.add(sum(literals) <= 1)
        adults = sorted({a for (a, i, _) in rm.deliver if i == iv.index})
        for a in adults:
            rm.lead[a, iv.index] = cp.new_bool_var(f"lead[{a},{iv.index}]")
        for (a, i, _), var in rm.deliver.items():
            if i == iv.index:
                cp.add_implication(var, rm.lead[a, i])
        if iv.same_staff and len(adults) > 1:
            cp.add(sum(rm.lead[a, iv.index] for a in adults) <= 1)
        short = iv.sessions - sum(held)
        rm.add_penalty(
            "intervention_sessions",
            f"intervention:{iv.id}",
            iv.minutes * short,
            INTERVENTION_WEIGHT[iv.priority],
            Demand.interventions,
            iv.priority,
            most=iv.minutes * iv.sessions,
        )


def add_class_support(rm: RotaModel) -> None:
    """Classes get the adults their `support` rows want: up to `staff` per slot, by priority."""
    cp, prob = rm.cp, rm.problem
    in_class: dict[tuple[int, int], list[Literal]] = defaultdict(list)
    for (_, k, t), var in rm.class_support.items():
        in_class[k, t].append(var)
    for row in prob.supports:
        short = []
        for t in row.slots:
            adults = in_class.get((row.index, t), [])
            if len(adults) > row.staff:
                cp.add(sum(adults) <= row.staff)
            short.append(prob.slots[t].minutes * (row.staff - sum(adults)))
        rm.add_penalty(
            "class_support",
            f"class:{row.class_id}",
            sum(short),
            CLASS_SUPPORT_WEIGHT[row.priority],
            Demand.class_support,
            row.priority,
            most=sum(prob.slots[t].minutes * row.staff for t in row.slots),
        )
