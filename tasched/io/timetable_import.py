"""Importing a class timetable, so a school does not retype it.

``tasched import-timetable SOURCE --calendar CAL.yaml -o PART.yaml`` reads a fixed
timetable and writes the `classes` and `lessons` sections of a school file, mapped
onto the school's own calendar. Sources:

- ``fet``: a FET file (``.fet`` XML) whose activities are fixed to times by
  100%-weight ``ConstraintActivityPreferredStartingTime`` constraints (what FET
  writes when a timetable is locked), FET's CSV export of a generated timetable
  (``..._timetable.csv``: ``Activity Id, Day, Hour, Students Sets, ...``), or a
  one-row-per-activity CSV (``activity_id, subject, teachers, students,
  duration_slots, day, slot``);
- ``stpauls``: the XHSTT St Paul's layout (``event_id, course, subject_code,
  class_group, teacher, room, day, period``; groups joined by ``;``);
- ``csv``: a plain CSV with the columns ``class, day, slot, subject, teacher``
  (``room`` optional; several classes joined by ``;``).

Days are matched to the calendar by name or abbreviation (``Monday`` is ``Mon``).
The source's hours are mapped onto the calendar's lesson slots in order (the
first hour to the first lesson slot, ...), unless they are the calendar's slot
ids already or an explicit map is given (``"9.30 - 11.00=P1,11.15 - 12.45=P2"``).
A multi-slot activity becomes one lesson per slot. Activities with no fixed time,
no class, or a time the map leaves out are reported as warnings, not errors; bad
input (a missing column, an unknown day) raises InputError naming file and line.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

import yaml
from pydantic import ValidationError

from tasched.errors import InputError, Problem, field_path
from tasched.input.model import Calendar
from tasched.input.when import nearest
from tasched.io.files import refuse_overwriting_input, write_atomic
from tasched.io.loader import read_yaml

__all__ = [
    "FORMATS",
    "Activity",
    "ImportResult",
    "detect_format",
    "import_file",
    "import_timetable",
    "parse_slot_map",
    "read_calendar",
    "read_source",
    "write_part",
]

FORMATS = ("auto", "fet", "csv", "stpauls")

PLAIN_COLUMNS = ("class", "day", "slot", "subject", "teacher")
STPAULS_COLUMNS = ("event_id", "subject_code", "class_group", "teacher", "day", "period")
FET_EXPORT_COLUMNS = ("Activity Id", "Day", "Hour", "Students Sets", "Subject", "Teachers")
FET_ROWS_COLUMNS = ("activity_id", "subject", "teachers", "students", "day", "slot")


@dataclass
class Activity:
    """One activity (or timetable row) of the source, in the source's own terms.

    ``hours`` lists the source hour of each slot it takes (one per unit of
    duration); it is empty when the activity has no fixed time.
    """

    where: str  # FILE:LINE
    ref: str  # e.g. "activity 52", "row 14"
    classes: list[str]
    subject: str
    teachers: list[str] = field(default_factory=list)
    room: str | None = None
    day: str | None = None
    hours: list[str] = field(default_factory=list)
    why_unplaced: str = ""


@dataclass
class Source:
    """What a reader found: the activities, and the source's own day and hour order."""

    activities: list[Activity]
    hour_order: list[str] = field(default_factory=list)
    day_order: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """The imported sections, ready to dump, and what could not be placed."""

    classes: list[dict[str, Any]]
    lessons: list[dict[str, Any]]
    warnings: list[str]
    activities: int
    placed: int
    slot_map: dict[str, str]
    day_map: dict[str, str]
    teachers: list[dict[str, Any]] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        if self.teachers:
            return {"teachers": self.teachers, "classes": self.classes, "lessons": self.lessons}
        return {"classes": self.classes, "lessons": self.lessons}


# --- the calendar --------------------------------------------------------------------------


def read_calendar(path: str | Path) -> Calendar:
    """The `calendar:` section of a calendar file or a whole school file."""
    name = str(path)
    if not Path(path).is_file():
        raise InputError([Problem(name, "", "no such file")])
    doc = read_yaml(path, name)
    data = doc.data
    if not isinstance(data, dict) or "calendar" not in data:
        raise InputError(
            [
                Problem(
                    doc.locate(()),
                    "calendar",
                    "no `calendar:` section; give a file with the school's calendar "
                    "(days and slots), or the school file itself",
                )
            ]
        )
    try:
        return Calendar.model_validate(data["calendar"])
    except ValidationError as error:
        problems = []
        for details in error.errors(include_url=False):
            loc = ("calendar", *details["loc"])
            problems.append(Problem(doc.locate(loc), field_path(loc), details["msg"]))
        raise InputError(problems) from None


