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
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
from rich.console import Console
from rich.table import Table

from tasched._version import __version__
from tasched.analysis.explain import explain_week
from tasched.analysis.staffmin import render as render_staff_min
from tasched.analysis.staffmin import staff_min_file
from tasched.analysis.suggest import render as render_suggestions
from tasched.analysis.suggest import suggest_file
from tasched.analysis.trust_whatif import table as trust_table
from tasched.analysis.trust_whatif import trust_whatif
from tasched.analysis.whatif import render as render_whatif
from tasched.analysis.whatif import whatif_file
from tasched.errors import InputError, Problem
from tasched.input.model import json_schema
from tasched.input.trust import trust_json_schema
from tasched.io.excel import write_template
from tasched.io.files import refuse_overwriting_input
from tasched.io.formats import convert_school, load_school, read_rota
from tasched.io.report import write_html_report
from tasched.io.timetable_import import import_file
from tasched.jobs.batch import BatchOptions
from tasched.jobs.progress import SolveProgress
from tasched.jobs.run import INPUT_CHANGED, check_files, findings_for, locate_findings, solve_file
from tasched.jobs.term import plan_term
from tasched.jobs.trust import run_command
from tasched.problem.compile import compile_problem
from tasched.problem.diagnose import Finding
from tasched.solution.rota import Rota
from tasched.solution.words import headline, plural, severity, shortfall_headline, tier_result
from tasched.verify import format_report

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_NO_ROTA = 3
EXIT_INTERRUPTED = 130


def _flags_show_no_type() -> None:
    """Typer 0.2x labels every flag (`--help` too) `<bool>`, as if it took a value: show none."""
    original = getattr(typer.core.TyperOption, "display_type_rich", None)
    if original is None:  # older Typer shows flags without a type already
        return

    def display(self: typer.core.TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else original(self, ctx)

    typer.core.TyperOption.display_type_rich = display  # type: ignore[method-assign]


_flags_show_no_type()

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
        console.print(f"[bold]{_escape(where)}[/][cyan]{_escape(what)}[/]{_escape(problem.message)}")


def print_findings(findings: list[Finding], places: list[str], errors: bool = True) -> None:
    """Diagnoses before solving, each at its place: `FILE:LINE: warning: pupil:P014: ...`."""
    for place, finding in zip(places, findings, strict=True):
        if finding.severity == "error" and not errors:
            continue
        colour = "red" if finding.severity == "error" else "yellow"
        err().print(
            f"[bold]{_escape(place)}:[/] [{colour}]{finding.severity}:[/] "
            f"{_escape(finding.task)}: {_escape(finding.message)}"
        )


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tasched {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, metavar="", help="Print the version and exit."),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            envvar="TASCHED_DEBUG",
            metavar="",
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
        typer.Argument(help="The school file: YAML (.yaml, .yml) or Excel (.xlsx).", show_default=False),
    ],
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
        err().print(f"[red]✗[/] {_escape(str(school))}: {count} {noun}")
        raise typer.Exit(EXIT_INPUT) from None
    findings = findings_for(data)
    print_findings(findings, locate_findings(school, data, findings))
    if any(f.severity == "error" for f in findings):
        err().print(f"[red]✗[/] {_escape(str(school))}: no rota can keep these rules; fix the input first")
        raise typer.Exit(EXIT_INPUT)
    with_plans = sum(1 for p in data.pupils if p.ehcp is not None)
    out().print(
        f"[green]✓[/] {_escape(str(school))} is valid: {len(data.staff)} staff, "
        f"{len(data.classes)} classes, {len(data.pupils)} pupils ({with_plans} with EHC plans), "
        f"{len(data.interventions)} interventions, {len(data.duties)} duties"
    )


# --- schema -----------------------------------------------------------------------------


