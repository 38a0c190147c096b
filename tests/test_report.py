"""The HTML report: what it shows, that it is escaped and self-contained, and how it renders."""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

import tasched
from tasched import cli
from tasched.errors import InputError
from tasched.input.model import SchoolData
from tasched.io.loader import build_school, parse_yaml
from tasched.io.report import build_report, render_html_report, write_html_report

SCHOOL = textwrap.dedent(
    """\
    school: {name: "Oak & <Ash> \\"Primary\\"", phase: primary}
    calendar:
      days: [Mon, Tue, Wed]
      slots:
        - {id: Reg, start: "08:45", end: "09:00", kind: registration}
        - {id: P1, start: "09:00", end: "10:00", kind: lesson}
        - {id: Brk, start: "10:00", end: "10:15", kind: break}
        - {id: P2, start: "10:15", end: "11:15", kind: lesson}
        - {id: Lun, start: "12:00", end: "13:00", kind: lunch}
        - {id: P3, start: "13:00", end: "14:00", kind: lesson}
      closed: Wed P3
    staff:
      - {id: s1, name: "Jo <script>alert(1)</script>", role: HLTA, hours: 30,
         skills: [first_aid], hourly_cost: 15}
      - {id: s2, role: TA2, hours: 20, available: Mon-Tue, hourly_cost: 13}
      - {id: s3, role: TA3, hours: 25, skills: [neli]}
    classes:
      - {id: Y3, year: 3}
      - {id: Y4, year: 4}
    support:
      - {class: Y3, when: Mon-Tue P1-P2}
    pupils:
      - {id: p1, classes: [Y3], need: ASD, ehcp: {hours: 2}}
      - {id: p2, classes: [Y4], medical: {skills: [first_aid], when: lunch}}
      - {id: p3, classes: [Y4]}
    interventions:
      - {id: iv1, programme: NELI, pupils: [p3], sessions: 2, minutes: 30, skills: [neli],
         room_kind: quiet}
    duties:
      - {id: lunch, name: Lunch supervision, when: Lun, staff: 1}
    rooms:
      - {id: R1, kind: quiet}
    absences:
      - {staff: s3, when: Tue}
    """
)


def row(
    staff: str,
    day: str,
    slot: str,
    task: str,
    mode: str | None = None,
    pupils: list[str] | None = None,
    room: str | None = None,
) -> dict[str, Any]:
    return {
        "staff": staff,
        "day": day,
        "slot": slot,
        "task": task,
        "mode": mode,
        "pupils": pupils or [],
        "room": room,
    }


ROTA: dict[str, Any] = {
    "meta": {
        "status": "optimal",
        "objective": 10.0,
        "bound": 10.0,
        "gap": 0.0,
        "seconds": 1.5,
        "version": tasched.__version__,
        "input_digest": "sha256:abc",
    },
    "assignments": [
        row("s1", "Mon", "P1", "pupil:p1", "in_class", ["p1"]),
        row("s2", "Mon", "P2", "pupil:p1", "in_class", ["p1"]),
        row("s1", "Mon", "Lun", "duty:lunch"),
        row("s2", "Mon", "P1", "class:Y3"),
        row("s3", "Mon", "P2", "intervention:iv1", None, ["p3"], "R1"),
        row("s1", "Tue", "P2", "class:Y3"),
    ],
    "shortfalls": [
        {
            "task": "class:Y3",
            "required": 4,
            "delivered": 2,
            "unit": "adult-slots",
            "reason": "short <because> & such",
        },
    ],
    "kpis": {"cost": {"weekly": 1234.5, "annual": 53824.2}},
}


def load(text: str = SCHOOL) -> SchoolData:
    doc = parse_yaml(text, "school.yaml")
    return build_school(doc.data, doc.locate, doc.problems)


@pytest.fixture(scope="module")
def school() -> SchoolData:
    return load()


@pytest.fixture(scope="module")
def view(school: SchoolData) -> dict[str, Any]:
    return build_report(school, ROTA)


@pytest.fixture(scope="module")
def page(school: SchoolData) -> str:
    return render_html_report(school, ROTA)


def cells(grid: list[dict[str, Any]], day: str) -> dict[str, Any]:
    """A grid row's cells by slot id."""
    slots = ["Reg", "P1", "Brk", "P2", "Lun", "P3"]
    found = next(r for r in grid if r["day"] == day)
    return dict(zip(slots, found["cells"], strict=True))


# --- the view ------------------------------------------------------------------------------


def test_summary(view: dict[str, Any]) -> None:
    summary = view["summary"]
    assert summary["status"] == "optimal"
    assert summary["gap"] == "0.0%"
    assert summary["weekly"] == "£1,234.50" and summary["annual"] == "£53,824.20"
    counts = dict(summary["counts"])
    assert counts["Staff"] == 3 and counts["Assignment rows"] == 6 and counts["Shortfalls"] == 1


