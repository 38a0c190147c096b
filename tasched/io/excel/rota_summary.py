"""The rota workbook's Summary sheet: the result, cost, shortfalls and KPIs."""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tasched.input.model import (
    SchoolData,
)
from tasched.io.colours import SEVERITY_COLOUR
from tasched.io.excel.cells import _set
from tasched.io.excel.rota_grid import _legend, _section, _table
from tasched.io.excel.styles import _BOLD, _TITLE
from tasched.solution.words import headline, severity, shortfall_headline, tier_label, tier_result


def _summary_sheet(ws: Worksheet, rota: dict[str, Any], school: SchoolData | None) -> None:
    meta: dict[str, Any] = rota.get("meta") or {}
    kpis: dict[str, Any] = rota.get("kpis") or {}
    shortfalls = rota.get("shortfalls") or []
    for letter, width in zip("ABCDEFGH", (22, 14, 14, 14, 14, 12, 12, 70), strict=True):
        ws.column_dimensions[letter].width = width
    _summary_head(ws, shortfalls, school)
    row = _summary_facts(ws, meta, kpis.get("cost") or {}, shortfalls)
    row = _section(ws, row, "Shortfalls: what could not be covered, and why")
    row = _shortfall_table(ws, row, shortfalls)
    for section, title, headers, keys in _KPI_TABLES:
        entries = kpis.get(section) or {}
        if entries:
            row = _section(ws, row, title)
            row = _table(ws, row, headers, ((name, *(k.get(key) for key in keys)) for name, k in entries.items()))
    row = _legend(ws, row)
    _solver_figures(ws, row + 1, _figures(meta))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


# (kpis section, title, headers, the KPI under each header after the first)
_KPI_TABLES: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "pupils",
        "EHC plans",
        ("pupil", "hours required", "hours delivered", "distinct adults", "largest share"),
        ("ehc_hours_required", "ehc_hours_delivered", "distinct_adults", "largest_share"),
    ),
    (
        "interventions",
        "Interventions",
        ("intervention", "sessions required", "sessions delivered"),
        ("sessions_required", "sessions_delivered"),
    ),
    (
        "classes",
        "Class support (adult-slots)",
        ("class", "required", "delivered", "coverage"),
        ("support_required", "support_delivered", "coverage"),
    ),
    (
        "staff",
        "Staff",
        ("adult", "contracted h", "assigned h", "extra h", "overtime h", "idle min", "duty slots"),
        ("contracted_hours", "assigned_hours", "extra_hours", "overtime_hours", "idle_minutes", "duties"),
    ),
)


def _summary_head(ws: Worksheet, shortfalls: list[dict[str, Any]], school: SchoolData | None) -> None:
    """The title, and the shortfalls' headline coloured by the worst of them."""
    title = "TA rota" + (f": {school.school.name}" if school else "")
    ws.cell(row=1, column=1, value=title).font = _TITLE
    level = "critical" if any(severity(str(x.get("task", ""))) == "critical" for x in shortfalls) else "warning"
    top = ws.cell(row=2, column=1, value=shortfall_headline(shortfalls))
    background, text = SEVERITY_COLOUR[level if shortfalls else "ok"]
    top.font = Font(bold=True, color=text)
    top.fill = PatternFill("solid", fgColor=background)


def _summary_facts(ws: Worksheet, meta: dict[str, Any], cost: dict[str, Any], shortfalls: list[dict[str, Any]]) -> int:
    """The result, each tier's, the cost and the number of shortfalls, then any warnings; the next row."""
    facts: list[tuple[str, Any]] = [
        ("result", headline(meta)),
        *((tier_label(t), tier_result(t).split(": ", 1)[-1]) for t in meta.get("tiers") or []),
        ("weekly cost (£)", cost.get("weekly")),
        ("annual cost (£)", cost.get("annual")),
        ("shortfalls", len(shortfalls)),
    ]
    row = 4
    for key, value in facts:
        ws.cell(row=row, column=1, value=key).font = _BOLD
        cell = _set(ws, row, 2, value if not isinstance(value, dict | list) else str(value))
        if "cost" in key:
            cell.number_format = "£#,##0.00"
        cell.alignment = Alignment(horizontal="left")
        row += 1
    for warning in meta.get("warnings") or []:
        ws.cell(row=row, column=1, value="warning").font = Font(bold=True, color="9C5700")
        ws.cell(row=row, column=2, value=str(warning))
        row += 1
    return row + 1


def _figures(meta: dict[str, Any]) -> list[tuple[str, Any]]:
    """Solver figures, for whoever supports the tool: last, and labelled as such."""
    gap = meta.get("gap")
    return [
        ("solver status", meta.get("status")),
        ("solver gap", f"{gap:.1%}" if isinstance(gap, int | float) else "—"),
        ("solver objective", meta.get("objective")),
        ("seconds", meta.get("seconds")),
        ("seed", meta.get("seed")),
        ("workers", meta.get("workers")),
        ("tasched version", meta.get("version")),
        ("input", meta.get("input_digest")),
    ]


def _shortfall_table(ws: Worksheet, row: int, shortfalls: list[dict[str, Any]]) -> int:
    """Each shortfall with its reason, filled by its severity (or `none`); the next row."""
    if not shortfalls:
        ws.cell(row=row, column=1, value="none: every demand is met")
        return row + 2
    row = _table(
        ws,
        row,
        ("task", "required", "delivered", "unit", "reason"),
        ((s.get("task"), s.get("required"), s.get("delivered"), s.get("unit"), s.get("reason")) for s in shortfalls),
        last_span=4,
    )
    first = row - 1 - len(shortfalls)  # _table returns two rows after its last
    for i, shortfall in enumerate(shortfalls):
        background, _ = SEVERITY_COLOUR[severity(str(shortfall.get("task", "")))]
        for column in range(1, 6):  # the reason's merged cells take the fill of their first
            ws.cell(row=first + i, column=column).fill = PatternFill("solid", fgColor=background)
    return row


def _solver_figures(ws: Worksheet, row: int, figures: list[tuple[str, Any]]) -> None:
    """The solver's own figures, at the foot of the Summary, for whoever supports the tool."""
    ws.cell(row=row, column=1, value="Solver figures (for support)").font = Font(italic=True, color="666666")
    for key, value in figures:
        row += 1
        ws.cell(row=row, column=1, value=key).font = Font(color="666666")
        _set(ws, row, 2, value if not isinstance(value, dict | list) else str(value)).font = Font(color="666666")
