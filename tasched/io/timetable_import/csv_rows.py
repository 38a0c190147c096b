"""Reading a timetable CSV: its text, its rows with their lines, and one activity per row.

Every CSV layout (FET's, St Paul's, the plain one) reads its rows here, so a
missing column, an undecodable file or a bad duration is reported the same way,
and a row becomes an Activity through one function whatever the layout names
its columns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tasched.errors import InputError, Problem
from tasched.io.timetable_import.activities import Activity, split_names, whole_number

__all__ = ["CsvRow", "Layout", "csv_header", "csv_rows", "file_text", "looks_like_xml", "place_at", "row_activity"]


def file_text(file: Path) -> str:
    """The file as text: UTF-8 (with or without a BOM), else Windows-1252 (what Excel saves)."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise InputError([Problem(str(file), "", f"cannot read it: {error.strerror}")]) from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(str(file), "", "not text (UTF-8 or Windows-1252)")])


def looks_like_xml(file: Path) -> bool:
    return file_text(file).lstrip().startswith("<")


def csv_header(file: Path) -> list[str]:
    text = file_text(file)
    first = text.splitlines()[0] if text.strip() else ""
    return next(csv.reader([first], _dialect(first)), [])


def _dialect(sample: str) -> type[csv.Dialect]:
    """FET lets a user pick `,`, `;` or `|` between fields."""
    counts = {sep: sample.count(sep) for sep in (",", ";", "|", "\t")}
    sep = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","

    class _Dialect(csv.excel):
        delimiter = sep

    return _Dialect


@dataclass
class CsvRow:
    """A row of a CSV with the line it starts on; its columns are keyed by lower-case header."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def csv_rows(file: Path, required: Sequence[str], fmt: str) -> list[CsvRow]:
    """The rows of a CSV, each with its line; missing columns are an input error at line 1."""
    text = file_text(file)
    if not text.strip():
        raise InputError([Problem(f"{file}:1", "", "the file is empty")])
    reader = csv.reader(io.StringIO(text), _dialect(text.splitlines()[0]))
    header = [h.strip() for h in next(reader)]
    _check_columns(file, header, required, fmt)
    rows = []
    start = 2
    for record in reader:
        line = start
        start = reader.line_num + 1  # a quoted cell may span lines: the next row starts after it
        if not any(cell.strip() for cell in record):
            continue
        values = {h.lower(): (record[i] if i < len(record) else "") for i, h in enumerate(header)}
        rows.append(CsvRow(line, values))
    return rows


def _check_columns(file: Path, header: list[str], required: Sequence[str], fmt: str) -> None:
    """Refuse a header that lacks a column the layout needs (any case), naming the others."""
    lowered = {h.lower(): h for h in header}
    missing = [c for c in required if c.lower() not in lowered]
    if not missing:
        return
    names = ", ".join(f"`{c}`" for c in missing)
    raise InputError(
        [
            Problem(
                f"{file}:1",
                "",
                f"missing column{'s' if len(missing) > 1 else ''} {names} for the {fmt} "
                f"layout; the header has: {', '.join(header) or 'nothing'} "
                f"(expected {', '.join(required)}; choose another layout with --format)",
            )
        ]
    )


@dataclass(frozen=True)
class Layout:
    """Which columns of a CSV layout hold an activity's classes, subject and teachers.

    The room and day columns are `room` and `day` in every layout.
    """

    classes: str
    subject: str
    teachers: str
    separators: str  # between the names in a class or teacher cell


def row_activity(file: Path, row: CsvRow, ref: str, layout: Layout) -> Activity:
    """A row's activity, not yet placed (see place_at)."""
    return Activity(
        where=f"{file}:{row.line}",
        ref=ref,
        classes=split_names(row.get(layout.classes), layout.separators),
        subject=row.get(layout.subject),
        teachers=split_names(row.get(layout.teachers), layout.separators),
        room=row.get("room") or None,
        day=row.get("day") or None,
    )


def place_at(activity: Activity, row: CsvRow, column: str, duration: int = 1) -> Activity:
    """Place an activity at its row's day and the hour in ``column`` (numbered hours for longer ones).

    A row with no day or no hour is left unplaced, saying which.
    """
    start = row.get(column)
    activity.hours = [start] if start else []
    if start and duration > 1:
        first = whole_number(start, activity.where, column)
        activity.hours = [str(first + k) for k in range(duration)]
    activity.why_unplaced = "" if row.get("day") and start else f"no day or {column}"
    return activity
