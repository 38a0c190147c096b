"""`tasched whatif`: the current staffing beside what-if scenarios (a school's, or a trust's moves)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tasched.analysis.trust_whatif import TrustComparison, trust_whatif
from tasched.analysis.trust_whatif import table as trust_table
from tasched.analysis.whatif import render as render_whatif
from tasched.analysis.whatif import whatif_file
from tasched.cli import options as opt
from tasched.cli.render import err, escape, note_lines, out, wrote
from tasched.errors import InputError, Problem

__all__ = ["whatif"]


def whatif(
    school: Annotated[Path | None, opt.argument("The school file (not with --trust).")] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", help="Adults to take out, e.g. TA03,TA07.")] = None,
    trust: Annotated[
        Path | None, typer.Option("--trust", help="A trust file: compare its schools with --move / --share.")
    ] = None,
    move: Annotated[
        list[str] | None, typer.Option("--move", help="With --trust: move an adult, e.g. TA12:oak->elm.")
    ] = None,
    share: Annotated[
        list[str] | None, typer.Option("--share", help="With --trust: share an adult, e.g. TA12:elm=Wed-Thu.")
    ] = None,
    hours: Annotated[list[str] | None, typer.Option("--hours", help="New contracted hours, e.g. TA05=20.")] = None,
    absent: Annotated[list[str] | None, opt.absent('Absences too, e.g. "TA01:Mon".')] = None,
    scenarios: Annotated[
        Path | None,
        typer.Option("--scenarios", help="A YAML file of named scenarios, compared together."),
    ] = None,
    output: Annotated[Path | None, opt.output("Write the comparison (.yaml or .xlsx).")] = None,
    time_limit: Annotated[float | None, opt.time_limit("Seconds per solve (default: rules).")] = None,
    seed: opt.RulesSeed = None,
    workers: opt.RulesWorkers = None,
    quiet: Annotated[bool, opt.quiet("Only the summary.")] = False,
) -> None:
    """Compare the current staffing with what-if scenarios, side by side.

    Each scenario is solved with the same seed and time limit as the base: annual
    cost and saving, EHC hours lost per pupil, intervention sessions, class
    support, duties, medical cover and rotation, and a plain-language summary.
    """
    console = err()
    log = note_lines(console, quiet)
    if trust is not None or school is None:
        if trust is None or school is not None:
            raise InputError([Problem("whatif", "", "give a school file, or --trust TRUST.yaml (not both)")])
        compared = trust_whatif(trust, move=move or [], share=share or [], output=output, time_limit=time_limit,
                                seed=seed, workers=workers, log=log)  # fmt: skip
        _print_trust_table(compared)
    else:
        result = whatif_file(
            school, remove=remove or [], hours=hours or [], absent=absent or [], scenarios_path=scenarios,
            output=output, time_limit=time_limit, seed=seed, workers=workers, log=log,
        )  # fmt: skip
        if quiet:
            for outcome in result.scenarios[1:]:
                out().print(escape(outcome.summary))
        else:
            render_whatif(result, out())
    if output is not None and not quiet:
        wrote(console, output)


def _print_trust_table(compared: TrustComparison) -> None:
    """The trust's schools before and after the moves, a column each way, titled by the changes."""
    head, body = trust_table(compared)
    grid = Table(*head, title="; ".join(str(c) for c in compared.changes))
    for cells in body:
        grid.add_row(*(escape(c) for c in cells))
    out().print(grid)
