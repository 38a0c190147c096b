"""Fuzzing: whatever a school file holds, nothing escapes the loaders but a clean InputError.

Hypothesis throws arbitrary text and bytes at the YAML reader, arbitrary JSON-like
documents and damaged valid schools at the model and its cross-field checks,
arbitrary strings at the when-expression parser, and arbitrary cell values at the
Excel reader. The only exception allowed out is the one the command line prints
as problems (InputError; WhenError from parse_when; pydantic's ValidationError
from the bare model); every problem names a place that exists in the input.
"""

from __future__ import annotations

import functools
import io
import math
import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import school_dicts

from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.input.validate import check_school
from tasched.input.when import SLOT_KINDS, WeekShape, WhenError, parse_when
from tasched.io.loader import build_school, parse_yaml

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
NAME = "school.yaml"
LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What YAML counts as a line break, and so as a new line in a problem's location."""


# --- strategies ----------------------------------------------------------------------------

SECTIONS = [*SchoolData.model_fields, "calendar", "slots", "ehcp", "hours", "when"]
keys = st.one_of(
    st.sampled_from(SECTIONS),
    st.sampled_from(["id", "class", "classes", "pupils", "kind", "start", "end", "name"]),
    st.text(max_size=8),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["08:45", "Mon P1", "*", "lesson", "Mon-Fri", "ASD", "class:Y3", "", "-1"]),
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=40,
)
school_shaped = st.fixed_dictionaries(
    {},
    optional={section: documents for section in SchoolData.model_fields},
)


def _yaml_text(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@st.composite
def damaged_yaml(draw: st.DrawFn) -> str:
    """A school as YAML, then a few characters inserted, deleted or replaced."""
    text = _yaml_text(draw(school_dicts(max_staff=3, max_classes=3, max_pupils=3)))
    alphabet = st.sampled_from(list(":-[]{},#&*!|>'\"\t\n ?%@`") + list("aZ09"))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        what = draw(st.sampled_from(["insert", "delete", "replace"]))
        char = draw(alphabet)
        if what == "insert":
            text = text[:at] + char + text[at:]
        elif what == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + char + text[at + 1 :]
    return text


@st.composite
def damaged_schools(draw: st.DrawFn) -> dict[str, Any]:
    """A valid school document with one value somewhere replaced by an arbitrary one."""
    doc = draw(school_dicts(max_staff=3, max_classes=3, max_pupils=3))
    node: Any = doc
    while True:
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node, key=str)))
            child = node[key]
        elif isinstance(node, list) and node:
            key = draw(st.integers(0, len(node) - 1))
            child = node[key]
        else:
            return doc
        if not isinstance(child, dict | list) or draw(st.integers(0, 3)) == 0:
            node[key] = draw(documents)
            return doc
        node = child


# --- invariants ----------------------------------------------------------------------------


def assert_clean(problems: list[Problem], text: str | None = None) -> None:
    """Every problem names the file (and a line of it, when it names a line) and says something."""
    assert problems, "an InputError carries at least one problem"
    lines = len(LINE_BREAKS.split(text)) + 1 if text is not None else math.inf
    for problem in problems:
        match = re.fullmatch(rf"{re.escape(NAME)}(?::(\d+))?", problem.location)
        assert match, problem.location
        if match[1] is not None:
            assert 1 <= int(match[1]) <= lines, str(problem)
        assert problem.message.strip(), str(problem)


def load_text(text: str | bytes) -> None:
    """Read text as a school file: parse, validate, cross-check; only InputError may escape."""
    try:
        doc = parse_yaml(text, NAME)
        build_school(doc.data, doc.locate, doc.problems)
    except InputError as error:
        decoded = text if isinstance(text, str) else None
        assert_clean(error.problems, decoded)


def load_document(doc: Any) -> None:
    try:
        build_school(doc, lambda path: NAME)
    except InputError as error:
        assert_clean(error.problems)


# --- the YAML reader ---------------------------------------------------------------------------


@FUZZ
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    load_text(text)


@FUZZ
@given(st.binary())
def test_arbitrary_bytes(raw: bytes) -> None:
    load_text(raw)


@FUZZ
@given(st.text(alphabet=string.printable + "é£…\u00a0\ufeff", max_size=200))
def test_yaml_like_text(text: str) -> None:
    """Printable text full of YAML's indicators: the parser's error paths."""
    load_text(text)


@FUZZ
@given(damaged_yaml())
def test_damaged_school_file(text: str) -> None:
    load_text(text)


@FUZZ
@given(documents)
def test_arbitrary_documents_as_yaml(doc: Any) -> None:
    """Any JSON-like document, written as YAML and read back."""
    try:
        text = _yaml_text(doc)
    except yaml.YAMLError:
        assume(False)
    load_text(text)


# --- the model and its cross-field checks -------------------------------------------------------


@FUZZ
@given(st.one_of(documents, school_shaped))
def test_arbitrary_documents(doc: Any) -> None:
    load_document(doc)


@FUZZ
@given(damaged_schools())
def test_damaged_schools(doc: dict[str, Any]) -> None:
    load_document(doc)


@FUZZ
@given(st.one_of(documents, school_shaped, damaged_schools()))
def test_bare_model_raises_only_validation_errors(doc: Any) -> None:
    """The model alone (as a script might use it) raises ValidationError, then checks cleanly."""
    try:
        data = SchoolData.model_validate(doc)
    except ValidationError:
        return
    for problem in check_school(data):
        assert problem.message.strip()


