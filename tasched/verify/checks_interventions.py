"""Hard rules about intervention sessions and their rooms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from tasched.input.when import DaySlot
from tasched.verify.facts import Facts, Index, Row
from tasched.verify.report import Violation


def check_intervention_slot(facts: Facts, ix: Index) -> Iterator[Violation]:
    """9a. A session sits at a week slot in the intervention's `when`, whose length
    ≥ `minutes`, where none of its pupils has a lesson in an `avoid_subjects`
    subject."""
    for task, slots in ix.task_slots.items():
        kind, ref = task.split(":", 1)
        if kind != "intervention":
            continue
        i = facts.interventions[ref]
        for t in sorted(slots):
            if t in facts.session_slots[ref]:
                continue
            if t not in facts.when(i.when):
                why = f"is outside its when {i.when!r}"
            elif facts.minutes[t[1]] < i.minutes:
                why = f"is in a {facts.minutes[t[1]]}-minute slot, under its {i.minutes} minutes"
            else:
                why = f"takes its pupils out of a lesson in {', '.join(i.avoid_subjects)}"
            yield Violation("intervention_slot", f"the session of {ref} at {facts.name(t)} {why}")


def _sessions(ix: Index) -> Iterator[tuple[str, dict[DaySlot, list[Row]]]]:
    for task, slots in ix.task_slots.items():
        if task.startswith("intervention:"):
            yield task.split(":", 1)[1], slots


def check_intervention_sessions(facts: Facts, ix: Index) -> Iterator[Violation]:
    """9b. At most `sessions` a week, and exactly one adult per session."""
    for ref, slots in _sessions(ix):
        i = facts.interventions[ref]
        if len(slots) > i.sessions:
            yield Violation(
                "intervention_sessions",
                f"{ref} has {len(slots)} sessions; at most {i.sessions} a week",
            )
        for t, rows in sorted(slots.items()):
            if len(rows) > 1:
                yield Violation(
                    "intervention_sessions",
                    f"the session of {ref} at {facts.name(t)} has {len(rows)} adults "
                    f"({', '.join(r.staff for r in rows)}); a session has exactly one",
                )


def check_intervention_one_per_day(facts: Facts, ix: Index) -> Iterator[Violation]:
    """9c. With `one_per_day`, at most one session a day."""
    for ref, slots in _sessions(ix):
        if not facts.interventions[ref].one_per_day:
            continue
        per_day: defaultdict[int, int] = defaultdict(int)
        for d, _ in slots:
            per_day[d] += 1
        for d, count in sorted(per_day.items()):
            if count > 1:
                yield Violation(
                    "intervention_one_per_day",
                    f"{ref} has {count} sessions on {facts.shape.days[d]}; one_per_day allows one",
                )


def check_intervention_same_staff(facts: Facts, ix: Index) -> Iterator[Violation]:
    """9d. With `same_staff`, one adult delivers every session."""
    for ref, slots in _sessions(ix):
        adults = sorted({r.staff for rows in slots.values() for r in rows})
        if facts.interventions[ref].same_staff and len(adults) > 1:
            yield Violation(
                "intervention_same_staff",
                f"{ref} is delivered by {', '.join(adults)}; same_staff needs one adult",
            )


def check_intervention_pupil_clash(facts: Facts, ix: Index) -> Iterator[Violation]:
    """9e. A pupil is never in two sessions in one slot."""
    for pupil, by_slot in ix.in_session.items():
        for t, refs in sorted(by_slot.items()):
            if len(refs) > 1:
                yield Violation(
                    "intervention_pupil_clash",
                    f"{pupil} is in sessions of {', '.join(refs)} at once, at {facts.name(t)}",
                )


def check_room(facts: Facts, ix: Index) -> Iterator[Violation]:
    """10a. A session of an intervention with `room_kind` has a room of that kind;
    a session without `room_kind` has no room."""
    for row in ix.rows:
        if row.kind != "intervention":
            continue
        kind = facts.interventions[row.ref].room_kind
        where = f"the session of {row.ref} at {facts.name(row.t)}"
        if kind is None:
            if row.room is not None:
                yield Violation("room", f"{where} has room {row.room}, but needs no room")
        elif row.room is None:
            yield Violation("room", f"{where} has no room; it needs a {kind} room")
        elif row.room not in facts.rooms:
            yield Violation("room", f"{where} has room {row.room}, which is not in rooms")
        elif facts.rooms[row.room].kind != kind:
            yield Violation(
                "room",
                f"{where} is in {row.room} ({facts.rooms[row.room].kind}); it needs a {kind} room",
            )


def check_room_capacity(facts: Facts, ix: Index) -> Iterator[Violation]:
    """10b. Sessions in one room at one slot ≤ the room's `capacity`."""
    use: defaultdict[tuple[str, DaySlot], set[str]] = defaultdict(set)
    for row in ix.rows:
        if row.kind == "intervention" and row.room in facts.rooms:
            use[row.room, row.t].add(row.ref)
    for (room, t), refs in sorted(use.items()):
        cap = facts.rooms[room].capacity
        if len(refs) > cap:
            yield Violation(
                "room_capacity",
                f"room {room} holds {len(refs)} sessions at {facts.name(t)} "
                f"({', '.join(sorted(refs))}); its capacity is {cap}",
            )
