"""The public entry: suggest() over a school and its rota, and suggest_file() over their files."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tasched.analysis.suggest.covers import (
    absence_covers,
    lesson_covers,
    parse_absences,
    parse_teacher_absences,
    task_covers,
)
from tasched.analysis.suggest.ranking import absent_at, plan, rank_cover
from tasched.analysis.suggest.results import Cover, Suggestions
from tasched.analysis.suggest.rules import medical_uncovered
from tasched.analysis.suggest.state import WeekState
from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.io.formats import load_school, read_rota
from tasched.problem.compile import Problem as Compiled
from tasched.problem.compile import compile_problem

NOTHING_NAMED = (
    "name an absence (--absent TA05:Tue), a teacher's absence (--teacher-absent JSW:Wed) "
    "or a task (--task pupil:P014 --at 'Tue P3')"
)


def suggest(
    school: SchoolData,
    rota: dict[str, Any],
    *,
    absent: Sequence[str] = (),
    teacher_absent: Sequence[str] = (),
    task: str | None = None,
    at: str | None = None,
    top: int | None = None,
    swaps: bool = True,
    prob: Compiled | None = None,
) -> Suggestions:
    """Ranked cover for each task the absent adults leave, each lesson the absent teachers
    leave (`cover:CLASS`, taken by an adult whose role may cover), or for `task` at the slots `at`.

    With `swaps`, where no adult is free, one busy with a task as important as the
    cover is still a candidate when a free adult can take their task over (one
    step, nothing lost).
    """
    started = time.perf_counter()
    prob = prob or compile_problem(school)
    if not absent and not teacher_absent and task is None:
        raise InputError([Problem("suggest", "", NOTHING_NAMED)])
    away = parse_absences(absent, prob)
    teachers_away = parse_teacher_absences(teacher_absent, prob)
    state = WeekState(prob, rota.get("assignments") or [])
    covers = _covers(state, away, lesson_covers(state, teachers_away), task, at)
    if not covers and (absent or teacher_absent):
        return Suggestions([], [], time.perf_counter() - started)
    for cover in covers:
        rank_cover(state, cover, absent_at(away, cover.slot), swaps=swaps, top=top)
    steps = plan(state, covers, away)
    names = {s.id: s.name for s in school.staff if s.name} | {k.id: k.name for k in school.teachers if k.name}
    return Suggestions(covers, steps, time.perf_counter() - started, names)


def _covers(
    state: WeekState, away: dict[int, set[int]], lessons: list[Cover], task: str | None, at: str | None
) -> list[Cover]:
    """The absences' covers and the lessons', then the task's; the absent adults' rows leave the
    week in between (a lesson an absent adult covered is among the absence's covers)."""
    covers = absence_covers(state, away) + lessons
    # Medical cover missing before is judged against the rota as it was, absent adults included.
    for cover in covers:
        cover.medical_before = medical_uncovered(state, cover.slot)
    # The absent adults' rows leave the rota before anyone is judged.
    for a, slots in away.items():
        for t in slots:
            state.remove(state.prob.adults[a].id, t)
    if task is not None:
        for cover in task_covers(state, task, at):
            cover.medical_before = medical_uncovered(state, cover.slot)
            covers.append(cover)
    return covers


def suggest_file(
    school_path: str | Path,
    rota_path: str | Path,
    *,
    absent: Sequence[str] = (),
    teacher_absent: Sequence[str] = (),
    task: str | None = None,
    at: str | None = None,
    top: int | None = None,
) -> Suggestions:
    """Load the school and its rota (as `tasched solve` wrote it), then suggest()."""
    school = load_school(school_path)
    rota = read_rota(rota_path)
    return suggest(school, rota, absent=absent, teacher_absent=teacher_absent, task=task, at=at, top=top)
