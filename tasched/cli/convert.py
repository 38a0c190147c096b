"""`tasched convert`: a school file from YAML to Excel or back, checked first."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from tasched.cli import options as opt
from tasched.cli.render import print_written
from tasched.io.formats import convert_school

__all__ = ["convert"]


def convert(
    source: Annotated[Path, opt.argument("The school file to read (.yaml or .xlsx).")],
    output: Annotated[Path, opt.argument("The school file to write (.yaml or .xlsx).")],
    force: opt.Force = False,
) -> None:
    """Convert a school file between YAML and Excel, either way.

    The school is checked first: a file with problems is not converted (they are
    listed as by `validate`). Exit codes: 0 written, 2 bad input.
    """
    convert_school(source, output, overwrite=force)
    print_written(output)
