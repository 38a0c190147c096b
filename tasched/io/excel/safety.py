"""Hostile files: a workbook is checked (zip sizes and ratios, DTDs, rows and columns) before openpyxl reads it."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from tasched.errors import InputError, Problem

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
