"""Before solving: find demands no rota can meet, and say so in the school's words.

Errors are hard rules the input makes impossible (a pupil's plan that no adult
may deliver, a medical need nobody is trained for, a pin that cannot hold): the
solve stops with exit 2. Warnings are demands that can be only partly met: the
solve goes on and the rota lists the shortfall.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tasched.errors import Problem as InputProblem
from tasched.errors import field_path
from tasched.input.model import SchoolData
from tasched.input.validate import misspelt_skills
from tasched.problem.compile import Problem, compile_problem

DocPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" | "warning"
    task: str
    message: str
    where: tuple[str | int, ...] | None = None  # the field it is about, when not the task's own place

    def __str__(self) -> str:
        return f"{self.severity}: {self.task}: {self.message}"


def diagnose(prob: Problem) -> list[Finding]:
    """Every impossibility found by counting, cheapest checks first."""
    findings: list[Finding] = []
    for check in (_ehcp_plans, _medical_needs, _interventions, _duties, _supports, _skills_time, _pins, _teachers):
        findings.extend(check(prob))
    return findings


def finding_path(data: SchoolData, finding: Finding) -> DocPath | None:
    """Where a finding's subject is written in the school: a plan, an intervention, a pin...

    None for a school-wide finding (a skill).
    """
    if finding.where is not None:
        return finding.where
    kind, _, ident = finding.task.partition(":")
    sections = {"intervention": "interventions", "duty": "duties"}
    if kind in ("pupil", "medical"):
        for i, pupil in enumerate(data.pupils):
            if pupil.id == ident:
                return ("pupils", i, "ehcp" if kind == "pupil" else "medical")
    elif kind in sections:
        for i, item in enumerate(getattr(data, sections[kind])):
            if item.id == ident:
                return (sections[kind], i)
    elif kind == "class":
        for i, row in enumerate(data.support):
            if row.class_ == ident:
                return ("support", i)
    elif kind == "pin":
        for i, pin in enumerate(data.pins):
            if pin.staff == ident:
                return ("pins", i)
    return None


def diagnose_refused(
    data: SchoolData, locate: Callable[[DocPath], str], problems: Iterable[InputProblem]
) -> list[InputProblem]:
    """The diagnosis of a school refused for other problems, as more problems to list with them.

    ``problems`` are the cross-field problems found: a finding about an item that
    has one of its own is left out (it may follow from it), and so is a finding
    about a skill reported as misspelt. Nothing is found when the school cannot be
    compiled (a when-expression that names nothing, say). Errors read as `solve`
    reports them, warnings as `validate` does: `FILE:LINE: warning: duty:lunch: ...`.
    """
    problems = list(problems)
    try:
        found = diagnose(compile_problem(data, limit_candidates=False))
    except Exception:  # the other problems make the school uncompilable; they are listed
        return []
    typos = misspelt_skills(data)
    fields = [p.field for p in problems]
    out: list[tuple[int, InputProblem]] = []
    for finding in found:
        path = finding_path(data, finding)
        if path is not None:
            item = field_path(path[:2])
            if any(f == item or f.startswith((f"{item}.", f"{item}[")) for f in fields):
                continue
        if any(f"'{skill}'" in finding.message or skill in finding.task.split(":") for skill in typos):
            continue
        place = locate(path) if path is not None else re.sub(r":\d+$", "", locate(()))
        if finding.severity == "error":
            problem = InputProblem(place, finding.task, finding.message)
        else:
            problem = InputProblem(place, "", f"warning: {finding.task}: {finding.message}")
        line = place.rsplit(":", 1)[-1]
        out.append((int(line) if line.isdigit() and path is not None else 1 << 30, problem))
    return [problem for _, problem in sorted(out, key=lambda pair: pair[0])]


def _unheld(prob: Problem, skills: Iterable[str]) -> list[str]:
    """The skills no adult holds at all."""
    held = {skill for adult in prob.adults for skill in adult.skills}
    return sorted(set(skills) - held)


def _hours(minutes: float) -> str:
    """Minutes as hours for a message: 280 -> '4.67', 240 -> '4'."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def _skills_text(skills: frozenset[str]) -> str:
    return " and ".join(sorted(skills))


