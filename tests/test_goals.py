"""Issue 14: each soft goal moves the rota when its weight is raised, and
`meta.objective_terms` agrees with a recomputation from the rota's rows.

Each goal gets a tiny school solved twice, differing only in that goal's weight. A
*competing* soft goal (or the same goal set against another) makes the optimum with
the goal's weight at 0 unique and without the goal's behaviour, so the first solve is
not an arbitrary tie-break: it proves the rota is pushed away from the behaviour when
the goal is off. The second solve, with the weight raised above what the competitor can
pay, must show the behaviour, and its objective term must be the weight times the least
amount the goal can reach in that school (so the goal is truly minimised, not merely
present). Every soft weight but those two is 0, so nothing else moves the rota. The
last test recomputes meta.objective_terms from a rota's rows.

Every rota is solved reproducibly (one worker, seed 0), every tier must be proven
`optimal`, and the rota must pass the independent verifier.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest
from helpers_solver import make_school, rows, show, slots_of

import tasched.solution
from tasched.input.model import SchoolData, Weights
from tasched.solution.rota import Rota
from tasched.solver.model import WEIGHT_SCALE
from tasched.verify import format_report, verify

GOALS = tuple(Weights.model_fields)  # every soft goal's weight name
SETTINGS: dict[str, Any] = {"workers": 1, "seed": 0, "time_limit": 10}
# The helper's default day: P1, P2, P3 are an hour, LU (lunch) 40 minutes.
MINUTES = {"P1": 60, "P2": 60, "LU": 40, "P3": 60}


def only(**on: float) -> dict[str, float]:
    """rules.weights with every soft goal at 0 but those given."""
    unknown = set(on) - set(GOALS)
    assert not unknown, f"not soft goals: {unknown}"
    return {goal: on.get(goal, 0) for goal in GOALS}


def solve(school: SchoolData, **kw: Any) -> Rota:
    """Solve reproducibly; every tier must be proven optimal and the rota valid."""
    rota = tasched.solution.solve(school, **{**SETTINGS, **kw})
    tiers = rota.meta.get("tiers")
    assert tiers, f"no tiers in meta: {rota.meta}"
    assert all(t["status"] == "optimal" for t in tiers), tiers
    report = verify(school, rota.to_dict())
    assert report.ok, format_report(report) + "\n" + show(rota)
    return rota


def term(rota: Rota, family: str) -> float:
    """The family's weighted total in meta.objective_terms (0 when absent: zero terms are left out)."""
    return rota.meta["objective_terms"].get(family, 0)


def staff_of(rota: Rota, task: str) -> set[str]:
    return {r["staff"] for r in rows(rota, task=task)}


def minutes_of(rota: Rota, **match: Any) -> int:
    return sum(MINUTES[r["slot"]] for r in rows(rota, **match))


# ---------------------------------------------------------------------------
# class_continuity
# ---------------------------------------------------------------------------


def continuity_school(class_continuity: float, phase: str = "primary") -> SchoolData:
    """C1 wants an adult at P1-P3. A (3 h) could give all of it; B (1 h) prefers C1."""
    return make_school(
        phase=phase,
        staff=[{"id": "A", "hours": 3}, {"id": "B", "hours": 1, "prefer": ["class:C1"]}],
        classes=[{"id": "C1"}],
        support=[{"class": "C1"}],
        rules={"weights": only(class_continuity=class_continuity, preference=1)},
    )


def test_class_continuity_keeps_one_adult_with_the_class() -> None:
    """Off: B's preference (1/min) forces B into one slot of C1, so two adults share it (the
    optimum is unique in that: B's missed preference would otherwise cost 60). At 100 per
    adult, the second adult costs more than B's hour: A alone gives all three lessons, and
    the term is 100 × 1 adult, the least possible with C1's support met."""
    off = solve(continuity_school(0))
    assert staff_of(off, "class:C1") == {"A", "B"}, show(off)
    assert len(rows(off, staff="B", task="class:C1")) == 1, show(off)
    assert term(off, "class_continuity") == 0 and term(off, "preference") == 0

    on = solve(continuity_school(100))
    assert staff_of(on, "class:C1") == {"A"}, show(on)
    assert slots_of(on, task="class:C1") == ["Mon P1", "Mon P2", "Mon P3"], show(on)
    assert term(on, "class_continuity") == 100 * 1
    assert term(on, "preference") == 60


