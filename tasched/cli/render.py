"""How the command line prints: the consoles, problems and findings at their places, progress notes.

Results go to stdout and everything else (problems, notes, progress) to stderr, so a
command's output can be piped while its notes stay on the terminal. Colour only on a
terminal (rich decides).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from tasched.errors import Problem
from tasched.problem.diagnose import Finding

__all__ = ["err", "escape", "note_lines", "out", "print_findings", "print_problems", "print_written", "wrote"]


def out() -> Console:
    """Console for results (stdout); colour only on a terminal."""
    return Console(highlight=False, soft_wrap=True)


def err() -> Console:
    """Console for problems and notes (stderr); colour only on a terminal."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_problems(problems: list[Problem], console: Console | None = None) -> None:
    """Print each problem on its own line, `FILE:LINE: field: message`."""
    console = console or err()
    for problem in problems:
        where = f"{problem.location}: " if problem.location else ""
        what = f"{problem.field}: " if problem.field else ""
        console.print(f"[bold]{escape(where)}[/][cyan]{escape(what)}[/]{escape(problem.message)}")


def print_findings(findings: list[Finding], places: list[str], errors: bool = True) -> None:
    """Diagnoses before solving, each at its place: `FILE:LINE: warning: pupil:P014: ...`."""
    for place, finding in zip(places, findings, strict=True):
        if finding.severity == "error" and not errors:
            continue
        colour = "red" if finding.severity == "error" else "yellow"
        err().print(
            f"[bold]{escape(place)}:[/] [{colour}]{finding.severity}:[/] "
            f"{escape(finding.task)}: {escape(finding.message)}"
        )


def print_written(path: Path) -> None:
    """The result line of a command whose whole job is to write one file."""
    out().print(f"[green]✓[/] wrote {escape(str(path))}")


def wrote(console: Console, path: Path) -> None:
    """A note, beside a command's result, that it also wrote this file."""
    console.print(f"wrote {escape(str(path))}")


def note_lines(console: Console, quiet: bool) -> Callable[[str], None] | None:
    """The `log` a long-running analysis prints its progress lines with; None when --quiet."""
    if quiet:
        return None
    return lambda text: console.print(escape(text))
