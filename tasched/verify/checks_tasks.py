"""Hard rules about the other tasks: duties, class support, joint liaison and lesson cover."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from tasched.input.when import DaySlot
from tasched.verify.facts import Facts, Index, Row, who
from tasched.verify.report import Violation


def _task_rows(ix: Index, kind: str) -> Iterator[tuple[str, DaySlot, list[Row]]]:
    for task, slots in ix.task_slots.items():
        k, ref = task.split(":", 1)
        if k == kind:
            for t, rows in sorted(slots.items()):
                yield ref, t, rows


def check_duty_slot(facts: Facts, ix: Index) -> Iterator[Violation]:
    """12a. Duty rows sit at the duty's slots (week slots in its `when`)."""
    for ref, t, rows in _task_rows(ix, "duty"):
        if t not in facts.duty_slots[ref]:
            yield Violation(
                "duty_slot",
                f"{', '.join(r.staff for r in rows)} on duty {ref} at {facts.name(t)}, "
                f"outside its when {facts.duties[ref].when!r}",
            )


def check_duty_staff(facts: Facts, ix: Index) -> Iterator[Violation]:
    """12b. At most `staff` adults per duty slot."""
    for ref, t, rows in _task_rows(ix, "duty"):
        adults = sorted({r.staff for r in rows})
        if len(adults) > facts.duties[ref].staff:
            yield Violation(
                "duty_staff",
                f"duty {ref} at {facts.name(t)} has {len(adults)} adults ({', '.join(adults)}); "
                f"it wants {facts.duties[ref].staff}",
            )


def check_duty_any_skills(facts: Facts, ix: Index) -> Iterator[Violation]:
    """12c. If anyone is on the duty at a slot, then for each of `any_skills` at
    least one adult on it has that skill."""
    for ref, t, rows in _task_rows(ix, "duty"):
        held = {s for r in rows for s in facts.staff[r.staff].skills}
        missing = [s for s in facts.duties[ref].any_skills if s not in held]
        if missing:
            yield Violation(
                "duty_any_skills",
                f"nobody on duty {ref} at {facts.name(t)} has {', '.join(missing)}",
            )


def _medical_needs_in(facts: Facts, class_id: str, t: DaySlot) -> list[set[str]]:
    """The medical skills of pupils in the class at t whose `medical.when` includes t."""
    return [
        set(p.medical.skills)
        for p in facts.school.pupils
        if p.medical is not None and facts.place[p.id].get(t) == class_id and t in facts.when(p.medical.when)
    ]


def check_class_support_slot(facts: Facts, ix: Index) -> Iterator[Violation]:
    """Class rows only where some support row of the class covers the slot (its
    when, default every slot the class meets, within the slots the class meets),
    or as medical cover: where no support row covers the slot, one adult with the
    medical skills of a pupil in the class then whose medical need covers it."""
    for ref, t, rows in _task_rows(ix, "class"):
        if t in facts.support_at.get(ref, {}):
            continue
        needs = _medical_needs_in(facts, ref, t)
        adults = sorted({r.staff for r in rows})
        if needs and len(adults) == 1:
            has = set(facts.staff[adults[0]].skills)
            if any(need <= has for need in needs):
                continue
        yield Violation(
            "class_support_slot",
            f"{', '.join(adults)} supports class {ref} at {facts.name(t)}, where no support row "
            "of the class asks for it" + (" and it is not one adult with a pupil's medical skills" if needs else ""),
        )


def check_class_support_staff(facts: Facts, ix: Index) -> Iterator[Violation]:
    """14. Class support: at most the support row's `staff` adults per slot."""
    for ref, t, rows in _task_rows(ix, "class"):
        support = facts.support_at.get(ref, {}).get(t)
        adults = sorted({r.staff for r in rows})
        if support is not None and len(adults) > support.staff:
            yield Violation(
                "class_support_staff",
                f"class {ref} at {facts.name(t)} has {len(adults)} adults ({', '.join(adults)}); "
                f"its support row wants {support.staff}",
            )