def test_class_continuity_is_for_primary_and_special_only() -> None:
    """The same school as secondary: class_continuity at 100 registers no term, so B's
    preference wins a lesson again and two adults share C1."""
    rota = solve(continuity_school(100, phase="secondary"))
    assert staff_of(rota, "class:C1") == {"A", "B"}, show(rota)
    assert "class_continuity" not in rota.meta["objective_terms"]


# ---------------------------------------------------------------------------
# intervention_continuity
# ---------------------------------------------------------------------------


def intervention_school(intervention_continuity: float) -> SchoolData:
    """I: two sessions, one a day (Mon, Tue), any deliverer (same_staff false). A works both
    days; B works Tuesday only, one hour, and prefers I."""
    return make_school(
        days=("Mon", "Tue"),
        staff=[
            {"id": "A", "hours": 10},
            {"id": "B", "hours": 1, "available": "Tue", "prefer": ["intervention:I"]},
        ],
        classes=[{"id": "C1"}],
        pupils=[{"id": "P", "classes": ["C1"]}],
        interventions=[
            {"id": "I", "programme": "NELI", "pupils": ["P"], "sessions": 2, "minutes": 60, "same_staff": False}
        ],
        rules={"weights": only(intervention_continuity=intervention_continuity, preference=1)},
    )


def test_intervention_continuity_keeps_one_deliverer() -> None:
    """Off: B's preference puts B on Tuesday's session and A on Monday's (only A works
    Monday), two deliverers. At 100 per deliverer: A delivers both, the term is 100 × 1."""
    off = solve(intervention_school(0))
    sessions = {r["day"]: r["staff"] for r in rows(off, task="intervention:I")}
    assert sessions == {"Mon": "A", "Tue": "B"}, show(off)
    assert term(off, "intervention_continuity") == 0 and term(off, "preference") == 0

    on = solve(intervention_school(100))
    sessions = {r["day"]: r["staff"] for r in rows(on, task="intervention:I")}
    assert sessions == {"Mon": "A", "Tue": "A"}, show(on)
    assert on.shortfalls == []
    assert term(on, "intervention_continuity") == 100 * 1
    assert term(on, "preference") == 60


# ---------------------------------------------------------------------------
# duty_fairness
# ---------------------------------------------------------------------------


def duty_school(duty_fairness: float) -> SchoolData:
    """A lunch duty on Monday and Tuesday, one adult each; A prefers it, B does not mind."""
    return make_school(
        days=("Mon", "Tue"),
        staff=[{"id": "A", "hours": 10, "prefer": ["duty:D"]}, {"id": "B", "hours": 10}],
        duties=[{"id": "D", "name": "Lunch", "when": "LU"}],
        rules={"weights": only(duty_fairness=duty_fairness, preference=1)},
    )


def test_duty_fairness_spreads_duties() -> None:
    """Off: A's preference gives A both duty slots. At 100 per slot on the busiest adult
    (more than A's 40 preferred minutes), one each; the term is 100 × 1 slot, the least
    possible with both slots staffed."""
    off = solve(duty_school(0))
    assert Counter(r["staff"] for r in rows(off, task="duty:D")) == {"A": 2}, show(off)
    assert term(off, "duty_fairness") == 0

    on = solve(duty_school(100))
    assert Counter(r["staff"] for r in rows(on, task="duty:D")) == {"A": 1, "B": 1}, show(on)
    assert on.shortfalls == []
    assert term(on, "duty_fairness") == 100 * 1
    assert term(on, "preference") == 40


def test_duty_fairness_counts_duties_done_earlier_in_the_term() -> None:
    """duty_fairness alone (100/slot), A has done 2 duties this term (`duty_history`): B takes
    both slots (the busiest then carries 2, against 3 if A took one); the term is 100 × 2."""
    school = make_school(
        days=("Mon", "Tue"),
        staff=[{"id": "A", "hours": 10}, {"id": "B", "hours": 10}],
        duties=[{"id": "D", "name": "Lunch", "when": "LU"}],
        rules={"weights": only(duty_fairness=100)},
    )
    rota = solve(school, duty_history={"A": 2})
    assert Counter(r["staff"] for r in rows(rota, task="duty:D")) == {"B": 2}, show(rota)
    assert term(rota, "duty_fairness") == 100 * 2


