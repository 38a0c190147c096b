"""The rota as one self-contained HTML page, for the business manager, the SENCo and print.

``write_html_report(school, rota, path)`` renders ``templates/report.html``
(jinja2, autoescaped) from a view of the school and the rota built here: a
summary (status, gap, cost, counts), the shortfalls with their reasons, a
coverage heat-map of the week, each adult's week (one printed page each), each
pupil's EHC support (hours, who gave it, the week), and the interventions and
duties. The page needs nothing from the network: CSS is inline, no fonts or
scripts are fetched. Pupils appear only by their pseudonymous ids.

The view is derived from the school and the rota's rows alone (KPIs from the
rota are shown where present), so a rota read back from a file reports the same
as a freshly solved one.

Here: the view as a whole and its summary; the sections are built in ``adults``,
``pupils`` and ``cover``, from the indexed week and cells of ``view``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import IO, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from tasched._version import __version__
from tasched.input.model import SchoolData
from tasched.input.when import DaySlot
from tasched.io.colours import css_rules
from tasched.io.files import write_atomic
from tasched.io.report.adults import adults_view
from tasched.io.report.cover import coverage_view, duties_view, interventions_view
from tasched.io.report.pupils import medical_view, pupils_view
from tasched.io.report.view import KINDS, ReportWeek, Row, hours_text, money, percent, placed_rows
from tasched.solution.words import ALL_MET, PROVEN, headline, severity, shortfall_headline, tier_result

__all__ = ["KINDS", "build_report", "render_html_report", "write_html_report"]


def write_html_report(school: SchoolData, rota: dict[str, Any], path: str | Path, *, source: str = "rota") -> None:
    """Write the report of a school's rota to `path` (atomically); `source` names the rota."""
    text = render_html_report(school, rota, source=source).encode("utf-8")

    def write(handle: IO[bytes]) -> None:
        handle.write(text)

    write_atomic(path, write)


def render_html_report(school: SchoolData, rota: dict[str, Any], *, source: str = "rota") -> str:
    """The report as HTML text; rows naming staff or slots the school lacks are an InputError."""
    view = build_report(school, rota, source=source)
    env = Environment(
        loader=PackageLoader("tasched.io", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html").render(**view, key_css=Markup(css_rules()))


def build_report(school: SchoolData, rota: dict[str, Any], *, source: str = "rota") -> dict[str, Any]:
    """Everything the template shows, as plain values."""
    week = ReportWeek(school)
    rows = placed_rows(week, rota.get("assignments") or [], source)
    kpis = rota.get("kpis") or {}
    shortfalls = list(rota.get("shortfalls") or [])
    by_adult: dict[str, dict[DaySlot, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for at, row in rows:
        by_adult[str(row["staff"])][at].append(row)
    duties = {d.id: d for d in school.duties}
    return {
        "title": f"{school.school.name}: teaching-assistant rota",
        "school": {"name": school.school.name, "phase": school.school.phase.value},
        "tool_version": __version__,
        "summary": _summary(school, rota, len(rows), shortfalls),
        "shortfalls": [_shortfall(s) for s in shortfalls],
        "days": week.days,
        "slots": week.slots,
        "kinds": list(KINDS.items()),
        "coverage": coverage_view(week, rows, by_adult),
        "adults": adults_view(week, by_adult, duties, kpis.get("staff") or {}),
        "pupils": pupils_view(week, rows, kpis.get("pupils") or {}),
        "medical": medical_view(school),
        "interventions": interventions_view(week, rows, kpis.get("interventions") or {}),
        "duties": duties_view(week, rows),
    }


def _summary(school: SchoolData, rota: dict[str, Any], row_count: int, shortfalls: list[Any]) -> dict[str, Any]:
    """The top of the report: how the solve went, what it costs, and how much there is of everything."""
    meta = rota.get("meta") or {}
    kpis = rota.get("kpis") or {}
    pupil_plans = [p for p in school.pupils if p.ehcp is not None]
    required_ehc = sum(p.ehcp.hours for p in pupil_plans if p.ehcp is not None)
    pupil_kpis = kpis.get("pupils") or {}
    delivered_ehc = sum(float((pupil_kpis.get(p.id) or {}).get("ehc_hours_delivered", 0)) for p in pupil_plans)
    cost = kpis.get("cost") or {}
    return {
        "status": meta.get("status", "unknown"),
        "result": headline(meta),
        "result_class": {ALL_MET: "all", PROVEN: "proven"}.get(headline(meta), "more"),
        "headline": shortfall_headline(shortfalls),
        "severe": any(severity(str(s.get("task", ""))) == "critical" for s in shortfalls),
        "tiers": [tier_result(t) for t in meta.get("tiers") or []],
        "gap": percent(meta.get("gap")),
        "objective": meta.get("objective"),
        "bound": meta.get("bound"),
        "seconds": meta.get("seconds"),
        "weekly": money(cost.get("weekly")),
        "annual": money(cost.get("annual")),
        "counts": [
            ("Staff", len(school.staff)),
            ("Classes", len(school.classes)),
            ("Pupils with EHC plans", len(pupil_plans)),
            ("Interventions", len(school.interventions)),
            ("Duties", len(school.duties)),
            ("Assignment rows", row_count),
            ("Shortfalls", len(shortfalls)),
        ],
        "ehc": f"{hours_text(delivered_ehc)} of {hours_text(required_ehc)}" if pupil_plans else "none",
        "warnings": [str(w) for w in meta.get("warnings") or []],
        "version": meta.get("version", __version__),
        "digest": str(meta.get("input_digest", "")),
    }


def _shortfall(row: dict[str, Any]) -> dict[str, Any]:
    required, delivered = float(row.get("required", 0)), float(row.get("delivered", 0))
    return {
        "task": str(row.get("task", "")),
        "required": f"{required:g}",
        "delivered": f"{delivered:g}",
        "unit": str(row.get("unit", "")),
        "reason": str(row.get("reason", "")),
        "severity": severity(str(row.get("task", ""))),
    }
