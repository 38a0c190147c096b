"""The term's outputs (issue 16): term.xlsx and term.html from the weeks' rotas.

Per pupil: EHC hours by week against the plan (a small plot in the page) and the
subjects (or slots) missed by week; per intervention: sessions delivered of those
designed and the programme's completion week; per adult: duties and hours by week.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import IO, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from jinja2 import Environment, select_autoescape
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tasched.input.model import SchoolData
from tasched.input.term import planned_hours, programme_span, week_count, week_labels
from tasched.io.excel.cells import text_stays_text
from tasched.io.excel.styles import header_row, print_wide, wrapped_row
from tasched.io.files import write_atomic
from tasched.verify.term import week_input, withdrawals

__all__ = ["term_summary", "write_term_html", "write_term_workbook"]


def term_summary(school: SchoolData, rotas: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """What the term's rotas deliver, week by week."""
    labels = week_labels(school)
    weeks = sorted(rotas)
    pupils: dict[str, Any] = {}
    missed: dict[int, dict[tuple[str, str], int]] = {
        w: withdrawals(week_input(school, w, rotas[w]), rotas[w]) for w in weeks
    }
    for p in school.pupils:
        rows = []
        for w in weeks:
            kpi = (rotas[w].get("kpis") or {}).get("pupils", {}).get(p.id, {})
            out = {k: n for (pid, k), n in sorted(missed[w].items()) if pid == p.id}
            row: dict[str, Any] = {"week": labels[w - 1], "missed": out}
            if p.ehcp is not None:
                row.update(planned=planned_hours(p.ehcp, w), delivered=float(kpi.get("ehc_hours_delivered", 0)))
            rows.append(row)
        if p.ehcp is not None or any(r["missed"] for r in rows):
            pupils[p.id] = {"ehcp": p.ehcp is not None, "weeks": rows}
    interventions: dict[str, Any] = {}
    n = week_count(school)
    for iv in school.interventions:
        first, last = programme_span(iv, n)
        by_week = {}
        for w in weeks:
            kpi = (rotas[w].get("kpis") or {}).get("interventions", {}).get(iv.id)
            by_week[labels[w - 1]] = int(kpi["sessions_delivered"]) if kpi else 0
        designed = iv.sessions * (last - first + 1)
        delivered, completed = 0, None
        for w in weeks:
            delivered += by_week[labels[w - 1]]
            if completed is None and delivered >= designed:
                completed = labels[w - 1]
        interventions[iv.id] = {
            "programme": iv.programme,
            "weeks": f"{labels[first - 1]}-{labels[last - 1]}",
            "planned_end": labels[last - 1],
            "designed": designed,
            "delivered": delivered,
            "completed": completed,
            "by_week": by_week,
        }
    staff: dict[str, Any] = {}
    for a in school.staff:
        hours_by: dict[str, dict[str, Any]] = {}
        for w in weeks:
            kpi = (rotas[w].get("kpis") or {}).get("staff", {}).get(a.id, {})
            hours = float(kpi.get("assigned_hours", 0)) + float(kpi.get("extra_hours", 0))
            hours_by[labels[w - 1]] = {"duties": int(kpi.get("duties", 0)), "hours": round(hours, 2)}
        duties = sum(v["duties"] for v in hours_by.values())
        staff[a.id] = {"name": a.name, "by_week": hours_by, "duties": duties}
    return {
        "school": school.school.name,
        "weeks": [labels[w - 1] for w in weeks],
        "pupils": pupils,
        "interventions": interventions,
        "staff": staff,
    }


def write_term_workbook(summary: dict[str, Any], path: str | Path) -> None:
    """Three sheets (pupils, interventions, staff), each printing landscape with its header on every page."""
    weeks = summary["weeks"]
    book = Workbook()
    pupils = [
        [pid, row["week"], row.get("planned"), row.get("delivered"),
         ", ".join(f"{k}: {n}" for k, n in row["missed"].items())]
        for pid, info in summary["pupils"].items() for row in info["weeks"]
    ]  # fmt: skip
    _table(book.active, "Pupils", summary["school"],
           [("Pupil", 10), ("Week", 8), ("Plan hours", 10), ("Hours given", 10),
            ("Lessons missed for support (subject or slot: times)", 48)], pupils)  # fmt: skip
    interventions = [
        [iid, iv["programme"], iv["weeks"], iv["designed"], iv["delivered"], iv["completed"] or "not completed",
         *(iv["by_week"][w] for w in weeks)]
        for iid, iv in summary["interventions"].items()
    ]  # fmt: skip
    _table(book.create_sheet(), "Interventions", summary["school"],
           [("Intervention", 14), ("Programme", 16), ("Weeks", 10), ("Sessions designed", 11),
            ("Sessions given", 10), ("Completed in week", 12), *((f"Week {w} sessions", 9) for w in weeks)],
           interventions)  # fmt: skip
    staff = [
        [sid, info.get("name") or "", info["duties"], *(info["by_week"][w]["duties"] for w in weeks),
         *(info["by_week"][w]["hours"] for w in weeks)]
        for sid, info in summary["staff"].items()
    ]  # fmt: skip
    _table(book.create_sheet(), "Staff", summary["school"],
           [("Adult", 10), ("Name", 18), ("Duties in the term", 10), *((f"Week {w} duties", 8) for w in weeks),
            *((f"Week {w} hours", 8) for w in weeks)], staff)  # fmt: skip

    text_stays_text(book)
    write_atomic(path, book.save)


