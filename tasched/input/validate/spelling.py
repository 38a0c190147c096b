"""Checks of the names nobody defines by id: skills, subjects and room kinds.

A skill nobody holds may be meant (the demand is then short, and the diagnosis
before solving says so), so only a very probable misspelling of one that is held
is an error; subjects a plan or an intervention names must be taught somewhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from tasched.input.model import SchoolData
from tasched.input.validate.facts import DocPath, SchoolFacts
from tasched.input.validate.names import typo_of, unknown_id


def check_room_kinds(school: SchoolFacts) -> None:
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


def check_skill_names(school: SchoolFacts) -> None:
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


def check_subject_names(school: SchoolFacts) -> None:
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
                school.add((*path, j), unknown_id("subject", subject, subjects, "lessons"))


def _check_subject_typos(school: SchoolFacts, subjects: list[str], known: set[str]) -> None:
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
