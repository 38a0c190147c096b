"""Rota predicates: the rules of a rota as small pure functions over plain data.

The solver states each rule as constraints (tasched.solver.rules and demands);
everything else that judges a rota (the greedy start, the reasons for a shortfall,
suggest, explain, staff-min, what-if) asks these functions, so a rule means one thing
everywhere. Solver-free: they read the compiled Problem and take week slots (indices
of `Problem.slots`), task strings (`kind:target`) and minutes. docs/rules.md numbers
the rules; the rule catalogue (tasched/input/catalogue.py) names each rule's predicate.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from tasched.problem.compile import Adult, Problem

__all__ = [
    "base_pay",
    "break_kept",
    "class_at",
    "contract_minutes",
    "cost_pence",
    "counts_for_contract",
    "day_span",
    "extra_minutes",
    "fits_contract",
    "lesson_supported",
    "longest_run",
    "may_withdraw",
    "medical_covered",
    "medical_near",
    "out_of_class",
    "paid_minutes",
    "run_through",
    "within_withdrawal",
]

IN_CLASS = "in_class"
PENCE = 100  # a pound's pence: the unit of base_pay and cost_pence


# --- who is where -------------------------------------------------------------------


def class_at(prob: Problem, task: str, mode: str | None, t: int) -> str | None:
    """The class an adult on `task` at t is in: class support or medical cover (`class:C`),
    or in-class EHC support of a pupil (the pupil's class then). None anywhere else."""
    kind, _, target = task.partition(":")
    if kind == "class":
        return target
    if kind == "pupil" and mode == IN_CLASS and target in prob.pupil_index:
        return prob.pupils[prob.pupil_index[target]].place.get(t)
    return None


def lesson_supported(prob: Problem, task: str, t: int) -> str | None:
    """The class whose lesson an adult on `task` at t supports (joint liaison, rule 17): class
    support or medical cover, or EHC support of a pupil in class or withdrawn from that lesson."""
    kind, _, target = task.partition(":")
    if kind == "class":
        return target
    if kind == "pupil" and target in prob.pupil_index:
        return prob.pupils[prob.pupil_index[target]].place.get(t)
    return None


# --- contracted hours (rule 3) -------------------------------------------------------


def _paid_extra(prob: Problem) -> set[str]:
    return {d.id for d in prob.duties if d.paid_extra}


def _extra_duty(task: str, paid_extra: Collection[str]) -> bool:
    kind, _, target = task.partition(":")
    return kind == "duty" and target in paid_extra


def _takes_contract_time(tasks: Iterable[str], paid_extra: Collection[str]) -> bool:
    found = list(tasks)
    return bool(found) and not all(_extra_duty(task, paid_extra) for task in found)


def counts_for_contract(prob: Problem, tasks: Iterable[str]) -> bool:
    """A slot with these tasks takes contracted time, unless every one is a duty paid extra."""
    return _takes_contract_time(tasks, _paid_extra(prob))


def contract_minutes(prob: Problem, tasks_by_slot: Mapping[int, Iterable[str]]) -> int:
    """Minutes of contract tasks: each slot with a task counts once, duties paid extra aside."""
    paid_extra = _paid_extra(prob)
    return sum(prob.slots[t].minutes for t, tasks in tasks_by_slot.items() if _takes_contract_time(tasks, paid_extra))


def extra_minutes(prob: Problem, tasks_by_slot: Mapping[int, Iterable[str]]) -> int:
    """Minutes of duties paid extra (on top of contracted time, at the adult's hourly cost)."""
    paid_extra = _paid_extra(prob)
    return sum(
        prob.slots[t].minutes
        for t, tasks in tasks_by_slot.items()
        if any(_extra_duty(task, paid_extra) for task in tasks)
    )


def fits_contract(prob: Problem, a: int, minutes: int) -> bool:
    """`minutes` of contract tasks fit adult a's hours less liaison, plus overtime."""
    return minutes <= prob.adults[a].cap_minutes


# --- rotation: runs of adjacent slots (rule 8, max_consecutive) ---------------------


def run_through(prob: Problem, t: int, together: Collection[int]) -> int:
    """How many adjacent slots of t's day, t itself and its neighbours in `together`, run
    through t. Calendar order: a slot not in `together`, or closed that day, ends the run."""
    slot = prob.slots[t]
    order = prob.day_order[slot.day]
    run = 1
    for step in (-1, 1):
        k = slot.slot + step
        while 0 <= k < len(order) and order[k] is not None and order[k] in together:
            run, k = run + 1, k + step
    return run


def longest_run(prob: Problem, day: int, together: Collection[int]) -> int:
    """The longest run of adjacent slots of the day all in `together` (0 when none is)."""
    run = best = 0
    for u in prob.day_order[day]:
        run = run + 1 if u is not None and u in together else 0
        best = max(best, run)
    return best


# --- breaks (rule 13) ----------------------------------------------------------------


def _positions(prob: Problem, day: int, busy: Collection[int]) -> list[int]:
    """Calendar positions of the day's slots that are busy, in order."""
    return [k for k, u in enumerate(prob.day_order[day]) if u is not None and u in busy]


def day_span(prob: Problem, day: int, busy: Collection[int]) -> int:
    """Minutes from the start of the first busy slot of the day to the end of the last (0: none)."""
    return _span(prob, day, _positions(prob, day, busy))


def _span(prob: Problem, day: int, positions: list[int]) -> int:
    if not positions:
        return 0
    order = prob.day_order[day]
    first, last = order[positions[0]], order[positions[-1]]
    return prob.slots[last].end - prob.slots[first].start  # type: ignore[index]


def break_kept(prob: Problem, day: int, busy: Collection[int]) -> bool:
    """An adult busy in these week slots keeps their break that day: a day spanning more
    than `break_after_minutes` has a free slot strictly between the first and last busy
    slot, at least `break_minutes` long (a slot closed that day is free)."""
    rules = prob.data.rules
    positions = _positions(prob, day, busy)
    if _span(prob, day, positions) <= rules.break_after_minutes:
        return True
    order = prob.day_order[day]
    calendar = prob.data.calendar.slots
    for k in range(positions[0] + 1, positions[-1]):
        u = order[k]
        minutes = calendar[k].minutes if u is None else prob.slots[u].minutes
        if minutes >= rules.break_minutes and (u is None or u not in busy):
            return True
    return False


# --- medical cover (rule 14): an adult with the skills is near ---------------------


def medical_near(prob: Problem, p: int, t: int, task: str, mode: str | None) -> bool:
    """An adult on `task` at t is near pupil p: supporting the pupil; in a lesson slot, in
    the pupil's class (class:, in-class support) or delivering the pupil's session; in any
    other slot, on a duty."""
    pupil = prob.pupils[p]
    kind, _, target = task.partition(":")
    if kind == "pupil" and target == pupil.id:
        return True
    place = pupil.place.get(t)
    if place is None:
        return kind == "duty"
    if kind == "intervention":
        return any(prob.interventions[i].id == target for i in pupil.interventions)
    return class_at(prob, task, mode, t) == place


def medical_covered(prob: Problem, p: int, t: int, present: Iterable[tuple[int, str, str | None]]) -> bool:
    """Pupil p's medical need at t is met: among `present` (adult, task, mode) at t, an
    adult with the need's skills is near."""
    need = prob.pupils[p].medical
    assert need is not None
    return any(prob.adults[a].can(need.skills) and medical_near(prob, p, t, task, mode) for a, task, mode in present)


# --- withdrawal (rule 11) ------------------------------------------------------------


def out_of_class(prob: Problem, p: int, t: int, minutes: int) -> int:
    """Minutes of the pupil's lesson time spent out of class by `minutes` away at t (0 outside lessons)."""
    return minutes if t in prob.pupils[p].place else 0


def within_withdrawal(prob: Problem, p: int, minutes: int) -> bool:
    """`minutes` out of class this week are within the pupil's max_withdrawal."""
    return minutes <= prob.pupils[p].max_withdrawal_minutes


def may_withdraw(prob: Problem, p: int, t: int, withdrawals: Mapping[tuple[int, str], int], more: int = 1) -> bool:
    """rotate_withdrawals: room for `more` withdrawals from t's subject (or slot) this week,
    given `withdrawals` this week so far, (pupil, subject or slot) -> count."""
    left = prob.withdrawals_left(p, t)
    return left is None or withdrawals.get((p, prob.withdrawal_key(p, t)), 0) + more <= left


# --- cost -----------------------------------------------------------------------------


def paid_minutes(adult: Adult, contract_used: int, extra: int) -> int:
    """Minutes paid in a week: the contract, overtime beyond it, and duties paid extra."""
    return adult.contract_minutes + max(0, contract_used - adult.contract_minutes) + extra


def base_pay(hourly_cost: float | None, minutes: float, unit: int = PENCE) -> float:
    """Pay for `minutes` at `hourly_cost` pounds an hour, before on-costs, unrounded, in
    1/unit of a pound (pence by default); 0 without an hourly_cost. The one pay rate:
    cost_pence prices by it, and staff-min's CP-SAT model rounds its rate a minute (in
    1/100 of a penny) into integer coefficients and adds the on-costs after solving."""
    return (hourly_cost or 0.0) * unit * minutes / 60


def cost_pence(prob: Problem, a: int, minutes: int) -> float:
    """What `minutes` of adult a's time cost, on-costs included, in pence, unrounded (0 without
    an hourly_cost): from exact minutes, never from hours already rounded for display."""
    return base_pay(prob.adults[a].hourly_cost, minutes) * (1 + prob.data.school.oncost)
