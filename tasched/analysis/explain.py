"""tasched explain: one person's or class's week, each demand with what was delivered and why not.

An adult's week is labelled as the rota workbook labels it ("EHC P003 (in class)", "Meet JSW",
"Cover Y3"), with the same function; their joint liaison meetings and lesson cover are demands
of their own, as is a class's cover for an absent teacher.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tasched.io.excel.rota_sheets import adult_cell as task_words
from tasched.problem.compile import Adult, Problem, PupilInfo
from tasched.solution.rota import Delivery
from tasched.solution.words import duration, plural

if TYPE_CHECKING:
    from rich.table import Table

# A summary line: demand, required, delivered, why anything is missing.
Item = tuple[str, str, str, str]


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
    week = _Week.of(problem, rota)
    out: list[Any] = []
    if pupil is not None:
        out += _pupil_week(week, pupil)
    if staff is not None:
        out += _staff_week(week, staff)
    if class_id is not None:
        out += _class_week(week, class_id)
    return out


@dataclass
class _Week:
    """The rota as explain reads it: its rows, what they deliver, and each shortfall by task."""

    problem: Problem
    rows: list[dict[str, Any]]
    delivery: Delivery
    shortfalls: dict[str, dict[str, Any]]

    @classmethod
    def of(cls, problem: Problem, rota: dict[str, Any]) -> _Week:
        rows = rota.get("assignments") or []
        shortfalls = {s["task"]: s for s in rota.get("shortfalls") or []}
        return cls(problem, rows, Delivery(problem, rows), shortfalls)

    def reason(self, task: str) -> str:
        """Why the task fell short, as the rota says ("" where it did not)."""
        reason: str = self.shortfalls.get(task, {}).get("reason", "")
        return reason

    def grid(self, title: str, cell: Callable[[int], str]) -> Table:
        """The week as a table: a row per slot, a column per day, `cell` for each open slot."""
        from rich.table import Table

        calendar = self.problem.data.calendar
        index = self.problem.slot_index
        table = Table(title=title, show_lines=False)
        table.add_column("slot")
        for day in calendar.days:
            table.add_column(day)
        for slot_id in (s.id for s in calendar.slots):
            cells = []
            for day in calendar.days:
                t = index.get((day, slot_id))
                cells.append("closed" if t is None else cell(t))
            table.add_row(slot_id, *cells)
        return table


def _summary(title: str, items: list[Item]) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for column in ("demand", "required", "delivered", "why anything is missing"):
        table.add_column(column)
    for item in items:
        table.add_row(*item)
    return table


def _pupil_week(week: _Week, pupil: str) -> list[Any]:
    info = next(p for p in week.problem.pupils if p.id == pupil)
    by_slot = _pupil_slots(week, pupil)
    grid = week.grid(
        f"{pupil}'s week", lambda t: ", ".join(by_slot.get(t, [])) or ("lesson" if t in info.place else "")
    )
    return [_summary(f"Pupil {pupil}", _pupil_demands(week, info)), grid]


def _pupil_slots(week: _Week, pupil: str) -> dict[int, list[str]]:
    """Slot -> who is with the pupil then: an adult (in class or withdrawn) or an intervention."""
    by_slot: dict[int, list[str]] = defaultdict(list)
    for row in week.rows:
        t = week.problem.slot_index[row["day"], row["slot"]]
        if row["task"] == f"pupil:{pupil}":
            by_slot[t].append(f"{row['staff']} ({'in class' if row['mode'] == 'in_class' else 'withdrawn'})")
        elif row["task"].startswith("intervention:") and pupil in (row.get("pupils") or []):
            by_slot[t].append(f"{row['task'][13:]} with {row['staff']}")
    return by_slot


def _pupil_demands(week: _Week, info: PupilInfo) -> list[Item]:
    """EHC support (with who gave it), medical cover and each intervention: required and delivered."""
    delivery, pupil = week.delivery, info.id
    items = []
    if info.ehcp is not None:
        got = delivery.ehc_minutes(info.index) / 60
        givers = sorted(((a, m) for (a, p), m in delivery.contact.items() if p == pupil and m), key=lambda x: -x[1])
        by = ", ".join(f"{a} {m / 60:g} h" for a, m in givers) or "nobody"
        required = f"{info.ehcp.required_minutes / 60:g} h"
        items.append(("EHC support", required, f"{got:g} h ({by})", week.reason(f"pupil:{pupil}")))
    if info.medical is not None:
        covered = sum(delivery.medical_covered(info.index, t) for t in info.medical.slots)
        slots = f"{len(info.medical.slots)} slots"
        items.append(("medical cover", slots, f"{covered} slots", week.reason(f"medical:{pupil}")))
    for i in info.interventions:
        iv = week.problem.interventions[i]
        held = len(delivery.sessions.get(iv.id, []))
        reason = week.reason(f"intervention:{iv.id}")
        items.append((f"intervention {iv.id}", f"{iv.sessions} sessions", f"{held} sessions", reason))
    return items


def _staff_week(week: _Week, staff: str) -> list[Any]:
    adult = next(a for a in week.problem.adults if a.id == staff)
    mine = week.delivery.by_adult.get(staff, {})

    def task_cell(t: int) -> str:
        if t not in adult.works:
            return "not working"
        found = mine.get(t, [])
        return task_words(found, week.problem.data) if found else "free"

    return [_summary(f"Staff {staff}", _staff_demands(week, adult, mine)), week.grid(f"{staff}'s week", task_cell)]


def _staff_demands(week: _Week, adult: Adult, mine: dict[int, list[dict[str, Any]]]) -> list[Item]:
    """Contracted time (used, and idle), duties (against max_duties), joint liaison and lesson cover."""
    used = week.delivery.contract_minutes(adult.id)
    idle = max(0, adult.contract_minutes - adult.liaison_minutes - used)
    duties = sum(1 for rs in mine.values() for r in rs if r["task"].startswith("duty:"))
    most = "" if adult.max_duties is None else f"at most {adult.max_duties}"
    return [
        ("contracted time", duration(adult.contract_minutes), duration(used), f"{idle} minutes idle"),
        ("duties", most, str(duties), ""),
        *_liaison_items(week, adult),
        *_cover_items(week, adult),
    ]


def _liaison_items(week: _Week, adult: Adult) -> list[Item]:
    """Joint liaison: the meetings held (with whom) against the adult's liaison_minutes."""
    if adult.meet_minutes == 0:
        return []
    held = week.delivery.liaison_rows.get(adult.id, [])
    minutes = sum(week.problem.slots[t].minutes for _, t in held)
    teachers = ", ".join(sorted({teacher for teacher, _ in held}))
    delivered = duration(minutes) + (f" (with {teachers})" if teachers else "")
    return [("liaison meetings", duration(adult.meet_minutes), delivered, week.reason(f"liaison:{adult.id}"))]


