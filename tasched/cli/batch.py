"""`tasched batch`: solve every school file in a folder (a trust's, with shared adults) and summarise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tasched.cli import options as opt
from tasched.cli.render import err, out
from tasched.jobs.batch import BatchOptions
from tasched.jobs.trust import run_command

__all__ = ["batch"]


def batch(
    folder: Annotated[Path, opt.argument("A folder of school files (.yaml, .yml, .xlsx).")],
    output: Annotated[Path, opt.output("Folder for the rotas and the trust summary.", required=True)],
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Schools solved at once (default: cores ÷ workers; with --ray: no limit).",
        ),
    ] = None,
    workers: Annotated[
        int | None, opt.workers("CP-SAT workers a school (default: 2, more if cores are spare).", min=1)
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="auto|ADDRESS",
            help="Run on Ray (pip install 'tasched\\[ray]'): `auto` starts a local Ray, "
            "an ADDRESS (host:6379) joins a cluster.",
        ),
    ] = None,
    time_limit: Annotated[
        float | None, opt.time_limit("Seconds to search a school (default: its rules.solver).")
    ] = None,
    seed: Annotated[int | None, opt.seed("Random seed (default: each school's rules.solver.seed).")] = None,
    quiet: Annotated[bool, opt.quiet("Print nothing but the failed schools.")] = False,
) -> None:
    """Solve every school file in a folder and write a trust summary.

    Writes OUTDIR/<school>.rota.yaml for each school and OUTDIR/trust-summary.xlsx
    and .yaml (cost, EHC hours met, shortfalls, rotation, status; worst first). A
    broken school is named with its error and the others go on. Exit codes: 0 all
    solved, 1 some failed (listed), 2 the folder is unusable, 130 interrupted.
    """
    options = BatchOptions(time_limit=time_limit, seed=seed, workers=workers, jobs=jobs, ray=ray)
    code = run_command(folder, output, options, quiet=quiet, out=out(), err=err())
    if code:
        raise typer.Exit(code)
