"""The rota workbook's building blocks: the week, the colour key, day-by-slot grids and tables."""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tasched.input.model import (
    SchoolData,
)
from tasched.input.week import shape_of
from tasched.input.when import WhenError, parse_when
from tasched.io.colours import TASK_KEY
from tasched.io.excel.cells import _set
from tasched.io.excel.styles import _BOLD, _BOX, _CENTRE_WRAP, _HEADER_FILL, _HEADER_FONT, _TITLE, _WRAP_TOP

# (kind, label, fill colour): each cell of a grid is coloured by its task's kind
# The workbook's cell kinds and their colours: the same key as the HTML page (io/colours.py).
_EXCEL_KIND = {"ehc": "in_class"}  # the workbook calls EHC support in class `in_class`


ROTA_KINDS: tuple[tuple[str, str, str], ...] = tuple(
    (_EXCEL_KIND.get(kind, kind), legend, colour) for kind, legend, colour in TASK_KEY if kind != "closed"
)


_KIND_FILL = {kind: PatternFill("solid", fgColor=colour) for kind, _, colour in ROTA_KINDS}


_DAY_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class _Week:
    """The grid's days and slots: from the school when given, else from the rows themselves."""

    days: list[str]
    slots: list[str]
    labels: dict[str, str] = field(default_factory=dict)  # slot -> "P1\n09:00-09:45"
    minutes: dict[str, int] = field(default_factory=dict)
    closed: set[tuple[str, str]] = field(default_factory=set)
    off: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # adult -> slots not working

    def label(self, slot: str) -> str:
        return self.labels.get(slot, slot)


def _week(rows: list[dict[str, Any]], school: SchoolData | None) -> _Week:
    if school is not None:
        shape = shape_of(school)
        days = list(school.calendar.days)
        slots = [s.id for s in school.calendar.slots]
        week = _Week(days, slots)
        for slot in school.calendar.slots:
            week.labels[slot.id] = f"{slot.id}\n{slot.start}–{slot.end}"
            week.minutes[slot.id] = slot.minutes
        try:
            week.closed = {(days[d], slots[s]) for d, s in parse_when(school.calendar.closed, shape)}
            for adult in school.staff:
                works = parse_when(adult.available, shape) - parse_when(adult.unavailable, shape)
                for absence in school.absences:
                    if absence.staff == adult.id:
                        works -= parse_when(absence.when, shape)
                week.off[adult.id] = {(days[d], slots[s]) for d, s in shape.everything() - works}
        except WhenError:
            pass  # a valid school never gets here; the grid is still drawn
        return week
    day_seen = list(dict.fromkeys(str(r["day"]) for r in rows))
    if all(d[:3].lower() in _DAY_ORDER for d in day_seen):
        day_seen.sort(key=lambda d: _DAY_ORDER.index(d[:3].lower()))
    return _Week(day_seen, _slot_order(rows))


def _slot_order(rows: list[dict[str, Any]]) -> list[str]:
    """Slots in the day's order, merged from each adult's day (rows are in time order)."""
    after: dict[str, set[str]] = defaultdict(set)
    first_seen: dict[str, int] = {}
    sequences: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        slot = str(row["slot"])
        first_seen.setdefault(slot, len(first_seen))
        seq = sequences[str(row["staff"]), str(row["day"])]
        if not seq or seq[-1] != slot:
            seq.append(slot)
    for seq in sequences.values():
        for a, b in itertools.pairwise(seq):
            if a != b:
                after[a].add(b)
    indegree = {slot: 0 for slot in first_seen}
    for followers in after.values():
        for b in followers:
            indegree[b] += 1
    order: list[str] = []
    ready = sorted((s for s, n in indegree.items() if n == 0), key=first_seen.__getitem__)
    while ready:
        slot = ready.pop(0)
        order.append(slot)
        for b in sorted(after[slot], key=first_seen.__getitem__):
            indegree[b] -= 1
            if indegree[b] == 0:
                ready.append(b)
        ready.sort(key=first_seen.__getitem__)
    order += [s for s in sorted(first_seen, key=first_seen.__getitem__) if s not in order]  # a cycle
    return order


def _row_kind(row: dict[str, Any]) -> str:
    kind = str(row.get("task", "")).partition(":")[0]
    if kind == "pupil":
        return "withdrawn" if row.get("mode") == "withdrawn" else "in_class"
    return kind if kind in _KIND_FILL else "free"


