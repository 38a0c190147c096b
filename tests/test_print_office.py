"""The trust summary and the term workbook as a person prints them: LibreOffice to PDF, then page images.

The summary prints landscape, one page wide, named by school; the term workbook's sheets print
landscape with their headers on every page and the school's name at the top; no page is blank.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.trust_generate import make_trust
from tasched import cli
from tasched.jobs.batch import COLUMNS
from tasched.jobs.term import plan_term
from tests.test_term import school as term_school

runner = CliRunner()
TOOLS = ("pdfinfo", "pdftotext", "pdftoppm")


def _office() -> str:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    if not all(shutil.which(tool) for tool in TOOLS):
        pytest.skip("poppler is not installed (apt-get install poppler-utils)")
    return office


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """trust-summary.pdf and term.pdf, as LibreOffice prints the workbooks tasched wrote."""
    office = _office()
    tmp = tmp_path_factory.mktemp("print")
    make_trust(tmp / "trust", 6, 3, kind="tiny")
    result = runner.invoke(cli.app, ["batch", str(tmp / "trust"), "-o", str(tmp / "out"), "--time-limit", "2", "-q"])
    assert result.exit_code == 0, result.output
    school = tmp / "term.yaml"
    school.write_text(yaml.safe_dump(term_school(), sort_keys=False))
    assert plan_term(school, tmp / "TERM", time_limit=3, workers=1).solved == [1, 2, 3, 4]
    pdfs = tmp / "pdf"
    done = subprocess.run(
        [office, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(pdfs), str(tmp / "out" / "trust-summary.xlsx"), str(tmp / "TERM" / "term.xlsx")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {"summary": pdfs / "trust-summary.pdf", "term": pdfs / "term.pdf"}


def _pages(pdf: Path) -> list[tuple[float, float]]:
    """Each page's (width, height) in points."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True, check=True)
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    return [(float(w), float(h)) for w, h in sizes]


def _text(pdf: Path, page: int) -> str:
    args = ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _inked(pdf: Path, tmp_path: Path) -> list[float]:
    """The share of each page image that is not white: a blank page scores 0."""
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / pdf.stem)], check=True)
    shares = []
    for image in sorted(tmp_path.glob(f"{pdf.stem}*.png")):
        grey = Image.open(image).convert("L")
        histogram = grey.histogram()
        shares.append(1 - sum(histogram[245:]) / (grey.width * grey.height))
    return shares


def test_the_trust_summary_prints_landscape_one_page_wide_named_by_school(
    printed: dict[str, Path], tmp_path: Path
) -> None:
    pdf = printed["summary"]
    pages = _pages(pdf)
    # three sheets (schools, the trust's totals, the shared adults' weeks), every page landscape
    assert len(pages) >= 3 and all(w > h for w, h in pages), pages
    first = _text(pdf, 1)
    # every school by its name, and every column on the first page: nothing spilled onto a second page across
    assert all(f"School {i:02d}" in first for i in range(1, 7)), first
    words = {word for _, heading, _, _ in COLUMNS for word in heading.split()}
    assert not {w for w in words if w not in first}, first
    assert "s01.yaml" in first  # the file is there too, but after the school's name
    assert first.index("School 01") < first.index("s01.yaml")
    shared = _text(pdf, 3)
    assert {"Adult", "Trust", "hours", "School", "Window", "given"} <= set(shared.split()), shared
    assert "School 01" in shared and "TR01" in shared  # by the school's name
    for page in range(3, len(pages) + 1):  # one page wide: every page has the header and every day
        assert {"Adult", "Mon", "Fri"} <= set(_text(pdf, page).split()), page
    assert min(_inked(pdf, tmp_path)) > 0.002


def test_the_term_workbook_prints_landscape_with_headers_and_the_school(
    printed: dict[str, Path], tmp_path: Path
) -> None:
    pdf = printed["term"]
    pages = _pages(pdf)
    assert len(pages) >= 3 and all(w > h for w, h in pages), pages  # one or more pages a sheet, all landscape
    texts = [_text(pdf, n) for n in range(1, len(pages) + 1)]
    assert all("Term Test" in t for t in texts)  # the page header names the school on every page
    assert any("Lessons missed for support" in t and "P01" in t for t in texts)
    # the staff sheet: every heading word (headings wrap) and the last week's hours on one page
    staff = next(t for t in texts if "staff over the term" in t)
    assert {"Adult", "Name", "Duties", "term", "Week", "4", "hours"} <= set(staff.split()), staff
    assert all(sid in staff for sid in ("S1", "S2", "S3"))
    assert all(share > 0.002 for share in _inked(pdf, tmp_path))
