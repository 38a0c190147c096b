"""The two CSV layouts that are not FET's: the plain one and St Paul's (XHSTT).

Both hold one row per lesson (St Paul's: per event, which may last several
numbered periods); the rows become activities through the shared row reader.
"""

from __future__ import annotations

from pathlib import Path

from tasched.io.timetable_import.activities import Source, whole_number
from tasched.io.timetable_import.csv_rows import Layout, csv_rows, place_at, row_activity

__all__ = ["PLAIN_COLUMNS", "STPAULS_COLUMNS", "read_plain", "read_stpauls"]

PLAIN_COLUMNS = ("class", "day", "slot", "subject", "teacher")
STPAULS_COLUMNS = ("event_id", "subject_code", "class_group", "teacher", "day", "period")

_PLAIN = Layout(classes="class", subject="subject", teachers="teacher", separators=";")
_STPAULS = Layout(classes="class_group", subject="subject_code", teachers="teacher", separators=";")


def read_plain(file: Path) -> Source:
    """`class, day, slot, subject, teacher` (and `room`): one row per lesson."""
    rows = csv_rows(file, PLAIN_COLUMNS, "csv (class, day, slot, subject, teacher)")
    return Source([place_at(row_activity(file, row, f"row {row.line}", _PLAIN), row, "slot") for row in rows])


def read_stpauls(file: Path) -> Source:
    """St Paul's events: a `duration` of n periods takes the n numbered periods from `period`."""
    activities = []
    for row in csv_rows(file, STPAULS_COLUMNS, "stpauls"):
        duration = whole_number(row.get("duration") or "1", f"{file}:{row.line}", "duration")
        activity = row_activity(file, row, f"event {row.get('event_id') or row.line}", _STPAULS)
        activities.append(place_at(activity, row, "period", duration))
    return Source(activities)
