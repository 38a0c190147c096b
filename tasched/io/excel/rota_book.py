"""The rota workbook: written for people to print, and its Assignments sheet read back."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from openpyxl.workbook.workbook import Workbook

from tasched.errors import InputError, Problem
from tasched.input.model import (
    SchoolData,
)
from tasched.io.excel.cells import _blank, _header_text, _number, text_stays_text
from tasched.io.excel.rota_grid import _grid_sheet, _Names, _row_kind, _week
from tasched.io.excel.rota_sheets import (
    _ASSIGNMENT_FIELDS,
    _adult_line,
    _assignments_sheet,
    _class_sheets,
    _duties_sheet,
    _interventions_sheet,
    _pupil_sheets,
    adult_cell,
)
from tasched.io.excel.rota_summary import _summary_sheet
from tasched.io.excel.safety import MAX_ROTA_ROWS, _open
from tasched.io.excel.styles import _named_styles
from tasched.io.files import write_atomic


def write_rota_workbook(rota: dict[str, Any], path: str | Path, school: SchoolData | None = None) -> None:
    """Write a rota as a workbook (see rota_workbook); atomically."""
    book = rota_workbook(rota, school)
    write_atomic(path, book.save)


def rota_workbook(rota: dict[str, Any], school: SchoolData | None = None) -> Workbook:
    """A rota as a workbook a school business manager prints.

    Sheets: Summary (status, KPIs, weekly and annual cost, shortfalls with their
    reasons); one grid per adult (days × slots, each cell the task coloured by kind,
    with a key; one landscape page each); one per class and per pupil (their EHC
    support week and who gave it); Interventions; Duties; and Assignments (every row).
    ``school``, when given, adds names, slot times and when each adult is off.
    """
    rows: list[dict[str, Any]] = list(rota.get("assignments") or [])
    kpis: dict[str, Any] = rota.get("kpis") or {}
    week = _week(rows, school)
    names = _Names()
    book = Workbook()
    _named_styles(book)
    summary = book.active
    assert summary is not None
    summary.title = names("Summary")
    _summary_sheet(summary, rota, school)

    staff_ids = list(
        dict.fromkeys(
            [a.id for a in school.staff] if school else [*kpis.get("staff", {}), *(str(r["staff"]) for r in rows)]
        )
    )
    adults = {a.id: a for a in school.staff} if school else {}
    by_adult: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_adult[str(row["staff"])][str(row["day"]), str(row["slot"])].append(row)
    for staff_id in staff_ids:
        adult = adults.get(staff_id)
        title = f"{staff_id} {adult.name}" if adult and adult.name else staff_id
        ws = book.create_sheet(names(title))
        heading = title + (f" — {adult.role}" if adult else "")
        stats = kpis.get("staff", {}).get(staff_id, {})
        line = _adult_line(stats)
        cells = {key: (adult_cell(items, school), _row_kind(items[0])) for key, items in by_adult[staff_id].items()}
        _grid_sheet(ws, heading, line, week, cells, week.off.get(staff_id, set()))

    _class_sheets(book, names, rows, kpis, week, school)
    _pupil_sheets(book, names, rows, kpis, week, school)
    _interventions_sheet(book.create_sheet(names("Interventions")), rows, kpis, week, school)
    _duties_sheet(book.create_sheet(names("Duties")), rows, week, school)
    _assignments_sheet(book.create_sheet(names("Assignments")), rows)
    text_stays_text(book)
    return book


def read_rota_workbook(path: str | Path) -> dict[str, Any]:
    """The assignment rows of a rota workbook (its Assignments sheet), as read_rota gives them.

    Meta, shortfalls and KPIs are re-derived by whoever needs them (the verifier, a
    re-solve's ``previous``); the workbook's Summary is for people.
    """
    name = str(path)
    values, _ = _open(Path(path), name, max_rows=MAX_ROTA_ROWS)
    ws = next((w for w in values.worksheets if w.title.lower() == "assignments"), None)
    if ws is None:
        raise InputError([Problem(name, "", "not a rota workbook: it has no Assignments sheet")])
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    header = [_header_text(v) for v in (grid[0] if grid else [])]
    missing = [f for f in _ASSIGNMENT_FIELDS if f not in header]
    if missing:
        raise InputError([Problem(f"{name}!{ws.title}!A1", "", f"columns missing: {', '.join(missing)}")])
    rows = []
    for values_row in grid[1:]:
        if all(_blank(v) for v in values_row):
            continue
        item = {
            f: (values_row[header.index(f)] if header.index(f) < len(values_row) else None) for f in _ASSIGNMENT_FIELDS
        }
        for key in ("staff", "day", "slot", "task", "mode", "room"):
            value = item[key]
            item[key] = None if _blank(value) else str(_number(value) if isinstance(value, float) else value).strip()
        item["pupils"] = [p.strip() for p in str(item["pupils"] or "").split(",") if p.strip()]
        rows.append(item)
    return {"meta": {}, "assignments": rows, "shortfalls": [], "kpis": {}}
