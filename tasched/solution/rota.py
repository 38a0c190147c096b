"""The solution: a rota's rows, its shortfalls (each with a reason) and its KPIs.

Built from the assignment rows and the compiled problem, so a rota read back from
a file (``previous``) and a freshly solved one are treated alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from tasched.problem import predicates
from tasched.problem.compile import Adult, Problem, Row


@dataclass
class Rota:
    """A week's rota: who is where (`assignments`, one row per adult, slot and task),
    what could not be met and why (`shortfalls`), the KPIs and cost (`kpis`), and how
    it was found (`meta`, with each demand tier's result in `meta["tiers"]`)."""

    meta: dict[str, Any]
    assignments: list[Row]
    shortfalls: list[dict[str, Any]] = field(default_factory=list)
    kpis: dict[str, Any] = field(default_factory=dict)

    # Set by tasched.io.formats (a later layer): writes a rota document as .yaml or .xlsx.
    writer: ClassVar[Callable[..., None] | None] = None

    @property
    def status(self) -> str:
        """`optimal` (every tier proven), `optimal_within_limits`, `feasible` or `no_rota`."""
        return str(self.meta.get("status", ""))

    @property
    def tiers(self) -> list[dict[str, Any]]:
        """Each demand tier in the order solved: `{tier, status, short, unit, bound, seconds}`."""
        return list(self.meta.get("tiers") or [])

    def for_adult(self, staff: str) -> list[Row]:
        """One adult's week: their rows, in the order of the week."""
        return [row for row in self.assignments if row["staff"] == staff]

    def for_pupil(self, pupil: str) -> list[Row]:
        """One pupil's support: every row that names them (EHC support and intervention sessions)."""
        return [row for row in self.assignments if pupil in (row.get("pupils") or [])]

    def save(self, path: str | Path, school: Any = None) -> None:
        """Write the rota as .yaml or .xlsx (the workbook uses `school` for names and times),
        atomically: an existing file is replaced only once the new one is complete."""
        if Rota.writer is None:
            raise RuntimeError("no rota writer is loaded: import tasched (or tasched.io.formats) first")
        Rota.writer(self.to_dict(), path, school=school)

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "assignments": self.assignments,
            "shortfalls": self.shortfalls,
            "kpis": self.kpis,
        }


