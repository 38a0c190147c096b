"""Joint liaison (`rules.liaison: joint`): the teachers each adult may meet.

An adult meets the teachers whose lessons they could support (class support, EHC
support of a pupil in the lesson, medical cover), most supportable minutes first, in
the slots where the teacher is free and the adult works.
"""

from __future__ import annotations

from collections import defaultdict

from tasched.problem.adults import LiaisonPartner
from tasched.problem.model import Problem

__all__ = ["LIAISON_PARTNERS", "liaison_partners"]

LIAISON_PARTNERS = 8  # most teachers considered for one adult's meetings (those they could support most)

# (adult, teacher) -> slot -> the teacher's classes the adult could support then
Supportable = dict[tuple[int, int], dict[int, set[str]]]


def liaison_partners(prob: Problem) -> list[LiaisonPartner]:
    """For each adult who meets teachers, their partners, most supportable minutes first."""
    out: list[LiaisonPartner] = []
    if not prob.teachers:
        return out
    by_adult: dict[int, list[tuple[int, int, dict[int, set[str]]]]] = defaultdict(list)
    for (a, k), lessons in _supportable_lessons(prob).items():
        minutes = sum(prob.slots[t].minutes for t in lessons)
        by_adult[a].append((-minutes, k, lessons))
    for a, options in sorted(by_adult.items()):
        works = prob.adults[a].works
        for _, k, lessons in sorted(options)[:LIAISON_PARTNERS]:
            slots = sorted(works & prob.teachers[k].free)
            out.append(LiaisonPartner(a, k, {t: sorted(c) for t, c in sorted(lessons.items())}, slots))
    return out


def _supportable_lessons(prob: Problem) -> Supportable:
    """The lessons of each teacher each meeting adult is a candidate to support in."""
    teacher_of = prob.teacher_of
    could: Supportable = defaultdict(lambda: defaultdict(set))

    def add(a: int, class_id: str, t: int) -> None:
        k = teacher_of.get((class_id, t))
        if k is not None and prob.adults[a].meet_minutes > 0:
            could[a, k][t].add(class_id)

    for row in prob.supports:
        for t, adults in row.candidates.items():
            for a in adults:
                add(a, row.class_id, t)
    for pupil in prob.pupils:
        if pupil.ehcp is not None:
            for t, adults in pupil.ehcp.candidates.items():
                if t in pupil.place:
                    for a in adults:
                        add(a, pupil.place[t], t)
    for cover in prob.medical_covers:
        for a in cover.candidates:
            add(a, cover.class_id, cover.slot)
    return could
