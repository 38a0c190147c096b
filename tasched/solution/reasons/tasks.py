"""Why a duty, an intervention or a class's support fell short."""

from __future__ import annotations

from tasched.input.model import Demand
from tasched.solution.reasons.busy import ranked_below, slot_list, what_adults_did
from tasched.solution.rota import Delivery
from tasched.solution.words import plural


def duty_reason(delivery: Delivery, duty_id: str) -> str:
    """A duty's slots short: nobody able, or what the able adults were doing."""
    prob = delivery.problem
    duty = next(d for d in prob.duties if d.id == duty_id)
    short = [t for t in duty.slots if len(delivery.duty_rows.get((duty_id, t), [])) < duty.staff]
    eligible = {a for t in short for a in duty.candidates[t]}
    skills = ", ".join(sorted(duty.skills)) or "any skills"
    if not eligible:
        return f"no adult with {skills} works at {slot_list(prob, short)}"
    capped = [prob.adults[a].id for a in eligible if prob.adults[a].max_duties is not None]
    doing = what_adults_did(delivery, eligible, short)
    who = (
        "the one adult who could do it was"
        if len(eligible) == 1
        else f"the {len(eligible)} adults who could do it were"
    )
    text = f"short at {slot_list(prob, short)}; {who}: {doing}"
    if capped:
        text += f"; max_duties limits {', '.join(sorted(capped))}"
    return text


def intervention_reason(delivery: Delivery, iv_id: str) -> str:
    """An intervention's sessions short: its slots, one_per_day, rooms, same_staff, or the adults' other tasks."""
    prob = delivery.problem
    iv = next(i for i in prob.interventions if i.id == iv_id)
    skills = ", ".join(sorted(iv.skills)) or "no particular skill"
    if not iv.slots:
        return f"no allowed slot is {iv.minutes} minutes long and free of {iv_id}'s avoided subjects"
    trained = {a for t in iv.slots for a in iv.candidates[t]}
    if not trained:
        return f"no adult with {skills} works in any allowed slot"
    days = {prob.slots[t].day for t in iv.slots}
    if iv.one_per_day and len(days) < iv.sessions:
        return f"one_per_day: allowed slots fall on only {len(days)} days for {iv.sessions} sessions"
    if iv.room_kind is not None and prob.room_capacity.get(iv.room_kind, 0) == 0:
        return f"no room of kind {iv.room_kind}"
    if iv.same_staff:
        held = delivery.sessions.get(iv_id, [])
        lead = {
            r["staff"]
            for rows in delivery.by_adult.values()
            for rs in rows.values()
            for r in rs
            if r["task"] == f"intervention:{iv_id}"
        }
        who = next(iter(lead)) if lead else None
        if who is not None:
            a = prob.adult_index[who]
            free = [t for t in iv.slots if t not in held and t in prob.adults[a].works]
            return (
                f"same_staff: {who} delivers it and was busy in its other allowed slots: "
                f"{what_adults_did(delivery, {a}, free)}"
            )
    unused = [t for t in iv.slots if t not in delivery.sessions.get(iv_id, [])]
    return f"the {len(trained)} adults with {skills} were: {what_adults_did(delivery, trained, unused)}"


def class_reason(delivery: Delivery, class_id: str) -> str:
    """A class's support short: below the other demands, and what the adults who could help were doing."""
    prob = delivery.problem
    rows = [r for r in prob.supports if r.class_id == class_id]
    short = [t for r in rows for t in r.slots if len(delivery.class_rows.get((class_id, t), [])) < r.staff]
    eligible = {a for r in rows for t in r.slots if t in short for a in r.candidates[t]}
    if not eligible:
        return f"no adult with the support's skills works at {slot_list(prob, short)}"
    return (
        f"{ranked_below(prob, Demand.class_support)}in {plural(len(short), 'slot')} the adults who could "
        f"help were: {what_adults_did(delivery, eligible, short)}"
    )
