"""`tasched report`: a rota as one self-contained HTML page (also written by `solve --html`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from tasched.cli import options as opt
from tasched.cli.render import err, escape, print_written
from tasched.io.files import refuse_overwriting_input
from tasched.io.formats import load_school, read_rota
from tasched.io.report import write_html_report

__all__ = ["report", "write_report_file"]


def write_report_file(
    school: Path, rota: dict[str, object], html: Path, *, quiet: bool = False, source: str = "rota"
) -> None:
    """Write the HTML report of a school's rota (used by `solve --html` and `report`)."""
    refuse_overwriting_input(html, school)
    write_html_report(load_school(str(school)), rota, html, source=source)
    if not quiet:
        err().print(f"wrote report {escape(str(html))}")


def report(
    school: opt.SchoolFile,
    rota: Annotated[Path, opt.argument("The rota file (.yaml) written by `solve`.")],
    output: Annotated[Path, opt.output("Where to write the report (.html).", required=True)],
) -> None:
    """Write a rota as one self-contained HTML page, for reading and printing.

    Summary, shortfalls with reasons, a coverage heat-map, each adult's week (one
    printed page each), each pupil's EHC support, interventions and duties. The
    page loads nothing from the network; pupils appear by id only.
    """
    refuse_overwriting_input(output, school, rota)
    write_report_file(school, read_rota(rota), output, quiet=True, source=str(rota))
    print_written(output)
