"""Cross-field checks: is the school's input consistent with itself?

The model (:mod:`tasched.model`) checks each value's type and range; this module
checks what needs the whole document: ids exist and are unique, when-expressions
name real days and slots, the calendar's slots are in order, a pupil's classes
never meet at once, and the like. Each check is one small function adding
Problems that name the place, the field and the fix.

These checks are about the input's consistency only. Whether the demands can be
met (enough skilled staff, enough hours) is the solver's diagnosis, not this.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from tasched.errors import InputError, Problem, field_path
from tasched.model import SchoolData, minutes_of
from tasched.week import shape_of
from tasched.when import SLOT_KINDS, DaySlot, WeekShape, WhenError, nearest, parse_when

__all__ = ["check_school", "validate_file"]

DocPath = tuple[str | int, ...]
Locate = Callable[[DocPath], str]

_NAME_BREAKERS = re.compile(r"[\s,*-]")


def _nowhere(path: DocPath) -> str:
    return ""


def validate_file(path: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in a school file (reading, types and cross-field checks); [] when valid."""
    from tasched.loader import load_school

    try:
        load_school(path)
    except InputError as error:
        return error.problems
    return []


def check_school(data: SchoolData, locate: Locate = _nowhere) -> list[Problem]:
    """Every cross-field problem in a school; ``locate(path)`` says where a path is in the file."""
    school = _School(data, locate)
    for check in CHECKS:
        check(school)
    return school.problems


# --- shared facts ----------------------------------------------------------------------


