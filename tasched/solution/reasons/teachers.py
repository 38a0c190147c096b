"""Why an absent teacher's lessons went uncovered, or an adult's joint liaison fell short."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tasched.problem.compile import Problem
from tasched.problem.predicates import lesson_supported
from tasched.solution.reasons.busy import slot_list, what_adults_did
from tasched.solution.rota import Delivery


def cover_reason(delivery: Delivery, class_id: str) -> str:
    """An absent teacher's lessons nobody could cover: they need supply cover."""
    prob = delivery.problem
    needs = [n for n in prob.cover_needs if n.class_id == class_id]
    open_ = [n for n in needs if not delivery.cover_rows.get((class_id, n.slot))]
    slots = [n.slot for n in open_]
    teachers = sorted({prob.teachers[n.teacher].id for n in open_})
    roles = ", ".join(prob.data.rules.cover.roles) or "no role"
    head = f"needs supply cover at {slot_list(prob, slots)} ({' and '.join(teachers)} away)"
    able = {a for n in open_ for a in n.candidates}
    if not able:
        return f"{head}: no adult whose role may cover ({roles}) works then with cover time left"
    cap = prob.data.rules.cover.max_minutes

    def rule(a: int, t: int) -> str | None:
        adult = prob.adults[a]
        done = sum(prob.slots[u].minutes for (c, u), who in delivery.cover_rows.items() if adult.id in who)
        if done + prob.slots[t].minutes > adult.cover_minutes:
            return f"their {cap} minutes of cover a week (rules.cover.max_minutes) used"
        return None

    return f"{head}; the adults who may cover ({roles}) were: {what_adults_did(delivery, able, slots, rule)}"


def liaison_reason(delivery: Delivery, adult_id: str) -> str:
    """Why an adult's joint liaison is short: the teacher they support most that they did not
    meet, and why (no common free slot inside their hours, or what they did in the ones there are)."""
    prob = delivery.problem
    a = prob.adult_index[adult_id]
    adult = prob.adults[a]
    if not prob.teachers:
        return f"no teachers are listed (`teachers`), so {adult_id} has nobody to meet"
    teacher_of = prob.teacher_of
    supported: Counter[int] = Counter()
    for t, rows in delivery.by_adult.get(adult_id, {}).items():
        for r in rows:
            place = lesson_supported(prob, r["task"], t)
            k = None if place is None else teacher_of.get((place, t))
            if k is not None:
                supported[k] += prob.slots[t].minutes
    met = {prob.teacher_index[k] for k, _ in delivery.liaison_rows.get(adult_id, []) if k in prob.teacher_index}
    if not supported:
        partners = [p for p in prob.liaison_partners if p.adult == a]
        if not partners:
            return (
                f"{adult_id} could support no lesson of a listed teacher this week (`teachers`, "
                "`classes.teacher`, `lessons.teacher`), so there is nobody to meet"
            )
        return f"{adult_id} supports no lesson of a listed teacher this week, so there is nobody to meet"
    unmet = [k for k, _ in supported.most_common() if k not in met] or [supported.most_common(1)[0][0]]
    k = unmet[0]
    teacher = prob.teachers[k]
    common = sorted(adult.works & teacher.free)
    if not common:
        return (
            f"{adult_id} and {teacher.id} share no free slot inside {adult_id}'s hours "
            f"({adult_id} works {_hours_of(prob, adult.works)}; {_teacher_busy(prob, teacher, adult.works)})"
        )
    return (
        f"{adult_id} and {teacher.id} (whose lessons {adult_id} supports most among those not met) are both "
        f"free at {slot_list(prob, common)}, but {adult_id} was: {what_adults_did(delivery, {a}, common)}"
    )


def _hours_of(prob: Problem, works: set[int]) -> str:
    """`09:00–12:00`, or day by day when the days differ: `Mon 09:00–12:00, Tue 13:00–15:00`."""
    spans: dict[str, tuple[int, int]] = {}
    for t in sorted(works):
        s = prob.slots[t]
        start, end = spans.get(s.day_id, (s.start, s.end))
        spans[s.day_id] = (min(start, s.start), max(end, s.end))

    def clock(m: int) -> str:
        return f"{m // 60:02d}:{m % 60:02d}"

    if not spans:
        return "no slot this week"
    if len(set(spans.values())) == 1:
        start, end = next(iter(spans.values()))
        return f"{clock(start)}–{clock(end)}"
    return ", ".join(f"{day} {clock(a)}–{clock(b)}" for day, (a, b) in spans.items())


def _teacher_busy(prob: Problem, teacher: Any, works: set[int]) -> str:
    """What the teacher is doing in the adult's hours: teaching, or out of school."""
    teaching = sorted(t for t in works if t in teacher.teaching)
    away = sorted(t for t in works if t not in teacher.works)
    kinds = {prob.slots[t].kind for t in works}
    if teaching and not away:
        periods = "lesson" if kinds == {"lesson"} else "slot"
        return f"{teacher.id} teaches in every {periods} of those hours"
    if away and not teaching:
        return f"{teacher.id} is not in school then"
    taught, out = slot_list(prob, teaching, 4), slot_list(prob, away, 4)
    return f"{teacher.id} teaches at {taught} and is not in school at {out}"
