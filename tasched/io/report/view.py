"""The parts every section of the HTML report is built from: the indexed week, cells and number formats.

The rota's rows are checked against the school here (a row naming staff or a
slot the school lacks is an InputError), so the sections can trust them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.input.week import open_slots, shape_of
from tasched.input.when import DaySlot, WhenError, parse_when
from tasched.io.colours import SEVERITY_COLOUR, TASK_KEY

__all__ = [
    "CRITICAL_STYLE",
    "KINDS",
    "Cell",
    "ReportWeek",
    "Row",
    "anchor",
    "hours_text",
    "money",
    "percent",
    "placed_rows",
    "share_style",
    "task_of",
]

Row = dict[str, Any]

# Cell kinds: CSS class suffix and legend text, in legend order.
KINDS: dict[str, str] = {kind: legend for kind, legend, _ in TASK_KEY}

# .sev-critical: any EHC hour short is red
CRITICAL_STYLE = "background: #{}; color: #{}".format(*SEVERITY_COLOUR["critical"])


@dataclass
class Cell:
    kind: str
    text: str = ""
    sub: str = ""
    title: str = ""
    style: str = ""


@dataclass
class ReportWeek:
    """The school's week, indexed: day and slot ids, which slots run, each row's slot."""

    school: SchoolData
    days: list[str] = field(default_factory=list)
    slots: list[dict[str, Any]] = field(default_factory=list)
    open: set[DaySlot] = field(default_factory=set)
    day_index: dict[str, int] = field(default_factory=dict)
    slot_index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cal = self.school.calendar
        self.days = list(cal.days)
        self.slots = [
            {"id": s.id, "start": s.start, "end": s.end, "kind": s.kind.value, "minutes": s.minutes} for s in cal.slots
        ]
        self.shape = shape_of(self.school)
        self.open = open_slots(self.school, self.shape)
        self.day_index = {d: i for i, d in enumerate(self.days)}
        self.slot_index = {s["id"]: i for i, s in enumerate(self.slots)}

    def when(self, expr: str | None) -> set[DaySlot]:
        try:
            return parse_when(expr, self.shape)
        except WhenError:
            return set()

    def name(self, at: DaySlot) -> str:
        return f"{self.days[at[0]]} {self.slots[at[1]]['id']}"

    def minutes(self, at: DaySlot) -> int:
        return int(self.slots[at[1]]["minutes"])

    def closed(self, at: DaySlot) -> Cell:
        return Cell("closed", "", "", f"{self.name(at)}: closed")

    def by_day(self, cell: Callable[[DaySlot], Cell]) -> list[dict[str, Any]]:
        """A week grid of one row a day, each with a cell a slot (closed slots drawn closed)."""
        return [
            {
                "day": day,
                "cells": [cell((d, s)) if (d, s) in self.open else self.closed((d, s)) for s in range(len(self.slots))],
            }
            for d, day in enumerate(self.days)
        ]


def placed_rows(week: ReportWeek, assignments: list[Row], source: str) -> list[tuple[DaySlot, Row]]:
    """Each assignment row with its slot; rows for another school's staff or calendar are an InputError."""
    staff = {s.id for s in week.school.staff}
    placed: list[tuple[DaySlot, Row]] = []
    problems: list[Problem] = []
    for i, row in enumerate(assignments):
        if not isinstance(row, dict):
            problems.append(Problem(source, f"assignments[{i}]", "not an assignment row"))
            continue
        day, slot = row.get("day"), row.get("slot")
        if str(row.get("staff")) not in staff:
            message = f"unknown staff {row.get('staff')!r}: is this rota for another school?"
            problems.append(Problem(source, f"assignments[{i}].staff", message))
        elif day not in week.day_index or slot not in week.slot_index:
            message = f"{day} {slot} is not in this school's calendar: is this rota for another school?"
            problems.append(Problem(source, f"assignments[{i}]", message))
        else:
            placed.append(((week.day_index[day], week.slot_index[slot]), row))
    if len(problems) > 20:
        more = len(problems) - 20
        last = Problem(source, "assignments", f"and {more} more rows like these")
        problems = [*problems[:20], last]
    if problems:
        raise InputError(problems)
    return placed


def task_of(row: Row) -> tuple[str, str]:
    """A row's task as (kind, target): `pupil:P1` is ('pupil', 'P1')."""
    kind, _, target = str(row.get("task", "")).partition(":")
    return kind, target


def anchor(prefix: str, ident: str) -> str:
    """An element id for a staff or pupil id (HTML ids hold no spaces)."""
    return prefix + "-" + re.sub(r"\s+", "_", ident)


def share_style(share: float) -> str:
    """A heat-map background from red (nothing met) through amber to green (all met)."""
    share = max(0.0, min(1.0, share))
    return f"background: hsl({round(share * 120)}, 70%, {round(80 + share * 8)}%)"


def percent(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1%}"


def money(value: Any) -> str:
    return "–" if value is None else f"£{float(value):,.2f}"


def hours_text(value: float) -> str:
    return f"{value:g} h" if value == round(value, 2) else f"{value:.2f} h"
