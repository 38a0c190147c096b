"""School-wide diagnosis: each skill's demand against the contracted time of the adults
who hold it, and class teachers written as free text.
"""

from __future__ import annotations

from collections import defaultdict

from tasched.problem.diagnose.finding import Finding, hours_text, who
from tasched.problem.model import Problem

__all__ = ["skills_time", "teachers"]


def skills_time(prob: Problem) -> list[Finding]:
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
                    f"plans and interventions need {hours_text(minutes)} h of "
                    f"adults with {skill}, but those adults "
                    f"({who(prob, holders)}) are contracted for "
                    f"{hours_text(supply)} h",
                )
            )
    return out


def teachers(prob: Problem) -> list[Finding]:
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
