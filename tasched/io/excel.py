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
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from tasched.errors import InputError, Problem, field_path
from tasched.input.introspect import model_class, unwrap_type
from tasched.input.model import (
    NEED_CODES,
    Absence,
    Calendar,
    Class,
    Duty,
    Intervention,
    Lesson,
    Pin,
    Pupil,
    Room,
    Rules,
    School,
    SchoolData,
    Slot,
    Staff,
    Support,
)
from tasched.input.week import class_meetings, pupil_places, shape_of
from tasched.input.when import WhenError, nearest, parse_when
from tasched.io.colours import SEVERITY_COLOUR, TASK_KEY
from tasched.io.files import write_atomic
from tasched.io.labels import label
from tasched.io.loader import build_school, load_yaml_school
from tasched.solution.words import headline, severity, shortfall_headline, tier_label, tier_result

__all__ = [
    "SHEETS",
    "example_school_path",
    "read_rota_workbook",
    "read_workbook",
    "rota_workbook",
    "school_workbook",
    "write_rota_workbook",
    "write_school_workbook",
    "write_template",
]

DocPath = tuple[str | int, ...]
Locate = Callable[[DocPath], str]

SCHOOL_SUFFIXES = (".yaml", ".yml", ".xlsx")
LIST_SEPARATORS = re.compile(r"[,;\n]")
IGNORED_SHEETS = ("start here", "about", "notes", "readme", "help")
MAX_UNPACKED = 200_000_000
"""Largest a school workbook may unpack to, in bytes (a large secondary's is about 1 MB)."""
MAX_PART = 50_000_000
"""Largest one part of a workbook (a sheet's XML, the shared strings) may unpack to, in bytes."""
MAX_RATIO = 100
"""Highest compression ratio tolerated in a part over MAX_RATIO_FROM bytes (Excel's are about 10:1)."""
MAX_RATIO_FROM = 5_000_000
MAX_ROWS = 20_000
"""Most rows a school workbook's sheet may have (a large secondary's pupils sheet has about 2,000)."""
MAX_ROTA_ROWS = 200_000
"""Most rows a rota workbook's sheet may have (its Assignments sheet has a row per adult per slot)."""
MAX_COLUMNS = 200
"""Rightmost column a sheet may use (a school sheet has fewer than 40)."""
_PUPIL_NAMES = ("name", "first_name", "surname", "last_name", "full_name", "dob", "date_of_birth")

# --- the sheets and their columns, derived from the model ---------------------------------------


@dataclass(frozen=True)
class Column:
    """One field of a sheet: a column of a table sheet or a row of a key/value sheet."""

    key: str  # as written in the header: `hours`, `ehcp.hours`, `rotation.min_staff`
    path: tuple[str, ...]  # where in the item: ('ehcp', 'hours')
    kind: str  # text | number_text | int | float | bool | list | time | choice
    required: bool
    choices: tuple[str, ...] = ()
    description: str = ""
    default: Any = None


@dataclass(frozen=True)
class Sheet:
    """A sheet of the school workbook and where its data sits in the document."""

    name: str
    path: tuple[str, ...]  # ('staff',), ('calendar', 'slots')
    table: bool  # one row per item (True) or `field | value` rows (False)
    required: bool
    columns: tuple[Column, ...]
    about: str

    def column(self, key: str) -> Column | None:
        """The column a header names: its field name (`ehcp.hours`) or its label, any case."""
        return next((c for c in self.columns if key in (c.key, _header_text(label(c.key)))), None)


_EXTRA_NOTES = {
    "id": "An id: case-sensitive, unique in this sheet.",
    "teacher": "The class teacher (optional).",
    "room": "The class's room (optional).",
    "priority": "high | normal | low.",
    "need": "Census primary need code (optional): " + ", ".join(NEED_CODES) + ".",
}


def _kind(name: str, tp: Any) -> tuple[str, tuple[str, ...]]:
    """A column's kind and its choices, from the field's type."""
    tp = unwrap_type(tp)
    if name == "need":
        return "choice", NEED_CODES
    if get_origin(tp) is list:
        return "list", ()
    if get_origin(tp) is Literal:
        return "int", tuple(str(v) for v in get_args(tp))
    if get_origin(tp) in (Union, UnionType):
        return "number_text", ()  # str | int: `year: R` or `year: 3`
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "choice", tuple(str(member.value) for member in tp)
    if tp is bool:
        return "bool", ("yes", "no")
    if tp is int:
        return "int", ()
    if tp is float:
        return "float", ()
    return "text", ()


