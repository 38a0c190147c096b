"""Bad input: every realistic mistake gets exit 2 and a message naming the place and the fix.

tests/bad/ is a corpus of school files, each with one mistake a school might make:
typos in field names, wrong types, missing sections, impossible times, unknown ids,
clashing lessons, duplicate ids, broken YAML, alias bombs. Each file starts with

    # expect: <text the message must contain>
    # line: <the line the message must name>

and the real command line (`tasched validate FILE`, each in its own process) must
exit 2, print `FILE:LINE: ...expected text...` on stderr and never a traceback. Files
that cannot be kept in the corpus (empty, binary, not UTF-8, very large) are made
here in a temporary folder, and so are Excel workbooks with the mistakes of
spreadsheets (merged cells, blank rows, formulas, dates where times are meant).

To keep this fast, one interpreter imports tasched once and forks a child process
per file, each running the command line's entry point (`tasched.cli.main`) with
its own stdout and stderr; where fork is unavailable each file gets a fresh
`python -m tasched`. The timing tests (very large files) always use a fresh one.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).resolve().parent / "bad"
CORPUS = sorted(BAD.glob("*.yaml"))
HEADER = re.compile(r"\A# expect: (?P<expect>.+)\n# line: (?P<line>\d+)\n")


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str
    seconds: float


def tasched(*args: str | Path, cwd: Path = ROOT, timeout: float = 60) -> Result:
    """Run the real command line in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("TASCHED_DEBUG", None)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tasched", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=cwd,
        timeout=timeout,
    )
    return Result(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)


DRIVER = r"""
import json, os, sys
import tasched.cli
try:
    import tasched.io.excel  # imported once, before forking
except ImportError:
    pass
jobs, folder = json.load(sys.stdin)
running = {}
codes = {}
limit = max(2, os.cpu_count() or 2)
def reap():
    pid, status = os.wait()
    codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)
for index, (args, cwd) in enumerate(jobs):
    while len(running) >= limit:
        reap()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(cwd)
            for fd, suffix in ((1, "out"), (2, "err")):
                target = os.open(os.path.join(folder, f"{index}.{suffix}"), os.O_WRONLY | os.O_CREAT, 0o600)
                os.dup2(target, fd)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
            code = 0
            try:
                tasched.cli.main(args)
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            code = 99
        os._exit(code)
    running[pid] = index
while running:
    reap()
json.dump([codes[i] for i in range(len(jobs))], sys.stdout)
"""
"""Runs many command lines, each in a process forked from one that has imported tasched."""


def tasched_many(jobs: list[tuple[list[str], Path]], tmp: Path) -> list[Result]:
    """Run `tasched ARGS` in folder CWD for each job, each in its own process; their results."""
    if not hasattr(os, "fork"):
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            return list(pool.map(lambda job: tasched(*job[0], cwd=job[1]), jobs))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("TASCHED_DEBUG", None)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", DRIVER],
        input=json.dumps([[[args, str(cwd)] for args, cwd in jobs], str(tmp)]),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    codes = json.loads(done.stdout)
    seconds = time.perf_counter() - started

    def read(name: str) -> str:
        return (tmp / name).read_bytes().decode("utf-8", errors="replace")

    return [Result(code, read(f"{i}.out"), read(f"{i}.err"), seconds) for i, code in enumerate(codes)]


def header(path: Path) -> tuple[str, int]:
    """The expected message text and line a corpus file declares."""
    match = HEADER.match(path.read_text(encoding="utf-8"))
    assert match, f"{path.name} must start with `# expect: ...` and `# line: N` lines"
    return match["expect"], int(match["line"])