@dataclass
class _School:
    """The school plus facts computed once, leniently: bad expressions count as naming nothing."""

    data: SchoolData
    locate: Locate
    problems: list[Problem] = field(default_factory=list)
    shape: WeekShape = field(init=False)
    _when: dict[DocPath, set[DaySlot] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.shape = shape_of(self.data)

    def add(self, path: DocPath, message: str) -> None:
        self.problems.append(Problem(self.locate(path), field_path(path), message))

    def when(self, path: DocPath, expr: str | None) -> set[DaySlot] | None:
        """The slots an expression names, or None when it does not parse (reported once)."""
        if path not in self._when:
            try:
                self._when[path] = parse_when(expr, self.shape)
            except WhenError as error:
                self._when[path] = None
                self.add(path, f"{error}")
        return self._when[path]

    @property
    def week(self) -> set[DaySlot]:
        closed = self.when(("calendar", "closed"), self.data.calendar.closed) or set()
        return self.shape.everything() - closed

    def meetings(self) -> dict[str, set[DaySlot]]:
        """When each class meets (see docs/rules.md), skipping lessons that do not parse."""
        listed: dict[str, set[DaySlot]] = defaultdict(set)
        for i, lesson in enumerate(self.data.lessons):
            listed[lesson.class_] |= self.when(("lessons", i, "when"), lesson.when) or set()
        lesson_kind = {(d, s) for d, s in self.shape.everything() if self.shape.kinds[s] == "lesson"}
        week = self.week
        return {c.id: listed.get(c.id, lesson_kind) & week for c in self.data.classes}

    def places(self) -> dict[str, dict[DaySlot, str]]:
        """Each pupil's class at each slot where one of their classes meets (first listed wins)."""
        meetings = self.meetings()
        result: dict[str, dict[DaySlot, str]] = {}
        for pupil in self.data.pupils:
            where: dict[DaySlot, str] = {}
            for class_id in pupil.classes:
                for slot in meetings.get(class_id, set()):
                    where.setdefault(slot, class_id)
            result[pupil.id] = where
        return result

    def subjects(self) -> dict[tuple[str, DaySlot], str]:
        result: dict[tuple[str, DaySlot], str] = {}
        for i, lesson in enumerate(self.data.lessons):
            for slot in self.when(("lessons", i, "when"), lesson.when) or set():
                result[(lesson.class_, slot)] = lesson.subject
        return result

    def slot_names(self, slots: Iterable[DaySlot], limit: int = 4) -> str:
        ordered = sorted(slots)
        names = [f"{self.shape.days[d]} {self.shape.slots[s]}" for d, s in ordered[:limit]]
        more = len(ordered) - limit
        return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _unknown(what: str, value: str, choices: Sequence[str], section: str) -> str:
    """`unknown class 'Y3b'; did you mean 'Y3B'?`, or what the valid names are."""
    choices = list(dict.fromkeys(choices))
    message = f"unknown {what} '{value}'"
    near = nearest(value, choices)
    if near:
        return f"{message}; did you mean '{near}'?"
    if not choices:
        return f"{message}; none is listed under `{section}:`"
    if len(choices) <= 8:
        return f"{message}; known: {', '.join(choices)}"
    return f"{message}; add it under `{section}:` or correct the id"


# --- calendar ----------------------------------------------------------------------------


def check_days(school: _School) -> None:
    """Day ids are unique and usable in when-expressions."""
    seen: dict[str, int] = {}
    slot_ids = {s.id for s in school.data.calendar.slots}
    for i, day in enumerate(school.data.calendar.days):
        path: DocPath = ("calendar", "days", i)
        if day in seen:
            school.add(path, f"day '{day}' is listed twice (also days[{seen[day]}]); list each day once")
            continue
        seen[day] = i
        if _NAME_BREAKERS.search(day):
            school.add(
                path,
                f"day '{day}' cannot be used in when-expressions: spaces, commas, '-' and '*' "
                "separate their parts; use '_' instead",
            )
        elif day in SLOT_KINDS or day in slot_ids:
            school.add(path, f"day '{day}' is also the name of a slot or slot kind; rename the day")


def check_slots(school: _School) -> None:
    """Slot ids are unique and usable in when-expressions; slots are in time order, no overlap."""
    slots = school.data.calendar.slots
    days = set(school.data.calendar.days)
    seen: dict[str, int] = {}
    for i, slot in enumerate(slots):
        path: DocPath = ("calendar", "slots", i)
        if slot.id in seen:
            school.add(
                (*path, "id"),
                f"slot id '{slot.id}' is used twice (also slots[{seen[slot.id]}]); ids are unique",
            )
        else:
            seen[slot.id] = i
        if _NAME_BREAKERS.search(slot.id):
            school.add(
                (*path, "id"),
                f"slot id '{slot.id}' cannot be used in when-expressions: spaces, commas, '-' and "
                "'*' separate their parts; use '_' instead",
            )
        elif slot.id in SLOT_KINDS:
            school.add(
                (*path, "id"),
                f"slot id '{slot.id}' is the name of a slot kind, so `{slot.id}` in a "
                f"when-expression would be ambiguous; rename it, e.g. '{slot.id.capitalize()}1'",
            )
        elif slot.id in days:
            school.add((*path, "id"), f"slot id '{slot.id}' is also a day; rename the slot")
        if minutes_of(slot.end) <= minutes_of(slot.start):
            school.add(
                (*path, "end"),
                f"slot {slot.id} ends at {slot.end}, not after its start {slot.start}",
            )
        if i == 0:
            continue
        before = slots[i - 1]
        if minutes_of(slot.start) < minutes_of(before.start):
            school.add(
                (*path, "start"),
                f"slot {slot.id} starts at {slot.start}, before the slot above it ({before.id}, "
                f"{before.start}); list slots in time order",
            )
        elif minutes_of(slot.start) < minutes_of(before.end):
            school.add(
                (*path, "start"),
                f"slot {slot.id} starts at {slot.start}, before {before.id} ends at {before.end}; "
                "slots must not overlap",
            )


# --- when-expressions ---------------------------------------------------------------------


def when_fields(data: SchoolData) -> list[tuple[DocPath, str | None]]:
    """Every when-expression in a school, with its path."""
    fields: list[tuple[DocPath, str | None]] = [(("calendar", "closed"), data.calendar.closed)]
    for i, adult in enumerate(data.staff):
        fields += [(("staff", i, "available"), adult.available)]
        fields += [(("staff", i, "unavailable"), adult.unavailable)]
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
    return fields


def check_when_expressions(school: _School) -> None:
    """Every when-expression names real days and slots (errors name the token, nearest name)."""
    for path, expr in when_fields(school.data):
        school.when(path, expr)


# --- ids ---------------------------------------------------------------------------------

_SECTIONS = ("staff", "classes", "pupils", "interventions", "duties", "rooms")


def check_duplicate_ids(school: _School) -> None:
    """Ids are unique within each section."""
    for section in _SECTIONS:
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(school.data, section)):
            if item.id in seen:
                first = seen[item.id]
                where = school.locate((section, first))
                also = f"{section}[{first}]" + (f" at {where}" if where else "")
                school.add((section, i, "id"), f"duplicate id '{item.id}' (also {also}); ids are unique")
            else:
                seen[item.id] = i


