"""The rota's rows, read back from a CP-SAT solution or from the greedy's decisions.

Both become a `TaskChoice` first, so one function (`rows_of`) writes the rows either way.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from tasched.problem.compile import Problem, Row
from tasched.solver.model import RotaModel
from tasched.solver.warm_start import TaskChoice


def extract_rows(rm: RotaModel, solution: list[int]) -> list[Row]:
    """The rota's rows, read from a solution of the model (a value per variable)."""

    def chosen(variables: dict[Any, cp_model.IntVar]) -> set[Any]:
        return {key for key, var in variables.items() if solution[var.index]}

    picked = TaskChoice(
        class_support=chosen(rm.class_support),
        ehcp=chosen(rm.ehcp),
        deliver=chosen(rm.deliver),
        duty=chosen(rm.duty),
        medical_cover=chosen(rm.medical_cover),
        liaison=chosen(rm.liaison),
        cover=chosen(rm.cover),
    )
    return rows_of(rm.problem, picked)


def rows_of(prob: Problem, rota: TaskChoice) -> list[Row]:
    """The rota's rows: one per adult, slot and task, sorted by adult then time."""
    rows: list[tuple[tuple[int, int, str], Row]] = []

    def add(
        a: int, t: int, task: str, mode: str | None = None, pupils: list[str] | None = None, room: str | None = None
    ) -> None:
        slot = prob.slots[t]
        row: Row = {
            "staff": prob.adults[a].id,
            "day": slot.day_id,
            "slot": slot.slot_id,
            "task": task,
            "mode": mode,
            "pupils": pupils or [],
            "room": room,
        }
        rows.append(((a, t, task), row))

    for a, k, t in rota.class_support:
        add(a, t, f"class:{prob.supports[k].class_id}")
    for a, c, t in rota.medical_cover:
        add(a, t, f"class:{c}")
    for a, p, t, mode in rota.ehcp:
        pupil_id = prob.pupils[p].id
        add(a, t, f"pupil:{pupil_id}", mode, [pupil_id])
    rooms = _assign_rooms(prob, {(i, t) for (_, i, t) in rota.deliver})
    for a, i, t in rota.deliver:
        iv = prob.interventions[i]
        add(a, t, f"intervention:{iv.id}", None, [prob.pupils[p].id for p in iv.pupils], rooms.get((i, t)))
    for a, j, t in rota.duty:
        add(a, t, f"duty:{prob.duties[j].id}")
    for a, c, t in rota.cover:
        add(a, t, f"cover:{c}")
    for a, k, t in rota.liaison:
        add(a, t, f"liaison:{prob.teachers[k].id}")
    rows.sort(key=lambda item: item[0])
    return [row for _, row in rows]


def _assign_rooms(prob: Problem, sessions: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Give each session that needs a room one of its kind, filling rooms in id order.

    The model already keeps sessions within the kind's total capacity, so this never fails.
    """
    rooms_of: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for room in sorted(prob.data.rooms, key=lambda r: r.id):
        rooms_of[room.kind].append((room.id, room.capacity))
    given: dict[tuple[int, int], str] = {}
    used: dict[tuple[str, int], int] = defaultdict(int)
    for i, t in sorted(sessions):
        kind = prob.interventions[i].room_kind
        if kind is None:
            continue
        for room_id, capacity in rooms_of[kind]:
            if used[room_id, t] < capacity:
                used[room_id, t] += 1
                given[i, t] = room_id
                break
    return given
