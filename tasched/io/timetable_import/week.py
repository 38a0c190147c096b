"""Building the school's week from a source: the `classes` and `lessons` sections, and what was left out.

An activity placed at a mapped day and hours becomes one lesson per class and
slot; a class's teacher and room are named on the class where it has only one.
What cannot be placed (no time, no class, an hour the map leaves out, a slot the
class already fills) is a warning, not an error.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from tasched.errors import InputError
from tasched.input.model import Calendar
from tasched.io.timetable_import.activities import Activity, Source
from tasched.io.timetable_import.calendar_map import day_mapping, slot_mapping

__all__ = ["ImportResult", "import_timetable"]


@dataclass
class ImportResult:
    """The imported sections, ready to dump, and what could not be placed."""

    classes: list[dict[str, Any]]
    lessons: list[dict[str, Any]]
    warnings: list[str]
    activities: int
    placed: int
    slot_map: dict[str, str]
    day_map: dict[str, str]
    teachers: list[dict[str, Any]] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        if self.teachers:
            return {"teachers": self.teachers, "classes": self.classes, "lessons": self.lessons}
        return {"classes": self.classes, "lessons": self.lessons}


def import_timetable(source: Source, calendar: Calendar, slot_map: dict[str, str] | None = None) -> ImportResult:
    """Map a source's activities onto the calendar: the `classes` and `lessons` sections."""
    mapping, problems = slot_mapping(source, calendar, slot_map or {})
    day_map, unknown_days = day_mapping(source, calendar)
    problems += unknown_days
    if problems:
        raise InputError(problems)
    week = _Week(mapping, day_map, warnings=[f"note: {note}" for note in source.notes])
    for activity in source.activities:
        week.add(activity)
    week.warn_left_out()
    return week.result(len(source.activities))


@dataclass
class _Week:
    """The lessons built so far, with each class's teachers and rooms counted, and the warnings."""

    slots: dict[str, str]  # source hour -> calendar slot id
    days: dict[str, str]  # source day -> calendar day
    warnings: list[str]
    lessons: list[dict[str, Any]] = field(default_factory=list)
    taken: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (class, day, slot) -> subject
    teachers: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    rooms: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    order: list[str] = field(default_factory=list)  # the classes, as first met
    left_out: dict[str, list[Activity]] = field(default_factory=lambda: defaultdict(list))  # by unmapped hour
    placed: int = 0

    def add(self, activity: Activity) -> None:
        """An activity's lessons, or a warning saying why it has none."""
        label = _label(activity)
        if activity.why_unplaced or not activity.day or not activity.hours:
            self.warnings.append(f"{activity.where}: {label} not imported: {activity.why_unplaced or 'no time'}")
            return
        if not activity.classes:
            self.warnings.append(f"{activity.where}: {label} not imported: it names no class or group")
            return
        unmapped = [h for h in activity.hours if h not in self.slots]
        if unmapped:
            self.left_out[unmapped[0]].append(activity)  # reported once per hour, after all
            return
        day = self.days[activity.day]
        self.placed += 1
        for class_id in activity.classes:
            self._count(class_id, activity)
            for hour in activity.hours:
                self._lesson(activity, label, class_id, day, self.slots[hour])

    def _count(self, class_id: str, activity: Activity) -> None:
        """Count the class's teachers and room (an activity with no teacher counts as one unnamed)."""
        if class_id not in self.teachers:
            self.order.append(class_id)
        for teacher in activity.teachers:
            self.teachers[class_id][teacher] += 1
        if not activity.teachers:
            self.teachers[class_id][""] += 1
        self.rooms[class_id][activity.room or ""] += 1

    def _lesson(self, activity: Activity, label: str, class_id: str, day: str, slot: str) -> None:
        key = (class_id, day, slot)
        if key in self.taken:
            self.warnings.append(
                f"{activity.where}: {label}: class {class_id!r} already has "
                f"{self.taken[key]} at {day} {slot}; this lesson is left out"
            )
            return
        self.taken[key] = activity.subject or "a lesson"
        lesson = {"class": class_id, "when": f"{day} {slot}", "subject": activity.subject or "unknown"}
        if len(activity.teachers) == 1:
            lesson["teacher"] = activity.teachers[0]
        self.lessons.append(lesson)

    def warn_left_out(self) -> None:
        """One warning per hour the map leaves out, naming the first few activities at it."""
        for hour, missed in self.left_out.items():
            refs = ", ".join(a.ref for a in missed[:8]) + (", ..." if len(missed) > 8 else "")
            self.warnings.append(
                f"{missed[0].where}: {len(missed)} activit{'y' if len(missed) == 1 else 'ies'} at hour "
                f"{hour!r} not imported: the hour has no slot in the calendar; add it to --map ({refs})"
            )

    def result(self, activities: int) -> ImportResult:
        classes = [_class_entry(c, self.teachers[c], self.rooms[c]) for c in self.order]
        # A lesson names its teacher only where its class has no single teacher of its own.
        single = {c["id"] for c in classes if "teacher" in c}
        for lesson in self.lessons:
            if lesson["class"] in single:
                lesson.pop("teacher", None)
        named = dict.fromkeys(t for c in self.order for t in self.teachers[c] if t)
        return ImportResult(
            teachers=[{"id": t} for t in named],
            classes=classes,
            lessons=self.lessons,
            warnings=self.warnings,
            activities=activities,
            placed=self.placed,
            slot_map=self.slots,
            day_map=self.days,
        )


def _label(activity: Activity) -> str:
    what = ", ".join(x for x in (activity.subject, "+".join(activity.classes)) if x)
    return f"{activity.ref} ({what})" if what else activity.ref


_YEAR = re.compile(r"^(?:y(?:ear)?\s*)?(\d{1,2})(?![\d])", re.IGNORECASE)


def _class_entry(class_id: str, teachers: Counter[str], rooms: Counter[str]) -> dict[str, Any]:
    """A class: its id, and its year, teacher and room where the timetable shows just one."""
    entry: dict[str, Any] = {"id": class_id}
    named = [t for t in teachers if t]
    if len(named) == 1 and "" not in teachers:
        entry["teacher"] = named[0]
    match = _YEAR.match(class_id)
    if match and 1 <= int(match.group(1)) <= 14:
        entry["year"] = int(match.group(1))
    if len(rooms) == 1 and "" not in rooms:
        entry["room"] = next(iter(rooms))
    return entry