def schema_text() -> str:
    """The JSON Schema of a school file, as committed in schemas/school.schema.json."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the schema to this file instead of printing it."),
    ] = None,
    trust: Annotated[
        bool, typer.Option("--trust", help="The trust file's schema (schemas/trust.schema.json) instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of a school file (or, with --trust, of a trust file).

    Editors use it to check and complete school files as they are typed (e.g.
    VS Code's YAML extension: `# yaml-language-server: $schema=school.schema.json`).
    """
    text = json.dumps(trust_json_schema(), indent=2, ensure_ascii=False) + "\n" if trust else schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError([Problem(str(output), "", f"cannot write the schema here: {reason}")]) from None
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
    verbose: Annotated[bool, typer.Option("--verbose", "-v", metavar="", help="Show the CP-SAT search log.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", metavar="", help="Print nothing but errors.")] = False,
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

    def note(text: str) -> None:
        display.note(text)

    def progress(update: dict[str, float]) -> None:
        display.update(update)

    def show_findings(findings: list[Finding], places: list[str]) -> None:
        if not quiet:  # errors are raised as input problems, with their places
            print_findings(findings, places, errors=False)

    rota = solve_file(
        school, output, time_limit=time_limit, seed=seed, workers=workers, verbose=verbose,
        log=note, on_solution=progress if not verbose else None, on_findings=show_findings,
        previous=previous, absent=absent or [], pins=pin or [], history=history,
    )  # fmt: skip
    meta = rota.meta
    if rota.status == "no_rota":
        if meta.get("conflict"):
            console.print(f"[red]✗[/] no rota: these pins cannot all hold together: "
                          f"{_escape('; '.join(meta['conflict']))}")  # fmt: skip
        else:
            console.print(f"[red]✗[/] no rota: {_escape(str(school))} has no rota within {meta['time_limit']} s")
        raise typer.Exit(EXIT_NO_ROTA)
    if meta.get("input_changed"):
        console.print(f"[yellow]warning:[/] {_escape(str(school))}: {_escape(INPUT_CHANGED)}")
    if html is not None:
        write_report_file(school, rota.to_dict(), html, quiet=quiet)
    if not quiet:
        _print_solved(rota, output, previous, verbose)
    if meta.get("interrupted"):
        raise typer.Exit(EXIT_INTERRUPTED)


def _print_solved(rota: Rota, output: Path | None, previous: Path | None, verbose: bool) -> None:
    """What was written, in the school's words; solver figures only with -v."""
    meta = rota.meta
    short = len(rota.shortfalls)
    out().print(f"[green]✓[/] wrote {_escape(str(output))}: {headline(meta)}, {len(rota.assignments)} rows, "
                f"{plural(short, 'shortfall')}, £{rota.kpis['cost']['weekly']:,.2f} a week")  # fmt: skip
    if rota.shortfalls:
        colour = "red" if any(severity(str(r["task"])) == "critical" for r in rota.shortfalls) else "yellow"
        out().print(f"  [bold {colour}]{_escape(shortfall_headline(rota.shortfalls))}[/]")
    if verbose:
        out().print(f"  status {meta['status']}, gap {meta['gap']}, objective {meta.get('objective')}")
        for tier in meta.get("tiers") or []:
            out().print(f"  {_escape(tier_result(tier))} [dim](bound {tier.get('bound')}, {tier['seconds']} s)[/]")
    if "changes" in meta:
        c = meta["changes"]
        out().print(f"  changes from {_escape(str(previous))}: {_escape(c.get('summary', ''))}")
        if verbose:
            out().print(f"  {c['rows_kept']} rows kept, {c['rows_removed']} removed, {c['rows_added']} added")
    for row in rota.shortfalls:
        colour = {"critical": "red", "warning": "yellow"}.get(severity(str(row["task"])), "dim")
        out().print(f"  [{colour}]short[/] {_escape(row['task'])}: {row['delivered']:g} of {row['required']:g} "
                    f"{row['unit']}: {_escape(row['reason'])}")  # fmt: skip


# --- term -------------------------------------------------------------------------------


@app.command()
def term(
    school: Annotated[Path, typer.Argument(help="The school file, with a `term` section.", show_default=False)],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The term folder: week-01.rota.yaml, …", show_default=False)
    ],
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds to search each week (default: rules.solver).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: rules.solver.seed).")] = None,
    workers: Annotated[int | None, typer.Option(help="CP-SAT search workers (default: rules.solver).")] = None,
    week: Annotated[
        int | None, typer.Option("--week", help="Re-solve from this week: earlier weeks are kept as delivered.")
    ] = None,
    absent: Annotated[
        list[str] | None, typer.Option("--absent", help='An absence in --week, e.g. "TA05:Tue" (repeatable).')
    ] = None,
    pin: Annotated[list[str] | None, typer.Option("--pin", help="A pinned task in --week (repeatable).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", metavar="", help="Print nothing but errors.")] = False,
) -> None:
    """Plan the term one week at a time: a rota per week, term.xlsx and term.html.

    Each week follows the EHC fades, the programmes running and the closed days, keeps
    last week's adults where it can, counts earlier duties and withdrawals, and is
    judged by the verifier with the term rules. Exit 0 every week valid, 1 not, 2 bad input.
    """

    def note(text: str) -> None:
        if not quiet:
            err().print(_escape(text))

    result = plan_term(
        school, output, time_limit=time_limit, seed=seed, workers=workers, week=week,
        absent=absent or [], pins=pin or [], log=note,
    )  # fmt: skip
    report = result.report
    if not quiet:
        (out() if report.ok else err()).print(_escape("\n".join(report.lines())))
        out().print(f"[green]✓[/] wrote {_escape(str(output))}: {len(result.solved)} week(s) solved")
    if not report.ok:
        raise typer.Exit(1)


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
    report = check_files(school, rota)
    (out() if report.ok else err()).print(_escape(format_report(report)))
    if not report.ok:
        raise typer.Exit(1)


