"""Progress displays: plain lines off a terminal, redrawn in place on one, nothing when quiet."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from conftest import SAMPLE_YAML
from rich.console import Console
from typer.testing import CliRunner

from tasched import cli
from tasched.progress import BatchProgress, SolveProgress, gap_of, school_line, solve_line

runner = CliRunner()

UP_AND_CLEAR = "\x1b[1A\x1b[2K"


def console(terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=120, highlight=False), buffer


def test_solve_line() -> None:
    update = {"elapsed": 1.25, "objective": 1234.0, "bound": 1000.0}
    assert solve_line(update) == "     1.2 s  objective 1,234  bound 1,000  gap 19.0%"
    with_ehc = {**update, "ehc_hours_required": 110.0, "ehc_hours_short": 2.5}
    assert solve_line(with_ehc).endswith("gap 19.0%  EHC hours met 107.5 of 110")
    assert "[bold]1,234[/]" in solve_line(update, markup=True)


def test_gap_matches_the_rota_meta() -> None:
    assert gap_of(100.0, 100.0) == 0.0
    assert gap_of(200.0, 150.0) == 0.25
    assert gap_of(0.5, 0.0) == 0.5  # divided by at least 1


def test_solve_progress_plain_lines_when_not_a_terminal() -> None:
    con, buffer = console(terminal=False)
    display = SolveProgress(con)
    display.note("model: 155 variables")
    display.update({"elapsed": 0.1, "objective": 200.0, "bound": 100.0})
    display.update({"elapsed": 0.2, "objective": 150.0, "bound": 100.0})
    assert buffer.getvalue().splitlines() == [
        "model: 155 variables",
        "     0.1 s  objective 200  bound 100  gap 50.0%",
        "     0.2 s  objective 150  bound 100  gap 33.3%",
    ]


def test_solve_progress_redraws_in_place_on_a_terminal() -> None:
    con, buffer = console(terminal=True)
    display = SolveProgress(con)
    display.update({"elapsed": 0.1, "objective": 200.0, "bound": 100.0})
    first = buffer.getvalue()
    assert UP_AND_CLEAR not in first and "objective" in first
    display.update({"elapsed": 0.2, "objective": 150.0, "bound": 100.0})
    assert buffer.getvalue()[len(first) :].startswith(UP_AND_CLEAR)
    display.note("a note")  # after a note the next status starts a new line
    before = len(buffer.getvalue())
    display.update({"elapsed": 0.3, "objective": 120.0, "bound": 100.0})
    assert UP_AND_CLEAR not in buffer.getvalue()[before:]


def test_solve_progress_quiet_prints_nothing() -> None:
    for terminal in (False, True):
        con, buffer = console(terminal)
        display = SolveProgress(con, quiet=True)
        display.note("model")
        display.update({"elapsed": 0.1, "objective": 2.0, "bound": 1.0})
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
    lines = [line for line in result.stderr.splitlines() if "objective" in line]
    assert lines and all(" s  objective " in line and "  gap " in line for line in lines)
    assert "\x1b[" not in result.stderr
    quiet = runner.invoke(cli.app, [*args, "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""