# ---------------------------------------------------------------------------
# idle and over_support: one school, the two goals set against each other
# ---------------------------------------------------------------------------


def over_support_school(**weights: float) -> SchoolData:
    """P's plan is 1 hour. A and B have an hour each; max_share (1.0 of the plan) lets each
    give P at most that hour, and the plan-plus-one-slot cap allows 2 hours in all. The only
    work there is beyond the plan is that second hour."""
    return make_school(
        staff=[{"id": "A", "hours": 1}, {"id": "B", "hours": 1}],
        classes=[{"id": "C1"}],
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": 1}}],
        rules={"weights": only(**weights)},
    )


def test_idle_fills_contracted_time() -> None:
    """over_support (2/min) in both solves. Idle off: P gets exactly the plan's hour and one
    adult is idle 60 minutes. Idle at 10/min: the other adult gives P a second hour
    (over-support 60 costs 120, less than 600 idle); idle is 0, the least possible."""
    off = solve(over_support_school(idle=0, over_support=2))
    assert len(rows(off, task="pupil:P")) == 1, show(off)
    assert sum(off.kpis["staff"][a]["idle_minutes"] for a in "AB") == 60
    assert term(off, "idle") == 0 and term(off, "over_support") == 0

    on = solve(over_support_school(idle=10, over_support=2))
    assert staff_of(on, "pupil:P") == {"A", "B"} and len(rows(on, task="pupil:P")) == 2, show(on)
    assert sum(on.kpis["staff"][a]["idle_minutes"] for a in "AB") == 0
    assert "idle" not in on.meta["objective_terms"]  # 0: left out
    assert term(on, "over_support") == 2 * 60


def test_over_support_keeps_ehc_to_the_plan() -> None:
    """idle (1/min) in both solves. Over-support off: the idle adult gives P a second hour.
    Over-support at 10/min: P gets exactly the plan's 60 minutes; the term is 0, the least
    possible, and the idle hour costs 60."""
    off = solve(over_support_school(idle=1, over_support=0))
    assert len(rows(off, task="pupil:P")) == 2, show(off)
    assert off.kpis["pupils"]["P"]["ehc_hours_delivered"] == 2
    assert term(off, "idle") == 0

    on = solve(over_support_school(idle=1, over_support=10))
    assert len(rows(on, task="pupil:P")) == 1, show(on)
    assert on.kpis["pupils"]["P"]["ehc_hours_delivered"] == 1
    assert on.shortfalls == []
    assert term(on, "over_support") == 0
    assert term(on, "idle") == 60


# ---------------------------------------------------------------------------
# overtime
# ---------------------------------------------------------------------------


def overtime_school(overtime: float) -> SchoolData:
    """C1 wants an adult at P1 and P2. A (1 h + 1 h overtime) prefers C1; B (1 h) is free."""
    return make_school(
        staff=[
            {"id": "A", "hours": 1, "overtime_hours": 1, "prefer": ["class:C1"]},
            {"id": "B", "hours": 1},
        ],
        classes=[{"id": "C1"}],
        support=[{"class": "C1", "when": "P1, P2"}],
        rules={"weights": only(overtime=overtime, preference=1)},
    )


def test_overtime_not_used_when_not_needed() -> None:
    """Off: A's preference (up to A's 2-hour cap) puts A in both lessons, an hour of
    overtime, though B is free. At 10/min: B takes one lesson; overtime 0, the least."""
    off = solve(overtime_school(0))
    assert staff_of(off, "class:C1") == {"A"} and minutes_of(off, staff="A") == 120, show(off)
    assert off.kpis["staff"]["A"]["overtime_hours"] == 1

    on = solve(overtime_school(10))
    assert staff_of(on, "class:C1") == {"A", "B"}, show(on)
    assert on.shortfalls == []
    assert on.kpis["staff"]["A"]["overtime_hours"] == 0
    assert term(on, "overtime") == 0
    assert term(on, "preference") == 60


# ---------------------------------------------------------------------------
# subject_match and preference: a secondary school, the two set against each other
# ---------------------------------------------------------------------------


