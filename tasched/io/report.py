"""The rota as one self-contained HTML page, for the business manager, the SENCo and print.

``write_html_report(school, rota, path)`` renders ``templates/report.html``
(jinja2, autoescaped) from a view of the school and the rota built here: a
summary (status, gap, cost, counts), the shortfalls with their reasons, a
coverage heat-map of the week, each adult's week (one printed page each), each
pupil's EHC support (hours, who gave it, the week), and the interventions and
duties. The page needs nothing from the network: CSS is inline, no fonts or
scripts are fetched. Pupils appear only by their pseudonymous ids.

The view is derived from the school and the rota's rows alone (KPIs from the
rota are shown where present), so a rota read back from a file reports the same
as a freshly solved one.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from tasched._version import __version__
from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.input.week import class_meetings, open_slots, pupil_places, shape_of
from tasched.input.when import DaySlot, WhenError, parse_when
from tasched.io.colours import SEVERITY_COLOUR, TASK_KEY, css_rules
from tasched.io.files import write_atomic
from tasched.solution.words import ALL_MET, PROVEN, headline, severity, shortfall_headline, tier_result

__all__ = ["KINDS", "build_report", "render_html_report", "write_html_report"]

Row = dict[str, Any]

# Cell kinds: CSS class suffix and legend text, in legend order.
KINDS: dict[str, str] = {kind: legend for kind, legend, _ in TASK_KEY}


def write_html_report(school: SchoolData, rota: dict[str, Any], path: str | Path, *, source: str = "rota") -> None:
    """Write the report of a school's rota to `path` (atomically); `source` names the rota."""
    text = render_html_report(school, rota, source=source).encode("utf-8")

    def write(handle: IO[bytes]) -> None:
        handle.write(text)

    write_atomic(path, write)


