"""The shared rota predicates (tasched/problem/predicates.py), each pinned on a small case.

Each holds the meaning the solver's rule has (tasched.solver.rules and demands), with a
case at the edge where an off-by-one would show; the rule catalogue names them; and a
solved rota keeps every one of them.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from helpers_solver import SLOTS, make_school, solve_ok

import tasched.problem.predicates as predicates
from tasched.input.catalogue import CATALOGUE
from tasched.problem.compile import Problem, compile_problem
from tasched.problem.predicates import (
    base_pay,
    break_kept,
    class_at,
    contract_minutes,
    cost_pence,
    counts_for_contract,
    day_span,
    extra_minutes,
    fits_contract,
    lesson_supported,
    longest_run,
    may_withdraw,
    medical_covered,
    medical_near,
    out_of_class,
    paid_minutes,
    run_through,
    within_withdrawal,
)

# P1 09:00-10:00, RG 10:00-10:10 (too short for a break), P2 10:10-11:10, P3 11:10-12:10.
BREAK_SLOTS = [
    {"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"},
    {"id": "RG", "start": "10:00", "end": "10:10", "kind": "registration"},
    {"id": "P2", "start": "10:10", "end": "11:10", "kind": "lesson"},
    {"id": "P3", "start": "11:10", "end": "12:10", "kind": "lesson"},
]
FOUR_LESSONS = [
    {"id": f"P{i}", "start": f"{8 + i:02d}:00", "end": f"{9 + i:02d}:00", "kind": "lesson"} for i in range(1, 5)
]


def problem(**sections: Any) -> Problem:
    sections.setdefault("staff", [{"id": "A", "hours": 10}])
    return compile_problem(make_school(**sections))


def slot(prob: Problem, label: str) -> int:
    """The week slot of `Mon P1`."""
    day, name = label.split()
    return prob.slot_index[day, name]


def slots(prob: Problem, *labels: str) -> set[int]:
    return {slot(prob, label) for label in labels}


# ---------------------------------------------------------------------------
# Breaks (rule 13)
# ---------------------------------------------------------------------------


def breaks(after: int, minutes: int = 20, **sections: Any) -> Problem:
    return problem(slots=BREAK_SLOTS, rules={"break_after_minutes": after, "break_minutes": minutes}, **sections)


def test_day_span_runs_from_the_first_start_to_the_last_end() -> None:
    prob = breaks(150)
    assert day_span(prob, 0, slots(prob, "Mon P1", "Mon P3")) == 190
    assert day_span(prob, 0, slots(prob, "Mon P2")) == 60
    assert day_span(prob, 0, set()) == 0


def test_a_short_day_needs_no_break() -> None:
    prob = breaks(150)
    assert break_kept(prob, 0, slots(prob, "Mon P1", "Mon P2"))  # 130 minutes
    assert break_kept(prob, 0, set())


def test_a_free_slot_long_enough_between_first_and_last_is_the_break() -> None:
    prob = breaks(150)
    assert break_kept(prob, 0, slots(prob, "Mon P1", "Mon P3"))  # P2 free, 60 minutes
    # RG is free but 10 minutes, shorter than break_minutes 20: no break.
    assert not break_kept(prob, 0, slots(prob, "Mon P1", "Mon P2", "Mon P3"))


def test_a_span_of_exactly_break_after_minutes_needs_no_break() -> None:
    """The rule is `span > break_after_minutes`: 190 minutes at 190 is kept, at 189 it is not."""
    busy = {0, 2, 3}  # P1, P2, P3 on the one day
    assert break_kept(breaks(190), 0, busy)
    assert not break_kept(breaks(189), 0, busy)


def test_a_free_slot_of_exactly_break_minutes_is_a_break() -> None:
    """RG is 10 minutes: a break when break_minutes is 10, not when it is 11."""
    busy = {0, 2, 3}
    assert break_kept(breaks(150, minutes=10), 0, busy)
    assert not break_kept(breaks(150, minutes=11), 0, busy)


def test_the_break_lies_strictly_between_the_first_and_last_task() -> None:
    """P1 and P2 span 130 minutes over 100: RG between is too short, and P3 free after the
    last task does not count."""
    prob = breaks(100)
    assert not break_kept(prob, 0, slots(prob, "Mon P1", "Mon P2"))


def test_a_closed_slot_between_is_free() -> None:
    prob = breaks(150, days=("Mon", "Tue"), closed="Mon P2")
    assert break_kept(prob, 0, slots(prob, "Mon P1", "Mon P3"))


def test_only_the_days_own_slots_count() -> None:
    prob = breaks(150, days=("Mon", "Tue"))
    busy = slots(prob, "Mon P1", "Mon P3", "Tue P2")
    assert break_kept(prob, 0, busy)  # Mon P2 is free; Tue P2 is another day
    assert day_span(prob, 1, busy) == 60


# ---------------------------------------------------------------------------
# Runs of adjacent slots (rule 8, max_consecutive)
# ---------------------------------------------------------------------------


def test_run_through_counts_the_slot_and_its_adjacent_neighbours() -> None:
    prob = problem(slots=FOUR_LESSONS)
    together = slots(prob, "Mon P1", "Mon P2")
    assert run_through(prob, slot(prob, "Mon P3"), together) == 3
    # P3 apart: the run through P4 is P4 alone (one off would join it to P1-P2).
    assert run_through(prob, slot(prob, "Mon P4"), together) == 1
    assert run_through(prob, slot(prob, "Mon P2"), together) == 2  # t already in `together` counts once


def test_a_closed_slot_ends_a_run() -> None:
    prob = problem(slots=FOUR_LESSONS, days=("Mon", "Tue"), closed="Mon P2")
    assert run_through(prob, slot(prob, "Mon P3"), slots(prob, "Mon P1", "Mon P4")) == 2
    assert longest_run(prob, 0, slots(prob, "Mon P1", "Mon P3", "Mon P4")) == 2


def test_longest_run_of_a_day() -> None:
    prob = problem(slots=FOUR_LESSONS, days=("Mon", "Tue"))
    together = slots(prob, "Mon P1", "Mon P2", "Mon P4", "Tue P1", "Tue P2", "Tue P3")
    assert longest_run(prob, 0, together) == 2
    assert longest_run(prob, 1, together) == 3
    assert longest_run(prob, 0, set()) == 0


# ---------------------------------------------------------------------------
# Contracted hours (rule 3) and cost
# ---------------------------------------------------------------------------


def contract_school(**staff: Any) -> Problem:
    return problem(
        staff=[{"id": "A", "hours": 2, **staff}],
        classes=[{"id": "C1"}],
        duties=[
            {"id": "D", "name": "Lunch", "when": "LU", "paid": "extra"},
            {"id": "G", "name": "Gate", "when": "LU"},
        ],
    )


def test_duties_paid_extra_take_no_contracted_time() -> None:
    prob = contract_school()
    assert not counts_for_contract(prob, ["duty:D"])
    assert counts_for_contract(prob, ["duty:G"])
    assert counts_for_contract(prob, ["duty:D", "class:C1"])  # not every task is paid extra
    assert not counts_for_contract(prob, [])


def test_contract_and_extra_minutes() -> None:
    prob = contract_school()
    p1, p2, lu = slot(prob, "Mon P1"), slot(prob, "Mon P2"), slot(prob, "Mon LU")
    week = {p1: ["class:C1"], lu: ["duty:D"], p2: []}
    assert contract_minutes(prob, week) == 60
    assert extra_minutes(prob, week) == 40
    assert contract_minutes(prob, {lu: ["duty:G"]}) == 40


def test_contract_fits_up_to_the_cap_and_not_a_minute_over() -> None:
    """cap = hours − liaison + overtime: 2 h less 30 minutes, plus 1 h overtime = 150 minutes."""
    prob = compile_problem(
        make_school(staff=[{"id": "A", "hours": 2, "overtime_hours": 1}], rules={"liaison_minutes": 30})
    )
    assert prob.adults[0].cap_minutes == 150
    assert fits_contract(prob, 0, 150)
    assert not fits_contract(prob, 0, 151)


def test_paid_minutes_and_cost_from_exact_minutes() -> None:
    prob = contract_school(hourly_cost=12.0)
    prob.data.school.oncost = 0.5
    adult = prob.adults[0]
    assert paid_minutes(adult, 150, 40) == 120 + 30 + 40  # contract, overtime, extra duties
    assert paid_minutes(adult, 100, 0) == 120  # the contract is paid whether used or not
    assert cost_pence(prob, 0, 60) == pytest.approx(1800.0)  # £12 an hour, plus half
    assert cost_pence(prob, 0, 1) == pytest.approx(30.0)  # a minute is a sixtieth, not rounded to hours
    assert cost_pence(contract_school(), 0, 60) == 0.0  # no hourly_cost


def test_base_pay_is_the_rate_before_on_costs_in_any_unit() -> None:
    """cost_pence is base_pay plus on-costs; staff-min's model takes base_pay's rate a minute
    in 1/100 of a penny (10,000 to the pound), so one rate formula serves both."""
    prob = contract_school(hourly_cost=12.0)
    prob.data.school.oncost = 0.5
    assert base_pay(12.0, 60) == pytest.approx(1200.0)  # pence
    assert base_pay(12.0, 1, 10_000) == pytest.approx(2000.0)  # 1/100 penny a minute
    assert base_pay(12.0, 20, 1) == pytest.approx(4.0)  # pounds: 20 minutes are a third of an hour
    assert base_pay(None, 60) == 0.0
    assert cost_pence(prob, 0, 20) == base_pay(12.0, 20) * 1.5


# ---------------------------------------------------------------------------
# Who is where, and medical cover (rule 14)
# ---------------------------------------------------------------------------


def medical_school() -> Problem:
    return problem(
        staff=[{"id": "A", "hours": 10, "skills": ["epipen"]}, {"id": "B", "hours": 10}],
        classes=[{"id": "C1"}, {"id": "C2"}],
        pupils=[
            {"id": "P", "classes": ["C1"], "medical": {"skills": ["epipen"], "when": "P1, LU"}},
            {"id": "Q", "classes": ["C1"]},
            {"id": "R", "classes": ["C2"]},
        ],
        interventions=[
            {"id": "I", "programme": "NELI", "pupils": ["P"], "sessions": 1, "minutes": 60},
            {"id": "J", "programme": "NELI", "pupils": ["Q"], "sessions": 1, "minutes": 60},
        ],
        duties=[{"id": "D", "name": "Lunch", "when": "LU"}],
    )


def test_class_at_and_lesson_supported() -> None:
    prob = medical_school()
    p1 = slot(prob, "Mon P1")
    assert class_at(prob, "class:C2", None, p1) == "C2"
    assert class_at(prob, "pupil:Q", "in_class", p1) == "C1"
    assert class_at(prob, "pupil:Q", "withdrawn", p1) is None  # withdrawn: out of the class
    assert class_at(prob, "duty:D", None, p1) is None
    assert lesson_supported(prob, "pupil:Q", p1) == "C1"  # withdrawn from C1's lesson, still C1's
    assert lesson_supported(prob, "pupil:Q", slot(prob, "Mon LU")) is None
    assert lesson_supported(prob, "intervention:I", p1) is None


def test_near_in_a_lesson() -> None:
    prob = medical_school()
    p, p1 = prob.pupil_index["P"], slot(prob, "Mon P1")
    for task, mode in [("pupil:P", "withdrawn"), ("class:C1", None), ("pupil:Q", "in_class"), ("intervention:I", None)]:
        assert medical_near(prob, p, p1, task, mode), task
    for task, mode in [("class:C2", None), ("pupil:Q", "withdrawn"), ("pupil:R", "in_class"), ("duty:D", None)]:
        assert not medical_near(prob, p, p1, task, mode), task
    assert not medical_near(prob, p, p1, "intervention:J", None)  # another pupil's session


def test_near_outside_lessons_is_a_duty() -> None:
    prob = medical_school()
    p, lunch = prob.pupil_index["P"], slot(prob, "Mon LU")
    assert medical_near(prob, p, lunch, "duty:D", None)
    assert medical_near(prob, p, lunch, "pupil:P", "withdrawn")
    assert not medical_near(prob, p, lunch, "class:C1", None)
    assert not medical_near(prob, p, lunch, "intervention:I", None)


def test_covered_needs_the_skills() -> None:
    prob = medical_school()
    p, p1 = prob.pupil_index["P"], slot(prob, "Mon P1")
    assert not medical_covered(prob, p, p1, [(1, "class:C1", None)])  # B is near but untrained
    assert medical_covered(prob, p, p1, [(1, "class:C1", None), (0, "class:C1", None)])
    assert not medical_covered(prob, p, p1, [(0, "class:C2", None)])  # A is trained but elsewhere
    assert not medical_covered(prob, p, p1, [])


# ---------------------------------------------------------------------------
# Withdrawal (rule 11)
# ---------------------------------------------------------------------------


def test_out_of_class_and_the_withdrawal_limit() -> None:
    """max_withdrawal 0.5 of 180 lesson minutes: 90 minutes out is within it, 91 is not."""
    prob = problem(slots=SLOTS, classes=[{"id": "C1"}], pupils=[{"id": "P", "classes": ["C1"]}])
    prob.pupils[0].max_withdrawal_minutes = 90
    assert out_of_class(prob, 0, slot(prob, "Mon P1"), 60) == 60
    assert out_of_class(prob, 0, slot(prob, "Mon LU"), 40) == 0  # no lesson to miss
    assert within_withdrawal(prob, 0, 90)
    assert not within_withdrawal(prob, 0, 91)


def test_may_withdraw_within_the_weeks_rotation_cap() -> None:
    prob = problem(classes=[{"id": "C1"}], pupils=[{"id": "P", "classes": ["C1"]}])
    p1, lunch = slot(prob, "Mon P1"), slot(prob, "Mon LU")
    assert may_withdraw(prob, 0, p1, {})  # no term plan: no cap
    prob.withdrawal_cap = 1
    key = (0, prob.withdrawal_key(0, p1))
    assert may_withdraw(prob, 0, p1, {})
    assert not may_withdraw(prob, 0, p1, {}, more=2)
    assert not may_withdraw(prob, 0, p1, {key: 1})
    assert may_withdraw(prob, 0, lunch, {key: 1})  # outside lessons nothing is withdrawn from
    prob.withdrawals_done = {("P", key[1]): 1}  # the term's earlier weeks used the cap up
    assert not may_withdraw(prob, 0, p1, {})


# ---------------------------------------------------------------------------
# The catalogue names them; a solved rota keeps them
# ---------------------------------------------------------------------------


def test_the_catalogue_names_every_predicate() -> None:
    named = set()
    for rule in CATALOGUE:
        for ref in rule.predicates:
            module, _, name = ref.partition(":")
            assert callable(getattr(importlib.import_module(module), name)), f"rule {rule.number}: {ref}"
            named.add(name)
    assert named == set(predicates.__all__) - {"paid_minutes", "base_pay", "cost_pence"}  # cost is no rule of its own


def test_a_solved_rota_keeps_the_break_runs_and_contract() -> None:
    school = make_school(
        slots=BREAK_SLOTS,
        staff=[{"id": "A", "hours": 2}, {"id": "B", "hours": 10}],
        classes=[{"id": "C1"}],
        support=[{"class": "C1", "staff": 2}],
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": 3}}],
        rules={"break_after_minutes": 150, "break_minutes": 20, "rotation": {"max_consecutive": 2}},
    )
    rota = solve_ok(school)
    prob = compile_problem(school)
    for adult in prob.adults:
        week: dict[int, list[str]] = {}
        for row in rota.for_adult(adult.id):
            week.setdefault(prob.slot_index[row["day"], row["slot"]], []).append(row["task"])
        assert fits_contract(prob, adult.index, contract_minutes(prob, week))
        assert break_kept(prob, 0, set(week))
        with_p = {t for t, tasks in week.items() if "pupil:P" in tasks}
        assert longest_run(prob, 0, with_p) <= 2
