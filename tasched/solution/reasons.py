"""Why a demand was not met: every shortfall gets a reason in the school's words.

Reasons are read from the solved rota: which adults could have served the demand
in the slots it was short, and what they were doing instead, or which rule bound
(contracted hours used up, rotation share reached, rooms full, no trained adult).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from tasched.input.model import Demand
from tasched.problem.compile import Problem
from tasched.problem.predicates import (
    break_kept,
    contract_minutes,
    fits_contract,
    lesson_supported,
    medical_covered,
    run_through,
)
from tasched.solution.rota import Delivery
from tasched.solution.words import TIER_LABELS, plural


def give_reasons(delivery: Delivery, shortfalls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each shortfall row, with a non-empty `reason`."""
    out = []
    for row in shortfalls:
        kind, _, target = row["task"].partition(":")
        explain = _EXPLAINERS[kind]
        reason = explain(delivery, target) or "the solver found no better rota within its time limit"
        out.append({**row, "reason": reason})
    return out


def _what_adults_did(
    delivery: Delivery,
    adults: set[int],
    slots: list[int],
    rule_check: Callable[[int, int], str | None] | None = None,
) -> str:
    """What the given adults were doing in the given slots, or which rule kept them off.

    `rule_check(adult, slot)` names a rule of the demand itself that binds (e.g. the
    pupil's rotation share) for an adult who was otherwise free.
    """
    prob = delivery.problem
    doing: Counter[str] = Counter()
    names: dict[str, set[str]] = defaultdict(set)
    for a in sorted(adults):
        adult = prob.adults[a]
        mine = delivery.by_adult.get(adult.id, {})
        used = contract_minutes(prob, {t: [r["task"] for r in rows] for t, rows in mine.items()})
        for t in slots:
            if t not in adult.works:
                continue
            rows = mine.get(t, [])
            if rows:
                cause = _task_kind(rows[0]["task"])
            elif not fits_contract(prob, a, used + prob.slots[t].minutes):
                cause = "contracted hours used up"
            elif (rule := rule_check(a, t) if rule_check else None) is not None:
                cause = rule
            elif not break_kept(prob, prob.slots[t].day, {*mine, t}):
                cause = "their rest break (break_after_minutes)"
            else:
                cause = "free, but not used before the time limit"
            doing[cause] += 1
            names[cause].add(adult.id)
    parts = []
    for cause, count in doing.most_common():
        who = sorted(names[cause])
        shown = ", ".join(who[:4]) + (f" and {len(who) - 4} more" if len(who) > 4 else "")
        parts.append(f"{cause} ({shown}; {plural(count, 'slot')})")
    return "; ".join(parts) or "nobody works then"


def _task_kind(task: str) -> str:
    kind = task.partition(":")[0]
    return {
        "pupil": "supporting another EHC pupil",
        "class": "class support",
        "intervention": "delivering interventions",
        "duty": "on duty",
        "liaison": "meeting a teacher (liaison)",
        "cover": "covering a lesson",
    }[kind]


def _ehcp(delivery: Delivery, pupil_id: str) -> str:
    prob = delivery.problem
    pupil = next(p for p in prob.pupils if p.id == pupil_id)
    plan = pupil.ehcp
    assert plan is not None
    skills = ", ".join(sorted(plan.skills)) or "no particular skill"
    if not plan.slots:
        return f"no slot where support may be given (ehcp.when, subjects and lessons leave none) for {pupil_id}"
    eligible = {a for t in plan.slots for a in plan.candidates[t]}
    if not eligible:
        return f"no adult with {skills} works in any of {pupil_id}'s support slots"
    if len(eligible) < plan.min_staff or len(eligible) < plan.adults:
        names = ", ".join(prob.adults[a].id for a in sorted(eligible))
        return (
            f"rotation needs {max(plan.min_staff, plan.adults)} different adults with {skills} "
            f"but only {names} can support {pupil_id}"
        )
    most = len(eligible) * plan.max_share_minutes
    if most < plan.required_minutes:
        return (
            f"rotation max_share lets each of the {len(eligible)} adults able to support {pupil_id} "
            f"give at most {plan.max_share_minutes / 60:.1f} h, {most / 60:.1f} h in all"
        )
    busy = delivery.ehc_slots.get(pupil_id, set())
    in_session = {t for i in pupil.interventions for t in delivery.sessions.get(prob.interventions[i].id, [])}
    open_slots = [t for t in plan.slots if t not in busy and t not in in_session]
    if not open_slots:
        return f"every slot where {pupil_id} may be supported is taken by support or an intervention session"
    together = {
        (prob.adult_index[r["staff"]], t)
        for t in busy
        for r in _rows_at(delivery, t)
        if r["task"] == f"pupil:{pupil_id}"
    }

    def rule(a: int, t: int) -> str | None:
        adult = prob.adults[a]
        if delivery.contact.get((adult.id, pupil_id), 0) + prob.slots[t].minutes > plan.max_share_minutes:
            return f"rotation.max_share: their {plan.max_share_minutes / 60:g} h with {pupil_id} already given"
        if run_through(prob, t, {u for b, u in together if b == a}) > plan.max_consecutive:
            return f"rotation.max_consecutive {plan.max_consecutive}: already with {pupil_id} the slots around"
        if plan.modes == ("withdrawn",) and t in pupil.place:
            return f"max_withdrawal: {pupil_id}'s time out of class is used up"
        return None

    doing = _what_adults_did(delivery, eligible, open_slots, rule)
    return (
        f"in {len(open_slots)} possible slots the {len(eligible)} adults able to support {pupil_id} "
        f"({skills}) were busy: {doing}"
    )