# --- batch ------------------------------------------------------------------------------


@app.command()
def batch(
    folder: Annotated[
        Path,
        typer.Argument(help="A folder of school files (.yaml, .yml, .xlsx).", show_default=False),
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Folder for the rotas and the trust summary.", show_default=False),
    ],
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
        int | None,
        typer.Option(min=1, help="CP-SAT workers a school (default: 2, more if cores are spare)."),
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
        float | None,
        typer.Option("--time-limit", help="Seconds to search a school (default: its rules.solver)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: each school's rules.solver.seed).")] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", metavar="", help="Print nothing but the failed schools.")
    ] = False,
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


# --- report and import-timetable (tasched.io.report, tasched.io.timetable_import) --------------


def write_report_file(
    school: Path, rota: dict[str, object], html: Path, *, quiet: bool = False, source: str = "rota"
) -> None:
    """Write the HTML report of a school's rota (used by `solve --html` and `report`)."""
    refuse_overwriting_input(html, school)
    write_html_report(load_school(str(school)), rota, html, source=source)
    if not quiet:
        err().print(f"wrote report {_escape(str(html))}")


@app.command()
def report(
    school: Annotated[Path, typer.Argument(help="The school file.", show_default=False)],
    rota: Annotated[Path, typer.Argument(help="The rota file (.yaml) written by `solve`.", show_default=False)],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Where to write the report (.html).", show_default=False),
    ],
) -> None:
    """Write a rota as one self-contained HTML page, for reading and printing.

    Summary, shortfalls with reasons, a coverage heat-map, each adult's week (one
    printed page each), each pupil's EHC support, interventions and duties. The
    page loads nothing from the network; pupils appear by id only.
    """
    refuse_overwriting_input(output, school, rota)
    write_report_file(school, read_rota(rota), output, quiet=True, source=str(rota))
    out().print(f"[green]✓[/] wrote {_escape(str(output))}")


@app.command("import-timetable")
def import_timetable(
    source: Annotated[
        Path,
        typer.Argument(help="The timetable: a .fet file, FET's CSV export, or a CSV.", show_default=False),
    ],
    calendar: Annotated[
        Path,
        typer.Option(
            "--calendar",
            help="A file with the school's `calendar:` (or the school file).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the classes and lessons (.yaml).",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", help="auto | fet | csv (class, day, slot, subject, teacher) | stpauls."),
    ] = "auto",
    slot_map: Annotated[
        list[str] | None,
        typer.Option("--map", help='Which slot each source hour is, e.g. "9.30 - 11.00=P1,11.15 - 12.45=P2".'),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", metavar="", help="Print nothing but errors.")] = False,
) -> None:
    """Import a class timetable as the `classes` and `lessons` of a school file.

    Hours are mapped onto the calendar's lesson slots in order unless --map says
    otherwise; days match by name or abbreviation. Activities that cannot be
    placed are listed as warnings. Exit codes: 0 written, 2 bad input.
    """
    result = import_file(source, calendar, output, fmt=fmt, slot_map=slot_map)
    if not quiet:
        for warning in result.warnings:
            err().print(f"[yellow]warning:[/] {_escape(warning)}")
        out().print(
            f"[green]✓[/] wrote {_escape(str(output))}: {len(result.classes)} classes, "
            f"{len(result.lessons)} lessons from {result.placed} of {result.activities} activities"
        )


# --- template and convert (tasched.io.excel) -------------------------------------------------


@app.command()
def template(
    output: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).", show_default=False)],
    example: Annotated[
        bool,
        typer.Option("--example", metavar="", help="Fill it in with a worked example school."),
    ] = False,
    force: Annotated[bool, typer.Option("--force", metavar="", help="Replace OUTPUT if it exists.")] = False,
) -> None:
    """Write an Excel workbook to fill in: a sheet per section of the school file.

    Each column has a note saying what it means, drop-downs where the value comes
    from a list, and frozen headers. Fill it in, then `tasched validate` it.
    """
    write_template(output, example=example, overwrite=force)
    out().print(f"[green]✓[/] wrote {_escape(str(output))}")


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="The school file to read (.yaml or .xlsx).", show_default=False)],
    output: Annotated[Path, typer.Argument(help="The school file to write (.yaml or .xlsx).", show_default=False)],
    force: Annotated[bool, typer.Option("--force", metavar="", help="Replace OUTPUT if it exists.")] = False,
) -> None:
    """Convert a school file between YAML and Excel, either way.

    The school is checked first: a file with problems is not converted (they are
    listed as by `validate`). Exit codes: 0 written, 2 bad input.
    """
    convert_school(source, output, overwrite=force)
    out().print(f"[green]✓[/] wrote {_escape(str(output))}")


