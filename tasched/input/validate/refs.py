"""Checks of ids and the references between sections: each id unique, each reference to one that exists.

A reference to an item the model refused is not reported again (the item is a
ghost of :class:`~tasched.input.validate.salvage.Partial`), and references into
a section that cannot be read at all are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from tasched.input.validate.facts import DocPath, SchoolFacts
from tasched.input.validate.names import unknown_id

_SECTIONS = ("staff", "teachers", "classes", "pupils", "interventions", "duties", "rooms")
_TASK_SECTIONS = {
    "class": "classes",
    "pupil": "pupils",
    "intervention": "interventions",
    "duty": "duties",
    "liaison": "teachers",
    "cover": "classes",
}


def check_duplicate_ids(school: SchoolFacts) -> None:
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


@dataclass(frozen=True)
class _Target:
    """A section that references point into: its ids, and every id a reference may name."""

    section: str
    what: str  # one item, as messages name it: "class", "adult"
    ids: list[str]
    known: set[str]  # the ids, and those of items the model refused

    def check(self, school: SchoolFacts, path: DocPath, value: str) -> None:
        """One reference names an item that exists."""
        if value not in self.known:
            school.add(path, unknown_id(self.what, value, self.ids, self.section))

    def check_list(self, school: SchoolFacts, path: DocPath, values: list[str]) -> None:
        """Each reference of a list names an item that exists, and is listed once."""
        for j, value in enumerate(values):
            if value not in self.known:
                school.add((*path, j), unknown_id(self.what, value, self.ids, self.section))
            elif value in values[:j]:
                school.add((*path, j), f"{self.what} '{value}' is listed twice; list it once")


def _target(school: SchoolFacts, section: str, what: str) -> _Target | None:
    """References into ``section``; None when it cannot be read, so they cannot be checked."""
    ids = [item.id for item in getattr(school.data, section)]
    known = school.partial.known(section, ids)
    return None if known is None else _Target(section, what, ids, known)


def check_class_refs(school: SchoolFacts) -> None:
    """lessons, support and pupils name classes that exist."""
    classes = _target(school, "classes", "class")
    if classes is None:
        return
    for section in ("lessons", "support"):
        for i, row in enumerate(getattr(school.data, section)):
            classes.check(school, (section, i, "class"), row.class_)
    for i, pupil in enumerate(school.data.pupils):
        classes.check_list(school, ("pupils", i, "classes"), pupil.classes)


def check_pupil_refs(school: SchoolFacts) -> None:
    """Interventions name pupils that exist."""
    pupils = _target(school, "pupils", "pupil")
    if pupils is None:
        return
    for i, item in enumerate(school.data.interventions):
        pupils.check_list(school, ("interventions", i, "pupils"), item.pupils)


def check_staff_refs(school: SchoolFacts) -> None:
    """Pins and absences name adults that exist."""
    staff = _target(school, "staff", "adult")
    if staff is None:
        return
    for section in ("pins", "absences"):
        for i, row in enumerate(getattr(school.data, section)):
            staff.check(school, (section, i, "staff"), row.staff)


def check_teacher_refs(school: SchoolFacts) -> None:
    """A lesson's `teacher` names one of `teachers`."""
    teachers = _target(school, "teachers", "teacher")
    if teachers is None:
        return
    for i, lesson in enumerate(school.data.lessons):
        if lesson.teacher is not None:
            teachers.check(school, ("lessons", i, "teacher"), lesson.teacher)
    for i, away in enumerate(school.data.teacher_absences):
        teachers.check(school, ("teacher_absences", i, "teacher"), away.teacher)


def _task_problem(school: SchoolFacts, task: str) -> str | None:
    """What is wrong with a task reference (`pupil:P1`), if anything."""
    if task == "free":
        return None
    kind, _, ident = task.partition(":")
    target = _target(school, _TASK_SECTIONS[kind], kind)
    if target is None or (ident in target.known and ident not in target.ids):
        return None  # the item is refused by the model: reported there
    if ident not in target.ids:
        message = unknown_id(kind, ident, target.ids, target.section)
        return message.replace("did you mean '", f"did you mean '{kind}:", 1)
    if kind == "pupil":
        pupil = next(p for p in school.data.pupils if p.id == ident)
        if pupil.ehcp is None:
            return f"pupil '{ident}' has no `ehcp`, so there is no task {task} (EHC support)"
    if kind == "liaison" and school.data.rules.liaison != "joint":
        return f"{task} is a joint liaison meeting: set `rules.liaison: joint` or remove it"
    return None


def check_task_refs(school: SchoolFacts) -> None:
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


def check_people(school: SchoolFacts) -> None:
    """`people` name staff rows that exist, each row in one person at most; travel joins two of their rows."""
    staff = _target(school, "staff", "adult")
    if staff is None:
        return
    owner: dict[str, str] = {}
    for i, person in enumerate(school.data.people):
        staff.check_list(school, ("people", i, "staff"), person.staff)
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
