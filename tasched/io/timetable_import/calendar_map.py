"""The school's calendar, and how a source's days and hours map onto its days and lesson slots.

Days match by name or abbreviation (``Monday`` is ``Mon``). Hours are the
calendar's slot ids already, lesson numbers, or are laid onto the lesson slots
in the source's hour order, unless ``--map`` says which slot each hour is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import ValidationError

from tasched.errors import InputError, Problem, field_path
from tasched.input.model import Calendar
from tasched.input.when import nearest
from tasched.io.loader import read_yaml
from tasched.io.timetable_import.activities import Source, hour_order

__all__ = ["day_mapping", "parse_slot_map", "read_calendar", "slot_mapping"]


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
                problems.append(_unknown_slot(hour, slot, slot_ids))
                continue
            mapping[_norm(hour)] = slot
    if problems:
        raise InputError(problems)
    return mapping


def _unknown_slot(hour: str, slot: str, slot_ids: list[str]) -> Problem:
    hint = nearest(slot, slot_ids)
    return Problem(
        "--map",
        "",
        f"unknown slot {slot!r} for hour {hour!r}"
        + (f"; did you mean {hint!r}?" if hint else "")
        + f" (the calendar's slots: {', '.join(slot_ids)})",
    )


def _norm(label: str) -> str:
    return " ".join(label.split()).lower()


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


def day_mapping(source: Source, calendar: Calendar) -> tuple[dict[str, str], list[Problem]]:
    """Each source day of a placed activity as a calendar day; a day that matches none is a problem."""
    days = list(calendar.days)
    day_map: dict[str, str] = {}
    unknown: dict[str, tuple[str, int]] = {}  # first place it is named, and how many rows name it
    for activity in source.activities:
        label = activity.day
        if not (label and activity.hours and not activity.why_unplaced):
            continue
        if label in unknown:
            where, count = unknown[label]
            unknown[label] = (where, count + 1)
        elif label not in day_map:
            day = _match_day(label, days)
            if day is None:
                unknown[label] = (activity.where, 1)
            else:
                day_map[label] = day
    return day_map, [_unknown_day(label, where, count, days) for label, (where, count) in unknown.items()]


def _unknown_day(label: str, where: str, count: int, days: list[str]) -> Problem:
    hint = nearest(label, days)
    more = f" ({count - 1} more rows name it)" if count > 1 else ""
    return Problem(
        where,
        "day",
        f"unknown day {label!r}"
        + (f"; did you mean {hint!r}?" if hint else "")
        + f"; the calendar's days are {', '.join(days)}{more}",
    )


def slot_mapping(source: Source, calendar: Calendar, explicit: dict[str, str]) -> tuple[dict[str, str], list[Problem]]:
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
        order = hour_order(h for h in used if h not in mapping)
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
