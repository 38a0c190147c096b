"""The what-if comparison written out: as YAML (everything), as Excel (one column per
scenario, the summaries, the impossible plans) and as a table on the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tasched.analysis.staffing import write_yaml
from tasched.analysis.whatif.result import Comparison
from tasched.errors import InputError, Problem
from tasched.io.files import write_atomic

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["OUTPUT_SUFFIXES", "refuse_unknown_output", "render", "write_comparison"]

OUTPUT_SUFFIXES = (".yaml", ".yml", ".xlsx")


def refuse_unknown_output(path: str | Path) -> None:
    """InputError unless the comparison can be written to the path (.yaml or .xlsx)."""
    if Path(path).suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError([Problem(str(path), "", "write the comparison as .yaml or .xlsx")])


def write_comparison(result: Comparison, path: str | Path) -> None:
    """Write the comparison as YAML (everything) or Excel (one column per scenario)."""
    refuse_unknown_output(path)
    if Path(path).suffix.lower() == ".xlsx":
        write_atomic(path, lambda handle: _write_xlsx(result, handle))
    else:
        write_yaml(result.to_dict(), path)


def _write_xlsx(result: Comparison, handle: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "compare"
    names, rows = result.table()
    sheet.append(["measure", *names])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for label, values in rows:
        sheet.append([label, *values])
    sheet.column_dimensions["A"].width = 36
    for n in range(len(names)):
        sheet.column_dimensions[get_column_letter(n + 2)].width = 20
    summary = book.create_sheet("summary")
    summary.append(["scenario", "summary"])
    for outcome in result.scenarios:
        summary.append([outcome.scenario.name, outcome.summary])
    impossible = book.create_sheet("impossible")
    impossible.append(["scenario", "problem"])
    for outcome in result.scenarios:
        for text in outcome.data.get("impossible", []):
            impossible.append([outcome.scenario.name, text])
    book.save(handle)


def render(result: Comparison, console: Console) -> None:
    """The side-by-side table, then each scenario's summary sentence."""
    from rich.markup import escape
    from rich.table import Table

    names, rows = result.table()
    table = Table(title=escape(f"what-if: {result.meta.get('school', '')}"), title_justify="left")
    table.add_column("measure", no_wrap=True)
    for name in names:
        table.add_column(escape(name), justify="right")
    for label, values in rows:
        detail = label.startswith(("EHC hours P", "sessions "))
        if detail and len({_cell(v) for v in values}) == 1:
            continue  # per pupil and per intervention: only what changes (all of it in the file)
        table.add_row(escape(label), *[escape(_cell(v)) for v in values])
    console.print(table)
    for outcome in result.scenarios[1:]:
        console.print(f"[bold]{escape(outcome.scenario.name)}[/]: {escape(outcome.summary)}")
        for text in outcome.data.get("impossible", []):
            console.print(f"  [yellow]impossible:[/] {escape(text)}")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