def subject_school(support: list[dict[str, Any]], prefer: dict[str, str], **weights: float) -> SchoolData:
    """Secondary: C1 has maths at P1, C2 English. A knows maths, B English; one hour each;
    `prefer`: adult -> the class they prefer."""
    return make_school(
        phase="secondary",
        staff=[
            {"id": "A", "hours": 1, "subjects": ["Ma"], "prefer": [f"class:{prefer['A']}"] if "A" in prefer else []},
            {"id": "B", "hours": 1, "subjects": ["En"], "prefer": [f"class:{prefer['B']}"] if "B" in prefer else []},
        ],
        classes=[{"id": "C1"}, {"id": "C2"}],
        lessons=[{"class": "C1", "when": "P1", "subject": "Ma"}, {"class": "C2", "when": "P1", "subject": "En"}],
        support=support,
        rules={"weights": only(**weights)},
    )


SUBJECT_CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    # the lesson's subject (maths): B (English) prefers C1, A knows maths
    "lesson_subject": ({"class": "C1", "when": "P1"}, "B", "A"),
    # the support row's `subjects` (English) over the lesson's: A (maths) prefers C1, B knows English
    "support_subjects": ({"class": "C1", "when": "P1", "subjects": ["En"]}, "A", "B"),
}


@pytest.mark.parametrize("case", SUBJECT_CASES)
def test_subject_match_puts_the_subject_expert_in_the_lesson(case: str) -> None:
    """Only C1 (a maths lesson) wants support at P1; the wanted subject is the lesson's, or the
    support row's `subjects` when it lists them. The adult without it prefers C1. Off: that
    adult supports C1. At 10/min: the adult with the wanted subject does; the mismatch term
    is 0, the least."""
    row, prefers, expert = SUBJECT_CASES[case]

    def school(subject_match: float) -> SchoolData:
        return subject_school([row], {prefers: "C1"}, subject_match=subject_match, preference=1)

    off = solve(school(0))
    assert staff_of(off, "class:C1") == {prefers}, show(off)
    assert term(off, "preference") == 0

    on = solve(school(10))
    assert staff_of(on, "class:C1") == {expert}, show(on)
    assert term(on, "subject_match") == 0
    assert term(on, "preference") == 60


def test_preference_gives_the_adult_the_task_they_prefer() -> None:
    """C1 (maths) and C2 (English) each want an adult at P1; A (maths) prefers C2. Off,
    subject_match (1/min) puts each adult in their own subject. At 10/min: A goes to C2
    (and B to C1); missed preference is 0, the least, and 2 × 60 minutes mismatch."""
    support = [{"class": "C1", "when": "P1"}, {"class": "C2", "when": "P1"}]
    off = solve(subject_school(support, {"A": "C2"}, subject_match=1, preference=0))
    assert (staff_of(off, "class:C1"), staff_of(off, "class:C2")) == ({"A"}, {"B"}), show(off)
    assert term(off, "subject_match") == 0

    on = solve(subject_school(support, {"A": "C2"}, subject_match=1, preference=10))
    assert (staff_of(on, "class:C1"), staff_of(on, "class:C2")) == ({"B"}, {"A"}), show(on)
    assert term(on, "preference") == 0
    assert term(on, "subject_match") == 120


# ---------------------------------------------------------------------------
# stability
# ---------------------------------------------------------------------------


def stability_school(prefers: str, stability: float) -> SchoolData:
    """C1 and C2 each want an adult at P1; A and B have an hour each; A prefers `prefers`."""
    return make_school(
        staff=[{"id": "A", "hours": 1, "prefer": [f"class:{prefers}"]}, {"id": "B", "hours": 1}],
        classes=[{"id": "C1"}, {"id": "C2"}],
        support=[{"class": "C1", "when": "P1"}, {"class": "C2", "when": "P1"}],
        rules={"weights": only(stability=stability, preference=1)},
    )


def keys(rota: Rota | dict[str, Any]) -> set[tuple[str, str, str, str]]:
    assignments = rota["assignments"] if isinstance(rota, dict) else rota.assignments
    return {(r["staff"], r["day"], r["slot"], r["task"]) for r in assignments}


