"""The rota's rows, checked for format (parse_rows)."""

from __future__ import annotations

import re
from typing import Any

from tasched.input.when import DaySlot
from tasched.verify.facts import Facts, Row
from tasched.verify.report import Violation

ROW_FIELDS = ("staff", "day", "slot", "task", "mode", "pupils", "room")


MODES = ("in_class", "withdrawn")


_TASK = re.compile(r"^(class|pupil|intervention|duty|liaison|cover):(.+)$")


def _text(value: Any) -> str | None:
    """An id as text (YAML may read an unquoted numeric id as a number)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def as_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def parse_rows(facts: Facts, raw: Any) -> tuple[list[Row], list[Violation]]:
    """Rows must name an existing adult, day, slot and task, with the fields the
    task's kind calls for: `mode` in_class/withdrawn for pupil rows and null
    otherwise; `pupils` [P] for a pupil row, the intervention's pupils for a
    session, [] otherwise; `room` null except on sessions. Rows failing this are
    reported ("row_format", "unknown_task"; a row at a closed slot, "availability")
    and take no further part."""
    problems: list[Violation] = []
    rows: list[Row] = []
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        return [], [Violation("row_format", "`assignments` is not a list of rows")]
    for number, item in enumerate(raw, 1):
        row, problem = _parse_row(facts, number, item)
        if problem is not None:
            problems.append(problem)
        elif row is not None:
            rows.append(row)
    return rows, problems


class _BadRow(Exception):
    """A row failing the format: the rule it breaks and why."""

    def __init__(self, message: str, rule: str = "row_format") -> None:
        super().__init__(message)
        self.message, self.rule = message, rule


def _parse_row(facts: Facts, n: int, item: Any) -> tuple[Row | None, Violation | None]:
    try:
        return _row(facts, n, item), None
    except _BadRow as bad:
        return None, Violation(bad.rule, f"row {n}: {bad.message}")


def _row(facts: Facts, n: int, item: Any) -> Row:
    if not isinstance(item, dict):
        raise _BadRow("is not a mapping of staff, day, slot, task, mode, pupils, room")
    missing = [k for k in ROW_FIELDS if k not in item]
    if missing:
        raise _BadRow(f"lacks {', '.join(missing)}")
    staff, t = _adult_and_slot(facts, item)
    kind, ref = _task_of(facts, item["task"])
    listed = _check_fields(facts, kind, ref, item)
    return Row(n, staff, t, kind, ref, item["mode"], tuple(listed), _text(item["room"]))


def _adult_and_slot(facts: Facts, item: dict[str, Any]) -> tuple[str, DaySlot]:
    """The row's adult and week slot, which must exist and not be closed."""
    staff, day, slot = _text(item["staff"]), _text(item["day"]), _text(item["slot"])
    if staff not in facts.staff:
        raise _BadRow(f"names adult {item['staff']!r}, who is not in staff")
    if day not in facts.day_index:
        raise _BadRow(f"names day {item['day']!r}, which is not in the calendar")
    if slot not in facts.slot_index:
        raise _BadRow(f"names slot {item['slot']!r}, which is not in the calendar")
    assert staff is not None and day is not None and slot is not None
    t = (facts.day_index[day], facts.slot_index[slot])
    if t in facts.closed:
        raise _BadRow(f"{staff} at {day} {slot} has {item['task']}, but that slot is closed", "availability")
    return staff, t


def _task_of(facts: Facts, task: Any) -> tuple[str, str]:
    """The task's kind and id, naming something in the school (a pupil with a plan)."""
    match = _TASK.match(task) if isinstance(task, str) else None
    if match is None:
        raise _BadRow(
            f"task {task!r} is not class:ID, pupil:ID, intervention:ID, duty:ID, liaison:TEACHER or cover:CLASS",
            "unknown_task",
        )
    kind, ref = match.group(1), match.group(2)
    known = {
        "class": facts.classes,
        "pupil": facts.pupils,
        "intervention": facts.interventions,
        "duty": facts.duties,
        "liaison": facts.teachers,
        "cover": facts.classes,
    }[kind]
    if ref not in known:
        raise _BadRow(f"task {task!r} names no {kind} in the school", "unknown_task")
    if kind == "pupil" and facts.pupils[ref].ehcp is None:
        raise _BadRow(f"task {task!r}: pupil {ref} has no EHC plan to support", "unknown_task")
    return kind, ref


def _check_fields(facts: Facts, kind: str, ref: str, item: dict[str, Any]) -> list[str]:
    """`mode`, `pupils` and `room` as the task's kind calls for; the pupils listed."""
    task = item["task"]
    mode, pupils, room = item["mode"], item["pupils"], item["room"]
    if kind == "pupil":
        if mode not in MODES:
            raise _BadRow(f"pupil row for {ref} has mode {mode!r}; it must be in_class or withdrawn")
    elif mode is not None:
        raise _BadRow(f"{task} row has mode {mode!r}; only pupil rows have a mode")
    if not isinstance(pupils, list) or any(_text(p) is None for p in pupils):
        raise _BadRow(f"`pupils` of the {task} row is not a list of pupil ids")
    listed = [str(_text(p)) for p in pupils]
    if kind == "pupil":
        expected = [ref]
    elif kind == "intervention":
        expected = list(facts.interventions[ref].pupils)
    else:
        expected = []
    if sorted(listed) != sorted(expected):
        raise _BadRow(f"`pupils` of the {task} row is {listed}; it must be {expected}")
    if room is not None and (kind != "intervention" or _text(room) is None):
        raise _BadRow(f"{task} row has room {room!r}; only intervention sessions have a room")
    return listed
