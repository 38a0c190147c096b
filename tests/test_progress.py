"""Progress displays: plain lines off a terminal, redrawn in place on one, nothing when quiet."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from conftest import SAMPLE_YAML
from rich.console import Console
from typer.testing import CliRunner

from tasched import cli
from tasched.jobs.progress import BatchProgress, SolveProgress, gap_of, school_line, solve_line

runner = CliRunner()

UP_AND_CLEAR = "\x1b[1A\x1b[2K"


def console(terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=120, highlight=False), buffer


TIER_DONE = {"event": "tier", "tier": "ehcp_hours", "status": "optimal", "short": 175, "unit": "minutes", "bound": 175}
SOLVING = {
    "event": "solution",
    "tier": "class_support",
    "priority": "high",
    "unit": "adult-minutes",
    "short": 105.0,
    "bound": 60.0,
}


def test_solve_line_speaks_in_the_schools_words() -> None:
    assert solve_line(TIER_DONE) == "  EHC hours: 2 h 55 min short; no rota under these rules does better (proven)"
    assert solve_line({**TIER_DONE, "short": 0}) == "  EHC hours: all met"
    unproven = {**TIER_DONE, "status": "feasible", "bound": 100}
    assert solve_line(unproven).endswith("2 h 55 min short; could improve with more time")
    line = solve_line({**SOLVING, "elapsed": 1.25})
    assert line == (
        "     1.2 s  solving class support (high priority): 1 h 45 min of adult time short, "
        "at least 1 h of adult time in any rota"
    )
    assert "[bold]" in solve_line(SOLVING, markup=True)
    for text in (solve_line(TIER_DONE), solve_line(SOLVING)):
        assert "objective" not in text and "gap" not in text


def test_the_single_weighted_solve_still_shows_its_figures() -> None:
    update = {"elapsed": 1.25, "objective": 1234.0, "bound": 1000.0}
    assert solve_line(update) == "     1.2 s  objective 1,234  bound 1,000  gap 19.0%"


def test_gap_matches_the_rota_meta() -> None:
    assert gap_of(100.0, 100.0) == 0.0
    assert gap_of(200.0, 150.0) == 0.25
    assert gap_of(0.5, 0.0) == 0.5  # divided by at least 1


def test_off_a_terminal_each_tier_is_a_line_and_rotas_are_throttled() -> None:
    con, buffer = console(terminal=False)
    display = SolveProgress(con, every=3600)
    display.note("model: 155 variables")
    for _ in range(50):
        display.update(SOLVING)
    display.update(TIER_DONE)
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "model: 155 variables"
    assert len(lines) == 3  # the note, one throttled rota line, the tier's result
    assert "solving class support" in lines[1]
    assert lines[2] == "  EHC hours: 2 h 55 min short; no rota under these rules does better (proven)"


def test_solve_progress_redraws_in_place_on_a_terminal() -> None:
    con, buffer = console(terminal=True)
    display = SolveProgress(con)
    display.update(SOLVING)
    first = buffer.getvalue()
    assert UP_AND_CLEAR not in first and "solving" in first
    display.update(SOLVING)
    assert buffer.getvalue()[len(first) :].startswith(UP_AND_CLEAR)
    before = len(buffer.getvalue())
    display.update(TIER_DONE)  # the tier's result replaces the rota line and stays
    assert buffer.getvalue()[before:].startswith(UP_AND_CLEAR)
    before = len(buffer.getvalue())
    display.update(SOLVING)
    assert UP_AND_CLEAR not in buffer.getvalue()[before:]


def test_solve_progress_quiet_prints_nothing() -> None:
    for terminal in (False, True):
        con, buffer = console(terminal)
        display = SolveProgress(con, quiet=True)
        display.note("model")
        display.update(SOLVING)
        display.update(TIER_DONE)
        assert buffer.getvalue() == ""


GOOD = {"file": "oak.yaml", "status": "optimal", "gap": 0.0, "ehc_hours_required": 8.0,
        "ehc_hours_met": 6.0, "shortfalls": 2, "cost_weekly": 1234.5, "seconds": 0.4,
        "error": None}  # fmt: skip
BAD = {
    "file": "broken.yaml",
    "status": "failed",
    "seconds": 0.1,
    "error": "broken.yaml:18: staff[0].hours: must be greater than 0\nsecond problem",
}


def test_school_line() -> None:
    assert school_line(GOOD) == (
        "oak.yaml: optimal, gap 0.0%, EHC hours met 6 of 8, 2 shortfalls, £1,234.50 a week, 0.4 s"
    )
    assert school_line(BAD) == (
        "broken.yaml: failed: broken.yaml:18: staff[0].hours: must be greater than 0 (and 1 more)"
    )


def test_batch_progress_plain_lines() -> None:
    con, buffer = console(terminal=False)
    with BatchProgress(con, 2) as progress:
        progress.note("2 schools")
        progress.set_running(2)
        progress.finished(BAD)
        progress.set_running(1)
        progress.finished(GOOD)
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "2 schools"
    assert lines[1].startswith("[1/2] broken.yaml: failed: broken.yaml:18:")
    assert lines[2].startswith("[2/2] oak.yaml: optimal")
    assert (progress.done, progress.failed) == (2, 1)


def test_batch_progress_bar_on_a_terminal() -> None:
    con, buffer = console(terminal=True)
    with BatchProgress(con, 2) as progress:
        progress.set_running(2)
        progress.finished(GOOD)
        progress.finished(BAD)
    text = buffer.getvalue()
    assert "\x1b[" in text
    assert "schools" in text and "2/2" in text and "failed 1" in text
    assert "[1/2] oak.yaml" in text


def test_batch_progress_quiet_prints_nothing() -> None:
    for terminal in (False, True):
        con, buffer = console(terminal)
        with BatchProgress(con, 1, quiet=True) as progress:
            progress.note("1 school")
            progress.finished(BAD)
        assert buffer.getvalue() == ""
        assert progress.failed == 1


def test_solve_command_progress_lines_and_quiet(write: Callable[..., Path], tmp_path: Path) -> None:
    school = write(SAMPLE_YAML.replace("min_staff: 2", "min_staff: 1"))
    rota = tmp_path / "rota.yaml"
    args = ["solve", str(school), "-o", str(rota), "--time-limit", "2", "--workers", "1"]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert "EHC hours: all met" in result.stderr
    assert "objective" not in result.stderr and "gap" not in result.stderr
    assert "\x1b[" not in result.stderr
    quiet = runner.invoke(cli.app, [*args, "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""
