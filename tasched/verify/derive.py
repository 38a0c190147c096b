"""Demands: the shortfalls and KPIs, derived from the rows."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tasched.input.model import Staff
from tasched.input.when import DaySlot
from tasched.verify.facts import Facts, Index, contract_slots, extra_slots
from tasched.verify.report import EHC_TOLERANCE_MINUTES


def _near(facts: Facts, ix: Index, pupil: str, skills: set[str], t: DaySlot) -> bool:
    """Medical cover of P at t is near when an adult with the skills is: (P has a
    lesson at t) supporting P, in P's class (a class: row for it, or an in_class
    pupil: row of a pupil in the same class), or delivering a session P attends;
    (no lesson at t) on any duty then, or supporting P."""
    place = facts.place[pupil].get(t)
    for row in ix.at.get(t, ()):
        if not skills <= set(facts.staff[row.staff].skills):
            continue
        if row.kind == "pupil" and row.ref == pupil:
            return True  # supporting P, in any slot
        if place is None:
            if row.kind == "duty":
                return True  # no lesson: on any duty then
            continue
        in_class = (row.kind == "class" and row.ref == place) or (
            row.kind == "pupil" and row.mode == "in_class" and facts.place[row.ref].get(t) == place
        )
        in_session = row.kind == "intervention" and pupil in facts.interventions[row.ref].pupils
        if in_class or in_session:
            return True
    return False


def _capped_rows(ix: Index, task: str, slots: dict[DaySlot, int]) -> int:
    """Adult-slots delivered on a task at its demand slots, at most the wanted
    number per slot."""
    by_slot = ix.task_slots.get(task, {})
    return sum(min(len({r.staff for r in by_slot.get(t, ())}), n) for t, n in slots.items())


def _class_demand(facts: Facts, c: str) -> dict[DaySlot, int]:
    return {t: s.staff for t, s in facts.support_at.get(c, {}).items()}


def _shortfall(task: str, required: float, delivered: float, unit: str) -> dict[str, Any]:
    return {
        "task": task,
        "required": required,
        "delivered": delivered,
        "unit": unit,
        "reason": f"verifier: {delivered:g} of {required:g} {unit} delivered",
    }


def derive_shortfalls(facts: Facts, ix: Index) -> list[dict[str, Any]]:
    """Every demand not met in full, in order of importance (docs/rules.md table)."""
    out: list[dict[str, Any]] = []
    for p in facts.school.pupils:
        if p.ehcp is not None:
            need = p.ehcp.hours * 60
            got = ix.pupil_minutes(facts, p.id, ix.ehc_slots(p.id))
            if got < need - EHC_TOLERANCE_MINUTES:
                out.append(
                    _shortfall(
                        f"pupil:{p.id}",
                        round(p.ehcp.hours, 2),
                        round(min(got, need) / 60, 2),
                        "hours",
                    )
                )
    for p in facts.school.pupils:
        if p.medical is not None:
            slots = facts.when(p.medical.when)
            skills = set(p.medical.skills)
            near = sum(_near(facts, ix, p.id, skills, t) for t in slots)
            if near < len(slots):
                out.append(_shortfall(f"medical:{p.id}", len(slots), near, "slots"))
    lessons: defaultdict[str, list[DaySlot]] = defaultdict(list)
    for class_id, u in sorted(facts.cover_needed):
        lessons[class_id].append(u)
    for class_id, needed in lessons.items():
        covered = sum(1 for u in needed if ix.task_slots.get(f"cover:{class_id}", {}).get(u))
        if covered < len(needed):
            out.append(_shortfall(f"cover:{class_id}", len(needed), covered, "lessons"))
    for d in facts.school.duties:
        demand = dict.fromkeys(facts.duty_slots[d.id], d.staff)
        need, got = sum(demand.values()), _capped_rows(ix, f"duty:{d.id}", demand)
        if got < need:
            out.append(_shortfall(f"duty:{d.id}", need, got, "adult-slots"))
    for i in facts.school.interventions:
        held = len(ix.task_slots.get(f"intervention:{i.id}", {}))
        if held < i.sessions:
            out.append(_shortfall(f"intervention:{i.id}", i.sessions, held, "sessions"))
    for c in facts.school.classes:
        demand = _class_demand(facts, c.id)
        need, got = sum(demand.values()), _capped_rows(ix, f"class:{c.id}", demand)
        if got < need:
            out.append(_shortfall(f"class:{c.id}", need, got, "adult-slots"))
    need = facts.school.rules.liaison_minutes
    if facts.joint and need > 0:
        for a in facts.school.staff:
            met = facts.total_minutes(r.t for r in ix.by_staff.get(a.id, []) if r.kind == "liaison")
            if met < need:
                out.append(_shortfall(f"liaison:{a.id}", need, met, "minutes"))
    return out


def derive_kpis(facts: Facts, ix: Index) -> dict[str, Any]:
    """The rota's KPIs, derived from the rows (each is described in verify())."""
    school = facts.school
    staff, weekly = _staff_kpis(facts, ix)
    cost = {"weekly": round(weekly, 2), "annual": round(weekly * school.school.paid_weeks, 2)}
    return {
        "pupils": _pupil_kpis(facts, ix),
        "interventions": {
            i.id: {
                "sessions_required": i.sessions,
                "sessions_delivered": len(ix.task_slots.get(f"intervention:{i.id}", {})),
            }
            for i in school.interventions
        },
        "classes": _class_kpis(facts, ix),
        "staff": staff,
        "cost": cost,
    }


