"""Importing a class timetable, so a school does not retype it.

``tasched import-timetable SOURCE --calendar CAL.yaml -o PART.yaml`` reads a fixed
timetable and writes the `classes` and `lessons` sections of a school file, mapped
onto the school's own calendar. Sources:

- ``fet``: a FET file (``.fet`` XML) whose activities are fixed to times by
  100%-weight ``ConstraintActivityPreferredStartingTime`` constraints (what FET
  writes when a timetable is locked), FET's CSV export of a generated timetable
  (``..._timetable.csv``: ``Activity Id, Day, Hour, Students Sets, ...``), or a
  one-row-per-activity CSV (``activity_id, subject, teachers, students,
  duration_slots, day, slot``);
- ``stpauls``: the XHSTT St Paul's layout (``event_id, course, subject_code,
  class_group, teacher, room, day, period``; groups joined by ``;``);
- ``csv``: a plain CSV with the columns ``class, day, slot, subject, teacher``
  (``room`` optional; several classes joined by ``;``).

Days are matched to the calendar by name or abbreviation (``Monday`` is ``Mon``).
The source's hours are mapped onto the calendar's lesson slots in order (the
first hour to the first lesson slot, ...), unless they are the calendar's slot
ids already or an explicit map is given (``"9.30 - 11.00=P1,11.15 - 12.45=P2"``).
A multi-slot activity becomes one lesson per slot. Activities with no fixed time,
no class, or a time the map leaves out are reported as warnings, not errors; bad
input (a missing column, an unknown day) raises InputError naming file and line.

Here: choosing the reader and the whole job. The readers (``fet``, ``csv_layouts``,
on ``csv_rows``) turn a file into activities (``activities``); ``calendar_map``
maps their days and hours, ``week`` builds the sections, ``part_file`` writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tasched.errors import InputError, Problem
from tasched.io.files import refuse_overwriting_input
from tasched.io.timetable_import.activities import Activity, Source
from tasched.io.timetable_import.calendar_map import parse_slot_map, read_calendar
from tasched.io.timetable_import.csv_layouts import read_plain, read_stpauls
from tasched.io.timetable_import.csv_rows import csv_header, looks_like_xml
from tasched.io.timetable_import.fet import read_fet_export, read_fet_rows, read_fet_xml
from tasched.io.timetable_import.part_file import write_part
from tasched.io.timetable_import.week import ImportResult, import_timetable

__all__ = [
    "FORMATS",
    "Activity",
    "ImportResult",
    "Source",
    "detect_format",
    "import_file",
    "import_timetable",
    "parse_slot_map",
    "read_calendar",
    "read_source",
    "write_part",
]

FORMATS = ("auto", "fet", "csv", "stpauls")


def detect_format(path: str | Path) -> str:
    """`fet`, `stpauls` or `csv`, from the file's suffix or its header row."""
    file = Path(path)
    if file.suffix.lower() in (".fet", ".xml"):
        return "fet"
    header = {h.strip() for h in csv_header(file)}
    if {"Activity Id", "Hour"} <= header or {"activity_id", "duration_slots"} <= header:
        return "fet"
    if {"class_group", "period"} <= header:
        return "stpauls"
    return "csv"


def read_source(path: str | Path, fmt: str = "auto") -> Source:
    """Read a timetable file in the given format (`auto` detects it)."""
    file = Path(path)
    if not file.is_file():
        raise InputError([Problem(str(path), "", "no such file")])
    if fmt not in FORMATS:
        raise InputError([Problem("--format", "", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")])
    if fmt == "auto":
        fmt = detect_format(file)
    if fmt == "fet":
        if file.suffix.lower() in (".fet", ".xml") or looks_like_xml(file):
            return read_fet_xml(file)
        header = {h.strip() for h in csv_header(file)}
        if "Activity Id" in header or "Hour" in header:
            return read_fet_export(file)
        return read_fet_rows(file)
    if fmt == "stpauls":
        return read_stpauls(file)
    return read_plain(file)


def import_file(
    source: str | Path,
    calendar: str | Path,
    output: str | Path,
    *,
    fmt: str = "auto",
    slot_map: Iterable[str] | None = None,
) -> ImportResult:
    """The whole job: read the calendar and the source, map, and write the part file."""
    refuse_overwriting_input(output, source, calendar)
    cal = read_calendar(calendar)
    mapping = parse_slot_map(slot_map, cal)
    result = import_timetable(read_source(source, fmt), cal, mapping)
    write_part(result, output, str(source))
    return result
