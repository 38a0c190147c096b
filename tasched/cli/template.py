"""`tasched template`: an Excel workbook to fill in, a sheet per section of the school file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from tasched.cli import options as opt
from tasched.cli.render import print_written
from tasched.io.excel import write_template

__all__ = ["template"]


def template(
    output: Annotated[Path, opt.argument("The workbook to write (.xlsx).")],
    example: Annotated[bool, opt.flag("--example", "Fill it in with a worked example school.")] = False,
    force: opt.Force = False,
) -> None:
    """Write an Excel workbook to fill in: a sheet per section of the school file.

    Each column has a note saying what it means, drop-downs where the value comes
    from a list, and frozen headers. Fill it in, then `tasched validate` it.
    """
    write_template(output, example=example, overwrite=force)
    print_written(output)
