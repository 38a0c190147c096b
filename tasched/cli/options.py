"""The options the commands share, each defined once: its flags here, its help text by the command.

The same option reads differently per command (`--time-limit` is per week for `term`,
per solve for `whatif`), so most are made by a function taking the help text; options
whose help is the same wherever they appear are `Annotated` aliases, used as the type of
a command's parameter, e.g. `quiet: Quiet = False`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

__all__ = [
    "Force",
    "Quiet",
    "RulesSeed",
    "RulesWorkers",
    "SchoolFile",
    "SolverSeed",
    "absent",
    "argument",
    "flag",
    "flags_show_no_type",
    "output",
    "pin",
    "quiet",
    "seed",
    "time_limit",
    "workers",
]


def flags_show_no_type() -> None:
    """Typer 0.2x labels every flag (`--help` too) `<bool>`, as if it took a value: show none."""
    original = getattr(typer.core.TyperOption, "display_type_rich", None)
    if original is None:  # older Typer shows flags without a type already
        return

    def display(self: typer.core.TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else original(self, ctx)

    typer.core.TyperOption.display_type_rich = display  # type: ignore[method-assign]


def argument(help: str) -> Any:
    """A required file argument: no `[default: None]` shown beside it."""
    return typer.Argument(help=help, show_default=False)


def flag(name: str, help: str, *short: str) -> Any:
    """An on/off option: no metavar, as it takes no value."""
    return typer.Option(name, *short, metavar="", help=help)


def quiet(help: str) -> Any:
    return flag("--quiet", help, "-q")


def output(help: str, *, required: bool = False) -> Any:
    """`--output`/`-o`; a required one shows no default."""
    if required:
        return typer.Option("--output", "-o", help=help, show_default=False)
    return typer.Option("--output", "-o", help=help)


def time_limit(help: str) -> Any:
    return typer.Option("--time-limit", help=help)


def seed(help: str) -> Any:
    return typer.Option("--seed", help=help)


def workers(help: str, **limits: Any) -> Any:
    return typer.Option("--workers", help=help, **limits)


def absent(help: str) -> Any:
    return typer.Option("--absent", help=help)


def pin(help: str) -> Any:
    return typer.Option("--pin", help=help)


SchoolFile = Annotated[Path, argument("The school file.")]
Quiet = Annotated[bool, quiet("Print nothing but errors.")]
Force = Annotated[bool, flag("--force", "Replace OUTPUT if it exists.")]
SolverSeed = Annotated[int | None, seed("Random seed (default: rules.solver.seed).")]
RulesSeed = Annotated[int | None, seed("Random seed (default: rules).")]
RulesWorkers = Annotated[int | None, workers("CP-SAT workers (default: rules).")]
