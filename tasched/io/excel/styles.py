"""The workbooks' look: fills, fonts, borders, named styles, header cells and print set-up."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")


_HEADER_FONT = Font(bold=True, color="FFFFFF")


_REQUIRED_FONT = Font(bold=True, color="FFD966")


_KEY_FILL = PatternFill("solid", fgColor="DDEBF7")


_THIN = Side(style="thin", color="BFBFBF")


_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


_CENTRE_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


_TITLE = Font(bold=True, size=14)


_BOLD = Font(bold=True)


def _named_styles(book: Workbook) -> None:
    """Register the cell styles used here (one named style per cell is faster than four parts)."""
    styles = (
        NamedStyle("tasched header", font=_HEADER_FONT, fill=_HEADER_FILL, border=_BOX,
                   alignment=Alignment(vertical="center")),
        NamedStyle("tasched required", font=_REQUIRED_FONT, fill=_HEADER_FILL, border=_BOX,
                   alignment=Alignment(vertical="center")),
        NamedStyle("tasched key", fill=_KEY_FILL, border=_BOX),
        NamedStyle("tasched key required", font=Font(bold=True), fill=_KEY_FILL, border=_BOX),
        NamedStyle("tasched value", border=_BOX, alignment=Alignment(horizontal="left")),
        NamedStyle("tasched about", font=Font(color="595959", size=9), alignment=_WRAP_TOP),
    )  # fmt: skip
    for style in styles:
        if style.name not in book.named_styles:
            book.add_named_style(style)


def _comment(text: str) -> Comment:
    comment = Comment(text, "tasched")
    comment.width = 320
    comment.height = max(80, 18 * (len(text) // 40 + 2))
    return comment


def _header(ws: Worksheet, col: int, text: str, note: str | None, required: bool = False) -> None:
    cell = ws.cell(row=1, column=col, value=text)
    cell.style = "tasched required" if required else "tasched header"
    if note:
        cell.comment = _comment(note)


def header_row(ws: Worksheet, columns: Sequence[tuple[str, float]]) -> None:
    """Row 1: the headings, bold white on blue and wrapped, each column at its width, tall enough to print."""
    for col, (heading, width) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=col, value=heading)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP_TOP
        ws.column_dimensions[get_column_letter(col)].width = width
    fit_row_height(ws)


def wrapped_row(ws: Worksheet, values: Sequence[Any]) -> None:
    """A row appended with its text wrapped at the top of each cell, tall enough to print whole."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        cell.alignment = _WRAP_TOP
    fit_row_height(ws, ws.max_row)


def fit_row_height(ws: Worksheet, row: int = 1) -> None:
    """A row of wrapped text tall enough for its longest cell: LibreOffice does not grow it when printing."""
    lines = 1
    for cell in ws[row]:
        width = ws.column_dimensions[get_column_letter(cell.column)].width or 13
        lines = max(lines, sum(_wrapped_lines(part, width) for part in str(cell.value or "").split("\n")))
    ws.row_dimensions[row].height = 15 * lines + 3


def _wrapped_lines(text: str, width: float) -> int:
    """Lines a text takes wrapped at words to `width` characters."""
    count, line = 1, 0
    for word in text.split():
        if line and line + 1 + len(word) > width:
            count, line = count + 1, len(word)
        else:
            line += len(word) + (1 if line else 0)
    return count


def print_wide(ws: Worksheet, pages_wide: int | None = None) -> None:
    """Landscape A4, the header row on every page, and `pages_wide` pages across (default: as many
    as stay readable)."""
    width = sum(ws.column_dimensions[get_column_letter(col)].width or 13 for col in range(1, ws.max_column + 1))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = pages_wide or max(1, math.ceil(width / 180))
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
