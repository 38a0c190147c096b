"""Judging one adult for one cover: a Candidate with its cost, or the reasons they
cannot take it. The change is tried on the week, checked, and undone. A swap (the
adult hands their own task to a free adult) is judged the same way, twice.
"""

from __future__ import annotations

from tasched.analysis.suggest.checks import (
    can_join,
    dropped_duty_problems,
    duty_problems,
    pupil_problems,
    rotation_problems,
    same_staff_problems,
    skill_problems,
)
from tasched.analysis.suggest.lesson_cover import COVER, cover_after_problems, cover_before_problems, is_cover
from tasched.analysis.suggest.results import Candidate, Cover, Row, best_candidate
from tasched.analysis.suggest.rules import break_problems, contract_after, contract_minutes, medical_uncovered
from tasched.analysis.suggest.state import WeekState, cover_of, group_task
from tasched.input.model import Priority
from tasched.problem.compile import Adult
from tasched.problem.compile import Problem as Compiled

# The demand weights of docs/rules.md (per minute short): what a task is worth keeping.
PRIORITY_VALUE = {
    "pupil": {Priority.high: 1000, Priority.normal: 1000, Priority.low: 1000},
    "duty": {Priority.high: 300, Priority.normal: 200, Priority.low: 150},
    "intervention": {Priority.high: 150, Priority.normal: 100, Priority.low: 75},
    "class": {Priority.high: 40, Priority.normal: 20, Priority.low: 10},
}
MEDICAL_VALUE = 500  # a class row where no support applies is medical cover
COVER_VALUE = 400  # a lesson of an absent teacher: below medical cover, above duties (the solver's COVER_WEIGHT)
JOIN_VALUE = 0.5  # joining a pooled group: no drop, but the group grows
SWAP_VALUE = 0.75  # handing one's own task to a free adult: nothing lost, two changes


def task_value(prob: Compiled, task: str, t: int) -> float:
    kind, _, target = task.partition(":")
    if kind == "pupil":
        return PRIORITY_VALUE["pupil"][Priority.normal]
    if kind == "duty":
        duty = next((d for d in prob.duties if d.id == target), None)
        return PRIORITY_VALUE["duty"][duty.priority if duty else Priority.normal]
    if kind == "intervention":
        iv = next((i for i in prob.interventions if i.id == target), None)
        return PRIORITY_VALUE["intervention"][iv.priority if iv else Priority.normal]
    if kind == "class":
        rows = [s for s in prob.supports if s.class_id == target and t in s.slots]
        if not rows:  # no support wanted then: the row is medical cover (docs/rules.md)
            return MEDICAL_VALUE
        return PRIORITY_VALUE["class"][rows[0].priority]
    if kind == "cover":
        return COVER_VALUE
    return 0.0


def judge(state: WeekState, cover: Cover, adult_index: int) -> Candidate | list[str]:
    """A candidate for the cover, or the reasons this adult cannot take it."""
    adult = state.prob.adults[adult_index]
    b, t = adult.id, cover.slot
    kind = str(cover.rows[0]["task"]).partition(":")[0]
    targets = [str(r["task"]).partition(":")[2] for r in cover.rows]
    reasons = _who_may(state, adult, kind, targets, t)
    if reasons:
        return reasons
    now = state.rows(b, t)
    cand = _give_up(state, cover, b, now)
    if isinstance(cand, list):
        return cand
    new_rows = cover.rows if cand.action != "joins" else [*now, *cover.rows]
    # The rota after the change, for this adult and this slot.
    before_contract = contract_minutes(state, b)
    before_duties = state.duty_count(b)
    saved = state.remove(b, t)
    state.put(b, t, new_rows)
    try:
        contract = contract_after(state, adult, before_contract)
        cand.used_minutes, cand.room_minutes, cand.overtime_minutes = contract.used, contract.room, contract.overtime
        reasons = [*contract.problems]
        if kind == "duty":
            duty = state.duties[targets[0]]
            reasons += duty_problems(state, adult, duty, before_duties, t)
            if duty.paid_extra:
                cand.warnings.append("paid extra")
        reasons += dropped_duty_problems(state, saved, t)
        reasons += _pupil_rule_problems(state, kind, targets, b, t)
        reasons += break_problems(state, adult_index, state.prob.slots[t].day)
        # Compared with the rota as it was (before the absence): medical cover now missing.
        cand.medical_lost = sorted(medical_uncovered(state, t) - cover.medical_before)
        if kind == "cover":
            reasons += cover_after_problems(state, adult, cand.medical_lost)
        cand.familiar = _familiar(state, cover, b, t)
    finally:
        state.remove(b, t)
        if saved:
            state.put(b, t, saved)
    return reasons or cand


