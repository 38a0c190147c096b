"""What every timetable reader produces: activities in the source's own terms, and the hour helpers they share.

An Activity keeps the source's day and hour labels; mapping them onto the school's
calendar is the week builder's job (:mod:`tasched.io.timetable_import.week`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tasched.errors import InputError, Problem

__all__ = ["Activity", "Source", "hour_order", "hour_run", "split_names", "whole_number"]


@dataclass
class Activity:
    """One activity (or timetable row) of the source, in the source's own terms.

    ``hours`` lists the source hour of each slot it takes (one per unit of
    duration); it is empty when the activity has no fixed time.
    """

    where: str  # FILE:LINE
    ref: str  # e.g. "activity 52", "row 14"
    classes: list[str]
    subject: str
    teachers: list[str] = field(default_factory=list)
    room: str | None = None
    day: str | None = None
    hours: list[str] = field(default_factory=list)
    why_unplaced: str = ""


@dataclass
class Source:
    """What a reader found: the activities, and the source's own day and hour order."""

    activities: list[Activity]
    hour_order: list[str] = field(default_factory=list)
    day_order: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def split_names(text: str, separators: str = ";+") -> list[str]:
    """The names in a cell that joins several (classes, teachers) with any of ``separators``."""
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", text) if part.strip()]


def whole_number(text: str, where: str, column: str) -> int:
    """A duration or period of 1 or more; anything else is an input error at ``where``."""
    try:
        value = int(float(text))
    except ValueError:
        raise InputError([Problem(where, column, f"{text!r} is not a whole number")]) from None
    if value < 1:
        raise InputError([Problem(where, column, f"{text!r} must be 1 or more")])
    return value


def hour_run(order: list[str], start: str, duration: int, activity: Activity) -> list[str]:
    """The hours an activity starting at `start` takes, in the source's hour order."""
    if duration == 1 or start not in order:
        return [start]
    first = order.index(start)
    hours = order[first : first + duration]
    if len(hours) < duration:
        activity.why_unplaced = f"it lasts {duration} hours from {start!r} but the day has only {len(hours)} left"
    return hours


_CLOCK = re.compile(r"^\s*(\d{1,2})(?:[.:h](\d{2}))?")


def hour_order(labels: Iterable[str]) -> list[str]:
    """The source's hours in day order: by number or clock time where they have one."""
    seen = list(dict.fromkeys(labels))

    def key(label: str) -> tuple[int, float, int]:
        match = _CLOCK.match(label)
        if not match:
            return (1, 0.0, seen.index(label))
        return (0, int(match.group(1)) + int(match.group(2) or 0) / 60, seen.index(label))

    if all(_CLOCK.match(label) for label in seen):
        return sorted(seen, key=key)
    return seen