def _columns(model: type[BaseModel], prefix: tuple[str, ...] = (), skip: Sequence[str] = ()) -> list[Column]:
    columns: list[Column] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in skip:
            continue
        nested = model_class(info.annotation)
        if nested is not None:
            columns.extend(_columns(nested, (*prefix, key)))
            continue
        kind, choices = _kind(key, info.annotation)
        if model is Slot and key in ("start", "end"):
            kind = "time"
        default = None if info.is_required() or info.default_factory else info.default
        if info.default_factory is not None:
            made = info.default_factory()  # type: ignore[call-arg]
            default = made if made != [] else None
        if isinstance(default, Enum):
            default = default.value
        columns.append(
            Column(
                key=".".join((*prefix, key)),
                path=(*prefix, key),
                kind=kind,
                required=info.is_required() and not prefix,
                choices=choices,
                description=info.description or _EXTRA_NOTES.get(key, ""),
                default=default,
            )
        )
    return columns


def _sheets() -> tuple[Sheet, ...]:
    def table(
        name: str,
        model: type[BaseModel],
        about: str,
        path: tuple[str, ...] | None = None,
        required: bool = False,
    ) -> Sheet:
        return Sheet(name, path or (name,), True, required, tuple(_columns(model)), about)

    return (
        Sheet(
            "school",
            ("school",),
            False,
            True,
            tuple(_columns(School)),
            "The school: name, phase and the pay figures used for annual cost.",
        ),
        Sheet(
            "calendar",
            ("calendar",),
            False,
            False,
            tuple(_columns(Calendar, skip=("slots",))),
            "The school days and any slots closed this week.",
        ),
        table(
            "slots",
            Slot,
            "The day's slots, in time order, never overlapping.",
            ("calendar", "slots"),
            required=True,
        ),
        table("staff", Staff, "The adults the rota deploys: hours, availability and skills."),
        table("classes", Class, "Classes (primary, special) or teaching groups (secondary)."),
        table("lessons", Lesson, "Optional: when each class meets and what it studies."),
        table("support", Support, "Adult support wanted in classes."),
        table(
            "pupils",
            Pupil,
            "Only pupils the rota concerns, by pseudonymous id: EHC plans, medical cover, rotation overrides.",
        ),
        table("interventions", Intervention, "Structured interventions delivered out of class."),
        table("duties", Duty, "Duties: breakfast club, gate, break, lunch, clubs."),
        table("rooms", Room, "Rooms that interventions need."),
        Sheet(
            "rules",
            ("rules",),
            False,
            False,
            tuple(_columns(Rules)),
            "Defaults for the whole school; leave a value blank for its default.",
        ),
        table("pins", Pin, "Assignments that must stay."),
        table("absences", Absence, "This week's absences (a weekly re-solve)."),
    )


SHEETS: tuple[Sheet, ...] = _sheets()
_SHEET_BY_NAME = {sheet.name: sheet for sheet in SHEETS}


# --- reading a school workbook -------------------------------------------------------------------

_ERROR_VALUE = re.compile(r"^#(?:N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)$")
_TIME_TEXT = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)
_NUMBER_TEXT = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_EXCEL_EPOCH_DAYS = (dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1))
_TRUE = ("yes", "y", "true", "t", "1")
_FALSE = ("no", "n", "false", "f", "0")


class _Unreadable(Exception):
    """A cell whose value cannot be used; the message says why and how to fix it."""


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


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d+)[\"']")
_CELL_COLUMN = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr\s*=\s*[\"']([A-Za-z]+)\d+[\"']")
_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SCAN_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


@dataclass
class _SheetScan:
    """What a worksheet's XML holds, counted while streaming it (never held whole)."""

    rows: int = 0  # the number of <row> elements, or the highest row number, whichever is larger
    columns: int = 0  # the rightmost column a cell names
    formulas: bool = False


def _scan_sheet(archive: zipfile.ZipFile, member: str) -> _SheetScan:
    scan = _SheetScan()
    carry = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            data = carry + chunk
            cut = data.rfind(b">") + 1  # whole tags only; the rest waits for the next chunk
            if cut == 0 and len(data) < _SCAN_CHUNK:
                carry = data
                continue
            body, carry = (data[:cut], data[cut:]) if cut else (data, b"")
            for match in _ROW_TAG.finditer(body):
                scan.rows += 1
                number = _ROW_NUMBER.search(match.group(1))
                if number and len(number.group(1)) < 12:
                    scan.rows = max(scan.rows, int(number.group(1)))
            for match in _CELL_COLUMN.finditer(body):
                if len(match.group(1)) > 3:
                    scan.columns = max(scan.columns, 1 << 20)
                else:
                    scan.columns = max(scan.columns, _column_number(match.group(1)))
            scan.formulas = scan.formulas or _FORMULA_TAG.search(body) is not None
    return scan


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> the sheet's title, e.g. 'xl/worksheets/sheet2.xml' -> 'staff' (best effort)."""
    from defusedxml import ElementTree

    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # the names are only for messages; openpyxl reports a damaged workbook
        return {}
    targets: dict[str, str] = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id", "")] = target
    titles: dict[str, str] = {}
    for element in book.iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet":
            rid = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), "")
            if rid in targets:
                titles[targets[rid]] = element.get("name", "")
    return titles


