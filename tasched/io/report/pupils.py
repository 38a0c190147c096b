"""The report's section on pupils: each EHC plan's hours, who gave them, and the pupil's week; medical cover.

A pupil's hours count EHC support rows and the sessions of interventions that
count towards the plan; the rota's KPIs are shown instead where present.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from tasched.input.model import Intervention, Pupil, SchoolData
from tasched.input.week import class_meetings, pupil_places
from tasched.input.when import DaySlot
from tasched.io.report.view import CRITICAL_STYLE, Cell, ReportWeek, Row, anchor, hours_text, task_of

__all__ = ["medical_view", "pupils_view"]


@dataclass
class _PupilWeek:
    """One pupil's week from the rota: EHC support by slot, intervention sessions by slot, and lessons."""

    support: dict[DaySlot, list[Row]]
    sessions: dict[DaySlot, Row]
    places: dict[DaySlot, str]  # the class the pupil is in, where not supported


def pupils_view(week: ReportWeek, rows: list[tuple[DaySlot, Row]], pupil_kpis: dict[str, Any]) -> list[dict[str, Any]]:
    """A card for each pupil with an EHC plan, in the school's pupil order."""
    school = week.school
    places = pupil_places(school, class_meetings(school, week.shape))
    interventions = {iv.id: iv for iv in school.interventions}
    support: dict[str, dict[DaySlot, list[Row]]] = defaultdict(lambda: defaultdict(list))
    sessions: dict[str, dict[DaySlot, Row]] = defaultdict(dict)
    for at, row in rows:
        kind, target = task_of(row)
        if kind == "pupil":
            support[target][at].append(row)
        elif kind == "intervention" and target in interventions:
            for member in interventions[target].pupils:
                sessions[member][at] = row
    return [
        _pupil(
            week,
            pupil,
            _PupilWeek(support[pupil.id], sessions[pupil.id], places.get(pupil.id, {})),
            interventions,
            pupil_kpis.get(pupil.id) or {},
        )
        for pupil in school.pupils
        if pupil.ehcp is not None
    ]


def _pupil(
    week: ReportWeek, pupil: Pupil, mine: _PupilWeek, interventions: dict[str, Intervention], k: dict[str, Any]
) -> dict[str, Any]:
    plan = pupil.ehcp
    assert plan is not None
    minutes_by = _minutes_by_adult(week, mine, interventions)
    delivered = float(k.get("ehc_hours_delivered", sum(minutes_by.values()) / 60))
    required = float(k.get("ehc_hours_required", plan.hours))
    given_by = [
        {
            "staff": staff,
            "hours": hours_text(minutes / 60),
            "share": f"{minutes / 60 / required:.0%}" if required else "–",
        }
        for staff, minutes in minutes_by.most_common()
    ]
    return {
        "id": pupil.id,
        "anchor": anchor("pupil", pupil.id),
        "need": pupil.need or "",
        "classes": ", ".join(pupil.classes),
        "required": hours_text(required),
        "delivered": hours_text(delivered),
        "met": delivered + 1e-9 >= required,
        "style": "" if delivered + 1e-9 >= required else CRITICAL_STYLE,
        "plan": _plan_text(plan),
        "given_by": given_by,
        "grid": week.by_day(lambda at: _pupil_cell(week, at, mine)),
    }


def _minutes_by_adult(week: ReportWeek, mine: _PupilWeek, interventions: dict[str, Intervention]) -> Counter[str]:
    """Minutes of support each adult gave: EHC rows, then sessions of interventions that count for the plan."""
    minutes_by: Counter[str] = Counter()
    for at, given in mine.support.items():
        for row in given:
            minutes_by[str(row["staff"])] += week.minutes(at)
    for row in mine.sessions.values():
        iv = interventions[str(row["task"]).partition(":")[2]]
        if iv.counts_for_ehcp:
            minutes_by[str(row["staff"])] += iv.minutes
    return minutes_by


def _pupil_cell(week: ReportWeek, at: DaySlot, mine: _PupilWeek) -> Cell:
    """An open slot of the pupil's week: supported, in an intervention, in a lesson alone, or no lesson."""
    if at in mine.support:
        given = mine.support[at]
        mode = "withdrawn" if given[0].get("mode") == "withdrawn" else "ehc"
        adults = " + ".join(str(r["staff"]) for r in given)
        sub = "withdrawn" if mode == "withdrawn" else "in class"
        return Cell(mode, adults, sub, f"{week.name(at)}: supported by {adults}")
    if at in mine.sessions:
        row = mine.sessions[at]
        target = str(row["task"]).partition(":")[2]
        return Cell("intervention", target, str(row["staff"]), f"{week.name(at)}: {target} with {row['staff']}")
    if at in mine.places:
        class_id = mine.places[at]
        return Cell("lesson", class_id, "", f"{week.name(at)}: in {class_id}, no EHC support")
    return Cell("none", "", "", f"{week.name(at)}: no lesson")


def _plan_text(plan: Any) -> str:
    parts = [{"in_class": "in class", "withdrawn": "withdrawn"}.get(plan.mode.value, "in class or withdrawn")]
    parts.append("one-to-one" if plan.group_max == 1 else f"groups of up to {plan.group_max}")
    if plan.adults == 2:
        parts.append("2 adults at once")
    if plan.skills:
        parts.append("skills: " + ", ".join(plan.skills))
    if plan.subjects:
        parts.append("subjects: " + ", ".join(plan.subjects))
    return "; ".join(parts)


def medical_view(school: SchoolData) -> list[dict[str, str]]:
    """The pupils who need medical cover: the skills it takes, and when."""
    return [
        {"id": p.id, "skills": ", ".join(p.medical.skills), "when": p.medical.when}
        for p in school.pupils
        if p.medical is not None
    ]
