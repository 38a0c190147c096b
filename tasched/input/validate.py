"""Cross-field checks: is the school's input consistent with itself?

The model (:mod:`tasched.input.model`) checks each value's type and range; this module
checks what needs the whole document: ids exist and are unique, when-expressions
name real days and slots, the calendar's slots are in order, a pupil's classes
never meet at once, and the like. Each check is one small function adding
Problems that name the place, the field and the fix.

These checks are about the input's consistency only. Whether the demands can be
met (enough skilled staff, enough hours) is the solver's diagnosis, not this.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from tasched.errors import Problem, field_path
from tasched.input.introspect import model_class
from tasched.input.model import Calendar, Phase, School, SchoolData, Slot, SlotKind, minutes_of
from tasched.input.term import floor_hours, planned_hours, programme_span, week_count
from tasched.input.week import shape_of
from tasched.input.when import SLOT_KINDS, DaySlot, WeekShape, WhenError, nearest, parse_when

__all__ = ["Partial", "check_school", "salvage", "typo_of"]

DocPath = tuple[str | int, ...]
Locate = Callable[[DocPath], str]

_NAME_BREAKERS = re.compile(r"[\s,*-]")


def _nowhere(path: DocPath) -> str:
    return ""


def check_school(data: SchoolData, locate: Locate = _nowhere, partial: Partial | None = None) -> list[Problem]:
    """Every cross-field problem in a school; ``locate(path)`` says where a path is in the file.

    ``partial`` describes a school salvaged from a file the model refused (see
    :func:`salvage`): the checks then run on what is left, and stay quiet about
    what the refused parts make unknowable.
    """
    school = _School(data, locate, partial=partial or Partial(data))
    for check in CHECKS:
        if school.partial.calendar_ok or check not in NEEDS_CALENDAR:
            check(school)
    return school.problems


# --- what is left of a school the model refused ----------------------------------------------


@dataclass
class Partial:
    """The parts of a school file that passed the model, and what the rest leaves unknown.

    Items the model refused are left out of ``data``; ``index`` maps each kept
    item back to its place in the file, ``ghosts`` holds the ids of items left out
    (so references to them are not reported again as unknown), and ``held`` the
    skills, subjects and room kinds they mention.
    """

    data: SchoolData
    calendar_ok: bool = True
    """False when days or slots cannot be read: nothing about the week can be checked."""
    untimed: set[int] = field(default_factory=set)
    """Slots whose times are wrong (their ids and kinds are fine)."""
    index: dict[str, list[int]] = field(default_factory=dict)
    ghosts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    broken: set[str] = field(default_factory=set)
    """Sections that are not lists at all: references into them cannot be checked."""
    held: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Names mentioned by left-out items: 'skills' and 'subjects' of staff, 'kinds' of rooms,
    'lesson_subjects' of lessons."""
    unsure: set[str] = field(default_factory=set)
    """'skills' or 'subjects' when some left-out adult's could not be read."""
    unsure_classes: set[str] = field(default_factory=set)
    """Classes some of whose lessons were left out: when they meet is not known."""
    lossless: bool = True
    """True when nothing but unknown fields was left out: every check, diagnosis too, can run."""

    def raw_index(self, section: str, i: int) -> int:
        rows = self.index.get(section)
        return rows[i] if rows is not None and 0 <= i < len(rows) else i

    def known(self, section: str, ids: Iterable[str]) -> set[str] | None:
        """The ids a reference into ``section`` may name; None when the section is unreadable."""
        if section in self.broken:
            return None
        return set(ids) | self.ghosts.get(section, set())


_NAME_KEYS = ("name", "first_name", "surname", "last_name", "full_name", "dob", "date_of_birth")
_CALENDAR_SECTIONS = {"calendar"}


