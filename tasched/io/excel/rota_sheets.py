"""The rota workbook's other sheets: per adult cells, classes, pupils, interventions, duties, assignments."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tasched.input.model import (
    SchoolData,
)
from tasched.input.week import class_meetings, pupil_places, shape_of
from tasched.io.excel.cells import _set
from tasched.io.excel.rota_grid import (
    _grid_sheet,
    _join,
    _legend,
    _Names,
    _row_kind,
    _section,
    _table,
    _Week,
    _when_key,
)
from tasched.io.excel.styles import _TITLE, _header, print_wide


def _adult_line(stats: dict[str, Any]) -> str:
    if not stats:
        return ""
    parts = [
        f"contracted {stats.get('contracted_hours', 0):g} h",
        f"assigned {stats.get('assigned_hours', 0):g} h",
    ]
    if stats.get("extra_hours"):
        parts.append(f"extra (paid on top) {stats['extra_hours']:g} h")
    if stats.get("overtime_hours"):
        parts.append(f"overtime {stats['overtime_hours']:g} h")
    parts.append(f"idle {stats.get('idle_minutes', 0)} min")
    parts.append(f"{stats.get('duties', 0)} duty slots")
    return " · ".join(parts)


def adult_cell(items: list[dict[str, Any]], school: SchoolData | None) -> str:
    first = items[0]
    kind = _row_kind(first)
    target = str(first.get("task", "")).partition(":")[2]
    if kind in ("in_class", "withdrawn"):
        pupils = _join(str(r.get("task", "")).partition(":")[2] for r in items)
        return f"EHC {pupils}\n({'withdrawn' if kind == 'withdrawn' else 'in class'})"
    if kind == "class":
        return f"Class {target}"
    if kind == "intervention":
        text = target
        if school:
            programme = next((i.programme for i in school.interventions if i.id == target), None)
            if programme and programme != target:
                text = f"{programme} ({target})"
        pupils = _join(first.get("pupils") or [])
        room = first.get("room")
        return text + (f"\n{pupils}" if pupils else "") + (f" · {room}" if room else "")
    if kind == "duty":
        if school:
            name = next((d.name for d in school.duties if d.id == target), None)
            if name:
                return f"Duty: {name}"
        return f"Duty: {target}"
    if kind == "liaison":
        if school:
            name = next((t.name for t in school.teachers if t.id == target), None)
            if name:
                return f"Meet {target} ({name})\nliaison"
        return f"Meet {target}\nliaison"
    if kind == "cover":
        return f"Cover {target}\n(teacher away)"
    return "Free"


def _class_sheets(
    book: Workbook,
    names: _Names,
    rows: list[dict[str, Any]],
    kpis: dict[str, Any],
    week: _Week,
    school: SchoolData | None,
) -> None:
    """One grid per class: the adults supporting it, and EHC support given in it."""
    class_ids = list(
        dict.fromkeys(
            [c.id for c in school.classes]
            if school
            else [
                *(kpis.get("classes") or {}),
                *(str(r["task"])[6:] for r in rows if str(r["task"]).startswith("class:")),
            ]
        )
    )
    place: dict[tuple[str, str, str], str] = {}  # (pupil, day, slot) -> class
    if school is not None:
        shape = shape_of(school)
        for pupil, where in pupil_places(school, class_meetings(school, shape)).items():
            for (d, s), class_id in where.items():
                place[pupil, shape.days[d], shape.slots[s]] = class_id
    cells: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for row in rows:
        kind, _, target = str(row["task"]).partition(":")
        key = (str(row["day"]), str(row["slot"]))
        if kind == "class":
            cells[target][key].append(str(row["staff"]))
            kinds[target].setdefault(key, "class")
        elif kind == "pupil" and row.get("mode") != "withdrawn":
            home = place.get((target, *key))
            if home:
                cells[home][key].append(f"{row['staff']} → {target}")
                kinds[home].setdefault(key, "in_class")
    for class_id in class_ids:
        stats = (kpis.get("classes") or {}).get(class_id, {})
        line = (
            f"class support: {stats.get('support_delivered', 0)} of {stats.get('support_required', 0)} adult-slots"
            if stats
            else ""
        )
        grid = {key: ("\n".join(items), kinds[class_id][key]) for key, items in cells[class_id].items()}
        _grid_sheet(
            book.create_sheet(names(f"Class {class_id}")),
            f"Class {class_id}",
            line,
            week,
            grid,
            set(),
        )


def _pupil_sheets(
    book: Workbook,
    names: _Names,
    rows: list[dict[str, Any]],
    kpis: dict[str, Any],
    week: _Week,
    school: SchoolData | None,
) -> None:
    """One grid per pupil with support: who gave their EHC support when, and their interventions."""
    pupil_kpis: dict[str, Any] = kpis.get("pupils") or {}
    order = _pupils_shown(rows, pupil_kpis, school)
    cells: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    given: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # slots, minutes
    for row in rows:
        kind, _, target = str(row["task"]).partition(":")
        key = (str(row["day"]), str(row["slot"]))
        staff = str(row["staff"])
        if kind == "pupil":
            mode = "withdrawn" if row.get("mode") == "withdrawn" else "in class"
            cells[target][key].append(f"{staff} ({mode})")
            kinds[target].setdefault(key, _row_kind(row))
            given[target][staff][0] += 1
            given[target][staff][1] += week.minutes.get(key[1], 0)
        elif kind == "intervention":
            for pupil in row.get("pupils") or []:
                cells[str(pupil)][key].append(f"{target} with {staff}")
                kinds[str(pupil)].setdefault(key, "intervention")
    for pupil in order:
        stats = pupil_kpis.get(pupil, {})
        line = ""
        if stats:
            line = (
                f"EHC hours: {stats.get('ehc_hours_delivered', 0):g} delivered of "
                f"{stats.get('ehc_hours_required', 0):g} required · "
                f"{stats.get('distinct_adults', 0)} adults · "
                f"largest share {stats.get('largest_share', 0):.0%}"
            )
        ws = book.create_sheet(names(f"Pupil {pupil}"))
        grid = {key: ("\n".join(items), kinds[pupil][key]) for key, items in cells[pupil].items()}
        at = _grid_sheet(ws, f"Pupil {pupil}", line, week, grid, set(), legend=False)
        at = _section(ws, at, "Who gave the EHC support")
        body = [
            (staff, slots, round(minutes / 60, 2) if minutes else None)
            for staff, (slots, minutes) in sorted(given[pupil].items(), key=lambda kv: -kv[1][0])
        ]
        end = _table(ws, at, ("adult", "slots", "hours"), body or [("none", 0, 0)])
        end = _legend(ws, end)
        ws.print_area = f"A1:{get_column_letter(max(len(week.slots) + 1, 8))}{end}"


def _pupils_shown(rows: list[dict[str, Any]], pupil_kpis: dict[str, Any], school: SchoolData | None) -> list[str]:
    """The pupils given a sheet, in the school's order: those with a plan, support or a session."""
    involved = [*pupil_kpis]
    for row in rows:
        kind, _, target = str(row["task"]).partition(":")
        if kind == "pupil":
            involved.append(target)
        elif kind == "intervention":
            involved.extend(str(p) for p in row.get("pupils") or [])
    wanted = set(involved)
    if school is not None:
        wanted |= {p.id for p in school.pupils if p.ehcp is not None}
        return [p.id for p in school.pupils if p.id in wanted]
    return list(dict.fromkeys(involved))


