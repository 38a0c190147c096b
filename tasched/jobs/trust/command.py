"""`tasched batch` on a trust's folder: the trust batch, its section of the summary, and the last line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from rich.console import Console

from tasched.errors import InputError
from tasched.io.excel.cells import text_stays_text
from tasched.io.excel.styles import header_row, print_wide, wrapped_row
from tasched.io.files import dump_yaml, write_atomic
from tasched.jobs import batch
from tasched.jobs.batch import BatchOptions, BatchReport
from tasched.jobs.trust.runner import find_trust, run_trust_batch

__all__ = ["run_command", "write_trust_section"]

WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # the usual day ids, for the columns' order


def write_trust_section(report: BatchReport, section: dict[str, Any]) -> None:
    """The trust section in the summary: trust-summary.yaml's `trust_file` and a `Shared staff` sheet."""
    out = Path(report.outdir)
    yaml_path = out / f"{batch.SUMMARY_NAME}.yaml"
    batch.write_text(yaml_path, dump_yaml({**batch.summary_document(report), "trust_file": section}))
    xlsx = out / f"{batch.SUMMARY_NAME}.xlsx"
    book = load_workbook(xlsx)
    _shared_staff_sheet(book.create_sheet("Shared staff"), section["shared_staff"])
    text_stays_text(book)
    write_atomic(xlsx, book.save)


def _shared_staff_sheet(sheet: Worksheet, shared: dict[str, Any]) -> None:
    """Each shared adult's week at each school, by the school's name; printed landscape, one page wide."""
    seen = dict.fromkeys(d for info in shared.values() for site in info["schools"].values() for d in site["week"])
    days = sorted(seen, key=lambda d: WEEK.index(d) if d in WEEK else len(WEEK))
    columns = [("Adult", 8), ("Trust hours", 8), ("School", 22), ("Window", 10), ("Hours given", 8)]
    header_row(sheet, [*columns, *((d, 30) for d in days)])
    for adult, info in shared.items():
        for sid, site in info["schools"].items():
            week = site["week"]
            tasks = ("\n".join(week.get(d, [])) for d in days)
            hours = round(site["minutes"] / 60, 2)
            wrapped_row(sheet, [adult, info["hours"], site.get("school") or sid, site["when"], hours, *tasks])
    sheet.freeze_panes = "B2"
    print_wide(sheet, pages_wide=1)


def run_command(folder: Path, outdir: Path, options: BatchOptions, *, quiet: bool, out: Console, err: Console) -> int:
    """`tasched batch`: with a trust file in the folder, the trust batch; otherwise the plain batch."""
    if find_trust(folder) is None:
        return batch.run_command(folder, outdir, options, quiet=quiet, out=out, err=err)
    progress_for, note = batch.console_callbacks(err, quiet)
    try:
        report, section = run_trust_batch(folder, outdir, options, progress_for, note)
        summary = batch.write_summary(report)
        write_trust_section(report, section)
    except InputError as error:
        return batch.unusable(err, error)
    failed = batch.print_failures(report, err)
    if not quiet:
        check = "passed" if section["trust_check"] == "passed" else "FAILED"
        groups = f" ({len(section['groups'])} coupled groups; shared adults' trust check {check})"
        batch.print_solved(out, report, len(failed), summary, groups)
    return report.exit_code