def _rows_at(delivery: Delivery, t: int) -> list[dict[str, Any]]:
    return [r for slots in delivery.by_adult.values() for r in slots.get(t, [])]


def _medical(delivery: Delivery, pupil_id: str) -> str:
    prob = delivery.problem
    pupil = next(p for p in prob.pupils if p.id == pupil_id)
    need = pupil.medical
    assert need is not None
    missed = [t for t in need.slots if not _medical_covered(delivery, pupil.index, t)]
    skilled = {a.index for a in prob.adults if a.can(need.skills)}
    skills = ", ".join(sorted(need.skills))
    labels = _slot_list(prob, missed)
    if not skilled:
        return f"no adult has {skills}"
    no_duty = [t for t in missed if t not in pupil.place and not any(t in d.slots for d in prob.duties)]
    if no_duty:
        return f"{pupil_id} has no lesson and there is no duty at {_slot_list(prob, no_duty)}, so no adult is near"
    working = {a for a in skilled if any(t in prob.adults[a].works for t in missed)}
    if not working:
        return f"no adult with {skills} works at {labels}"
    return f"uncovered at {labels}; adults with {skills} were: {_what_adults_did(delivery, working, missed)}"


def _medical_covered(delivery: Delivery, p: int, t: int) -> bool:
    prob = delivery.problem
    index = prob.adult_index
    present = [(index[r["staff"]], r["task"], r.get("mode")) for r in _rows_at(delivery, t) if r["staff"] in index]
    return medical_covered(prob, p, t, present)


def _duty(delivery: Delivery, duty_id: str) -> str:
    prob = delivery.problem
    duty = next(d for d in prob.duties if d.id == duty_id)
    short = [t for t in duty.slots if len(delivery.duty_rows.get((duty_id, t), [])) < duty.staff]
    eligible = {a for t in short for a in duty.candidates[t]}
    skills = ", ".join(sorted(duty.skills)) or "any skills"
    if not eligible:
        return f"no adult with {skills} works at {_slot_list(prob, short)}"
    capped = [prob.adults[a].id for a in eligible if prob.adults[a].max_duties is not None]
    doing = _what_adults_did(delivery, eligible, short)
    who = (
        "the one adult who could do it was"
        if len(eligible) == 1
        else f"the {len(eligible)} adults who could do it were"
    )
    text = f"short at {_slot_list(prob, short)}; {who}: {doing}"
    if capped:
        text += f"; max_duties limits {', '.join(sorted(capped))}"
    return text


