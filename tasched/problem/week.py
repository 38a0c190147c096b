"""The school's week as dense slots: open slots ``t = 0..T-1`` and when-expressions resolved to them.

Every other part of the compiled problem (adults, pupils, tasks) is written in these
week-slot indices, so this is compiled first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tasched.input.model import SchoolData
from tasched.input.week import class_meetings, lesson_subjects, open_slots, shape_of
from tasched.input.when import WeekShape, parse_when

__all__ = ["Resolve", "Row", "Week", "WeekSlot", "compile_week"]

Resolve = Callable[[str | None], set[int]]

Row = dict[str, Any]  # one row of a rota: staff, day, slot, task, mode, pupils, room


@dataclass(frozen=True)
class WeekSlot:
    index: int
    day: int  # position in calendar.days
    slot: int  # position in calendar.slots
    label: str  # "Mon P1"
    day_id: str
    slot_id: str
    start: int  # minutes after midnight
    end: int
    kind: str

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass
class Week:
    """The open slots of the week and what happens in them, by week slot."""

    shape: WeekShape
    slots: list[WeekSlot]
    slot_of: dict[tuple[int, int], int]  # (day, calendar slot) -> week slot
    day_order: list[list[int | None]]  # per day, calendar order: week slot or None if closed
    meetings: dict[str, set[int]]  # when each class meets
    subject_at: dict[tuple[str, int], str]  # (class, slot) -> subject

    def resolve(self, expr: str | None) -> set[int]:
        """The open week slots a when-expression names."""
        return {self.slot_of[p] for p in parse_when(expr, self.shape) if p in self.slot_of}


def compile_week(data: SchoolData) -> Week:
    """Number the open slots of the calendar, day by day, and place the classes' lessons in them."""
    shape = shape_of(data)
    week = open_slots(data, shape)
    cal = data.calendar
    slots: list[WeekSlot] = []
    slot_of: dict[tuple[int, int], int] = {}
    for d, day_id in enumerate(cal.days):
        for s, spec in enumerate(cal.slots):
            if (d, s) in week:
                slot_of[(d, s)] = len(slots)
                start, end = _minutes(spec.start), _minutes(spec.end)
                slots.append(
                    WeekSlot(len(slots), d, s, f"{day_id} {spec.id}", day_id, spec.id, start, end, spec.kind.value)
                )
    day_order = [[slot_of.get((d, s)) for s in range(len(cal.slots))] for d in range(len(cal.days))]
    meetings = {c: {slot_of[p] for p in ps if p in slot_of} for c, ps in class_meetings(data, shape).items()}
    subject_at = {(c, slot_of[p]): subj for (c, p), subj in lesson_subjects(data, shape).items() if p in slot_of}
    return Week(shape, slots, slot_of, day_order, meetings, subject_at)


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)
