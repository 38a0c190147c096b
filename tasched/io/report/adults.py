"""The report's page for each adult: their week slot by slot, the hours they work and what on."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from tasched.input.model import Staff
from tasched.input.when import DaySlot
from tasched.io.report.view import KINDS, Cell, ReportWeek, Row, anchor, hours_text, money

__all__ = ["adults_view", "task_kind"]


def task_kind(row: Row) -> str:
    """The cell kind of a row's task (EHC support in class and withdrawn are kinds of their own)."""
    kind = str(row.get("task", "")).partition(":")[0]
    if kind == "pupil":
        return "withdrawn" if row.get("mode") == "withdrawn" else "ehc"
    return kind if kind in ("class", "intervention", "duty", "liaison", "cover") else "free"


def _cell_for(rows: list[Row], duties: dict[str, Any]) -> Cell:
    """One adult's slot: what they do, with every row named in the tooltip."""
    kind = task_kind(rows[0])
    targets = [str(r.get("task", "")).partition(":")[2] for r in rows]
    first = rows[0]
    if kind in ("ehc", "withdrawn"):
        text = " + ".join(targets)
        sub = "withdrawn" if kind == "withdrawn" else "in class"
    elif kind == "intervention":
        text = targets[0]
        sub = str(first.get("room") or ", ".join(first.get("pupils") or []))
    elif kind == "duty":
        text, sub = targets[0], "duty"
        if targets[0] in duties:
            first = {**first, "room": duties[targets[0]].name}  # the duty's name in the tooltip
            rows = [first, *rows[1:]]
    elif kind == "class":
        text, sub = targets[0], "class support"
    elif kind == "liaison":
        text, sub = f"Meet {targets[0]}", "liaison"
    elif kind == "cover":
        text, sub = targets[0], "cover (teacher away)"
    else:
        text, sub = str(first.get("task", "")), ""
    title = "; ".join(
        " ".join(str(x) for x in (r.get("task"), r.get("mode"), r.get("room"), *r["pupils"]) if x)
        for r in ({**r, "pupils": r.get("pupils") or []} for r in rows)
    )
    return Cell(kind, text, sub, title)


def adults_view(
    week: ReportWeek,
    by_adult: dict[str, dict[DaySlot, list[Row]]],
    duties: dict[str, Any],
    staff_kpis: dict[str, Any],
) -> list[dict[str, Any]]:
    """Each adult's page, in the school's staff order."""
    absences: dict[str, set[DaySlot]] = defaultdict(set)
    for absence in week.school.absences:
        absences[absence.staff] |= week.when(absence.when)
    return [
        _adult(week, adult, by_adult.get(adult.id, {}), absences.get(adult.id, set()), duties, staff_kpis)
        for adult in week.school.staff
    ]


def _adult(
    week: ReportWeek,
    adult: Staff,
    mine: dict[DaySlot, list[Row]],
    absent: set[DaySlot],
    duties: dict[str, Any],
    staff_kpis: dict[str, Any],
) -> dict[str, Any]:
    works = (week.when(adult.available) - week.when(adult.unavailable)) & week.open
    works -= absent

    def cell(at: DaySlot) -> Cell:
        if at in mine:
            return _cell_for(mine[at], duties)
        if at in works:
            return Cell("free", "", "", f"{week.name(at)}: working, no task")
        why = f"{week.name(at)}: {'absent' if at in absent else 'not working'}"
        return Cell("off", "absent" if at in absent else "", "", why)

    grid = week.by_day(cell)
    counts = _minutes_by_kind(week, mine)
    return {
        "id": adult.id,
        "anchor": anchor("staff", adult.id),
        "name": adult.name or "",
        "role": adult.role,
        "skills": ", ".join(adult.skills),
        "facts": _facts(adult, staff_kpis.get(adult.id) or {}, sum(counts.values()) / 60),
        "mix": [(KINDS[kind], hours_text(minutes / 60)) for kind, minutes in counts.most_common()],
        "grid": grid,
    }


def _minutes_by_kind(week: ReportWeek, mine: dict[DaySlot, list[Row]]) -> Counter[str]:
    """Minutes of each kind of task in the adult's open slots, counted in week order (ties keep it)."""
    counts: Counter[str] = Counter()
    for at in sorted(mine):
        if at in week.open:
            counts[task_kind(mine[at][0])] += week.minutes(at)
    return counts


def _facts(adult: Staff, k: dict[str, Any], assigned: float) -> list[tuple[str, str]]:
    """The adult's hours from the rota's KPIs (or counted from the rows), then what the KPIs add."""
    facts = [
        ("Contracted", hours_text(float(k.get("contracted_hours", adult.hours)))),
        ("Assigned", hours_text(float(k.get("assigned_hours", assigned)))),
    ]
    if k.get("extra_hours"):
        facts.append(("Extra (paid duties)", hours_text(float(k["extra_hours"]))))
    if k.get("overtime_hours"):
        facts.append(("Overtime", hours_text(float(k["overtime_hours"]))))
    if "idle_minutes" in k:
        facts.append(("Idle", f"{int(k['idle_minutes'])} min"))
    if "duties" in k:
        facts.append(("Duty slots", str(k["duties"])))
    if adult.hourly_cost is not None:
        facts.append(("Hourly cost", money(adult.hourly_cost)))
    return facts
