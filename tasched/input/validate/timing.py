"""Checks of when things can happen: lessons, support, interventions and EHC support in the week.

A class has one lesson at a time and a pupil is in one class at a time; each
support row, intervention and EHC plan must leave some open slot it can use.
Classes some of whose lessons the model refused are left alone: when they meet
is not known.
"""

from __future__ import annotations

from collections import defaultdict

from tasched.input.validate.facts import DocPath, SchoolFacts
from tasched.input.when import DaySlot


def _claim(owners: dict[DaySlot, int], slots: set[DaySlot], row: int) -> tuple[int, set[DaySlot]] | None:
    """Give the free ``slots`` to ``row``; the first row already holding some of them, and which, if any."""
    clash = {t for t in slots if t in owners}
    for t in slots:
        owners.setdefault(t, row)
    return (owners[min(clash)], clash) if clash else None


def check_lesson_overlaps(school: SchoolFacts) -> None:
    """A class has at most one lesson in any slot."""
    taken: dict[str, dict[DaySlot, int]] = defaultdict(dict)
    for i, lesson in enumerate(school.data.lessons):
        slots = school.when(("lessons", i, "when"), lesson.when) or set()
        clash = _claim(taken[lesson.class_], slots, i)
        if clash:
            other, slots_taken = clash
            school.add(
                ("lessons", i, "when"),
                f"class '{lesson.class_}' already has a lesson at {school.slot_names(slots_taken)} "
                f"({school.name('lessons', other)}, {school.data.lessons[other].subject}); a class has one lesson "
                "at a time",
            )


def check_pupil_clashes(school: SchoolFacts) -> None:
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


def check_support_overlaps(school: SchoolFacts) -> None:
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
        clash = _claim(covered[row.class_], cover, i)
        if clash:
            other, slots_taken = clash
            path: DocPath = ("support", i, "when") if row.when is not None else ("support", i)
            school.add(
                path,
                f"{school.name('support', other)} already covers class '{row.class_}' at "
                f"{school.slot_names(slots_taken)}; give each slot of a class to one support row "
                "(narrow `when`)",
            )


def check_intervention_slots(school: SchoolFacts) -> None:
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


def check_ehcp_slots(school: SchoolFacts) -> None:
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