def _who(prob: Problem, adults: set[int]) -> str:
    names = [prob.adults[a].id for a in sorted(adults)]
    return ", ".join(names) if names else "nobody"


def unavoidable_ehc_minutes(prob: Problem) -> dict[str, int]:
    """A proven lower bound on each pupil's EHC shortfall, by counting alone.

    No rota can give more than the minutes of the pupil's support slots in which
    enough eligible adults work, nor more than max_share of the plan from each
    eligible adult (nothing at all when fewer adults than min_staff are eligible).
    Interventions counting for EHC are left out, so this holds only for pupils
    without them. Compile without the candidate limit for a true bound.
    """
    out: dict[str, int] = {}
    for pupil in prob.pupils:
        plan = pupil.ehcp
        if plan is None or plan.required_minutes == 0:
            continue
        if any(prob.interventions[i].counts_for_ehcp for i in pupil.interventions):
            out[pupil.id] = 0
            continue
        eligible = {a for t in plan.slots for a in plan.candidates[t]}
        if len(eligible) < max(plan.min_staff, plan.adults):
            out[pupil.id] = plan.required_minutes
            continue
        possible = sum(prob.slots[t].minutes for t in plan.slots if len(plan.candidates[t]) >= plan.adults)
        givers = len(eligible) if plan.max_staff is None else min(len(eligible), plan.max_staff)
        most = min(possible, givers * plan.max_share_minutes)
        out[pupil.id] = max(0, plan.required_minutes - most)
    return out


def _ehcp_plans(prob: Problem) -> list[Finding]:
    """Per pupil: plan hours against the slots and the skilled adults able to give them."""
    out = []
    for pupil in prob.pupils:
        plan = pupil.ehcp
        if plan is None or plan.required_minutes == 0:
            continue
        task = f"pupil:{pupil.id}"
        hours = _hours(plan.required_minutes)
        if not plan.slots:
            out.append(
                Finding(
                    "error",
                    task,
                    f"needs {hours} h but there is no slot where support may be "
                    "given (check ehcp.when, ehcp.subjects and the pupil's classes)",
                )
            )
            continue
        eligible = {a for t in plan.slots for a in plan.candidates[t]}
        skilled = {a.index for a in prob.adults if a.can(plan.skills)}
        need = max(plan.min_staff, plan.adults)
        if len(eligible) < need:
            what = f"with {_skills_text(plan.skills)} " if plan.skills else ""
            rule = (
                "2:1 support (ehcp.adults 2)"
                if plan.adults > plan.min_staff
                else (f"rotation.min_staff {plan.min_staff}")
            )
            where = "" if eligible == skilled else " in the slots where support may be given"
            out.append(
                Finding(
                    "error",
                    task,
                    (
                        f"needs support from {need} adults {what}({rule}), but "
                        + (f"only {_who(prob, eligible)} can{where}" if eligible else f"no adult can{where}")
                    ),
                )
            )
            continue
        # Slots where enough eligible adults work: the most the week can hold.
        possible = sum(prob.slots[t].minutes for t in plan.slots if len(plan.candidates[t]) >= plan.adults)
        by_share = len(eligible) * plan.max_share_minutes
        by_team = (plan.max_staff or len(eligible)) * plan.max_share_minutes
        if possible < plan.required_minutes:
            out.append(
                Finding(
                    "warning",
                    task,
                    f"needs {hours} h but only {_hours(possible)} h of its "
                    "support slots have an eligible adult at work",
                )
            )
        elif plan.max_staff is not None and plan.max_staff < len(eligible) and by_team < plan.required_minutes:
            out.append(
                Finding(
                    "warning",
                    task,
                    f"needs {hours} h but rotation.max_staff {plan.max_staff} lets at most {plan.max_staff} "
                    f"adults support the pupil, each giving at most {_hours(plan.max_share_minutes)} h "
                    f"(rotation.max_share): {_hours(by_team)} h at most; raise max_staff or max_share",
                )
            )
        elif by_share < plan.required_minutes:
            out.append(
                Finding(
                    "warning",
                    task,
                    f"needs {hours} h but rotation.max_share lets each of the "
                    f"{len(eligible)} eligible adults ({_who(prob, eligible)}) give "
                    f"{_hours(plan.max_share_minutes)} h: {_hours(by_share)} h at most",
                )
            )
    return out