# --- explain ----------------------------------------------------------------------------


@app.command()
def explain(
    school: Annotated[Path, typer.Argument(help="The school file.", show_default=False)],
    rota: Annotated[Path, typer.Argument(help="A rota written by `tasched solve`.", show_default=False)],
    pupil: Annotated[str | None, typer.Option("--pupil", help="A pupil's id, e.g. P014.")] = None,
    staff: Annotated[str | None, typer.Option("--staff", help="An adult's id, e.g. TA03.")] = None,
    class_id: Annotated[str | None, typer.Option("--class", help="A class's id, e.g. Y3A.")] = None,
) -> None:
    """Show a pupil's, an adult's or a class's week, and why anything is missing.

    Each demand (EHC hours, medical cover, interventions, class support, contracted
    time, duties) with what was delivered, by whom, and the shortfall's reason.
    """
    if not (pupil or staff or class_id):
        raise InputError([Problem("", "", "say whose week to explain: --pupil ID, --staff ID or --class ID")])
    data = load_school(str(school))
    problem = compile_problem(data)
    missing = []
    if pupil is not None and pupil not in problem.pupil_index:
        missing.append(Problem("--pupil", "", f"no pupil {pupil!r} in {school}"))
    if staff is not None and staff not in problem.adult_index:
        missing.append(Problem("--staff", "", f"no adult {staff!r} in {school}"))
    if class_id is not None and class_id not in problem.class_slots:
        missing.append(Problem("--class", "", f"no class {class_id!r} in {school}"))
    if missing:
        raise InputError(missing)
    console = out()
    for renderable in explain_week(problem, read_rota(rota), pupil=pupil, staff=staff, class_id=class_id):
        console.print(renderable)


# --- suggest, whatif, staff-min (tasched.analysis.suggest, tasched.analysis.whatif, tasched.analysis.staffmin) ----


@app.command()
def suggest(
    school: Annotated[Path, typer.Argument(help="The school file.", show_default=False)],
    rota: Annotated[Path, typer.Argument(help="The week's rota (.yaml).", show_default=False)],
    absent: Annotated[
        list[str] | None,
        typer.Option("--absent", help='Who is off and when, e.g. "TA05:Tue" or "TA05:Tue P3" (repeatable).'),
    ] = None,
    task: Annotated[str | None, typer.Option("--task", help="A task to staff, e.g. pupil:P014 (with --at).")] = None,
    at: Annotated[str | None, typer.Option("--at", help='When, e.g. "Tue P3".')] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Candidates shown per task.")] = 5,
    show_all: Annotated[
        bool, typer.Option("--all", metavar="", help="Also list the adults ruled out, and why.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print JSON, for scripts.")] = False,
) -> None:
    """Who can cover? A ranked list of adults for each task an absence leaves.

    Free adults with the skills first, then those who would drop a lower-priority
    task (named), then by contracted time left; rotation, breaks, max_duties and
    contracts are respected. Nothing is solved: the answer takes well under a second.
    """
    result = suggest_file(school, rota, absent=absent or [], task=task, at=at,
                          top=None if show_all or as_json else top)  # fmt: skip
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    render_suggestions(result, out(), show_all=show_all)


