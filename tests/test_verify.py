"""The independent verifier: for each rule, a valid rota passes and a minimally
broken one is flagged with that rule's code; and the derived shortfalls and KPIs
match a hand-computed example."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tasched.input.model import SchoolData
from tasched.verify import Report, format_report, verify

# Two days; Tue P4 is closed. Lessons P1 P2 P3 P4 are an hour; break 20 min; lunch 40.
BASE: dict[str, Any] = {
    "school": {"name": "Test", "phase": "primary", "oncost": 0.25, "paid_weeks": 40},
    "calendar": {
        "days": ["Mon", "Tue"],
        "slots": [
            {"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"},
            {"id": "P2", "start": "10:00", "end": "11:00", "kind": "lesson"},
            {"id": "BR", "start": "11:00", "end": "11:20", "kind": "break"},
            {"id": "P3", "start": "11:20", "end": "12:20", "kind": "lesson"},
            {"id": "LU", "start": "12:20", "end": "13:00", "kind": "lunch"},
            {"id": "P4", "start": "13:00", "end": "14:00", "kind": "lesson"},
        ],
        "closed": "Tue P4",
    },
    "staff": [
        {
            "id": "A",
            "role": "TA2",
            "hours": 10,
            "skills": ["first_aid", "team_teach"],
            "hourly_cost": 15,
        },
        {"id": "B", "role": "TA2", "hours": 10, "skills": ["team_teach"], "hourly_cost": 12},
        {"id": "C", "role": "TA3", "hours": 5, "unavailable": "Tue"},
    ],
    "classes": [{"id": "K1"}, {"id": "K2"}],
    "lessons": [
        {"class": "K2", "when": "P1-P2", "subject": "Ma"},
        {"class": "K2", "when": "P3, P4", "subject": "En"},
    ],
    "support": [{"class": "K1", "when": "Mon P1-P2", "staff": 1}],
    "pupils": [
        {"id": "p1", "classes": ["K1"], "ehcp": {"hours": 2, "mode": "any", "group_max": 2}},
        {"id": "p2", "classes": ["K1"], "ehcp": {"hours": 2, "group_max": 2}},
        {
            "id": "p3",
            "classes": ["K2"],
            "ehcp": {"hours": 1, "skills": ["team_teach"], "subjects": ["Ma"]},
        },
        {"id": "p4", "classes": ["K2"]},
    ],
    "interventions": [
        {
            "id": "I1",
            "programme": "NELI",
            "pupils": ["p4"],
            "sessions": 2,
            "minutes": 30,
            "when": "P3",
            "room_kind": "quiet",
        }
    ],
    "duties": [{"id": "D1", "name": "Lunch", "when": "LU", "staff": 1, "paid": "extra"}],
    "rooms": [{"id": "R1", "kind": "quiet"}],
    "rules": {
        "rotation": {"min_staff": 1, "max_share": 1.0, "max_consecutive": 10},
        "max_withdrawal": 1.0,
    },
}


def school_of(patch: Callable[[dict[str, Any]], None] | None = None) -> SchoolData:
    data = copy.deepcopy(BASE)
    if patch:
        patch(data)
    return SchoolData.model_validate(data)


def row(staff: str, day: str, slot: str, task: str, mode: str | None = None, **kw: Any) -> dict:
    """An assignment row, filling pupils/mode/room the way the solver writes them."""
    kind, ref = task.split(":", 1)
    pupils: list[str] = []
    room = kw.get("room")
    if kind == "pupil":
        pupils = [ref]
        mode = mode or "in_class"
    elif kind == "intervention":
        pupils = kw.get("pupils", ["p4"])
        room = kw.get("room", "R1" if ref == "I1" else None)
    out = {"staff": staff, "day": day, "slot": slot, "task": task, "mode": mode}
    out |= {"pupils": kw.get("pupils", pupils), "room": room}
    return out


def rota_of(rows: list[dict], shortfalls: list | None = None, kpis: dict | None = None) -> dict:
    return {
        "meta": {"tool": "tasched", "version": "0.1.0", "format_version": 1, "status": "feasible"},
        "assignments": rows,
        "shortfalls": shortfalls or [],
        "kpis": kpis or {},
    }


def complete(school: SchoolData, rows: list[dict]) -> dict:
    """A rota with the given rows whose shortfalls and KPIs are the verifier's own
    (so that rule tests isolate the rule; the KPI tests below check the numbers)."""
    first = verify(school, rota_of(rows))
    return rota_of(rows, first.shortfalls, first.kpis)


def codes(report: Report) -> set[str]:
    return {v.rule for v in report.violations}


def set_(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A patch setting data[a][b]... (list items by id) to value."""

    def patch(data: dict[str, Any]) -> None:
        node: Any = data
        keys = path.split(".")
        for key in keys[:-1]:
            is_list = isinstance(node, list)
            node = next(x for x in node if x.get("id") == key) if is_list else node.setdefault(key, [])
        if isinstance(node, list):
            node.append(value)
        else:
            node[keys[-1]] = value

    return patch


