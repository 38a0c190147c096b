"""Hostile workbooks are refused quickly, in words, with exit 2 and bounded memory.

Each file is a valid school workbook with one part replaced: an entity-expansion
bomb ("billion laughs") in a sheet or the shared strings, an external entity (XXE),
a zip bomb (one huge part, or a part compressed far beyond any spreadsheet), and
sheets too long or too wide to read. Each runs through the real command line
(`tasched validate FILE`) in its own process, whose time and peak memory are measured.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from tasched.errors import InputError
from tasched.io.excel import MAX_ROWS, _sheet_titles, read_workbook
from tasched.io.formats import convert_school
from tests.conftest import SAMPLE_YAML

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 10.0  # a refusal is quick; generous for a shared 2-core machine (most take about 1 s)
# Peak memory above a plain `tasched validate` of the good workbook (the interpreter and
# its imports, OR-Tools among them, are some 500 MB before any file is read).
EXTRA_MEGABYTES = 150


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


def tasched_measured(*args: str | Path, cwd: Path) -> Run:
    """Run `tasched ARGS` in a fresh interpreter; its exit code, output, wall time and peak memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("TASCHED_DEBUG", None)
    out, err = cwd / "stdout.txt", cwd / "stderr.txt"
    started = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tasched", *map(str, args)], stdout=stdout, stderr=stderr, env=env, cwd=cwd
        )
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            process.returncode = 0  # reaped above; keep Popen from waiting again
    seconds = time.perf_counter() - started
    peak_mb = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return Run(
        os.waitstatus_to_exitcode(status),
        out.read_text("utf-8", errors="replace"),
        err.read_text("utf-8", errors="replace"),
        seconds,
        peak_mb,
    )


@pytest.fixture(scope="module")
def good_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("good")
    (folder / "school.yaml").write_text(SAMPLE_YAML, encoding="utf-8")
    convert_school(folder / "school.yaml", folder / "school.xlsx")
    return folder / "school.xlsx"


def rebuilt(good: Path, target: Path, replace: dict[str, bytes], level: int = 6) -> Path:
    """A copy of `good` with the parts in `replace` swapped (sheet names: the sheet's part)."""
    with zipfile.ZipFile(good) as source:
        titles = {title: part for part, title in _sheet_titles(source).items()}
        parts = {item.filename: source.read(item) for item in source.infolist()}
    for name, data in replace.items():
        parts[titles.get(name, name)] = data
    if "xl/sharedStrings.xml" in replace and b"sharedStrings" not in parts["[Content_Types].xml"]:
        # our workbooks have no shared strings (openpyxl writes them inline): declare the part
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + SHARED_STRINGS_TYPE + b'"/></Types>',
        )
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return target


SHARED_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHEET_HEAD = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
)
SHEET_TAIL = b"</sheetData></worksheet>"

LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""
SHARED_STRINGS_BOMB = (
    LAUGHS + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&lol9;</t></si></sst>"
)
SHEET_BOMB = LAUGHS + SHEET_HEAD[SHEET_HEAD.index(b"<worksheet") :].replace(b"<t>id</t>", b"<t>&lol9;</t>") + SHEET_TAIL
XXE_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + SHEET_HEAD.replace(b"<t>id</t>", b"<t>&xxe;</t>")
    + SHEET_TAIL
)


def utf16(xml: bytes) -> bytes:
    """The same XML in UTF-16: a byte scan for `<!DOCTYPE` misses it, the XML parser does not."""
    return xml.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode("utf-8").encode("utf-16")


def long_sheet(rows: int) -> bytes:
    body = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>S%d</t></is></c></row>' % (r, r, r) for r in range(2, rows + 2)
    )
    return SHEET_HEAD + body + SHEET_TAIL


def huge_part(megabytes: int) -> bytes:
    """A sheet whose XML is `megabytes` MB of blanks, which deflate to almost nothing."""
    return SHEET_HEAD + b" " * (megabytes * 1_000_000) + SHEET_TAIL