def _check_list(school: _School, path: DocPath, values: list[str], choices: list[str], what: str,
                section: str) -> None:  # fmt: skip
    known = set(choices)
    for j, value in enumerate(values):
        if value not in known:
            school.add((*path, j), _unknown(what, value, choices, section))
        elif value in values[:j]:
            school.add((*path, j), f"{what} '{value}' is listed twice; list it once")


def check_class_refs(school: _School) -> None:
    """lessons, support and pupils name classes that exist."""
    classes = [c.id for c in school.data.classes]
    known = set(classes)
    for section in ("lessons", "support"):
        for i, row in enumerate(getattr(school.data, section)):
            if row.class_ not in known:
                school.add((section, i, "class"), _unknown("class", row.class_, classes, "classes"))
    for i, pupil in enumerate(school.data.pupils):
        _check_list(school, ("pupils", i, "classes"), pupil.classes, classes, "class", "classes")


def check_pupil_refs(school: _School) -> None:
    """Interventions name pupils that exist."""
    pupils = [p.id for p in school.data.pupils]
    for i, item in enumerate(school.data.interventions):
        _check_list(school, ("interventions", i, "pupils"), item.pupils, pupils, "pupil", "pupils")


def check_staff_refs(school: _School) -> None:
    """Pins and absences name adults that exist."""
    staff = [s.id for s in school.data.staff]
    known = set(staff)
    for section in ("pins", "absences"):
        for i, row in enumerate(getattr(school.data, section)):
            if row.staff not in known:
                school.add((section, i, "staff"), _unknown("adult", row.staff, staff, "staff"))


def _task_problem(school: _School, task: str) -> str | None:
    if task == "free":
        return None
    kind, _, ident = task.partition(":")
    section = {
        "class": "classes",
        "pupil": "pupils",
        "intervention": "interventions",
        "duty": "duties",
    }
    ids = [item.id for item in getattr(school.data, section[kind])]
    if ident not in ids:
        message = _unknown(kind, ident, ids, section[kind])
        return message.replace("did you mean '", f"did you mean '{kind}:", 1)
    if kind == "pupil":
        pupil = next(p for p in school.data.pupils if p.id == ident)
        if pupil.ehcp is None:
            return f"pupil '{ident}' has no `ehcp`, so there is no task {task} (EHC support)"
    return None


def check_task_refs(school: _School) -> None:
    """Pins and preferences name tasks that exist."""
    for i, pin in enumerate(school.data.pins):
        problem = _task_problem(school, pin.task)
        if problem:
            school.add(("pins", i, "task"), problem)
    for i, adult in enumerate(school.data.staff):
        for j, task in enumerate(adult.prefer):
            problem = _task_problem(school, task)
            if problem:
                school.add(("staff", i, "prefer", j), problem)