@dataclass
class Delivery:
    """What the rows deliver, indexed for KPIs, shortfalls and their reasons."""

    problem: Problem
    rows: list[Row]
    slot_of: dict[tuple[str, str], int] = field(default_factory=dict)
    # adult -> slot -> rows
    by_adult: dict[str, dict[int, list[Row]]] = field(default_factory=lambda: defaultdict(dict))
    ehc_slots: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # pupil -> slots supported
    contact: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))  # (adult, pupil) -> minutes
    sessions: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # intervention -> slots
    duty_rows: dict[tuple[str, int], list[str]] = field(default_factory=lambda: defaultdict(list))
    class_rows: dict[tuple[str, int], list[str]] = field(default_factory=lambda: defaultdict(list))
    liaison_rows: dict[str, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))  # adult
    cover_rows: dict[tuple[str, int], list[str]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        prob = self.problem
        self.slot_of = {(s.day_id, s.slot_id): s.index for s in prob.slots}
        ivs = {iv.id: iv for iv in prob.interventions}
        for row in self.rows:
            t = self.slot_of[row["day"], row["slot"]]
            self.by_adult[row["staff"]].setdefault(t, []).append(row)
            kind, _, target = str(row["task"]).partition(":")
            if kind == "pupil":
                self.ehc_slots[target].add(t)
                self.contact[row["staff"], target] += prob.slots[t].minutes
            elif kind == "intervention":
                self.sessions[target].append(t)
                iv = ivs[target]
                if iv.counts_for_ehcp:
                    for p in iv.pupils:
                        self.contact[row["staff"], prob.pupils[p].id] += iv.minutes
            elif kind == "duty":
                self.duty_rows[target, t].append(row["staff"])
            elif kind == "class":
                self.class_rows[target, t].append(row["staff"])
            elif kind == "liaison":
                self.liaison_rows[row["staff"]].append((target, t))
            elif kind == "cover":
                self.cover_rows[target, t].append(row["staff"])

    def ehc_minutes(self, pupil_index: int) -> int:
        prob = self.problem
        pupil = prob.pupils[pupil_index]
        minutes = sum(prob.slots[t].minutes for t in self.ehc_slots.get(pupil.id, ()))
        for i in pupil.interventions:
            iv = prob.interventions[i]
            if iv.counts_for_ehcp:
                minutes += iv.minutes * len(self.sessions.get(iv.id, []))
        return minutes

    def tasks(self, adult_id: str) -> dict[int, list[str]]:
        """One adult's week: slot -> the tasks of their rows there."""
        return {t: [row["task"] for row in rows] for t, rows in self.by_adult.get(adult_id, {}).items()}

    def contract_minutes(self, adult_id: str) -> int:
        """Minutes of contract tasks: one per slot occupied, duties paid extra aside."""
        return predicates.contract_minutes(self.problem, self.tasks(adult_id))

    def extra_minutes(self, adult_id: str) -> int:
        """Minutes of duties paid extra."""
        return predicates.extra_minutes(self.problem, self.tasks(adult_id))

    def present(self, t: int) -> list[tuple[int, str, str | None]]:
        """Every adult's rows at slot t, as (adult, task, mode)."""
        return [
            (adult.index, row["task"], row.get("mode"))
            for adult in self.problem.adults
            for row in self.by_adult.get(adult.id, {}).get(t, [])
        ]

    def medical_covered(self, pupil_index: int, t: int) -> bool:
        """An adult with the medical skills is near the pupil at slot t (docs/rules.md)."""
        return predicates.medical_covered(self.problem, pupil_index, t, self.present(t))


def shortfall_amounts(delivery: Delivery) -> list[dict[str, Any]]:
    """Every demand not fully met, as {task, required, delivered, unit} (reasons added later)."""
    prob = delivery.problem
    out: list[dict[str, Any]] = []
    for pupil in prob.pupils:
        plan = pupil.ehcp
        if plan is not None and plan.required_minutes > 0:
            got = delivery.ehc_minutes(pupil.index)
            if got < plan.required_minutes:
                out.append(_short(f"pupil:{pupil.id}", plan.required_minutes / 60, got / 60, "hours"))
    for pupil in prob.pupils:
        if pupil.medical is not None and pupil.medical.slots:
            covered = sum(delivery.medical_covered(pupil.index, t) for t in pupil.medical.slots)
            if covered < len(pupil.medical.slots):
                out.append(_short(f"medical:{pupil.id}", len(pupil.medical.slots), covered, "slots"))
    wanted: dict[str, list[int]] = defaultdict(list)
    for cover in prob.cover_needs:
        wanted[cover.class_id].append(cover.slot)
    for class_id, slots in wanted.items():
        got = sum(1 for t in slots if delivery.cover_rows.get((class_id, t)))
        if got < len(slots):
            out.append(_short(f"cover:{class_id}", len(slots), got, "lessons"))
    for duty in prob.duties:
        need = duty.staff * len(duty.slots)
        got = sum(min(duty.staff, len(delivery.duty_rows.get((duty.id, t), []))) for t in duty.slots)
        if got < need:
            out.append(_short(f"duty:{duty.id}", need, got, "adult-slots"))
    for iv in prob.interventions:
        got = len(delivery.sessions.get(iv.id, []))
        if got < iv.sessions:
            out.append(_short(f"intervention:{iv.id}", iv.sessions, got, "sessions"))
    for adult in prob.adults:
        if adult.meet_minutes > 0:
            met = sum(prob.slots[t].minutes for _, t in delivery.liaison_rows.get(adult.id, []))
            if met < adult.meet_minutes:
                out.append(_short(f"liaison:{adult.id}", adult.meet_minutes, met, "minutes"))
    for class_id, (need, got) in class_support_totals(delivery).items():
        if got < need:
            out.append(_short(f"class:{class_id}", need, got, "adult-slots"))
    return out


def class_support_totals(delivery: Delivery) -> dict[str, tuple[int, int]]:
    """class -> (adult-slots wanted, adult-slots given)."""
    totals: dict[str, list[int]] = {}
    for row in delivery.problem.supports:
        need_got = totals.setdefault(row.class_id, [0, 0])
        for t in row.slots:
            need_got[0] += row.staff
            need_got[1] += min(row.staff, len(delivery.class_rows.get((row.class_id, t), [])))
    return {c: (v[0], v[1]) for c, v in totals.items()}


def _short(task: str, required: float, delivered: float, unit: str) -> dict[str, Any]:
    return {"task": task, "required": round(required, 2), "delivered": round(delivered, 2), "unit": unit}


def compute_kpis(delivery: Delivery) -> dict[str, Any]:
    """Per pupil, intervention, class and adult, and the week's and year's cost."""
    prob = delivery.problem
    school = prob.data.school
    interventions = {
        iv.id: {"sessions_required": iv.sessions, "sessions_delivered": len(delivery.sessions.get(iv.id, []))}
        for iv in prob.interventions
    }
    classes = {
        c: {
            "support_required": need,
            "support_delivered": got,
            "coverage": round(got / need, 3) if need else 1.0,
        }
        for c, (need, got) in class_support_totals(delivery).items()
    }
    staff: dict[str, Any] = {}
    pence = 0.0
    for adult in prob.adults:
        used, extra = delivery.contract_minutes(adult.id), delivery.extra_minutes(adult.id)
        staff[adult.id] = _adult_kpis(delivery, adult, used, extra)
        # Priced from exact minutes: hours rounded for display would misprice a part hour.
        pence += predicates.cost_pence(prob, adult.index, predicates.paid_minutes(adult, used, extra))
    weekly = pence / 100
    return {
        "pupils": _pupil_kpis(delivery),
        "interventions": interventions,
        "classes": classes,
        "staff": staff,
        "cost": {"weekly": round(weekly, 2), "annual": round(weekly * school.paid_weeks, 2)},
    }


def _pupil_kpis(delivery: Delivery) -> dict[str, Any]:
    """Each pupil with an EHC plan: hours required and delivered, and how many adults share them."""
    pupils: dict[str, Any] = {}
    for pupil in delivery.problem.pupils:
        plan = pupil.ehcp
        if plan is None:
            continue
        shares = [m for (a, p), m in delivery.contact.items() if p == pupil.id and m > 0]
        required = plan.required_minutes
        pupils[pupil.id] = {
            "ehc_hours_required": round(required / 60, 2),
            "ehc_hours_delivered": round(delivery.ehc_minutes(pupil.index) / 60, 2),
            "distinct_adults": len(shares),
            "largest_share": round(max(shares) / required, 3) if shares and required else 0.0,
        }
    return pupils


def _adult_kpis(delivery: Delivery, adult: Adult, used: int, extra: int) -> dict[str, Any]:
    """One adult's hours: contracted, assigned (`used` minutes), paid extra, overtime; idle minutes; duties."""
    hours = adult.contract_minutes / 60
    return {
        "contracted_hours": round(hours, 2),
        "assigned_hours": round(used / 60, 2),
        "extra_hours": round(extra / 60, 2),
        "overtime_hours": round(max(0.0, used / 60 - hours), 2),
        "idle_minutes": max(0, adult.contract_minutes - adult.liaison_minutes - used),
        "duties": sum(
            1 for rows in delivery.by_adult.get(adult.id, {}).values() for r in rows if r["task"].startswith("duty:")
        ),
    }
