"""Importing a class timetable (FET, FET's CSV export, plain CSV, the St Paul's layout)."""

from __future__ import annotations

import csv
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

import tasched
from tasched import cli
from tasched.errors import InputError
from tasched.io.timetable_import import (
    detect_format,
    import_file,
    import_timetable,
    parse_slot_map,
    read_calendar,
    read_source,
)

REAL = Path("/work/shared/data/real")
HOPWOOD = REAL / "fet" / "Hopwood.fet"
HOPWOOD_CSV = REAL / "fet" / "Hopwood_locked_timetable.csv"
STPAULS = REAL / "xhstt" / "EnglandStPaul_Dudek2022_lessons.csv"

needs_real = pytest.mark.skipif(not HOPWOOD.exists(), reason="shared/data/real is not on this machine")

CALENDAR = textwrap.dedent(
    """\
    calendar:
      days: [Mon, Tue, Wed, Thu, Fri]
      slots:
        - {id: REG, start: "08:45", end: "09:00", kind: registration}
        - {id: P1, start: "09:00", end: "10:00", kind: lesson}
        - {id: P2, start: "10:00", end: "11:00", kind: lesson}
        - {id: BRK, start: "11:00", end: "11:15", kind: break}
        - {id: P3, start: "11:15", end: "12:15", kind: lesson}
        - {id: LUN, start: "12:15", end: "13:00", kind: lunch}
        - {id: P4, start: "13:00", end: "14:00", kind: lesson}
        - {id: P5, start: "14:00", end: "15:00", kind: lesson}
    """
)


