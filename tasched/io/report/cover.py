"""The report's sections on cover: the heat-map of class support and duties by slot, interventions and duties.

Wanted cover comes from the school (support rows on the class's lessons, duty
slots); given cover from the rota's rows, capped at what was wanted per task.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from tasched.input.week import class_meetings
from tasched.input.when import DaySlot
from tasched.io.report.view import Cell, ReportWeek, Row, share_style, task_of

__all__ = ["coverage_view", "duties_view", "interventions_view"]


def coverage_view(
    week: ReportWeek, rows: list[tuple[DaySlot, Row]], by_adult: dict[str, dict[DaySlot, list[Row]]]
) -> dict[str, Any]:
    """Per slot and day: class-support and duty adults wanted and given, and adults deployed."""
    want_at, met_at = _wanted_and_met(week, rows)
    deployed: Counter[DaySlot] = Counter(at for busy in by_adult.values() for at in busy)
    grid = [
        {
            "slot": slot,
            "cells": [_coverage_cell(week, (d, s), want_at, met_at, deployed) for d in range(len(week.days))],
        }
        for s, slot in enumerate(week.slots)
    ]
    shown = [(d, s) for s in range(len(week.slots)) for d in range(len(week.days)) if (d, s) in week.open]
    total_want = sum(want_at[at] for at in shown)
    total_met = sum(met_at[at] for at in shown)
    return {
        "grid": grid,
        "share": f"{total_met / total_want:.0%}" if total_want else "–",
        "met": total_met,
        "wanted": total_want,
    }


def _wanted_and_met(week: ReportWeek, rows: list[tuple[DaySlot, Row]]) -> tuple[Counter[DaySlot], Counter[DaySlot]]:
    """Adults wanted in each slot for class support and duties, and how many of those the rota gives."""
    school = week.school
    meetings = class_meetings(school, week.shape)
    wanted: dict[tuple[str, DaySlot], int] = Counter()
    for support in school.support:
        meets = meetings.get(support.class_, set())
        slots = meets if support.when is None else week.when(support.when) & meets
        for at in slots:
            wanted["class:" + support.class_, at] += support.staff
    for duty in school.duties:
        for at in week.when(duty.when) & week.open:
            wanted["duty:" + duty.id, at] += duty.staff
    given: dict[tuple[str, DaySlot], int] = Counter()
    for at, row in rows:
        task = str(row.get("task", ""))
        if task.startswith(("class:", "duty:")):
            given[task, at] += 1
    want_at: Counter[DaySlot] = Counter()
    met_at: Counter[DaySlot] = Counter()
    for (task, at), n in wanted.items():
        want_at[at] += n
        met_at[at] += min(n, given.get((task, at), 0))
    return want_at, met_at


def _coverage_cell(
    week: ReportWeek, at: DaySlot, want_at: Counter[DaySlot], met_at: Counter[DaySlot], deployed: Counter[DaySlot]
) -> Cell:
    if at not in week.open:
        return week.closed(at)
    want, met = want_at[at], met_at[at]
    adults = f"{deployed[at]} adult{'s' if deployed[at] != 1 else ''}"
    if not want:
        return Cell("heat none", "–", adults, f"{week.name(at)}: no class support or duty wanted; {adults} deployed")
    share = met / want
    return Cell(
        "heat",
        f"{share:.0%}",
        f"{met}/{want} · {adults}",
        f"{week.name(at)}: {met} of {want} class-support and duty adults; {adults} deployed in all",
        share_style(share),
    )


def interventions_view(
    week: ReportWeek, rows: list[tuple[DaySlot, Row]], iv_kpis: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each intervention: sessions held of those wanted, by whom and when."""
    held: dict[str, list[tuple[DaySlot, Row]]] = defaultdict(list)
    for at, row in rows:
        kind, target = task_of(row)
        if kind == "intervention":
            held[target].append((at, row))
    out = []
    for iv in week.school.interventions:
        mine = sorted(held.get(iv.id, []), key=lambda item: item[0])
        k = iv_kpis.get(iv.id) or {}
        delivered = int(k.get("sessions_delivered", len(mine)))
        out.append(
            {
                "id": iv.id,
                "programme": iv.programme,
                "pupils": ", ".join(iv.pupils),
                "sessions": f"{delivered} of {iv.sessions}",
                "style": share_style(delivered / iv.sessions),
                "minutes": iv.minutes,
                "skills": ", ".join(iv.skills),
                "staff": ", ".join(dict.fromkeys(str(r["staff"]) for _, r in mine)) or "–",
                "held": "; ".join(f"{week.name(at)}" + (f" ({r['room']})" if r.get("room") else "") for at, r in mine)
                or "–",
            }
        )
    return out


def duties_view(week: ReportWeek, rows: list[tuple[DaySlot, Row]]) -> list[dict[str, Any]]:
    """Each duty: slots covered of those wanted, and who covered it how often."""
    on: dict[str, dict[DaySlot, list[str]]] = defaultdict(lambda: defaultdict(list))
    for at, row in rows:
        kind, target = task_of(row)
        if kind == "duty":
            on[target][at].append(str(row["staff"]))
    out = []
    for duty in week.school.duties:
        slots = sorted(week.when(duty.when) & week.open)
        wanted = len(slots) * duty.staff
        mine = on.get(duty.id, {})
        given = sum(min(duty.staff, len(mine.get(at, []))) for at in slots)
        who: Counter[str] = Counter(s for staff in mine.values() for s in staff)
        out.append(
            {
                "id": duty.id,
                "name": duty.name,
                "when": duty.when,
                "staff": duty.staff,
                "paid": duty.paid.value,
                "covered": f"{given} of {wanted}",
                "style": share_style(given / wanted if wanted else 1.0),
                "who": ", ".join(f"{s} ×{n}" for s, n in sorted(who.items())) or "–",
                "skills": ", ".join([*duty.skills, *(f"one with {x}" for x in duty.any_skills)]),
            }
        )
    return out