def check_room_kinds(school: _School) -> None:
    """An intervention's room_kind is the kind of some room."""
    kinds = list(dict.fromkeys(r.kind for r in school.data.rooms))
    for i, item in enumerate(school.data.interventions):
        if item.room_kind is None or item.room_kind in kinds:
            continue
        near = nearest(item.room_kind, kinds)
        message = f"no room has kind '{item.room_kind}'"
        if near:
            message += f"; did you mean '{near}'?"
        else:
            message += f"; add a room with `kind: {item.room_kind}` under `rooms:`, or drop `room_kind`"
        school.add(("interventions", i, "room_kind"), message)


def check_subject_names(school: _School) -> None:
    """Subjects named by avoid_subjects and ehcp.subjects are subjects of some lesson."""
    subjects = sorted({lesson.subject for lesson in school.data.lessons})
    if not subjects:
        return
    known = set(subjects)
    named: list[tuple[DocPath, list[str]]] = []
    for i, item in enumerate(school.data.interventions):
        named.append((("interventions", i, "avoid_subjects"), item.avoid_subjects))
    for i, pupil in enumerate(school.data.pupils):
        if pupil.ehcp is not None and pupil.ehcp.subjects:
            named.append((("pupils", i, "ehcp", "subjects"), pupil.ehcp.subjects))
    for path, values in named:
        for j, subject in enumerate(values):
            if subject not in known:
                school.add((*path, j), _unknown("subject", subject, subjects, "lessons"))


# --- the week ------------------------------------------------------------------------------


def check_lesson_overlaps(school: _School) -> None:
    """A class has at most one lesson in any slot."""
    taken: dict[str, dict[DaySlot, int]] = defaultdict(dict)
    for i, lesson in enumerate(school.data.lessons):
        slots = school.when(("lessons", i, "when"), lesson.when) or set()
        mine = taken[lesson.class_]
        clash = {t for t in slots if t in mine}
        if clash:
            other = mine[min(clash)]
            school.add(
                ("lessons", i, "when"),
                f"class '{lesson.class_}' already has a lesson at {school.slot_names(clash)} "
                f"(lessons[{other}], {school.data.lessons[other].subject}); a class has one lesson "
                "at a time",
            )
        for t in slots:
            mine.setdefault(t, i)


def check_pupil_clashes(school: _School) -> None:
    """No two of a pupil's classes meet in the same slot."""
    meetings = school.meetings()
    with_lessons = {lesson.class_ for lesson in school.data.lessons}
    for i, pupil in enumerate(school.data.pupils):
        for k, second in enumerate(pupil.classes):
            if second in pupil.classes[:k]:
                continue
            for first in pupil.classes[:k]:
                if first not in meetings or second not in meetings:
                    continue
                both = meetings[first] & meetings[second]
                if not both:
                    continue
                message = (
                    f"pupil '{pupil.id}' is in classes '{first}' and '{second}', which both meet "
                    f"at {school.slot_names(both)}; a pupil is in one class at a time, so fix the "
                    "classes' lessons or the pupil's classes"
                )
                if first not in with_lessons or second not in with_lessons:
                    message += " (a class with no `lessons` meets in every lesson slot)"
                school.add(("pupils", i, "classes", k), message)
                break


def check_support_overlaps(school: _School) -> None:
    """Two support rows of one class never cover the same slot."""
    meetings = school.meetings()
    covered: dict[str, dict[DaySlot, int]] = defaultdict(dict)
    for i, row in enumerate(school.data.support):
        meets = meetings.get(row.class_, set())
        if row.when is None:
            cover = set(meets)
        else:
            named = school.when(("support", i, "when"), row.when)
            if named is None:
                continue
            cover = named & meets
        mine = covered[row.class_]
        clash = {t for t in cover if t in mine}
        if clash:
            other = mine[min(clash)]
            path: DocPath = ("support", i, "when") if row.when is not None else ("support", i)
            school.add(
                path,
                f"support[{other}] already covers class '{row.class_}' at "
                f"{school.slot_names(clash)}; give each slot of a class to one support row "
                "(narrow `when`)",
            )
        for t in cover:
            mine.setdefault(t, i)


