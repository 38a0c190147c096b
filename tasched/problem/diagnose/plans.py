"""Diagnosis of each pupil's needs: EHC plan hours against the slots and adults able to
give them, and medical needs against the trained adults at work.

Also the counting bound on each pupil's EHC shortfall, which the benchmarks report.
"""

from __future__ import annotations

from tasched.problem.diagnose.finding import (
    Finding,
    eligible_adults,
    hours_text,
    labels,
    skills_text,
    supportable_minutes,
    who,
)
from tasched.problem.model import Problem
from tasched.problem.pupils import EhcPlan, PupilInfo

__all__ = ["ehcp_plans", "medical_needs", "unavoidable_ehc_minutes"]


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
        eligible = eligible_adults(plan)
        if len(eligible) < max(plan.min_staff, plan.adults):
            out[pupil.id] = plan.required_minutes
            continue
        possible = supportable_minutes(prob, plan)
        givers = len(eligible) if plan.max_staff is None else min(len(eligible), plan.max_staff)
        most = min(possible, givers * plan.max_share_minutes)
        out[pupil.id] = max(0, plan.required_minutes - most)
    return out


def ehcp_plans(prob: Problem) -> list[Finding]:
    """Per pupil: plan hours against the slots and the skilled adults able to give them."""
    out = []
    for pupil in prob.pupils:
        plan = pupil.ehcp
        if plan is None or plan.required_minutes == 0:
            continue
        finding = _plan_finding(prob, pupil, plan)
        if finding is not None:
            out.append(finding)
    return out


def _plan_finding(prob: Problem, pupil: PupilInfo, plan: EhcPlan) -> Finding | None:
    """The first thing wrong with a plan: no slot (error), too few adults (error), too little time."""
    task = f"pupil:{pupil.id}"
    if not plan.slots:
        return Finding(
            "error",
            task,
            f"needs {hours_text(plan.required_minutes)} h but there is no slot where support may be "
            "given (check ehcp.when, ehcp.subjects and the pupil's classes)",
        )
    eligible = eligible_adults(plan)
    need = max(plan.min_staff, plan.adults)
    if len(eligible) < need:
        return _too_few_adults(prob, task, plan, eligible, need)
    return _too_little_time(prob, task, plan, eligible)


def _too_few_adults(prob: Problem, task: str, plan: EhcPlan, eligible: set[int], need: int) -> Finding:
    """Fewer eligible adults than the plan's 2:1 support or min_staff needs."""
    skilled = {a.index for a in prob.adults if a.can(plan.skills)}
    what = f"with {skills_text(plan.skills)} " if plan.skills else ""
    rule = "2:1 support (ehcp.adults 2)" if plan.adults > plan.min_staff else (f"rotation.min_staff {plan.min_staff}")
    where = "" if eligible == skilled else " in the slots where support may be given"
    return Finding(
        "error",
        task,
        (
            f"needs support from {need} adults {what}({rule}), but "
            + (f"only {who(prob, eligible)} can{where}" if eligible else f"no adult can{where}")
        ),
    )


def _too_little_time(prob: Problem, task: str, plan: EhcPlan, eligible: set[int]) -> Finding | None:
    """A warning when the slots with an adult at work, max_staff or max_share cap the plan below its hours."""
    hours = hours_text(plan.required_minutes)
    possible = supportable_minutes(prob, plan)
    by_share = len(eligible) * plan.max_share_minutes
    by_team = (plan.max_staff or len(eligible)) * plan.max_share_minutes
    share = hours_text(plan.max_share_minutes)
    if possible < plan.required_minutes:
        return Finding(
            "warning",
            task,
            f"needs {hours} h but only {hours_text(possible)} h of its support slots have an eligible adult at work",
        )
    if plan.max_staff is not None and plan.max_staff < len(eligible) and by_team < plan.required_minutes:
        return Finding(
            "warning",
            task,
            f"needs {hours} h but rotation.max_staff {plan.max_staff} lets at most {plan.max_staff} "
            f"adults support the pupil, each giving at most {share} h "
            f"(rotation.max_share): {hours_text(by_team)} h at most; raise max_staff or max_share",
        )
    if by_share < plan.required_minutes:
        return Finding(
            "warning",
            task,
            f"needs {hours} h but rotation.max_share lets each of the "
            f"{len(eligible)} eligible adults ({who(prob, eligible)}) give "
            f"{share} h: {hours_text(by_share)} h at most",
        )
    return None


def medical_needs(prob: Problem) -> list[Finding]:
    """Per pupil with a medical need: a trained adult at work, and a lesson or duty to be near them in."""
    out = []
    for pupil in prob.pupils:
        need = pupil.medical
        if need is None or not need.slots:
            continue
        skilled = {a.index for a in prob.adults if a.can(need.skills)}
        task = f"medical:{pupil.id}"
        if not skilled:
            out.append(
                Finding("error", task, f"needs an adult with {skills_text(need.skills)} nearby, but no adult has it")
            )
            continue
        uncovered = [t for t in need.slots if not any(t in prob.adults[a].works for a in skilled)]
        no_duty = [t for t in need.slots if t not in pupil.place and not any(t in d.slots for d in prob.duties)]
        if uncovered:
            out.append(
                Finding("warning", task, f"no adult with {skills_text(need.skills)} works at {labels(prob, uncovered)}")
            )
        if no_duty:
            out.append(
                Finding(
                    "warning",
                    task,
                    f"has no lesson and there is no duty at {labels(prob, no_duty)}, "
                    "so nobody can be near then; add a duty or narrow medical.when",
                )
            )
    return out
