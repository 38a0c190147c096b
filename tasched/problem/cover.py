"""Cover derived from the compiled week: medical cover in classes without a support row,
and cover for the lessons of absent teachers.

Both need the pupils, support rows and teachers already compiled, so they are worked
out from the :class:`~tasched.problem.model.Problem` itself.
"""

from __future__ import annotations

from collections import defaultdict

from tasched.problem.model import Problem
from tasched.problem.tasks import CoverNeed, MedicalCover

__all__ = ["cover_needs", "medical_covers"]


def medical_covers(prob: Problem) -> list[MedicalCover]:
    """Class slots where a pupil's medical need falls but no support row applies."""
    supported = {(row.class_id, t) for row in prob.supports for t in row.slots}
    needs: dict[tuple[str, int], list[frozenset[str]]] = defaultdict(list)
    for pupil in prob.pupils:
        if pupil.medical is None:
            continue
        for t in pupil.medical.slots:
            place = pupil.place.get(t)
            if place is not None and (place, t) not in supported:
                needs[place, t].append(pupil.medical.skills)
    return [
        MedicalCover(c, t, [a.index for a in prob.adults if t in a.works and any(a.can(n) for n in skills)])
        for (c, t), skills in sorted(needs.items())
    ]


def cover_needs(prob: Problem) -> list[CoverNeed]:
    """Each lesson of an absent teacher, with the adults whose role may cover it then."""
    out: list[CoverNeed] = []
    for k in prob.teachers:
        for t in sorted(k.away):
            able = [a.index for a in prob.adults if a.cover_minutes >= prob.slots[t].minutes and t in a.works]
            out.extend(CoverNeed(c, t, k.index, list(able)) for c in k.teaching.get(t, []))
    return out