def _cover_items(week: _Week, adult: Adult) -> list[Item]:
    """Lesson cover: the lessons covered (which, when), of at most rules.cover.max_minutes; shown
    for an adult who covers, or whose role may cover in a week with a teacher away."""
    problem = week.problem
    covered = sorted((t, c) for (c, t), who in week.delivery.cover_rows.items() if adult.id in who)
    may_cover = problem.data.staff[adult.index].role in problem.data.rules.cover.roles
    if not covered and not (may_cover and problem.cover_needs):
        return []
    minutes = sum(problem.slots[t].minutes for t, _ in covered)
    lessons = ", ".join(f"{c} {problem.slots[t].label}" for t, c in covered)
    most = f"at most {duration(problem.data.rules.cover.max_minutes)}" if may_cover else "not a cover role"
    return [("lesson cover", most, duration(minutes) + (f" ({lessons})" if lessons else ""), "")]


def _class_week(week: _Week, class_id: str) -> list[Any]:
    problem = week.problem
    wanted: dict[int, int] = {}
    for row in problem.supports:
        if row.class_id == class_id:
            for t in row.slots:
                wanted[t] = wanted.get(t, 0) + row.staff
    meets = problem.class_slots.get(class_id, set())
    given = {t: week.delivery.class_rows.get((class_id, t), []) for t in meets}
    need = sum(wanted.values())
    got = sum(min(wanted.get(t, 0), len(a)) for t, a in given.items())
    item = ("class support", f"{need} adult-slots", f"{got} adult-slots", week.reason(f"class:{class_id}"))
    cover_items, cover_at = _class_cover(week, class_id)

    def support_cell(t: int) -> str:
        adults = given.get(t, [])
        want = wanted.get(t, 0)
        text = ", ".join(adults) or "-"
        return f"{text} ({len(adults)}/{want})" if want else (f"{text} (medical cover)" if adults else "lesson")

    def class_cell(t: int) -> str:
        if t not in meets:
            return ""
        support, cover = support_cell(t), cover_at.get(t)
        if cover is None:
            return support
        return cover if support == "lesson" else f"{support}\n{cover}"

    return [
        _summary(f"Class {class_id}", [item, *cover_items]),
        week.grid(f"Class {class_id}'s week (adults given/wanted)", class_cell),
    ]


def _class_cover(week: _Week, class_id: str) -> tuple[list[Item], dict[int, str]]:
    """The class's lessons whose teacher is away: covered (by whom) or needing supply cover, as a
    summary line and the grid's words at each such lesson."""
    problem = week.problem
    needs = [n for n in problem.cover_needs if n.class_id == class_id]
    if not needs:
        return [], {}
    at: dict[int, str] = {}
    for need in needs:
        away = problem.teachers[need.teacher].id
        who = week.delivery.cover_rows.get((class_id, need.slot), [])
        at[need.slot] = f"Cover {', '.join(who)} ({away} away)" if who else f"needs supply cover ({away} away)"
    covered = sum(1 for n in needs if week.delivery.cover_rows.get((class_id, n.slot)))
    teachers = ", ".join(sorted({problem.teachers[n.teacher].id for n in needs}))
    item = (
        f"lesson cover ({teachers} away)",
        plural(len(needs), "lesson"),
        plural(covered, "lesson"),
        week.reason(f"cover:{class_id}"),
    )
    return [item], at