def assert_clean_refusal(result: Result, location: str, expect: str) -> str:
    """Exit 2, the problem line names `location` and says `expect`; no traceback anywhere."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert result.code == 2, f"exit {result.code}, expected 2:\n{output}"
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"{location}: ")]
    assert any(expect in line for line in lines), f"no line `{location}: ...{expect}...` in:\n{result.stderr}"
    assert re.search(r"✗ .+: \d+ problems?$", result.stderr.strip()), result.stderr
    return next(line for line in lines if expect in line)


# --- the corpus ---------------------------------------------------------------------------


def test_corpus_is_large_and_well_formed() -> None:
    assert len(CORPUS) >= 30
    for path in CORPUS:
        expect, line = header(path)
        assert expect.strip() and line >= 1


def test_corpus_files_are_refused_by_the_api_too() -> None:
    """tasched.load raises InputError (never anything else) for every corpus file."""
    import tasched
    from tasched.errors import InputError

    for path in CORPUS:
        expect, line = header(path)
        with pytest.raises(InputError) as caught:
            tasched.load(str(path))
        assert any(p.location == f"{path}:{line}" and expect in str(p) for p in caught.value.problems), (
            f"{path.name}: {caught.value}"
        )


# --- files that cannot live in the corpus ----------------------------------------------------

UNREADABLE = {
    "empty": (b"", 1, "the file is empty"),
    "blank": (b"\n  \n\t\n", 1, "the file is empty"),
    "utf16": ("school:\n  name: Oak\n".encode("utf-16"), 1, "UTF-16"),
    "latin1": (b"school:\n  name: Caf\xe9 Primary\n", 2, "not UTF-8 text: byte 0xe9"),
    "random-bytes": (bytes(range(256)) * 8, 1, "this is a binary file"),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(200), 1, "a PNG image"),
    "zip": (b"PK\x03\x04" + bytes(100), 1, "a workbook must be named .xlsx"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 1, "a PDF document"),
    "control-char": (b"school:\n  name: Oak\x07Tree\n", 2, "U+0007 at column 12"),
    "nul-char": (b"school:\n  name: Oak\x00Tree\n", 2, "U+0000"),
}
NOT_A_SCHOOL = {
    "missing.yaml": "no such file",
    "school.json": "cannot read '.json' files",
    "school.xls": "cannot read '.xls' files",
    "school.csv": "cannot read '.csv' files",
    "folder": "is a folder",
}


def test_very_large_file_fails_fast(tmp_path: Path) -> None:
    """A 20 MB file is refused by its size, before it is read, in well under a few seconds."""
    path = tmp_path / "huge.yaml"
    row = "  - {id: S%07d, role: TA2, hours: 30, skills: [first_aid, team_teach]}\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("school: {name: Huge, phase: secondary}\nstaff:\n")
        for i in range(20_000_000 // len(row % 0)):
            handle.write(row % i)
    assert path.stat().st_size > 19_000_000
    result = tasched("validate", path.name, cwd=tmp_path)
    assert_clean_refusal(result, path.name, "larger than the 10 MB tasched reads")
    # Refused before reading: the time is the interpreter's start with OR-Tools (1-2 s), not the file.
    assert result.seconds < 10, f"took {result.seconds:.1f} s"


def test_large_but_real_school_validates_in_seconds(tmp_path: Path) -> None:
    """Ten copies of the St Paul's secondary in one file (1 MB) validate in a few seconds."""
    path = tmp_path / "ten-secondaries.yaml"
    path.write_text(yaml.safe_dump(ten_secondaries(), sort_keys=False, width=200), encoding="utf-8")
    result = tasched("validate", path.name, cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert "280 staff, 5010 classes, 550 pupils" in result.stdout
    assert result.seconds < 20, f"took {result.seconds:.1f} s"


def ten_secondaries(copies: int = 10) -> dict[str, object]:
    """The St Paul's example repeated `copies` times with suffixed ids: one very large school."""
    school = yaml.safe_load((ROOT / "examples" / "secondary-stpauls.yaml").read_text("utf-8"))
    out: dict[str, object] = {key: school[key] for key in ("school", "calendar", "rules")}
    lists: dict[str, list[dict[str, object]]] = {}
    renames = {
        "staff": {"id"}, "classes": {"id"}, "lessons": {"class"}, "support": {"class"},
        "pupils": {"id", "classes"}, "interventions": {"id", "pupils"}, "duties": {"id"},
        "rooms": {"id"},
    }  # fmt: skip
    for key, fields in renames.items():
        rows = lists.setdefault(key, [])
        for i in range(copies):
            for row in school.get(key, []):
                row = {k: v for k, v in row.items() if k not in ("prefer", "teacher")}  # teachers not copied
                for field in fields:
                    value = row[field]
                    row[field] = [f"{v}~{i}" for v in value] if isinstance(value, list) else f"{value}~{i}"
                rows.append(row)
    out.update(lists)
    return out


# --- Excel workbooks ------------------------------------------------------------------------

BASE = """\
school:
  name: Oak Tree Primary
  phase: primary
calendar:
  days: [Mon, Tue, Wed, Thu, Fri]
  slots:
    - {id: REG, start: "08:45", end: "09:00", kind: registration}
    - {id: P1, start: "09:00", end: "10:00", kind: lesson}
    - {id: BRK, start: "10:00", end: "10:15", kind: break}
    - {id: P2, start: "10:15", end: "11:15", kind: lesson}
    - {id: LUN, start: "12:00", end: "13:00", kind: lunch}
    - {id: P3, start: "13:00", end: "14:30", kind: lesson}
  closed: Fri P3
staff:
  - {id: S1, role: HLTA, hours: 32.5, skills: [first_aid, team_teach]}
  - {id: S2, role: TA2, hours: 20, available: Mon-Wed, skills: [neli, team_teach]}
classes:
  - {id: Y3, year: 3}
  - {id: Y4, year: 4}
support:
  - {class: Y3, when: Mon-Fri P1-P2}
pupils:
  - {id: P001, classes: [Y4], need: ASD, ehcp: {hours: 5, mode: in_class, skills: [team_teach]}}
  - {id: P002, classes: [Y3]}
interventions:
  - {id: neli-y3, programme: NELI, pupils: [P002], sessions: 3, minutes: 30, skills: [neli],
     room_kind: quiet}
duties:
  - {id: lunch, name: Lunch supervision, when: LUN, staff: 1, any_skills: [first_aid]}
rooms:
  - {id: R1, kind: quiet}
"""
"""The school every corpus file and workbook case starts from: valid, with a rota to find."""

HAVE_EXCEL = importlib.util.find_spec("tasched.io.excel") is not None
needs_excel = pytest.mark.skipif(not HAVE_EXCEL, reason="tasched.io.excel (the .xlsx reader) is not importable yet")
Book = Any  # an openpyxl Workbook
Change = Callable[[Book], str | None]  # edits the book; returns the cell it broke (sheet!A1)


def _col(ws: Any, header: str) -> int:
    """The column number of a field's header in row 1 (its label, or the field name itself)."""
    from tasched.io.labels import label

    return next(c.column for c in ws[1] if c.value in (header, label(header)))


def _cell(book: Book, sheet: str, header: str, row: int, value: Any) -> str:
    """Set the cell under `header` in `row` of `sheet`; returns its reference."""
    from openpyxl.utils import get_column_letter

    ws = book[sheet]
    col = _col(ws, header)
    ws.cell(row=row, column=col).value = value
    return f"{sheet}!{get_column_letter(col)}{row}"


def _rename_header(book: Book, sheet: str, header: str, new: str) -> str:
    return _cell(book, sheet, header, 1, new)


def _merge(book: Book, sheet: str, cells: str) -> str:
    book[sheet].merge_cells(cells)
    return f"{sheet}!{cells}"


def _blank_rows_then(book: Book) -> str:
    """Blank rows are skipped, but a mistake after them is named at its real row."""
    book["staff"].insert_rows(3, amount=3)
    return _cell(book, "staff", "hours", 6, -20)


def _delete_sheet(book: Book, name: str) -> None:
    del book[name]


def _pupil_name_column(book: Book) -> str:
    from openpyxl.utils import get_column_letter

    ws = book["pupils"]
    col = ws.max_column + 1
    ws.cell(row=1, column=col).value = "name"
    ws.cell(row=2, column=col).value = "Amelia Jones"
    return f"pupils!{get_column_letter(col)}1"


EXCEL_CASES: dict[str, tuple[Change, str]] = {
    "typo-header": (
        lambda b: _rename_header(b, "staff", "hours", "hour"),
        "unknown column 'hour'; did you mean 'hours'?",
    ),
    "text-for-number": (
        lambda b: _cell(b, "staff", "hours", 2, "thirty"),
        "must be a number, not 'thirty'",
    ),
    "missing-sheet": (lambda b: _delete_sheet(b, "slots"), "sheet 'slots' missing: add a sheet"),
    "unknown-sheet": (
        lambda b: (b.create_sheet("Staf"), "Staf")[1],
        "unknown sheet 'Staf'; did you mean 'staff'?",
    ),
    "merged-cells": (lambda b: _merge(b, "staff", "C2:C3"), "are merged; unmerge them"),
    "merged-header": (lambda b: _merge(b, "staff", "E1:F1"), "header cells E1:F1 are merged"),
    "blank-rows": (_blank_rows_then, "must be greater than 0, not -20"),
    "formula-without-value": (
        lambda b: _cell(b, "staff", "hours", 2, "=30+2.5"),
        "the formula =30+2.5 has no saved value",
    ),
    "error-value": (lambda b: _cell(b, "staff", "hours", 3, "#REF!"), "shows the error #REF!"),
    "date-for-time": (
        lambda b: _cell(b, "slots", "start", 3, dt.datetime(2025, 9, 1)),
        "2025-09-01 is a date, not a time",
    ),
    "date-for-text": (
        lambda b: _cell(b, "classes", "id", 2, dt.datetime(2025, 3, 4)),
        "the spreadsheet turned this into a date",
    ),
    "number-for-time": (lambda b: _cell(b, "slots", "start", 3, 9), "9 is a number, not a time"),
    "impossible-time": (lambda b: _cell(b, "slots", "end", 7, "25:00"), "is not a time"),
    "unknown-id": (lambda b: _cell(b, "pupils", "classes", 2, "Y9"), "unknown class 'Y9'"),
    "duplicate-id": (lambda b: _cell(b, "staff", "id", 3, "S1"), "duplicate id 'S1'"),
    "clashing-classes": (
        lambda b: _cell(b, "pupils", "classes", 2, "Y4, Y3"),
        "which both meet at",
    ),
    "typo-choice": (
        lambda b: _cell(b, "pupils", "ehcp.mode", 2, "inclass"),
        "did you mean 'in_class'?",
    ),
    "pupil-name-column": (_pupil_name_column, "pupils carry no names"),
}


def base_workbook() -> Book:
    """The base school as a workbook, written by tasched itself."""
    from tasched.io.excel import school_workbook
    from tasched.io.loader import build_school, parse_yaml

    doc = parse_yaml(BASE, "base.yaml")
    return school_workbook(build_school(doc.data, doc.locate, doc.problems))


# --- every validation, run at once -----------------------------------------------------------


@dataclass(frozen=True)
class Case:
    path: Path  # the file to validate (run from its folder, by name)
    location: str  # the place the problem must name; "" for a valid file
    expect: str  # what the problem must say


def all_cases(folder: Path) -> dict[str, Case]:
    """Every file `tasched validate` is run on here, written into `folder` where made here."""

    def place(name: str, file: str) -> Path:
        (folder / name).mkdir(parents=True, exist_ok=True)
        return folder / name / file

    cases: dict[str, Case] = {}
    for path in CORPUS:
        expect, line = header(path)
        cases[f"corpus/{path.stem}"] = Case(path, f"{path.name}:{line}", expect)
    for name, (content, line, expect) in UNREADABLE.items():
        path = place(f"unreadable-{name}", "school.yaml")
        path.write_bytes(content)
        cases[f"unreadable/{name}"] = Case(path, f"school.yaml:{line}", expect)
    for name, expect in NOT_A_SCHOOL.items():
        path = place(f"not-{name}", name)
        if name == "folder":
            path.mkdir()
        elif name != "missing.yaml":
            path.write_text("school: {}\n", encoding="utf-8")
        cases[f"not-a-school/{name}"] = Case(path, name, expect)
    path = place("base", "base.yaml")
    path.write_text(BASE, encoding="utf-8")
    cases["base"] = Case(path, "", "")
    if HAVE_EXCEL:
        book = base_workbook()
        book["staff"].insert_rows(3, amount=2)  # blank rows are fine
        path = place("valid-workbook", "school.xlsx")
        book.save(path)
        cases["valid-workbook"] = Case(path, "", "")
        for name, (change, expect) in EXCEL_CASES.items():
            book = base_workbook()
            cell = change(book)
            path = place(f"workbook-{name}", "school.xlsx")
            book.save(path)
            cases[f"workbook/{name}"] = Case(path, f"school.xlsx!{cell}" if cell else "school.xlsx", expect)
        path = place("yaml-named-xlsx", "school.xlsx")
        path.write_text(BASE, encoding="utf-8")
        cases["workbook/not-a-workbook"] = Case(path, "school.xlsx", "cannot be read as an Excel workbook")
    return cases


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Case, Result]]:
    """`tasched validate` on every case, each in its own process, all at once."""
    folder = tmp_path_factory.mktemp("cases")
    cases = all_cases(folder)
    outputs = tmp_path_factory.mktemp("outputs")
    jobs = [(["validate", case.path.name], case.path.parent) for case in cases.values()]
    results = tasched_many(jobs, outputs)
    return {name: (case, result) for (name, case), result in zip(cases.items(), results, strict=True)}


