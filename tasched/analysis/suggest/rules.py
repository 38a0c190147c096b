"""The rota predicates suggest judges a change by, read off the week as it stands:
contracted minutes (and overtime), the break in a long day, and medical cover near a pupil.

The rules themselves are written once, in tasched.problem.predicates (shared with the
greedy start, the reasons, the rota's KPIs, what-if and staff-min); this module only
turns the week's rows into the plain data they take and words a broken rule for suggest.
"""

from __future__ import annotations

from dataclasses import dataclass

from tasched.analysis.suggest.state import WeekState
from tasched.problem import predicates
from tasched.problem.compile import Adult


def _tasks_by_slot(state: WeekState, adult: str) -> dict[int, list[str]]:
    """The adult's week as the predicates take it: slot -> the tasks of their rows then."""
    return {t: [str(r["task"]) for r in state.rows(adult, t)] for t in state.slots_of.get(adult, ())}


def contract_minutes(state: WeekState, adult: str) -> int:
    """The adult's minutes of contract tasks this week (rule 3: duties paid extra aside)."""
    return predicates.contract_minutes(state.prob, _tasks_by_slot(state, adult))


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
        if not predicates.fits_contract(state.prob, adult.index, used):
            problems.append(f"contract full ({before / 60:g} of {limit / 60:g} h used)")
        else:
            overtime = used - max(limit, before)
    return ContractAfter(used, limit - used, overtime, problems)


def break_problems(state: WeekState, a: int, day: int) -> list[str]:
    """A day longer than break_after_minutes keeps a free slot of break_minutes inside it (rule 13)."""
    prob = state.prob
    busy = state.slots_of.get(prob.adults[a].id, set())
    if predicates.break_kept(prob, day, busy):
        return []
    span = predicates.day_span(prob, day, busy)
    return [f"no break: a {span}-minute day with no free {prob.data.rules.break_minutes}-minute slot"]


def medical_uncovered(state: WeekState, t: int) -> set[str]:
    """Pupils whose medical need at t has no adult near (rule 14, medical cover)."""
    if not state.medical_at.get(t):
        return set()
    prob = state.prob
    index = prob.adult_index
    present = [
        (index[str(r["staff"])], str(r["task"]), r.get("mode")) for r in state.rows_at(t) if str(r["staff"]) in index
    ]
    return {
        pid for pid in state.medical_at[t] if not predicates.medical_covered(prob, prob.pupil_index[pid], t, present)
    }
