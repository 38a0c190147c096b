"""The `tasched` command line.

Each command is a thin layer over the public API (:mod:`tasched`). Bad input
never shows a Python traceback: problems are printed as `FILE:LINE: field:
message` lines and the exit code is 2. An unexpected failure prints a short
"internal error" line and exits 1 (the traceback only with --debug or
TASCHED_DEBUG=1).

Exit codes: 0 success, 1 internal error, 2 bad input or usage, 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

import tasched
from tasched.errors import InputError, Problem

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_NO_ROTA = 3
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="tasched",
    help=(
        "Weekly teaching-assistant rotas for English schools: EHC-plan hours, interventions, "
        "duties and class support, built with OR-Tools CP-SAT.\n\n"
        "Start with `tasched validate school.yaml`; the file format is described in the README "
        "and `tasched schema`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False}


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
        console.print(
            f"[bold]{_escape(where)}[/][cyan]{_escape(what)}[/]{_escape(problem.message)}"
        )


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tasched {tasched.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            envvar="TASCHED_DEBUG",
            help="Show the full traceback of an internal error (or set TASCHED_DEBUG=1).",
        ),
    ] = False,
) -> None:
    """Weekly teaching-assistant rotas for English schools."""
    _state["debug"] = debug


# --- validate ---------------------------------------------------------------------------


@app.command()
def validate(
    school: Annotated[
        Path,
        typer.Argument(
            help="The school file: YAML (.yaml, .yml) or Excel (.xlsx).", show_default=False
        ),
    ],
) -> None:
    """Check a school file and list every problem in it.

    Each problem reads `FILE:LINE: field: what is wrong`, with the fix. Exits 0
    when the file is valid and 2 when it is not.
    """
    try:
        data = tasched.load(str(school))
    except InputError as error:
        print_problems(error.problems)
        count = len(error.problems)
        noun = "problem" if count == 1 else "problems"
        err().print(f"[red]✗[/] {_escape(str(school))}: {count} {noun}")
        raise typer.Exit(EXIT_INPUT) from None
    with_plans = sum(1 for p in data.pupils if p.ehcp is not None)
    out().print(
        f"[green]✓[/] {_escape(str(school))} is valid: {len(data.staff)} staff, "
        f"{len(data.classes)} classes, {len(data.pupils)} pupils ({with_plans} with EHC plans), "
        f"{len(data.interventions)} interventions, {len(data.duties)} duties"
    )


# --- schema -----------------------------------------------------------------------------


def schema_text() -> str:
    """The JSON Schema of a school file, as committed in schemas/school.schema.json."""
    from tasched.model import json_schema

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the schema to this file instead of printing it."
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of a school file.

    Editors use it to check and complete school files as they are typed (e.g.
    VS Code's YAML extension: `# yaml-language-server: $schema=school.schema.json`).
    """
    text = schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError(
            [Problem(str(output), "", f"cannot write the schema here: {reason}")]
        ) from None
    err().print(f"wrote {_escape(str(output))}")


# --- solve ------------------------------------------------------------------------------