def _pupil_kpis(facts: Facts, ix: Index) -> dict[str, Any]:
    pupils: dict[str, Any] = {}
    for p in facts.school.pupils:
        if p.ehcp is None:
            continue
        by_adult = ix.contact.get(p.id, {})
        need = p.ehcp.hours * 60
        most = max((ix.pupil_minutes(facts, p.id, s) for s in by_adult.values()), default=0)
        pupils[p.id] = {
            "ehc_hours_required": round(p.ehcp.hours, 2),
            "ehc_hours_delivered": round(ix.pupil_minutes(facts, p.id, ix.ehc_slots(p.id)) / 60, 2),
            "distinct_adults": len(by_adult),
            "largest_share": round(most / need, 3),
        }
    return pupils


def _class_kpis(facts: Facts, ix: Index) -> dict[str, Any]:
    classes: dict[str, Any] = {}
    supported = {s.class_ for s in facts.school.support}
    for c in facts.school.classes:
        if c.id not in supported:
            continue
        demand = _class_demand(facts, c.id)
        need, got = sum(demand.values()), _capped_rows(ix, f"class:{c.id}", demand)
        classes[c.id] = {
            "support_required": need,
            "support_delivered": got,
            "coverage": round(got / need, 3) if need else 1.0,
        }
    return classes


def _staff_kpis(facts: Facts, ix: Index) -> tuple[dict[str, Any], float]:
    """Per adult KPIs, and the weekly cost from unrounded hours."""
    staff: dict[str, Any] = {}
    weekly = 0.0
    liaison = facts.reserved
    for a in facts.school.staff:
        rows = ix.by_staff.get(a.id, [])
        contract = facts.total_minutes(contract_slots(rows, facts))
        extra = facts.total_minutes(extra_slots(rows, facts))
        overtime = max(0.0, contract / 60 - a.hours)
        staff[a.id] = {
            "contracted_hours": round(a.hours, 2),
            "assigned_hours": round(contract / 60, 2),
            "extra_hours": round(extra / 60, 2),
            "overtime_hours": round(overtime, 2),
            "idle_minutes": round(max(0.0, a.hours * 60 - liaison - contract), 2),
            "duties": sum(r.kind == "duty" for r in rows),
        }
        weekly += _weekly_cost(a, overtime, extra / 60, facts.school.school.oncost)
    return staff, weekly


def _weekly_cost(a: Staff, overtime: float, extra: float, oncost: float) -> float:
    """hourly_cost × (hours + overtime + extra) × (1 + oncost), unrounded."""
    if a.hourly_cost is None:
        return 0.0
    return a.hourly_cost * (a.hours + overtime + extra) * (1 + oncost)
