"""`tasched check`: judge a rota against the spec with the independent verifier."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tasched.cli import options as opt
from tasched.cli.exits import EXIT_NOT_VALID
from tasched.cli.render import err, escape, out
from tasched.jobs.run import check_files
from tasched.verify import format_report

__all__ = ["check"]


def check(
    school: opt.SchoolFile,
    rota: Annotated[Path, opt.argument("The rota file to judge.")],
) -> None:
    """Judge a rota against the spec with the independent verifier.

    Re-derives every hard rule, shortfall and KPI from the school and the rota's
    rows. Exits 0 when the rota is valid, 1 when it breaks a rule, 2 on bad input.
    """
    report = check_files(school, rota)
    (out() if report.ok else err()).print(escape(format_report(report)))
    if not report.ok:
        raise typer.Exit(EXIT_NOT_VALID)