def salvage(raw: Any) -> Partial | None:
    """What the cross-field checks can still use from a school the model refused.

    ``raw`` is the plain document (empty values already dropped). Unknown fields are
    left out; an item of a list section that is still refused is left out whole (its
    id kept as a ghost); a slot whose only fault is its times is kept with its id and
    kind; a calendar that cannot be read otherwise stops the checks of the week.
    None when the document is not a mapping at all.
    """
    if not isinstance(raw, dict):
        return None
    doc = copy.deepcopy(raw)
    parts: dict[str, Any] = {}
    info = Partial(SchoolData.model_construct(school=_placeholder_school(), calendar=_placeholder_calendar()))
    for name, spec in SchoolData.model_fields.items():
        key = spec.alias or name
        value = doc.get(key, doc.get(name))
        item_type = _list_item(spec.annotation)
        if name == "calendar":
            parts[name] = _salvage_calendar(value, info)
        elif item_type is not None:
            parts[name] = _salvage_list(key, value, item_type, info)
        else:
            model = _model_of(spec.annotation)
            if model is None:
                continue
            parts[name] = _salvage_mapping(value, model, info)
    fields = {spec.alias or name: name for name, spec in SchoolData.model_fields.items()}
    for key in doc:
        near = nearest(str(key), list(fields)) if key not in fields else None
        if near is not None and near not in doc:  # a misspelt section: what it holds is unknown
            info.broken.add(near)
            info.lossless = False
    for name, spec in SchoolData.model_fields.items():
        if parts.get(name) is None:
            if spec.is_required():
                parts[name] = _PLACEHOLDER[name]() if name in _PLACEHOLDER else None
            else:
                parts[name] = spec.get_default(call_default_factory=True)
    if any(parts[name] is None for name, spec in SchoolData.model_fields.items() if spec.is_required()):
        return None  # an optional section (e.g. `term`) may be None
    info.data = SchoolData.model_construct(**parts)
    return info


def _placeholder_school() -> School:
    return School(name="?", phase=Phase.primary)


def _placeholder_calendar() -> Calendar:
    return Calendar.model_construct(days=[], slots=[], closed=None)


_PLACEHOLDER: dict[str, Callable[[], BaseModel]] = {"school": _placeholder_school, "calendar": _placeholder_calendar}


def _list_item(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) is list:
        args = get_args(annotation)
        return _model_of(args[0]) if args else None
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    return model_class(annotation)


def _drop_unknown_fields(value: Any, error: ValidationError) -> bool:
    """Delete every key the model called unknown (or a pupil's name); True if any was."""
    dropped = False
    for details in error.errors(include_url=False):
        loc = details["loc"]
        if details["type"] == "extra_forbidden" and loc:
            parent = _at(value, loc[:-1])
            if isinstance(parent, dict) and loc[-1] in parent:
                del parent[loc[-1]]
                dropped = True
        elif details["type"] == "value_error" and "carry no `" in details["msg"]:
            parent = _at(value, loc)
            if isinstance(parent, dict):
                for key in _NAME_KEYS:
                    if key in parent:
                        del parent[key]
                        dropped = True
    return dropped


def _at(value: Any, loc: Sequence[Any]) -> Any:
    for part in loc:
        in_list = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not in_list and not (isinstance(value, dict) and part in value):
            return None
        value = value[part]
    return value


def _validate(model: type[BaseModel], value: Any) -> tuple[BaseModel | None, ValidationError | None]:
    """The model of a value, leaving out unknown fields; (None, error) when still refused."""
    for _ in range(8):
        try:
            return model.model_validate(value), None
        except ValidationError as error:
            if not _drop_unknown_fields(value, error):
                return None, error
    return None, None


def _salvage_mapping(value: Any, model: type[BaseModel], info: Partial) -> BaseModel | None:
    """A section that is one mapping (school, rules): itself without unknown fields, else its default."""
    if value is None:
        return None
    found, _ = _validate(model, value)
    if found is None:
        info.lossless = False
    return found


def _salvage_list(section: str, value: Any, model: type[BaseModel], info: Partial) -> list[BaseModel]:
    if value is None:
        return []
    if not isinstance(value, list):
        info.broken.add(section)
        info.lossless = False
        return []
    kept: list[BaseModel] = []
    rows: list[int] = []
    for i, item in enumerate(value):
        found, _ = _validate(model, item)
        if found is not None:
            kept.append(found)
            rows.append(i)
            continue
        info.lossless = False
        _remember(section, item, info)
    info.index[section] = rows
    return kept


