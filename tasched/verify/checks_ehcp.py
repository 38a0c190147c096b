"""Hard rules about EHC support: the plan's slots, mode and adults, pooling, over-support,
rotation, and withdrawal from lessons."""

from __future__ import annotations

import math
from collections.abc import Iterator

from tasched.input.model import Ehcp, EhcpMode, Pupil
from tasched.input.when import DaySlot
from tasched.verify.facts import Facts, Index, Row, who
from tasched.verify.report import EPSILON, Violation


def _ehcp(facts: Facts, pupil: str) -> Ehcp:
    ehcp = facts.pupils[pupil].ehcp
    assert ehcp is not None  # rows for pupils without a plan were rejected as unknown tasks
    return ehcp


def _pupil_rows(ix: Index) -> Iterator[Row]:
    return (r for r in ix.rows if r.kind == "pupil")


def check_ehcp_slot(facts: Facts, ix: Index) -> Iterator[Violation]:
    """5a. EHC support of P at t: t is in `ehcp.when` (default: slots where P has a
    lesson); with `ehcp.subjects`, P has a lesson at t in one of those subjects."""
    for row in _pupil_rows(ix):
        if row.t in facts.ehc_slots[row.ref]:
            continue
        ehcp = _ehcp(facts, row.ref)
        if ehcp.subjects is not None and (ehcp.when is None or row.t in facts.when(ehcp.when)):
            why = f"the plan allows support only in {', '.join(ehcp.subjects)}"
        elif ehcp.when is None:
            why = "the pupil has no lesson then"
        else:
            why = f"the plan's when is {ehcp.when!r}"
        yield Violation("ehcp_slot", f"{who(row, facts)} supports {row.ref}, but {why}")


def check_ehcp_mode(facts: Facts, ix: Index) -> Iterator[Violation]:
    """5b. The mode must be allowed by `ehcp.mode` (`any` allows both); `in_class`
    needs P to have a lesson at t."""
    for row in _pupil_rows(ix):
        allowed = _ehcp(facts, row.ref).mode
        if allowed != EhcpMode.any and row.mode != allowed.value:
            yield Violation(
                "ehcp_mode",
                f"{who(row, facts)} supports {row.ref} {row.mode}, but the plan's mode is {allowed.value}",
            )
        elif row.mode == "in_class" and row.t not in facts.place[row.ref]:
            yield Violation(
                "ehcp_mode",
                f"{who(row, facts)} supports {row.ref} in class, but {row.ref} has no lesson then",
            )


def check_ehcp_adults(facts: Facts, ix: Index) -> Iterator[Violation]:
    """5c. The number of adults with P at t is 0 or exactly `ehcp.adults` (2:1)."""
    seen: set[tuple[str, DaySlot]] = set()
    for row in _pupil_rows(ix):
        key = (row.task, row.t)
        if key in seen:
            continue
        seen.add(key)
        adults = sorted({r.staff for r in ix.by_task[key]})
        wanted = _ehcp(facts, row.ref).adults
        if len(adults) != wanted:
            yield Violation(
                "ehcp_adults",
                f"{row.ref} at {facts.name(row.t)} has {len(adults)} adult(s) "
                f"({', '.join(adults)}); "
                f"the plan needs exactly {wanted} whenever supported",
            )


def check_ehcp_in_session(facts: Facts, ix: Index) -> Iterator[Violation]:
    """5d. P is not given EHC support at t while in an intervention session at t."""
    for row in _pupil_rows(ix):
        sessions = ix.in_session.get(row.ref, {}).get(row.t)
        if sessions:
            yield Violation(
                "ehcp_in_session",
                f"{who(row, facts)} supports {row.ref}, who is in intervention {', '.join(sessions)} then",
            )


def check_pooling(facts: Facts, ix: Index) -> Iterator[Violation]:
    """6. Pooling: a pooled group (one adult, one slot, several pupil: rows) has at
    most min(`group_max`) of its members pupils; every member has `group_max` ≥ 2;
    in-class members share a class at that slot."""
    for (adult, t), rows in ix.by_place.items():
        group = sorted({r.ref for r in rows if r.kind == "pupil"})
        if len(group) < 2:
            continue
        where = f"{adult} at {facts.name(t)} supports {', '.join(group)} together"
        maxes = {p: _ehcp(facts, p).group_max for p in group}
        solo = [p for p, m in maxes.items() if m < 2]
        if solo:
            yield Violation("pooling", f"{where}, but {', '.join(solo)} must be supported one-to-one")
        elif len(group) > min(maxes.values()):
            yield Violation("pooling", f"{where}; the smallest group_max among them is {min(maxes.values())}")
        in_class = [r.ref for r in rows if r.kind == "pupil" and r.mode == "in_class"]
        classes = {facts.place[p].get(t) for p in in_class}
        if len(classes) > 1:
            yield Violation("pooling", f"{where} in class, but they are not in the same class then")


def check_over_support(facts: Facts, ix: Index) -> Iterator[Violation]:
    """7. Over-support: EHC minutes delivered to P ≤ `ehcp.hours`×60 + the length of
    the longest slot in which P could be supported. EHC minutes delivered = minutes
    of P's pupil: slots (a slot counts once, even with 2 adults) + minutes of
    sessions of counts_for_ehcp interventions P attends."""
    for pupil in ix.contact:
        ehcp = facts.pupils[pupil].ehcp
        if ehcp is None:
            continue
        delivered = ix.pupil_minutes(facts, pupil, ix.ehc_slots(pupil))
        longest = max((facts.minutes[s] for _, s in facts.supportable_slots(pupil)), default=0)
        limit = ehcp.hours * 60 + longest
        if delivered > limit + EPSILON:
            yield Violation(
                "over_support",
                f"{pupil} is given {delivered} EHC minutes; the plan's {ehcp.hours:g} h plus "
                f"one slot allows at most {limit:g}",
            )


