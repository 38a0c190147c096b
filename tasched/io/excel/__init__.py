"""Excel workbooks: a school file as a workbook (read, write, template) and the rota workbook.

A school workbook carries the same model as a YAML school file (format.md):

- ``school``, ``calendar`` and ``rules`` are two-column sheets, ``field | value``
  (rules use dotted keys such as ``rotation.min_staff`` and ``solver.time_limit``);
- ``slots`` holds ``calendar.slots``, one row per slot;
- every other list (``staff``, ``classes``, ``lessons``, ``support``, ``pupils``,
  ``interventions``, ``duties``, ``rooms``, ``pins``, ``absences``) is a sheet of the
  same name with a header row and one row per item; lists are comma-separated
  text and nested fields are ``ehcp.hours`` style columns.

Reading (:func:`read_workbook`) gives the plain document a YAML file gives plus a
``locate`` function naming the cell of any path, e.g. ``school.xlsx!staff!C7``; the
loader then validates it like YAML. Cells are read the way a person means them:
blank rows are skipped, text is trimmed, numbers stored as text are numbers,
Excel times (or a fraction of a day, or a date-and-time) in a time column are
``HH:MM``, yes/no are booleans. What cannot be read (a merged header, a formula
without a saved value, a date where text is meant) is reported at its cell.

Writing: :func:`write_school_workbook` (``tasched convert``, ``tasched template``)
and :func:`write_rota_workbook` (``tasched solve -o ROTA.xlsx``). Every output is
written atomically.

The package's modules: sheets (the sheets and columns, from the model), read and convert
(the school workbook reader), safety (hostile-file checks before openpyxl reads a file),
write_school (template and school workbook), rota_book with rota_grid, rota_summary and
rota_sheets (the rota workbook), and cells and styles (small shared helpers).
"""

from __future__ import annotations

from tasched.io.excel.cells import LIST_SEPARATORS, DocPath, Locate
from tasched.io.excel.cells import text_stays_text as text_stays_text
from tasched.io.excel.read import IGNORED_SHEETS, SCHOOL_SUFFIXES, read_workbook
from tasched.io.excel.rota_book import read_rota_workbook, rota_workbook, write_rota_workbook
from tasched.io.excel.rota_grid import ROTA_KINDS
from tasched.io.excel.safety import (
    MAX_COLUMNS,
    MAX_PART,
    MAX_RATIO,
    MAX_RATIO_FROM,
    MAX_ROTA_ROWS,
    MAX_ROWS,
    MAX_UNPACKED,
)
from tasched.io.excel.safety import _sheet_titles as _sheet_titles
from tasched.io.excel.sheets import SHEETS, Column, Sheet
from tasched.io.excel.write_school import _check_output as _check_output
from tasched.io.excel.write_school import example_school_path, school_workbook, write_school_workbook, write_template

__all__ = [
    "IGNORED_SHEETS",
    "LIST_SEPARATORS",
    "MAX_COLUMNS",
    "MAX_PART",
    "MAX_RATIO",
    "MAX_RATIO_FROM",
    "MAX_ROTA_ROWS",
    "MAX_ROWS",
    "MAX_UNPACKED",
    "ROTA_KINDS",
    "SCHOOL_SUFFIXES",
    "SHEETS",
    "Column",
    "DocPath",
    "Locate",
    "Sheet",
    "example_school_path",
    "read_rota_workbook",
    "read_workbook",
    "rota_workbook",
    "school_workbook",
    "write_rota_workbook",
    "write_school_workbook",
    "write_template",
]