@app.command()
def whatif(
    school: Annotated[
        Path | None, typer.Argument(help="The school file (not with --trust).", show_default=False)
    ] = None,
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
    absent: Annotated[list[str] | None, typer.Option("--absent", help='Absences too, e.g. "TA01:Mon".')] = None,
    scenarios: Annotated[
        Path | None,
        typer.Option("--scenarios", help="A YAML file of named scenarios, compared together."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the comparison (.yaml or .xlsx)."),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds per solve (default: rules).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: rules).")] = None,
    workers: Annotated[int | None, typer.Option(help="CP-SAT workers (default: rules).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", metavar="", help="Only the summary.")] = False,
) -> None:
    """Compare the current staffing with what-if scenarios, side by side.

    Each scenario is solved with the same seed and time limit as the base: annual
    cost and saving, EHC hours lost per pupil, intervention sessions, class
    support, duties, medical cover and rotation, and a plain-language summary.
    """
    console = err()
    if trust is not None or school is None:
        if trust is None or school is not None:
            raise InputError([Problem("whatif", "", "give a school file, or --trust TRUST.yaml (not both)")])
        compared = trust_whatif(
            trust, move=move or [], share=share or [], output=output, time_limit=time_limit, seed=seed,
            workers=workers, log=None if quiet else (lambda text: console.print(_escape(text))),
        )  # fmt: skip
        head, body = trust_table(compared)
        grid = Table(*head, title="; ".join(str(c) for c in compared.changes))
        for cells in body:
            grid.add_row(*(_escape(c) for c in cells))
        out().print(grid)
        if output is not None and not quiet:
            console.print(f"wrote {_escape(str(output))}")
        return
    result = whatif_file(
        school, remove=remove or [], hours=hours or [], absent=absent or [],
        scenarios_path=scenarios, output=output, time_limit=time_limit, seed=seed,
        workers=workers, log=None if quiet else (lambda text: console.print(_escape(text))),
    )  # fmt: skip
    if quiet:
        for outcome in result.scenarios[1:]:
            out().print(_escape(outcome.summary))
    else:
        render_whatif(result, out())
    if output is not None and not quiet:
        console.print(f"wrote {_escape(str(output))}")


@app.command("staff-min")
def staff_min(
    school: Annotated[Path, typer.Argument(help="The school file.", show_default=False)],
    keep_interventions: Annotated[
        bool,
        typer.Option("--keep-interventions", metavar="", help="Every intervention's sessions must run too."),
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
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the answer and frontier (.yaml).")
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="The frontier as a PNG (default: SCHOOL-frontier.png)."),
    ] = None,
    no_plot: Annotated[bool, typer.Option("--no-plot", metavar="", help="Write no PNG.")] = False,
    rota: Annotated[
        Path | None,
        typer.Option("--rota", help="Also solve and write the full rota on the chosen staff."),
    ] = None,
    points: Annotated[int, typer.Option("--points", min=1, help="Frontier points, the answer included.")] = 6,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds per CP-SAT solve.")] = 30,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: rules).")] = None,
    workers: Annotated[int | None, typer.Option(help="CP-SAT workers (default: rules).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", metavar="", help="No progress lines.")] = False,
) -> None:
    """The cheapest set of the current adults that still meets every EHC plan, the
    medical cover and the duties, and the frontier of cost against EHC hours.

    The answer's statutory rota is judged by the independent verifier. Exit codes:
    0 answer found, 2 invalid input, 3 no answer within the time limit.
    """
    if method not in ("auto", "exact", "greedy"):
        raise InputError([Problem("--method", "", "choose auto, exact or greedy")])
    console = err()
    png = None if no_plot else (plot or Path(f"{school.stem}-frontier.png"))
    result = staff_min_file(
        school, output=output, plot=png, rota=rota,
        log=None if quiet else (lambda text: console.print(_escape(text))),
        keep_interventions=keep_interventions, reduced_hours_step=allow_reduced_hours,
        method=method, time_limit=time_limit, seed=seed, workers=workers, frontier_points=points,
    )  # fmt: skip
    render_staff_min(result, out())
    for path in (output, png if result.frontier else None, rota):
        if path is not None:
            console.print(f"wrote {_escape(str(path))}")
    if not result.verified:
        raise typer.Exit(EXIT_NO_ROTA)


# --- entry point ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the command line; never lets a traceback reach a user unless asked for."""
    debug = os.environ.get("TASCHED_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")
    restore = _sigterm_as_ctrl_c()
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
        if isinstance(error.__cause__ or error.__context__, KeyboardInterrupt):
            # interrupted inside a library (e.g. while OR-Tools was being imported)
            err().print("interrupted")
            sys.exit(EXIT_INTERRUPTED)
        if debug or _state["debug"]:
            traceback.print_exc()
        message = str(error) or type(error).__name__
        err().print(
            f"[red]internal error:[/] {_escape(type(error).__name__)}: {_escape(message)}; "
            "please report it (run again with --debug for the details)"
        )
        sys.exit(EXIT_INTERNAL)
    finally:
        restore()


def _sigterm_as_ctrl_c() -> Callable[[], object]:
    """Treat SIGTERM (`kill`, a service stopping) as Ctrl-C: exit 130, never a half-written file.

    Returns a function that puts the previous handler back.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous)