def test_stability_keeps_last_weeks_rows() -> None:
    """Last week A (preferring C1) was with C1. This week A prefers C2. Re-solved with
    stability off, A swaps to C2: every row changes. At 10/min (a swap changes 240
    minutes), last week's rows are kept; the term is 0, the least."""
    last = solve(stability_school("C1", 0)).to_dict()
    assert keys(last) == {("A", "Mon", "P1", "class:C1"), ("B", "Mon", "P1", "class:C2")}

    off = solve(stability_school("C2", 0), previous=last)
    assert keys(off) == {("A", "Mon", "P1", "class:C2"), ("B", "Mon", "P1", "class:C1")}, show(off)
    assert off.meta["changes"]["rows_kept"] == 0

    on = solve(stability_school("C2", 10), previous=last)
    assert keys(on) == keys(last), show(on)
    assert on.meta["changes"]["rows_kept"] == 2
    assert term(on, "stability") == 0
    assert term(on, "preference") == 60


# ---------------------------------------------------------------------------
# liaison_partners and liaison_timing (rules.liaison: joint)
# ---------------------------------------------------------------------------

# BS before school (30 minutes), then the helper's day.
LIAISON_SLOTS = [
    {"id": "BS", "start": "08:30", "end": "09:00", "kind": "before_school"},
    {"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"},
    {"id": "P2", "start": "10:00", "end": "11:00", "kind": "lesson"},
    {"id": "LU", "start": "11:00", "end": "11:40", "kind": "lunch"},
    {"id": "P3", "start": "11:40", "end": "12:40", "kind": "lesson"},
]


def meetings(rota: Rota) -> list[str]:
    return sorted(f"{r['slot']} {r['task']}" for r in rota.assignments if r["task"].startswith("liaison:"))


def partners_school(liaison_partners: float) -> SchoolData:
    """A supports Y3 (JB) at P1, P2 and Y4 (KL) at P3, and meets one teacher for 30
    minutes. JB is free only at lunch (before school JB is away); KL is free before school."""
    return make_school(
        slots=LIAISON_SLOTS,
        staff=[{"id": "A", "hours": 4}],
        teachers=[{"id": "JB", "unavailable": "BS"}, {"id": "KL"}],
        classes=[{"id": "Y3", "teacher": "JB"}, {"id": "Y4", "teacher": "KL"}],
        lessons=[{"class": "Y3", "when": "P1, P2", "subject": "Ma"}, {"class": "Y4", "when": "P3", "subject": "En"}],
        support=[{"class": "Y3", "when": "P1, P2"}, {"class": "Y4", "when": "P3"}],
        rules={
            "liaison": "joint",
            "liaison_minutes": 30,
            "weights": only(liaison_partners=liaison_partners, liaison_timing=1),
        },
    )


def test_liaison_partners_meets_the_teacher_supported_most() -> None:
    """liaison_timing (1) in both: meeting JB at lunch comes after two of JB's lessons (2 ×
    40). Off: A meets KL before school. At 10/min: A meets JB (120 minutes supported), leaving
    KL's 60 unmet; 10 × 60 is the least possible term with one teacher met."""
    off = solve(partners_school(0))
    assert meetings(off) == ["BS liaison:KL"], show(off)
    assert term(off, "liaison_timing") == 0

    on = solve(partners_school(10))
    assert meetings(on) == ["LU liaison:JB"], show(on)
    assert on.shortfalls == []
    assert term(on, "liaison_partners") == 10 * 60
    assert term(on, "liaison_timing") == 2 * 40


def timing_school(liaison_timing: float) -> SchoolData:
    """A (4 h) supports Y3 (JB) at P1 and P2 and meets JB for 30 minutes; JB is free before
    school, at lunch and at P3. A meeting is a task (joint liaison), so idle time (1/min)
    prefers the longest meeting, P3."""
    return make_school(
        slots=LIAISON_SLOTS,
        staff=[{"id": "A", "hours": 4}],
        teachers=[{"id": "JB"}],
        classes=[{"id": "Y3", "teacher": "JB"}],
        lessons=[{"class": "Y3", "when": "P1, P2", "subject": "Ma"}],
        support=[{"class": "Y3", "staff": 1}],
        rules={"liaison": "joint", "liaison_minutes": 30, "weights": only(liaison_timing=liaison_timing, idle=1)},
    )