CASES: dict[str, tuple[Callable[[], dict[str, bytes]], str]] = {
    "laughs-in-shared-strings": (
        lambda: {"xl/sharedStrings.xml": SHARED_STRINGS_BOMB},
        "its part xl/sharedStrings.xml declares XML entities",
    ),
    "laughs-in-a-sheet": (lambda: {"staff": SHEET_BOMB}, "declares XML entities (a DOCTYPE)"),
    "external-entity": (lambda: {"staff": XXE_SHEET}, "declares XML entities (a DOCTYPE)"),
    # past the byte scan: defusedxml (through openpyxl) refuses, in tasched's words
    "laughs-in-utf16-shared-strings": (
        lambda: {"xl/sharedStrings.xml": utf16(SHARED_STRINGS_BOMB)},
        "declares XML entities (a DOCTYPE), which Excel never writes",
    ),
    "external-entity-in-utf16": (lambda: {"staff": utf16(XXE_SHEET)}, "which Excel never writes"),
    "zip-bomb-huge-part": (lambda: {"staff": huge_part(60)}, "unpacks to 60 MB, more than the 50 MB"),
    "zip-bomb-ratio": (lambda: {"staff": huge_part(10)}, "looks built to exhaust memory (a zip bomb)"),
    "fifty-thousand-rows": (lambda: {"staff": long_sheet(50_000)}, "sheet 'staff' has 50,001 rows, more than the"),
    "a-row-far-down": (
        lambda: {"staff": SHEET_HEAD + b'<row r="1000000"><c r="A1000000"><v>1</v></c></row>' + SHEET_TAIL},
        "sheet 'staff' has 1,000,000 rows",
    ),
    "a-column-far-right": (
        lambda: {"staff": SHEET_HEAD + b'<row r="2"><c r="XFD2"><v>1</v></c></row>' + SHEET_TAIL},
        "sheet 'staff' uses column XFD, beyond column",
    ),
}


@pytest.fixture(scope="module")
def baseline_mb(good_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> float:
    """Peak memory of validating the good workbook: what any run costs."""
    folder = tmp_path_factory.mktemp("baseline")
    shutil.copy(good_workbook, folder / "good.xlsx")
    run = tasched_measured("validate", "good.xlsx", cwd=folder)
    assert run.code == 0, run.stderr
    return run.peak_mb


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_workbook_is_refused(case: str, good_workbook: Path, baseline_mb: float, tmp_path: Path) -> None:
    make, expect = CASES[case]
    path = rebuilt(good_workbook, tmp_path / f"{case}.xlsx", make(), level=9)
    result = tasched_measured("validate", path.name, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert result.code == 2, f"exit {result.code}:\n{output}"
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"{path.name}: ")]
    assert any(expect in line for line in lines), result.stderr
    assert result.seconds < SECONDS, f"{result.seconds:.1f} s"
    assert result.peak_mb < baseline_mb + EXTRA_MEGABYTES, f"{result.peak_mb:.0f} MB against {baseline_mb:.0f} MB"


def test_the_good_workbook_is_still_read(good_workbook: Path, tmp_path: Path) -> None:
    raw, _ = read_workbook(good_workbook)
    assert [s["id"] for s in raw["staff"]] == ["amy", "ben", "cat"]


def test_a_long_but_real_sheet_is_read(good_workbook: Path, tmp_path: Path) -> None:
    """The limit leaves room for the largest school: MAX_ROWS rows are read, one more is refused."""
    ok = rebuilt(good_workbook, tmp_path / "ok.xlsx", {"staff": long_sheet(MAX_ROWS - 1)})
    with pytest.raises(InputError) as refused:
        read_workbook(ok)
    assert "more than the" not in str(refused.value)  # refused for its content (no role, no hours), not its size
    too_long = rebuilt(good_workbook, tmp_path / "long.xlsx", {"staff": long_sheet(MAX_ROWS)})
    with pytest.raises(InputError, match=f"has {MAX_ROWS + 1:,} rows"):
        read_workbook(too_long)


def test_defusedxml_guards_openpyxl() -> None:
    """openpyxl parses with defusedxml when it is installed (a dependency): entities are refused."""
    assert openpyxl.DEFUSEDXML is True
