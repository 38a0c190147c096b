"""`tasched batch` on a trust's folder: the trust batch, its section of the summary, and the last line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from tasched.errors import InputError
from tasched.io.files import dump_yaml
from tasched.jobs import batch
from tasched.jobs.batch import BatchOptions, BatchReport
from tasched.jobs.trust.runner import find_trust, run_trust_batch

__all__ = ["run_command", "write_trust_section"]


def write_trust_section(report: BatchReport, section: dict[str, Any]) -> None:
    """The trust section in the summary: trust-summary.yaml's `trust_file` and a `Shared staff` sheet."""
    out = Path(report.outdir)
    yaml_path = out / f"{batch.SUMMARY_NAME}.yaml"
    batch.write_text(yaml_path, dump_yaml({**batch.summary_document(report), "trust_file": section}))
    from openpyxl import load_workbook

    xlsx = out / f"{batch.SUMMARY_NAME}.xlsx"
    book = load_workbook(xlsx)
    sheet = book.create_sheet("Shared staff")
    days = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    sheet.append(["Adult", "Trust hours", "School", "Window", "Hours given", *days])
    for adult, info in section["shared_staff"].items():
        for sid, site in info["schools"].items():
            week = site["week"]
            sheet.append([adult, info["hours"], sid, site["when"], round(site["minutes"] / 60, 2),
                          *["; ".join(week.get(d, [])) for d in days]])  # fmt: skip
    book.save(xlsx)


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