def _interventions_sheet(
    ws: Worksheet,
    rows: list[dict[str, Any]],
    kpis: dict[str, Any],
    week: _Week,
    school: SchoolData | None,
) -> None:
    ws.cell(row=1, column=1, value="Interventions").font = _TITLE
    programmes = {i.id: i.programme for i in school.interventions} if school else {}
    stats = kpis.get("interventions") or {}
    row = 3
    if stats:
        row = _table(
            ws,
            row,
            ("intervention", "programme", "sessions required", "sessions delivered"),
            (
                (i, programmes.get(i, ""), k.get("sessions_required"), k.get("sessions_delivered"))
                for i, k in stats.items()
            ),
        )
    sessions = sorted(
        (r for r in rows if str(r["task"]).startswith("intervention:")),
        key=lambda r: (str(r["task"]), *_when_key(week, r)),
    )
    row = _section(ws, row, "Sessions")
    _table(
        ws,
        row,
        ("intervention", "programme", "day", "slot", "adult", "pupils", "room"),
        (
            (
                str(r["task"])[13:],
                programmes.get(str(r["task"])[13:], ""),
                r["day"],
                r["slot"],
                r["staff"],
                _join(r.get("pupils") or []),
                r.get("room") or "",
            )
            for r in sessions
        ),
    )
    for letter, width in zip("ABCDEFG", (18, 22, 10, 10, 10, 30, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    print_wide(ws)
    ws.print_title_rows = None


def _duties_sheet(ws: Worksheet, rows: list[dict[str, Any]], week: _Week, school: SchoolData | None) -> None:
    ws.cell(row=1, column=1, value="Duties").font = _TITLE
    names = {d.id: d.name for d in school.duties} if school else {}
    wanted = {d.id: d.staff for d in school.duties} if school else {}
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in rows:
        if str(r["task"]).startswith("duty:"):
            grouped[str(r["task"])[5:], str(r["day"]), str(r["slot"])].append(str(r["staff"]))
    order = sorted(grouped, key=lambda k: (k[0], *_when_key(week, {"day": k[1], "slot": k[2]})))
    _table(
        ws,
        3,
        ("duty", "name", "day", "slot", "adults", "wanted"),
        ((d, names.get(d, ""), day, slot, _join(grouped[d, day, slot]), wanted.get(d, "")) for d, day, slot in order),
    )
    for letter, width in zip("ABCDEF", (16, 32, 10, 10, 30, 10), strict=True):
        ws.column_dimensions[letter].width = width
    print_wide(ws)
    ws.print_title_rows = None


_ASSIGNMENT_FIELDS = ("staff", "day", "slot", "task", "mode", "pupils", "room")


def _assignments_sheet(ws: Worksheet, rows: list[dict[str, Any]]) -> None:
    for j, name in enumerate(_ASSIGNMENT_FIELDS, start=1):
        _header(ws, j, name, None)
    for i, r in enumerate(rows, start=2):
        for j, name in enumerate(_ASSIGNMENT_FIELDS, start=1):
            value = r.get(name)
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            if value not in (None, ""):
                _set(ws, i, j, value)
    for letter, width in zip("ABCDEFG", (10, 8, 8, 26, 11, 28, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{max(len(rows) + 1, 2)}"
    print_wide(ws)
