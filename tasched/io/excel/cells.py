"""Small cell helpers shared by the readers and writers: header text, blanks, numbers, text kept text."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

DocPath = tuple[str | int, ...]


Locate = Callable[[DocPath], str]


LIST_SEPARATORS = re.compile(r"[,;\n]")


def _header_text(value: Any) -> str:
    """A header as a field name: trimmed, lower case, inner spaces as underscores."""
    if value is None:
        return ""
    text = str(value).strip().lower()
    return re.sub(r"\s*\.\s*", ".", re.sub(r"\s+", "_", text))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _put(target: dict[str, Any], path: Sequence[str], value: Any, merge: bool = False) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    if merge and isinstance(value, dict) and isinstance(target.get(path[-1]), dict):
        target[path[-1]].update(value)
    else:
        target[path[-1]] = value


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet (or a CSV saved from it) may take for the start of a formula."""


def text_stays_text(book: Workbook) -> None:
    """No text we write can be a formula: names and ids come from school files and are untrusted.

    Text starting ``=`` is stored as a string (openpyxl would write it as a formula),
    and any text starting ``= + - @`` tab or CR carries Excel's quote prefix (the
    apostrophe a person types), so editing the cell keeps it text. The value itself
    is unchanged: the school loader reads our own workbooks back to the same text.
    """
    for ws in book.worksheets:
        for cell in ws._cells.values():  # only the cells written (iter_rows would create the rest)
            value = cell.value
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                cell.data_type = "s"
                cell.quotePrefix = True


def _set(ws: Worksheet, row: int, col: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text
    return cell