def _teachers(prob: Problem) -> list[Finding]:
    """Class teachers written as free text: they keep that meaning; say how to make them teachers."""
    known = prob.teacher_index
    loose = [(i, c) for i, c in enumerate(prob.data.classes) if c.teacher is not None and c.teacher not in known]
    if not loose:
        return []
    i, first = loose[0]
    # Teachers' names are personal data: the warning names classes, never the text written.
    classes = ", ".join(c.id for _, c in loose[:3]) + (f" and {len(loose) - 3} more" if len(loose) > 3 else "")
    count = f"{len(loose)} class{'es' if len(loose) > 1 else ''}"
    return [
        Finding(
            "warning",
            f"class:{first.id}",
            f"{count} ({classes}) name{'s' if len(loose) == 1 else ''} a teacher that is not in `teachers`: "
            "read as free text, not used for liaison or cover; to use them, list each teacher under "
            "`teachers:` with an id (e.g. `- {id: T01, name: ...}`) and write that id in `classes.teacher`",
            ("classes", i, "teacher"),
        )
    ]


def _medical_needs(prob: Problem) -> list[Finding]:
    out = []
    for pupil in prob.pupils:
        need = pupil.medical
        if need is None or not need.slots:
            continue
        skilled = {a.index for a in prob.adults if a.can(need.skills)}
        task = f"medical:{pupil.id}"
        if not skilled:
            out.append(
                Finding("error", task, f"needs an adult with {_skills_text(need.skills)} nearby, but no adult has it")
            )
            continue
        uncovered = [t for t in need.slots if not any(t in prob.adults[a].works for a in skilled)]
        no_duty = [t for t in need.slots if t not in pupil.place and not any(t in d.slots for d in prob.duties)]
        if uncovered:
            out.append(
                Finding(
                    "warning", task, f"no adult with {_skills_text(need.skills)} works at {_labels(prob, uncovered)}"
                )
            )
        if no_duty:
            out.append(
                Finding(
                    "warning",
                    task,
                    f"has no lesson and there is no duty at {_labels(prob, no_duty)}, "
                    "so nobody can be near then; add a duty or narrow medical.when",
                )
            )
    return out


def _interventions(prob: Problem) -> list[Finding]:
    """Per intervention: sessions against the days with a trained adult and a long-enough slot."""
    out = []
    for iv in prob.interventions:
        task = f"intervention:{iv.id}"
        skills = _skills_text(iv.skills) or "its skills"
        if not iv.slots:
            out.append(
                Finding(
                    "warning",
                    task,
                    f"no allowed slot is at least {iv.minutes} minutes long outside "
                    "its avoided subjects: no session can run",
                )
            )
            continue
        if iv.room_kind is not None and prob.room_capacity.get(iv.room_kind, 0) == 0:
            out.append(
                Finding(
                    "warning",
                    task,
                    f"needs a room of kind '{iv.room_kind}', but no room has that kind: no session can run; "
                    f"add a room with `kind: {iv.room_kind}` under `rooms:`, or drop `room_kind`",
                )
            )
            continue
        trained = {a for t in iv.slots for a in iv.candidates[t]}
        unheld = _unheld(prob, iv.skills)
        if unheld:
            out.append(Finding("warning", task, f"no adult holds {' or '.join(unheld)}: no session can run"))
            continue
        if not trained:
            out.append(
                Finding("warning", task, f"no adult with {skills} works in its allowed slots: no session can run")
            )
            continue
        if iv.same_staff:
            best = max(len({prob.slots[t].day for t in iv.slots if a in iv.candidates[t]}) for a in trained)
            days_text = "days on which one trained adult can deliver every session"
        else:
            best = len({prob.slots[t].day for t in iv.slots if iv.candidates[t]})
            days_text = "days with a trained adult and an allowed slot"
        if iv.one_per_day and best < iv.sessions:
            out.append(
                Finding(
                    "warning",
                    task,
                    f"needs {iv.sessions} sessions a week, one a day, but there are only {best} {days_text} ({skills})",
                )
            )
    return out