def render_html_report(school: SchoolData, rota: dict[str, Any], *, source: str = "rota") -> str:
    """The report as HTML text; rows naming staff or slots the school lacks are an InputError."""
    view = build_report(school, rota, source=source)
    env = Environment(
        loader=PackageLoader("tasched.io", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html").render(**view, key_css=Markup(css_rules()))


# --- the view ----------------------------------------------------------------------------


@dataclass
class Cell:
    kind: str
    text: str = ""
    sub: str = ""
    title: str = ""
    style: str = ""


@dataclass
class _Week:
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


def build_report(school: SchoolData, rota: dict[str, Any], *, source: str = "rota") -> dict[str, Any]:
    """Everything the template shows, as plain values."""
    week = _Week(school)
    rows = _placed_rows(week, rota.get("assignments") or [], source)
    meta = rota.get("meta") or {}
    kpis = rota.get("kpis") or {}
    shortfalls = list(rota.get("shortfalls") or [])
    by_adult: dict[str, dict[DaySlot, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for at, row in rows:
        by_adult[str(row["staff"])][at].append(row)
    duties = {d.id: d for d in school.duties}
    pupil_plans = [p for p in school.pupils if p.ehcp is not None]
    required_ehc = sum(p.ehcp.hours for p in pupil_plans if p.ehcp is not None)
    pupil_kpis = kpis.get("pupils") or {}
    delivered_ehc = sum(float((pupil_kpis.get(p.id) or {}).get("ehc_hours_delivered", 0)) for p in pupil_plans)
    cost = kpis.get("cost") or {}
    summary = {
        "status": meta.get("status", "unknown"),
        "result": headline(meta),
        "result_class": {ALL_MET: "all", PROVEN: "proven"}.get(headline(meta), "more"),
        "headline": shortfall_headline(shortfalls),
        "severe": any(severity(str(s.get("task", ""))) == "critical" for s in shortfalls),
        "tiers": [tier_result(t) for t in meta.get("tiers") or []],
        "gap": _percent(meta.get("gap")),
        "objective": meta.get("objective"),
        "bound": meta.get("bound"),
        "seconds": meta.get("seconds"),
        "weekly": _money(cost.get("weekly")),
        "annual": _money(cost.get("annual")),
        "counts": [
            ("Staff", len(school.staff)),
            ("Classes", len(school.classes)),
            ("Pupils with EHC plans", len(pupil_plans)),
            ("Interventions", len(school.interventions)),
            ("Duties", len(school.duties)),
            ("Assignment rows", len(rows)),
            ("Shortfalls", len(shortfalls)),
        ],
        "ehc": f"{_hours(delivered_ehc)} of {_hours(required_ehc)}" if pupil_plans else "none",
        "warnings": [str(w) for w in meta.get("warnings") or []],
        "version": meta.get("version", __version__),
        "digest": str(meta.get("input_digest", "")),
    }
    return {
        "title": f"{school.school.name}: teaching-assistant rota",
        "school": {"name": school.school.name, "phase": school.school.phase.value},
        "tool_version": __version__,
        "summary": summary,
        "shortfalls": [_shortfall(s) for s in shortfalls],
        "days": week.days,
        "slots": week.slots,
        "kinds": list(KINDS.items()),
        "coverage": _coverage(week, rows, by_adult),
        "adults": _adults(week, by_adult, duties, kpis.get("staff") or {}),
        "pupils": _pupils(week, rows, pupil_kpis),
        "medical": _medical(week, school),
        "interventions": _interventions(week, rows, kpis.get("interventions") or {}),
        "duties": _duties(week, rows),
    }


def _placed_rows(week: _Week, assignments: list[Row], source: str) -> list[tuple[DaySlot, Row]]:
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


def _anchor(prefix: str, ident: str) -> str:
    """An element id for a staff or pupil id (HTML ids hold no spaces)."""
    return prefix + "-" + re.sub(r"\s+", "_", ident)


def _share_style(share: float) -> str:
    """A heat-map background from red (nothing met) through amber to green (all met)."""
    share = max(0.0, min(1.0, share))
    return f"background: hsl({round(share * 120)}, 70%, {round(80 + share * 8)}%)"


# .sev-critical: any EHC hour short is red
CRITICAL_STYLE = "background: #{}; color: #{}".format(*SEVERITY_COLOUR["critical"])


def _percent(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1%}"


def _money(value: Any) -> str:
    return "–" if value is None else f"£{float(value):,.2f}"


def _hours(value: float) -> str:
    return f"{value:g} h" if value == round(value, 2) else f"{value:.2f} h"


def _shortfall(row: dict[str, Any]) -> dict[str, Any]:
    required, delivered = float(row.get("required", 0)), float(row.get("delivered", 0))
    return {
        "task": str(row.get("task", "")),
        "required": f"{required:g}",
        "delivered": f"{delivered:g}",
        "unit": str(row.get("unit", "")),
        "reason": str(row.get("reason", "")),
        "severity": severity(str(row.get("task", ""))),
    }


def _task_kind(row: Row) -> str:
    kind = str(row.get("task", "")).partition(":")[0]
    if kind == "pupil":
        return "withdrawn" if row.get("mode") == "withdrawn" else "ehc"
    return kind if kind in ("class", "intervention", "duty", "liaison", "cover") else "free"


def _cell_for(rows: list[Row], duties: dict[str, Any]) -> Cell:
    """One adult's slot: what they do, with every row named in the tooltip."""
    kind = _task_kind(rows[0])
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


def _adults(
    week: _Week,
    by_adult: dict[str, dict[DaySlot, list[Row]]],
    duties: dict[str, Any],
    staff_kpis: dict[str, Any],
) -> list[dict[str, Any]]:
    absences: dict[str, set[DaySlot]] = defaultdict(set)
    for absence in week.school.absences:
        absences[absence.staff] |= week.when(absence.when)
    adults = []
    for adult in week.school.staff:
        works = (week.when(adult.available) - week.when(adult.unavailable)) & week.open
        works -= absences.get(adult.id, set())
        mine = by_adult.get(adult.id, {})
        grid = []
        counts: Counter[str] = Counter()
        for d, day in enumerate(week.days):
            cells = []
            for s in range(len(week.slots)):
                at = (d, s)
                if at not in week.open:
                    cell = Cell("closed", "", "", f"{week.name(at)}: closed")
                elif at in mine:
                    cell = _cell_for(mine[at], duties)
                    counts[cell.kind] += week.minutes(at)
                elif at in works:
                    cell = Cell("free", "", "", f"{week.name(at)}: working, no task")
                else:
                    absent = at in absences.get(adult.id, set())
                    why = f"{week.name(at)}: {'absent' if absent else 'not working'}"
                    cell = Cell("off", "absent" if absent else "", "", why)
                cells.append(cell)
            grid.append({"day": day, "cells": cells})
        k = staff_kpis.get(adult.id) or {}
        assigned = sum(counts.values()) / 60
        facts = [
            ("Contracted", _hours(float(k.get("contracted_hours", adult.hours)))),
            ("Assigned", _hours(float(k.get("assigned_hours", assigned)))),
        ]
        if k.get("extra_hours"):
            facts.append(("Extra (paid duties)", _hours(float(k["extra_hours"]))))
        if k.get("overtime_hours"):
            facts.append(("Overtime", _hours(float(k["overtime_hours"]))))
        if "idle_minutes" in k:
            facts.append(("Idle", f"{int(k['idle_minutes'])} min"))
        if "duties" in k:
            facts.append(("Duty slots", str(k["duties"])))
        if adult.hourly_cost is not None:
            facts.append(("Hourly cost", _money(adult.hourly_cost)))
        adults.append(
            {
                "id": adult.id,
                "anchor": _anchor("staff", adult.id),
                "name": adult.name or "",
                "role": adult.role,
                "skills": ", ".join(adult.skills),
                "facts": facts,
                "mix": [(KINDS[kind], _hours(minutes / 60)) for kind, minutes in counts.most_common()],
                "grid": grid,
            }
        )
    return adults


def _pupils(week: _Week, rows: list[tuple[DaySlot, Row]], pupil_kpis: dict[str, Any]) -> list[dict[str, Any]]:
    school = week.school
    meetings = class_meetings(school, week.shape)
    places = pupil_places(school, meetings)
    support: dict[str, dict[DaySlot, list[Row]]] = defaultdict(lambda: defaultdict(list))
    sessions: dict[str, dict[DaySlot, Row]] = defaultdict(dict)
    interventions = {iv.id: iv for iv in school.interventions}
    for at, row in rows:
        kind, _, target = str(row.get("task", "")).partition(":")
        if kind == "pupil":
            support[target][at].append(row)
        elif kind == "intervention" and target in interventions:
            for member in interventions[target].pupils:
                sessions[member][at] = row
    out = []
    for pupil in school.pupils:
        plan = pupil.ehcp
        if plan is None:
            continue
        minutes_by: Counter[str] = Counter()
        for at, given in support[pupil.id].items():
            for row in given:
                minutes_by[str(row["staff"])] += week.minutes(at)
        for row in sessions[pupil.id].values():
            iv = interventions[str(row["task"]).partition(":")[2]]
            if iv.counts_for_ehcp:
                minutes_by[str(row["staff"])] += iv.minutes
        delivered_min = sum(minutes_by.values())
        k = pupil_kpis.get(pupil.id) or {}
        delivered = float(k.get("ehc_hours_delivered", delivered_min / 60))
        required = float(k.get("ehc_hours_required", plan.hours))
        grid = []
        for d, day in enumerate(week.days):
            cells = []
            for s in range(len(week.slots)):
                at = (d, s)
                if at not in week.open:
                    cells.append(Cell("closed", title=f"{week.name(at)}: closed"))
                elif at in support[pupil.id]:
                    given = support[pupil.id][at]
                    mode = "withdrawn" if given[0].get("mode") == "withdrawn" else "ehc"
                    adults = " + ".join(str(r["staff"]) for r in given)
                    cells.append(
                        Cell(
                            mode,
                            adults,
                            "withdrawn" if mode == "withdrawn" else "in class",
                            f"{week.name(at)}: supported by {adults}",
                        )
                    )
                elif at in sessions[pupil.id]:
                    row = sessions[pupil.id][at]
                    target = str(row["task"]).partition(":")[2]
                    cells.append(
                        Cell(
                            "intervention",
                            target,
                            str(row["staff"]),
                            f"{week.name(at)}: {target} with {row['staff']}",
                        )
                    )
                elif at in places.get(pupil.id, {}):
                    class_id = places[pupil.id][at]
                    cells.append(
                        Cell(
                            "lesson",
                            class_id,
                            "",
                            f"{week.name(at)}: in {class_id}, no EHC support",
                        )
                    )
                else:
                    cells.append(Cell("none", "", "", f"{week.name(at)}: no lesson"))
            grid.append({"day": day, "cells": cells})
        given_by = [
            {
                "staff": staff,
                "hours": _hours(minutes / 60),
                "share": f"{minutes / 60 / required:.0%}" if required else "–",
            }
            for staff, minutes in minutes_by.most_common()
        ]
        out.append(
            {
                "id": pupil.id,
                "anchor": _anchor("pupil", pupil.id),
                "need": pupil.need or "",
                "classes": ", ".join(pupil.classes),
                "required": _hours(required),
                "delivered": _hours(delivered),
                "met": delivered + 1e-9 >= required,
                "style": "" if delivered + 1e-9 >= required else CRITICAL_STYLE,
                "plan": _plan_text(plan),
                "given_by": given_by,
                "grid": grid,
            }
        )
    return out


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


def _medical(week: _Week, school: SchoolData) -> list[dict[str, str]]:
    return [
        {"id": p.id, "skills": ", ".join(p.medical.skills), "when": p.medical.when}
        for p in school.pupils
        if p.medical is not None
    ]


def _coverage(
    week: _Week, rows: list[tuple[DaySlot, Row]], by_adult: dict[str, dict[DaySlot, list[Row]]]
) -> dict[str, Any]:
    """Per slot and day: class-support and duty adults wanted and given, and adults deployed."""
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
    deployed: Counter[DaySlot] = Counter()
    for busy in by_adult.values():
        for at in busy:
            deployed[at] += 1
    grid = []
    total_want = total_met = 0
    for s, slot in enumerate(week.slots):
        cells = []
        for d in range(len(week.days)):
            at = (d, s)
            if at not in week.open:
                cells.append(Cell("closed", "", "", f"{week.name(at)}: closed"))
                continue
            want, met = want_at[at], met_at[at]
            total_want += want
            total_met += met
            adults = f"{deployed[at]} adult{'s' if deployed[at] != 1 else ''}"
            if want:
                share = met / want
                cells.append(
                    Cell(
                        "heat",
                        f"{share:.0%}",
                        f"{met}/{want} · {adults}",
                        f"{week.name(at)}: {met} of {want} class-support and duty adults; {adults} deployed in all",
                        _share_style(share),
                    )
                )
            else:
                cells.append(
                    Cell(
                        "heat none",
                        "–",
                        adults,
                        f"{week.name(at)}: no class support or duty wanted; {adults} deployed",
                    )
                )
        grid.append({"slot": slot, "cells": cells})
    return {
        "grid": grid,
        "share": f"{total_met / total_want:.0%}" if total_want else "–",
        "met": total_met,
        "wanted": total_want,
    }


def _interventions(week: _Week, rows: list[tuple[DaySlot, Row]], iv_kpis: dict[str, Any]) -> list[dict[str, Any]]:
    held: dict[str, list[tuple[DaySlot, Row]]] = defaultdict(list)
    for at, row in rows:
        kind, _, target = str(row.get("task", "")).partition(":")
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
                "style": _share_style(delivered / iv.sessions),
                "minutes": iv.minutes,
                "skills": ", ".join(iv.skills),
                "staff": ", ".join(dict.fromkeys(str(r["staff"]) for _, r in mine)) or "–",
                "held": "; ".join(f"{week.name(at)}" + (f" ({r['room']})" if r.get("room") else "") for at, r in mine)
                or "–",
            }
        )
    return out


def _duties(week: _Week, rows: list[tuple[DaySlot, Row]]) -> list[dict[str, Any]]:
    on: dict[str, dict[DaySlot, list[str]]] = defaultdict(lambda: defaultdict(list))
    for at, row in rows:
        kind, _, target = str(row.get("task", "")).partition(":")
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
                "style": _share_style(given / wanted if wanted else 1.0),
                "who": ", ".join(f"{s} ×{n}" for s, n in sorted(who.items())) or "–",
                "skills": ", ".join([*duty.skills, *(f"one with {x}" for x in duty.any_skills)]),
            }
        )
    return out
