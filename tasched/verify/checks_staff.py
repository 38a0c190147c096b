"""Hard rules about the adults: availability, skills, contracted hours, duties, one place,
breaks, pins and the same person in two schools' staff lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from tasched.verify.facts import Facts, Index, Row, contract_slots, who
from tasched.verify.report import EPSILON, Violation


def check_availability(facts: Facts, ix: Index) -> Iterator[Violation]:
    """1. Availability: rows only at week slots where the adult works (available
    minus unavailable minus absences; closed slots are not week slots)."""
    for row in ix.rows:
        if row.t not in facts.works[row.staff]:
            why = "is absent" if row.t in facts.absent[row.staff] else "does not work then"
            yield Violation("availability", f"{who(row, facts)} has {row.task}, but {why}")


def _required_skills(facts: Facts, row: Row) -> list[str]:
    if row.kind == "class":
        support = facts.support_at.get(row.ref, {}).get(row.t)
        return list(support.skills) if support else []
    if row.kind == "pupil":
        ehcp = facts.pupils[row.ref].ehcp
        return list(ehcp.skills) if ehcp else []
    if row.kind == "intervention":
        return list(facts.interventions[row.ref].skills)
    if row.kind == "duty":
        return list(facts.duties[row.ref].skills)
    return []


def check_skills(facts: Facts, ix: Index) -> Iterator[Violation]:
    """2. Skills: the adult has every skill of the task (support row `skills`,
    `ehcp.skills`, intervention `skills`, duty `skills`)."""
    for row in ix.rows:
        has = set(facts.staff[row.staff].skills)
        missing = [s for s in _required_skills(facts, row) if s not in has]
        if missing:
            yield Violation("skills", f"{who(row, facts)} on {row.task} lacks {', '.join(missing)}")


def check_contracted_hours(facts: Facts, ix: Index) -> Iterator[Violation]:
    """3. Contracted hours: per adult, minutes of all rows except duties paid extra
    ≤ hours×60 − liaison_minutes + overtime_hours×60. A pooled group counts once.
    With joint liaison the meetings are rows and no minutes are kept aside."""
    liaison = facts.reserved
    for adult, rows in ix.by_staff.items():
        a = facts.staff[adult]
        used = facts.total_minutes(contract_slots(rows, facts))
        limit = a.hours * 60 - liaison + a.overtime_hours * 60
        if used > limit + EPSILON:
            yield Violation(
                "contracted_hours",
                f"{adult} is given {used} contract minutes; the most allowed is {limit:g} "
                f"({a.hours:g} h − {liaison} liaison minutes + {a.overtime_hours:g} h overtime)",
            )


def check_max_duties(facts: Facts, ix: Index) -> Iterator[Violation]:
    """4. Max duties: duty rows per adult ≤ `max_duties`."""
    for adult, rows in ix.by_staff.items():
        cap = facts.staff[adult].max_duties
        count = sum(r.kind == "duty" for r in rows)
        if cap is not None and count > cap:
            yield Violation("max_duties", f"{adult} has {count} duty slots; max_duties is {cap}")


def check_one_place(facts: Facts, ix: Index) -> Iterator[Violation]:
    """An adult has at most one place per slot: all their rows in one slot are
    pupil: rows of one pooled group (same class and in_class, or all withdrawn),
    or a single row of another kind."""
    for (adult, t), rows in ix.by_place.items():
        if len(rows) < 2:
            continue
        tasks = [r.task for r in rows]
        where = f"{adult} at {facts.name(t)}"
        if any(r.kind != "pupil" for r in rows):
            yield Violation("one_place", f"{where} is in {len(rows)} places: {', '.join(tasks)}")
        elif len(set(tasks)) < len(tasks):
            yield Violation("one_place", f"{where} has the same task twice: {', '.join(tasks)}")
        elif len({r.mode for r in rows}) > 1:
            yield Violation(
                "one_place",
                f"{where} supports {', '.join(r.ref for r in rows)} partly in class, partly withdrawn",
            )


def check_break(facts: Facts, ix: Index) -> Iterator[Violation]:
    """13. Breaks: for each adult and day, the span runs from the start of their
    first row's slot to the end of their last row's slot. If it is more than
    `break_after_minutes`, some slot of that day strictly between the first and last
    task slots, at least `break_minutes` long, has no row of theirs."""
    rules = facts.school.rules
    for adult, rows in ix.by_staff.items():
        by_day: defaultdict[int, set[int]] = defaultdict(set)
        for r in rows:
            by_day[r.t[0]].add(r.t[1])
        for d, used in sorted(by_day.items()):
            first, last = min(used), max(used)
            span = facts.ends[last] - facts.starts[first]
            if span <= rules.break_after_minutes:
                continue
            free = [s for s in range(first + 1, last) if s not in used and facts.minutes[s] >= rules.break_minutes]
            if not free:
                yield Violation(
                    "break",
                    f"{adult} works {span} minutes on {facts.shape.days[d]} "
                    f"({facts.shape.slots[first]} to {facts.shape.slots[last]}) with no free slot "
                    f"of {rules.break_minutes} minutes between",
                )


def check_pin(facts: Facts, ix: Index) -> Iterator[Violation]:
    """15. Pins: each pinned (adult, slot) has a row with the pinned task (`free`:
    no row at all)."""
    for pin in facts.school.pins:
        if pin.staff not in facts.staff:
            continue
        for t in sorted(facts.when(pin.when)):
            tasks = [r.task for r in ix.by_place.get((pin.staff, t), ())]
            where = f"{pin.staff} at {facts.name(t)} is pinned to {pin.task}"
            if pin.task == "free" and tasks:
                yield Violation("pin", f"{where} but has {', '.join(tasks)}")
            elif pin.task != "free" and pin.task not in tasks:
                yield Violation("pin", f"{where} but has {', '.join(tasks) or 'no row'}")


def check_same_person(facts: Facts, ix: Index) -> Iterator[Violation]:
    """16. Same person: the staff rows of one of `people` are never busy at two slots of a day
    that overlap once the travel minutes between the two rows are added, and their contract
    minutes together are ≤ the person's `hours`×60 − `liaison_minutes` (reserve liaison)."""
    liaison = facts.reserved
    for person in facts.school.people:
        travel = {frozenset(t.between): t.minutes for t in person.travel}
        rows = [s for s in person.staff if s in ix.by_staff]
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                gap = travel.get(frozenset((a, b)), 0)
                for t in sorted({r.t for r in ix.by_staff[a]}):
                    for u in sorted({r.t for r in ix.by_staff[b]}):
                        if t[0] != u[0]:
                            continue
                        if facts.starts[u[1]] < facts.ends[t[1]] + gap and facts.starts[t[1]] < facts.ends[u[1]] + gap:
                            yield Violation(
                                "same_person",
                                f"{person.id} is {a} at {facts.name(t)} and {b} at {facts.name(u)}: "
                                + ("the same time" if t == u else f"not {gap} minutes' travel apart"),
                            )
        if person.hours is not None:
            used = sum(facts.total_minutes(contract_slots(ix.by_staff[s], facts)) for s in rows)
            limit = person.hours * 60 - liaison
            if used > limit + EPSILON:
                yield Violation(
                    "same_person_hours",
                    f"{person.id} is given {used} contract minutes across {', '.join(rows)}; "
                    f"the most allowed is {limit:g} ({person.hours:g} h − {liaison} liaison minutes)",
                )