def test_adult_weeks(view: dict[str, Any]) -> None:
    adults = {a["id"]: a for a in view["adults"]}
    s1 = cells(adults["s1"]["grid"], "Mon")
    assert (s1["P1"].kind, s1["P1"].text, s1["P1"].sub) == ("ehc", "p1", "in class")
    assert (s1["Lun"].kind, s1["Lun"].text) == ("duty", "lunch")
    assert "Lunch supervision" in s1["Lun"].title
    assert s1["P2"].kind == "free"
    assert cells(adults["s1"]["grid"], "Wed")["P3"].kind == "closed"
    assert cells(adults["s2"]["grid"], "Mon")["P1"].kind == "class"
    assert {c.kind for c in cells(adults["s2"]["grid"], "Wed").values()} == {"off", "closed"}
    s3_tue = cells(adults["s3"]["grid"], "Tue")
    assert s3_tue["P1"].kind == "off" and s3_tue["P1"].text == "absent"
    iv = cells(adults["s3"]["grid"], "Mon")["P2"]
    assert (iv.kind, iv.text, iv.sub) == ("intervention", "iv1", "R1")
    assert dict(adults["s1"]["facts"])["Assigned"] == "3 h"


def test_pupil_support(view: dict[str, Any]) -> None:
    (p1,) = view["pupils"]  # only pupils with EHC plans
    assert p1["id"] == "p1" and p1["required"] == "2 h" and p1["delivered"] == "2 h" and p1["met"]
    assert [(g["staff"], g["hours"], g["share"]) for g in p1["given_by"]] == [
        ("s1", "1 h", "50%"),
        ("s2", "1 h", "50%"),
    ]
    mon, tue = cells(p1["grid"], "Mon"), cells(p1["grid"], "Tue")
    assert (mon["P1"].kind, mon["P1"].text) == ("ehc", "s1")
    assert (tue["P1"].kind, tue["P1"].text) == ("lesson", "Y3")
    assert tue["Lun"].kind == "none"
    assert [m["id"] for m in view["medical"]] == ["p2"]


def test_coverage(view: dict[str, Any]) -> None:
    coverage = view["coverage"]
    # Y3 support: Mon-Tue P1-P2 (4 adult-slots); lunch duty: 3 days; met Mon P1, Tue P2, Mon Lun.
    assert (coverage["met"], coverage["wanted"], coverage["share"]) == (3, 7, "43%")
    by_slot = {r["slot"]["id"]: r["cells"] for r in coverage["grid"]}
    assert by_slot["P1"][0].text == "100%" and by_slot["P2"][0].text == "0%"
    assert by_slot["P3"][2].kind == "closed"
    assert by_slot["Brk"][0].text == "–"  # nothing wanted
    assert "2 adults" in by_slot["P1"][0].sub


def test_interventions_and_duties(view: dict[str, Any]) -> None:
    (iv,) = view["interventions"]
    assert (iv["sessions"], iv["staff"], iv["held"]) == ("1 of 2", "s3", "Mon P2 (R1)")
    (duty,) = view["duties"]
    assert (duty["covered"], duty["who"]) == ("1 of 3", "s1 ×1")


def test_rota_of_another_school_is_refused(school: SchoolData) -> None:
    bad = {
        **ROTA,
        "assignments": [row("zz", "Mon", "P1", "class:Y3"), row("s1", "Sat", "P1", "class:Y3")],
    }
    with pytest.raises(InputError) as caught:
        build_report(school, bad, source="r.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "r.yaml: assignments[0].staff: unknown staff 'zz': is this rota for another school?",
        "r.yaml: assignments[1]: Sat P1 is not in this school's calendar: is this rota for another school?",
    ]


def test_empty_rota(school: SchoolData) -> None:
    text = render_html_report(school, {"meta": {"status": "no_rota"}, "assignments": []})
    assert "no_rota" in text and "£" not in text.split('id="cost-weekly"')[1][:20]


# --- the page ------------------------------------------------------------------------------

VOID_TAGS = "area base br col embed hr img input link meta source track wbr"
VOID = set(VOID_TAGS.split())


