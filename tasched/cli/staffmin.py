"""`tasched staff-min`: the cheapest set of the current adults that still meets the statutory demands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tasched.analysis.staffmin import render as render_staff_min
from tasched.analysis.staffmin import staff_min_file
from tasched.cli import options as opt
from tasched.cli.exits import EXIT_NO_ROTA
from tasched.cli.render import err, note_lines, out, wrote
from tasched.errors import InputError, Problem

__all__ = ["staff_min"]

METHODS = ("auto", "exact", "greedy")


def staff_min(
    school: opt.SchoolFile,
    keep_interventions: Annotated[
        bool, opt.flag("--keep-interventions", "Every intervention's sessions must run too.")
    ] = False,
    allow_reduced_hours: Annotated[
        float | None,
        typer.Option(
            "--allow-reduced-hours",
            metavar="STEP",
            help="Also consider contracts cut in steps of STEP hours (e.g. 2.5).",
        ),
    ] = None,
    method: Annotated[str, typer.Option("--method", help="auto | exact (CP-SAT) | greedy (heuristic).")] = "auto",
    output: Annotated[Path | None, opt.output("Write the answer and frontier (.yaml).")] = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="The frontier as a PNG (default: SCHOOL-frontier.png)."),
    ] = None,
    no_plot: Annotated[bool, opt.flag("--no-plot", "Write no PNG.")] = False,
    rota: Annotated[
        Path | None,
        typer.Option("--rota", help="Also solve and write the full rota on the chosen staff."),
    ] = None,
    points: Annotated[int, typer.Option("--points", min=1, help="Frontier points, the answer included.")] = 6,
    time_limit: Annotated[float, opt.time_limit("Seconds per CP-SAT solve.")] = 30,
    seed: opt.RulesSeed = None,
    workers: opt.RulesWorkers = None,
    quiet: Annotated[bool, opt.quiet("No progress lines.")] = False,
) -> None:
    """The cheapest set of the current adults that still meets every EHC plan, the
    medical cover and the duties, and the frontier of cost against EHC hours.

    The answer's statutory rota is judged by the independent verifier. Exit codes:
    0 answer found, 2 invalid input, 3 no answer within the time limit.
    """
    if method not in METHODS:
        raise InputError([Problem("--method", "", "choose auto, exact or greedy")])
    console = err()
    png = None if no_plot else (plot or Path(f"{school.stem}-frontier.png"))
    result = staff_min_file(
        school, output=output, plot=png, rota=rota, log=note_lines(console, quiet),
        keep_interventions=keep_interventions, reduced_hours_step=allow_reduced_hours,
        method=method, time_limit=time_limit, seed=seed, workers=workers, frontier_points=points,
    )  # fmt: skip
    render_staff_min(result, out())
    for path in (output, png if result.frontier else None, rota):
        if path is not None:
            wrote(console, path)
    if not result.verified:
        raise typer.Exit(EXIT_NO_ROTA)
