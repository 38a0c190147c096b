"""tasched explain: one person's or class's week, each demand with what was delivered and why not."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from tasched.problem.compile import Problem
from tasched.solution.rota import Delivery


def explain_week(
    problem: Problem,
    rota: dict[str, Any],
    *,
    pupil: str | None = None,
    staff: str | None = None,
    class_id: str | None = None,
) -> list[Any]:
    """Rich renderables: the week of a pupil, an adult or a class, with each demand,
    what was delivered, by whom, and why anything is missing."""
    from rich.table import Table

    rows = rota.get("assignments") or []
    delivery = Delivery(problem, rows)
    shortfalls = {s["task"]: s for s in rota.get("shortfalls") or []}
    days = list(problem.data.calendar.days)
    slot_ids = [s.id for s in problem.data.calendar.slots]
    index = problem.slot_index

    def grid(title: str, cell: Callable[[int], str]) -> Table:
        table = Table(title=title, show_lines=False)
        table.add_column("slot")
        for day in days:
            table.add_column(day)
        for slot_id in slot_ids:
            cells = []
            for day in days:
                t = index.get((day, slot_id))
                cells.append("closed" if t is None else cell(t))
            table.add_row(slot_id, *cells)
        return table

    def summary(title: str, items: list[tuple[str, str, str, str]]) -> Table:
        table = Table(title=title)
        for column in ("demand", "required", "delivered", "why anything is missing"):
            table.add_column(column)
        for item in items:
            table.add_row(*item)
        return table

    out: list[Any] = []
    if pupil is not None:
        info = next(p for p in problem.pupils if p.id == pupil)
        by_slot: dict[int, list[str]] = defaultdict(list)
        for row in rows:
            t = index[row["day"], row["slot"]]
            if row["task"] == f"pupil:{pupil}":
                by_slot[t].append(f"{row['staff']} ({'in class' if row['mode'] == 'in_class' else 'withdrawn'})")
            elif row["task"].startswith("intervention:") and pupil in (row.get("pupils") or []):
                by_slot[t].append(f"{row['task'][13:]} with {row['staff']}")
        items = []
        if info.ehcp is not None:
            got = delivery.ehc_minutes(info.index) / 60
            givers = sorted(((a, m) for (a, p), m in delivery.contact.items() if p == pupil and m), key=lambda x: -x[1])
            by = ", ".join(f"{a} {m / 60:g} h" for a, m in givers) or "nobody"
            reason = shortfalls.get(f"pupil:{pupil}", {}).get("reason", "")
            items.append(("EHC support", f"{info.ehcp.required_minutes / 60:g} h", f"{got:g} h ({by})", reason))
        if info.medical is not None:
            covered = sum(delivery.medical_covered(info.index, t) for t in info.medical.slots)
            reason = shortfalls.get(f"medical:{pupil}", {}).get("reason", "")
            items.append(("medical cover", f"{len(info.medical.slots)} slots", f"{covered} slots", reason))
        for i in info.interventions:
            iv = problem.interventions[i]
            held = len(delivery.sessions.get(iv.id, []))
            reason = shortfalls.get(f"intervention:{iv.id}", {}).get("reason", "")
            items.append((f"intervention {iv.id}", f"{iv.sessions} sessions", f"{held} sessions", reason))
        out.append(summary(f"Pupil {pupil}", items))
        out.append(
            grid(f"{pupil}'s week", lambda t: ", ".join(by_slot.get(t, [])) or ("lesson" if t in info.place else ""))
        )
    if staff is not None:
        adult = next(a for a in problem.adults if a.id == staff)
        mine = delivery.by_adult.get(staff, {})
        used = delivery.contract_minutes(staff)
        items = [
            (
                "contracted time",
                f"{adult.contract_minutes / 60:g} h",
                f"{used / 60:g} h",
                f"{max(0, adult.contract_minutes - adult.liaison_minutes - used)} minutes idle",
            )
        ]
        duties = sum(1 for rs in mine.values() for r in rs if r["task"].startswith("duty:"))
        items.append(("duties", "" if adult.max_duties is None else f"at most {adult.max_duties}", str(duties), ""))
        out.append(summary(f"Staff {staff}", items))

        def task_cell(t: int) -> str:
            if t not in adult.works:
                return "not working"
            found = mine.get(t, [])
            return ", ".join(r["task"] + (f" ({r['mode']})" if r.get("mode") else "") for r in found) or "free"

        out.append(grid(f"{staff}'s week", task_cell))
    if class_id is not None:
        wanted: dict[int, int] = {}
        for row in problem.supports:
            if row.class_id == class_id:
                for t in row.slots:
                    wanted[t] = wanted.get(t, 0) + row.staff
        given = {t: delivery.class_rows.get((class_id, t), []) for t in problem.class_slots.get(class_id, set())}
        need = sum(wanted.values())
        got = sum(min(wanted.get(t, 0), len(a)) for t, a in given.items())
        reason = shortfalls.get(f"class:{class_id}", {}).get("reason", "")
        out.append(
            summary(f"Class {class_id}", [("class support", f"{need} adult-slots", f"{got} adult-slots", reason)])
        )

        def class_cell(t: int) -> str:
            if t not in problem.class_slots.get(class_id, set()):
                return ""
            adults = given.get(t, [])
            want = wanted.get(t, 0)
            text = ", ".join(adults) or "-"
            return f"{text} ({len(adults)}/{want})" if want else (f"{text} (medical cover)" if adults else "lesson")

        out.append(grid(f"Class {class_id}'s week (adults given/wanted)", class_cell))
    return out
