"""Before solving: find demands no rota can meet, and say so in the school's words.

Errors are hard rules the input makes impossible (a pupil's plan that no adult
may deliver, a medical need nobody is trained for, a pin that cannot hold): the
solve stops with exit 2. Warnings are demands that can be only partly met: the
solve goes on and the rota lists the shortfall.

The checks live by subject: pupils' plans and medical needs (`plans`), tasks and
pins (`tasks`), school-wide skills and teachers (`school`); here they are run in
order, and a finding is placed in the school's file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from tasched.errors import Problem as InputProblem
from tasched.errors import field_path
from tasched.input.model import SchoolData
from tasched.input.validate import misspelt_skills
from tasched.problem.compile import Problem, compile_problem
from tasched.problem.diagnose.finding import Finding
from tasched.problem.diagnose.plans import ehcp_plans, medical_needs, unavoidable_ehc_minutes
from tasched.problem.diagnose.school import skills_time, teachers
from tasched.problem.diagnose.tasks import duties, interventions, pins, supports

__all__ = ["DocPath", "Finding", "diagnose", "diagnose_refused", "finding_path", "unavoidable_ehc_minutes"]

DocPath = tuple[str | int, ...]

# Cheapest checks first.
CHECKS: tuple[Callable[[Problem], list[Finding]], ...] = (
    ehcp_plans,
    medical_needs,
    interventions,
    duties,
    supports,
    skills_time,
    pins,
    teachers,
)


def diagnose(prob: Problem) -> list[Finding]:
    """Every impossibility found by counting, cheapest checks first."""
    findings: list[Finding] = []
    for check in CHECKS:
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