def check(validated: dict[str, tuple[Case, Result]], name: str) -> None:
    case, result = validated[name]
    if not case.location:
        assert result.code == 0, result.stdout + result.stderr
        assert "is valid" in result.stdout
        return
    assert_clean_refusal(result, case.location, case.expect)
    assert result.stdout == "", "nothing is printed on stdout for an invalid file"


@pytest.mark.parametrize("name", [p.stem for p in CORPUS])
def test_corpus_file_is_refused_at_its_line(name: str, validated: dict[str, tuple[Case, Result]]) -> None:
    check(validated, f"corpus/{name}")


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_file(name: str, validated: dict[str, tuple[Case, Result]]) -> None:
    check(validated, f"unreadable/{name}")


@pytest.mark.parametrize("name", sorted(NOT_A_SCHOOL))
def test_not_a_school_file(name: str, validated: dict[str, tuple[Case, Result]]) -> None:
    check(validated, f"not-a-school/{name}")


def test_base_school_is_valid(validated: dict[str, tuple[Case, Result]]) -> None:
    """The corpus's mistakes are mistakes: the school they start from is valid."""
    check(validated, "base")


@needs_excel
def test_valid_workbook_validates(validated: dict[str, tuple[Case, Result]]) -> None:
    check(validated, "valid-workbook")


@needs_excel
@pytest.mark.parametrize("name", [*sorted(EXCEL_CASES), "not-a-workbook"])
def test_bad_workbook(name: str, validated: dict[str, tuple[Case, Result]]) -> None:
    check(validated, f"workbook/{name}")
