"""Weekly re-solve: an absence moves only what it must; CLI absences, pins and duty history."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tasched.io.formats import load_school
from tasched.jobs.run import solve_file
from tasched.verify import verify

SCHOOL = """
school: {name: Re-solve Primary, phase: primary}
calendar:
  days: [Mon, Tue]
  slots:
    - {id: P1, start: "09:00", end: "10:00", kind: lesson}
    - {id: P2, start: "10:00", end: "11:00", kind: lesson}
    - {id: LU, start: "12:00", end: "12:30", kind: lunch}
    - {id: P3, start: "13:00", end: "14:00", kind: lesson}
staff:
  - {id: TA1, role: TA2, hours: 6}
  - {id: TA2, role: TA2, hours: 6}
  - {id: TA3, role: TA3, hours: 6}
  - {id: TA4, role: TA3, hours: 3}
classes: [{id: A}, {id: B}]
support:
  - {class: A}
  - {class: B}
duties:
  - {id: LUNCH, name: Lunch, when: lunch, staff: 1}
rules:
  weights: {class_continuity: 0, idle: 0, duty_fairness: 0}
"""


def _write(tmp_path: Path, text: str = SCHOOL) -> Path:
    path = tmp_path / "school.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _keys(rows: list[dict]) -> set[tuple]:
    return {(r["staff"], r["day"], r["slot"], r["task"]) for r in rows}


def test_an_absence_changes_only_the_rows_it_forces(tmp_path: Path) -> None:
    """Re-solved after TA1 is absent on Tuesday, every row not of TA1 on Tuesday stays."""
    school = _write(tmp_path)
    first = solve_file(school, tmp_path / "week1.yaml", time_limit=10, workers=1)
    assert first.status == "optimal"
    second = solve_file(
        school,
        tmp_path / "week2.yaml",
        time_limit=10,
        workers=1,
        previous=tmp_path / "week1.yaml",
        absent=["TA1:Tue"],
    )
    data = load_school(school)
    assert verify(data.model_copy(update={"absences": second_absences(data)}), second.to_dict()).ok
    forced = {k for k in _keys(first.assignments) if k[0] == "TA1" and k[1] == "Tue"}
    assert forced, "the test needs TA1 to work on Tuesday in week 1"
    assert _keys(first.assignments) - forced <= _keys(second.assignments)
    assert not any(k[0] == "TA1" and k[1] == "Tue" for k in _keys(second.assignments))
    # Every demand is still met: the spare adults took TA1's Tuesday.
    assert second.shortfalls == first.shortfalls
    changes = second.meta["changes"]
    assert changes["rows_removed"] == len(forced)
    assert "TA1" in changes["staff_affected"]
    # Said as a person would: whose Tuesday went to whom, and that nothing else moved.
    summary = changes["summary"]
    assert summary.startswith("TA1's Tue") and " went to " in summary, summary
    assert summary.endswith("nothing else moved"), summary


def test_changes_in_words() -> None:
    from tasched.solution.words import changes_in_words

    def row(staff: str, day: str, slot: str, task: str) -> dict[str, str]:
        return {"staff": staff, "day": day, "slot": slot, "task": task}

    before = [
        row("TA05", "Tue", "P1", "class:A"),
        row("TA05", "Tue", "P2", "pupil:P1"),
        row("TA01", "Mon", "P1", "duty:x"),
    ]
    after = [
        row("TA03", "Tue", "P1", "class:A"),
        row("TA11", "Tue", "P2", "pupil:P1"),
        row("TA01", "Mon", "P1", "duty:x"),
    ]
    assert changes_in_words(before, after) == "TA05's Tue went to TA03 and TA11; nothing else moved"
    assert changes_in_words(before, before) == "nothing moved"
    dropped = changes_in_words(before, [*after[1:], row("TA09", "Wed", "P1", "class:B")])
    assert dropped == "TA05's Tue went to TA11 (1 task dropped); TA09 took on 1 more task"


def second_absences(data):  # type: ignore[no-untyped-def]
    from tasched.input.model import Absence

    return [*data.absences, Absence(staff="TA1", when="Tue")]


def test_without_previous_the_solver_may_reshuffle_but_with_it_nothing_moves(tmp_path: Path) -> None:
    """Re-solving an optimal rota with nothing changed keeps every row."""
    school = _write(tmp_path)
    solve_file(school, tmp_path / "week1.yaml", time_limit=10, workers=1, seed=1)
    again = solve_file(
        school, tmp_path / "week2.yaml", time_limit=10, workers=1, seed=7, previous=tmp_path / "week1.yaml"
    )
    week1 = yaml.safe_load((tmp_path / "week1.yaml").read_text())
    assert _keys(again.assignments) == _keys(week1["assignments"])
    assert again.meta["changes"]["rows_removed"] == 0


def test_a_cli_pin_forces_its_task(tmp_path: Path) -> None:
    """--pin puts TA4 in class B on Monday P1, where the solver would not otherwise need to."""
    school = _write(tmp_path)
    rota = solve_file(school, None, time_limit=10, workers=1, pins=["TA4:Mon P1=class:B"])
    assert ("TA4", "Mon", "P1", "class:B") in _keys(rota.assignments)


def test_duty_history_spreads_duties_over_the_term(tmp_path: Path) -> None:
    """TA1 and TA2 did every lunch duty so far, so this week's go to TA3 and TA4."""
    history = tmp_path / "history"
    history.mkdir()
    rows = [
        {"staff": s, "day": "Mon", "slot": "LU", "task": "duty:LUNCH", "mode": None, "pupils": [], "room": None}
        for s in ("TA1", "TA2")
    ] * 3
    (history / "week1.yaml").write_text(yaml.safe_dump({"meta": {}, "assignments": rows}))
    text = SCHOOL.replace("duty_fairness: 0", "duty_fairness: 50")
    rota = solve_file(_write(tmp_path, text), None, time_limit=10, workers=1, history=history)
    on_duty = {r["staff"] for r in rota.assignments if r["task"] == "duty:LUNCH"}
    assert on_duty and on_duty <= {"TA3", "TA4"}


def test_bad_cli_overrides_exit_2_naming_the_option(tmp_path: Path) -> None:
    school = _write(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tasched",
            "solve",
            str(school),
            "-o",
            str(tmp_path / "r.yaml"),
            "--absent",
            "TA9:Tue",
            "--pin",
            "TA1 Mon P1 class:A",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "--pin 'TA1 Mon P1 class:A'" in result.stderr and "STAFF:WHEN=TASK" in result.stderr
    assert "Traceback" not in result.stderr


def test_pins_that_cannot_hold_together_are_named(tmp_path: Path) -> None:
    """TA4 has 3 contracted hours; four pinned hours cannot all hold: no rota, and the
    conflicting pins are named (CP-SAT assumptions), exit 3."""
    school = _write(tmp_path)
    pins = ["TA4:Mon P1=class:A", "TA4:Mon P2=class:A", "TA4:Tue P1=class:B", "TA4:Tue P2=class:B"]
    rota = solve_file(school, None, time_limit=10, workers=1, pins=pins)
    assert rota.status == "no_rota"
    assert rota.meta["conflict"] and all(c.startswith("TA4 ") for c in rota.meta["conflict"])
    args = [sys.executable, "-m", "tasched", "solve", str(school), "-o", str(tmp_path / "r.yaml")]
    for pin in pins:
        args += ["--pin", pin]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 3
    assert "cannot all hold together" in result.stderr and "TA4 Mon P1 = class:A" in result.stderr