def _texts(value: Any) -> tuple[set[str], bool]:
    """The names in a list (or comma-separated text) as written; False when it cannot be read."""
    if isinstance(value, str):
        return {part.strip() for part in value.split(",") if part.strip()}, True
    if isinstance(value, list):
        return {str(v).strip() for v in value if isinstance(v, str | int) and not isinstance(v, bool)}, True
    return set(), value is None


def _remember(section: str, item: Any, info: Partial) -> None:
    """What a left-out item still tells the other checks: its id, skills, subjects, kind."""
    if not isinstance(item, dict):
        return
    ident = item.get("id")
    if isinstance(ident, str | int) and not isinstance(ident, bool):
        info.ghosts[section].add(str(ident).strip())
    if section == "staff":
        for what in ("skills", "subjects"):
            names, readable = _texts(item.get(what))
            info.held[what] |= names
            if not readable:
                info.unsure.add(what)
    elif section == "rooms":
        kinds, _ = _texts(item.get("kind"))
        info.held["kinds"] |= kinds
    elif section == "lessons":
        subjects, _ = _texts(item.get("subject"))
        info.held["lesson_subjects"] |= subjects
        classes, _ = _texts(item.get("class"))
        info.unsure_classes |= classes


def _salvage_calendar(value: Any, info: Partial) -> Calendar | None:
    """The calendar; slots whose only fault is their times are kept (listed in ``untimed``)."""
    if value is None:
        info.calendar_ok = False
        info.lossless = False
        return None
    found, _ = _validate(Calendar, value)
    if isinstance(found, Calendar):
        return found
    info.lossless = False
    if not isinstance(value, dict) or not isinstance(value.get("slots"), list):
        info.calendar_ok = False
        return None
    slots: list[Slot] = []
    for i, raw_slot in enumerate(value["slots"]):
        slot, error = _validate(Slot, raw_slot)
        if isinstance(slot, Slot):
            slots.append(slot)
            continue
        timed = error is not None and all(
            not e["loc"] or e["loc"][0] in ("start", "end") for e in error.errors(include_url=False)
        )
        ident, kind = (raw_slot.get("id"), raw_slot.get("kind")) if isinstance(raw_slot, dict) else (None, None)
        if not timed or not isinstance(ident, str | int) or not isinstance(kind, str):
            info.calendar_ok = False
            return None
        if kind not in SlotKind._value2member_map_:
            info.calendar_ok = False
            return None
        info.untimed.add(i)
        slots.append(Slot.model_construct(id=str(ident).strip(), start="00:00", end="00:00", kind=SlotKind(kind)))
    rest = {k: v for k, v in value.items() if k != "slots"}
    rest["slots"] = [{"id": "x", "start": "00:00", "end": "00:01", "kind": "lesson"}]
    shell, _ = _validate(Calendar, rest)
    if not isinstance(shell, Calendar):
        rest.pop("closed", None)
        shell, _ = _validate(Calendar, rest)
    if not isinstance(shell, Calendar):
        info.calendar_ok = False
        return None
    return Calendar.model_construct(days=shell.days, slots=slots, closed=shell.closed)


# --- shared facts ----------------------------------------------------------------------


