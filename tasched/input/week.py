"""The school week read from the input: open slots, when classes meet, where pupils are.

Shared by validation and the compiled problem (not by the verifier, which derives
these facts on its own). All results use (day index, slot index) pairs.
"""

from __future__ import annotations

from collections import defaultdict

from tasched.input.model import SchoolData
from tasched.input.when import DaySlot, WeekShape, parse_when


def shape_of(data: SchoolData) -> WeekShape:
    """The names a when-expression may use in this school."""
    cal = data.calendar
    return WeekShape(
        days=tuple(cal.days),
        slots=tuple(s.id for s in cal.slots),
        kinds=tuple(s.kind.value for s in cal.slots),
    )


def open_slots(data: SchoolData, shape: WeekShape | None = None) -> set[DaySlot]:
    """Every (day, slot) of the week that runs: all of them minus `calendar.closed`."""
    shape = shape or shape_of(data)
    return shape.everything() - parse_when(data.calendar.closed, shape)


def class_meetings(data: SchoolData, shape: WeekShape | None = None) -> dict[str, set[DaySlot]]:
    """When each class meets: its lessons' slots, or every lesson-kind slot if it has none."""
    shape = shape or shape_of(data)
    week = open_slots(data, shape)
    lesson_kind = parse_when("lesson", shape)
    listed: dict[str, set[DaySlot]] = defaultdict(set)
    for lesson in data.lessons:
        listed[lesson.class_] |= parse_when(lesson.when, shape)
    return {c.id: listed.get(c.id, lesson_kind) & week for c in data.classes}


def lesson_subjects(data: SchoolData, shape: WeekShape | None = None) -> dict[tuple[str, DaySlot], str]:
    """The subject a class has at a slot, where its lessons name one."""
    shape = shape or shape_of(data)
    subjects: dict[tuple[str, DaySlot], str] = {}
    for lesson in data.lessons:
        for slot in parse_when(lesson.when, shape):
            subjects[(lesson.class_, slot)] = lesson.subject
    return subjects


def pupil_places(data: SchoolData, meetings: dict[str, set[DaySlot]]) -> dict[str, dict[DaySlot, str]]:
    """Each pupil's class at each slot where one of their classes meets.

    Where two of a pupil's classes meet at once (an input error that validation
    reports), the first listed wins so later stages still have an answer.
    """
    places: dict[str, dict[DaySlot, str]] = {}
    for pupil in data.pupils:
        where: dict[DaySlot, str] = {}
        for class_id in pupil.classes:
            for slot in meetings.get(class_id, set()):
                where.setdefault(slot, class_id)
        places[pupil.id] = where
    return places