def _check_archive(archive: zipfile.ZipFile, max_rows: int) -> tuple[str | None, bool]:
    """Refuse, before openpyxl reads it, a workbook that would take too long or too much memory.

    Returns (what is wrong and the fix, or None; whether a sheet has formulas).
    Declared sizes bind: zipfile stops a part at its declared size (and then fails its CRC).
    """
    members = archive.infolist()
    unpacked = sum(item.file_size for item in members)
    if unpacked > MAX_UNPACKED:
        return (
            f"the workbook unpacks to {unpacked / 1e6:.0f} MB, more than the "
            f"{MAX_UNPACKED / 1e6:.0f} MB tasched reads; a school workbook is far smaller: "
            "check that this is the school file"
        ), False
    for item in members:
        if item.file_size > MAX_PART:
            return (
                f"its part {item.filename} unpacks to {item.file_size / 1e6:.0f} MB, more than the "
                f"{MAX_PART / 1e6:.0f} MB tasched reads in one part (a whole school workbook is about 1 MB); "
                "check that this is the school file"
            ), False
        ratio = item.file_size / max(item.compress_size, 1)
        if item.file_size > MAX_RATIO_FROM and ratio > MAX_RATIO:
            return (
                f"its part {item.filename} is compressed {ratio:.0f} to 1 ({item.file_size / 1e6:.0f} MB "
                f"unpacked), far more than a spreadsheet ever is: it looks built to exhaust memory (a zip "
                "bomb), so tasched does not open it; check where the file came from"
            ), False
    for item in members:
        if item.filename.lower().endswith((".xml", ".rels", ".vml")):
            with archive.open(item) as stream:
                head = stream.read(64 * 1024)
            if _DOCTYPE.search(head):
                return _DTD_MESSAGE.format(part=f"its part {item.filename}"), False
    titles = _sheet_titles(archive)
    formulas = False
    for item in members:
        if not (item.filename.startswith("xl/worksheets/") and item.filename.endswith(".xml")):
            continue
        scan = _scan_sheet(archive, item.filename)
        formulas = formulas or scan.formulas
        title = titles.get(item.filename)
        sheet = f"sheet '{title}'" if title else f"the sheet in {item.filename}"
        if scan.rows > max_rows:
            return (
                f"{sheet} has {scan.rows:,} rows, more than the {max_rows:,} tasched reads (a school's "
                "longest sheet has a few thousand); delete the unused rows below the table (select "
                "them, right-click, Delete), or check that this is the school file"
            ), False
        if scan.columns > MAX_COLUMNS:
            return (
                f"{sheet} uses column {get_column_letter(min(scan.columns, 16384))}, beyond column "
                f"{get_column_letter(MAX_COLUMNS)}, the last tasched reads; delete the unused columns "
                "right of the table (select them, right-click, Delete)"
            ), False
    return None, formulas


_DTD_MESSAGE = (
    "{part} declares XML entities (a DOCTYPE), which Excel never writes and which can "
    "make a reader expand text without end or fetch other files; tasched does not open it: "
    "open the file in Excel or LibreOffice and save it as an Excel Workbook (.xlsx), or check "
    "where it came from"
)


