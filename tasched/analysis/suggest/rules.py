"""The rota predicates suggest judges a change by: contracted minutes, the break in a
long day, runs of adjacent slots, and an adult near a pupil for medical cover.

Kept together in one module because they are rules of any rota, not of suggest: this
is the one place to rewire when they come from a shared, solver-free module.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from tasched.analysis.suggest.results import Row
from tasched.analysis.suggest.state import WeekState
from tasched.problem.compile import Adult


def counts_for_contract(state: WeekState, rows: list[Row]) -> bool:
    """A slot counts towards the contract unless its only tasks are duties paid extra."""
    return bool(rows) and not all(
        str(r["task"]).startswith("duty:") and str(r["task"])[5:] in state.extra_duties for r in rows
    )


def contract_minutes(state: WeekState, adult: str) -> int:
    return sum(
        state.prob.slots[t].minutes
        for t in state.slots_of.get(adult, ())
        if counts_for_contract(state, state.rows(adult, t))
    )


@dataclass(frozen=True)
class ContractAfter:
    """An adult's contracted time after a change, against `before` it."""

    used: int
    room: int  # contracted time left (contract − liaison − used); < 0 is overtime
    overtime: int
    problems: list[str]


def contract_after(state: WeekState, adult: Adult, before: int) -> ContractAfter:
    """Overtime up to the adult's cap is a cost; past the cap the contract is full (rule 3)."""
    used = contract_minutes(state, adult.id)
    limit = adult.contract_minutes - adult.liaison_minutes
    overtime = 0
    problems = []
    if used > limit and used > before:
        if used > adult.cap_minutes:
            problems.append(f"contract full ({before / 60:g} of {limit / 60:g} h used)")
        else:
            overtime = used - max(limit, before)
    return ContractAfter(used, limit - used, overtime, problems)


def break_problems(state: WeekState, a: int, day: int) -> list[str]:
    """A day longer than break_after_minutes keeps a free slot of break_minutes inside it."""
    prob = state.prob
    rules = prob.data.rules
    adult = prob.adults[a].id
    cal = prob.data.calendar.slots
    used = {prob.slots[t].slot for t in state.slots_of.get(adult, ()) if prob.slots[t].day == day}
    if not used:
        return []
    first, last = min(used), max(used)
    starts = [s.start for s in cal]
    span = _minutes(cal[last].end) - _minutes(starts[first])
    if span <= rules.break_after_minutes:
        return []
    free = [s for s in range(first + 1, last) if s not in used and cal[s].minutes >= rules.break_minutes]
    if free:
        return []
    return [f"no break: a {span}-minute day with no free {rules.break_minutes}-minute slot"]


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def longest_run(day_order: list[int | None], slots: Collection[int]) -> int:
    """The most adjacent slots of one day (calendar order, None where closed) among `slots`."""
    run = best = 0
    for s in day_order:
        run = run + 1 if s is not None and s in slots else 0
        best = max(best, run)
    return best


def medical_uncovered(state: WeekState, t: int) -> set[str]:
    """Pupils whose medical need at t has no adult near (docs/rules.md, medical cover)."""
    if not state.medical_at.get(t):
        return set()
    rows = state.rows_at(t)
    skills_of = {a.id: a.skills for a in state.prob.adults}
    out = set()
    for pid in state.medical_at[t]:
        pupil = state.pupils[pid]
        assert pupil.medical is not None
        need = pupil.medical.skills
        skilled = [r for r in rows if skills_of.get(str(r["staff"]), frozenset()).issuperset(need)]
        if not any(_near(state, r, pid, pupil.place.get(t), t) for r in skilled):
            out.add(pid)
    return out


def _near(state: WeekState, row: Row, pupil: str, place: str | None, t: int) -> bool:
    """An adult on this row is near the pupil (whose class at t is `place`)."""
    kind, _, target = str(row["task"]).partition(":")
    if kind == "pupil" and target == pupil:
        return True
    if place is None:
        return kind == "duty"
    if kind == "class":
        return target == place
    if kind == "intervention":
        return pupil in (row.get("pupils") or [])
    if kind == "pupil" and row.get("mode") == "in_class":
        other = state.pupils.get(target)
        return other is not None and other.place.get(t) == place
    return False
