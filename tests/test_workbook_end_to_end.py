"""A school entered in the template, solved from the workbook, and its rota printed
from Excel or the HTML page: the whole business-manager path, through the CLI."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from tasched import cli


def test_template_to_solved_workbook_and_printable_page(tmp_path: Path) -> None:
    runner = CliRunner()
    school = tmp_path / "school.xlsx"
    rota = tmp_path / "rota.xlsx"
    report = tmp_path / "rota.html"

    made = runner.invoke(cli.app, ["template", str(school), "--example"])
    assert made.exit_code == 0, made.output
    solved = runner.invoke(
        cli.app, ["solve", str(school), "-o", str(rota), "--html", str(report), "--time-limit", "5", "-q"]
    )
    assert solved.exit_code == 0, solved.output
    checked = runner.invoke(cli.app, ["check", str(school), str(rota)])
    assert checked.exit_code == 0, checked.output

    book = load_workbook(rota)
    assert "Summary" in book.sheetnames
    adult_sheets = [ws for ws in book.worksheets if ws.page_setup.orientation == "landscape"]
    assert adult_sheets, "each adult's week prints on a landscape page"
    page = report.read_text(encoding="utf-8")
    assert "S01" in page and "P001" in page and "@page" in page