def test_liaison_timing_meets_before_the_lessons() -> None:
    """Off: the meeting fills P3's hour (idle 240 - 180 = 60, against 80 at lunch and 90
    before school). At 5/min (P3 is after JB's two lessons: 5 × 2 × 60): the meeting goes
    before school, before the lessons; the term is 0, the least."""
    off = solve(timing_school(0))
    assert meetings(off) == ["P3 liaison:JB"], show(off)
    assert term(off, "idle") == 60

    on = solve(timing_school(5))
    assert meetings(on) == ["BS liaison:JB"], show(on)
    assert on.shortfalls == []
    assert term(on, "liaison_timing") == 0
    assert term(on, "idle") == 90


def test_every_goal_has_a_test() -> None:
    """A goal added to rules.weights without a test here fails this."""
    tested = {
        "class_continuity",
        "intervention_continuity",
        "duty_fairness",
        "idle",
        "over_support",
        "overtime",
        "subject_match",
        "preference",
        "stability",
        "liaison_partners",
        "liaison_timing",
    }
    assert set(GOALS) == tested


# ---------------------------------------------------------------------------
# meta.objective_terms against a recomputation from the rows
# ---------------------------------------------------------------------------


def recompute(school: SchoolData, rota: Rota) -> dict[str, float]:
    """idle, class_continuity and duty_fairness from the rows alone, times their weights."""
    weights = school.rules.weights
    worked: Counter[str] = Counter()
    for r in rota.assignments:
        worked[r["staff"]] += MINUTES[r["slot"]]  # no duty is paid extra, so every row is contracted time
    idle = sum(max(0, round(adult.hours * 60) - worked[adult.id]) for adult in school.staff)
    adults_of: dict[str, set[str]] = defaultdict(set)
    for r in rota.assignments:
        if r["task"].startswith("class:"):
            adults_of[r["task"]].add(r["staff"])
    duties = Counter(r["staff"] for r in rota.assignments if r["task"].startswith("duty:"))
    return {
        "idle": weights.idle * idle,
        "class_continuity": weights.class_continuity * sum(len(v) for v in adults_of.values()),
        "duty_fairness": weights.duty_fairness * max(duties.values(), default=0),
    }


@pytest.mark.parametrize(
    "weights",
    [{}, {"class_continuity": 7, "duty_fairness": 3.5, "idle": 0.5}],
    ids=["default_weights", "other_weights"],
)
def test_objective_terms_match_a_recomputation(weights: dict[str, float]) -> None:
    """Two days, three adults, two classes and a lunch duty, with the default soft goals (or
    other weights): meta.objective_terms for idle, class_continuity and duty_fairness equal
    the amounts recomputed from the rows times their weights; they are the only soft terms
    (no preferences, subjects, overtime, EHC or previous rota here), they sum to the soft
    tier's weighted penalty (÷ WEIGHT_SCALE) and meta.objective, and every demand is met
    (no demand term)."""
    school = make_school(
        days=("Mon", "Tue"),
        staff=[{"id": "A", "hours": 3}, {"id": "B", "hours": 5}, {"id": "E", "hours": 2.5}],
        classes=[{"id": "C1"}, {"id": "C2"}],
        support=[{"class": "C1"}, {"class": "C2", "when": "P1"}],
        duties=[{"id": "D", "name": "Lunch", "when": "LU"}],
        rules={"weights": weights},
    )
    rota = solve(school)
    assert rota.shortfalls == [], show(rota)
    expected = recompute(school, rota)
    assert all(expected.values()), expected  # the school exercises all three goals
    terms = rota.meta["objective_terms"]
    assert terms == pytest.approx(expected), show(rota)
    (soft,) = [t for t in rota.meta["tiers"] if t["tier"] == "soft_goals"]
    assert soft["short"] / WEIGHT_SCALE == pytest.approx(sum(expected.values()))
    assert rota.meta["objective"] == pytest.approx(sum(expected.values()))
    for adult in school.staff:  # the rota's own KPI agrees with the rows, adult by adult
        worked = sum(MINUTES[r["slot"]] for r in rows(rota, staff=adult.id))
        assert rota.kpis["staff"][adult.id]["idle_minutes"] == max(0, round(adult.hours * 60) - worked)
