"""Reading school files: clear messages with FILE:LINE for every problem, and YAML round trips."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SAMPLE_YAML, problems_in, sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import school_dicts, schools

import tasched
from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.io import loader
from tasched.io.formats import load_school
from tasched.io.loader import build_school, dump_school, parse_yaml

ROOT = Path(__file__).resolve().parents[1]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def the_problem(problems: list[Problem], field: str) -> Problem:
    found = [p for p in problems if p.field == field]
    assert found, f"no problem at {field}: {[str(p) for p in problems]}"
    return found[0]


def line_of(text: str, needle: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} on lines {lines}"
    return lines[0]


def load_error(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_school(path)
    return caught.value.problems


# --- files that cannot be read as a school --------------------------------------------------


def test_loads_the_sample(write: Callable[..., Path]) -> None:
    school = tasched.load(str(write(SAMPLE_YAML)))
    assert school.school.name == "Oak Tree Primary"
    assert school.calendar.slots[0].start == "08:45"
    assert school.pupils[0].need == "ASD"


@pytest.mark.parametrize("content", ["", "   \n\n", b""])
def test_empty_file(write: Callable[..., Path], content: str | bytes) -> None:
    (problem,) = load_error(write(content))
    assert problem.location.endswith("school.yaml:1")
    assert "the file is empty" in problem.message


def test_only_comments(write: Callable[..., Path]) -> None:
    (problem,) = load_error(write("# nothing yet\n# still nothing\n"))
    assert "only comments" in problem.message


def test_not_utf8_names_the_byte_and_line(write: Callable[..., Path]) -> None:
    path = write(b"school:\n  name: Caf\xe9 School\n")
    (problem,) = load_error(path)
    assert problem.location == f"{path}:2"
    assert "not UTF-8" in problem.message and "0xe9" in problem.message
    assert "offset 19" in problem.message


def test_utf16_is_named(write: Callable[..., Path]) -> None:
    (problem,) = load_error(write("school:\n".encode("utf-16")))
    assert "UTF-16" in problem.message


def test_utf8_bom_is_fine(write: Callable[..., Path]) -> None:
    assert load_school(write(b"\xef\xbb\xbf" + SAMPLE_YAML.encode())).school.phase == "primary"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("school:\n  name: [Oak\ncalendar: x\n", 3, "YAML syntax error"),
        ("school:\n\tname: Oak\n", 2, "tabs cannot indent YAML"),
        ("school:\n  name: a: b\n", 2, "needs quotes"),
        ("school: {name: x}\n---\nschool: {}\n", 2, "more than one YAML document"),
    ],
)
def test_yaml_syntax_error_has_its_line(text: str, line: int, words: str) -> None:
    (problem,) = problems_in(text)
    assert problem.location == f"school.yaml:{line}"
    assert words in problem.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("- school\n- calendar\n", "the file holds a list"),
        ("just words\n", "the single value 'just words'"),
    ],
)
def test_document_not_a_mapping(text: str, words: str) -> None:
    (problem,) = problems_in(text)
    assert words in problem.message
    assert "starting with `school:`" in problem.message


def test_missing_file_folder_and_suffix(tmp_path: Path, write: Callable[..., Path]) -> None:
    assert "no such file" in load_error(tmp_path / "nope.yaml")[0].message
    assert "is a folder" in load_error(tmp_path)[0].message
    problem = load_error(write("x", "school.json"))[0]
    assert "cannot read '.json' files" in problem.message and ".xlsx" in problem.message


@pytest.mark.skipif(importlib.util.find_spec("tasched.io.excel") is not None, reason="Excel reader present")
def test_excel_without_reader_is_a_clean_message(write: Callable[..., Path]) -> None:
    (problem,) = load_error(write(b"PK", "school.xlsx"))
    assert "save the school as YAML" in problem.message


def test_duplicate_keys_are_errors_with_both_lines() -> None:
    text = SAMPLE_YAML.replace("    hours: 30\n", "    hours: 30\n    hours: 31\n", 1)
    problem = the_problem(problems_in(text), "staff[0].hours")
    assert problem.location == f"school.yaml:{line_of(text, 'hours: 31')}"
    assert f"first at line {line_of(text, 'hours: 30')}" in problem.message


def test_duplicate_sections() -> None:
    problems = problems_in(SAMPLE_YAML + "rooms: []\n")
    assert "'rooms' appears twice" in the_problem(problems, "rooms").message


# --- YAML 1.1 pitfalls --------------------------------------------------------------------


def test_yaml_12_scalars_stay_text() -> None:
    doc = parse_yaml("a: no\nb: on\nc: 08:50\nd: 0123\ne: true\nf: 12\ng: 1.5\nh: 1e3\ni: ~\nj: 2024-01-01\n")
    assert doc.data == {
        "a": "no", "b": "on", "c": "08:50", "d": "0123", "e": True,
        "f": 12, "g": 1.5, "h": 1000.0, "i": None, "j": "2024-01-01",
    }  # fmt: skip


def test_numbers_where_text_is_expected() -> None:
    doc = sample()
    doc["rooms"] = [{"id": 101, "kind": "quiet"}]
    doc["pupils"][2]["id"] = 4021
    doc["interventions"][0]["pupils"] = ["p2", 4021]
    school = SchoolData.model_validate(doc)
    assert school.rooms[0].id == "101" and school.pupils[2].id == "4021"


def test_slot_named_on_or_no_is_text() -> None:
    text = SAMPLE_YAML.replace("{id: Reg,", "{id: on,").replace("Mon P1, task", "Mon on, task")
    assert problems_in(text) == []


def test_unquoted_times_and_one_digit_hours() -> None:
    text = SAMPLE_YAML.replace("start: 08:45, end: 09:00", "start: 8:45, end: 9:00")
    assert problems_in(text) == []


def test_infinity_is_refused() -> None:
    text = SAMPLE_YAML.replace("    max_duties: 3\n", "    overtime_hours: .inf\n")
    assert "finite number" in the_problem(problems_in(text), "staff[2].overtime_hours").message


def test_empty_section_means_none() -> None:
    text = SAMPLE_YAML.replace("absences:\n  - {staff: cat, when: Tue}\n", "absences:\n")
    assert problems_in(text) == []


# --- the model's errors, in plain English, at their lines -----------------------------------


def test_unknown_field_did_you_mean() -> None:
    text = SAMPLE_YAML.replace("hours: 20", "hour: 20")
    problems = problems_in(text)
    unknown = the_problem(problems, "staff[1].hour")
    assert unknown.message == "unknown field 'hour'; did you mean 'hours'?"
    assert unknown.location == f"school.yaml:{line_of(text, 'hour: 20')}"
    missing = the_problem(problems, "staff[1].hours")
    assert missing.message.startswith("required field missing: add `hours: ...`")
    assert missing.location == f"school.yaml:{line_of(text, 'id: ben')}"


def test_unknown_section_did_you_mean() -> None:
    problem = the_problem(problems_in(SAMPLE_YAML.replace("rooms:", "romos:")), "romos")
    assert problem.message == "unknown section 'romos'; did you mean 'rooms'?"


def test_field_in_the_wrong_place() -> None:
    text = SAMPLE_YAML.replace("  liaison_minutes: 30", "  min_staff: 1")
    assert "goes under `rotation:`" in the_problem(problems_in(text), "rules.min_staff").message


def test_missing_section() -> None:
    text = SAMPLE_YAML.replace("school:\n  name: Oak Tree Primary\n  phase: primary\n", "")
    problem = the_problem(problems_in(text), "school")
    assert problem.message.startswith("required section missing: add `school:`")


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("hours: 20", "hours: -4", "staff[1].hours", "must be greater than 0, not -4"),
        ("hours: 20", "hours: lots", "staff[1].hours", "must be a number, not 'lots'"),
        ("hours: 20", "hours:", "staff[1].hours", "is empty; give a number"),
        (
            "sessions: 3",
            "sessions: 2.5",
            "interventions[0].sessions",
            "must be a whole number, not 2.5",
        ),
        ("minutes: 20", "minutes: 500", "interventions[0].minutes", "must be at most 240, not 500"),
        ("phase: primary", "phase: primry", "school.phase", "did you mean 'primary'?"),
        ("mode: any", "mode: sometimes", "pupils[1].ehcp.mode", "'sometimes' is not one of"),
        ("classes: [Y4]", "classes: []", "pupils[1].classes", "at least 1 item"),
        (
            "skills: [neli]",
            "skills: neli, elsa",
            "staff[1].skills",
            "write a list, e.g. [neli, elsa]",
        ),
        ("task: class:Y3", "task: Y3", "pins[0].task", "'Y3' is not a task"),
        (
            "end: 10:00, kind: lesson",
            "end: 8:00, kind: lesson",
            "calendar.slots[1]",
            "not after its start",
        ),
        ("start: 08:45", "start: 8.45", "calendar.slots[0].start", "is not a time"),
        ("year: 3", "year: [3]", "classes[0].year", "must be text or a whole number, not a list"),
        ("name: Oak Tree Primary", "name: true", "school.name", "put the value in quotes"),
        (
            "ehcp: {hours: 3,",
            "ehcp: {adults: 3, hours: 3,",
            "pupils[1].ehcp.adults",
            "is not one of 1 or 2",
        ),
        ("    need: asd\n", "    need: autism\n", "pupils[0].need", "not a census need code"),
    ],
)
def test_model_messages(old: str, new: str, field: str, message: str) -> None:
    assert old in SAMPLE_YAML
    text = SAMPLE_YAML.replace(old, new, 1)
    problem = the_problem(problems_in(text), field)
    assert message in problem.message
    line = SAMPLE_YAML[: SAMPLE_YAML.index(old)].count("\n") + 1 + new.rstrip("\n").count("\n")
    assert problem.location == f"school.yaml:{line}"


def test_pupil_names_are_refused_at_their_line() -> None:
    text = SAMPLE_YAML.replace("  - id: p3\n", "  - id: p3\n    name: Alice Smith\n")
    problem = the_problem(problems_in(text), "pupils[2].name")
    assert "pseudonymous" in problem.message
    assert problem.location == f"school.yaml:{line_of(text, 'Alice Smith')}"


def test_every_problem_is_listed_in_file_order() -> None:
    text = (
        SAMPLE_YAML.replace("hours: 30", "hours: 0")
        .replace("role: TA2", "rol: TA2")
        .replace("minutes: 20", "minutes: 2")
    )
    problems = problems_in(text)
    assert [p.field for p in problems] == [
        "staff[0].hours", "staff[1].role", "staff[1].rol", "interventions[0].minutes",
    ]  # fmt: skip
    lines = [int(p.location.rsplit(":", 1)[1]) for p in problems]
    assert lines == sorted(lines)
    assert all(re.match(r"school\.yaml:\d+: \S+: ", str(p)) for p in problems)


def test_build_school_with_another_locator() -> None:
    with pytest.raises(InputError) as caught:
        build_school({"school": {"name": "x"}}, lambda path: f"school.xlsx!{'/'.join(map(str, path))}")
    fields = {p.field: p.location for p in caught.value.problems}
    assert fields["school.phase"] == "school.xlsx!school/phase"
    assert fields["calendar"] == "school.xlsx!calendar"


# --- round trips and one-field corruptions ------------------------------------------------


@FAST
@given(schools(), st.booleans())
def test_dump_and_load_round_trip(school: SchoolData, defaults: bool) -> None:
    text = dump_school(school, defaults=defaults)
    doc = parse_yaml(text)
    assert doc.problems == []
    assert build_school(doc.data, doc.locate) == school


def test_round_trip_through_a_file(write: Callable[..., Path]) -> None:
    school = load_school(write(SAMPLE_YAML))
    text = dump_school(school)
    assert "start: '08:45'" in text and "skills: [first_aid, team_teach]" in text
    assert load_school(write(text, "again.yaml")) == school


def _corrupt(doc: dict[str, Any], data: st.DataObject) -> tuple[str, str]:
    """Spoil one field of a valid school; returns (its field path, a text unique to its line)."""
    staff = data.draw(st.integers(0, len(doc["staff"]) - 1), label="adult")
    options = ["hours", "rename", "available", "phase", "start", "skills"]
    if doc["pupils"]:
        options.append("class_ref")
    if doc["interventions"]:
        options.append("minutes")
    if doc["support"]:
        options.append("support_class")
    kind = data.draw(st.sampled_from(options), label="corruption")
    if kind == "hours":
        doc["staff"][staff]["hours"] = -7.25
        return f"staff[{staff}].hours", "hours: -7.25"
    if kind == "rename":
        adult = doc["staff"][staff]
        doc["staff"][staff] = {("rolle" if k == "role" else k): v for k, v in adult.items()}
        return f"staff[{staff}].rolle", "rolle:"
    if kind == "available":
        doc["staff"][staff]["available"] = f"{doc['calendar']['days'][0]} Qx9"
        return f"staff[{staff}].available", "Qx9"
    if kind == "phase":
        doc["school"]["phase"] = "primry"
        return "school.phase", "primry"
    if kind == "start":
        index = data.draw(st.integers(0, len(doc["calendar"]["slots"]) - 1), label="slot")
        doc["calendar"]["slots"][index]["start"] = "25:99"
        return f"calendar.slots[{index}].start", "25:99"
    if kind == "skills":
        doc["staff"][staff]["skills"] = "first_aid, zzkill"
        return f"staff[{staff}].skills", "zzkill"
    if kind == "class_ref":
        pupil = data.draw(st.integers(0, len(doc["pupils"]) - 1), label="pupil")
        doc["pupils"][pupil]["classes"][-1] = "Zq9"
        return f"pupils[{pupil}].classes[{len(doc['pupils'][pupil]['classes']) - 1}]", "Zq9"
    if kind == "minutes":
        index = data.draw(st.integers(0, len(doc["interventions"]) - 1), label="intervention")
        doc["interventions"][index]["minutes"] = 235
        return f"interventions[{index}].minutes", "minutes: 235"
    index = data.draw(st.integers(0, len(doc["support"]) - 1), label="support row")
    doc["support"][index]["class"] = "Zq9"
    return f"support[{index}].class", "Zq9"


@FAST
@given(school_dicts(), st.data())
def test_one_field_corruption_names_the_field_and_line(doc: dict[str, Any], data: st.DataObject) -> None:
    field, needle = _corrupt(doc, data)
    text = yaml.safe_dump(doc, sort_keys=False)
    problems = problems_in(text)
    problem = the_problem(problems, field)
    assert problem.location == f"school.yaml:{line_of(text, needle)}", [str(p) for p in problems]


def test_pure_python_parser_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = parse_yaml(SAMPLE_YAML)
    monkeypatch.setattr(loader, "_FastLoader", loader._SchoolLoader)
    pure = parse_yaml(SAMPLE_YAML)
    assert (pure.data, pure.lines) == (fast.data, fast.lines)


EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_are_valid(path: Path) -> None:
    assert load_school(path).staff


def test_readme_example_is_valid(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", readme, re.S)
    assert block, "README has no ```yaml example"
    path = tmp_path / "readme.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    school = load_school(path)
    assert school.pupils[0].ehcp is not None and school.absences
