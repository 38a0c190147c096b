"""`tasched suggest`: who can cover? A ranked list of adults for each task an absence leaves,
and for each lesson an absent teacher leaves."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from tasched.analysis.suggest import render as render_suggestions
from tasched.analysis.suggest import suggest_file
from tasched.cli import options as opt
from tasched.cli.render import out

__all__ = ["suggest"]


def suggest(
    school: opt.SchoolFile,
    rota: Annotated[Path, opt.argument("The week's rota (.yaml).")],
    absent: Annotated[
        list[str] | None, opt.absent('Who is off and when, e.g. "TA05:Tue" or "TA05:Tue P3" (repeatable).')
    ] = None,
    teacher_absent: Annotated[
        list[str] | None,
        typer.Option(
            "--teacher-absent",
            help='A teacher who is off and when, e.g. "JSW:Wed" ("JSW" alone: the whole week; repeatable): '
            "each of their lessons then is a cover:CLASS to staff.",
        ),
    ] = None,
    task: Annotated[
        str | None, typer.Option("--task", help="A task to staff, e.g. pupil:P014 or cover:Y3 (with --at).")
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help='When, e.g. "Tue P3".')] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Candidates shown per task.")] = 5,
    show_all: Annotated[bool, opt.flag("--all", "Also list the adults ruled out, and why.")] = False,
    as_json: Annotated[bool, opt.flag("--json", "Print JSON, for scripts.")] = False,
) -> None:
    """Who can cover? A ranked list of adults for each task an absence leaves.

    Free adults with the skills first, then those who would drop a lower-priority
    task (named), then by contracted time left; rotation, breaks, max_duties and
    contracts are respected. An absent teacher's lessons go to adults whose role may
    cover (rules.cover.roles), within rules.cover.max_minutes a week, never at the cost
    of EHC support or medical cover. Nothing is solved: the answer takes well under a second.
    """
    result = suggest_file(school, rota, absent=absent or [], teacher_absent=teacher_absent or [], task=task,
                          at=at, top=None if show_all or as_json else top)  # fmt: skip
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    render_suggestions(result, out(), show_all=show_all)