@dataclass
class _School:
    """The school plus facts computed once, leniently: bad expressions count as naming nothing."""

    data: SchoolData
    locate: Locate
    partial: Partial
    problems: list[Problem] = field(default_factory=list)
    shape: WeekShape = field(init=False)
    _when: dict[DocPath, set[DaySlot] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.shape = shape_of(self.data)

    def in_file(self, path: DocPath) -> DocPath:
        """A path into ``data`` as a path into the file (items the model refused are left out)."""
        if len(path) > 1 and isinstance(path[0], str) and isinstance(path[1], int):
            return (path[0], self.partial.raw_index(path[0], path[1]), *path[2:])
        return path

    def name(self, section: str, i: int) -> str:
        """`staff[3]`: an item as the file numbers it."""
        return f"{section}[{self.partial.raw_index(section, i)}]"

    def add(self, path: DocPath, message: str) -> None:
        where = self.in_file(path)
        self.problems.append(Problem(self.locate(where), field_path(where), message))

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
        if i in school.partial.untimed or (i > 0 and i - 1 in school.partial.untimed):
            continue  # its times are reported by the model
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


def check_when_expressions(school: _School) -> None:
    """Every when-expression names real days and slots (errors name the token, nearest name)."""
    for path, expr in when_fields(school.data):
        school.when(path, expr)


# --- ids ---------------------------------------------------------------------------------

_SECTIONS = ("staff", "teachers", "classes", "pupils", "interventions", "duties", "rooms")


def check_duplicate_ids(school: _School) -> None:
    """Ids are unique within each section."""
    for section in _SECTIONS:
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(school.data, section)):
            if item.id in seen:
                first = seen[item.id]
                where = school.locate(school.in_file((section, first)))
                also = school.name(section, first) + (f" at {where}" if where else "")
                school.add((section, i, "id"), f"duplicate id '{item.id}' (also {also}); ids are unique")
            else:
                seen[item.id] = i


def _check_list(school: _School, path: DocPath, values: list[str], choices: list[str], what: str,
                section: str, known: set[str]) -> None:  # fmt: skip
    for j, value in enumerate(values):
        if value not in known:
            school.add((*path, j), _unknown(what, value, choices, section))
        elif value in values[:j]:
            school.add((*path, j), f"{what} '{value}' is listed twice; list it once")


def check_class_refs(school: _School) -> None:
    """lessons, support and pupils name classes that exist."""
    classes = [c.id for c in school.data.classes]
    known = school.partial.known("classes", classes)
    if known is None:
        return
    for section in ("lessons", "support"):
        for i, row in enumerate(getattr(school.data, section)):
            if row.class_ not in known:
                school.add((section, i, "class"), _unknown("class", row.class_, classes, "classes"))
    for i, pupil in enumerate(school.data.pupils):
        _check_list(school, ("pupils", i, "classes"), pupil.classes, classes, "class", "classes", known)


def check_pupil_refs(school: _School) -> None:
    """Interventions name pupils that exist."""
    pupils = [p.id for p in school.data.pupils]
    known = school.partial.known("pupils", pupils)
    if known is None:
        return
    for i, item in enumerate(school.data.interventions):
        _check_list(school, ("interventions", i, "pupils"), item.pupils, pupils, "pupil", "pupils", known)


def check_staff_refs(school: _School) -> None:
    """Pins and absences name adults that exist."""
    staff = [s.id for s in school.data.staff]
    known = school.partial.known("staff", staff)
    if known is None:
        return
    for section in ("pins", "absences"):
        for i, row in enumerate(getattr(school.data, section)):
            if row.staff not in known:
                school.add((section, i, "staff"), _unknown("adult", row.staff, staff, "staff"))


def check_teacher_refs(school: _School) -> None:
    """A lesson's `teacher` names one of `teachers`."""
    teachers = [t.id for t in school.data.teachers]
    known = school.partial.known("teachers", teachers)
    if known is None:
        return
    for i, lesson in enumerate(school.data.lessons):
        if lesson.teacher is not None and lesson.teacher not in known:
            school.add(("lessons", i, "teacher"), _unknown("teacher", lesson.teacher, teachers, "teachers"))
    for i, away in enumerate(school.data.teacher_absences):
        if away.teacher not in known:
            school.add(("teacher_absences", i, "teacher"), _unknown("teacher", away.teacher, teachers, "teachers"))


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
    known = school.partial.known(section[kind], ids)
    if known is None or (ident in known and ident not in ids):
        return None  # the item is refused by the model: reported there
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
    """An intervention's room_kind, when no room has it but one has a kind spelt nearly so, is a typo.

    A kind no room has and none is close to is not an error here: no session can be
    held, and the diagnosis before solving says so (a warning).
    """
    kinds = list(dict.fromkeys(r.kind for r in school.data.rooms))
    if "rooms" in school.partial.broken:
        return
    known = set(kinds) | school.partial.held["kinds"]
    for i, item in enumerate(school.data.interventions):
        if item.room_kind is None or item.room_kind in known:
            continue
        near = typo_of(item.room_kind, kinds)
        if near:
            school.add(
                ("interventions", i, "room_kind"), f"no room has kind '{item.room_kind}'; did you mean '{near}'?"
            )


