"""The trust summary: `OUTDIR/trust-summary.yaml` and `.xlsx`, one row per school, worst first,
and the trust's totals (a `Trust` sheet in the workbook)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from tasched.io.excel.styles import fit_row_height, print_wide
from tasched.io.files import dump_yaml, write_atomic
from tasched.jobs.batch.files import SUMMARY_NAME, write_text
from tasched.jobs.batch.task import COLUMNS, PROBLEM_STATUSES, BatchReport

__all__ = ["NO_ROTA_WORDS", "TOTAL_LABELS", "summary_document", "summary_rows", "trust_totals", "write_summary"]

NO_ROTA_WORDS = {
    "failed": "no rota: the file has problems",
    "no_rota": "no rota found in the time",
    "not_run": "not run (the batch stopped)",
    "interrupted": "stopped early: best rota so far",
}
WRAPPED = ("school", "result", "file", "rota", "error")
TOTAL_LABELS = {
    "folder": "Folder",
    "schools": "Schools",
    "solved": "Solved",
    "failed": "Without a rota",
    "cost_weekly": "Cost a week (£)",
    "cost_annual": "Cost a year (£)",
    "ehc_hours_required": "EHC hours required",
    "ehc_hours_met": "EHC hours met",
    "ehc_hours_short": "EHC hours short",
    "shortfalls": "Shortfalls",
    "executor": "Run on",
    "jobs": "Schools at once",
    "workers": "CP-SAT workers a school",
    "seconds": "Seconds",
    "interrupted": "Interrupted",
}


def trust_totals(report: BatchReport) -> dict[str, Any]:
    rows = report.results
    solved = [r for r in rows if r["status"] not in PROBLEM_STATUSES]

    def total(key: str) -> float:
        return round(sum(float(r.get(key) or 0) for r in solved), 2)

    return {
        "folder": report.folder,
        "schools": len(rows),
        "solved": len(solved),
        "failed": len(rows) - len(solved),
        "cost_weekly": total("cost_weekly"),
        "cost_annual": total("cost_annual"),
        "ehc_hours_required": total("ehc_hours_required"),
        "ehc_hours_met": total("ehc_hours_met"),
        "ehc_hours_short": total("ehc_hours_short"),
        "shortfalls": int(total("shortfalls")),
        "executor": report.executor,
        "jobs": report.jobs or None,
        "workers": report.workers,
        "seconds": report.seconds,
        "interrupted": report.interrupted,
    }


def summary_rows(report: BatchReport) -> list[dict[str, Any]]:
    keys = [key for key, *_ in COLUMNS]
    rows = []
    for result in report.results:
        row = {key: result.get(key) for key in keys}
        row.update(status=result.get("status"), gap=result.get("gap"))
        if row["status"] in PROBLEM_STATUSES or row["status"] == "interrupted":
            row["result"] = NO_ROTA_WORDS.get(str(row["status"]), str(row["status"]))
        row["school"] = row.get("school") or Path(str(result.get("file"))).stem
        row["shortfalls_by_kind"] = result.get("shortfalls_by_kind") or {}
        rows.append(row)
    return rows


def summary_document(report: BatchReport) -> dict[str, Any]:
    """trust-summary.yaml: the trust's totals and a row per school."""
    return {"trust": trust_totals(report), "schools": summary_rows(report)}


def write_summary(report: BatchReport) -> tuple[Path, Path]:
    """OUTDIR/trust-summary.yaml and .xlsx, written atomically; returns their paths."""
    out = Path(report.outdir)
    yaml_path = out / f"{SUMMARY_NAME}.yaml"
    xlsx_path = out / f"{SUMMARY_NAME}.xlsx"
    write_text(yaml_path, dump_yaml(summary_document(report)))
    write_atomic(xlsx_path, lambda handle: _write_workbook(report, handle))
    return yaml_path, xlsx_path


def _write_workbook(report: BatchReport, handle: IO[bytes]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Schools"
    _write_schools(sheet, summary_rows(report))
    totals = book.create_sheet("Trust")
    totals.column_dimensions["A"].width = 24
    totals.column_dimensions["B"].width = 40
    for r, (key, value) in enumerate(trust_totals(report).items(), start=1):
        _set(totals.cell(row=r, column=1), TOTAL_LABELS.get(key, key))
        _set(totals.cell(row=r, column=2), value)
    print_wide(totals, pages_wide=1)
    book.save(handle)


def _write_schools(sheet: Any, rows: list[dict[str, Any]]) -> None:
    """The Schools sheet: a bold header, a row per school (red without a rota, amber short of EHC hours)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    red = PatternFill("solid", fgColor="F8D7DA")
    amber = PatternFill("solid", fgColor="FFF3CD")
    for col, (_, heading, _, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=col)
        _set(cell, heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = width
    fit_row_height(sheet)
    for r, row in enumerate(rows, start=2):
        fill = red if row["status"] in PROBLEM_STATUSES else amber if row["ehc_hours_short"] else None
        for col, (key, _, number_format, _) in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=r, column=col)
            _set(cell, row.get(key))
            if number_format:
                cell.number_format = number_format
            if fill is not None:
                cell.fill = fill
            if key in WRAPPED:  # long text wraps, so the sheet prints one page wide and readable
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        fit_row_height(sheet, r)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    print_wide(sheet, pages_wide=1)


def _set(cell: Any, value: Any) -> None:
    """A cell's value; text is always text (never a formula) and cleaned for Excel."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32000]
        cell.data_type = "s"
    elif isinstance(value, bool) or value is None or isinstance(value, int | float):
        cell.value = value
    else:
        cell.value = str(value)
