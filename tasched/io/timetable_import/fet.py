"""Reading FET: a locked ``.fet`` file, FET's CSV export, or one CSV row per FET activity.

In a ``.fet`` file an activity is placed only where a 100%-weight, active
``ConstraintActivityPreferredStartingTime`` (or ``...PreferredTime``) fixes its day
and hour; the others are kept, unplaced, with the reason. Elements are read with
their lines (expat) so every problem names FILE:LINE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from tasched.errors import InputError, Problem
from tasched.io.timetable_import.activities import Activity, Source, hour_order, hour_run, whole_number
from tasched.io.timetable_import.csv_rows import Layout, csv_rows, place_at, row_activity

__all__ = ["FET_EXPORT_COLUMNS", "FET_ROWS_COLUMNS", "read_fet_export", "read_fet_rows", "read_fet_xml"]

FET_EXPORT_COLUMNS = ("Activity Id", "Day", "Hour", "Students Sets", "Subject", "Teachers")
FET_ROWS_COLUMNS = ("activity_id", "subject", "teachers", "students", "day", "slot")

_EXPORT = Layout(classes="students sets", subject="subject", teachers="teachers", separators="+")
_ROWS = Layout(classes="students", subject="subject", teachers="teachers", separators=";+")

# --- FET's CSV files -----------------------------------------------------------------------


def read_fet_export(file: Path) -> Source:
    """FET's `..._timetable.csv`: one row per hour of each placed activity."""
    rows = csv_rows(file, FET_EXPORT_COLUMNS, "FET timetable export")
    return Source(
        [place_at(row_activity(file, row, f"activity {row.get('activity id')}", _EXPORT), row, "hour") for row in rows]
    )


def read_fet_rows(file: Path) -> Source:
    """One row per FET activity with its start: `activity_id, ..., duration_slots, day, slot`."""
    rows = csv_rows(file, FET_ROWS_COLUMNS, "FET activities")
    order = hour_order(row.get("slot") for row in rows if row.get("slot"))
    activities = []
    for row in rows:
        duration = whole_number(row.get("duration_slots") or "1", f"{file}:{row.line}", "duration_slots")
        activity = row_activity(file, row, f"activity {row.get('activity_id')}", _ROWS)
        if not (row.get("day") and row.get("slot")):
            activity.why_unplaced = "no fixed time"
        elif row.get("locked").lower() in ("false", "no", "0"):
            activity.why_unplaced = "its time is not locked"
        else:
            activity.hours = hour_run(order, row.get("slot"), duration, activity)
        activities.append(activity)
    return Source(activities, hour_order=order)


# --- the .fet file ------------------------------------------------------------------------


@dataclass
class _Node:
    tag: str
    line: int
    children: list[_Node] = field(default_factory=list)
    text: str = ""

    def all(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]

    def first(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def value(self, tag: str, default: str = "") -> str:
        node = self.first(tag)
        return node.text.strip() if node is not None else default


def _parse_xml(file: Path) -> _Node:
    """A small element tree that keeps each element's line (ElementTree does not)."""
    parser = expat.ParserCreate()
    root = _Node("", 0)
    stack = [root]

    def start(tag: str, _attrs: dict[str, str]) -> None:
        node = _Node(tag, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def data(text: str) -> None:
        stack[-1].text += text

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    try:
        parser.Parse(file.read_bytes(), True)
    except expat.ExpatError as error:
        raise InputError(
            [
                Problem(
                    f"{file}:{error.lineno}",
                    "",
                    f"not valid XML: {expat.errors.messages[error.code]}",
                )
            ]
        ) from None
    if not root.children or root.children[0].tag != "fet":
        raise InputError([Problem(f"{file}:1", "", "not a FET file: its root element is not <fet>")])
    return root.children[0]


def _names(section: _Node | None, item: str) -> list[str]:
    """Day or hour names: `<Day><Name>Mon</Name></Day>`, or older `<Day>Mon</Day>` / `<Name>`."""
    if section is None:
        return []
    names = []
    for node in section.children:
        if node.tag == item:
            names.append(node.value("Name") or node.text.strip())
        elif node.tag == "Name":
            names.append(node.text.strip())
    return [n for n in names if n]


def read_fet_xml(file: Path) -> Source:
    """A .fet file's active activities, placed where a constraint locks their starting time."""
    root = _parse_xml(file)
    days = _names(root.first("Days_List"), "Day")
    hours = _names(root.first("Hours_List"), "Hour")
    activities_list = root.first("Activities_List")
    if activities_list is None:
        raise InputError([Problem(f"{file}:{root.line}", "", "the FET file has no <Activities_List>")])
    locks = _locks(root)
    listed = activities_list.all("Activity")
    activities = [_activity(file, node, hours, locks) for node in listed if _active(node)]
    inactive = len(listed) - len(activities)
    notes = [f"{inactive} inactive activities skipped"] if inactive else []
    return Source(activities, hour_order=hours, day_order=days, notes=notes)


_TIME_LOCKS = ("ConstraintActivityPreferredStartingTime", "ConstraintActivityPreferredTime")


@dataclass
class _Locks:
    """What the file's constraints fix, by activity id: its day and starting hour, or why not; its room."""

    times: dict[str, tuple[str, str]] = field(default_factory=dict)
    weak: dict[str, str] = field(default_factory=dict)
    rooms: dict[str, str] = field(default_factory=dict)


def _locks(root: _Node) -> _Locks:
    """The active time and room constraints (only a 100% weight locks anything)."""
    locks = _Locks()
    for constraints in root.all("Time_Constraints_List"):
        for node in constraints.children:
            if node.tag in _TIME_LOCKS and _active(node):
                _lock_time(locks, node)
    for constraints in root.all("Space_Constraints_List"):
        for node in constraints.all("ConstraintActivityPreferredRoom"):
            if _weight(node) >= 100 and _active(node):
                locks.rooms[node.value("Activity_Id")] = node.value("Room")
    return locks


def _lock_time(locks: _Locks, node: _Node) -> None:
    act = node.value("Activity_Id")
    day, hour = node.value("Preferred_Day"), node.value("Preferred_Hour")
    if _weight(node) < 100:
        locks.weak[act] = f"its preferred time has weight {node.value('Weight_Percentage')}%, not 100%"
    elif not (day and hour):
        locks.weak[act] = "its preferred time names no day or no hour"
    else:
        locks.times[act] = (day, hour)


def _activity(file: Path, node: _Node, hours: list[str], locks: _Locks) -> Activity:
    """An <Activity>, placed at its locked time (over as many hours as it lasts) or unplaced with why."""
    act_id = node.value("Id")
    where = f"{file}:{node.line}"
    duration = whole_number(node.value("Duration", "1") or "1", where, "Duration")
    activity = Activity(
        where=where,
        ref=f"activity {act_id}",
        classes=[s.text.strip() for s in node.all("Students") if s.text.strip()],
        subject=node.value("Subject"),
        teachers=[t.text.strip() for t in node.all("Teacher") if t.text.strip()],
        room=locks.rooms.get(act_id),
    )
    if act_id in locks.times:
        activity.day, start = locks.times[act_id]
        activity.hours = hour_run(hours or [start], start, duration, activity)
    else:
        activity.why_unplaced = locks.weak.get(act_id, "no locked starting time")
    return activity


def _active(node: _Node) -> bool:
    return node.value("Active", "true").lower() != "false"


def _weight(node: _Node) -> float:
    try:
        return float(node.value("Weight_Percentage", "100") or "100")
    except ValueError:
        return 0.0