class _Checker(HTMLParser):
    """Collects tags and resource attributes, and checks every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.resources: list[str] = []
        self.text: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster", "data") and value:
                self.resources.append(value)
            if name == "id" and value:
                self.ids.append(value)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check(text: str) -> _Checker:
    checker = _Checker()
    checker.feed(text)
    checker.close()
    return checker


def test_page_structure_is_valid(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    checker = check(page)
    assert checker.errors == [] and checker.stack == []
    assert checker.tags[:3] == ["html", "head", "meta"]
    assert len(checker.ids) == len(set(checker.ids)), "duplicate element ids"
    for section in [
        "summary",
        "shortfalls",
        "coverage",
        "adults",
        "pupils",
        "interventions",
        "duties",
    ]:
        assert section in checker.ids


def test_page_is_self_contained(page: str) -> None:
    checker = check(page)
    assert all(r.startswith("#") for r in checker.resources), checker.resources
    assert "script" not in checker.tags and "link" not in checker.tags and "img" not in checker.tags
    assert not re.search(r"https?://|@import|url\(|@font-face", page)


def test_page_names_everyone_by_id(page: str) -> None:
    text = " ".join(check(page).text)
    for name in [
        "s1",
        "s2",
        "s3",
        "p1",
        "iv1",
        "lunch",
        "£1,234.50",
        "£53,824.20",
        "Lunch supervision",
    ]:
        assert name in text
    assert 'id="staff-s1"' in page and 'id="pupil-p1"' in page


def test_page_escapes_everything(page: str) -> None:
    assert "<script>" not in page and "<Ash>" not in page and "<because>" not in page
    assert "Jo &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Oak &amp; &lt;Ash&gt; &#34;Primary&#34;" in page
    assert "short &lt;because&gt; &amp; such" in page


def test_print_css(page: str) -> None:
    assert re.search(r"@page\s*\{\s*size:\s*A4 landscape", page)
    assert re.search(r"\.adult\s*\{[^}]*page-break-after:\s*always", page)


def test_write_is_atomic_and_utf8(school: SchoolData, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "report.html"
    write_html_report(school, ROTA, out)
    assert out.read_text(encoding="utf-8") == render_html_report(school, ROTA)
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]


# --- the commands ------------------------------------------------------------------------


def run_main(args: list[str]) -> int:
    with pytest.raises(SystemExit) as caught:
        cli.main(args)
    code = caught.value.code
    return code if isinstance(code, int) else (0 if code is None else 1)


def test_report_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    school_path = tmp_path / "school.yaml"
    school_path.write_text(SCHOOL, encoding="utf-8")
    rota_path = tmp_path / "rota.yaml"
    rota_path.write_text(yaml.safe_dump(ROTA), encoding="utf-8")
    out = tmp_path / "report.html"
    assert run_main(["report", str(school_path), str(rota_path), "-o", str(out)]) == 0
    assert "s1" in out.read_text(encoding="utf-8")
    assert f"wrote {out}" in capsys.readouterr().out
    # a rota of another school, and an output over an input, are bad input
    rota_path.write_text(yaml.safe_dump({**ROTA, "assignments": [row("zz", "Mon", "P1", "free")]}))
    assert run_main(["report", str(school_path), str(rota_path), "-o", str(out)]) == 2
    assert f"{rota_path}: assignments[0].staff: unknown staff 'zz'" in capsys.readouterr().err
    assert run_main(["report", str(school_path), str(rota_path), "-o", str(rota_path)]) == 2


def test_solve_writes_the_html_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    school_path = tmp_path / "school.yaml"
    school_path.write_text(SCHOOL, encoding="utf-8")
    rota_path, html = tmp_path / "rota.yaml", tmp_path / "rota.html"
    args = [
        "solve",
        str(school_path),
        "-o",
        str(rota_path),
        "--html",
        str(html),
        "--time-limit",
        "5",
        "--workers",
        "1",
    ]
    assert run_main(args) == 0
    rota = yaml.safe_load(rota_path.read_text(encoding="utf-8"))
    page = html.read_text(encoding="utf-8")
    assert f"£{rota['kpis']['cost']['weekly']:,.2f}" in page
    assert check(page).errors == []
    assert page == render_html_report(tasched.load(str(school_path)), rota)


# --- in a real browser ----------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, timeout=120, check=False)


def test_renders_in_headless_chromium(school: SchoolData, tmp_path: Path) -> None:
    binary = _chromium()
    if binary is None:
        pytest.skip("chromium is not on PATH")
    page = tmp_path / "report.html"
    write_html_report(school, ROTA, page)
    url = page.resolve().as_uri()

    png = tmp_path / "shot.png"
    done = _run_chromium(binary, tmp_path / "p1", f"--screenshot={png}", "--window-size=1400,2000", url)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    try:
        from PIL import Image
    except ImportError:
        assert png.stat().st_size > 30_000  # a blank page compresses to a few kB
    else:
        with Image.open(png) as image:
            assert image.size == (1400, 2000)
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is not None and len(colours) > 50, "the screenshot looks blank"

    pdf = tmp_path / "report.pdf"
    done = _run_chromium(binary, tmp_path / "p2", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", url)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes and all(float(w) > float(h) for w, h in boxes), "pages are not landscape"
    assert len(boxes) >= len(school.staff) + 1  # each adult's week on a page of its own

    done = _run_chromium(binary, tmp_path / "p3", "--dump-dom", url)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    dom = done.stdout.decode("utf-8")
    for expected in ("s1", "s2", "s3", "p1", "£1,234.50", 'id="staff-s3"', 'id="pupil-p1"'):
        assert expected in dom
    assert "<script>alert" not in dom


def test_plain_words_and_severity_on_the_page(school: SchoolData) -> None:
    """The page leads with what is short, worst in red; solver figures are tucked away."""
    tiers = [
        {"tier": "ehcp_hours", "status": "optimal", "short": 60, "unit": "minutes", "bound": 60, "seconds": 1},
        {"tier": "class_support", "status": "feasible", "short": 120, "unit": "adult-minutes", "bound": 0,
         "seconds": 1},
    ]  # fmt: skip
    ehc = {"task": "pupil:p1", "required": 2, "delivered": 1, "unit": "hours", "reason": "r"}
    medical = {"task": "medical:p1", "required": 50, "delivered": 49, "unit": "slot-minutes", "reason": "r"}
    rota = {**ROTA, "meta": {**ROTA["meta"], "status": "feasible", "tiers": tiers},
            "shortfalls": [ehc, medical, *ROTA["shortfalls"]]}  # fmt: skip
    view = build_report(school, rota)
    summary = view["summary"]
    assert summary["headline"] == (
        "1 pupil short of plan hours; 1 pupil without full medical cover; 1 class short of support"
    )
    assert summary["severe"] and summary["result"] == "could improve with more time"
    assert summary["tiers"][0] == "EHC hours: 1 h short; no rota under these rules does better (proven)"
    # 49 of 50 minutes of medical cover is still red: severity is by tier, not by ratio.
    assert [s["severity"] for s in view["shortfalls"]] == ["critical", "critical", "minor"]
    page = render_html_report(school, rota)
    assert 'class="headline sev-critical"' in page and '<tr class="sev-critical">' in page
    summary_html = page[page.index('<section id="summary">') : page.index("<details")]
    assert "gap" not in summary_html.lower() and "objective" not in summary_html.lower()


def test_one_colour_key_for_the_page_and_the_workbook(school: SchoolData, tmp_path: Path) -> None:
    """A task kind has the same colour in the HTML page and in the rota workbook."""
    import openpyxl

    from tasched.io.colours import TASK_COLOUR
    from tasched.io.excel import ROTA_KINDS, write_rota_workbook

    page = render_html_report(school, ROTA)
    for kind in ("class", "ehc", "withdrawn", "intervention", "duty"):
        assert f".k-{kind} {{ background: #{TASK_COLOUR[kind]}; }}" in page
    assert {colour for _, _, colour in ROTA_KINDS} <= set(TASK_COLOUR.values())
    path = tmp_path / "rota.xlsx"
    write_rota_workbook(ROTA, path, school=school)
    book = openpyxl.load_workbook(path)
    sheet = book[next(name for name in book.sheetnames if name.startswith("s1"))]
    cell = next(c for row in sheet.iter_rows() for c in row if str(c.value).startswith("Duty"))
    assert cell.fill.fgColor.rgb.endswith(TASK_COLOUR["duty"])


def test_printed_page_shows_every_cell_in_full(tmp_path: Path) -> None:
    """Printed from Chromium: no cell text cut to '…', one adult's week a page, and the
    week's heat map on a single page."""
    binary = _chromium()
    if binary is None or shutil.which("pdftotext") is None:
        pytest.skip("chromium and pdftotext (poppler-utils) are needed")
    import tasched

    example = Path(__file__).resolve().parent.parent / "examples" / "primary-1fe.yaml"
    school = tasched.load(example)
    rota = tasched.solve(school, time_limit=0.01, workers=1)  # the greedy rota, at once
    page = tmp_path / "report.html"
    write_html_report(school, rota.to_dict(), page)
    pdf = tmp_path / "report.pdf"
    done = _run_chromium(binary, tmp_path / "p", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    texts = pages.stdout.split("\f")
    assert "…" not in pages.stdout
    pooled = [r for r in rota.assignments if len(r.get("pupils") or []) > 1 and r["task"].startswith("pupil:")]
    for row in pooled[:3]:  # a pooled group's pupils all printed, not "P003 + P…"
        assert all(p in pages.stdout for p in row["pupils"])
    heat = [t for t in texts if "Coverage of the week" in t]
    slots = [s.id for s in school.calendar.slots]
    assert len(heat) == 1 and all(s in heat[0] for s in slots), "the heat map spills over a page"
    for adult in school.staff:  # each adult's week on a page of its own
        assert sum(f"{adult.id} · " in t for t in texts) == 1, adult.id
    assert all(sum(f"{a.id} · " in t for a in school.staff) <= 1 for t in texts)
