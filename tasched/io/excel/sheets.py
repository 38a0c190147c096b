"""The sheets of a school workbook and their columns, derived from the model (Column, Sheet, SHEETS)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from tasched.input.introspect import model_class, unwrap_type
from tasched.input.model import (
    NEED_CODES,
    Absence,
    Calendar,
    Class,
    ClosedWeek,
    Duty,
    Intervention,
    Lesson,
    Pin,
    Pupil,
    Room,
    Rules,
    School,
    Slot,
    Staff,
    Support,
    Teacher,
    TeacherAbsence,
    Term,
)
from tasched.io.excel.cells import _header_text
from tasched.io.labels import label


@dataclass(frozen=True)
class Column:
    """One field of a sheet: a column of a table sheet or a row of a key/value sheet."""

    key: str  # as written in the header: `hours`, `ehcp.hours`, `rotation.min_staff`
    path: tuple[str, ...]  # where in the item: ('ehcp', 'hours')
    kind: str  # text | number_text | int | float | bool | list | time | choice
    required: bool
    choices: tuple[str, ...] = ()
    description: str = ""
    default: Any = None


@dataclass(frozen=True)
class Sheet:
    """A sheet of the school workbook and where its data sits in the document."""

    name: str
    path: tuple[str, ...]  # ('staff',), ('calendar', 'slots')
    table: bool  # one row per item (True) or `field | value` rows (False)
    required: bool
    columns: tuple[Column, ...]
    about: str
    optional: bool = False  # the section may be absent (None), so a blank sheet means absent

    def column(self, key: str) -> Column | None:
        """The column a header names: its field name (`ehcp.hours`) or its label, any case."""
        return next((c for c in self.columns if key in (c.key, _header_text(label(c.key)))), None)


_EXTRA_NOTES = {
    "id": "An id: case-sensitive, unique in this sheet.",
    "teacher": "The class teacher (optional).",
    "room": "The class's room (optional).",
    "priority": "high | normal | low.",
    "need": "Census primary need code (optional): " + ", ".join(NEED_CODES) + ".",
}


def _kind(name: str, tp: Any) -> tuple[str, tuple[str, ...]]:
    """A column's kind and its choices, from the field's type."""
    tp = unwrap_type(tp)
    if name == "need":
        return "choice", NEED_CODES
    if name == "fade" or (
        get_origin(tp) in (Union, UnionType) and any(get_origin(a) is list for a in map(unwrap_type, get_args(tp)))
    ):  # a mapping, a count or a list, in one cell (convert._fade reads it back)
        return "fade", ()

    if get_origin(tp) is list:
        return "list", ()
    if get_origin(tp) is Literal:
        return "int", tuple(str(v) for v in get_args(tp))
    if get_origin(tp) in (Union, UnionType):
        return "number_text", ()  # str | int: `year: R` or `year: 3`
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "choice", tuple(str(member.value) for member in tp)
    if tp is bool:
        return "bool", ("yes", "no")
    if tp is int:
        return "int", ()
    if tp is float:
        return "float", ()
    return "text", ()


def _columns(model: type[BaseModel], prefix: tuple[str, ...] = (), skip: Sequence[str] = ()) -> list[Column]:
    columns: list[Column] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in skip:
            continue
        nested = model_class(info.annotation)
        if nested is not None:
            columns.extend(_columns(nested, (*prefix, key)))
            continue
        kind, choices = _kind(key, info.annotation)
        if model is Slot and key in ("start", "end"):
            kind = "time"
        default = None if info.is_required() or info.default_factory else info.default
        if info.default_factory is not None:
            made = info.default_factory()  # type: ignore[call-arg]
            default = made if made != [] else None
        if isinstance(default, Enum):
            default = default.value
        columns.append(
            Column(
                key=".".join((*prefix, key)),
                path=(*prefix, key),
                kind=kind,
                required=info.is_required() and not prefix,
                choices=choices,
                description=info.description or _EXTRA_NOTES.get(key, ""),
                default=default,
            )
        )
    return columns


def _table(
    name: str,
    model: type[BaseModel],
    about: str,
    path: tuple[str, ...] | None = None,
    *,
    required: bool = False,
    optional: bool = False,
) -> Sheet:
    """A sheet with one row per item of a list section (its path defaults to its name)."""
    return Sheet(name, path or (name,), True, required, tuple(_columns(model)), about, optional)


def _fields(
    name: str,
    model: type[BaseModel],
    about: str,
    *,
    required: bool = False,
    skip: Sequence[str] = (),
    optional: bool = False,
) -> Sheet:
    """A sheet of `field | value` rows for a mapping section; `skip` names fields with a sheet of their own."""
    return Sheet(name, (name,), False, required, tuple(_columns(model, skip=skip)), about, optional)


_TERM_ABOUT = "Optional: the term `tasched term` plans: how many weeks (or their labels), and the first to plan."

# The workbook's sheets, in tab order.
SHEETS: tuple[Sheet, ...] = (
    _fields("school", School, "The school: name, phase and the pay figures used for annual cost.", required=True),
    _fields("calendar", Calendar, "The school days and any slots closed this week.", skip=("slots",)),
    _table("slots", Slot, "The day's slots, in time order, never overlapping.", ("calendar", "slots"), required=True),
    _table("staff", Staff, "The adults the rota deploys: hours, availability and skills."),
    _table("classes", Class, "Classes (primary, special) or teaching groups (secondary)."),
    _table("lessons", Lesson, "Optional: when each class meets and what it studies."),
    _table("support", Support, "Adult support wanted in classes."),
    _table(
        "pupils",
        Pupil,
        "Only pupils the rota concerns, by pseudonymous id: EHC plans, medical cover, rotation overrides.",
    ),
    _table("interventions", Intervention, "Structured interventions delivered out of class."),
    _table("duties", Duty, "Duties: breakfast club, gate, break, lunch, clubs."),
    _table("rooms", Room, "Rooms that interventions need."),
    _fields("rules", Rules, "Defaults for the whole school; leave a value blank for its default."),
    _table("pins", Pin, "Assignments that must stay."),
    _table("absences", Absence, "This week's absences (a weekly re-solve)."),
    _table("teachers", Teacher, "Optional: the teachers, for joint planning time and cover."),
    _table("teacher_absences", TeacherAbsence, "Optional: teachers away this week, whose lessons need cover."),
    _fields("term", Term, _TERM_ABOUT, skip=("closed",), optional=True),
    _table(
        "term_closed",
        ClosedWeek,
        "Optional: days closed in given weeks of the term.",
        ("term", "closed"),
        optional=True,
    ),
)


_SHEET_BY_NAME = {sheet.name: sheet for sheet in SHEETS}
