"""The `tasched` command line: the Typer app, its commands in `--help` order, and `main`.

Each command is a thin layer over the public API (:mod:`tasched`), in a module of its
own (validate, schema, solve, term, check, batch, report, timetable, template, convert,
explain, suggest, whatif, staffmin); the options they share are in :mod:`.options` and
the printing in :mod:`.render`. Bad input never shows a Python traceback: problems are
printed as `FILE:LINE: field: message` lines and the exit code is 2. An unexpected
failure prints a short "internal error" line and exits 1 (the traceback only with
--debug or TASCHED_DEBUG=1).

Exit codes: 0 success, 1 internal error, 2 bad input or usage, 130 interrupted.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Annotated, NoReturn

import typer

from tasched._version import __version__
from tasched.cli import (
    batch,
    check,
    convert,
    explain,
    report,
    schema,
    solve,
    staffmin,
    suggest,
    template,
    term,
    timetable,
    validate,
    whatif,
)
from tasched.cli import options as opt
from tasched.cli.exits import EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_NO_ROTA, EXIT_OK
from tasched.cli.render import err, escape, out, print_findings, print_problems
from tasched.cli.report import write_report_file
from tasched.cli.schema import schema_text
from tasched.errors import InputError

__all__ = [
    "COMMANDS",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NO_ROTA",
    "EXIT_OK",
    "app",
    "err",
    "main",
    "out",
    "print_findings",
    "print_problems",
    "schema_text",
    "write_report_file",
]

opt.flags_show_no_type()

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

# The commands, in the order `tasched --help` lists them.
COMMANDS: dict[str, Callable[..., None]] = {
    "validate": validate.validate,
    "schema": schema.schema,
    "solve": solve.solve,
    "term": term.term,
    "check": check.check,
    "batch": batch.batch,
    "report": report.report,
    "import-timetable": timetable.import_timetable,
    "template": template.template,
    "convert": convert.convert,
    "explain": explain.explain,
    "suggest": suggest.suggest,
    "whatif": whatif.whatif,
    "staff-min": staffmin.staff_min,
}
for _name, _command in COMMANDS.items():
    app.command(_name)(_command)

_state = {"debug": False}


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
        _interrupted()
    except Exception as error:
        if isinstance(error.__cause__ or error.__context__, KeyboardInterrupt):
            _interrupted()  # inside a library (e.g. while OR-Tools was being imported)
        if debug or _state["debug"]:
            traceback.print_exc()
        message = str(error) or type(error).__name__
        err().print(
            f"[red]internal error:[/] {escape(type(error).__name__)}: {escape(message)}; "
            "please report it (run again with --debug for the details)"
        )
        sys.exit(EXIT_INTERNAL)
    finally:
        restore()


def _interrupted() -> NoReturn:
    err().print("interrupted")
    sys.exit(EXIT_INTERRUPTED)


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
