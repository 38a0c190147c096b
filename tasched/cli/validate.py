"""`tasched validate`: check a school file and list every problem in it, each at its place."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tasched.cli import options as opt
from tasched.cli.exits import EXIT_INPUT
from tasched.cli.render import err, escape, out, print_findings, print_problems
from tasched.errors import InputError
from tasched.io.formats import load_school
from tasched.jobs.run import findings_for, locate_findings

__all__ = ["validate"]


def validate(
    school: Annotated[Path, opt.argument("The school file: YAML (.yaml, .yml) or Excel (.xlsx).")],
) -> None:
    """Check a school file and list every problem in it.

    Each problem reads `FILE:LINE: field: what is wrong`, with the fix. Exits 0
    when the file is valid and 2 when it is not.
    """
    try:
        data = load_school(str(school))
    except InputError as error:
        print_problems(error.problems)
        count = len(error.problems)
        noun = "problem" if count == 1 else "problems"
        err().print(f"[red]✗[/] {escape(str(school))}: {count} {noun}")
        raise typer.Exit(EXIT_INPUT) from None
    findings = findings_for(data)
    print_findings(findings, locate_findings(school, data, findings))
    if any(f.severity == "error" for f in findings):
        err().print(f"[red]✗[/] {escape(str(school))}: no rota can keep these rules; fix the input first")
        raise typer.Exit(EXIT_INPUT)
    with_plans = sum(1 for p in data.pupils if p.ehcp is not None)
    out().print(
        f"[green]✓[/] {escape(str(school))} is valid: {len(data.staff)} staff, "
        f"{len(data.classes)} classes, {len(data.pupils)} pupils ({with_plans} with EHC plans), "
        f"{len(data.interventions)} interventions, {len(data.duties)} duties"
    )