def _rotated_pupils(facts: Facts, ix: Index) -> Iterator[tuple[Pupil, Ehcp, dict[str, set[DaySlot]]]]:
    for pupil, by_adult in ix.contact.items():
        p = facts.pupils[pupil]
        if p.ehcp is not None and by_adult:
            yield p, p.ehcp, by_adult


def check_rotation_min_staff(facts: Facts, ix: Index) -> Iterator[Violation]:
    """8a. min_staff: if P has any EHC contact in the week, at least `min_staff`
    distinct adults give it."""
    for p, _, by_adult in _rotated_pupils(facts, ix):
        need = facts.rotation(p)[0]
        if len(by_adult) < need:
            yield Violation(
                "rotation_min_staff",
                f"{p.id} is supported by {len(by_adult)} adult(s) ({', '.join(sorted(by_adult))}); "
                f"rotation needs at least {need}",
            )


def check_rotation_max_staff(facts: Facts, ix: Index) -> Iterator[Violation]:
    """8d. max_staff: at most `max_staff` distinct adults (the pupil's `rotation`, else
    `rules.rotation`) give P EHC contact in the week."""
    base = facts.school.rules.rotation.max_staff
    for p, _, by_adult in _rotated_pupils(facts, ix):
        most = p.rotation.max_staff if p.rotation and p.rotation.max_staff is not None else base
        if most is not None and len(by_adult) > most:
            yield Violation(
                "rotation_max_staff",
                f"{p.id} is supported by {len(by_adult)} adults ({', '.join(sorted(by_adult))}); "
                f"rotation allows at most {most}",
            )


def check_rotation_max_share(facts: Facts, ix: Index) -> Iterator[Violation]:
    """8b. max_share: each adult's EHC contact minutes with P ≤ `max_share` ×
    `ehcp.hours`×60 (rounded down to a minute)."""
    for p, ehcp, by_adult in _rotated_pupils(facts, ix):
        share = facts.rotation(p)[1]
        cap = math.floor(share * ehcp.hours * 60 + EPSILON)
        for adult, slots in sorted(by_adult.items()):
            got = ix.pupil_minutes(facts, p.id, slots)
            if got > cap:
                yield Violation(
                    "rotation_max_share",
                    f"{adult} gives {p.id} {got} EHC minutes; max_share {share:g} of {ehcp.hours:g} h allows {cap}",
                )


def check_rotation_max_consecutive(facts: Facts, ix: Index) -> Iterator[Violation]:
    """8c. max_consecutive: no adult has EHC contact with P in more than
    `max_consecutive` adjacent slots of a day (calendar slot order; a slot without
    them together, closed slots included, ends the run)."""
    for p, _, by_adult in _rotated_pupils(facts, ix):
        most = facts.rotation(p)[2]
        for adult, slots in sorted(by_adult.items()):
            for run in _runs(slots):
                if len(run) > most:
                    yield Violation(
                        "rotation_max_consecutive",
                        f"{adult} is with {p.id} in {len(run)} adjacent slots "
                        f"({facts.name(run[0])} to {facts.shape.slots[run[-1][1]]}); "
                        f"at most {most} allowed",
                    )


def _runs(slots: set[DaySlot]) -> Iterator[list[DaySlot]]:
    """Maximal runs of adjacent slots of one day."""
    run: list[DaySlot] = []
    for t in sorted(slots):
        if run and (t[0] != run[-1][0] or t[1] != run[-1][1] + 1):
            yield run
            run = []
        run.append(t)
    if run:
        yield run


def out_of_class_slots(facts: Facts, ix: Index, pupil: str) -> set[DaySlot]:
    """Slots where the pupil has a lesson but is out of class: in a session, or
    given withdrawn EHC support."""
    lessons = facts.place[pupil]
    out = {t for t in ix.in_session.get(pupil, {}) if t in lessons}
    for t in lessons:
        if any(r.mode == "withdrawn" for r in ix.by_task.get((f"pupil:{pupil}", t), ())):
            out.add(t)
    return out


def check_withdrawal(facts: Facts, ix: Index) -> Iterator[Violation]:
    """11. Withdrawal: per pupil, minutes out of class at slots where the pupil has
    a lesson (sessions + withdrawn EHC support) ≤ `max_withdrawal` (pupil's, else
    `rules.max_withdrawal`) × the pupil's lesson minutes."""
    default = facts.school.rules.max_withdrawal
    for p in facts.school.pupils:
        out = ix.pupil_minutes(facts, p.id, out_of_class_slots(facts, ix, p.id))
        if not out:
            continue
        fraction = default if p.max_withdrawal is None else p.max_withdrawal
        lesson = facts.total_minutes(facts.place[p.id])
        if out > fraction * lesson + EPSILON:
            yield Violation(
                "withdrawal",
                f"{p.id} is out of class {out} minutes; max_withdrawal {fraction:g} of "
                f"{lesson} lesson minutes allows {fraction * lesson:g}",
            )