def _table(
    sheet: Worksheet | None, title: str, school: str, columns: list[tuple[str, int]], rows: list[list[Any]]
) -> None:
    """One sheet: a bold wrapped header row that stays in view and prints on every page, named by school."""
    assert sheet is not None
    sheet.title = title
    header_row(sheet, columns)
    for row in rows:
        wrapped_row(sheet, row)
    sheet.freeze_panes = "B2"
    sheet.oddHeader.center.text = f"{school}: {title.lower()} over the term"
    sheet.oddFooter.right.text = "page &P of &N"
    print_wide(sheet)


def _plot(rows: list[dict[str, Any]]) -> str:
    """A small PNG of hours by week against the plan, as base64."""
    figure, axes = plt.subplots(figsize=(3.2, 1.6), dpi=80)
    x = [r["week"] for r in rows]
    axes.plot(x, [r["planned"] for r in rows], "--", color="grey", label="plan")
    axes.plot(x, [r["delivered"] for r in rows], "o-", color="tab:blue", markersize=3, label="delivered")
    axes.set_ylim(bottom=0)
    axes.tick_params(labelsize=6)
    axes.legend(fontsize=6, frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ s.school }}: the term</title>
<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}
td,th{border:1px solid #ccc;padding:2px 6px;font-size:12px}th{background:#eee}.short{color:#b00}</style></head>
<body><h1>{{ s.school }}: the term, weeks {{ s.weeks[0] }}-{{ s.weeks[-1] }}</h1>
<h2>Pupils: EHC hours by week against the plan, and lessons missed</h2>
<table><tr><th>pupil</th><th>hours</th>{% for w in s.weeks %}<th>week {{ w }}</th>{% endfor %}</tr>
{% for pid, p in s.pupils.items() %}<tr><td>{{ pid }}</td>
<td>{% if p.ehcp %}<img alt="hours of {{ pid }} by week" src="data:image/png;base64,{{ plots[pid] }}">{% endif %}</td>
{% for r in p.weeks %}<td>{% if p.ehcp %}<span class="{{ 'short' if r.delivered < r.planned - 0.01 else '' }}">
{{ '%g' % r.delivered }} / {{ '%g' % r.planned }} h</span><br>{% endif %}
{% for k, n in r.missed.items() %}{{ k }}{% if n > 1 %} ×{{ n }}{% endif %}{{ ', ' if not loop.last }}{% endfor %}
</td>{% endfor %}</tr>{% endfor %}</table>
<h2>Interventions: sessions delivered of those designed</h2>
<table><tr><th>intervention</th><th>programme</th><th>weeks</th><th>delivered / designed</th><th>completed</th>
{% for w in s.weeks %}<th>{{ w }}</th>{% endfor %}</tr>
{% for iid, i in s.interventions.items() %}<tr><td>{{ iid }}</td><td>{{ i.programme }}</td><td>{{ i.weeks }}</td>
<td>{{ i.delivered }} / {{ i.designed }}</td><td>{{ ('week ' ~ i.completed) if i.completed else 'not completed' }}</td>
{% for w in s.weeks %}<td>{{ i.by_week[w] }}</td>{% endfor %}</tr>{% endfor %}</table>
<h2>Adults: duties and hours by week</h2>
<table><tr><th>adult</th><th>duties in the term</th>{% for w in s.weeks %}<th>week {{ w }}</th>{% endfor %}</tr>
{% for sid, a in s.staff.items() %}<tr><td>{{ sid }}</td><td>{{ a.duties }}</td>
{% for w in s.weeks %}<td>{{ a.by_week[w].duties }} duties, {{ '%g' % a.by_week[w].hours }} h</td>{% endfor %}</tr>
{% endfor %}</table></body></html>
"""


def write_term_html(summary: dict[str, Any], path: str | Path) -> None:
    plots = {pid: _plot(p["weeks"]) for pid, p in summary["pupils"].items() if p["ehcp"]}
    env = Environment(autoescape=select_autoescape(default=True))
    text = env.from_string(PAGE).render(s=summary, plots=plots).encode("utf-8")

    def write(handle: IO[bytes]) -> None:
        handle.write(text)

    write_atomic(path, write)
