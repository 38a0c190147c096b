"""Reading a school workbook into the plain document a YAML file gives, with sheet!cell locations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tasched.errors import InputError, Problem, field_path
from tasched.input.model import PUPIL_NAME_KEYS
from tasched.input.when import nearest
from tasched.io.excel.cells import DocPath, Locate, _blank, _header_text, _put
from tasched.io.excel.convert import _convert, _Unreadable
from tasched.io.excel.safety import _open
from tasched.io.excel.sheets import _SHEET_BY_NAME, SHEETS, Column, Sheet
from tasched.io.labels import label
from tasched.io.loader import build_school

SCHOOL_SUFFIXES = (".yaml", ".yml", ".xlsx")


IGNORED_SHEETS = ("start here", "about", "notes", "readme", "help")


def read_workbook(path: Path) -> tuple[dict[str, Any], Locate]:
    """Read a school workbook into the plain document a YAML file gives, and a locate function.

    ``locate(path)`` names the cell of a document path, e.g. ``('staff', 2, 'hours')``
    -> ``school.xlsx!staff!C4`` (row 1 is the header). Raises InputError with every
    problem found: what cannot be read, together with the model's own problems.
    """
    name = str(path)
    values_book, formula_book = _open(Path(path), name)
    reader = _Reader(name, values_book, formula_book)
    raw = reader.read()
    if reader.problems:
        reader.raise_all(raw)
    return raw, reader.locate


class _Reader:
    def __init__(self, name: str, values: Workbook, formulas: Workbook | None) -> None:
        self.name = name
        self.values = values
        self.formulas = formulas
        self.cells: dict[DocPath, str] = {}
        self.problems: list[Problem] = []
        self.bad: set[str] = set()  # locations already reported: the model's problems there are dropped
        self.missing: list[re.Pattern[str]] = []  # fields whose "required" problems are covered

    # -- locations ---------------------------------------------------------------------------------

    def where(self, sheet: str, row: int, col: int = 1) -> str:
        return f"{self.name}!{sheet}!{get_column_letter(col)}{row}"

    def locate(self, path: DocPath) -> str:
        parts = tuple(path)
        while parts and parts not in self.cells:
            parts = parts[:-1]
        return self.cells.get(parts, self.name)

    def report(self, location: str, path: DocPath, message: str) -> None:
        self.problems.append(Problem(location, field_path(path), message))
        self.bad.add(location)

    def raise_all(self, raw: dict[str, Any]) -> None:
        """Raise the reading problems together with the model's problems elsewhere."""
        found = list(self.problems)
        try:
            build_school(raw, self.locate)
        except InputError as error:
            for problem in error.problems:
                covered = problem.location in self.bad or (
                    problem.message.startswith("required") and any(p.match(problem.field) for p in self.missing)
                )
                if not covered:
                    found.append(problem)
        raise InputError(list(dict.fromkeys(found)))

    # -- the workbook ----------------------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        found: dict[str, Worksheet] = {}
        for ws in self.values.worksheets:
            title = ws.title.strip().lower()
            if title in _SHEET_BY_NAME:
                if title in found:
                    self.report(
                        f"{self.name}!{ws.title}",
                        (title,),
                        f"two sheets are named '{title}' ('{found[title].title}' and '{ws.title}'); keep one",
                    )
                    continue
                found[title] = ws
            elif not (title.startswith(("_", "#")) or title in IGNORED_SHEETS):
                self._unknown_sheet(ws.title)
        raw: dict[str, Any] = {}
        for sheet in SHEETS:
            ws = found.get(sheet.name)
            if ws is None:
                if sheet.required:
                    self.report(
                        self.name,
                        sheet.path,
                        f"sheet '{sheet.name}' missing: add a sheet named {sheet.name} "
                        f"({sheet.about[:1].lower()}{sheet.about[1:].rstrip('.')}); "
                        "`tasched template` writes a workbook with every sheet",
                    )
                    for end in range(1, len(sheet.path) + 1):
                        self.missing.append(re.compile("^" + re.escape(field_path(sheet.path[:end])) + "$"))
                continue
            self.cells.setdefault(sheet.path, self.where(ws.title, 1))
            formula_ws = self.formulas[ws.title] if self.formulas is not None else None
            value = self._table(sheet, ws, formula_ws) if sheet.table else self._pairs(sheet, ws, formula_ws)
            if value or not sheet.optional:  # an optional section left blank is absent, not empty
                _put(raw, sheet.path, value, merge=True)
        return raw

    def _unknown_sheet(self, title: str) -> None:
        near = nearest(title.strip(), [s.name for s in SHEETS])
        if near:
            hint = f"did you mean '{near}'?"
        else:
            hint = (
                "the sheets are "
                + ", ".join(s.name for s in SHEETS)
                + "; a sheet of your own notes is kept if its name starts with _ (e.g. _notes)"
            )
        self.report(f"{self.name}!{title}", (), f"unknown sheet '{title}'; {hint}")

    def _merged(self, ws: Worksheet, sheet: Sheet) -> set[tuple[int, int]]:
        """Report merged cells; returns the cells they cover."""
        covered: set[tuple[int, int]] = set()
        for rng in ws.merged_cells.ranges:
            location = f"{self.name}!{ws.title}!{rng.coord}"
            if rng.min_row == 1 and sheet.table:
                message = (
                    f"header cells {rng.coord} are merged; unmerge them (Home > Merge & Center) "
                    "and give each column its own header"
                )
            else:
                message = (
                    f"cells {rng.coord} are merged; unmerge them (Home > Merge & Center) and "
                    "type the value into every cell it applies to"
                )
            self.report(location, sheet.path, message)
            for row in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    covered.add((row, col))
        return covered

    def _grid(self, ws: Worksheet) -> list[list[Any]]:
        return [list(row) for row in ws.iter_rows(values_only=True)]

    def _value(
        self,
        ws: Worksheet,
        formula_ws: Worksheet | None,
        row: int,
        col: int,
        raw: Any,
        column: Column,
        path: DocPath,
    ) -> Any:
        """A cell's value as the model wants it; None when blank or unreadable (reported)."""
        location = self.where(ws.title, row, col)
        if raw is None:
            formula = formula_ws.cell(row=row, column=col).value if formula_ws is not None else None
            if isinstance(formula, str) and formula.startswith("="):
                self.report(
                    location,
                    path,
                    f"the formula {formula} has no saved value (the file was not saved by a "
                    "spreadsheet program); open the file in Excel or LibreOffice and save it, "
                    "or type the value",
                )
            return None
        try:
            return _convert(raw, column)
        except _Unreadable as error:
            self.report(location, path, str(error))
            return None

    # -- table sheets: a header row, then one row per item ---------------------------------------

    def _table(self, sheet: Sheet, ws: Worksheet, formula_ws: Worksheet | None) -> list[dict[str, Any]]:
        grid = self._grid(ws)
        covered = self._merged(ws, sheet)
        if not grid:
            return []
        width = max(len(r) for r in grid)
        columns = self._header(sheet, ws, grid, covered, width)
        items: list[dict[str, Any]] = []
        for row_index, values in enumerate(grid[1:], start=2):
            if not all(_blank(v) for v in values):
                items.append(self._item(sheet, ws, formula_ws, (row_index, values), len(items), columns, covered))
        if items:
            self._missing_columns(sheet, ws, {c.key for c in columns.values()}, width)
        return items

    def _header(
        self, sheet: Sheet, ws: Worksheet, grid: list[list[Any]], covered: set[tuple[int, int]], width: int
    ) -> dict[int, Column]:
        """The columns row 1 names (column number -> Column); what it cannot name is reported."""
        header = grid[0]
        columns: dict[int, Column] = {}
        seen: dict[str, int] = {}
        for index in range(width):
            col = index + 1
            cell = header[index] if index < len(header) else None
            text = _header_text(cell)
            if not text:
                if (1, col) not in covered and any(index < len(r) and not _blank(r[index]) for r in grid[1:]):
                    self.report(
                        self.where(ws.title, 1, col),
                        sheet.path,
                        f"column {get_column_letter(col)} has values but no header; name it in row 1 or clear it",
                    )
                continue
            if text.startswith("#"):
                continue  # a column of the user's own notes
            column = sheet.column(text)
            location = self.where(ws.title, 1, col)
            if column is None:
                self._unknown_column(sheet, location, str(cell).strip())
                continue
            if column.key in seen:
                first = f"{get_column_letter(seen[column.key])}1"
                self.report(
                    location,
                    sheet.path,
                    f"column '{text}' appears twice (first in {first}); keep one",
                )
                continue
            seen[column.key] = col
            columns[col] = column
        return columns

    def _item(
        self,
        sheet: Sheet,
        ws: Worksheet,
        formula_ws: Worksheet | None,
        line: tuple[int, list[Any]],
        i: int,
        columns: dict[int, Column],
        covered: set[tuple[int, int]],
    ) -> dict[str, Any]:
        """One row of a table sheet as the i-th item, each cell's location noted."""
        row_index, values = line
        item_path: DocPath = (*sheet.path, i)
        self.cells[item_path] = self.where(ws.title, row_index)
        item: dict[str, Any] = {}
        for col, column in columns.items():
            path: DocPath = (*item_path, *column.path)
            self.cells[path] = self.where(ws.title, row_index, col)
            if len(column.path) > 1:
                self.cells.setdefault((*item_path, column.path[0]), self.where(ws.title, row_index, col))
            if (row_index, col) in covered:
                continue
            raw = values[col - 1] if col - 1 < len(values) else None
            value = self._value(ws, formula_ws, row_index, col, raw, column, path)
            if value is not None:
                _put(item, column.path, value)
        return item

    def _missing_columns(self, sheet: Sheet, ws: Worksheet, seen: set[str], width: int) -> None:
        """Report each required column the header lacks (its items' own "required" problems are then dropped)."""
        for column in sheet.columns:
            if column.required and column.key not in seen:
                self.report(
                    self.where(ws.title, 1, width + 1),
                    sheet.path,
                    f"column '{label(column.key)}' ({column.key}) is missing "
                    f"({column.description.rstrip('.')}); add it to row 1 of sheet {sheet.name}",
                )
                pattern = re.escape(field_path((*sheet.path, 0, *column.path))).replace(r"\[0\]", r"\[\d+\]")
                self.missing.append(re.compile(f"^{pattern}$"))

    def _unknown_column(self, sheet: Sheet, location: str, text: str) -> None:
        keys = [c.key for c in sheet.columns]
        near = nearest(_header_text(text), keys)
        hint = f"did you mean '{near}'?" if near else "the columns here are: " + ", ".join(keys)
        if sheet.name == "pupils" and _header_text(text) in PUPIL_NAME_KEYS:
            hint = (
                "pupils carry no names (special-category personal data, UK GDPR); use "
                "pseudonymous ids and keep names out of this file"
            )
        hint += "; a column of your own notes is kept if its header starts with #"
        self.report(location, sheet.path, f"unknown column '{text}'; {hint}")

    # -- key/value sheets: `field | value` rows ----------------------------------------------------

    def _pairs(self, sheet: Sheet, ws: Worksheet, formula_ws: Worksheet | None) -> dict[str, Any]:
        grid = self._grid(ws)
        covered = self._merged(ws, sheet)
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for row_index, values in enumerate(grid, start=1):
            key_cell = values[0] if values else None
            value_cell = values[1] if len(values) > 1 else None
            key = _header_text(key_cell)
            if row_index == 1 and key in ("field", "key", "setting"):
                continue
            if not key or key.startswith("#"):
                if not key and not _blank(value_cell) and (row_index, 2) not in covered:
                    self.report(
                        self.where(ws.title, row_index, 1),
                        sheet.path,
                        "this row has a value but no field name in column A",
                    )
                continue
            column = sheet.column(key)
            location = self.where(ws.title, row_index, 1)
            if column is None:
                keys = [c.key for c in sheet.columns]
                near = nearest(key, keys)
                hint = f"did you mean '{near}'?" if near else "the fields here are: " + ", ".join(keys)
                self.report(location, sheet.path, f"unknown field '{str(key_cell).strip()}'; {hint}")
                continue
            if key in seen:
                self.report(
                    location,
                    sheet.path,
                    f"'{key}' appears twice (first in row {seen[key]}); keep one",
                )
                continue
            seen[key] = row_index
            path: DocPath = (*sheet.path, *column.path)
            self.cells[path] = self.where(ws.title, row_index, 2)
            if len(column.path) > 1:
                self.cells.setdefault((*sheet.path, column.path[0]), self.where(ws.title, row_index, 2))
            if (row_index, 2) in covered:
                continue
            value = self._value(ws, formula_ws, row_index, 2, value_cell, column, path)
            if value is not None:
                _put(result, column.path, value)
        return result