def check_intervention_slots(school: _School) -> None:
    """Some open slot in an intervention's `when` is at least `minutes` long."""
    lengths = [s.minutes for s in school.data.calendar.slots]
    week = school.week
    for i, item in enumerate(school.data.interventions):
        named = school.when(("interventions", i, "when"), item.when)
        if named is None:
            continue
        allowed = named & week
        if not allowed:
            school.add(
                ("interventions", i, "when"),
                f"`when: {item.when}` names no open slot, so no session can be held; widen `when`",
            )
            continue
        longest = max(allowed, key=lambda t: (lengths[t[1]], -t[1]))
        if lengths[longest[1]] < item.minutes:
            school.add(
                ("interventions", i, "minutes"),
                f"a {item.minutes}-minute session fits no slot in `when: {item.when}`: the longest "
                f"is {school.shape.slots[longest[1]]} ({lengths[longest[1]]} minutes); shorten "
                "`minutes` or allow longer slots in `when`",
            )


def check_liaison_minutes(school: _School) -> None:
    """rules.liaison_minutes fits inside every adult's contracted time."""
    liaison = school.data.rules.liaison_minutes
    short = [s for s in school.data.staff if liaison > s.hours * 60]
    if short:
        names = ", ".join(f"'{s.id}' ({s.hours:g} h = {s.hours * 60:g} min)" for s in short[:4])
        more = f" and {len(short) - 4} more" if len(short) > 4 else ""
        school.add(
            ("rules", "liaison_minutes"),
            f"liaison_minutes {liaison} is more than the contracted minutes of {names}{more}; lower it",
        )


def check_ehcp_slots(school: _School) -> None:
    """Some slot remains in which each EHC plan's support could be given."""
    places = school.places()
    subjects = school.subjects()
    week = school.week
    known_classes = {c.id for c in school.data.classes}
    for i, pupil in enumerate(school.data.pupils):
        plan = pupil.ehcp
        if plan is None or not known_classes.issuperset(pupil.classes):
            continue  # an unknown class is reported on its own
        lessons = set(places[pupil.id])
        base: DocPath = ("pupils", i, "ehcp")
        if plan.when is None:
            slots = set(lessons)
        else:
            named = school.when((*base, "when"), plan.when)
            if named is None:
                continue
            slots = named & week
        if not slots:
            where = (*base, "when") if plan.when is not None else ("pupils", i, "classes")
            reason = (
                f"`when: {plan.when}` names no open slot"
                if plan.when is not None
                else "the pupil's classes meet in no open slot"
            )
            school.add(where, f"pupil '{pupil.id}''s EHC support can never be given: {reason}")
            continue
        if plan.subjects:
            wanted = set(plan.subjects)
            slots = {t for t in slots if subjects.get((places[pupil.id].get(t, ""), t)) in wanted}
            if not slots:
                school.add(
                    (*base, "subjects"),
                    f"pupil '{pupil.id}' has no lesson in {', '.join(plan.subjects)} within the "
                    "plan's `when`, so EHC support can never be given; check `subjects`",
                )
                continue
        if plan.mode.value == "in_class" and not slots & lessons:
            school.add(
                (*base, "when"),
                f"pupil '{pupil.id}' has no lesson in any slot of `when: {plan.when}`, and "
                "in-class support needs a lesson; add lesson slots to `when`, or set "
                "`mode: withdrawn` or `mode: any`",
            )


CHECKS: tuple[Callable[[_School], None], ...] = (
    check_days,
    check_slots,
    check_when_expressions,
    check_duplicate_ids,
    check_class_refs,
    check_pupil_refs,
    check_staff_refs,
    check_task_refs,
    check_room_kinds,
    check_subject_names,
    check_lesson_overlaps,
    check_pupil_clashes,
    check_support_overlaps,
    check_intervention_slots,
    check_liaison_minutes,
    check_ehcp_slots,
)
