"""Checks of the calendar and the when-expressions that name its days and slots.

Day and slot ids are the words of every when-expression, so each must be unique,
free of the characters that separate an expression's parts, and distinct from
the slot kinds; slots are listed in time order and never overlap.
"""

from __future__ import annotations

import re

from tasched.input.model import SchoolData, Slot, minutes_of
from tasched.input.validate.facts import DocPath, SchoolFacts
from tasched.input.when import SLOT_KINDS

_NAME_BREAKERS = re.compile(r"[\s,*-]")


def _unusable(what: str, name: str) -> str | None:
    """Why a day or slot id cannot be written in a when-expression, if it cannot."""
    if _NAME_BREAKERS.search(name):
        return (
            f"{what} '{name}' cannot be used in when-expressions: spaces, commas, '-' and '*' "
            "separate their parts; use '_' instead"
        )
    return None


def check_days(school: SchoolFacts) -> None:
    """Day ids are unique and usable in when-expressions."""
    seen: dict[str, int] = {}
    slot_ids = {s.id for s in school.data.calendar.slots}
    for i, day in enumerate(school.data.calendar.days):
        path: DocPath = ("calendar", "days", i)
        if day in seen:
            school.add(path, f"day '{day}' is listed twice (also days[{seen[day]}]); list each day once")
            continue
        seen[day] = i
        unusable = _unusable("day", day)
        if unusable:
            school.add(path, unusable)
        elif day in SLOT_KINDS or day in slot_ids:
            school.add(path, f"day '{day}' is also the name of a slot or slot kind; rename the day")


def check_slots(school: SchoolFacts) -> None:
    """Slot ids are unique and usable in when-expressions; slots are in time order, no overlap."""
    slots = school.data.calendar.slots
    days = set(school.data.calendar.days)
    seen: dict[str, int] = {}
    for i, slot in enumerate(slots):
        _check_slot_id(school, i, slot, seen, days)
        if i in school.partial.untimed or (i > 0 and i - 1 in school.partial.untimed):
            continue  # its times are reported by the model
        _check_slot_times(school, i, slot, slots[i - 1] if i > 0 else None)


def _check_slot_id(school: SchoolFacts, i: int, slot: Slot, seen: dict[str, int], days: set[str]) -> None:
    """A slot's id is unique, and names it alone in a when-expression."""
    path: DocPath = ("calendar", "slots", i, "id")
    if slot.id in seen:
        school.add(path, f"slot id '{slot.id}' is used twice (also slots[{seen[slot.id]}]); ids are unique")
    else:
        seen[slot.id] = i
    unusable = _unusable("slot id", slot.id)
    if unusable:
        school.add(path, unusable)
    elif slot.id in SLOT_KINDS:
        school.add(
            path,
            f"slot id '{slot.id}' is the name of a slot kind, so `{slot.id}` in a "
            f"when-expression would be ambiguous; rename it, e.g. '{slot.id.capitalize()}1'",
        )
    elif slot.id in days:
        school.add(path, f"slot id '{slot.id}' is also a day; rename the slot")


def _check_slot_times(school: SchoolFacts, i: int, slot: Slot, before: Slot | None) -> None:
    """A slot ends after it starts, and starts once the slot above it has ended."""
    path: DocPath = ("calendar", "slots", i)
    if minutes_of(slot.end) <= minutes_of(slot.start):
        school.add((*path, "end"), f"slot {slot.id} ends at {slot.end}, not after its start {slot.start}")
    if before is None:
        return
    if minutes_of(slot.start) < minutes_of(before.start):
        school.add(
            (*path, "start"),
            f"slot {slot.id} starts at {slot.start}, before the slot above it ({before.id}, "
            f"{before.start}); list slots in time order",
        )
    elif minutes_of(slot.start) < minutes_of(before.end):
        school.add(
            (*path, "start"),
            f"slot {slot.id} starts at {slot.start}, before {before.id} ends at {before.end}; slots must not overlap",
        )


def when_fields(data: SchoolData) -> list[tuple[DocPath, str | None]]:
    """Every when-expression in a school, with its path."""
    fields: list[tuple[DocPath, str | None]] = [(("calendar", "closed"), data.calendar.closed)]
    for i, adult in enumerate(data.staff):
        fields += [(("staff", i, "available"), adult.available)]
        fields += [(("staff", i, "unavailable"), adult.unavailable)]
    for i, teacher in enumerate(data.teachers):
        fields += [(("teachers", i, "available"), teacher.available)]
        fields += [(("teachers", i, "unavailable"), teacher.unavailable)]
    fields += [(("teacher_absences", i, "when"), x.when) for i, x in enumerate(data.teacher_absences)]
    fields += [(("lessons", i, "when"), x.when) for i, x in enumerate(data.lessons)]
    fields += [(("support", i, "when"), x.when) for i, x in enumerate(data.support)]
    for i, pupil in enumerate(data.pupils):
        if pupil.ehcp is not None:
            fields.append((("pupils", i, "ehcp", "when"), pupil.ehcp.when))
        if pupil.medical is not None:
            fields.append((("pupils", i, "medical", "when"), pupil.medical.when))
    fields += [(("interventions", i, "when"), x.when) for i, x in enumerate(data.interventions)]
    fields += [(("duties", i, "when"), x.when) for i, x in enumerate(data.duties)]
    fields += [(("pins", i, "when"), x.when) for i, x in enumerate(data.pins)]
    fields += [(("absences", i, "when"), x.when) for i, x in enumerate(data.absences)]
    if data.term is not None:
        fields += [(("term", "closed", i, "when"), x.when) for i, x in enumerate(data.term.closed)]
    return fields


def check_when_expressions(school: SchoolFacts) -> None:
    """Every when-expression names real days and slots (errors name the token, nearest name)."""
    for path, expr in when_fields(school.data):
        school.when(path, expr)
