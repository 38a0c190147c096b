"""The input model: a school exactly as format.md (version 1) describes it.

Pydantic types only, no solver code. Every field documents itself, and the JSON
Schema under schemas/ is generated from these classes (``tasched schema``).
Cross-references between sections (ids, when-expressions, clashes) are checked
by :mod:`tasched.input.validate`, which knows where each value sits in the file.

The types live by section (:mod:`.calendar`, :mod:`.staff`, :mod:`.classes`,
:mod:`.pupils`, :mod:`.tasks`, :mod:`.rules`, :mod:`.term`, on :mod:`.base`);
this module holds the whole document, :class:`SchoolData`, and names them all.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tasched.input.model.base import _TASK as _TASK
from tasched.input.model.base import (
    FORMAT_VERSION,
    Id,
    Priority,
    Strict,
    TaskRef,
    When,
    document_config,
    document_schema,
    minutes_of,
)
from tasched.input.model.calendar import Calendar, Phase, School, Slot, SlotKind
from tasched.input.model.classes import Class, Lesson, Support
from tasched.input.model.pupils import NEED_CODES, PUPIL_NAME_KEYS, Ehcp, EhcpMode, Fade, Medical, Pupil, Rotation
from tasched.input.model.rules import (
    DEFAULT_PRIORITIES,
    CoverRules,
    Demand,
    LiaisonMode,
    RotationRules,
    Rules,
    SolverSettings,
    Weights,
)
from tasched.input.model.staff import Absence, Person, Pin, Staff, Teacher, TeacherAbsence, Travel
from tasched.input.model.tasks import Duty, Intervention, Paid, Room
from tasched.input.model.term import ClosedWeek, Term

__all__ = [
    "DEFAULT_PRIORITIES",
    "FORMAT_VERSION",
    "NEED_CODES",
    "PUPIL_NAME_KEYS",
    "Absence",
    "Calendar",
    "Class",
    "ClosedWeek",
    "CoverRules",
    "Demand",
    "Duty",
    "Ehcp",
    "EhcpMode",
    "Fade",
    "Id",
    "Intervention",
    "Lesson",
    "LiaisonMode",
    "Medical",
    "Paid",
    "Person",
    "Phase",
    "Pin",
    "Priority",
    "Pupil",
    "Room",
    "Rotation",
    "RotationRules",
    "Rules",
    "School",
    "SchoolData",
    "Slot",
    "SlotKind",
    "SolverSettings",
    "Staff",
    "Strict",
    "Support",
    "TaskRef",
    "Teacher",
    "TeacherAbsence",
    "Term",
    "Travel",
    "Weights",
    "When",
    "json_schema",
    "minutes_of",
]


class SchoolData(Strict):
    """A whole school's week: the document a school file holds."""

    model_config = document_config("school")

    school: School
    calendar: Calendar
    staff: list[Staff] = Field(default_factory=list)
    teachers: list[Teacher] = Field(default_factory=list)
    classes: list[Class] = Field(default_factory=list)
    lessons: list[Lesson] = Field(default_factory=list)
    support: list[Support] = Field(default_factory=list)
    pupils: list[Pupil] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    duties: list[Duty] = Field(default_factory=list)
    rooms: list[Room] = Field(default_factory=list)
    rules: Rules = Field(default_factory=Rules)
    pins: list[Pin] = Field(default_factory=list)
    absences: list[Absence] = Field(default_factory=list)
    teacher_absences: list[TeacherAbsence] = Field(
        default_factory=list,
        description="Teachers away this week: their lessons then are covered (`cover:CLASS`) or need supply cover.",
    )
    term: Term | None = Field(None, description="The term `tasched term` plans, week by week.")
    people: list[Person] = Field(
        default_factory=list,
        description="Adults who fill several staff rows: never two rows at once, one contract across them.",
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a school file (by alias, as written in YAML)."""
    return document_schema(SchoolData)
