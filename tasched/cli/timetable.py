"""`tasched import-timetable`: a class timetable (FET, CSV) as a school file's classes and lessons."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tasched.cli import options as opt
from tasched.cli.render import err, escape, out
from tasched.io.timetable_import import import_file

__all__ = ["import_timetable"]


def import_timetable(
    source: Annotated[Path, opt.argument("The timetable: a .fet file, FET's CSV export, or a CSV.")],
    calendar: Annotated[
        Path,
        typer.Option(
            "--calendar",
            help="A file with the school's `calendar:` (or the school file).",
            show_default=False,
        ),
    ],
    output: Annotated[Path, opt.output("Where to write the classes and lessons (.yaml).", required=True)],
    fmt: Annotated[
        str,
        typer.Option("--format", help="auto | fet | csv (class, day, slot, subject, teacher) | stpauls."),
    ] = "auto",
    slot_map: Annotated[
        list[str] | None,
        typer.Option("--map", help='Which slot each source hour is, e.g. "9.30 - 11.00=P1,11.15 - 12.45=P2".'),
    ] = None,
    quiet: opt.Quiet = False,
) -> None:
    """Import a class timetable as the `classes` and `lessons` of a school file.

    Hours are mapped onto the calendar's lesson slots in order unless --map says
    otherwise; days match by name or abbreviation. Activities that cannot be
    placed are listed as warnings. Exit codes: 0 written, 2 bad input.
    """
    result = import_file(source, calendar, output, fmt=fmt, slot_map=slot_map)
    if not quiet:
        for warning in result.warnings:
            err().print(f"[yellow]warning:[/] {escape(warning)}")
        out().print(
            f"[green]✓[/] wrote {escape(str(output))}: {len(result.classes)} classes, "
            f"{len(result.lessons)} lessons from {result.placed} of {result.activities} activities"
        )
