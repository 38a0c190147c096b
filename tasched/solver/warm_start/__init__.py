"""A constructive first rota, handed to CP-SAT as a hint.

CP-SAT alone needs many seconds to find its first rota on a secondary-sized week
(see shared/guides/cpsat-notes.md). This greedy builds one in well under a second
that already keeps every hard rule, demand by demand in format.md's order:
pins, EHC hours (scarcest pupils first), duties, interventions, class support.
CP-SAT then improves on it.

The package: `state` (the partial rota and the checks every demand shares), `ehcp`,
`sessions` and `tasks` (one greedy per demand) and `keep_previous` (a re-solve's start).
"""

from __future__ import annotations

from typing import Any

from tasched.problem.compile import Problem
from tasched.solver.warm_start.ehcp import scarcity, support_pupil
from tasched.solver.warm_start.keep_previous import keep_previous
from tasched.solver.warm_start.sessions import fill_intervention
from tasched.solver.warm_start.state import State, TaskChoice
from tasched.solver.warm_start.tasks import (
    fill_class_support,
    fill_duties,
    fill_lesson_cover,
    fill_liaison,
    fill_medical_covers,
    place_pins,
)

__all__ = ["TaskChoice", "warm_start"]


def warm_start(prob: Problem, keep: list[dict[str, Any]] | None = None) -> TaskChoice:
    """A rota that keeps every hard rule, built greedily demand by demand.

    With `keep` (last week's rows, for a re-solve) every row that is still legal is
    placed first, and the greedy only fills what the changes left open.
    """
    state = State(prob)
    place_pins(state)
    if keep:
        keep_previous(state, keep)
    pupils = [p for p in prob.pupils if p.ehcp is not None and p.ehcp.required_minutes > 0]
    # Scarcest first: pupils with the fewest adult-slots per minute needed.
    pupils.sort(key=scarcity)
    for pupil in pupils:
        support_pupil(state, pupil.index)
    fill_duties(state)
    fill_medical_covers(state)
    fill_lesson_cover(state)  # after duties: measured on St Paul's, the cover tier then still meets as much
    for iv in sorted(prob.interventions, key=lambda i: i.priority != "high"):
        fill_intervention(state, iv.index)
    for row in sorted(prob.supports, key=lambda r: ["high", "normal", "low"].index(r.priority)):
        fill_class_support(state, row.index)
    fill_liaison(state)
    return state.rota