def check_class_max_adults(facts: Facts, ix: Index) -> Iterator[Violation]:
    """14b. classes.max_adults: at most this many distinct adults give the class support
    (class rows at slots its support rows cover; medical cover is not counted) in the week."""
    for c in facts.school.classes:
        if c.max_adults is None:
            continue
        wanted = facts.support_at.get(c.id, {})
        adults = {r.staff for t, rows in ix.task_slots.get(f"class:{c.id}", {}).items() if t in wanted for r in rows}
        if len(adults) > c.max_adults:
            yield Violation(
                "class_max_adults",
                f"class {c.id} is supported by {len(adults)} adults this week ({', '.join(sorted(adults))}); "
                f"max_adults allows {c.max_adults}",
            )


def check_liaison(facts: Facts, ix: Index) -> Iterator[Violation]:
    """Joint liaison (`rules.liaison: joint`): a `liaison:T` row is a meeting of the adult with
    teacher T, who is in school (available minus unavailable) and teaching no lesson then; the
    adult supports a lesson of T's that week (a class: or pupil: row in it); with
    `liaison_minutes_per_teacher`, each teacher met gets at least that many minutes; and no
    meeting is beyond need (without the shortest, the adult would be short of
    `liaison_minutes`). Like any row, a meeting is where the adult works (rule 1), their
    only place then (one place) and inside their contracted time (rule 3)."""
    rules = facts.school.rules
    per_adult: defaultdict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    shortest: dict[str, int] = {}
    for row in ix.rows:
        if row.kind != "liaison":
            continue
        where = f"{who(row, facts)} meets {row.ref}"
        if not facts.joint:
            yield Violation("liaison", f"{where}, but liaison rows need `rules.liaison: joint`")
            continue
        if row.t not in facts.teacher_in[row.ref]:
            yield Violation("liaison", f"{where}, who is not in school then")
        taught = facts.teaching(row.ref, row.t)
        if taught:
            yield Violation("liaison", f"{where}, who teaches {', '.join(taught)} then")
        if not any(facts.lesson_teacher(r) == row.ref for r in ix.by_staff.get(row.staff, [])):
            yield Violation("liaison", f"{where}, but {row.staff} supports none of {row.ref}'s lessons this week")
        per_adult[row.staff][row.ref] += facts.minutes[row.t[1]]
        shortest[row.staff] = min(shortest.get(row.staff, 10**6), facts.minutes[row.t[1]])
    for adult, teachers in per_adult.items():
        least = rules.liaison_minutes_per_teacher
        for teacher, minutes in teachers.items():
            if least and minutes < least:
                yield Violation(
                    "liaison",
                    f"{adult} meets {teacher} for {minutes} minutes; liaison_minutes_per_teacher is {least}",
                )
        total = sum(teachers.values())
        if total - shortest[adult] >= rules.liaison_minutes:
            yield Violation(
                "liaison",
                f"{adult} has {total} minutes of liaison meetings, more than the {rules.liaison_minutes} "
                "liaison_minutes need (a meeting could go)",
            )


def check_cover(facts: Facts, ix: Index) -> Iterator[Violation]:
    """Lesson cover: a `cover:C` row is at a lesson of C whose teacher is away then
    (`teacher_absences`); the adult's role is one of `rules.cover.roles`; one adult per lesson;
    each adult covers at most `rules.cover.max_minutes` a week."""
    rules = facts.school.rules.cover
    minutes: defaultdict[str, int] = defaultdict(int)
    for ref, t, rows in _task_rows(ix, "cover"):
        adults = sorted({r.staff for r in rows})
        where = f"{', '.join(adults)} at {facts.name(t)} covers {ref}"
        if (ref, t) not in facts.cover_needed:
            yield Violation("cover", f"{where}, but no lesson of {ref} then has an absent teacher")
        if len(adults) > 1:
            yield Violation("cover", f"{where}: a lesson is covered by one adult")
        for adult in adults:
            role = facts.staff[adult].role
            if role not in rules.roles:
                yield Violation(
                    "cover",
                    f"{adult} at {facts.name(t)} covers {ref}, but role {role} may not cover (rules.cover.roles)",
                )
            minutes[adult] += facts.minutes[t[1]]
    for adult, total in minutes.items():
        if total > rules.max_minutes:
            yield Violation(
                "cover", f"{adult} covers {total} minutes of lessons; rules.cover.max_minutes is {rules.max_minutes}"
            )