def _intervention(delivery: Delivery, iv_id: str) -> str:
    prob = delivery.problem
    iv = next(i for i in prob.interventions if i.id == iv_id)
    skills = ", ".join(sorted(iv.skills)) or "no particular skill"
    if not iv.slots:
        return f"no allowed slot is {iv.minutes} minutes long and free of {iv_id}'s avoided subjects"
    trained = {a for t in iv.slots for a in iv.candidates[t]}
    if not trained:
        return f"no adult with {skills} works in any allowed slot"
    days = {prob.slots[t].day for t in iv.slots}
    if iv.one_per_day and len(days) < iv.sessions:
        return f"one_per_day: allowed slots fall on only {len(days)} days for {iv.sessions} sessions"
    if iv.room_kind is not None and prob.room_capacity.get(iv.room_kind, 0) == 0:
        return f"no room of kind {iv.room_kind}"
    if iv.same_staff:
        held = delivery.sessions.get(iv_id, [])
        lead = {
            r["staff"]
            for rows in delivery.by_adult.values()
            for rs in rows.values()
            for r in rs
            if r["task"] == f"intervention:{iv_id}"
        }
        who = next(iter(lead)) if lead else None
        if who is not None:
            a = prob.adult_index[who]
            free = [t for t in iv.slots if t not in held and t in prob.adults[a].works]
            return (
                f"same_staff: {who} delivers it and was busy in its other allowed slots: "
                f"{_what_adults_did(delivery, {a}, free)}"
            )
    unused = [t for t in iv.slots if t not in delivery.sessions.get(iv_id, [])]
    return f"the {len(trained)} adults with {skills} were: {_what_adults_did(delivery, trained, unused)}"


def _class(delivery: Delivery, class_id: str) -> str:
    prob = delivery.problem
    rows = [r for r in prob.supports if r.class_id == class_id]
    short = [t for r in rows for t in r.slots if len(delivery.class_rows.get((class_id, t), [])) < r.staff]
    eligible = {a for r in rows for t in r.slots if t in short for a in r.candidates[t]}
    if not eligible:
        return f"no adult with the support's skills works at {_slot_list(prob, short)}"
    return (
        f"{ranked_below(prob, Demand.class_support)}in {plural(len(short), 'slot')} the adults who could "
        f"help were: {_what_adults_did(delivery, eligible, short)}"
    )


def ranked_below(prob: Problem, demand: Demand) -> str:
    """`lower priority than EHC hours and duties; ` from the school's own rules.priorities."""
    order = [d for d in prob.data.rules.priorities if d == demand or _present(prob, d)]
    above = (
        [TIER_LABELS.get(d.value, d.value.replace("_", " ")) for d in order[: order.index(demand)]]
        if demand in order
        else []
    )
    if not above:
        return ""
    listed = above[0] if len(above) == 1 else ", ".join(above[:-1]) + " and " + above[-1]
    return f"lower priority than {listed}; "


def _present(prob: Problem, demand: Demand) -> bool:
    """The demands added with teachers (issue 15) are named only where the school has them."""
    if demand == Demand.liaison:
        return any(a.meet_minutes > 0 for a in prob.adults)
    if demand == Demand.cover:
        return bool(prob.cover_needs)
    return True


def _slot_list(prob: Problem, slots: list[int], most: int = 6) -> str:
    labels = [prob.slots[t].label for t in sorted(slots)]
    if len(labels) > most:
        return ", ".join(labels[:most]) + f" and {len(labels) - most} more"
    return ", ".join(labels)


def _cover(delivery: Delivery, class_id: str) -> str:
    """An absent teacher's lessons nobody could cover: they need supply cover."""
    prob = delivery.problem
    needs = [n for n in prob.cover_needs if n.class_id == class_id]
    open_ = [n for n in needs if not delivery.cover_rows.get((class_id, n.slot))]
    slots = [n.slot for n in open_]
    teachers = sorted({prob.teachers[n.teacher].id for n in open_})
    roles = ", ".join(prob.data.rules.cover.roles) or "no role"
    head = f"needs supply cover at {_slot_list(prob, slots)} ({' and '.join(teachers)} away)"
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

    return f"{head}; the adults who may cover ({roles}) were: {_what_adults_did(delivery, able, slots, rule)}"


def _liaison(delivery: Delivery, adult_id: str) -> str:
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
        f"free at {_slot_list(prob, common)}, but {adult_id} was: {_what_adults_did(delivery, {a}, common)}"
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
    taught, out = _slot_list(prob, teaching, 4), _slot_list(prob, away, 4)
    return f"{teacher.id} teaches at {taught} and is not in school at {out}"


_EXPLAINERS = {
    "pupil": _ehcp,
    "medical": _medical,
    "duty": _duty,
    "intervention": _intervention,
    "class": _class,
    "liaison": _liaison,
    "cover": _cover,
}