# --- when-expressions -----------------------------------------------------------------------

names = st.text(alphabet=string.ascii_letters + string.digits + "_", min_size=1, max_size=4)


@st.composite
def shapes(draw: st.DrawFn) -> WeekShape:
    days = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    slots = draw(st.lists(names.filter(lambda s: s not in days), min_size=1, max_size=6, unique=True))
    kinds = draw(st.lists(st.sampled_from(SLOT_KINDS), min_size=len(slots), max_size=len(slots)))
    return WeekShape(tuple(days), tuple(slots), tuple(kinds))


when_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="MonTueWedP123-*, \t", max_size=25),
    st.lists(
        st.sampled_from(["Mon", "Tue", "P1", "P2", "lesson", "lunch", "-", " ", ",", "*", "Sat"]),
        max_size=8,
    ).map("".join),
)


@FUZZ
@given(when_text, shapes())
def test_when_expressions(expr: str, shape: WeekShape) -> None:
    try:
        slots = parse_when(expr, shape)
    except WhenError as error:
        assert str(error).strip()
        return
    assert slots <= shape.everything()


@FUZZ
@given(when_text)
def test_when_expressions_in_a_school(expr: str) -> None:
    """A when-expression anywhere in a school file is a clean problem at its line, or fine."""
    doc = {
        "school": {"name": "x", "phase": "primary"},
        "calendar": {"slots": [{"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"}]},
        "staff": [{"id": "S1", "role": "TA", "hours": 10, "available": expr}],
    }
    load_text(_yaml_text(doc))


# --- the Excel reader -------------------------------------------------------------------------

cell_values = st.one_of(
    scalars.filter(lambda v: not (isinstance(v, float) and math.isnan(v))),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.sampled_from(["=1/0", "=A1", "#REF!", "#N/A", " ", "yes", "12:30 pm", "9.15", "1,5"]),
)


@functools.cache
def _base_workbook_bytes() -> bytes:
    from test_bad_inputs import base_workbook

    buffer = io.BytesIO()
    base_workbook().save(buffer)
    return buffer.getvalue()


@settings(FUZZ, max_examples=20)
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["school", "slots", "staff", "classes", "pupils", "support", "rules"]),
            st.integers(1, 4),
            st.integers(1, 6),
            cell_values,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_excel_cells(edits: list[tuple[str, int, int, Any]], tmp_path_factory: Any) -> None:
    """Any values typed into any cells of a valid workbook: a clean problem at a cell, or fine."""
    pytest.importorskip("tasched.io.excel")
    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    from tasched.io.formats import load_school

    book = openpyxl.load_workbook(io.BytesIO(_base_workbook_bytes()))
    for sheet, row, col, value in edits:
        try:
            book[sheet].cell(row=row, column=col).value = value
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses these itself
            assume(False)
    path: Path = tmp_path_factory.mktemp("xlsx") / "school.xlsx"
    book.save(path)
    try:
        load_school(path)
    except InputError as error:
        for problem in error.problems:
            assert problem.location.startswith(str(path)), str(problem)
            assert problem.message.strip()


structure_edits = st.lists(
    st.one_of(
        st.tuples(st.just("merge"), st.sampled_from(["staff", "pupils", "slots", "rules"]), st.integers(1, 3),
                  st.integers(1, 4), st.integers(0, 2), st.integers(1, 2)),
        st.tuples(st.just("hide"), st.sampled_from(["staff", "pupils", "classes", "rules"]), st.just(0),
                  st.just(0), st.just(0), st.just(0)),
        st.tuples(st.just("no_header"), st.sampled_from(["staff", "pupils", "classes", "support"]), st.just(0),
                  st.just(0), st.just(0), st.just(0)),
        st.tuples(st.just("blank_row_1"), st.sampled_from(["staff", "slots", "duties"]), st.just(0), st.just(0),
                  st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=3,
)  # fmt: skip


@settings(FUZZ, max_examples=20)
@given(edits=structure_edits)
def test_excel_structure(edits: list[tuple[str, str, int, int, int, int]], tmp_path_factory: Any) -> None:
    """Merged cells, hidden sheets, a header row deleted or blanked: a clean problem at a sheet!cell, or fine."""
    pytest.importorskip("tasched.io.excel")
    import openpyxl

    from tasched.io.formats import load_school

    book = openpyxl.load_workbook(io.BytesIO(_base_workbook_bytes()))
    for action, sheet, row, col, down, across in edits:
        ws = book[sheet]
        if action == "merge":
            ws.merge_cells(start_row=row, start_column=col, end_row=row + down, end_column=col + across)
        elif action == "hide":
            ws.sheet_state = "hidden"
        elif action == "no_header":
            ws.delete_rows(1)
        else:
            for cell in ws[1]:
                cell.value = None
    path: Path = tmp_path_factory.mktemp("xlsx") / "school.xlsx"
    book.save(path)
    try:
        load_school(path)
    except InputError as error:
        for problem in error.problems:
            assert problem.location.startswith(str(path)), str(problem)
            assert "!" in problem.location or problem.location == str(path), str(problem)
            assert problem.message.strip()
