"""`tasched solve`: build the week's rota, write it, and say what it delivers in the school's words."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tasched.cli import options as opt
from tasched.cli.exits import EXIT_INTERRUPTED, EXIT_NO_ROTA
from tasched.cli.render import err, escape, out, print_findings
from tasched.cli.report import write_report_file
from tasched.jobs.progress import SolveProgress
from tasched.jobs.run import INPUT_CHANGED, solve_file
from tasched.problem.diagnose import Finding
from tasched.solution.rota import Rota
from tasched.solution.words import headline, plural, severity, shortfall_headline, tier_result

__all__ = ["solve"]


def solve(
    school: Annotated[Path, opt.argument("The school file (.yaml, .yml or .xlsx).")],
    output: Annotated[Path, opt.output("Where to write the rota (.yaml or .xlsx).", required=True)],
    time_limit: Annotated[float | None, opt.time_limit("Seconds to search (default: rules.solver.time_limit).")] = None,
    seed: opt.SolverSeed = None,
    workers: Annotated[
        int | None, opt.workers("CP-SAT search workers (default: rules.solver.workers); 1 is reproducible.")
    ] = None,
    verbose: Annotated[bool, opt.flag("--verbose", "Show the CP-SAT search log.", "-v")] = False,
    quiet: opt.Quiet = False,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="Last week's rota: keep as much of it as the demands allow."),
    ] = None,
    absent: Annotated[
        list[str] | None, opt.absent('An absence, e.g. "TA05:Tue" or "TA05:Mon P1-P3" (repeatable).')
    ] = None,
    pin: Annotated[list[str] | None, opt.pin('A pinned task, e.g. "TA01:Mon P1=class:Y1A" (repeatable).')] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="A folder of this term's earlier rotas: duty fairness counts them."),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a self-contained HTML report of the rota here."),
    ] = None,
) -> None:
    """Build the week's rota and write it.

    Demands that no rota can meet are reported before solving (impossible hard
    rules stop with exit 2). Exit codes: 0 rota written (its shortfalls are listed
    in it), 2 invalid input, 3 no rota, 130 interrupted (best rota so far written).
    """
    console = err()
    display = SolveProgress(console, quiet=quiet)

    def show_findings(findings: list[Finding], places: list[str]) -> None:
        if not quiet:  # errors are raised as input problems, with their places
            print_findings(findings, places, errors=False)

    rota = solve_file(
        school, output, time_limit=time_limit, seed=seed, workers=workers, verbose=verbose,
        log=display.note, on_solution=display.update if not verbose else None, on_findings=show_findings,
        previous=previous, absent=absent or [], pins=pin or [], history=history,
    )  # fmt: skip
    if rota.status == "no_rota":
        _print_no_rota(console, rota, school)
        raise typer.Exit(EXIT_NO_ROTA)
    if rota.meta.get("input_changed"):
        console.print(f"[yellow]warning:[/] {escape(str(school))}: {escape(INPUT_CHANGED)}")
    if html is not None:
        write_report_file(school, rota.to_dict(), html, quiet=quiet)
    if not quiet:
        _print_solved(rota, output, previous, verbose)
    if rota.meta.get("interrupted"):
        raise typer.Exit(EXIT_INTERRUPTED)


def _print_no_rota(console: Console, rota: Rota, school: Path) -> None:
    """Why there is no rota: pins that contradict each other, or no rota found in the time."""
    conflict = rota.meta.get("conflict")
    if conflict:
        console.print(f"[red]✗[/] no rota: these pins cannot all hold together: {escape('; '.join(conflict))}")
    else:
        console.print(f"[red]✗[/] no rota: {escape(str(school))} has no rota within {rota.meta['time_limit']} s")


def _print_solved(rota: Rota, output: Path | None, previous: Path | None, verbose: bool) -> None:
    """What was written, in the school's words; solver figures only with -v."""
    meta = rota.meta
    short = len(rota.shortfalls)
    out().print(f"[green]✓[/] wrote {escape(str(output))}: {headline(meta)}, {len(rota.assignments)} rows, "
                f"{plural(short, 'shortfall')}, £{rota.kpis['cost']['weekly']:,.2f} a week")  # fmt: skip
    if rota.shortfalls:
        colour = "red" if any(severity(str(r["task"])) == "critical" for r in rota.shortfalls) else "yellow"
        out().print(f"  [bold {colour}]{escape(shortfall_headline(rota.shortfalls))}[/]")
    if verbose:
        out().print(f"  status {meta['status']}, gap {meta['gap']}, objective {meta.get('objective')}")
        for tier in meta.get("tiers") or []:
            out().print(f"  {escape(tier_result(tier))} [dim](bound {tier.get('bound')}, {tier['seconds']} s)[/]")
    if "changes" in meta:
        c = meta["changes"]
        out().print(f"  changes from {escape(str(previous))}: {escape(c.get('summary', ''))}")
        if verbose:
            out().print(f"  {c['rows_kept']} rows kept, {c['rows_removed']} removed, {c['rows_added']} added")
    for row in rota.shortfalls:
        colour = {"critical": "red", "warning": "yellow"}.get(severity(str(row["task"])), "dim")
        out().print(f"  [{colour}]short[/] {escape(row['task'])}: {row['delivered']:g} of {row['required']:g} "
                    f"{row['unit']}: {escape(row['reason'])}")  # fmt: skip
