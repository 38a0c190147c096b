"""The adults of the compiled week: support staff (when they work, their skills and
contracted minutes) and teachers (when they are in school and what they teach).

Availability (rule 1) is decided here: an adult works at a slot when they are
available, not unavailable and not absent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tasched.input.model import LiaisonMode, SchoolData
from tasched.problem.week import Resolve

__all__ = ["Adult", "LiaisonPartner", "TeacherInfo", "compile_adults", "compile_teachers"]


@dataclass
class Adult:
    index: int
    id: str
    works: set[int]
    skills: frozenset[str]
    subjects: frozenset[str]
    contract_minutes: int  # hours × 60
    cap_minutes: int  # contract − liaison + overtime: most minutes of contract tasks
    liaison_minutes: int
    max_duties: int | None
    hourly_cost: float | None
    prefer: frozenset[str]
    meet_minutes: int = 0  # joint liaison (rules.liaison: joint): minutes of meetings with teachers a week
    cover_minutes: int = 0  # most minutes of lesson cover a week (0: their role may not cover)

    def can(self, skills: frozenset[str] | set[str] | list[str]) -> bool:
        return self.skills.issuperset(skills)


@dataclass
class TeacherInfo:
    """A teacher of `teachers`: when they are in school and which lessons they teach."""

    index: int
    id: str
    works: set[int]  # available minus unavailable minus teacher_absences
    teaching: dict[int, list[str]] = field(default_factory=dict)  # slot -> classes taught then
    away: set[int] = field(default_factory=set)  # teacher_absences: their lessons then need cover

    @property
    def free(self) -> set[int]:
        """In school and teaching no lesson."""
        return self.works - set(self.teaching)


@dataclass
class LiaisonPartner:
    """A teacher an adult may meet (joint liaison): the lessons of theirs the adult could
    support (`lessons`: slot -> classes), and the slots where both are free (`slots`)."""

    adult: int
    teacher: int
    lessons: dict[int, list[str]]
    slots: list[int]


def compile_adults(data: SchoolData, resolve: Resolve) -> list[Adult]:
    """Each staff row as an adult: the slots they work (absences taken out) and their minutes."""
    absent: dict[str, set[int]] = defaultdict(set)
    for absence in data.absences:
        absent[absence.staff] |= resolve(absence.when)
    joint = data.rules.liaison == LiaisonMode.joint
    liaison = 0 if joint else data.rules.liaison_minutes  # joint: meetings are tasks, not idle time
    adults = []
    for i, s in enumerate(data.staff):
        works = resolve(s.available) - resolve(s.unavailable) - absent[s.id]
        contract = round(s.hours * 60)
        adults.append(
            Adult(
                index=i,
                id=s.id,
                works=works,
                skills=frozenset(s.skills),
                subjects=frozenset(s.subjects),
                contract_minutes=contract,
                cap_minutes=max(0, contract - liaison + round(s.overtime_hours * 60)),
                liaison_minutes=liaison,
                max_duties=s.max_duties,
                hourly_cost=s.hourly_cost,
                prefer=frozenset(s.prefer),
                meet_minutes=data.rules.liaison_minutes if joint else 0,
                cover_minutes=data.rules.cover.max_minutes if s.role in data.rules.cover.roles else 0,
            )
        )
    return adults


def compile_teachers(data: SchoolData, meetings: dict[str, set[int]], resolve: Resolve) -> list[TeacherInfo]:
    """Each teacher's week: a lesson's `teacher`, else its class's `teacher` when that names one."""
    out = [TeacherInfo(k, x.id, resolve(x.available) - resolve(x.unavailable)) for k, x in enumerate(data.teachers)]
    index = {t.id: t.index for t in out}
    for away in data.teacher_absences:
        if away.teacher in index:
            out[index[away.teacher]].away |= resolve(away.when)
    for teacher in out:
        teacher.works -= teacher.away
    for (class_id, t), k in sorted(_lesson_teachers(data, meetings, resolve, index).items()):
        out[k].teaching.setdefault(t, []).append(class_id)
    return out


def _lesson_teachers(
    data: SchoolData, meetings: dict[str, set[int]], resolve: Resolve, index: dict[str, int]
) -> dict[tuple[str, int], int]:
    """(class, slot) -> the teacher named for the lesson, the lesson's own teacher before the class's."""
    named: dict[tuple[str, int], int] = {}
    for lesson in data.lessons:
        if lesson.teacher in index:
            for t in resolve(lesson.when) & meetings.get(lesson.class_, set()):
                named[lesson.class_, t] = index[lesson.teacher]
    for group in data.classes:
        if group.teacher in index:
            for t in meetings.get(group.id, set()):
                named.setdefault((group.id, t), index[group.teacher])
    return named
