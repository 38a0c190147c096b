"""Text from a school file is only ever text: in the HTML report and in the workbooks we write.

Staff names, class teachers, duty and programme names come from whoever typed the
school file. In the report they are escaped (and a real browser shows them as text,
running nothing); in a workbook, text that a spreadsheet would take for a formula
(starting = + - @, tab or CR) is stored as a string with Excel's quote prefix, and
our own loader reads it back unchanged.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from tasched.input.model import SchoolData
from tasched.io.excel import write_rota_workbook
from tasched.io.formats import convert_school, load_school
from tasched.io.loader import build_school, parse_yaml
from tasched.io.report import render_html_report, write_html_report
from tests.test_report import ROTA, SCHOOL, _chromium, _run_chromium

IMG = "<img src=x onerror=alert(1)>"
IMG_TITLE = "<img src=x onerror=\"document.title='PWNED'\">"
SCRIPT = "<script>window.__pwned=1</script>"
SCHOOL_NAME = "Oak <script>document.title='PWNED'</script>"
HYPERLINK = '=HYPERLINK("http://x","y")'
PLUS = "+1+2"
MINUS = "-2+3"
AT = "@SUM(1+1)"


def hostile_document() -> dict[str, Any]:
    doc = yaml.safe_load(SCHOOL)
    doc["school"]["name"] = SCHOOL_NAME
    doc["staff"][0]["name"] = IMG
    doc["staff"][1]["name"] = HYPERLINK
    doc["staff"][2]["name"] = IMG_TITLE
    doc["classes"][0]["teacher"] = AT
    doc["classes"][1]["teacher"] = PLUS
    doc["duties"][0]["name"] = MINUS
    doc["interventions"][0]["programme"] = SCRIPT
    return doc


@pytest.fixture(scope="module")
def school_yaml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "school.yaml"
    path.write_text(yaml.safe_dump(hostile_document(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def school(school_yaml: Path) -> SchoolData:
    doc = parse_yaml(school_yaml.read_text(encoding="utf-8"), "school.yaml")
    return build_school(doc.data, doc.locate, doc.problems)


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.title = ""
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in and self._in[-1] == "script":
            self.scripts.append(data)
        if self._in and self._in[-1] == "title":
            self.title += data


def dom(html: str) -> _Dom:
    parsed = _Dom()
    parsed.feed(html)
    parsed.close()
    return parsed


def assert_only_text(html: str) -> _Dom:
    """The injected markup is in the page as text, never as an element or an attribute."""
    parsed = dom(html)
    assert not [tag for tag, _ in parsed.tags if tag == "img"], "an <img> element was injected"
    assert not [attrs for _, attrs in parsed.tags if any(name.startswith("on") for name in attrs)], "an on* handler"
    assert not any("__pwned" in s or "PWNED" in s for s in parsed.scripts), "a <script> was injected"
    text = "".join(parsed.text)
    for injected in (IMG, IMG_TITLE, SCRIPT, SCHOOL_NAME):
        assert injected in text, f"{injected!r} is not shown as text"
    return parsed


def test_report_escapes_names_and_programmes(school: SchoolData) -> None:
    html = render_html_report(school, ROTA)
    for injected in (IMG, SCRIPT):
        assert injected not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert_only_text(html)


def test_report_in_a_real_browser_runs_nothing(school: SchoolData, tmp_path: Path) -> None:
    binary = _chromium()
    if binary is None:
        pytest.skip("chromium is not on PATH (apt-get install chromium)")
    page = tmp_path / "report.html"
    write_html_report(school, ROTA, page)
    done = _run_chromium(binary, tmp_path / "profile", "--dump-dom", page.resolve().as_uri())
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    parsed = assert_only_text(done.stdout.decode("utf-8"))
    assert parsed.title.strip() != "PWNED", "a script or an onerror handler ran"
    assert SCHOOL_NAME in parsed.title


FORMULA_LIKE = (HYPERLINK, PLUS, MINUS, AT)


def formula_parts(path: Path) -> list[str]:
    """The worksheets of a workbook that hold a formula (an <f> element)."""
    with zipfile.ZipFile(path) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and re.search(rb"<(?:\w+:)?f[\s>/]", archive.read(name))
        ]


def assert_text_cells(path: Path) -> list[str]:
    """Every cell starting like a formula is a string with the quote prefix; their values."""
    assert formula_parts(path) == []
    found = []
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert cell.data_type == "s", f"{ws.title}!{cell.coordinate} {cell.value!r}"
                    assert cell.quotePrefix, f"{ws.title}!{cell.coordinate} {cell.value!r} has no quote prefix"
                    found.append(cell.value)
    return found


def test_school_workbook_keeps_formula_like_text_as_text(school_yaml: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "school.xlsx"
    convert_school(school_yaml, workbook)
    found = assert_text_cells(workbook)
    for text in FORMULA_LIKE:
        assert text in found, f"{text!r} not written"

    back = tmp_path / "back.yaml"
    convert_school(workbook, back)
    school = load_school(back)
    assert [s.name for s in school.staff] == [IMG, HYPERLINK, IMG_TITLE]
    assert [c.teacher for c in school.classes] == [AT, PLUS]
    assert school.duties[0].name == MINUS
    assert school.interventions[0].programme == SCRIPT
    assert school.school.name == SCHOOL_NAME


def test_rota_workbook_keeps_formula_like_text_as_text(school: SchoolData, tmp_path: Path) -> None:
    workbook = tmp_path / "rota.xlsx"
    write_rota_workbook(ROTA, workbook, school)
    assert MINUS in assert_text_cells(workbook)  # the duty's name, alone in a cell
    book = openpyxl.load_workbook(workbook)
    everything = " ".join(
        str(cell.value) for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None
    )
    assert HYPERLINK in everything  # the name is in the workbook, as text


def test_a_cell_that_is_only_a_formula_like_name(tmp_path: Path) -> None:
    """A name alone in a cell (as an adult's grid shows it) is a string with the quote prefix."""
    from tasched.io.excel import text_stays_text

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for col, text in enumerate((*FORMULA_LIKE, "\tx", "plain"), start=1):
        ws.cell(row=1, column=col, value=text)
    text_stays_text(book)
    path = tmp_path / "cells.xlsx"
    book.save(path)
    assert sorted(assert_text_cells(path)) == sorted([*FORMULA_LIKE, "\tx"])
    again = openpyxl.load_workbook(path).active
    assert again is not None
    assert [again.cell(row=1, column=c).value for c in range(1, 7)] == [*FORMULA_LIKE, "\tx", "plain"]
    assert not again.cell(row=1, column=6).quotePrefix
