"""Excel workbooks: the template, reading a school workbook, converting, and the rota workbook."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import SAMPLE_YAML
from hypothesis import HealthCheck, given, settings
from openpyxl.worksheet.worksheet import Worksheet
from strategies import schools
from typer.testing import CliRunner

from tasched import cli
from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.io.colours import SEVERITY_COLOUR, TASK_COLOUR
from tasched.io.excel import (
    SHEETS,
    read_rota_workbook,
    rota_workbook,
    school_workbook,
    write_rota_workbook,
    write_school_workbook,
    write_template,
)
from tasched.io.formats import convert_school, load_school
from tasched.io.labels import label
from tasched.io.loader import dump_school, parse_yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "primary-1fe.yaml"
runner = CliRunner()


# --- helpers --------------------------------------------------------------------------------


def sample_school() -> SchoolData:
    return load_school_text(SAMPLE_YAML)


def load_school_text(text: str) -> SchoolData:
    from tasched.io.loader import build_school

    doc = parse_yaml(text, "school.yaml")
    return build_school(doc.data, doc.locate, doc.problems)


def sample_book() -> openpyxl.Workbook:
    return school_workbook(sample_school())


def column(ws: Worksheet, key: str) -> str:
    """The letter of the column for field `key` (headed by its label, or by the key itself)."""
    for cell in ws[1]:
        if cell.value in (key, label(key)):
            return str(cell.column_letter)
    raise KeyError(key)


def row_of(ws: Worksheet, key: str) -> int:
    """The row of a `field | value` sheet holding `key`."""
    for cell in ws["A"]:
        if cell.value == key:
            return int(cell.row)
    raise KeyError(key)


def problems(book: openpyxl.Workbook, tmp_path: Path, name: str = "school.xlsx") -> list[Problem]:
    path = tmp_path / name
    book.save(path)
    with pytest.raises(InputError) as caught:
        load_school(path)
    return caught.value.problems


def messages(found: list[Problem], tmp_path: Path) -> list[str]:
    """Each problem as `sheet!CELL: field: message`, the folder left out."""
    prefix = f"{tmp_path / 'school.xlsx'}!"
    return [str(p).removeprefix(prefix) for p in found]


def loads(book: openpyxl.Workbook, tmp_path: Path) -> SchoolData:
    path = tmp_path / "school.xlsx"
    book.save(path)
    return load_school(path)


# --- the template ---------------------------------------------------------------------------


def test_template_has_every_sheet_notes_and_dropdowns(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Start here", *(s.name for s in SHEETS)]
    steps = [str(c.value) for row in book["Start here"].iter_rows() for c in row if c.value]
    assert any(line.startswith("Step 1") for line in steps) and any("tasched validate" in line for line in steps)
    for sheet in SHEETS:
        ws = book[sheet.name]
        assert ws.freeze_panes in ("A2", "B2")
        if sheet.table:
            headers = [c.value for c in ws[1]]
            # Human headers; the field's name (as in YAML) is in each header's note.
            assert headers == [label(c.key) for c in sheet.columns]
            assert not any("." in str(h) for h in headers), headers
            for cell, col in zip(ws[1], sheet.columns, strict=True):
                assert cell.comment is not None and f"(Field: {col.key}.)" in cell.comment.text, sheet.name
        else:
            keys = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
            assert keys == [c.key for c in sheet.columns]
            assert all(ws.cell(row=r, column=3).value for r in range(2, ws.max_row + 1))  # about

    def lists(ws: Worksheet) -> dict[str, str]:
        """Each validated range -> its list of choices."""
        return {str(rng): dv.formula1 for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}

    assert any(f.startswith("B") for f in lists(book["school"])), "phase drop-down"
    assert '"primary,secondary,special,all_through"' in lists(book["school"]).values()
    kind = column(book["slots"], "kind")
    assert lists(book["slots"])[f"{kind}2:{kind}1000"] == (
        '"lesson,registration,break,lunch,before_school,after_school"'
    )
    assert '"high,normal,low"' in lists(book["support"]).values()
    assert '"contract,extra"' in lists(book["duties"]).values()
    assert '"yes,no"' in lists(book["interventions"]).values()
    need = column(book["pupils"], "need")
    assert "SPLD" in lists(book["pupils"])[f"{need}2:{need}1000"]
    assert '"in_class,withdrawn,any"' in lists(book["pupils"]).values()
    assert book["staff"].column_dimensions["A"].width >= 8


def test_template_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"my work")
    with pytest.raises(InputError, match="already exists"):
        write_template(path)
    assert path.read_bytes() == b"my work"
    write_template(path, overwrite=True)
    assert openpyxl.load_workbook(path).sheetnames[0] == "Start here"


def test_blank_template_reads_as_missing_school_fields(tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    write_template(path)
    with pytest.raises(InputError) as caught:
        load_school(path)
    found = messages(caught.value.problems, tmp_path)
    assert any(m.startswith("school!B2: school.name: required") for m in found), found
    assert any(m.startswith("slots!A1: calendar.slots: must list at least 1") for m in found), found


def test_example_template_reads_back_as_the_example(tmp_path: Path) -> None:
    path = tmp_path / "example.xlsx"
    result = runner.invoke(cli.app, ["template", str(path), "--example"])
    assert result.exit_code == 0, result.output
    assert load_school(path) == load_school(EXAMPLE)
    book = openpyxl.load_workbook(path)
    assert book["staff"].max_row == 16  # 15 adults
    rules = book["rules"]
    assert rules.cell(row=row_of(rules, "rotation.min_staff"), column=2).value == 2


# --- reading: what a person types --------------------------------------------------------------


def test_sample_round_trip(tmp_path: Path) -> None:
    assert loads(sample_book(), tmp_path) == sample_school()


def test_bad_number_names_the_cell(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["staff"]
    hours = column(ws, "hours")
    ws[f"{hours}3"] = 0
    ws[f"{hours}4"] = "ten"
    found = messages(problems(book, tmp_path), tmp_path)
    assert f"staff!{hours}3: staff[1].hours: must be greater than 0, not 0" in found
    assert f"staff!{hours}4: staff[2].hours: must be a number, not 'ten'" in found


def test_unknown_column_names_the_header_cell(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["staff"]
    hours = column(ws, "hours")
    ws[f"{hours}1"] = "hour"
    found = messages(problems(book, tmp_path), tmp_path)
    assert found[0].startswith(f"staff!{hours}1: staff: unknown column 'hour'; did you mean 'hours'?")
    assert any("column 'Contracted hours a week' (hours) is missing" in m for m in found)
    assert not any("staff[0].hours" in m for m in found), found  # said once, at the header


def test_unknown_id_reference_names_the_cell(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["pupils"]
    classes = column(ws, "classes")
    ws[f"{classes}3"] = "Y9"
    # Errors only: diagnosis warnings about the rest of the school are listed too (every problem at once).
    found = [m for m in messages(problems(book, tmp_path), tmp_path) if ": warning:" not in m]
    assert len(found) == 1 and found[0].startswith(f"pupils!{classes}3: pupils[1].classes"), found
    assert "Y9" in found[0]


def test_bad_time_names_the_cell(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["slots"]
    start, end = column(ws, "start"), column(ws, "end")
    ws[f"{start}2"] = 9  # a number is not a time
    ws[f"{end}3"] = "ten"
    ws[f"{start}4"] = dt.datetime(2025, 9, 1)  # a date
    found = messages(problems(book, tmp_path), tmp_path)
    assert any(m.startswith(f"slots!{start}2: calendar.slots[0].start: 9 is a number") for m in found)
    assert any(m.startswith(f"slots!{end}3: calendar.slots[1].end: 'ten' is not a time") for m in found)
    assert any(m.startswith(f"slots!{start}4: calendar.slots[2].start: 2025-09-01 is a date") for m in found)
    assert not any("required" in m for m in found), found


def test_merged_header_is_reported_with_its_range(tmp_path: Path) -> None:
    book = sample_book()
    book["staff"].merge_cells("A1:B1")
    found = messages(problems(book, tmp_path), tmp_path)
    assert found[0].startswith("staff!A1:B1: staff: header cells A1:B1 are merged; unmerge them")


def test_merged_data_cells_are_reported(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["classes"]
    ws.merge_cells("B2:B3")
    found = messages(problems(book, tmp_path), tmp_path)
    assert any(m.startswith("classes!B2:B3: classes: cells B2:B3 are merged") for m in found), found


def test_blank_rows_are_skipped_and_locations_stay_true(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["staff"]
    ws.insert_rows(3, amount=2)
    ws["A3"] = "   "  # only spaces: blank
    assert loads(book, tmp_path) == sample_school()
    hours = column(ws, "hours")
    ws[f"{hours}6"] = -1  # the third adult, on row 6 after two blank rows
    found = messages(problems(book, tmp_path), tmp_path)
    assert found == [f"staff!{hours}6: staff[2].hours: must be greater than 0, not -1"]


def test_numbers_stored_as_text_and_trailing_spaces(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["staff"]
    ws[f"{column(ws, 'hours')}2"] = " 30 "
    ws[f"{column(ws, 'max_duties')}4"] = "3.0"
    ws[f"{column(ws, 'skills')}2"] = "first_aid ,  team_teach ,"
    ws[f"{column(ws, 'role')}2"] = "TA3   "
    support = book["support"]
    support[f"{column(support, 'staff')}2"] = "1"
    rules = book["rules"]
    rules[f"B{row_of(rules, 'max_withdrawal')}"] = "25%"
    data = loads(book, tmp_path)
    assert data.staff[0].hours == 30 and data.staff[0].role == "TA3"
    assert data.staff[0].skills == ["first_aid", "team_teach"]
    assert data.staff[2].max_duties == 3
    assert data.rules.max_withdrawal == 0.25
    assert data.model_copy(update={"rules": sample_school().rules}) == sample_school()


def test_numbers_where_text_is_meant(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["classes"]
    ws[f"{column(ws, 'room')}2"] = 101
    data = loads(book, tmp_path)
    assert data.classes[0].room == "101"


def test_excel_times_are_read_as_times(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["slots"]
    start, end = column(ws, "start"), column(ws, "end")
    ws[f"{start}2"] = dt.time(8, 45)
    ws[f"{end}2"] = 0.375  # 09:00 as a fraction of a day
    ws[f"{start}3"] = dt.datetime(1899, 12, 30, 9, 0)  # a time with Excel's zero date
    ws[f"{end}3"] = dt.datetime(2025, 9, 1, 10, 0)  # a date-and-time: its time
    ws[f"{start}4"] = "10:00:00"
    ws[f"{end}4"] = "10.15"
    ws[f"{start}8"] = "1:00 pm"
    data = loads(book, tmp_path)
    slots = data.calendar.slots
    assert (slots[0].start, slots[0].end) == ("08:45", "09:00")
    assert (slots[1].start, slots[1].end) == ("09:00", "10:00")
    assert (slots[2].start, slots[2].end) == ("10:00", "10:15")
    assert slots[6].start == "13:00"


def test_yes_no_and_choice_case(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["interventions"]
    ws[f"{column(ws, 'same_staff')}2"] = "No"
    ws[f"{column(ws, 'one_per_day')}2"] = False
    ws[f"{column(ws, 'priority')}2"] = "High"
    data = loads(book, tmp_path)
    assert data.interventions[0].same_staff is False
    assert data.interventions[0].one_per_day is False
    assert data.interventions[0].priority == "high"


def test_formula_without_saved_value_and_error_values(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["staff"]
    hours = column(ws, "hours")
    ws[f"{hours}2"] = "=10+20"  # openpyxl saves no cached value
    ws[f"{hours}3"] = "#DIV/0!"
    found = messages(problems(book, tmp_path), tmp_path)
    assert any(m.startswith(f"staff!{hours}2: staff[0].hours: the formula =10+20 has no saved value") for m in found)
    assert any(m.startswith(f"staff!{hours}3: staff[1].hours: the cell shows the error #DIV/0!") for m in found)
    assert not any("required" in m for m in found), found


def test_a_date_where_text_is_meant(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["staff"]
    ws[f"{column(ws, 'available')}3"] = dt.datetime(2025, 3, 1)
    found = messages(problems(book, tmp_path), tmp_path)
    assert found[0].startswith("staff!E3: staff[1].available: the spreadsheet turned this into a date")


def test_sheets_missing_unknown_and_ignored(tmp_path: Path) -> None:
    book = sample_book()
    del book["school"]
    book["staff"].title = "staf"
    book.create_sheet("_my notes")["A1"] = "anything"
    found = [str(p) for p in problems(book, tmp_path)]
    name = str(tmp_path / "school.xlsx")
    assert f"{name}!staf: unknown sheet 'staf'; did you mean 'staff'?" in found
    assert any(m.startswith(f"{name}: school: sheet 'school' missing") for m in found), found
    assert not any("required section" in m for m in found), found
    assert not any("_my notes" in m for m in found)


def test_pairs_sheet_unknown_field(tmp_path: Path) -> None:
    book = sample_book()
    rules = book["rules"]
    rules[f"A{row_of(rules, 'liaison_minutes')}"] = "liason_minutes"
    found = messages(problems(book, tmp_path), tmp_path)
    row = row_of(rules, "liason_minutes")
    assert found[0] == (f"rules!A{row}: rules: unknown field 'liason_minutes'; did you mean 'liaison_minutes'?")


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError, match="cannot be read as an Excel workbook"):
        load_school(path)


def test_validate_prints_cells(tmp_path: Path) -> None:
    book = sample_book()
    ws = book["staff"]
    ws[f"{column(ws, 'hours')}7"] = 5  # after two blank rows, a row with only hours
    path = tmp_path / "school.xlsx"
    book.save(path)
    result = runner.invoke(cli.app, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}!staff!A7: staff[3].id: required field missing" in result.stderr


# --- converting -------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schools())
def test_yaml_to_xlsx_to_yaml_is_lossless(tmp_path_factory: pytest.TempPathFactory, data: SchoolData) -> None:
    folder = tmp_path_factory.mktemp("round")
    source = folder / "school.yaml"
    source.write_text(dump_school(data), encoding="utf-8")
    original = convert_school(source, folder / "school.xlsx")
    convert_school(folder / "school.xlsx", folder / "back.yaml")
    back = load_school(folder / "back.yaml")
    assert back == original == data
    assert dump_school(back) == dump_school(original)


def test_convert_both_ways_on_the_command_line(tmp_path: Path) -> None:
    xlsx, back = tmp_path / "school.xlsx", tmp_path / "back.yaml"
    result = runner.invoke(cli.app, ["convert", str(EXAMPLE), str(xlsx)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli.app, ["convert", str(xlsx), str(back)])
    assert result.exit_code == 0, result.output
    assert load_school(back) == load_school(EXAMPLE)
    result = runner.invoke(cli.app, ["convert", str(EXAMPLE), str(xlsx)])
    assert result.exit_code != 0  # exists: --force to replace
    result = runner.invoke(cli.app, ["convert", "--force", str(EXAMPLE), str(xlsx)])
    assert result.exit_code == 0, result.output


def test_convert_refuses_output_equal_to_input(tmp_path: Path) -> None:
    path = tmp_path / "school.yaml"
    path.write_text(SAMPLE_YAML, encoding="utf-8")
    before = path.read_bytes()
    for target in (path, tmp_path / "." / "school.yaml"):
        with pytest.raises(InputError, match="the output path is the input file"):
            convert_school(path, target, overwrite=True)
    assert path.read_bytes() == before
    with pytest.raises(InputError, match=r"\.xlsx"):
        convert_school(path, tmp_path / "school.csv")


def test_convert_refuses_an_invalid_school(tmp_path: Path) -> None:
    path = tmp_path / "school.yaml"
    path.write_text(SAMPLE_YAML.replace("hours: 30", "hours: -1"), encoding="utf-8")
    with pytest.raises(InputError, match="greater than 0"):
        convert_school(path, tmp_path / "school.xlsx")
    assert not (tmp_path / "school.xlsx").exists()


# --- the rota workbook ------------------------------------------------------------------------


def small_rota() -> dict[str, Any]:
    rows = [
        {
            "staff": "amy",
            "day": "Mon",
            "slot": "P1",
            "task": "class:Y3",
            "mode": None,
            "pupils": [],
            "room": None,
        },
        {
            "staff": "amy",
            "day": "Mon",
            "slot": "P2",
            "task": "pupil:p1",
            "mode": "in_class",
            "pupils": ["p1"],
            "room": None,
        },
        {
            "staff": "amy",
            "day": "Mon",
            "slot": "Lun",
            "task": "duty:lunch",
            "mode": None,
            "pupils": [],
            "room": None,
        },
        {
            "staff": "ben",
            "day": "Mon",
            "slot": "P1",
            "task": "intervention:neli",
            "mode": None,
            "pupils": ["p2", "p3"],
            "room": "R1",
        },
        {
            "staff": "ben",
            "day": "Tue",
            "slot": "P2",
            "task": "pupil:p2",
            "mode": "withdrawn",
            "pupils": ["p2"],
            "room": None,
        },
        {
            "staff": "cat",
            "day": "Wed",
            "slot": "Lun",
            "task": "duty:lunch",
            "mode": None,
            "pupils": [],
            "room": None,
        },
    ]
    return {
        "meta": {
            "status": "feasible",
            "gap": 0.05,
            "seconds": 1.0,
            "seed": 0,
            "workers": 1,
            "warnings": [],
        },
        "assignments": rows,
        "shortfalls": [
            {
                "task": "pupil:p1",
                "required": 5,
                "delivered": 1,
                "unit": "hours",
                "reason": "too few adults",
            }
        ],
        "kpis": {
            "pupils": {
                "p1": {
                    "ehc_hours_required": 5,
                    "ehc_hours_delivered": 1,
                    "distinct_adults": 1,
                    "largest_share": 0.2,
                }
            },
            "staff": {"amy": {"contracted_hours": 30, "assigned_hours": 2, "idle_minutes": 0, "duties": 1}},
            "cost": {"weekly": 100.0, "annual": 4360.0},
        },
    }


def test_rota_workbook_sheets_grid_and_print_setup(tmp_path: Path) -> None:
    path = tmp_path / "rota.xlsx"
    write_rota_workbook(small_rota(), path, school=sample_school())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:4] == ["Summary", "amy", "ben", "cat"]
    assert {"Class Y3", "Pupil p1", "Pupil p2", "Interventions", "Duties", "Assignments"} <= set(book.sheetnames)
    amy = book["amy"]
    assert amy.page_setup.orientation == "landscape"
    assert amy.sheet_properties.pageSetUpPr.fitToPage
    assert (amy.page_setup.fitToWidth, amy.page_setup.fitToHeight) == (1, 1)
    # days down, slots across (with times), each cell coloured by the task's kind
    assert amy["A5"].value == "Mon" and amy["B4"].value.startswith("Reg\n08:45")
    p1 = amy["C5"]
    assert p1.value == "Class Y3" and p1.fill.fgColor.rgb.endswith(TASK_COLOUR["class"])
    assert amy["E5"].value == "EHC p1\n(in class)"
    assert "Key" in [c.value for c in amy["A"]]
    summary = [c.value for row in book["Summary"].iter_rows() for c in row if c.value is not None]
    assert "too few adults" in summary and 4360.0 in summary
    pupil = [c.value for row in book["Pupil p2"].iter_rows() for c in row if c.value]
    assert "neli with ben" in pupil and "ben (withdrawn)" in pupil


def test_rota_workbook_without_the_school_infers_the_week() -> None:
    book = rota_workbook(small_rota())
    ben = book["ben"]
    assert [ben.cell(row=r, column=1).value for r in range(5, 8)] == ["Mon", "Tue", "Wed"]
    assert [ben.cell(row=4, column=c).value for c in range(2, 5)] == ["P1", "P2", "Lun"]


def test_rota_sheet_names_are_short_and_unique() -> None:
    rota = small_rota()
    long_id = "a-very-long-staff-identifier-that-goes-on:and/on"
    rota["assignments"] += [
        {**rota["assignments"][0], "staff": long_id},
        {**rota["assignments"][0], "staff": "SUMMARY"},
    ]
    names = rota_workbook(rota).sheetnames
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len({n.lower() for n in names}) == len(names)


def test_rota_workbook_reads_back_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "rota.xlsx"
    write_rota_workbook(small_rota(), path)
    assert read_rota_workbook(path)["assignments"] == small_rota()["assignments"]


def test_solve_writes_a_rota_workbook(tmp_path: Path) -> None:
    out = tmp_path / "rota.xlsx"
    result = runner.invoke(cli.app, ["solve", str(EXAMPLE), "-o", str(out), "--time-limit", "5", "-q"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Summary"
    adults = [s["id"] for s in yaml.safe_load(EXAMPLE.read_text())["staff"]]
    assert all(any(name.split()[0] == a for name in book.sheetnames) for a in adults)


# --- LibreOffice opens what we write ------------------------------------------------------------


def test_libreoffice_converts_the_workbooks_to_pdf(tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    rota_path = tmp_path / "rota.xlsx"
    write_rota_workbook(small_rota(), rota_path, school=sample_school())
    template_path = tmp_path / "template.xlsx"
    write_template(template_path, example=True)
    outdir = tmp_path / "pdf"
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(rota_path),
            str(template_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for name in ("rota.pdf", "template.pdf"):
        pdf = outdir / name
        assert pdf.exists() and pdf.stat().st_size > 1000, (name, done.stdout, done.stderr)
        assert pdf.read_bytes().startswith(b"%PDF")


def test_school_workbook_written_atomically(tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    write_school_workbook(sample_school(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["school.xlsx"]


def test_rota_summary_speaks_plainly_and_shows_severity(tmp_path: Path) -> None:
    """The Summary leads with what is short (red for EHC hours), then the result in words;
    solver figures sit at the foot, labelled for support."""
    rota = small_rota()
    rota["meta"] = {
        **rota["meta"],
        "status": "feasible",
        "gap": 0.25,
        "objective": 123.0,
        "tiers": [{"tier": "ehcp_hours", "status": "optimal", "short": 60, "unit": "minutes"}],
    }
    rota["shortfalls"] = [{"task": "pupil:p1", "required": 2, "delivered": 1, "unit": "hours", "reason": "r"}]
    path = tmp_path / "rota.xlsx"
    write_rota_workbook(rota, path, school=sample_school())
    ws = openpyxl.load_workbook(path)["Summary"]
    assert ws["A2"].value == "1 pupil short of plan hours"
    assert ws["A2"].fill.fgColor.rgb.endswith(SEVERITY_COLOUR["critical"][0])
    top = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(4, 8)}
    assert top["result"] == "met as far as these staff allow (proven)"
    assert top["EHC hours"] == "1 h short; no rota under these rules does better (proven)"
    labels = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert labels.index("Solver figures (for support)") > labels.index("Shortfalls: what could not be covered, and why")
    assert "gap to best bound" not in labels and "solver gap" in labels