def _duties(prob: Problem) -> list[Finding]:
    """Per duty and slot: adults required against adults available with the skills."""
    out = []
    for duty in prob.duties:
        task = f"duty:{duty.id}"
        thin = [t for t in duty.slots if len(duty.candidates[t]) < duty.staff]
        unheld = _unheld(prob, duty.skills | duty.any_skills)
        if unheld:
            out.append(
                Finding(
                    "warning",
                    task,
                    f"needs adults with {' and '.join(unheld)}, but no adult holds "
                    f"{'it' if len(unheld) == 1 else 'them'}, so it cannot be staffed",
                )
            )
            continue
        if thin:
            t = thin[0]
            skills = f" with {_skills_text(duty.skills)}" if duty.skills else ""
            out.append(
                Finding(
                    "warning",
                    task,
                    f"needs {duty.staff} adults{skills} at {_labels(prob, thin)}, but "
                    f"at {prob.slots[t].label} only {len(duty.candidates[t])} work then",
                )
            )
        for skill in sorted(duty.any_skills):
            missing = [t for t in duty.slots if not any(skill in prob.adults[a].skills for a in duty.candidates[t])]
            if missing:
                out.append(
                    Finding(
                        "warning",
                        task,
                        f"needs someone with {skill} on it, but nobody with {skill} "
                        f"works at {_labels(prob, missing)}, so it cannot be staffed then",
                    )
                )
    return out


def _supports(prob: Problem) -> list[Finding]:
    """Per support row: skills no adult holds leave it unstaffed."""
    out = []
    for row in prob.supports:
        unheld = _unheld(prob, row.skills)
        if unheld and row.slots:
            out.append(
                Finding(
                    "warning",
                    f"class:{row.class_id}",
                    f"support needs adults with {' and '.join(unheld)}, but no adult holds "
                    f"{'it' if len(unheld) == 1 else 'them'}, so it cannot be given",
                )
            )
    return out


def _skills_time(prob: Problem) -> list[Finding]:
    """Per skill: the time demands needing it against the contracted time of those who have it."""
    demand: dict[str, int] = defaultdict(int)
    for pupil in prob.pupils:
        if pupil.ehcp is not None:
            for skill in pupil.ehcp.skills:
                demand[skill] += pupil.ehcp.required_minutes * pupil.ehcp.adults
    for iv in prob.interventions:
        for skill in iv.skills:
            demand[skill] += iv.sessions * iv.minutes
    out = []
    for skill, minutes in sorted(demand.items()):
        supply = sum(a.cap_minutes for a in prob.adults if skill in a.skills)
        if supply < minutes:
            holders = {a.index for a in prob.adults if skill in a.skills}
            out.append(
                Finding(
                    "warning",
                    f"skill:{skill}",
                    f"plans and interventions need {_hours(minutes)} h of "
                    f"adults with {skill}, but those adults "
                    f"({_who(prob, holders)}) are contracted for "
                    f"{_hours(supply)} h",
                )
            )
    return out


def _pins(prob: Problem) -> list[Finding]:
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
            return f"{adult.id} lacks the support's skills ({_skills_text(rows[0].skills)})"
    elif kind == "pupil":
        pupil = next(p for p in prob.pupils if p.id == target)
        if pupil.ehcp is None or t not in pupil.ehcp.slots:
            return f"{target} has no EHC support possible then"
        if a not in pupil.ehcp.candidates[t]:
            return f"{adult.id} lacks the plan's skills ({_skills_text(pupil.ehcp.skills)})"
    elif kind == "intervention":
        iv = next(i for i in prob.interventions if i.id == target)
        if t not in iv.slots:
            return f"{target} cannot have a session then (not allowed, too short, or an avoided subject)"
        if a not in iv.candidates[t]:
            return f"{adult.id} lacks {_skills_text(iv.skills)}"
    elif kind == "duty":
        duty = next(d for d in prob.duties if d.id == target)
        if t not in duty.slots:
            return f"duty {target} does not run then"
        if a not in duty.candidates[t]:
            return f"{adult.id} lacks {_skills_text(duty.skills)}"
    return None


def _labels(prob: Problem, slots: list[int], most: int = 5) -> str:
    labels = [prob.slots[t].label for t in sorted(slots)]
    if len(labels) > most:
        return ", ".join(labels[:most]) + f" and {len(labels) - most} more"
    return ", ".join(labels)