@pytest.fixture
def calendar_path(tmp_path: Path) -> Path:
    path = tmp_path / "calendar.yaml"
    path.write_text(CALENDAR, encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def merged_school(tmp_path: Path, part: Path) -> tasched.input.model.SchoolData:
    """A small school: the calendar, one adult and the imported part, loaded as a user would."""
    doc: dict[str, Any] = {"school": {"name": "Imported", "phase": "secondary"}}
    doc.update(yaml.safe_load(CALENDAR))
    doc["staff"] = [{"id": "S1", "role": "TA2", "hours": 20}]
    doc.update(yaml.safe_load(part.read_text(encoding="utf-8")))
    school = tmp_path / "school.yaml"
    school.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return tasched.load(str(school))


def lesson_set(lessons: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(x["class"], x["when"], x["subject"]) for x in lessons}


# --- FET --------------------------------------------------------------------------------------


@needs_real
def test_hopwood_fet_matches_its_csv_conversion(calendar_path: Path, tmp_path: Path) -> None:
    with HOPWOOD_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    placed = [r for r in rows if r["day"]]
    expected_lessons = sum(int(r["duration_slots"]) for r in placed)
    expected_classes = {r["students"] for r in placed}

    calendar = read_calendar(calendar_path)
    result = import_timetable(read_source(HOPWOOD), calendar)
    assert (result.activities, result.placed) == (len(rows), len(placed)) == (163, 162)
    assert len(result.lessons) == expected_lessons == 168
    assert {c["id"] for c in result.classes} == expected_classes
    assert result.slot_map == {
        "9.30 - 11.00": "P1",
        "11.15 - 12.45": "P2",
        "13.00 - 15.15": "P3",
        "15.30 - 17.30": "P4",
        "18.15 - 20.15": "P5",
    }
    assert result.day_map == {
        "Monday": "Mon",
        "Tuesday": "Tue",
        "Wednesday": "Wed",
        "Thursday": "Thu",
        "Friday": "Fri",
    }
    (warning,) = result.warnings
    assert "Hopwood.fet:" in warning and "activity 52 " in warning and "no locked starting time" in warning

    # per class and day, the same number of lessons as the conversion's placements
    per_day: Counter[tuple[str, str]] = Counter()
    for r in placed:
        per_day[r["students"], r["day"][:3]] += int(r["duration_slots"])
    assert Counter((x["class"], x["when"].split()[0]) for x in result.lessons) == per_day

    # the CSV conversion (one row per activity) imports to exactly the same lessons
    again = import_timetable(read_source(HOPWOOD_CSV), calendar)
    assert lesson_set(again.lessons) == lesson_set(result.lessons)
    assert detect_format(HOPWOOD_CSV) == "fet"


@needs_real
def test_hopwood_multi_slot_activities(calendar_path: Path) -> None:
    result = import_timetable(read_source(HOPWOOD), read_calendar(calendar_path))
    lessons = lesson_set(result.lessons)
    # activity 166: EAL, 2 slots from Friday 9.30; activity 158: PGCE, 5 slots from Wednesday 9.30
    assert {("EAL group", "Fri P1", "EAL"), ("EAL group", "Fri P2", "EAL")} <= lessons
    assert {("Staff", f"Wed P{i}", "PGCE") for i in range(1, 6)} <= lessons


@needs_real
def test_hopwood_part_validates_in_a_school(calendar_path: Path, tmp_path: Path) -> None:
    part = tmp_path / "part.yaml"
    result = import_file(HOPWOOD, calendar_path, part)
    school = merged_school(tmp_path, part)
    assert len(school.lessons) == len(result.lessons) == 168
    assert len(school.classes) == 52
    assert part.read_text(encoding="utf-8").startswith("# classes and lessons imported from Hopwood.fet")


@needs_real
def test_map_option_places_hours_and_leaves_the_rest(calendar_path: Path) -> None:
    calendar = read_calendar(calendar_path)
    mapping = parse_slot_map(["9.30 - 11.00=P1, 11.15 - 12.45=P2", "13.00 - 15.15=P4"], calendar)
    result = import_timetable(read_source(HOPWOOD), calendar, mapping)
    assert {x["when"].split()[1] for x in result.lessons} == {"P1", "P2", "P4"}
    evening = [w for w in result.warnings if "'18.15 - 20.15'" in w]
    assert len(evening) == 1 and "31 activities" in evening[0] and "--map" in evening[0]
    assert any("'15.30 - 17.30'" in w for w in result.warnings)


FET_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<fet version="6.0.0">
<Days_List><Number_of_Days>2</Number_of_Days>
<Day><Name>Lundi</Name></Day><Day><Name>Tuesday</Name></Day></Days_List>
<Hours_List><Number_of_Hours>3</Number_of_Hours>
<Hour><Name>first</Name></Hour><Hour><Name>second</Name></Hour><Hour><Name>third</Name></Hour></Hours_List>
<Activities_List>
<Activity><Teacher>Ann</Teacher><Subject>Ma</Subject><Students>7A</Students><Students>7B</Students>
  <Duration>1</Duration><Id>1</Id><Active>true</Active></Activity>
<Activity><Teacher>Bob</Teacher><Subject>En</Subject><Students>7A</Students>
  <Duration>1</Duration><Id>2</Id><Active>true</Active></Activity>
<Activity><Teacher>Ann</Teacher><Subject>Sc</Subject><Students>7B</Students>
  <Duration>2</Duration><Id>3</Id><Active>true</Active></Activity>
<Activity><Teacher>Ann</Teacher><Subject>Fr</Subject><Students>7B</Students>
  <Duration>1</Duration><Id>4</Id><Active>false</Active></Activity>
<Activity><Teacher>Ann</Teacher><Subject>Meeting</Subject>
  <Duration>1</Duration><Id>5</Id><Active>true</Active></Activity>
</Activities_List>
<Time_Constraints_List>
<ConstraintActivityPreferredStartingTime><Weight_Percentage>100</Weight_Percentage><Activity_Id>1</Activity_Id>
  <Preferred_Day>Tuesday</Preferred_Day><Preferred_Hour>first</Preferred_Hour>
  <Permanently_Locked>true</Permanently_Locked><Active>true</Active></ConstraintActivityPreferredStartingTime>
<ConstraintActivityPreferredStartingTime><Weight_Percentage>95</Weight_Percentage><Activity_Id>2</Activity_Id>
  <Preferred_Day>Tuesday</Preferred_Day><Preferred_Hour>second</Preferred_Hour>
  <Permanently_Locked>false</Permanently_Locked><Active>true</Active></ConstraintActivityPreferredStartingTime>
<ConstraintActivityPreferredStartingTime><Weight_Percentage>100</Weight_Percentage><Activity_Id>3</Activity_Id>
  <Preferred_Day>Tuesday</Preferred_Day><Preferred_Hour>second</Preferred_Hour>
  <Permanently_Locked>true</Permanently_Locked><Active>true</Active></ConstraintActivityPreferredStartingTime>
<ConstraintActivityPreferredStartingTime><Weight_Percentage>100</Weight_Percentage><Activity_Id>5</Activity_Id>
  <Preferred_Day>Tuesday</Preferred_Day><Preferred_Hour>third</Preferred_Hour>
  <Permanently_Locked>true</Permanently_Locked><Active>true</Active></ConstraintActivityPreferredStartingTime>
</Time_Constraints_List>
<Space_Constraints_List>
<ConstraintActivityPreferredRoom><Weight_Percentage>100</Weight_Percentage><Activity_Id>3</Activity_Id>
  <Room>Lab</Room><Permanently_Locked>true</Permanently_Locked><Active>true</Active></ConstraintActivityPreferredRoom>
</Space_Constraints_List>
</fet>
"""


def test_fet_xml_locked_times_groups_and_durations(calendar_path: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "school.fet", FET_XML)
    result = import_timetable(read_source(source), read_calendar(calendar_path))
    assert lesson_set(result.lessons) == {
        ("7A", "Tue P1", "Ma"),
        ("7B", "Tue P1", "Ma"),
        ("7B", "Tue P2", "Sc"),
        ("7B", "Tue P3", "Sc"),
    }
    assert result.classes == [
        {"id": "7A", "teacher": "Ann", "year": 7},
        {"id": "7B", "teacher": "Ann", "year": 7},
    ]
    text = "\n".join(result.warnings)
    assert "1 inactive activities skipped" in text
    assert f"{source}:10: activity 2 (En, 7A) not imported: its preferred time has weight 95%" in text
    assert "activity 5 (Meeting) not imported: it names no class or group" in text
    assert result.placed == 2 and result.activities == 4


def test_fet_export_csv(calendar_path: Path, tmp_path: Path) -> None:
    # FET's Timetable export: a BOM, quoted fields, one row per hour, sets joined with '+'.
    text = (
        '\ufeff"Activity Id","Day","Hour","Students Sets","Subject","Teachers","Activity Tags",'
        '"Room","Comments"\n'
        '"1","Monday","08:00","8X+8Y","Ma","Ann+Bob","","R1",""\n'
        '"2","Monday","09:00","8X","Sc","Cy","","Lab",""\n'
        '"2","Monday","10:00","8X","Sc","Cy","","Lab",""\n'
        '"3","Tuesday","13:30","8Y","Ar","Di","","",""\n'
    )
    source = write(tmp_path, "school_timetable.csv", text)
    assert detect_format(source) == "fet"
    result = import_timetable(read_source(source), read_calendar(calendar_path))
    # hours in clock order onto the lesson slots in order
    assert result.slot_map == {"08:00": "P1", "09:00": "P2", "10:00": "P3", "13:30": "P4"}
    assert lesson_set(result.lessons) == {
        ("8X", "Mon P1", "Ma"),
        ("8Y", "Mon P1", "Ma"),
        ("8X", "Mon P2", "Sc"),
        ("8X", "Mon P3", "Sc"),
        ("8Y", "Tue P4", "Ar"),
    }
    assert result.warnings == []
    assert {c["id"]: c.get("teacher") for c in result.classes} == {"8X": None, "8Y": None}


# --- plain CSV and St Paul's --------------------------------------------------------------------


def test_plain_csv(calendar_path: Path, tmp_path: Path) -> None:
    text = (
        "class,day,slot,subject,teacher,room\n"
        "3A,Monday,P1,Maths,Jo,R3\n"
        "3A;3B,mon,P2,PE,Jo,Hall\n"
        "3B,Tu,3,English,Sam,\n"
        "3B,Tue,P3,Art,Sam,\n"
        "\n"
        "3A,Wed,REG,Register,Jo,R3\n"
        "3B,thurs,P5,Music,Sam,\n"
    )
    source = write(tmp_path, "timetable.csv", text)
    assert detect_format(source) == "csv"
    result = import_timetable(read_source(source), read_calendar(calendar_path))
    assert result.lessons == [
        {"class": "3A", "when": "Mon P1", "subject": "Maths"},
        {"class": "3A", "when": "Mon P2", "subject": "PE"},
        {"class": "3B", "when": "Mon P2", "subject": "PE", "teacher": "Jo"},
        {"class": "3B", "when": "Tue P3", "subject": "English", "teacher": "Sam"},
        {"class": "3A", "when": "Wed REG", "subject": "Register"},
        {"class": "3B", "when": "Thu P5", "subject": "Music", "teacher": "Sam"},
    ]
    # every teacher named becomes one of `teachers`; a lesson names its teacher where its class has no one teacher
    assert result.teachers == [{"id": "Jo"}, {"id": "Sam"}]
    # two lessons for 3B at Tue P3 ("3" is the third lesson slot, P3): the second is left out
    (clash,) = result.warnings
    assert clash.startswith(f"{source}:5: row 5 (Art, 3B): class '3B' already has English at Tue P3")
    # a class taught by one teacher (and in one room) says so; 3B has two teachers
    assert result.classes == [{"id": "3A", "teacher": "Jo", "year": 3}, {"id": "3B", "year": 3}]


@needs_real
def test_st_pauls(calendar_path: Path, tmp_path: Path) -> None:
    with STPAULS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    grouped = [r for r in rows if r["class_group"]]
    groups = {g for r in grouped for g in r["class_group"].split(";")}
    assert detect_format(STPAULS) == "stpauls"
    part = tmp_path / "part.yaml"
    result = import_file(STPAULS, calendar_path, part)
    assert result.activities == len(rows) == 1227
    assert result.placed == len(grouped) == 1224
    assert len(result.lessons) == sum(len(r["class_group"].split(";")) for r in grouped)
    assert {c["id"] for c in result.classes} == groups and len(groups) == 67
    assert result.slot_map == {str(n): f"P{n}" for n in range(1, 6)}
    assert sum("names no class" in w for w in result.warnings) == 3
    assert Counter(x["when"].split()[0] for x in result.lessons) == Counter(r["day"] for r in grouped)
    assert next(c for c in result.classes if c["id"] == "10A")["year"] == 10
    school = merged_school(tmp_path, part)
    assert len(school.lessons) == 1224
    # the layout can also be named
    again = import_timetable(read_source(STPAULS, "stpauls"), read_calendar(calendar_path))
    assert again.lessons == result.lessons


# --- bad input ------------------------------------------------------------------------------------


def test_missing_column(calendar_path: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "t.csv", "class,day,slot,teacher\n3A,Mon,P1,Jo\n")
    with pytest.raises(InputError) as caught:
        read_source(source)
    (problem,) = caught.value.problems
    assert problem.location == f"{source}:1"
    assert "missing column `subject`" in problem.message
    with pytest.raises(InputError) as caught:
        read_source(source, "stpauls")
    assert "`event_id`" in caught.value.problems[0].message


def test_unknown_day(calendar_path: Path, tmp_path: Path) -> None:
    text = "class,day,slot,subject,teacher\n3A,Mon,P1,Ma,Jo\n3A,Sat,P1,Ma,Jo\n3A,Sat,P2,En,Jo\n3A,Thx,P1,Ma,Jo\n"
    source = write(tmp_path, "t.csv", text)
    with pytest.raises(InputError) as caught:
        import_timetable(read_source(source), read_calendar(calendar_path))
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        f"{source}:3: day: unknown day 'Sat'; the calendar's days are Mon, Tue, Wed, Thu, Fri (1 more rows name it)",
        f"{source}:5: day: unknown day 'Thx'; did you mean 'Thu'?; the calendar's days are Mon, Tue, Wed, Thu, Fri",
    ]


def test_more_hours_than_lesson_slots_needs_a_map(calendar_path: Path, tmp_path: Path) -> None:
    text = "class,day,slot,subject,teacher\n" + "".join(f"3A,Mon,{n},Ma,Jo\n" for n in range(1, 8))
    source = write(tmp_path, "t.csv", text)
    with pytest.raises(InputError) as caught:
        import_timetable(read_source(source), read_calendar(calendar_path))
    (problem,) = caught.value.problems
    assert problem.location == "--map" and "7 hours a day" in problem.message
    assert '--map "1=P1,2=P2,3=P3,4=P4,5=P5"' in problem.message


def test_bad_map_and_calendar(calendar_path: Path, tmp_path: Path) -> None:
    calendar = read_calendar(calendar_path)
    with pytest.raises(InputError) as caught:
        parse_slot_map(["1=P1,2=Q2,3"], calendar)
    assert [p.message.split(";")[0] for p in caught.value.problems] == [
        "unknown slot 'Q2' for hour '2'",
        "'3' has no `=`",
    ]
    no_calendar = write(tmp_path, "c.yaml", "school: {name: X, phase: primary}\n")
    with pytest.raises(InputError, match="no `calendar:` section"):
        read_calendar(no_calendar)
    bad = write(
        tmp_path,
        "c2.yaml",
        "calendar:\n  days: [Mon]\n  slots:\n    - {id: P1, start: '9', end: '10:00'}\n",
    )
    with pytest.raises(InputError) as caught:
        read_calendar(bad)
    assert all(p.location == f"{bad}:4" for p in caught.value.problems)


def test_broken_fet_file(tmp_path: Path) -> None:
    source = write(tmp_path, "x.fet", "<fet>\n<Activities_List>\n</fet>\n")
    with pytest.raises(InputError) as caught:
        read_source(source)
    assert caught.value.problems[0].location == f"{source}:3"
    assert "not valid XML" in caught.value.problems[0].message


# --- the command ----------------------------------------------------------------------------------


def run_main(args: list[str]) -> int:
    with pytest.raises(SystemExit) as caught:
        cli.main(args)
    code = caught.value.code
    return code if isinstance(code, int) else (0 if code is None else 1)


def test_command(calendar_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, "school.fet", FET_XML)
    part = tmp_path / "part.yaml"
    assert run_main(["import-timetable", str(source), "--calendar", str(calendar_path), "-o", str(part)]) == 0
    captured = capsys.readouterr()
    assert f"wrote {part}: 2 classes, 4 lessons from 2 of 4 activities" in captured.out
    assert "warning:" in captured.err and "activity 2 (En, 7A) not imported" in captured.err
    merged_school(tmp_path, part)

    bad = write(tmp_path, "t.csv", "class,day,slot\n3A,Mon,P1\n")
    args = ["import-timetable", str(bad), "--calendar", str(calendar_path), "-o", str(part)]
    assert run_main(args) == 2
    assert f"{bad}:1: missing columns `subject`, `teacher`" in capsys.readouterr().err
    assert run_main([*args[:-1], str(bad)]) == 2  # never over the input
    assert run_main([*args, "--format", "excel"]) == 2
    assert "unknown format 'excel'" in capsys.readouterr().err