def _open(file: Path, name: str, max_rows: int = MAX_ROWS) -> tuple[Workbook, Workbook | None]:
    """The workbook with formulas' saved values, and (only when it has formulas) with formulas."""
    from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

    def fail(message: str) -> InputError:
        return InputError([Problem(name, "", message)])

    try:
        with zipfile.ZipFile(file) as archive:
            refused, has_formulas = _check_archive(archive, max_rows)
        if refused:
            raise fail(refused)
        values = openpyxl.load_workbook(file, data_only=True)
        formulas = openpyxl.load_workbook(file, data_only=False) if has_formulas else None
    except FileNotFoundError:
        raise fail("no such file") from None
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        EOFError,
        SyntaxError,  # xml.etree.ElementTree.ParseError, e.g. expat's own entity-expansion limit
    ) as error:
        # openpyxl wraps what defusedxml raises in a ValueError of its own
        cause: BaseException | None = error
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, ExternalReferenceForbidden):
            raise fail(
                "it refers to an outside file or address in its XML (an external entity), which Excel "
                "never writes and which can leak files from this computer; tasched does not open it: "
                "open the file in Excel or LibreOffice and save it as an Excel Workbook (.xlsx), or "
                "check where it came from"
            ) from None
        if isinstance(cause, EntitiesForbidden | DTDForbidden | DefusedXmlException):
            raise fail(_DTD_MESSAGE.format(part="one of its parts")) from None
        raise fail(
            "cannot be read as an Excel workbook: it is damaged, password-protected, or an old "
            ".xls file renamed; open it in Excel and save it as an Excel Workbook (.xlsx)"
        ) from None
    return values, formulas


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
        header = grid[0]
        width = max(len(r) for r in grid)
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
        items: list[dict[str, Any]] = []
        for row_index, values in enumerate(grid[1:], start=2):
            if all(_blank(v) for v in values):
                continue
            i = len(items)
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
            items.append(item)
        if items:
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
        return items

    def _unknown_column(self, sheet: Sheet, location: str, text: str) -> None:
        keys = [c.key for c in sheet.columns]
        near = nearest(_header_text(text), keys)
        hint = f"did you mean '{near}'?" if near else "the columns here are: " + ", ".join(keys)
        if sheet.name == "pupils" and _header_text(text) in _PUPIL_NAMES:
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


