"""What needs cover: the absences asked for (`TA05:Tue P3`) and the tasks an absent
adult leaves, the lessons an absent teacher leaves (`JSW:Wed`: a `cover:CLASS` at each),
or one task named with `--task` at the slots `--at` names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from tasched.analysis.suggest.lesson_cover import COVER
from tasched.analysis.suggest.results import Cover, Row
from tasched.analysis.suggest.state import WeekState, cover_of, medical_cover_candidates
from tasched.errors import InputError, Problem
from tasched.input.when import WhenError, nearest, parse_when
from tasched.problem.compile import Problem as Compiled
from tasched.problem.compile import PupilInfo

# A liaison meeting is the absent adult's own: it is not handed to another adult here
# (a re-solve places them). A lesson they cover is, to another adult whose role may cover.
PERSONAL_TASKS = ("liaison:",)


def parse_absence(text: str, prob: Compiled) -> tuple[int, set[int]]:
    """`"TA05:Tue P3"` -> (adult index, week slots); `"TA05"` alone is the whole week."""
    staff, slots = _person_away(text, prob, [a.id for a in prob.adults], "--absent", "adult")
    return prob.adult_index[staff], slots


def parse_teacher_absence(text: str, prob: Compiled) -> tuple[int, set[int]]:
    """`"JSW:Wed"` -> (teacher index, week slots); `"JSW"` alone is the whole week."""
    teacher, slots = _person_away(text, prob, [k.id for k in prob.teachers], "--teacher-absent", "teacher")
    return prob.teacher_index[teacher], slots


def _person_away(text: str, prob: Compiled, ids: list[str], flag: str, noun: str) -> tuple[str, set[int]]:
    """`"ID:when"` -> (the id, week slots), the id one of `ids` (else the nearest as a hint)."""
    who, _, when = text.partition(":")
    who = who.strip()
    if who not in ids:
        hint = nearest(who, ids)
        more = f"; did you mean {hint!r}?" if hint else ""
        raise InputError([Problem(f"{flag} {text!r}", "", f"no {noun} {who!r} in the school{more}")])
    return who, _slots(prob, when.strip() or "*", f"{flag} {text!r}")


def parse_absences(absent: Sequence[str], prob: Compiled) -> dict[int, set[int]]:
    """Adult index -> the week slots they are away, over every `--absent` given."""
    return _merged(parse_absence(text, prob) for text in absent)


def parse_teacher_absences(absent: Sequence[str], prob: Compiled) -> dict[int, set[int]]:
    """Teacher index -> the week slots they are away, over every `--teacher-absent` given."""
    return _merged(parse_teacher_absence(text, prob) for text in absent)


def _merged(absences: Iterable[tuple[int, set[int]]]) -> dict[int, set[int]]:
    away: dict[int, set[int]] = defaultdict(set)
    for who, slots in absences:
        away[who] |= slots
    return away


def _slots(prob: Compiled, when: str, where: str) -> set[int]:
    try:
        pairs = parse_when(when, prob.shape)
    except WhenError as error:
        raise InputError([Problem(where, "", str(error))]) from None
    index = {(s.day, s.slot): s.index for s in prob.slots}
    return {index[p] for p in pairs if p in index}


def absence_covers(state: WeekState, away: dict[int, set[int]]) -> list[Cover]:
    """A cover for each slot an absent adult had a task in, by adult then slot."""
    prob = state.prob
    covers: list[Cover] = []
    for a, slots in sorted(away.items()):
        who = prob.adults[a].id
        for t in sorted(slots):
            rows = [r for r in state.rows(who, t) if not str(r["task"]).startswith(PERSONAL_TASKS)]
            if rows:
                covers.append(cover_of(t, prob.slots[t].label, rows, who))
    return covers


def lesson_covers(state: WeekState, away: dict[int, set[int]]) -> list[Cover]:
    """A `cover:CLASS` for each lesson an absent teacher teaches while away that nobody covers
    yet, by teacher then slot."""
    prob = state.prob
    covers: list[Cover] = []
    for k, slots in sorted(away.items()):
        teacher = prob.teachers[k]
        for t in sorted(slots):
            for class_id in teacher.teaching.get(t, []):
                task = f"{COVER}{class_id}"
                if not state.rows_doing(t, task):
                    covers.append(_cover(state, task, t))
    return covers


def _cover(state: WeekState, task: str, t: int) -> Cover:
    """A cover for `task` at t, its row as the rota has the task then; a lesson's names the teacher away."""
    cover = Cover(t, state.prob.slots[t].label, task, [_task_row(state, task, t)], None)
    kind, _, target = task.partition(":")
    if kind == "cover":
        cover.teacher = state.prob.teachers[state.prob.teacher_of[target, t]].id
    return cover


