"""Lesson cover (`teacher_absences`): the lessons of an absent teacher, each taken by one adult
whose role may cover (`rules.cover.roles`), within their `rules.cover.max_minutes` a week.

A demand tier (`Demand.cover`, after medical cover by default): EHC hours and medical cover
are met first and held, so cover never buys itself with them. A lesson left uncovered is a
shortfall: it needs supply cover.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from tasched.input.model import Demand
from tasched.solver.model import Literal, RotaModel

COVER_WEIGHT = 400  # the single weighted solve: below medical cover, above duties (per minute)


def add_cover(rm: RotaModel) -> None:
    """Each lesson of an absent teacher gets one adult who may cover; each adult covers at most
    `rules.cover.max_minutes` a week."""
    prob, cp = rm.problem, rm.cp
    if not prob.cover_needs:
        return
    at: dict[tuple[str, int], list[Literal]] = defaultdict(list)
    per_adult: dict[int, list[tuple[int, Literal]]] = defaultdict(list)
    for (a, c, t), var in rm.cover.items():
        at[c, t].append(var)
        per_adult[a].append((prob.slots[t].minutes, var))
    for literals in at.values():
        if len(literals) > 1:
            cp.add(sum(literals) <= 1)
    for a, terms in per_adult.items():
        cap = prob.adults[a].cover_minutes
        if sum(m for m, _ in terms) > cap:
            cp.add(sum(m * var for m, var in terms) <= cap)
    short: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
    most: dict[str, int] = defaultdict(int)
    for need in prob.cover_needs:
        minutes = prob.slots[need.slot].minutes
        short[need.class_id].append(minutes * (1 - sum(at.get((need.class_id, need.slot), []))))
        most[need.class_id] += minutes
    for class_id, missed in short.items():
        rm.add_penalty(
            "cover",
            f"cover:{class_id}",
            sum(missed),
            COVER_WEIGHT,
            Demand.cover,
            most=most[class_id],
        )