def _describe(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return repr(value)


def _convert(value: Any, column: Column) -> Any:
    """A cell's value as the model wants it (None for a blank cell); raises _Unreadable."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if _ERROR_VALUE.match(value):
            raise _Unreadable(f"the cell shows the error {value}; fix the formula or type the value")
    kind = column.kind
    if kind == "time":
        return _time(value)
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise _Unreadable(
            f"the spreadsheet turned this into a date or time ({_describe(value)}); format the "
            "cell as Text (Format Cells > Text) and type the value again"
        )
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return bool(value) if value in (0, 1) else value
        lowered = str(value).lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return value
    if kind in ("int", "float"):
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d*)?", value) else value
            if kind == "float" and text.endswith("%") and _NUMBER_TEXT.match(text[:-1].strip()):
                return float(text[:-1]) / 100
            if _NUMBER_TEXT.match(text):
                return _number(float(text))
            return value
        return _number(value) if kind == "int" or isinstance(value, int) else value
    if kind == "list":
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return [str(_number(value))]
        return [item.strip() for item in LIST_SEPARATORS.split(str(value)) if item.strip()]
    if kind == "number_text":
        return _number(value) if isinstance(value, float) else value
    if kind == "choice":
        if isinstance(value, str):
            lowered = value.lower()
            match = next((c for c in column.choices if c.lower() == lowered), None)
            return match or value
        return value
    # text
    if isinstance(value, float | int) and not isinstance(value, bool):
        return str(_number(value))
    return value


def _time(value: Any) -> Any:
    """An Excel time, date-and-time, day fraction or text as `HH:MM`."""
    minutes: int | None = None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time() and value.date() not in _EXCEL_EPOCH_DAYS:
            raise _Unreadable(f"{value.date().isoformat()} is a date, not a time; type the time as HH:MM, e.g. 09:15")
        value = value.time()
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        minutes = round(seconds / 60)
        if abs(seconds - minutes * 60) > 1:
            raise _Unreadable(f"{value.isoformat()} has seconds; a slot time is whole minutes, e.g. 09:15")
    elif isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
    elif isinstance(value, bool):
        raise _Unreadable(f"{value} is not a time; type it as HH:MM, e.g. 09:15")
    elif isinstance(value, int | float):
        if not 0 <= value < 1:
            raise _Unreadable(
                f"{_number(value)} is a number, not a time; type it as HH:MM, e.g. 09:15 (or format the cell as Time)"
            )
        minutes = round(value * 24 * 60)
    elif isinstance(value, str):
        match = _TIME_TEXT.match(value)
        if not match:
            return value  # the model says what is wrong with it
        hours, mins, secs, half = match.groups()
        h, m = int(hours), int(mins)
        if secs and int(secs):
            raise _Unreadable(f"{value!r} has seconds; a slot time is whole minutes, e.g. 09:15")
        if half:
            if not 1 <= h <= 12:
                return value
            h = h % 12 + (12 if half.lower().startswith("p") else 0)
        if h > 23 or m > 59:
            return value
        minutes = h * 60 + m
    if minutes is None:
        return value
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- writing a school workbook ---------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_REQUIRED_FONT = Font(bold=True, color="FFD966")
_KEY_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="BFBFBF")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_VALIDATION_ROWS = 1000


def example_school_path() -> Path:
    """The worked example school (a one-form-entry primary) that `template --example` fills in."""
    here = Path(__file__).resolve().parent
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
    _text_stays_text(book)
    return book


def _cell_text(value: Any, column: Column) -> Any:
    """A model value as a cell value that reads back the same."""
    if value is None:
        return None
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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet (or a CSV saved from it) may take for the start of a formula."""


def _text_stays_text(book: Workbook) -> None:
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


def _comment(text: str) -> Comment:
    comment = Comment(text, "tasched")
    comment.width = 320
    comment.height = max(80, 18 * (len(text) // 40 + 2))
    return comment


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


def _header(ws: Worksheet, col: int, text: str, note: str | None, required: bool = False) -> None:
    cell = ws.cell(row=1, column=col, value=text)
    cell.style = "tasched required" if required else "tasched header"
    if note:
        cell.comment = _comment(note)


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
    _print_wide(ws)


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
    _print_wide(ws)


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
    _print_wide(ws)


def _print_wide(ws: Worksheet) -> None:
    """Landscape A4, the header row on every page, and as many pages across as stay readable."""
    width = sum(ws.column_dimensions[get_column_letter(col)].width or 13 for col in range(1, ws.max_column + 1))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = max(1, math.ceil(width / 180))
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


# --- the rota workbook -------------------------------------------------------------------------

# (kind, label, fill colour): each cell of a grid is coloured by its task's kind
# The workbook's cell kinds and their colours: the same key as the HTML page (io/colours.py).
_EXCEL_KIND = {"ehc": "in_class"}  # the workbook calls EHC support in class `in_class`
ROTA_KINDS: tuple[tuple[str, str, str], ...] = tuple(
    (_EXCEL_KIND.get(kind, kind), legend, colour) for kind, legend, colour in TASK_KEY if kind != "closed"
)
_KIND_FILL = {kind: PatternFill("solid", fgColor=colour) for kind, _, colour in ROTA_KINDS}
_DAY_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CENTRE_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)


def write_rota_workbook(rota: dict[str, Any], path: str | Path, school: SchoolData | None = None) -> None:
    """Write a rota as a workbook (see rota_workbook); atomically."""
    book = rota_workbook(rota, school)
    write_atomic(path, book.save)


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
        cells = {key: (_adult_cell(items, school), _row_kind(items[0])) for key, items in by_adult[staff_id].items()}
        _grid_sheet(ws, heading, line, week, cells, week.off.get(staff_id, set()))

    _class_sheets(book, names, rows, kpis, week, school)
    _pupil_sheets(book, names, rows, kpis, week, school)
    _interventions_sheet(book.create_sheet(names("Interventions")), rows, kpis, week, school)
    _duties_sheet(book.create_sheet(names("Duties")), rows, week, school)
    _assignments_sheet(book.create_sheet(names("Assignments")), rows)
    _text_stays_text(book)
    return book


def _adult_line(stats: dict[str, Any]) -> str:
    if not stats:
        return ""
    parts = [
        f"contracted {stats.get('contracted_hours', 0):g} h",
        f"assigned {stats.get('assigned_hours', 0):g} h",
    ]
    if stats.get("extra_hours"):
        parts.append(f"extra (paid on top) {stats['extra_hours']:g} h")
    if stats.get("overtime_hours"):
        parts.append(f"overtime {stats['overtime_hours']:g} h")
    parts.append(f"idle {stats.get('idle_minutes', 0)} min")
    parts.append(f"{stats.get('duties', 0)} duty slots")
    return " · ".join(parts)


def _join(items: Iterable[Any]) -> str:
    return ", ".join(str(i) for i in dict.fromkeys(items))


def _adult_cell(items: list[dict[str, Any]], school: SchoolData | None) -> str:
    first = items[0]
    kind = _row_kind(first)
    target = str(first.get("task", "")).partition(":")[2]
    if kind in ("in_class", "withdrawn"):
        pupils = _join(str(r.get("task", "")).partition(":")[2] for r in items)
        return f"EHC {pupils}\n({'withdrawn' if kind == 'withdrawn' else 'in class'})"
    if kind == "class":
        return f"Class {target}"
    if kind == "intervention":
        text = target
        if school:
            programme = next((i.programme for i in school.interventions if i.id == target), None)
            if programme and programme != target:
                text = f"{programme} ({target})"
        pupils = _join(first.get("pupils") or [])
        room = first.get("room")
        return text + (f"\n{pupils}" if pupils else "") + (f" · {room}" if room else "")
    if kind == "duty":
        if school:
            name = next((d.name for d in school.duties if d.id == target), None)
            if name:
                return f"Duty: {name}"
        return f"Duty: {target}"
    if kind == "liaison":
        if school:
            name = next((t.name for t in school.teachers if t.id == target), None)
            if name:
                return f"Meet {target} ({name})\nliaison"
        return f"Meet {target}\nliaison"
    if kind == "cover":
        return f"Cover {target}\n(teacher away)"
    return "Free"


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


def _summary_sheet(ws: Worksheet, rota: dict[str, Any], school: SchoolData | None) -> None:
    meta: dict[str, Any] = rota.get("meta") or {}
    kpis: dict[str, Any] = rota.get("kpis") or {}
    cost = kpis.get("cost") or {}
    for letter, width in zip("ABCDEFGH", (22, 14, 14, 14, 14, 12, 12, 70), strict=True):
        ws.column_dimensions[letter].width = width
    title = "TA rota" + (f": {school.school.name}" if school else "")
    ws.cell(row=1, column=1, value=title).font = _TITLE
    shortfalls = rota.get("shortfalls") or []
    level = "critical" if any(severity(str(x.get("task", ""))) == "critical" for x in shortfalls) else "warning"
    top = ws.cell(row=2, column=1, value=shortfall_headline(shortfalls))
    background, text = SEVERITY_COLOUR[level if shortfalls else "ok"]
    top.font = Font(bold=True, color=text)
    top.fill = PatternFill("solid", fgColor=background)
    gap = meta.get("gap")
    facts: list[tuple[str, Any]] = [
        ("result", headline(meta)),
        *((tier_label(t), tier_result(t).split(": ", 1)[-1]) for t in meta.get("tiers") or []),
        ("weekly cost (£)", cost.get("weekly")),
        ("annual cost (£)", cost.get("annual")),
        ("shortfalls", len(shortfalls)),
    ]
    # Solver figures, for whoever supports the tool: last, and labelled as such.
    figures: list[tuple[str, Any]] = [
        ("solver status", meta.get("status")),
        ("solver gap", f"{gap:.1%}" if isinstance(gap, int | float) else "—"),
        ("solver objective", meta.get("objective")),
        ("seconds", meta.get("seconds")),
        ("seed", meta.get("seed")),
        ("workers", meta.get("workers")),
        ("tasched version", meta.get("version")),
        ("input", meta.get("input_digest")),
    ]
    row = 4
    for key, value in facts:
        ws.cell(row=row, column=1, value=key).font = _BOLD
        cell = _set(ws, row, 2, value if not isinstance(value, dict | list) else str(value))
        if "cost" in key:
            cell.number_format = "£#,##0.00"
        cell.alignment = Alignment(horizontal="left")
        row += 1
    for warning in meta.get("warnings") or []:
        ws.cell(row=row, column=1, value="warning").font = Font(bold=True, color="9C5700")
        ws.cell(row=row, column=2, value=str(warning))
        row += 1
    row += 1
    row = _section(ws, row, "Shortfalls: what could not be covered, and why")
    if shortfalls:
        row = _table(
            ws,
            row,
            ("task", "required", "delivered", "unit", "reason"),
            (
                (
                    s.get("task"),
                    s.get("required"),
                    s.get("delivered"),
                    s.get("unit"),
                    s.get("reason"),
                )
                for s in shortfalls
            ),
            last_span=4,
        )
        first = row - 1 - len(shortfalls)  # _table returns two rows after its last
        for i, shortfall in enumerate(shortfalls):
            background, _ = SEVERITY_COLOUR[severity(str(shortfall.get("task", "")))]
            for column in range(1, 6):  # the reason's merged cells take the fill of their first
                ws.cell(row=first + i, column=column).fill = PatternFill("solid", fgColor=background)
    else:
        ws.cell(row=row, column=1, value="none: every demand is met")
        row += 2
    pupils = kpis.get("pupils") or {}
    if pupils:
        row = _section(ws, row, "EHC plans")
        row = _table(
            ws,
            row,
            ("pupil", "hours required", "hours delivered", "distinct adults", "largest share"),
            (
                (
                    p,
                    k.get("ehc_hours_required"),
                    k.get("ehc_hours_delivered"),
                    k.get("distinct_adults"),
                    k.get("largest_share"),
                )
                for p, k in pupils.items()
            ),
        )
    interventions = kpis.get("interventions") or {}
    if interventions:
        row = _section(ws, row, "Interventions")
        row = _table(
            ws,
            row,
            ("intervention", "sessions required", "sessions delivered"),
            ((i, k.get("sessions_required"), k.get("sessions_delivered")) for i, k in interventions.items()),
        )
    classes = kpis.get("classes") or {}
    if classes:
        row = _section(ws, row, "Class support (adult-slots)")
        row = _table(
            ws,
            row,
            ("class", "required", "delivered", "coverage"),
            ((c, k.get("support_required"), k.get("support_delivered"), k.get("coverage")) for c, k in classes.items()),
        )
    staff = kpis.get("staff") or {}
    if staff:
        row = _section(ws, row, "Staff")
        row = _table(
            ws,
            row,
            (
                "adult",
                "contracted h",
                "assigned h",
                "extra h",
                "overtime h",
                "idle min",
                "duty slots",
            ),
            (
                (
                    a,
                    k.get("contracted_hours"),
                    k.get("assigned_hours"),
                    k.get("extra_hours"),
                    k.get("overtime_hours"),
                    k.get("idle_minutes"),
                    k.get("duties"),
                )
                for a, k in staff.items()
            ),
        )
    row = _legend(ws, row)
    _solver_figures(ws, row + 1, figures)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _solver_figures(ws: Worksheet, row: int, figures: list[tuple[str, Any]]) -> None:
    """The solver's own figures, at the foot of the Summary, for whoever supports the tool."""
    ws.cell(row=row, column=1, value="Solver figures (for support)").font = Font(italic=True, color="666666")
    for key, value in figures:
        row += 1
        ws.cell(row=row, column=1, value=key).font = Font(color="666666")
        _set(ws, row, 2, value if not isinstance(value, dict | list) else str(value)).font = Font(color="666666")


def _class_sheets(
    book: Workbook,
    names: _Names,
    rows: list[dict[str, Any]],
    kpis: dict[str, Any],
    week: _Week,
    school: SchoolData | None,
) -> None:
    """One grid per class: the adults supporting it, and EHC support given in it."""
    class_ids = list(
        dict.fromkeys(
            [c.id for c in school.classes]
            if school
            else [
                *(kpis.get("classes") or {}),
                *(str(r["task"])[6:] for r in rows if str(r["task"]).startswith("class:")),
            ]
        )
    )
    place: dict[tuple[str, str, str], str] = {}  # (pupil, day, slot) -> class
    if school is not None:
        shape = shape_of(school)
        for pupil, where in pupil_places(school, class_meetings(school, shape)).items():
            for (d, s), class_id in where.items():
                place[pupil, shape.days[d], shape.slots[s]] = class_id
    cells: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for row in rows:
        kind, _, target = str(row["task"]).partition(":")
        key = (str(row["day"]), str(row["slot"]))
        if kind == "class":
            cells[target][key].append(str(row["staff"]))
            kinds[target].setdefault(key, "class")
        elif kind == "pupil" and row.get("mode") != "withdrawn":
            home = place.get((target, *key))
            if home:
                cells[home][key].append(f"{row['staff']} → {target}")
                kinds[home].setdefault(key, "in_class")
    for class_id in class_ids:
        stats = (kpis.get("classes") or {}).get(class_id, {})
        line = (
            f"class support: {stats.get('support_delivered', 0)} of {stats.get('support_required', 0)} adult-slots"
            if stats
            else ""
        )
        grid = {key: ("\n".join(items), kinds[class_id][key]) for key, items in cells[class_id].items()}
        _grid_sheet(
            book.create_sheet(names(f"Class {class_id}")),
            f"Class {class_id}",
            line,
            week,
            grid,
            set(),
        )


def _pupil_sheets(
    book: Workbook,
    names: _Names,
    rows: list[dict[str, Any]],
    kpis: dict[str, Any],
    week: _Week,
    school: SchoolData | None,
) -> None:
    """One grid per pupil with support: who gave their EHC support when, and their interventions."""
    pupil_kpis: dict[str, Any] = kpis.get("pupils") or {}
    involved = [*pupil_kpis]
    for row in rows:
        kind, _, target = str(row["task"]).partition(":")
        if kind == "pupil":
            involved.append(target)
        elif kind == "intervention":
            involved.extend(str(p) for p in row.get("pupils") or [])
    wanted = set(involved)
    if school is not None:
        wanted |= {p.id for p in school.pupils if p.ehcp is not None}
        order = [p.id for p in school.pupils if p.id in wanted]
    else:
        order = list(dict.fromkeys(involved))
    cells: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    given: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # slots, minutes
    for row in rows:
        kind, _, target = str(row["task"]).partition(":")
        key = (str(row["day"]), str(row["slot"]))
        staff = str(row["staff"])
        if kind == "pupil":
            mode = "withdrawn" if row.get("mode") == "withdrawn" else "in class"
            cells[target][key].append(f"{staff} ({mode})")
            kinds[target].setdefault(key, _row_kind(row))
            given[target][staff][0] += 1
            given[target][staff][1] += week.minutes.get(key[1], 0)
        elif kind == "intervention":
            for pupil in row.get("pupils") or []:
                cells[str(pupil)][key].append(f"{target} with {staff}")
                kinds[str(pupil)].setdefault(key, "intervention")
    for pupil in order:
        stats = pupil_kpis.get(pupil, {})
        line = ""
        if stats:
            line = (
                f"EHC hours: {stats.get('ehc_hours_delivered', 0):g} delivered of "
                f"{stats.get('ehc_hours_required', 0):g} required · "
                f"{stats.get('distinct_adults', 0)} adults · "
                f"largest share {stats.get('largest_share', 0):.0%}"
            )
        ws = book.create_sheet(names(f"Pupil {pupil}"))
        grid = {key: ("\n".join(items), kinds[pupil][key]) for key, items in cells[pupil].items()}
        at = _grid_sheet(ws, f"Pupil {pupil}", line, week, grid, set(), legend=False)
        at = _section(ws, at, "Who gave the EHC support")
        body = [
            (staff, slots, round(minutes / 60, 2) if minutes else None)
            for staff, (slots, minutes) in sorted(given[pupil].items(), key=lambda kv: -kv[1][0])
        ]
        end = _table(ws, at, ("adult", "slots", "hours"), body or [("none", 0, 0)])
        end = _legend(ws, end)
        ws.print_area = f"A1:{get_column_letter(max(len(week.slots) + 1, 8))}{end}"


def _interventions_sheet(
    ws: Worksheet,
    rows: list[dict[str, Any]],
    kpis: dict[str, Any],
    week: _Week,
    school: SchoolData | None,
) -> None:
    ws.cell(row=1, column=1, value="Interventions").font = _TITLE
    programmes = {i.id: i.programme for i in school.interventions} if school else {}
    stats = kpis.get("interventions") or {}
    row = 3
    if stats:
        row = _table(
            ws,
            row,
            ("intervention", "programme", "sessions required", "sessions delivered"),
            (
                (i, programmes.get(i, ""), k.get("sessions_required"), k.get("sessions_delivered"))
                for i, k in stats.items()
            ),
        )
    sessions = sorted(
        (r for r in rows if str(r["task"]).startswith("intervention:")),
        key=lambda r: (str(r["task"]), *_when_key(week, r)),
    )
    row = _section(ws, row, "Sessions")
    _table(
        ws,
        row,
        ("intervention", "programme", "day", "slot", "adult", "pupils", "room"),
        (
            (
                str(r["task"])[13:],
                programmes.get(str(r["task"])[13:], ""),
                r["day"],
                r["slot"],
                r["staff"],
                _join(r.get("pupils") or []),
                r.get("room") or "",
            )
            for r in sessions
        ),
    )
    for letter, width in zip("ABCDEFG", (18, 22, 10, 10, 10, 30, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    _print_wide(ws)
    ws.print_title_rows = None


def _when_key(week: _Week, row: dict[str, Any]) -> tuple[int, int]:
    day, slot = str(row["day"]), str(row["slot"])
    return (
        week.days.index(day) if day in week.days else len(week.days),
        week.slots.index(slot) if slot in week.slots else len(week.slots),
    )


def _duties_sheet(ws: Worksheet, rows: list[dict[str, Any]], week: _Week, school: SchoolData | None) -> None:
    ws.cell(row=1, column=1, value="Duties").font = _TITLE
    names = {d.id: d.name for d in school.duties} if school else {}
    wanted = {d.id: d.staff for d in school.duties} if school else {}
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in rows:
        if str(r["task"]).startswith("duty:"):
            grouped[str(r["task"])[5:], str(r["day"]), str(r["slot"])].append(str(r["staff"]))
    order = sorted(grouped, key=lambda k: (k[0], *_when_key(week, {"day": k[1], "slot": k[2]})))
    _table(
        ws,
        3,
        ("duty", "name", "day", "slot", "adults", "wanted"),
        ((d, names.get(d, ""), day, slot, _join(grouped[d, day, slot]), wanted.get(d, "")) for d, day, slot in order),
    )
    for letter, width in zip("ABCDEF", (16, 32, 10, 10, 30, 10), strict=True):
        ws.column_dimensions[letter].width = width
    _print_wide(ws)
    ws.print_title_rows = None


_ASSIGNMENT_FIELDS = ("staff", "day", "slot", "task", "mode", "pupils", "room")


def _assignments_sheet(ws: Worksheet, rows: list[dict[str, Any]]) -> None:
    for j, name in enumerate(_ASSIGNMENT_FIELDS, start=1):
        _header(ws, j, name, None)
    for i, r in enumerate(rows, start=2):
        for j, name in enumerate(_ASSIGNMENT_FIELDS, start=1):
            value = r.get(name)
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            if value not in (None, ""):
                _set(ws, i, j, value)
    for letter, width in zip("ABCDEFG", (10, 8, 8, 26, 11, 28, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{max(len(rows) + 1, 2)}"
    _print_wide(ws)


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
