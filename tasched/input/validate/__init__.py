"""Cross-field checks: is the school's input consistent with itself?

The model (:mod:`tasched.input.model`) checks each value's type and range; this package
checks what needs the whole document: ids exist and are unique, when-expressions
name real days and slots, the calendar's slots are in order, a pupil's classes
never meet at once, and the like. Each check is one small function adding
Problems that name the place, the field and the fix; they live by what they check:

- :mod:`.calendar`: days, slots and when-expressions;
- :mod:`.refs`: ids and the references between sections;
- :mod:`.spelling`: skills, subjects and room kinds (typos of names nobody defines by id);
- :mod:`.timing`: when lessons, support, interventions and EHC support can happen;
- :mod:`.plans`: liaison time, rotation teams and the term's weeks;

with :mod:`.facts` (what every check shares), :mod:`.names` (unknown ids and typos)
and :mod:`.salvage` (what is left of a school the model refused).

These checks are about the input's consistency only. Whether the demands can be
met (enough skilled staff, enough hours) is the solver's diagnosis, not this.
"""

from __future__ import annotations

from collections.abc import Callable

from tasched.errors import Problem
from tasched.input.model import SchoolData
from tasched.input.validate.calendar import check_days, check_slots, check_when_expressions, when_fields
from tasched.input.validate.facts import DocPath, Locate, SchoolFacts, nowhere
from tasched.input.validate.names import typo_of
from tasched.input.validate.plans import check_liaison_minutes, check_rotation_team, check_term
from tasched.input.validate.refs import (
    check_class_refs,
    check_duplicate_ids,
    check_people,
    check_pupil_refs,
    check_staff_refs,
    check_task_refs,
    check_teacher_refs,
)
from tasched.input.validate.salvage import Partial, salvage
from tasched.input.validate.spelling import check_room_kinds, check_skill_names, check_subject_names, misspelt_skills
from tasched.input.validate.timing import (
    check_ehcp_slots,
    check_intervention_slots,
    check_lesson_overlaps,
    check_pupil_clashes,
    check_support_overlaps,
)

__all__ = [
    "CHECKS",
    "NEEDS_CALENDAR",
    "DocPath",
    "Locate",
    "Partial",
    "check_school",
    "misspelt_skills",
    "salvage",
    "typo_of",
    "when_fields",
]

Check = Callable[[SchoolFacts], None]


def check_school(data: SchoolData, locate: Locate = nowhere, partial: Partial | None = None) -> list[Problem]:
    """Every cross-field problem in a school; ``locate(path)`` says where a path is in the file.

    ``partial`` describes a school salvaged from a file the model refused (see
    :func:`salvage`): the checks then run on what is left, and stay quiet about
    what the refused parts make unknowable.
    """
    school = SchoolFacts(data, locate, partial=partial or Partial(data))
    for check in CHECKS:
        if school.partial.calendar_ok or check not in NEEDS_CALENDAR:
            check(school)
    return school.problems


CHECKS: tuple[Check, ...] = (
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