def _who_may(state: WeekState, adult: Adult, kind: str, targets: list[str], t: int) -> list[str]:
    """The adult works at t and may do the task then: the skills, and for a lesson's cover the role."""
    if t not in adult.works:
        return [f"does not work at {state.prob.slots[t].label}"]
    reasons = skill_problems(state, kind, targets, adult.index, t)
    if kind == "cover":
        reasons += cover_before_problems(state, adult, targets[0], t)
    return reasons


def _give_up(state: WeekState, cover: Cover, adult: str, now: list[Row]) -> Candidate | list[str]:
    """What the adult is doing now, and what they would give up: free, join a group, or drop a lesser task."""
    cand = Candidate(adult, "free")
    if not now:
        return cand
    t = cover.slot
    now_task = group_task(now)
    if any(str(r["task"]) == str(c["task"]) for r in now for c in cover.rows):
        return [f"already on {now_task} then"]
    if can_join(state, cover, now, t):
        cand.action, cand.drops, cand.drop_value = "joins", now_task, JOIN_VALUE
        return cand
    value = max(task_value(state.prob, str(r["task"]), t) for r in now)
    if value >= task_value(state.prob, str(cover.rows[0]["task"]), t):
        return [f"busy with {now_task} (not lower priority)"]
    cand.action, cand.drops, cand.drop_value = "drops", now_task, value
    cand.changes = 1 + len(now)
    return cand


def _pupil_rule_problems(state: WeekState, kind: str, targets: list[str], adult: str, t: int) -> list[str]:
    """Rotation and the pupil's week for EHC support; rotation and same_staff for an intervention."""
    if kind == "pupil":
        return rotation_problems(state, adult, targets, t) + pupil_problems(state, targets, t)
    if kind != "intervention":
        return []
    iv = state.ivs[targets[0]]
    out = []
    if iv.counts_for_ehcp:
        out += rotation_problems(state, adult, [state.prob.pupils[p].id for p in iv.pupils], t)
    if iv.same_staff:
        out += same_staff_problems(state, iv.id, adult, t)
    return out


def _familiar(state: WeekState, cover: Cover, adult: str, t: int) -> bool:
    """The adult already does one of the cover's tasks at another slot this week."""
    tasks = cover.tasks()
    if is_cover(cover.task):  # covering a class one supports
        tasks.add("class:" + cover.task.removeprefix(COVER))
    return any(str(r["task"]) in tasks for s in state.slots_of.get(adult, ()) if s != t for r in state.rows(adult, s))


def swap(state: WeekState, cover: Cover, index: int, absent_here: set[int]) -> Candidate | None:
    """The adult takes the cover and a free adult takes their own task: the best such pair."""
    adult = state.prob.adults[index]
    t = cover.slot
    saved = state.rows(adult.id, t)
    if not saved or any(str(r["task"]) in cover.tasks() for r in saved):
        return None
    state.remove(adult.id, t)
    try:
        verdict = judge(state, cover, index)
        if not isinstance(verdict, Candidate) or verdict.action != "free":
            return None
        state.put(adult.id, t, cover.rows)
        own = cover_of(t, cover.label, saved, adult.id)
        own.medical_before = cover.medical_before
        best = _best_taker(state, own, absent_here | {index})
        if best is None:
            return None
        medical_lost = sorted(_medical_uncovered_with(state, best.staff, t, saved) - cover.medical_before)
        if medical_lost and is_cover(cover.task):
            return None  # a lesson's cover never costs medical cover
        return _swap_candidate(adult, own, verdict, best, medical_lost)
    finally:
        state.put(adult.id, t, saved)


def _best_taker(state: WeekState, own: Cover, excluded: set[int]) -> Candidate | None:
    """The best adult, free or joining a group, to take over the swapping adult's task."""
    takers = []
    for other in state.prob.adults:
        if other.index in excluded:
            continue
        taker = judge(state, own, other.index)
        if isinstance(taker, Candidate) and taker.action in ("free", "joins"):
            takers.append(taker)
    return best_candidate(takers)


def _medical_uncovered_with(state: WeekState, staff: str, t: int, rows: list[Row]) -> set[str]:
    """Medical cover missing at t were `staff` to take `rows` as well (then undone)."""
    theirs = state.rows(staff, t)
    state.put(staff, t, [*theirs, *rows])
    uncovered = medical_uncovered(state, t)
    state.put(staff, t, theirs)
    return uncovered


def _swap_candidate(
    adult: Adult, own: Cover, verdict: Candidate, best: Candidate, medical_lost: list[str]
) -> Candidate:
    return Candidate(
        adult.id,
        "swap",
        drops=own.task,
        drop_value=SWAP_VALUE,
        changes=verdict.changes + best.changes + 1,
        used_minutes=verdict.used_minutes,
        room_minutes=verdict.room_minutes,
        overtime_minutes=verdict.overtime_minutes,
        medical_lost=medical_lost,
        warnings=[*verdict.warnings, *best.warnings],
        familiar=verdict.familiar,
        swap_with=best.staff,
        swap_rows=[dict(r) for r in own.rows],
    )
