"""Writing a school workbook: the template, `tasched convert`, and the worked example."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tasched.errors import InputError, Problem
from tasched.input.model import (
    SchoolData,
)
from tasched.io.excel.cells import LIST_SEPARATORS, _set, text_stays_text
from tasched.io.excel.sheets import SHEETS, Column, Sheet
from tasched.io.excel.styles import _BOLD, _header, _named_styles, print_wide
from tasched.io.files import write_atomic
from tasched.io.labels import label
from tasched.io.loader import load_yaml_school

_VALIDATION_ROWS = 1000


def example_school_path() -> Path:
    """The worked example school (a one-form-entry primary) that `template --example` fills in."""
    here = Path(__file__).resolve().parent.parent  # tasched/io
    for candidate in (
        here / "templates" / "primary-1fe.yaml",
        here.parent.parent / "examples" / "primary-1fe.yaml",
    ):
        if candidate.exists():
            return candidate
    raise InputError(
        [
            Problem(
                "",
                "",
                "the example school (examples/primary-1fe.yaml) is not installed with this copy",
            )
        ]
    )


def write_template(path: str | Path, *, example: bool = False, overwrite: bool = False) -> None:
    """Write a school workbook to fill in (empty, or with the worked example school)."""
    target = Path(path)
    _check_output(target, (".xlsx",), "a template is an Excel workbook", overwrite)
    data = None
    if example:
        data = load_yaml_school(example_school_path())
    write_school_workbook(data, target)


def _check_output(target: Path, suffixes: Sequence[str], what: str, overwrite: bool) -> None:
    if target.suffix.lower() not in suffixes:
        raise InputError([Problem(str(target), "", f"{what}; give a file name ending {' or '.join(suffixes)}")])
    if target.is_dir():
        raise InputError([Problem(str(target), "", "is a folder; give a file name")])
    if target.exists() and not overwrite:
        raise InputError(
            [
                Problem(
                    str(target),
                    "",
                    "already exists; choose another name, or pass --force to replace it",
                )
            ]
        )


def write_school_workbook(data: SchoolData | None, path: str | Path) -> None:
    """Write a school as a workbook that read_workbook reads back equal; None: a blank one."""
    book = school_workbook(data)
    write_atomic(path, book.save)


def school_workbook(data: SchoolData | None) -> Workbook:
    """A school as a workbook: an `about` sheet, then a sheet per section, notes and drop-downs."""
    doc: dict[str, Any] = {}
    if data is not None:
        doc = data.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_unset=True)
        doc.setdefault("calendar", {})["days"] = list(data.calendar.days)
        held = {sheet.path[0] for sheet in SHEETS}
        left = sorted(key for key, value in doc.items() if key not in held and value not in (None, [], {}))
        if left:  # never a workbook that silently drops a section
            raise InputError(
                [
                    Problem("", key, "this section has no sheet in a workbook yet; keep this school as YAML")
                    for key in left
                ]
            )
    book = Workbook()
    _named_styles(book)
    about = book.active
    assert about is not None
    about.title = "Start here"
    _about_sheet(about, data)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        value: Any = doc
        for part in sheet.path:
            value = value.get(part, {}) if isinstance(value, dict) else {}
        if sheet.table:
            _write_table(ws, sheet, value if isinstance(value, list) else [])
        else:
            _write_pairs(ws, sheet, value if isinstance(value, dict) else {})
    text_stays_text(book)
    return book


def _cell_text(value: Any, column: Column) -> Any:
    """A model value as a cell value that reads back the same."""
    if value is None:
        return None
    if column.kind == "fade" and isinstance(value, dict):
        return ", ".join(
            f"{key}={value[key]:g}" if isinstance(value[key], float) else f"{key}={value[key]}" for key in value
        )
    if isinstance(value, list):
        for item in value:
            if LIST_SEPARATORS.search(str(item)):
                raise InputError(
                    [
                        Problem(
                            "",
                            column.key,
                            f"{item!r} contains a comma or semicolon, which a workbook list cannot hold; rename it",
                        )
                    ]
                )
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _note(column: Column) -> str:
    lines = [column.description or column.key]
    if column.required:
        lines.append("Required.")
    elif column.default not in (None, ""):
        default = column.default
        shown = "yes" if default is True else "no" if default is False else default
        if isinstance(default, list):
            shown = ", ".join(str(d) for d in default)
        lines.append(f"Optional; blank means {shown}.")
    else:
        lines.append("Optional.")
    if column.kind == "list":
        lines.append("A list: comma-separated, e.g. first_aid, team_teach.")
    elif column.kind == "time":
        lines.append("A time, HH:MM (24-hour), e.g. 09:15.")
    if column.choices:
        lines.append("One of: " + ", ".join(column.choices) + " (drop-down).")
    return " ".join(lines)


def _validation(column: Column) -> DataValidation | None:
    if not column.choices:
        return None
    # Only a fixed set of words is enforced; need codes may be any case, yes/no may be
    # TRUE/FALSE and numbers are compared as text by some spreadsheets: a warning there.
    strict = column.kind == "choice" and column.key != "need"
    return DataValidation(
        type="list",
        formula1='"' + ",".join(column.choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=f"{column.key}",
        error=f"{column.key} is one of: {', '.join(column.choices)}",
    )


def _write_table(ws: Worksheet, sheet: Sheet, items: list[dict[str, Any]]) -> None:
    widths: dict[int, int] = {}
    for col, column in enumerate(sheet.columns, start=1):
        _header(ws, col, label(column.key), f"{_note(column)} (Field: {column.key}.)", column.required)
        widths[col] = min(len(label(column.key)) + 3, 28)
        validation = _validation(column)
        if validation is not None:
            letter = get_column_letter(col)
            validation.add(f"{letter}2:{letter}{max(_VALIDATION_ROWS, len(items) + 200)}")
            ws.add_data_validation(validation)
    for row, item in enumerate(items, start=2):
        for col, column in enumerate(sheet.columns, start=1):
            value: Any = item
            for part in column.path:
                value = value.get(part) if isinstance(value, dict) else None
            text = _cell_text(value, column)
            if text is not None:
                _set(ws, row, col, text)
                widths[col] = max(widths[col], len(str(text)) + 2)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width, 8), 48)
    ws.freeze_panes = "B2" if sheet.columns and sheet.columns[0].key == "id" else "A2"
    if items:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(items) + 1}"
    print_wide(ws)


def _write_pairs(ws: Worksheet, sheet: Sheet, values: dict[str, Any]) -> None:
    _header(ws, 1, "field", "The field's name; do not change it.")
    _header(ws, 2, "value", "The value; leave it blank for the default (see the notes column).")
    _header(ws, 3, "about", "What the field means (this column is not read).")
    widest = 12
    for row, column in enumerate(sheet.columns, start=2):
        key = ws.cell(row=row, column=1, value=column.key)
        key.style = "tasched key required" if column.required else "tasched key"
        value: Any = values
        for part in column.path:
            value = value.get(part) if isinstance(value, dict) else None
        text = _cell_text(value, column)
        cell = _set(ws, row, 2, text)
        cell.style = "tasched value"
        widest = max(widest, len(str(text)) + 2 if text is not None else 0)
        ws.cell(row=row, column=3, value=f"{label(column.key)}. {_note(column)}").style = "tasched about"
        validation = _validation(column)
        if validation is not None:
            validation.add(f"B{row}")
            ws.add_data_validation(validation)
    ws.column_dimensions["A"].width = max(len(c.key) for c in sheet.columns) + 4
    ws.column_dimensions["B"].width = min(widest, 60)
    ws.column_dimensions["C"].width = 80
    ws.freeze_panes = "A2"
    print_wide(ws)


def _about_sheet(ws: Worksheet, data: SchoolData | None) -> None:
    """The first sheet: a walk-through for whoever fills the workbook in."""
    title = ws.cell(row=1, column=1, value="Your school's week for tasched: start here")
    title.font = Font(bold=True, size=14)
    lines = [
        (
            data.school.name
            if data
            else "Fill in the sheets in this order; hover over a column header to see what it means."
        ),
        "",
        "Step 1. school: the school's name and phase, and the pay figures used for annual costs.",
        "Step 2. calendar and slots: the days, then each slot of the day in time order (registration, lessons, "
        "break, lunch), with start and end times as HH:MM.",
        "Step 3. staff: one row per teaching assistant: contracted hours a week, skills and training, when they work.",
        "Step 4. classes (and lessons, for a secondary timetable): the classes or teaching groups.",
        "Step 5. pupils: one row per pupil with support, by a pseudonymous id (never a name), with their EHC plan "
        "hours and any medical cover they need.",
        "Step 6. support, interventions, duties and rooms: the class support wanted, the intervention programmes, "
        "the duties and the rooms for withdrawn sessions.",
        "Step 7. rules, pins and absences: leave rules as they are unless you know you need a change; absences are "
        "this week's.",
        "Step 8. Save the workbook, then check it: tasched validate SCHOOL.xlsx  (every mistake is listed with its "
        "sheet and cell, and how to fix it).",
        "Step 9. Build the rota: tasched solve SCHOOL.xlsx -o rota.xlsx --html rota.html",
        "",
        "Good to know:",
        "Lists are comma-separated (first_aid, team_teach). Times are HH:MM (09:15). yes/no columns take yes or no. "
        "Leave a cell blank for its default.",
        "When-expressions name slots: * (all week), Mon, Mon-Wed, P1, P1-P3, a slot kind (lesson, break, lunch, "
        "registration, before_school, after_school), Mon P1, Tue-Thu P4-P5, or several joined by commas.",
        "Tasks (pins, staff prefer): class:ID, pupil:ID, intervention:ID, duty:ID or free.",
        "This sheet, and any sheet whose name starts with _ , is not read; nor is a column whose header starts with #.",
        "",
        "The sheets:",
    ]
    lines += [f"  {sheet.name}: {sheet.about}" for sheet in SHEETS]
    for row, text in enumerate(lines, start=2):
        cell = ws.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if text.startswith("Step"):
            cell.font = _BOLD if text.startswith(("Step 8", "Step 9")) else Font()
    ws.column_dimensions["A"].width = 120
    print_wide(ws)