def both(*patches: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def patch(data: dict[str, Any]) -> None:
        for p in patches:
            p(data)

    return patch


@dataclass
class Case:
    rule: str
    good: list[dict]
    bad: list[dict]
    patch: Callable[[dict[str, Any]], None] | None = None
    tamper: Callable[[dict[str, Any]], None] | None = None  # applied to the bad rota
    also: set[str] = field(default_factory=set)  # other codes the break trips too


I2 = {
    "id": "I2",
    "programme": "Lexia",
    "pupils": ["p4"],
    "sessions": 1,
    "minutes": 30,
    "when": "P3",
}


def _drop_shortfall(rota: dict[str, Any]) -> None:
    rota["shortfalls"] = rota["shortfalls"][1:]


def _bump_kpi(rota: dict[str, Any]) -> None:
    rota["kpis"]["staff"]["A"]["assigned_hours"] += 1


def _blank_reason(rota: dict[str, Any]) -> None:
    rota["shortfalls"][0]["reason"] = " "


def _fake_shortfall(rota: dict[str, Any]) -> None:
    rota["shortfalls"].append({"task": "pupil:p1", "required": 2, "delivered": 1, "unit": "hours", "reason": "x"})


CASES: dict[str, Case] = {
    "availability": Case(
        "availability",
        [row("C", "Mon", "P1", "pupil:p1")],
        [row("C", "Tue", "P1", "pupil:p1")],
    ),
    "availability-closed": Case(
        "availability",
        [row("A", "Mon", "P4", "pupil:p1")],
        [row("A", "Tue", "P4", "pupil:p1")],
    ),
    "availability-absence": Case(
        "availability",
        [row("A", "Mon", "P2", "pupil:p1")],
        [row("A", "Mon", "P1", "pupil:p1")],
        patch=set_("absences.x", {"staff": "A", "when": "Mon P1"}),
    ),
    "skills": Case(
        "skills",
        [row("B", "Mon", "P1", "pupil:p3")],
        [row("C", "Mon", "P1", "pupil:p3")],
    ),
    "contracted_hours": Case(
        "contracted_hours",
        [
            row("C", "Mon", "P1", "class:K1"),
            row("C", "Mon", "P2", "class:K1"),
            row("C", "Mon", "LU", "duty:D1"),  # paid extra: not contract time
        ],
        [
            row("C", "Mon", "P1", "class:K1"),
            row("C", "Mon", "P2", "class:K1"),
            row("C", "Mon", "P3", "pupil:p1"),
        ],
        patch=set_("staff.C.hours", 2),
    ),
    "contracted_hours-liaison": Case(
        "contracted_hours",
        [row("C", "Mon", "P1", "class:K1")],
        [row("C", "Mon", "P1", "class:K1"), row("C", "Mon", "P2", "class:K1")],
        patch=both(set_("staff.C.hours", 2), set_("rules.liaison_minutes", 60)),
    ),
    "contracted_hours-pooled-counts-once": Case(
        "contracted_hours",
        [row("C", "Mon", "P1", "pupil:p1"), row("C", "Mon", "P1", "pupil:p2")],
        [row("C", "Mon", "P1", "pupil:p1"), row("C", "Mon", "P2", "pupil:p2")],
        patch=set_("staff.C.hours", 1),
    ),
    "max_duties": Case(
        "max_duties",
        [row("A", "Mon", "LU", "duty:D1")],
        [row("A", "Mon", "LU", "duty:D1"), row("A", "Tue", "LU", "duty:D1")],
        patch=set_("staff.A.max_duties", 1),
    ),
    "ehcp_slot-subjects": Case(
        "ehcp_slot",
        [row("B", "Mon", "P1", "pupil:p3")],
        [row("B", "Mon", "P3", "pupil:p3")],
    ),
    "ehcp_slot-default-lessons": Case(
        "ehcp_slot",
        [row("A", "Mon", "P1", "pupil:p1", "withdrawn")],
        [row("A", "Mon", "LU", "pupil:p1", "withdrawn")],
    ),
    "ehcp_mode": Case(
        "ehcp_mode",
        [row("A", "Mon", "P1", "pupil:p2", "in_class")],
        [row("A", "Mon", "P1", "pupil:p2", "withdrawn")],
    ),
    "ehcp_mode-no-lesson": Case(
        "ehcp_mode",
        [row("A", "Mon", "LU", "pupil:p1", "withdrawn")],
        [row("A", "Mon", "LU", "pupil:p1", "in_class")],
        patch=set_("pupils.p1.ehcp.when", "*"),
    ),
    "ehcp_adults-two-to-one": Case(
        "ehcp_adults",
        [row("A", "Mon", "P1", "pupil:p3"), row("B", "Mon", "P1", "pupil:p3")],
        [row("A", "Mon", "P1", "pupil:p3"), row("B", "Mon", "P2", "pupil:p3")],
        patch=set_("pupils.p3.ehcp.adults", 2),
    ),
    "ehcp_adults-one": Case(
        "ehcp_adults",
        [row("A", "Mon", "P1", "pupil:p1"), row("B", "Mon", "P2", "pupil:p1")],
        [row("A", "Mon", "P1", "pupil:p1"), row("B", "Mon", "P1", "pupil:p1")],
    ),
    "ehcp_in_session": Case(
        "ehcp_in_session",
        [row("A", "Mon", "P3", "intervention:I1"), row("B", "Mon", "P2", "pupil:p4")],
        [row("A", "Mon", "P3", "intervention:I1"), row("B", "Mon", "P3", "pupil:p4")],
        patch=set_("pupils.p4.ehcp", {"hours": 1, "mode": "any"}),
    ),
    "one_place": Case(
        "one_place",
        [row("A", "Mon", "P1", "class:K1"), row("B", "Mon", "P1", "pupil:p1")],
        [row("A", "Mon", "P1", "class:K1"), row("A", "Mon", "P1", "pupil:p1")],
    ),
    "one_place-mixed-modes": Case(
        "one_place",
        [row("A", "Mon", "P1", "pupil:p1", "in_class"), row("A", "Mon", "P1", "pupil:p2")],
        [row("A", "Mon", "P1", "pupil:p1", "withdrawn"), row("A", "Mon", "P1", "pupil:p2")],
    ),
    "pooling-group_max-1": Case(
        "pooling",
        [row("A", "Mon", "P1", "pupil:p1"), row("A", "Mon", "P1", "pupil:p2")],
        [row("A", "Mon", "P1", "pupil:p1"), row("A", "Mon", "P1", "pupil:p3")],
    ),
    "pooling-too-many": Case(
        "pooling",
        [row("A", "Mon", "P1", "pupil:p1"), row("A", "Mon", "P1", "pupil:p2")],
        [
            row("A", "Mon", "P1", "pupil:p1"),
            row("A", "Mon", "P1", "pupil:p2"),
            row("A", "Mon", "P1", "pupil:p5"),
        ],
        patch=set_("pupils.x", {"id": "p5", "classes": ["K1"], "ehcp": {"hours": 1, "group_max": 3}}),
    ),
    "pooling-different-classes": Case(
        "pooling",
        [
            row("A", "Mon", "P1", "pupil:p1", "withdrawn"),
            row("A", "Mon", "P1", "pupil:p5", "withdrawn"),
        ],
        [
            row("A", "Mon", "P1", "pupil:p1", "in_class"),
            row("A", "Mon", "P1", "pupil:p5", "in_class"),
        ],
        patch=set_(
            "pupils.x",
            {"id": "p5", "classes": ["K2"], "ehcp": {"hours": 1, "group_max": 2, "mode": "any"}},
        ),
    ),
    "over_support": Case(
        "over_support",
        [
            row("A", "Mon", "P1", "pupil:p1"),
            row("A", "Mon", "P2", "pupil:p1"),
            row("B", "Mon", "P3", "pupil:p1"),
        ],
        [
            row("A", "Mon", "P1", "pupil:p1"),
            row("A", "Mon", "P2", "pupil:p1"),
            row("B", "Mon", "P3", "pupil:p1"),
            row("B", "Mon", "P4", "pupil:p1"),
        ],
    ),
    "rotation_min_staff": Case(
        "rotation_min_staff",
        [row("A", "Mon", "P1", "pupil:p1"), row("B", "Mon", "P2", "pupil:p1")],
        [row("A", "Mon", "P1", "pupil:p1"), row("A", "Tue", "P2", "pupil:p1")],
        patch=set_("rules.rotation.min_staff", 2),
    ),
    "rotation_max_share": Case(
        "rotation_max_share",
        [row("A", "Mon", "P1", "pupil:p1"), row("B", "Mon", "P2", "pupil:p1")],
        [row("A", "Mon", "P1", "pupil:p1"), row("A", "Tue", "P1", "pupil:p1")],
        patch=set_("pupils.p1.rotation", {"max_share": 0.5}),
    ),
    "rotation_max_share-intervention-contact": Case(
        "rotation_max_share",
        [row("A", "Mon", "P3", "intervention:I1"), row("B", "Mon", "P1", "pupil:p4")],
        [row("A", "Mon", "P3", "intervention:I1"), row("A", "Mon", "P1", "pupil:p4")],
        patch=both(
            set_("pupils.p4.ehcp", {"hours": 2}),
            set_("pupils.p4.rotation", {"max_share": 0.5}),
            set_("interventions.I1.counts_for_ehcp", True),
        ),
    ),
    "rotation_max_consecutive": Case(
        "rotation_max_consecutive",
        # the break slot between P2 and P3 ends the run
        [
            row("A", "Mon", "P1", "pupil:p1"),
            row("A", "Mon", "P2", "pupil:p1"),
            row("A", "Mon", "P3", "pupil:p1"),
        ],
        [
            row("A", "Mon", "P1", "pupil:p1"),
            row("A", "Mon", "P2", "pupil:p1"),
            row("A", "Mon", "BR", "pupil:p1", "withdrawn"),
        ],
        patch=both(
            set_("pupils.p1.ehcp.when", "*"),
            set_("pupils.p1.ehcp.hours", 4),
            set_("pupils.p1.rotation", {"max_consecutive": 2}),
        ),
    ),
    "intervention_slot-when": Case(
        "intervention_slot",
        [row("A", "Mon", "P3", "intervention:I1")],
        [row("A", "Mon", "P1", "intervention:I1")],
    ),
    "intervention_slot-too-short": Case(
        "intervention_slot",
        [row("A", "Mon", "P1", "intervention:I1")],
        [row("A", "Mon", "BR", "intervention:I1")],
        patch=both(set_("interventions.I1.when", "*"), set_("interventions.I1.minutes", 45)),
    ),
    "intervention_slot-avoid-subjects": Case(
        "intervention_slot",
        [row("A", "Mon", "P3", "intervention:I1")],
        [row("A", "Mon", "P1", "intervention:I1")],
        patch=both(
            set_("interventions.I1.when", "lesson"),
            set_("interventions.I1.avoid_subjects", ["Ma"]),
        ),
    ),
    "intervention_sessions": Case(
        "intervention_sessions",
        [row("A", "Mon", "P3", "intervention:I1"), row("A", "Tue", "P3", "intervention:I1")],
        [
            row("A", "Mon", "P3", "intervention:I1"),
            row("A", "Tue", "P3", "intervention:I1"),
            row("A", "Mon", "P4", "intervention:I1"),
        ],
        patch=both(set_("interventions.I1.when", "P3-P4"), set_("interventions.I1.one_per_day", False)),
    ),
    "intervention_sessions-two-adults": Case(
        "intervention_sessions",
        [row("A", "Mon", "P3", "intervention:I1"), row("B", "Tue", "P3", "intervention:I1")],
        [row("A", "Mon", "P3", "intervention:I1"), row("B", "Mon", "P3", "intervention:I1")],
        patch=set_("interventions.I1.same_staff", False),
    ),
    "intervention_one_per_day": Case(
        "intervention_one_per_day",
        [row("A", "Mon", "P3", "intervention:I1"), row("A", "Tue", "P3", "intervention:I1")],
        [row("A", "Mon", "P3", "intervention:I1"), row("A", "Mon", "P4", "intervention:I1")],
        patch=set_("interventions.I1.when", "P3-P4"),
    ),
    "intervention_same_staff": Case(
        "intervention_same_staff",
        [row("A", "Mon", "P3", "intervention:I1"), row("A", "Tue", "P3", "intervention:I1")],
        [row("A", "Mon", "P3", "intervention:I1"), row("B", "Tue", "P3", "intervention:I1")],
    ),
    "intervention_pupil_clash": Case(
        "intervention_pupil_clash",
        [row("A", "Mon", "P3", "intervention:I1"), row("B", "Tue", "P3", "intervention:I2")],
        [row("A", "Mon", "P3", "intervention:I1"), row("B", "Mon", "P3", "intervention:I2")],
        patch=set_("interventions.x", I2),
    ),
    "room-missing": Case(
        "room",
        [row("A", "Mon", "P3", "intervention:I1", room="R1")],
        [row("A", "Mon", "P3", "intervention:I1", room=None)],
    ),
    "room-wrong-kind": Case(
        "room",
        [row("A", "Mon", "P3", "intervention:I1", room="R1")],
        [row("A", "Mon", "P3", "intervention:I1", room="R2")],
        patch=set_("rooms.x", {"id": "R2", "kind": "hub"}),
    ),
    "room-not-needed": Case(
        "room",
        [row("A", "Mon", "P3", "intervention:I2")],
        [row("A", "Mon", "P3", "intervention:I2", room="R1")],
        patch=set_("interventions.x", I2),
    ),
    "room_capacity": Case(
        "room_capacity",
        [
            row("A", "Mon", "P3", "intervention:I1"),
            row("B", "Tue", "P3", "intervention:I2", room="R1", pupils=["p3"]),
        ],
        [
            row("A", "Mon", "P3", "intervention:I1"),
            row("B", "Mon", "P3", "intervention:I2", room="R1", pupils=["p3"]),
        ],
        patch=set_("interventions.x", {**I2, "pupils": ["p3"], "room_kind": "quiet"}),
    ),
    "withdrawal": Case(
        # p4 has 7 lesson hours (Tue P4 is closed): 10% is 42 minutes, and a session
        # takes its pupils out for the intervention's 30 minutes, not the whole slot
        "withdrawal",
        [row("A", "Mon", "P3", "intervention:I1")],
        [row("A", "Mon", "P3", "intervention:I1"), row("A", "Tue", "P3", "intervention:I1")],
        patch=set_("rules.max_withdrawal", 0.1),
    ),
    "withdrawal-ehc-withdrawn": Case(
        "withdrawal",
        [row("A", "Mon", "LU", "pupil:p1", "withdrawn")],  # no lesson then: not withdrawal
        [row("A", "Mon", "P1", "pupil:p1", "withdrawn")],
        patch=both(set_("rules.max_withdrawal", 0.1), set_("pupils.p1.ehcp.when", "*")),
    ),
    "duty_slot": Case(
        "duty_slot",
        [row("A", "Mon", "LU", "duty:D1")],
        [row("A", "Mon", "P1", "duty:D1")],
    ),
    "duty_staff": Case(
        "duty_staff",
        [row("A", "Mon", "LU", "duty:D1")],
        [row("A", "Mon", "LU", "duty:D1"), row("B", "Mon", "LU", "duty:D1")],
    ),
    "duty_any_skills": Case(
        "duty_any_skills",
        [row("A", "Mon", "LU", "duty:D1")],
        [row("B", "Mon", "LU", "duty:D1")],
        patch=set_("duties.D1.any_skills", ["first_aid"]),
    ),
    "break": Case(
        "break",
        [
            row("A", "Mon", "P1", "class:K1"),
            row("A", "Mon", "P2", "class:K1"),
            row("A", "Mon", "P3", "pupil:p2"),
        ],
        [
            row("A", "Mon", "P1", "class:K1"),
            row("A", "Mon", "P2", "class:K1"),
            row("A", "Mon", "BR", "duty:D2"),
            row("A", "Mon", "P3", "pupil:p2"),
        ],
        patch=both(
            set_("rules.break_after_minutes", 120),
            set_("duties.x", {"id": "D2", "name": "Yard", "when": "break"}),
        ),
    ),
    "class_support_slot": Case(
        "class_support_slot",
        [row("A", "Mon", "P1", "class:K1")],
        [row("A", "Tue", "P1", "class:K1")],
    ),
    "class_support_staff": Case(
        "class_support_staff",
        [row("A", "Mon", "P1", "class:K1")],
        [row("A", "Mon", "P1", "class:K1"), row("B", "Mon", "P1", "class:K1")],
    ),
    "pin": Case(
        "pin",
        [row("A", "Mon", "P1", "class:K1")],
        [row("A", "Mon", "P1", "pupil:p1")],
        patch=set_("pins.x", {"staff": "A", "when": "Mon P1", "task": "class:K1"}),
    ),
    "pin-free": Case(
        "pin",
        [row("B", "Tue", "LU", "duty:D1")],
        [row("B", "Mon", "LU", "duty:D1")],
        patch=set_("pins.x", {"staff": "B", "when": "Mon LU", "task": "free"}),
    ),
    "unknown_task": Case(
        "unknown_task",
        [row("A", "Mon", "P1", "class:K1")],
        [row("A", "Mon", "P1", "class:K9")],
    ),
    "unknown_task-no-ehcp": Case(
        "unknown_task",
        [row("A", "Mon", "P1", "pupil:p1")],
        [row("A", "Mon", "P1", "pupil:p4")],
    ),
    "row_format-staff": Case(
        "row_format",
        [row("A", "Mon", "P1", "class:K1")],
        [row("Z", "Mon", "P1", "class:K1")],
    ),
    "row_format-day": Case(
        "row_format",
        [row("A", "Mon", "P1", "class:K1")],
        [row("A", "Sun", "P1", "class:K1")],
    ),
    "row_format-pupils": Case(
        "row_format",
        [row("A", "Mon", "P1", "pupil:p1")],
        [row("A", "Mon", "P1", "pupil:p1", pupils=[])],
    ),
    "row_format-mode": Case(
        "row_format",
        [row("A", "Mon", "P1", "class:K1")],
        [row("A", "Mon", "P1", "class:K1", "in_class")],
    ),
    "shortfall_mismatch-missing": Case(
        "shortfall_mismatch",
        [row("A", "Mon", "P1", "class:K1")],
        [row("A", "Mon", "P1", "class:K1")],
        tamper=_drop_shortfall,
    ),
    "shortfall_mismatch-not-real": Case(
        "shortfall_mismatch",
        [row("A", "Mon", "P1", "pupil:p1"), row("B", "Mon", "P2", "pupil:p1")],
        [row("A", "Mon", "P1", "pupil:p1"), row("B", "Mon", "P2", "pupil:p1")],
        tamper=_fake_shortfall,
    ),
    "shortfall_mismatch-no-reason": Case(
        "shortfall_mismatch",
        [row("A", "Mon", "P1", "class:K1")],
        [row("A", "Mon", "P1", "class:K1")],
        tamper=_blank_reason,
    ),
    "kpi_mismatch": Case(
        "kpi_mismatch",
        [row("A", "Mon", "P1", "class:K1")],
        [row("A", "Mon", "P1", "class:K1")],
        tamper=_bump_kpi,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule(name: str) -> None:
    case = CASES[name]
    school = school_of(case.patch)
    good = verify(school, complete(school, case.good))
    assert good.ok, format_report(good)
    bad_rota = complete(school, case.bad)
    if case.tamper:
        case.tamper(bad_rota)
    bad = verify(school, bad_rota)
    assert case.rule in codes(bad), format_report(bad)
    assert codes(bad) <= {case.rule, *case.also}, format_report(bad)
    assert all(v.message for v in bad.violations)


def test_no_rota_must_be_empty() -> None:
    school = school_of()
    rota = rota_of([])
    rota["meta"]["status"] = "no_rota"
    assert verify(school, rota).ok
    rota["assignments"] = [row("A", "Mon", "P1", "class:K1")]
    assert codes(verify(school, rota)) == {"row_format"}


def test_bad_meta() -> None:
    school = school_of()
    rota = complete(school, [])
    rota["meta"]["status"] = "great"
    assert codes(verify(school, rota)) == {"row_format"}


# --- derived shortfalls and KPIs, computed by hand -------------------------

HAND_ROWS = [
    row("A", "Mon", "P1", "pupil:p1"),  # A pools p1 and p2 in K1: one 60-minute place
    row("A", "Mon", "P1", "pupil:p2"),
    row("B", "Mon", "P2", "pupil:p1"),
    row("A", "Mon", "P3", "intervention:I1"),
    row("A", "Mon", "LU", "duty:D1"),  # paid extra, 40 minutes
    row("B", "Tue", "P1", "pupil:p3"),
    row("C", "Mon", "P1", "class:K1"),
]

HAND_SHORTFALLS = [
    {"task": "pupil:p2", "required": 2, "delivered": 1.0, "unit": "hours"},
    # Mon has 6 slots; near at P1 (A supports p2) and LU (A on duty); B has no first aid
    {"task": "medical:p2", "required": 6, "delivered": 2, "unit": "slots"},
    {"task": "duty:D1", "required": 2, "delivered": 1, "unit": "adult-slots"},
    {"task": "intervention:I1", "required": 2, "delivered": 1, "unit": "sessions"},
    {"task": "class:K1", "required": 2, "delivered": 1, "unit": "adult-slots"},
]

HAND_KPIS: dict[str, Any] = {
    "pupils": {
        "p1": {
            "ehc_hours_required": 2,
            "ehc_hours_delivered": 2.0,
            "distinct_adults": 2,
            "largest_share": 0.5,
        },
        "p2": {
            "ehc_hours_required": 2,
            "ehc_hours_delivered": 1.0,
            "distinct_adults": 1,
            "largest_share": 0.5,
        },
        "p3": {
            "ehc_hours_required": 1,
            "ehc_hours_delivered": 1.0,
            "distinct_adults": 1,
            "largest_share": 1.0,
        },
    },
    "interventions": {"I1": {"sessions_required": 2, "sessions_delivered": 1}},
    "classes": {"K1": {"support_required": 2, "support_delivered": 1, "coverage": 0.5}},
    "staff": {
        "A": {
            "contracted_hours": 10,
            "assigned_hours": 2.0,
            "extra_hours": 0.67,
            "overtime_hours": 0.0,
            "idle_minutes": 480,
            "duties": 1,
        },
        "B": {
            "contracted_hours": 10,
            "assigned_hours": 2.0,
            "extra_hours": 0.0,
            "overtime_hours": 0.0,
            "idle_minutes": 480,
            "duties": 0,
        },
        "C": {
            "contracted_hours": 5,
            "assigned_hours": 1.0,
            "extra_hours": 0.0,
            "overtime_hours": 0.0,
            "idle_minutes": 240,
            "duties": 0,
        },
    },
    # A: 15 × (10 + 40/60) × 1.25 = 200; B: 12 × 10 × 1.25 = 150; C has no cost
    "cost": {"weekly": 350.0, "annual": 14000.0},
}


def hand_school() -> SchoolData:
    return school_of(set_("pupils.p2.medical", {"skills": ["first_aid"], "when": "Mon"}))


def test_derived_shortfalls_and_kpis() -> None:
    school = hand_school()
    report = verify(school, rota_of(HAND_ROWS))
    derived = [{k: v for k, v in s.items() if k != "reason"} for s in report.shortfalls]
    assert derived == HAND_SHORTFALLS
    assert all(s["reason"] for s in report.shortfalls)
    assert report.kpis == HAND_KPIS


def test_hand_written_rota_passes() -> None:
    shortfalls = [{**s, "reason": "not enough staff"} for s in HAND_SHORTFALLS]
    report = verify(hand_school(), rota_of(HAND_ROWS, shortfalls, copy.deepcopy(HAND_KPIS)))
    assert report.ok, format_report(report)
    assert format_report(report) == "✓ rota is valid: 7 rows, 5 shortfalls checked"


def test_tolerances() -> None:
    kpis = copy.deepcopy(HAND_KPIS)
    kpis["staff"]["A"]["extra_hours"] = 0.666  # within 0.011
    kpis["classes"]["K1"]["coverage"] = 0.501  # within 0.002
    shortfalls = [{**s, "reason": "r"} for s in HAND_SHORTFALLS]
    assert verify(hand_school(), rota_of(HAND_ROWS, shortfalls, kpis)).ok
    kpis["classes"]["K1"]["coverage"] = 0.51
    assert codes(verify(hand_school(), rota_of(HAND_ROWS, shortfalls, kpis))) == {"kpi_mismatch"}


def test_overtime_and_ehc_hours_uncapped() -> None:
    """Overtime is contract time beyond hours; EHC delivered is uncapped in the KPIs
    and capped at required in shortfalls (here there is none)."""
    school = school_of(both(set_("staff.C.hours", 1), set_("staff.C.overtime_hours", 1)))
    rows = [
        row("C", "Mon", "P1", "pupil:p1"),
        row("C", "Mon", "P2", "pupil:p1"),
        row("A", "Mon", "P3", "pupil:p1"),
    ]
    report = verify(school, complete(school, rows))
    assert report.ok, format_report(report)
    assert report.kpis["staff"]["C"] == {
        "contracted_hours": 1,
        "assigned_hours": 2.0,
        "extra_hours": 0.0,
        "overtime_hours": 1.0,
        "idle_minutes": 0,
        "duties": 0,
    }
    assert report.kpis["pupils"]["p1"]["ehc_hours_delivered"] == 3.0
    assert not any(s["task"] == "pupil:p1" for s in report.shortfalls)


def test_medical_near_in_class_and_on_duty() -> None:
    school = school_of(
        both(
            set_("pupils.p4.medical", {"skills": ["first_aid"], "when": "Mon P1-LU"}),
            set_("staff.B.skills", ["first_aid"]),
        )
    )
    rows = [
        row("A", "Mon", "P1", "pupil:p3"),  # in p4's class (K2) in class: near
        row("B", "Mon", "P3", "intervention:I1"),  # delivering p4's session: near
        row("B", "Mon", "LU", "duty:D1"),  # no lesson, on duty: near
        row("A", "Mon", "P2", "class:K1"),  # wrong class: not near; BR: nobody near
    ]
    report = verify(school, rota_of(rows))
    medical = next(s for s in report.shortfalls if s["task"] == "medical:p4")
    assert (medical["required"], medical["delivered"]) == (5, 3)


def test_format_report_groups_by_rule() -> None:
    school = school_of()
    rota = complete(school, [row("C", "Tue", "P1", "class:K1")])
    text = format_report(verify(school, rota))
    assert text.startswith("✗ rota is invalid")
    assert "availability (1):" in text and "class_support_slot (1):" in text
    assert "C at Tue P1" in text


def test_large_rota_is_fast() -> None:
    """5,000+ rows: 60 adults × 2 days × 5 slots in 60 classes, ~ indexing cost only."""
    n = 600
    data = copy.deepcopy(BASE)
    data["calendar"]["days"] = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    data["calendar"]["closed"] = None
    data["staff"] = [{"id": f"S{i}", "role": "TA", "hours": 30} for i in range(n)]
    data["classes"] = [{"id": f"C{i}"} for i in range(n)]
    data["lessons"] = []
    data["support"] = [{"class": f"C{i}"} for i in range(n)]
    data["pupils"] = []
    data["interventions"] = []
    data["duties"] = []
    school = SchoolData.model_validate(data)
    days, slots = ["Mon", "Tue", "Wed", "Thu", "Fri"], ["P1", "P2", "P3", "P4"]
    rows = [row(f"S{i}", d, s, f"class:C{i}") for i in range(n // 2) for d in days for s in slots]
    assert len(rows) >= 5000
    start = time.perf_counter()
    report = verify(school, complete(school, rows))
    assert time.perf_counter() - start < 3
    assert report.ok, format_report(report)