class _Names:
    """Sheet names: at most 31 characters, no []:*?/\\, unique ignoring case."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, wanted: str) -> str:
        base = re.sub(r"[\[\]:*?/\\]", "_", wanted).strip().strip("'") or "sheet"
        base = base[:31]
        name, n = base, 1
        while name.lower() in self.used or name.lower() in ("history",):
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        self.used.add(name.lower())
        return name


def _join(items: Iterable[Any]) -> str:
    return ", ".join(str(i) for i in dict.fromkeys(items))


def _grid_sheet(
    ws: Worksheet,
    title: str,
    line: str,
    week: _Week,
    cells: dict[tuple[str, str], tuple[str, str]],
    off: set[tuple[str, str]],
    *,
    legend: bool = True,
) -> int:
    """Days down, slots across; each cell its text, coloured by kind. Returns the next free row."""
    ws.cell(row=1, column=1, value=title).font = _TITLE
    if line:
        ws.cell(row=2, column=1, value=line)
    top = 4
    corner = ws.cell(row=top, column=1, value="")
    corner.border = _BOX
    for j, slot in enumerate(week.slots, start=2):
        cell = ws.cell(row=top, column=j, value=week.label(slot))
        cell.font = _BOLD
        cell.alignment = _CENTRE_WRAP
        cell.border = _BOX
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(j)].width = 15
    ws.column_dimensions["A"].width = 9
    ws.row_dimensions[top].height = 32
    for i, day in enumerate(week.days, start=top + 1):
        head = ws.cell(row=i, column=1, value=day)
        head.font = _BOLD
        head.alignment = _CENTRE_WRAP
        head.border = _BOX
        head.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.row_dimensions[i].height = 48
        for j, slot in enumerate(week.slots, start=2):
            cell = ws.cell(row=i, column=j)
            cell.border = _BOX
            cell.alignment = _CENTRE_WRAP
            key = (day, slot)
            if key in cells:
                text, kind = cells[key]
                cell.value = text
                cell.fill = _KIND_FILL.get(kind, _KIND_FILL["free"])
            elif key in week.closed:
                cell.value = "closed"
                cell.fill = _KIND_FILL["off"]
            elif key in off:
                cell.fill = _KIND_FILL["off"]
    row = top + len(week.days) + 2
    if legend:
        row = _legend(ws, row)
    ws.print_area = f"A1:{get_column_letter(max(len(week.slots) + 1, 4))}{row}"
    _print_one_page(ws)
    return row + 1


def _legend(ws: Worksheet, row: int, col: int = 1) -> int:
    """The colour key on one row: `Key` then one coloured cell per kind of task."""
    ws.cell(row=row, column=col, value="Key").font = _BOLD
    for offset, (kind, legend, _) in enumerate(ROTA_KINDS, start=1):
        cell = ws.cell(row=row, column=col + offset, value=legend)
        cell.fill = _KIND_FILL[kind]
        cell.border = _BOX
        cell.alignment = _CENTRE_WRAP
    ws.row_dimensions[row].height = 30
    return row + 1


def _fit_height(ws: Worksheet, row: int, values: Sequence[Any], last_span: int = 1) -> None:
    """Set a row tall enough for its wrapped text (spreadsheets do not all do it on opening)."""
    lines = 1
    for j, value in enumerate(values, start=1):
        if value is None:
            continue
        spanned = last_span if j == len(values) else 1
        width = sum(ws.column_dimensions[get_column_letter(k)].width or 13 for k in range(j, j + spanned))
        chars = max(1, int(width) - 1)
        parts = str(value).split("\n")
        lines = max(lines, sum(max(1, math.ceil(len(part) / chars)) for part in parts))
    if lines > 1:
        ws.row_dimensions[row].height = lines * 13.5 + 2


def _print_one_page(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&A — tasched rota"


def _table(
    ws: Worksheet,
    row: int,
    headers: Sequence[str],
    body: Iterable[Sequence[Any]],
    last_span: int = 1,
) -> int:
    """A bordered table with a header row; returns the row after it.

    ``last_span`` > 1 merges the last column's cells across that many columns (for long text).
    """
    last = len(headers)

    def span(at: int) -> None:
        if last_span > 1:
            ws.merge_cells(start_row=at, start_column=last, end_row=at, end_column=last + last_span - 1)

    for j, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=j, value=text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    span(row)
    _fit_height(ws, row, headers, last_span)
    percent = {j for j, text in enumerate(headers, start=1) if "share" in text or "coverage" in text}
    for values in body:
        row += 1
        for j, value in enumerate(values, start=1):
            cell = _set(ws, row, j, value)
            cell.border = _BOX
            cell.alignment = _WRAP_TOP
            if j in percent:
                cell.number_format = "0%"
        span(row)
        _fit_height(ws, row, values, last_span)
    return row + 2


def _section(ws: Worksheet, row: int, title: str) -> int:
    ws.cell(row=row, column=1, value=title).font = Font(bold=True, size=12)
    return row + 1


def _when_key(week: _Week, row: dict[str, Any]) -> tuple[int, int]:
    day, slot = str(row["day"]), str(row["slot"])
    return (
        week.days.index(day) if day in week.days else len(week.days),
        week.slots.index(slot) if slot in week.slots else len(week.slots),
    )
