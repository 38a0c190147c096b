"""Diagnosis of the tasks: interventions, duties and support rows against the adults
able to staff them, and pins that cannot hold.
"""

from __future__ import annotations

from tasched.problem.diagnose.finding import Finding, labels, nobody_holds, skills_text, unheld
from tasched.problem.model import Problem
from tasched.problem.tasks import InterventionInfo

__all__ = ["duties", "interventions", "pins", "supports"]


def interventions(prob: Problem) -> list[Finding]:
    """Per intervention: sessions against the days with a trained adult and a long-enough slot."""
    out = []
    for iv in prob.interventions:
        finding = _intervention_finding(prob, iv)
        if finding is not None:
            out.append(Finding(finding[0], f"intervention:{iv.id}", finding[1]))
    return out


def _intervention_finding(prob: Problem, iv: InterventionInfo) -> tuple[str, str] | None:
    """(severity, message) of the first reason the intervention cannot run in full."""
    skills = skills_text(iv.skills) or "its skills"
    if not iv.slots:
        return (
            "warning",
            f"no allowed slot is at least {iv.minutes} minutes long outside its avoided subjects: no session can run",
        )
    if iv.room_kind is not None and prob.room_capacity.get(iv.room_kind, 0) == 0:
        return (
            "warning",
            f"needs a room of kind '{iv.room_kind}', but no room has that kind: no session can run; "
            f"add a room with `kind: {iv.room_kind}` under `rooms:`, or drop `room_kind`",
        )
    trained = {a for t in iv.slots for a in iv.candidates[t]}
    missing = unheld(prob, iv.skills)
    if missing:
        return "warning", f"no adult holds {' or '.join(missing)}: no session can run"
    if not trained:
        return "warning", f"no adult with {skills} works in its allowed slots: no session can run"
    if iv.same_staff:
        best = max(len({prob.slots[t].day for t in iv.slots if a in iv.candidates[t]}) for a in trained)
        days_text = "days on which one trained adult can deliver every session"
    else:
        best = len({prob.slots[t].day for t in iv.slots if iv.candidates[t]})
        days_text = "days with a trained adult and an allowed slot"
    if iv.one_per_day and best < iv.sessions:
        return (
            "warning",
            f"needs {iv.sessions} sessions a week, one a day, but there are only {best} {days_text} ({skills})",
        )
    return None


def duties(prob: Problem) -> list[Finding]:
    """Per duty and slot: adults required against adults available with the skills."""
    out = []
    for duty in prob.duties:
        task = f"duty:{duty.id}"
        thin = [t for t in duty.slots if len(duty.candidates[t]) < duty.staff]
        missing = unheld(prob, duty.skills | duty.any_skills)
        if missing:
            out.append(Finding("warning", task, f"needs {nobody_holds(missing)}, so it cannot be staffed"))
            continue
        if thin:
            t = thin[0]
            skills = f" with {skills_text(duty.skills)}" if duty.skills else ""
            out.append(
                Finding(
                    "warning",
                    task,
                    f"needs {duty.staff} adults{skills} at {labels(prob, thin)}, but "
                    f"at {prob.slots[t].label} only {len(duty.candidates[t])} work then",
                )
            )
        for skill in sorted(duty.any_skills):
            gaps = [t for t in duty.slots if not any(skill in prob.adults[a].skills for a in duty.candidates[t])]
            if gaps:
                out.append(
                    Finding(
                        "warning",
                        task,
                        f"needs someone with {skill} on it, but nobody with {skill} "
                        f"works at {labels(prob, gaps)}, so it cannot be staffed then",
                    )
                )
    return out


def supports(prob: Problem) -> list[Finding]:
    """Per support row: skills no adult holds leave it unstaffed."""
    out = []
    for row in prob.supports:
        missing = unheld(prob, row.skills)
        if missing and row.slots:
            out.append(
                Finding(
                    "warning",
                    f"class:{row.class_id}",
                    f"support needs {nobody_holds(missing)}, so it cannot be given",
                )
            )
    return out


def pins(prob: Problem) -> list[Finding]:
    """Each pin must be possible: the adult works then, has the skills, and the task happens then."""
    out = []
    seen: dict[tuple[int, int], str] = {}
    for pin in prob.pins:
        adult = prob.adults[pin.adult]
        slot = prob.slots[pin.slot]
        ref = "free" if pin.kind == "free" else f"{pin.kind}:{pin.target}"
        label = f"pin:{adult.id}"
        if (pin.adult, pin.slot) in seen and seen[pin.adult, pin.slot] != ref:
            out.append(Finding("error", label, f"pinned to both {seen[pin.adult, pin.slot]} and {ref} at {slot.label}"))
            continue
        seen[pin.adult, pin.slot] = ref
        if pin.kind == "free":
            continue
        if pin.slot not in adult.works:
            out.append(Finding("error", label, f"pinned to {ref} at {slot.label}, but {adult.id} does not work then"))
            continue
        problem = _pin_problem(prob, pin.adult, pin.slot, pin.kind, pin.target)
        if problem:
            out.append(Finding("error", label, f"pinned to {ref} at {slot.label}, but {problem}"))
    return out


def _pin_problem(prob: Problem, a: int, t: int, kind: str, target: str) -> str | None:
    adult = prob.adults[a]
    if kind == "class":
        rows = [r for r in prob.supports if r.class_id == target and t in r.slots]
        if not rows:
            return f"class {target} wants no support then"
        if not any(a in r.candidates[t] for r in rows):
            return f"{adult.id} lacks the support's skills ({skills_text(rows[0].skills)})"
    elif kind == "pupil":
        pupil = next(p for p in prob.pupils if p.id == target)
        if pupil.ehcp is None or t not in pupil.ehcp.slots:
            return f"{target} has no EHC support possible then"
        if a not in pupil.ehcp.candidates[t]:
            return f"{adult.id} lacks the plan's skills ({skills_text(pupil.ehcp.skills)})"
    elif kind == "intervention":
        iv = next(i for i in prob.interventions if i.id == target)
        if t not in iv.slots:
            return f"{target} cannot have a session then (not allowed, too short, or an avoided subject)"
        if a not in iv.candidates[t]:
            return f"{adult.id} lacks {skills_text(iv.skills)}"
    elif kind == "duty":
        duty = next(d for d in prob.duties if d.id == target)
        if t not in duty.slots:
            return f"duty {target} does not run then"
        if a not in duty.candidates[t]:
            return f"{adult.id} lacks {skills_text(duty.skills)}"
    return None