@app.command()
def solve(
    school: Annotated[Path, typer.Argument(help="The school file (.yaml, .yml or .xlsx).", show_default=False)],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the rota (.yaml or .xlsx).", show_default=False)
    ],
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds to search (default: rules.solver.time_limit).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: rules.solver.seed).")] = None,
    workers: Annotated[
        int | None, typer.Option(help="CP-SAT search workers (default: rules.solver.workers); 1 is reproducible.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show the CP-SAT search log.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="Last week's rota: keep as much of it as the demands allow."),
    ] = None,
    absent: Annotated[
        list[str] | None,
        typer.Option("--absent", help='An absence, e.g. "TA05:Tue" or "TA05:Mon P1-P3" (repeatable).'),
    ] = None,
    pin: Annotated[
        list[str] | None,
        typer.Option("--pin", help='A pinned task, e.g. "TA01:Mon P1=class:Y1A" (repeatable).'),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="A folder of this term's earlier rotas: duty fairness counts them."),
    ] = None,
) -> None:
    """Build the week's rota and write it.

    Demands that no rota can meet are reported before solving (impossible hard
    rules stop with exit 2). Exit codes: 0 rota written (its shortfalls are listed
    in it), 2 invalid input, 3 no rota, 130 interrupted (best rota so far written).
    """
    from tasched.run import solve_file

    console = err()

    def note(text: str) -> None:
        if not quiet:
            console.print(_escape(text))

    def progress(update: dict[str, float]) -> None:
        if not quiet:
            console.print(f"  {update['elapsed']:6.1f} s  objective {update['objective']:,.0f}  "
                          f"bound {update['bound']:,.0f}")  # fmt: skip

    def show_findings(findings: list) -> None:  # type: ignore[type-arg]
        for finding in findings:
            if finding.severity == "warning" and not quiet:
                console.print(f"[yellow]warning:[/] {_escape(finding.task)}: {_escape(finding.message)}")

    rota = solve_file(
        school, output, time_limit=time_limit, seed=seed, workers=workers, verbose=verbose,
        log=note, on_solution=progress if not verbose else None, on_findings=show_findings,
        previous=previous, absent=absent or [], pins=pin or [], history=history,
    )  # fmt: skip
    meta = rota.meta
    if rota.status == "no_rota":
        console.print(f"[red]✗[/] no rota: {_escape(str(school))} has no rota within {meta['time_limit']} s")
        raise typer.Exit(EXIT_NO_ROTA)
    if not quiet:
        short = len(rota.shortfalls)
        gap = "" if meta["gap"] is None else f", gap {meta['gap']:.1%}"
        out().print(f"[green]✓[/] wrote {_escape(str(output))}: {meta['status']}{gap}, "
                    f"{len(rota.assignments)} rows, {short} shortfall{'s' if short != 1 else ''}, "
                    f"£{rota.kpis['cost']['weekly']:,.2f} a week")  # fmt: skip
        if "changes" in meta:
            c = meta["changes"]
            out().print(f"  changes from {_escape(str(previous))}: {c['rows_kept']} rows kept, "
                        f"{c['rows_removed']} removed, {c['rows_added']} added; staff: "
                        f"{_escape(', '.join(c['staff_affected']) or 'none')}; pupils: "
                        f"{_escape(', '.join(c['pupils_affected']) or 'none')}")  # fmt: skip
        for row in rota.shortfalls:
            out().print(f"  [yellow]short[/] {_escape(row['task'])}: {row['delivered']:g} of {row['required']:g} "
                        f"{row['unit']}: {_escape(row['reason'])}")  # fmt: skip
    if meta.get("interrupted"):
        raise typer.Exit(EXIT_INTERRUPTED)


# --- check ------------------------------------------------------------------------------


@app.command()
def check(
    school: Annotated[Path, typer.Argument(help="The school file.", show_default=False)],
    rota: Annotated[Path, typer.Argument(help="The rota file to judge.", show_default=False)],
) -> None:
    """Judge a rota against the spec with the independent verifier.

    Re-derives every hard rule, shortfall and KPI from the school and the rota's
    rows. Exits 0 when the rota is valid, 1 when it breaks a rule, 2 on bad input.
    """
    from tasched.run import check_files
    from tasched.verify import format_report

    report = check_files(school, rota)
    (out() if report.ok else err()).print(_escape(format_report(report)))
    if not report.ok:
        raise typer.Exit(1)


# --- entry point ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the command line; never lets a traceback reach a user unless asked for."""
    debug = os.environ.get("TASCHED_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")
    try:
        app(args=argv, prog_name="tasched")
    except SystemExit:
        raise
    except InputError as error:
        print_problems(error.problems)
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        err().print("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:
        if debug or _state["debug"]:
            traceback.print_exc()
        message = str(error) or type(error).__name__
        err().print(
            f"[red]internal error:[/] {_escape(type(error).__name__)}: {_escape(message)}; "
            "please report it (run again with --debug for the details)"
        )
        sys.exit(EXIT_INTERNAL)
