"""Why a pupil's EHC hours or medical cover fell short."""

from __future__ import annotations

from tasched.problem.predicates import medical_covered, run_through
from tasched.solution.reasons.busy import rows_at, slot_list, what_adults_did
from tasched.solution.rota import Delivery


def ehcp_reason(delivery: Delivery, pupil_id: str) -> str:
    """A pupil's EHC hours: no slot or adult, rotation, or what the adults able to support were doing."""
    prob = delivery.problem
    pupil = next(p for p in prob.pupils if p.id == pupil_id)
    plan = pupil.ehcp
    assert plan is not None
    skills = ", ".join(sorted(plan.skills)) or "no particular skill"
    if not plan.slots:
        return f"no slot where support may be given (ehcp.when, subjects and lessons leave none) for {pupil_id}"
    eligible = {a for t in plan.slots for a in plan.candidates[t]}
    if not eligible:
        return f"no adult with {skills} works in any of {pupil_id}'s support slots"
    if len(eligible) < plan.min_staff or len(eligible) < plan.adults:
        names = ", ".join(prob.adults[a].id for a in sorted(eligible))
        return (
            f"rotation needs {max(plan.min_staff, plan.adults)} different adults with {skills} "
            f"but only {names} can support {pupil_id}"
        )
    most = len(eligible) * plan.max_share_minutes
    if most < plan.required_minutes:
        return (
            f"rotation max_share lets each of the {len(eligible)} adults able to support {pupil_id} "
            f"give at most {plan.max_share_minutes / 60:.1f} h, {most / 60:.1f} h in all"
        )
    busy = delivery.ehc_slots.get(pupil_id, set())
    in_session = {t for i in pupil.interventions for t in delivery.sessions.get(prob.interventions[i].id, [])}
    open_slots = [t for t in plan.slots if t not in busy and t not in in_session]
    if not open_slots:
        return f"every slot where {pupil_id} may be supported is taken by support or an intervention session"
    together = {
        (prob.adult_index[r["staff"]], t)
        for t in busy
        for r in rows_at(delivery, t)
        if r["task"] == f"pupil:{pupil_id}"
    }

    def rule(a: int, t: int) -> str | None:
        adult = prob.adults[a]
        if delivery.contact.get((adult.id, pupil_id), 0) + prob.slots[t].minutes > plan.max_share_minutes:
            return f"rotation.max_share: their {plan.max_share_minutes / 60:g} h with {pupil_id} already given"
        if run_through(prob, t, {u for b, u in together if b == a}) > plan.max_consecutive:
            return f"rotation.max_consecutive {plan.max_consecutive}: already with {pupil_id} the slots around"
        if plan.modes == ("withdrawn",) and t in pupil.place:
            return f"max_withdrawal: {pupil_id}'s time out of class is used up"
        return None

    doing = what_adults_did(delivery, eligible, open_slots, rule)
    return (
        f"in {len(open_slots)} possible slots the {len(eligible)} adults able to support {pupil_id} "
        f"({skills}) were busy: {doing}"
    )


def medical_reason(delivery: Delivery, pupil_id: str) -> str:
    """A pupil's medical cover: nobody trained, nobody near, or what the trained adults were doing."""
    prob = delivery.problem
    pupil = next(p for p in prob.pupils if p.id == pupil_id)
    need = pupil.medical
    assert need is not None
    missed = [t for t in need.slots if not _medical_covered(delivery, pupil.index, t)]
    skilled = {a.index for a in prob.adults if a.can(need.skills)}
    skills = ", ".join(sorted(need.skills))
    labels = slot_list(prob, missed)
    if not skilled:
        return f"no adult has {skills}"
    no_duty = [t for t in missed if t not in pupil.place and not any(t in d.slots for d in prob.duties)]
    if no_duty:
        return f"{pupil_id} has no lesson and there is no duty at {slot_list(prob, no_duty)}, so no adult is near"
    working = {a for a in skilled if any(t in prob.adults[a].works for t in missed)}
    if not working:
        return f"no adult with {skills} works at {labels}"
    return f"uncovered at {labels}; adults with {skills} were: {what_adults_did(delivery, working, missed)}"


def _medical_covered(delivery: Delivery, p: int, t: int) -> bool:
    """The rows at t cover the pupil's medical need (problem.predicates.medical_covered)."""
    prob = delivery.problem
    index = prob.adult_index
    present = [(index[r["staff"]], r["task"], r.get("mode")) for r in rows_at(delivery, t) if r["staff"] in index]
    return medical_covered(prob, p, t, present)