def task_covers(state: WeekState, task: str, at: str | None) -> list[Cover]:
    """A cover for `task` at each slot of `at` when it can happen (the rota's row, if any, as a model)."""
    prob = state.prob
    where = f"--task {task!r}"
    kind, _, target = task.partition(":")
    if at is None:
        raise InputError([Problem(where, "", "say when with --at, e.g. --at 'Tue P3'")])
    slots = sorted(_slots(prob, at, f"--at {at!r}"))
    _check_task(prob, kind, target, where)
    covers = [_cover(state, task, t) for t in slots if _happens(state, kind, target, t)]
    if not covers:
        raise InputError([Problem(f"--at {at!r}", "", f"{task} cannot happen at any of these slots")])
    return covers


def _check_task(prob: Compiled, kind: str, target: str, where: str) -> None:
    """The task names a kind and a target the rota covers (with the nearest id as a hint)."""
    known = {
        "pupil": [p.id for p in prob.pupils if p.ehcp is not None],
        "class": sorted(
            {s.class_id for s in prob.supports} | {c.class_id for c in getattr(prob, "medical_covers", [])}
        ),
        "intervention": [i.id for i in prob.interventions],
        "duty": [d.id for d in prob.duties],
        "cover": sorted({class_id for class_id, _ in prob.teacher_of}),
    }
    if kind not in known:
        raise InputError([Problem(where, "", "a task is pupil:ID, class:ID, intervention:ID, duty:ID or cover:CLASS")])
    if target not in known[kind]:
        hint = nearest(target, known[kind])
        more = f"; did you mean {kind}:{hint}?" if hint else ""
        what = f"class {target!r} taught by one of `teachers`" if kind == "cover" else f"{kind} {target!r}"
        raise InputError([Problem(where, "", f"no {what} that the rota covers{more}")])


def _happens(state: WeekState, kind: str, target: str, t: int) -> bool:
    """The task can be done at t: the plan, intervention or duty has the slot; a class has support or
    medical cover; a lesson to cover has a teacher then."""
    if kind == "pupil":
        plan = state.pupils[target].ehcp
        assert plan is not None
        return t in plan.slots
    if kind == "intervention":
        return t in state.ivs[target].slots
    if kind == "duty":
        return t in state.duties[target].slots
    if kind == "class":
        supported = any(t in s.slots for s in state.prob.supports if s.class_id == target)
        return supported or medical_cover_candidates(state.prob, target, t) is not None
    if kind == "cover":
        return (target, t) in state.prob.teacher_of
    return True


def _task_row(state: WeekState, task: str, t: int) -> Row:
    """The row a cover adult would take, its mode and room as the rota has them at t."""
    prob = state.prob
    kind, _, target = task.partition(":")
    slot = prob.slots[t]
    row: Row = {
        "staff": "",
        "day": slot.day_id,
        "slot": slot.slot_id,
        "task": task,
        "mode": None,
        "pupils": [],
        "room": None,
    }
    existing = sorted(state.rows_doing(t, task), key=lambda r: str(r["staff"]))  # stable whatever the set order
    if kind == "pupil":
        row.update(mode=_pupil_mode(state.pupils[target], existing, t), pupils=[target])
    elif kind == "intervention":
        row.update(
            pupils=[prob.pupils[p].id for p in state.ivs[target].pupils],
            room=existing[0].get("room") if existing else None,
        )
    return row


def _pupil_mode(pupil: PupilInfo, existing: list[Row], t: int) -> str:
    """The mode the rota has for the pupil at t, else in class where the plan allows and they have a lesson."""
    mode = existing[0].get("mode") if existing else None
    if mode is None:
        plan = pupil.ehcp
        assert plan is not None
        mode = "in_class" if "in_class" in plan.modes and t in pupil.place else "withdrawn"
    return mode