# --- reading sources --------------------------------------------------------------------


def detect_format(path: str | Path) -> str:
    """`fet`, `stpauls` or `csv`, from the file's suffix or its header row."""
    file = Path(path)
    if file.suffix.lower() in (".fet", ".xml"):
        return "fet"
    header = {h.strip() for h in _csv_header(file)}
    if {"Activity Id", "Hour"} <= header or {"activity_id", "duration_slots"} <= header:
        return "fet"
    if {"class_group", "period"} <= header:
        return "stpauls"
    return "csv"


def read_source(path: str | Path, fmt: str = "auto") -> Source:
    """Read a timetable file in the given format (`auto` detects it)."""
    file = Path(path)
    if not file.is_file():
        raise InputError([Problem(str(path), "", "no such file")])
    if fmt not in FORMATS:
        raise InputError([Problem("--format", "", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")])
    if fmt == "auto":
        fmt = detect_format(file)
    if fmt == "fet":
        if file.suffix.lower() in (".fet", ".xml") or _looks_like_xml(file):
            return _read_fet_xml(file)
        header = {h.strip() for h in _csv_header(file)}
        if "Activity Id" in header or "Hour" in header:
            return _read_fet_export(file)
        return _read_fet_rows(file)
    if fmt == "stpauls":
        return _read_stpauls(file)
    return _read_plain(file)


def _text(file: Path) -> str:
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise InputError([Problem(str(file), "", f"cannot read it: {error.strerror}")]) from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(str(file), "", "not text (UTF-8 or Windows-1252)")])


def _looks_like_xml(file: Path) -> bool:
    return _text(file).lstrip().startswith("<")


def _csv_header(file: Path) -> list[str]:
    text = _text(file)
    first = text.splitlines()[0] if text.strip() else ""
    return next(csv.reader([first], _dialect(first)), [])


def _dialect(sample: str) -> type[csv.Dialect]:
    """FET lets a user pick `,`, `;` or `|` between fields."""
    counts = {sep: sample.count(sep) for sep in (",", ";", "|", "\t")}
    sep = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","

    class _Dialect(csv.excel):
        delimiter = sep

    return _Dialect


@dataclass
class _Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def _csv_rows(file: Path, required: Sequence[str], fmt: str) -> list[_Row]:
    """The rows of a CSV, each with its line; missing columns are an input error at line 1."""
    text = _text(file)
    if not text.strip():
        raise InputError([Problem(f"{file}:1", "", "the file is empty")])
    reader = csv.reader(io.StringIO(text), _dialect(text.splitlines()[0]))
    header = [h.strip() for h in next(reader)]
    lowered = {h.lower(): h for h in header}
    missing = [c for c in required if c.lower() not in lowered]
    if missing:
        names = ", ".join(f"`{c}`" for c in missing)
        raise InputError(
            [
                Problem(
                    f"{file}:1",
                    "",
                    f"missing column{'s' if len(missing) > 1 else ''} {names} for the {fmt} "
                    f"layout; the header has: {', '.join(header) or 'nothing'} "
                    f"(expected {', '.join(required)}; choose another layout with --format)",
                )
            ]
        )
    rows = []
    start = 2
    for record in reader:
        line = start
        start = reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        values = {h.lower(): (record[i] if i < len(record) else "") for i, h in enumerate(header)}
        rows.append(_Row(line, values))
    return rows


def _split(text: str, separators: str = ";+") -> list[str]:
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", text) if part.strip()]


def _read_plain(file: Path) -> Source:
    rows = _csv_rows(file, PLAIN_COLUMNS, "csv (class, day, slot, subject, teacher)")
    activities = []
    for row in rows:
        activities.append(
            Activity(
                where=f"{file}:{row.line}",
                ref=f"row {row.line}",
                classes=_split(row.get("class"), ";"),
                subject=row.get("subject"),
                teachers=_split(row.get("teacher"), ";"),
                room=row.get("room") or None,
                day=row.get("day") or None,
                hours=[row.get("slot")] if row.get("slot") else [],
                why_unplaced="" if row.get("day") and row.get("slot") else "no day or slot",
            )
        )
    return Source(activities)


def _read_stpauls(file: Path) -> Source:
    rows = _csv_rows(file, STPAULS_COLUMNS, "stpauls")
    activities = []
    for row in rows:
        duration = _int(row.get("duration") or "1", f"{file}:{row.line}", "duration")
        period = row.get("period")
        hours = [period] if period else []
        if period and duration > 1:
            first = _int(period, f"{file}:{row.line}", "period")
            hours = [str(first + k) for k in range(duration)]
        activities.append(
            Activity(
                where=f"{file}:{row.line}",
                ref=f"event {row.get('event_id') or row.line}",
                classes=_split(row.get("class_group"), ";"),
                subject=row.get("subject_code"),
                teachers=_split(row.get("teacher"), ";"),
                room=row.get("room") or None,
                day=row.get("day") or None,
                hours=hours,
                why_unplaced="" if row.get("day") and period else "no day or period",
            )
        )
    return Source(activities)


def _read_fet_export(file: Path) -> Source:
    """FET's `..._timetable.csv`: one row per hour of each placed activity."""
    rows = _csv_rows(file, FET_EXPORT_COLUMNS, "FET timetable export")
    activities = []
    for row in rows:
        activities.append(
            Activity(
                where=f"{file}:{row.line}",
                ref=f"activity {row.get('activity id')}",
                classes=_split(row.get("students sets"), "+"),
                subject=row.get("subject"),
                teachers=_split(row.get("teachers"), "+"),
                room=row.get("room") or None,
                day=row.get("day") or None,
                hours=[row.get("hour")] if row.get("hour") else [],
                why_unplaced="" if row.get("day") and row.get("hour") else "no day or hour",
            )
        )
    return Source(activities)


def _read_fet_rows(file: Path) -> Source:
    """One row per FET activity with its start: `activity_id, ..., duration_slots, day, slot`."""
    rows = _csv_rows(file, FET_ROWS_COLUMNS, "FET activities")
    starts = [row.get("slot") for row in rows if row.get("slot")]
    order = _hour_order(starts)
    activities = []
    for row in rows:
        where = f"{file}:{row.line}"
        duration = _int(row.get("duration_slots") or "1", where, "duration_slots")
        activity = Activity(
            where=where,
            ref=f"activity {row.get('activity_id')}",
            classes=_split(row.get("students"), ";+"),
            subject=row.get("subject"),
            teachers=_split(row.get("teachers"), ";+"),
            room=row.get("room") or None,
            day=row.get("day") or None,
        )
        locked = row.get("locked").lower()
        if not (row.get("day") and row.get("slot")):
            activity.why_unplaced = "no fixed time"
        elif locked in ("false", "no", "0"):
            activity.why_unplaced = "its time is not locked"
        else:
            activity.hours = _run(order, row.get("slot"), duration, activity)
        activities.append(activity)
    return Source(activities, hour_order=order)


def _int(text: str, where: str, column: str) -> int:
    try:
        value = int(float(text))
    except ValueError:
        raise InputError([Problem(where, column, f"{text!r} is not a whole number")]) from None
    if value < 1:
        raise InputError([Problem(where, column, f"{text!r} must be 1 or more")])
    return value


def _run(order: list[str], start: str, duration: int, activity: Activity) -> list[str]:
    """The hours an activity starting at `start` takes, in the source's hour order."""
    if duration == 1 or start not in order:
        return [start]
    first = order.index(start)
    hours = order[first : first + duration]
    if len(hours) < duration:
        activity.why_unplaced = f"it lasts {duration} hours from {start!r} but the day has only {len(hours)} left"
    return hours


_CLOCK = re.compile(r"^\s*(\d{1,2})(?:[.:h](\d{2}))?")


def _hour_order(labels: Iterable[str]) -> list[str]:
    """The source's hours in day order: by number or clock time where they have one."""
    seen = list(dict.fromkeys(labels))

    def key(label: str) -> tuple[int, float, int]:
        match = _CLOCK.match(label)
        if not match:
            return (1, 0.0, seen.index(label))
        return (0, int(match.group(1)) + int(match.group(2) or 0) / 60, seen.index(label))

    if all(_CLOCK.match(label) for label in seen):
        return sorted(seen, key=key)
    return seen


# --- FET XML ----------------------------------------------------------------------------


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


def _read_fet_xml(file: Path) -> Source:
    root = _parse_xml(file)
    days = _names(root.first("Days_List"), "Day")
    hours = _names(root.first("Hours_List"), "Hour")
    activities_list = root.first("Activities_List")
    if activities_list is None:
        raise InputError([Problem(f"{file}:{root.line}", "", "the FET file has no <Activities_List>")])
    times: dict[str, tuple[str, str]] = {}
    rooms: dict[str, str] = {}
    weak: dict[str, str] = {}
    for constraints in root.all("Time_Constraints_List"):
        for node in constraints.children:
            if node.tag not in (
                "ConstraintActivityPreferredStartingTime",
                "ConstraintActivityPreferredTime",
            ):
                continue
            if node.value("Active", "true").lower() == "false":
                continue
            act = node.value("Activity_Id")
            day, hour = node.value("Preferred_Day"), node.value("Preferred_Hour")
            if _weight(node) < 100:
                weak[act] = f"its preferred time has weight {node.value('Weight_Percentage')}%, not 100%"
            elif not (day and hour):
                weak[act] = "its preferred time names no day or no hour"
            else:
                times[act] = (day, hour)
    for constraints in root.all("Space_Constraints_List"):
        for node in constraints.all("ConstraintActivityPreferredRoom"):
            if _weight(node) >= 100 and node.value("Active", "true").lower() != "false":
                rooms[node.value("Activity_Id")] = node.value("Room")
    activities = []
    inactive = 0
    for node in activities_list.all("Activity"):
        if node.value("Active", "true").lower() == "false":
            inactive += 1
            continue
        act_id = node.value("Id")
        where = f"{file}:{node.line}"
        duration = _int(node.value("Duration", "1") or "1", where, "Duration")
        activity = Activity(
            where=where,
            ref=f"activity {act_id}",
            classes=[s.text.strip() for s in node.all("Students") if s.text.strip()],
            subject=node.value("Subject"),
            teachers=[t.text.strip() for t in node.all("Teacher") if t.text.strip()],
            room=rooms.get(act_id),
        )
        if act_id in times:
            activity.day, start = times[act_id]
            activity.hours = _run(hours or [start], start, duration, activity)
        else:
            activity.why_unplaced = weak.get(act_id, "no locked starting time")
        activities.append(activity)
    notes = [f"{inactive} inactive activities skipped"] if inactive else []
    return Source(activities, hour_order=hours, day_order=days, notes=notes)


def _weight(node: _Node) -> float:
    try:
        return float(node.value("Weight_Percentage", "100") or "100")
    except ValueError:
        return 0.0


# --- mapping onto the calendar ------------------------------------------------------------


def parse_slot_map(specs: Iterable[str] | None, calendar: Calendar) -> dict[str, str]:
    """`"9.30 - 11.00=P1,11.15 - 12.45=P2"` (one or several options) as {source hour: slot id}."""
    mapping: dict[str, str] = {}
    slot_ids = [s.id for s in calendar.slots]
    problems = []
    for spec in specs or ():
        for item in spec.split(","):
            if not item.strip():
                continue
            if "=" not in item:
                problems.append(Problem("--map", "", f"{item.strip()!r} has no `=`; write HOUR=SLOT, e.g. 1=P1"))
                continue
            hour, slot = (part.strip() for part in item.rsplit("=", 1))
            if slot not in slot_ids:
                hint = nearest(slot, slot_ids)
                problems.append(
                    Problem(
                        "--map",
                        "",
                        f"unknown slot {slot!r} for hour {hour!r}"
                        + (f"; did you mean {hint!r}?" if hint else "")
                        + f" (the calendar's slots: {', '.join(slot_ids)})",
                    )
                )
                continue
            mapping[_norm(hour)] = slot
    if problems:
        raise InputError(problems)
    return mapping


def _norm(label: str) -> str:
    return " ".join(label.split()).lower()


def _day_matcher(calendar: Calendar) -> dict[str, str]:
    return {_norm(d): d for d in calendar.days}


def _match_day(label: str, days: Sequence[str]) -> str | None:
    """A calendar day for a source day: same name, or one is an abbreviation of the other."""
    norm = _norm(label)
    exact = [d for d in days if _norm(d) == norm]
    if exact:
        return exact[0]
    if len(norm) < 2:
        return None
    prefix = [d for d in days if _norm(d).startswith(norm) or norm.startswith(_norm(d))]
    if len(prefix) == 1:
        return prefix[0]
    three = [d for d in days if _norm(d)[:3] == norm[:3]]
    return three[0] if len(three) == 1 else None


def _slot_mapping(source: Source, calendar: Calendar, explicit: dict[str, str]) -> tuple[dict[str, str], list[Problem]]:
    """Each source hour's calendar slot id (hours left out of an explicit map are unmapped).

    An hour named like a calendar slot is that slot; a number n is the n-th lesson
    slot; the other hours go onto the lesson slots in the source's hour order.
    """
    used = list(dict.fromkeys(h for a in source.activities for h in a.hours))
    if explicit:
        return {h: explicit[_norm(h)] for h in used if _norm(h) in explicit}, []
    by_id = {_norm(s.id): s.id for s in calendar.slots}
    lesson_ids = [s.id for s in calendar.slots if s.kind.value == "lesson"]
    mapping: dict[str, str] = {}
    if source.hour_order and not all(_norm(h) in by_id or h.isdigit() for h in used):
        order = source.hour_order  # FET: an hour's place in the file's list of hours
    else:
        for hour in used:
            if _norm(hour) in by_id:
                mapping[hour] = by_id[_norm(hour)]
            elif hour.isdigit() and 1 <= int(hour) <= len(lesson_ids):
                mapping[hour] = lesson_ids[int(hour) - 1]
            elif hour.isdigit():
                numbers = sorted({int(h) for h in used if h.isdigit()})
                return {}, [_too_many_hours([str(n) for n in numbers], lesson_ids)]
        order = _hour_order(h for h in used if h not in mapping)
    if len(order) > len(lesson_ids):
        return {}, [_too_many_hours(order, lesson_ids)]
    mapping.update({h: lesson_ids[i] for i, h in enumerate(order) if h in used})
    return mapping, []


def _too_many_hours(order: list[str], lesson_ids: list[str]) -> Problem:
    example = ",".join(f"{h}={s}" for h, s in zip(order, lesson_ids, strict=False)) or "1=P1"
    return Problem(
        "--map",
        "",
        f"the timetable has {len(order)} hours a day ({', '.join(order)}) and the calendar only "
        f"{len(lesson_ids)} lesson slots ({', '.join(lesson_ids) or 'none'}); say which slot each "
        f'hour is with --map, e.g. --map "{example}"',
    )


def import_timetable(source: Source, calendar: Calendar, slot_map: dict[str, str] | None = None) -> ImportResult:
    """Map a source's activities onto the calendar: the `classes` and `lessons` sections."""
    mapping, problems = _slot_mapping(source, calendar, slot_map or {})
    days = list(calendar.days)
    day_map: dict[str, str] = {}
    unknown_days: dict[str, tuple[str, int]] = {}
    for activity in source.activities:
        if activity.day and activity.hours and not activity.why_unplaced:
            if activity.day in day_map or activity.day in unknown_days:
                if activity.day in unknown_days:
                    where, count = unknown_days[activity.day]
                    unknown_days[activity.day] = (where, count + 1)
                continue
            day = _match_day(activity.day, days)
            if day is None:
                unknown_days[activity.day] = (activity.where, 1)
            else:
                day_map[activity.day] = day
    for label, (where, count) in unknown_days.items():
        hint = nearest(label, days)
        more = f" ({count - 1} more rows name it)" if count > 1 else ""
        problems.append(
            Problem(
                where,
                "day",
                f"unknown day {label!r}"
                + (f"; did you mean {hint!r}?" if hint else "")
                + f"; the calendar's days are {', '.join(days)}{more}",
            )
        )
    if problems:
        raise InputError(problems)

    warnings = [f"note: {note}" for note in source.notes]
    lessons: list[dict[str, Any]] = []
    taken: dict[tuple[str, str, str], str] = {}
    teachers: dict[str, Counter[str]] = defaultdict(Counter)
    rooms: dict[str, Counter[str]] = defaultdict(Counter)
    order: list[str] = []
    left_out: dict[str, list[Activity]] = defaultdict(list)
    placed = 0
    for activity in source.activities:
        label = _label(activity)
        if activity.why_unplaced or not activity.day or not activity.hours:
            warnings.append(f"{activity.where}: {label} not imported: {activity.why_unplaced or 'no time'}")
            continue
        if not activity.classes:
            warnings.append(f"{activity.where}: {label} not imported: it names no class or group")
            continue
        unmapped = [h for h in activity.hours if h not in mapping]
        if unmapped:
            left_out[unmapped[0]].append(activity)
            continue
        day = day_map[activity.day]
        placed += 1
        for class_id in activity.classes:
            if class_id not in teachers:
                order.append(class_id)
            for teacher in activity.teachers:
                teachers[class_id][teacher] += 1
            if not activity.teachers:
                teachers[class_id][""] += 1
            rooms[class_id][activity.room or ""] += 1
            for hour in activity.hours:
                slot = mapping[hour]
                key = (class_id, day, slot)
                if key in taken:
                    warnings.append(
                        f"{activity.where}: {label}: class {class_id!r} already has "
                        f"{taken[key]} at {day} {slot}; this lesson is left out"
                    )
                    continue
                taken[key] = activity.subject or "a lesson"
                lesson = {"class": class_id, "when": f"{day} {slot}", "subject": activity.subject or "unknown"}
                if len(activity.teachers) == 1:
                    lesson["teacher"] = activity.teachers[0]
                lessons.append(lesson)
    for hour, missed in left_out.items():
        refs = ", ".join(a.ref for a in missed[:8]) + (", ..." if len(missed) > 8 else "")
        warnings.append(
            f"{missed[0].where}: {len(missed)} activit{'y' if len(missed) == 1 else 'ies'} at hour "
            f"{hour!r} not imported: the hour has no slot in the calendar; add it to --map ({refs})"
        )
    classes = [_class_entry(c, teachers[c], rooms[c]) for c in order]
    # A lesson names its teacher only where its class has no single teacher of its own.
    single = {c["id"] for c in classes if "teacher" in c}
    for lesson in lessons:
        if lesson["class"] in single:
            lesson.pop("teacher", None)
    named = dict.fromkeys(t for c in order for t in teachers[c] if t)
    return ImportResult(
        teachers=[{"id": t} for t in named],
        classes=classes,
        lessons=lessons,
        warnings=warnings,
        activities=len(source.activities),
        placed=placed,
        slot_map=mapping,
        day_map=day_map,
    )


def _label(activity: Activity) -> str:
    what = ", ".join(x for x in (activity.subject, "+".join(activity.classes)) if x)
    return f"{activity.ref} ({what})" if what else activity.ref


_YEAR = re.compile(r"^(?:y(?:ear)?\s*)?(\d{1,2})(?![\d])", re.IGNORECASE)


def _class_entry(class_id: str, teachers: Counter[str], rooms: Counter[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": class_id}
    named = [t for t in teachers if t]
    if len(named) == 1 and "" not in teachers:
        entry["teacher"] = named[0]
    match = _YEAR.match(class_id)
    if match and 1 <= int(match.group(1)) <= 14:
        entry["year"] = int(match.group(1))
    if len(rooms) == 1 and "" not in rooms:
        entry["room"] = next(iter(rooms))
    return entry


# --- writing ------------------------------------------------------------------------------


class _PartDumper(yaml.SafeDumper):
    pass


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = "id" in data or "class" in data  # one class or lesson per line
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_PartDumper.add_representer(dict, _represent_dict)


def part_text(result: ImportResult, source_name: str) -> str:
    """The imported sections as YAML, with a header saying where they came from."""
    body = yaml.dump(result.document(), Dumper=_PartDumper, sort_keys=False, allow_unicode=True, width=120)
    mapped = ", ".join(f"{h} = {s}" for h, s in result.slot_map.items())
    header = (
        f"# classes and lessons imported from {Path(source_name).name} "
        "by tasched import-timetable\n"
        f"# {len(result.classes)} classes, {len(result.lessons)} lessons; hours mapped: {mapped}\n"
        "# Paste these sections into the school file (they use its calendar's days and slots).\n"
    )
    return header + body


def write_part(result: ImportResult, path: str | Path, source_name: str) -> None:
    """Write the part file atomically."""
    text = part_text(result, source_name).encode("utf-8")

    def write(handle: IO[bytes]) -> None:
        handle.write(text)

    write_atomic(path, write)


def import_file(
    source: str | Path,
    calendar: str | Path,
    output: str | Path,
    *,
    fmt: str = "auto",
    slot_map: Iterable[str] | None = None,
) -> ImportResult:
    """The whole job: read the calendar and the source, map, and write the part file."""
    refuse_overwriting_input(output, source, calendar)
    cal = read_calendar(calendar)
    mapping = parse_slot_map(slot_map, cal)
    result = import_timetable(read_source(source, fmt), cal, mapping)
    write_part(result, output, str(source))
    return result
