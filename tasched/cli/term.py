"""`tasched term`: plan the term a week at a time and judge it with the term rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tasched.cli import options as opt
from tasched.cli.exits import EXIT_NOT_VALID
from tasched.cli.render import err, escape, note_lines, out
from tasched.jobs.term import plan_term

__all__ = ["term"]


def term(
    school: Annotated[Path, opt.argument("The school file, with a `term` section.")],
    output: Annotated[Path, opt.output("The term folder: week-01.rota.yaml, …", required=True)],
    time_limit: Annotated[float | None, opt.time_limit("Seconds to search each week (default: rules.solver).")] = None,
    seed: opt.SolverSeed = None,
    workers: Annotated[int | None, opt.workers("CP-SAT search workers (default: rules.solver).")] = None,
    week: Annotated[
        int | None, typer.Option("--week", help="Re-solve from this week: earlier weeks are kept as delivered.")
    ] = None,
    absent: Annotated[list[str] | None, opt.absent('An absence in --week, e.g. "TA05:Tue" (repeatable).')] = None,
    pin: Annotated[list[str] | None, opt.pin("A pinned task in --week (repeatable).")] = None,
    quiet: opt.Quiet = False,
) -> None:
    """Plan the term one week at a time: a rota per week, term.xlsx and term.html.

    Each week follows the EHC fades, the programmes running and the closed days, keeps
    last week's adults where it can, counts earlier duties and withdrawals, and is
    judged by the verifier with the term rules. Exit 0 every week valid, 1 not, 2 bad input.
    """
    result = plan_term(
        school, output, time_limit=time_limit, seed=seed, workers=workers, week=week,
        absent=absent or [], pins=pin or [], log=note_lines(err(), quiet),
    )  # fmt: skip
    report = result.report
    if not quiet:
        (out() if report.ok else err()).print(escape("\n".join(report.lines())))
        out().print(f"[green]✓[/] wrote {escape(str(output))}: {len(result.solved)} week(s) solved")
    if not report.ok:
        raise typer.Exit(EXIT_NOT_VALID)