def typo_of(name: str, choices: Iterable[str]) -> str | None:
    """The one choice ``name`` is very probably a misspelling of, else None.

    Stricter than :func:`tasched.input.when.nearest`, because here a name that matches
    nothing may be meant (a skill nobody holds yet): the same name but for case,
    spaces, '-', '_' or '.'; or one edit away (two for names longer than six
    characters), where an edit inserts, deletes, replaces or swaps characters.
    Names of three characters or fewer only match by the first rule.
    """
    options = [c for c in dict.fromkeys(choices) if c != name]
    if not options:
        return None
    key = _squash(name)
    same = [c for c in options if _squash(c) == key]
    if same:
        return same[0]
    if len(key) <= 3:
        return None
    limit = 1 if len(key) <= 6 else 2
    scored = sorted((_edits(key, _squash(c)), c) for c in options)
    best, choice = scored[0]
    if best > limit or (len(scored) > 1 and scored[1][0] == best):
        return None
    return choice


def _squash(name: str) -> str:
    return re.sub(r"[\s_.\-]+", "", name.lower())


def _edits(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b (optimal string alignment)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def skill_fields(data: SchoolData) -> list[tuple[DocPath, list[str]]]:
    """Every list of skills a demand asks for, with its path."""
    named: list[tuple[DocPath, list[str]]] = []
    named += [(("support", i, "skills"), row.skills) for i, row in enumerate(data.support)]
    for i, pupil in enumerate(data.pupils):
        if pupil.ehcp is not None:
            named.append((("pupils", i, "ehcp", "skills"), pupil.ehcp.skills))
        if pupil.medical is not None:
            named.append((("pupils", i, "medical", "skills"), pupil.medical.skills))
    named += [(("interventions", i, "skills"), x.skills) for i, x in enumerate(data.interventions)]
    for i, duty in enumerate(data.duties):
        named += [(("duties", i, "skills"), duty.skills), (("duties", i, "any_skills"), duty.any_skills)]
    return named


def misspelt_skills(data: SchoolData, held: Iterable[str] = ()) -> dict[str, str]:
    """Each skill demanded that no adult holds but is very probably a misspelling of one: its fix."""
    holders = sorted({skill for adult in data.staff for skill in adult.skills} | set(held))
    found: dict[str, str] = {}
    for _, skills in skill_fields(data):
        for skill in skills:
            if skill not in holders and skill not in found:
                near = typo_of(skill, holders)
                if near:
                    found[skill] = near
    return found


def check_skill_names(school: _School) -> None:
    """A skill a demand asks for that no adult holds, but one spelt nearly so, is a typo.

    A skill nobody holds and none is close to is not an error here: the demand will
    be short, and the diagnosis before solving says so.
    """
    if "staff" in school.partial.broken or "skills" in school.partial.unsure:
        return
    typos = misspelt_skills(school.data, school.partial.held["skills"])
    for path, skills in skill_fields(school.data):
        for j, skill in enumerate(skills):
            if skill in typos:
                school.add((*path, j), f"no adult holds skill '{skill}'; did you mean '{typos[skill]}'?")


def check_subject_names(school: _School) -> None:
    """Subjects named by avoid_subjects and ehcp.subjects are subjects of some lesson.

    An adult's subjects and a support row's are checked for typos only: a subject no
    lesson has but one is spelt nearly so (an adult may know subjects not taught).
    """
    subjects = sorted({lesson.subject for lesson in school.data.lessons})
    known = set(subjects) | school.partial.held["lesson_subjects"]
    _check_subject_typos(school, subjects, known)
    if not subjects:
        return
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


def _check_subject_typos(school: _School, subjects: list[str], known: set[str]) -> None:
    adults = sorted({s for adult in school.data.staff for s in adult.subjects} | school.partial.held["subjects"])
    if "subjects" in school.partial.unsure:
        adults = []
    for i, adult in enumerate(school.data.staff):
        for j, subject in enumerate(adult.subjects):
            near = None if subject in known else typo_of(subject, subjects)
            if near:
                school.add(("staff", i, "subjects", j), f"no lesson has subject '{subject}'; did you mean '{near}'?")
    for i, row in enumerate(school.data.support):
        for j, subject in enumerate(row.subjects):
            if subject in known or subject in adults:
                continue
            near = typo_of(subject, [*subjects, *adults])
            if near:
                school.add(
                    ("support", i, "subjects", j),
                    f"no lesson or adult has subject '{subject}'; did you mean '{near}'?",
                )


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
                f"({school.name('lessons', other)}, {school.data.lessons[other].subject}); a class has one lesson "
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
                if {first, second} & school.partial.unsure_classes:
                    continue  # some of their lessons are refused by the model
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
        if row.class_ in school.partial.unsure_classes:
            continue
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
                f"{school.name('support', other)} already covers class '{row.class_}' at "
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
        if any(s in school.partial.untimed for _, s in allowed):
            continue  # a slot's times are wrong: reported by the model
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


def check_rotation_team(school: _School) -> None:
    """Each pupil's rotation can hold: `min_staff` (and 2:1's two adults) within `max_staff`."""
    base = school.data.rules.rotation
    if base.max_staff is not None and base.min_staff > base.max_staff:
        school.add(
            ("rules", "rotation", "max_staff"),
            f"max_staff {base.max_staff} is less than min_staff {base.min_staff}: no pupil's support could "
            "meet both; raise max_staff or lower min_staff",
        )
    for i, pupil in enumerate(school.data.pupils):
        own = pupil.rotation
        if pupil.ehcp is None or own is None:
            continue
        least = own.min_staff if own.min_staff is not None else base.min_staff
        most = own.max_staff if own.max_staff is not None else base.max_staff
        if most is None or (own.min_staff is None and own.max_staff is None):
            continue
        if least > most:
            school.add(
                ("pupils", i, "rotation", "max_staff" if own.max_staff is not None else "min_staff"),
                f"pupil '{pupil.id}''s support must come from at least {least} adults (min_staff) but at most "
                f"{most} (max_staff): no rota can meet both; raise max_staff or lower min_staff",
            )
    for i, pupil in enumerate(school.data.pupils):
        own = pupil.rotation
        most = own.max_staff if own and own.max_staff is not None else base.max_staff
        if pupil.ehcp is not None and most is not None and pupil.ehcp.adults > most:
            school.add(
                ("pupils", i, "ehcp", "adults"),
                f"pupil '{pupil.id}''s 2:1 support needs two adults at once but max_staff allows {most}; "
                "raise max_staff to 2 or more",
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
        if school.partial.unsure_classes.intersection(pupil.classes):
            continue
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


def check_term(school: _School) -> None:
    """The term's weeks hold what names them: closed weeks, the plan's start, fades, programmes.

    A fade never goes below the plan's statutory floor (`floor_hours`, else `hours`)."""
    data = school.data
    weeks = week_count(data)
    term = data.term
    if term is not None:
        if term.start_week > weeks:
            school.add(("term", "start_week"), f"week {term.start_week} is past the term's {weeks} weeks")
        for i, closed in enumerate(term.closed):
            if closed.week > weeks:
                school.add(("term", "closed", i, "week"), f"week {closed.week} is past the term's {weeks} weeks")
    for i, pupil in enumerate(data.pupils):
        plan = pupil.ehcp
        if plan is None:
            continue
        floor = floor_hours(plan)
        if plan.floor_hours is not None and plan.floor_hours > plan.hours:
            school.add(
                ("pupils", i, "ehcp", "floor_hours"),
                f"the floor {plan.floor_hours:g} h is above the plan's {plan.hours:g} h; the floor is the least "
                "the plan allows",
            )
        if plan.fade is None:
            continue
        low = min(
            range(1, max(weeks, len(plan.fade) if isinstance(plan.fade, list) else 1) + 1),
            key=lambda w: planned_hours(plan, w),
        )
        hours = planned_hours(plan, low)
        if hours < floor - 1e-9:
            where = "`hours`" if plan.floor_hours is None else "`floor_hours`"
            fix = (
                "; if the EHC plan itself allows fewer hours, write that floor as `ehcp.floor_hours`"
                if plan.floor_hours is None
                else ""
            )
            school.add(
                ("pupils", i, "ehcp", "fade"),
                f"{pupil.id}'s fade reaches {hours:g} h in week {low}, below the statutory floor of {floor:g} h "
                f"({where}){fix}",
            )
        if term is None:
            continue
        if isinstance(plan.fade, list) and len(plan.fade) > weeks:
            school.add(("pupils", i, "ehcp", "fade"), f"the fade lists {len(plan.fade)} weeks; the term has {weeks}")
        elif not isinstance(plan.fade, list) and plan.fade.by_week > weeks:
            school.add(
                ("pupils", i, "ehcp", "fade", "by_week"), f"week {plan.fade.by_week} is past the term's {weeks} weeks"
            )
    for i, iv in enumerate(data.interventions):
        if term is None or (iv.weeks is None and iv.start_week == 1):
            continue
        first, last = programme_span(iv, weeks)
        if first > weeks:
            school.add(("interventions", i, "start_week"), f"week {first} is past the term's {weeks} weeks")
        elif last > weeks:
            school.add(
                ("interventions", i, "weeks"),
                f"the {iv.weeks}-week programme from week {first} ends in week {last}, after the term's {weeks} "
                "weeks; shorten `weeks` or start earlier",
            )


def check_people(school: _School) -> None:
    """`people` name staff rows that exist, each row in one person at most; travel joins two of their rows."""
    staff = [s.id for s in school.data.staff]
    known = school.partial.known("staff", staff)
    if known is None:
        return
    owner: dict[str, str] = {}
    for i, person in enumerate(school.data.people):
        _check_list(school, ("people", i, "staff"), person.staff, staff, "adult", "staff", known)
        for j, row in enumerate(person.staff):
            if row in owner and owner[row] != person.id:
                school.add(
                    ("people", i, "staff", j),
                    f"staff row '{row}' is already person '{owner[row]}''s; a row is one person's",
                )
            owner.setdefault(row, person.id)
        for j, travel in enumerate(person.travel):
            for k, row in enumerate(travel.between):
                if row not in person.staff:
                    school.add(
                        ("people", i, "travel", j, "between", k),
                        f"'{row}' is not one of person '{person.id}''s rows ({', '.join(person.staff)})",
                    )
            if travel.between[0] == travel.between[1]:
                school.add(("people", i, "travel", j, "between"), "travel joins two different rows")


CHECKS: tuple[Callable[[_School], None], ...] = (
    check_days,
    check_slots,
    check_when_expressions,
    check_duplicate_ids,
    check_class_refs,
    check_pupil_refs,
    check_staff_refs,
    check_teacher_refs,
    check_task_refs,
    check_room_kinds,
    check_skill_names,
    check_subject_names,
    check_lesson_overlaps,
    check_pupil_clashes,
    check_support_overlaps,
    check_intervention_slots,
    check_liaison_minutes,
    check_people,
    check_rotation_team,
    check_ehcp_slots,
    check_term,
)
NEEDS_CALENDAR = frozenset(
    {
        check_days,
        check_slots,
        check_when_expressions,
        check_lesson_overlaps,
        check_pupil_clashes,
        check_support_overlaps,
        check_intervention_slots,
        check_ehcp_slots,
    }
)
"""Checks of the week: none can run when the calendar cannot be read."""
