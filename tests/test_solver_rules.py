"""Each rule of docs/rules.md on a tiny school where it binds.

Every test asking for the `solve` fixture runs twice:
- `[model]`: the full model; the rota must be optimal, pass tasched.verify, and show
  the rule's observable consequence;
- `[rule_dropped]`: the rule named by the test's `@binds(...)` is taken out of the
  model (removed from HARD_RULES / DEMANDS, or loosened in the compiled problem for
  rules enforced there); the test must then fail on an assertion (strict xfail). That
  proves each test binds: it would catch the rule going missing.

In every school the adults would, left alone, break the rule: they are pushed by idle
time (penalised), a preference (`prefer`, rewarded) or an unmet demand.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from helpers_solver import (
    Drop,
    assert_shortfall,
    eligible_ignoring,
    intervention_slots_ignoring,
    loosen,
    make_school,
    rows,
    shortfall,
    show,
    slots_of,
    solve_any,
    solve_ok,
    without,
)

from tasched.input.model import SchoolData
from tasched.problem.compile import Problem
from tasched.solution.rota import Rota
from tasched.solver import demands, goals, rules

Test = Callable[..., None]

# ---------------------------------------------------------------------------
# The two variants of each test
# ---------------------------------------------------------------------------


def binds(drop: Drop) -> Callable[[Test], Test]:
    """Mark a test with the rule it checks: its `[rule_dropped]` variant must fail."""

    def mark(test: Test) -> Test:
        test.drop = drop  # type: ignore[attr-defined]
        return test

    return mark


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "solve" in metafunc.fixturenames:
        drop = getattr(metafunc.function, "drop", None)
        variants = ["model", "rule_dropped"] if drop else ["model"]
        metafunc.parametrize("solve", variants, indirect=True)


@pytest.fixture
def solve(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Rota]:
    """solve_ok on the full model; on `rule_dropped`, solve without the test's rule."""
    if request.param == "model":
        return solve_ok
    drop: Drop = request.function.drop
    drop.apply(monkeypatch)
    request.applymarker(
        pytest.mark.xfail(
            raises=AssertionError,
            strict=True,
            reason=f"without {drop.name} the rule's consequence must not hold",
        )
    )
    return solve_any


# ---------------------------------------------------------------------------
# Small readers
# ---------------------------------------------------------------------------


def ehc_slots(rota: Rota, pupil: str) -> set[str]:
    """'Day Slot' labels at which the pupil has EHC support (once per slot)."""
    return set(slots_of(rota, task=f"pupil:{pupil}"))


def sessions(rota: Rota, intervention: str) -> list[dict[str, Any]]:
    return rows(rota, task=f"intervention:{intervention}")


def adults_at(rota: Rota, task: str) -> dict[str, set[str]]:
    """'Day Slot' -> adults doing the task then."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows(rota, task=task):
        out[f"{r['day']} {r['slot']}"].add(r["staff"])
    return out


def contact_minutes(rota: Rota, pupil: str) -> Counter[str]:
    """Adult -> minutes of EHC support of the pupil (in lessons, which are all an hour)."""
    given: Counter[str] = Counter()
    for r in rows(rota, task=f"pupil:{pupil}"):
        given[r["staff"]] += 60
    return given


def set_on(items: Callable[[Problem], Iterable[Any]], **values: Any) -> Callable[[Problem], None]:
    """A change to the compiled problem: set fields on some of its parts."""

    def change(problem: Problem) -> None:
        for item in items(problem):
            for key, value in values.items():
                setattr(item, key, value)

    return change


def plans(problem: Problem) -> list[Any]:
    return [pupil.ehcp for pupil in problem.pupils if pupil.ehcp is not None]


ONE_CLASS = [{"id": "C1"}]
TWO_CLASSES = [{"id": "C1"}, {"id": "C2"}]
# Four adjacent hour-long lessons (no lunch in between), for runs of slots.
FOUR_LESSONS = [
    {"id": f"P{i}", "start": f"{8 + i:02d}:00", "end": f"{9 + i:02d}:00", "kind": "lesson"} for i in range(1, 5)
]


# ---------------------------------------------------------------------------
# 1. Availability and 2. skills
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "away",
    [
        {"staff": [{"id": "A", "hours": 10, "available": "P1, P2"}]},
        {"staff": [{"id": "A", "hours": 10, "unavailable": "P3"}]},
        {"staff": [{"id": "A", "hours": 10}], "absences": [{"staff": "A", "when": "Mon P3"}]},
    ],
    ids=["available", "unavailable", "absence"],
)
@binds(eligible_ignoring("works"))
def test_availability(solve: Callable[..., Rota], away: dict[str, Any]) -> None:
    """An adult not working at P3 (available / unavailable / absence) has no row then, though
    class C1 wants support at P3."""
    school = make_school(classes=ONE_CLASS, support=[{"class": "C1"}], **away)
    rota = solve(school)
    assert slots_of(rota, staff="A") == ["Mon P1", "Mon P2"], show(rota)
    assert_shortfall(rota, "class:C1", 3, 2, "adult-slots")


SKILLED_TASKS = {
    "support": (
        {"support": [{"class": "C1", "skills": ["team_teach"]}]},
        ("class:C1", 3, 0, "adult-slots"),
    ),
    "ehcp": (
        {"pupils": [{"id": "P", "classes": ["C1"], "ehcp": {"hours": 1, "skills": ["team_teach"]}}]},
        ("pupil:P", 1, 0, "hours"),
    ),
    "intervention": (
        {
            "pupils": [{"id": "P", "classes": ["C1"]}],
            "interventions": [
                {
                    "id": "I",
                    "programme": "ELSA",
                    "pupils": ["P"],
                    "sessions": 1,
                    "minutes": 30,
                    "skills": ["team_teach"],
                },
            ],
        },
        ("intervention:I", 1, 0, "sessions"),
    ),
    "duty": (
        {"duties": [{"id": "D", "name": "Lunch", "when": "LU", "skills": ["team_teach"]}]},
        ("duty:D", 1, 0, "adult-slots"),
    ),
}


@pytest.mark.parametrize("task", SKILLED_TASKS)
@binds(eligible_ignoring("skills"))
def test_skills(solve: Callable[..., Rota], task: str) -> None:
    """The only adult lacks team_teach, which the task needs (support, ehcp, intervention,
    duty skills): no row, and the demand is a shortfall."""
    sections, (ref, required, delivered, unit) = SKILLED_TASKS[task]
    staff = [{"id": "A", "hours": 10, "skills": ["first_aid"]}]
    rota = solve(make_school(staff=staff, classes=ONE_CLASS, **sections))
    assert rota.assignments == [], show(rota)
    assert_shortfall(rota, ref, required, delivered, unit)


# ---------------------------------------------------------------------------
# 3. Contracted hours, 4. max duties, one place per slot
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adult", "liaison"),
    [
        ({"hours": 2}, 0),
        ({"hours": 1, "overtime_hours": 1}, 0),
        ({"hours": 3}, 60),
    ],
    ids=["hours", "hours+overtime", "hours-liaison"],
)
# The overtime goal's variable (0..overtime minutes) caps contract minutes too, so it
# goes with the rule for the hours+overtime case.
@binds(without(rules.add_contracted_hours, goals.add_overtime))
def test_contracted_hours(solve: Callable[..., Rota], adult: dict[str, Any], liaison: int) -> None:
    """Class support wanted at 3 lessons; the adult's cap (hours − liaison + overtime) is
    2 hours, so 2 rows."""
    school = make_school(
        staff=[{"id": "A", **adult}],
        classes=ONE_CLASS,
        support=[{"class": "C1"}],
        rules={"liaison_minutes": liaison},
    )
    rota = solve(school)
    assert len(rows(rota, staff="A")) == 2, show(rota)
    assert_shortfall(rota, "class:C1", 3, 2, "adult-slots")


@binds(loosen("extra duties counted as contract", set_on(lambda p: p.duties, paid_extra=False)))
def test_extra_duties_outside_contract(solve: Callable[..., Rota]) -> None:
    """A 3-hour adult supports 3 lessons and also takes a lunch duty paid `extra`, which sits
    outside the contract (counted in it, the duty would push out a lesson)."""
    school = make_school(
        staff=[{"id": "A", "hours": 3}],
        classes=ONE_CLASS,
        support=[{"class": "C1"}],
        duties=[{"id": "D", "name": "Lunch", "when": "LU", "paid": "extra"}],
    )
    rota = solve(school)
    assert slots_of(rota, staff="A") == ["Mon LU", "Mon P1", "Mon P2", "Mon P3"], show(rota)
    assert rota.shortfalls == []
    assert rota.kpis["staff"]["A"]["extra_hours"] == round(40 / 60, 2)


@binds(without(rules.add_max_duties))
def test_max_duties(solve: Callable[..., Rota]) -> None:
    """An adult with max_duties 1 covers one of two lunch duty slots; the other is short."""
    school = make_school(
        days=("Mon", "Tue"),
        staff=[{"id": "A", "hours": 10, "max_duties": 1}],
        duties=[{"id": "D", "name": "Lunch", "when": "LU"}],
    )
    rota = solve(school)
    assert len(rows(rota, task="duty:D")) == 1, show(rota)
    assert_shortfall(rota, "duty:D", 2, 1, "adult-slots")


@binds(without(rules.add_one_place_per_slot))
def test_one_place_per_slot(solve: Callable[..., Rota]) -> None:
    """One adult, two classes wanting support at every lesson: one class per slot."""
    school = make_school(
        staff=[{"id": "A", "hours": 10}],
        classes=TWO_CLASSES,
        support=[{"class": "C1"}, {"class": "C2"}],
    )
    rota = solve(school)
    places = Counter((r["day"], r["slot"]) for r in rows(rota, staff="A"))
    assert places and max(places.values()) == 1, show(rota)
    assert len(places) == 3, show(rota)


# ---------------------------------------------------------------------------
# 5-6. EHC support: pooling and 2:1
# ---------------------------------------------------------------------------


def one_slot_pupils(*pupils: tuple[str, str, int]) -> list[dict[str, Any]]:
    """Pupils (id, class, group_max) each wanting one hour of support at P1 only."""
    return [{"id": p, "classes": [c], "ehcp": {"hours": 1, "when": "P1", "group_max": g}} for p, c, g in pupils]


@pytest.mark.parametrize(
    ("classes", "mode"),
    [(("C1", "C1"), "in_class"), (("C1", "C2"), "withdrawn")],
    ids=["in_class", "withdrawn_across_classes"],
)
@binds(loosen("no pooling (group_max 1)", set_on(plans, group_max=1)))
def test_pooling_group_of_two(solve: Callable[..., Rota], classes: tuple[str, str], mode: str) -> None:
    """group_max 2: the one adult (one hour) supports both pupils at P1 as one group, in
    their shared class, or withdrawn together from different classes."""
    pupils = one_slot_pupils(("P", classes[0], 2), ("Q", classes[1], 2))
    for pupil in pupils:
        pupil["ehcp"]["mode"] = mode
    school = make_school(staff=[{"id": "A", "hours": 1}], classes=TWO_CLASSES, pupils=pupils)
    rota = solve(school)
    group = rows(rota, staff="A", day="Mon", slot="P1")
    assert sorted(r["task"] for r in group) == ["pupil:P", "pupil:Q"], show(rota)
    assert {r["mode"] for r in group} == {mode}
    assert rota.shortfalls == []


POOL_LIMITS = {
    # a one-to-one pupil (group_max 1) is never pooled, even with a pupil who may be
    "one_to_one": (("P", "C1", 2), ("Q", "C1", 1)),
    # a group never exceeds the smallest group_max among its members
    "smallest_group_max": (("P", "C1", 3), ("Q", "C1", 3), ("R", "C1", 2)),
    # pooled in class means the same class
    "same_class": (("P", "C1", 2), ("Q", "C2", 2)),
}


@pytest.mark.parametrize("case", POOL_LIMITS)
@binds(without(rules.add_one_place_per_slot))
def test_pooling_limits(solve: Callable[..., Rota], case: str) -> None:
    """One adult at P1 and pupils who cannot all be one group: the group obeys group_max
    (min over members, one-to-one alone) and shares a class; the rest are short."""
    pupils = POOL_LIMITS[case]
    school = make_school(staff=[{"id": "A", "hours": 1}], classes=TWO_CLASSES, pupils=one_slot_pupils(*pupils))
    rota = solve(school)
    group = [r["task"][6:] for r in rows(rota, staff="A", day="Mon", slot="P1")]
    caps = {p: g for p, _, g in pupils}
    classes = {p: c for p, c, _ in pupils}
    assert group, show(rota)
    assert len(group) == 1 or min(caps[p] for p in group) >= len(group), show(rota)
    assert len({classes[p] for p in group}) == 1, show(rota)
    short = [s["task"] for s in rota.shortfalls]
    assert sorted(short) == sorted(f"pupil:{p}" for p, _, _ in pupils if p not in group)


@pytest.mark.parametrize("adults", [3, 1])
@binds(loosen("2:1 read as 1:1", set_on(plans, adults=1)))
def test_two_to_one(solve: Callable[..., Rota], adults: int) -> None:
    """ehcp.adults 2: every supported slot has exactly two adults (3 adults: 2 hours
    given; 1 adult: none at all, a shortfall)."""
    school = make_school(
        staff=[{"id": f"A{i}", "hours": 10} for i in range(adults)],
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": 2, "adults": 2}}],
    )
    rota = solve(school)
    given = adults_at(rota, "pupil:P")
    assert all(len(who) == 2 for who in given.values()), show(rota)
    if adults == 3:
        assert len(given) == 2, show(rota)
        assert shortfall(rota, "pupil:P") is None
        assert rota.kpis["pupils"]["P"]["ehc_hours_delivered"] == 2  # a 2:1 slot counts once
    else:
        assert_shortfall(rota, "pupil:P", 2, 0, "hours")


# ---------------------------------------------------------------------------
# 7. Over-support
# ---------------------------------------------------------------------------


@binds(without(demands.add_ehcp_hours))
def test_over_support_cap(solve: Callable[..., Rota]) -> None:
    """Idle time costs 10 a minute and over-support nothing, yet a 1-hour plan gets at most
    1 hour + one slot (2 of the 3 lessons; three adults, as max_share caps each at 1 hour)."""
    school = make_school(
        staff=[{"id": a, "hours": 10} for a in "ABE"],
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": 1}}],
        rules={"weights": {"over_support": 0, "idle": 10}},
    )
    rota = solve(school)
    assert len(ehc_slots(rota, "P")) * 60 <= 60 + 60, show(rota)
    assert len(ehc_slots(rota, "P")) == 2, show(rota)


# ---------------------------------------------------------------------------
# 8. Rotation
# ---------------------------------------------------------------------------


def rotation_school(rotation: dict[str, Any], staff: list[str], hours: float = 2) -> SchoolData:
    """Pupil P wants `hours` of support in C1; adult A prefers them (a reward per minute)."""
    return make_school(
        staff=[{"id": a, "hours": 10, "prefer": ["pupil:P"] if a == "A" else []} for a in staff],
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": hours}}],
        rules={"rotation": rotation},
    )


@binds(without(rules.add_rotation_rules))
def test_rotation_min_staff(solve: Callable[..., Rota]) -> None:
    """min_staff 2: A (who prefers P) may not give all of P's 2 hours; B gives some."""
    rota = solve(rotation_school({"min_staff": 2}, ["A", "B"]))
    assert len(contact_minutes(rota, "P")) >= 2, show(rota)
    assert shortfall(rota, "pupil:P") is None


@binds(without(rules.add_rotation_rules))
def test_rotation_min_staff_unreachable(solve: Callable[..., Rota]) -> None:
    """min_staff 2 with one adult: no EHC support at all, and a shortfall saying so."""
    rota = solve(rotation_school({"min_staff": 2}, ["A"]))
    assert ehc_slots(rota, "P") == set(), show(rota)
    assert_shortfall(rota, "pupil:P", 2, 0, "hours")


@binds(without(rules.add_rotation_rules))
def test_rotation_max_share(solve: Callable[..., Rota]) -> None:
    """max_share 0.5 of 2 hours: A (who prefers P) gives at most 60 minutes, B the rest."""
    rota = solve(rotation_school({"max_share": 0.5}, ["A", "B"]))
    given = contact_minutes(rota, "P")
    assert max(given.values()) <= 60, show(rota)
    assert given == {"A": 60, "B": 60}, show(rota)


@pytest.mark.parametrize("where", ["rules", "pupil_override"])
@binds(without(rules.add_max_staff))
def test_rotation_max_staff(solve: Callable[..., Rota], where: str) -> None:
    """max_staff 2 (from the rules, or the pupil's own over a looser rule): three adults could
    each give P an hour of 3, and max_share 0.5 pushes a third in, but at most two may; so an
    hour goes short."""
    rotation: dict[str, Any] = {"max_share": 0.5, "max_staff": 2 if where == "rules" else 3}
    school = make_school(
        staff=[{"id": a, "hours": 10, "prefer": ["pupil:P"]} for a in "ABE"],
        classes=ONE_CLASS,
        pupils=[
            {"id": "P", "classes": ["C1"], "ehcp": {"hours": 3}}
            | ({"rotation": {"max_staff": 2}} if where == "pupil_override" else {})
        ],
        rules={"rotation": rotation},
    )
    rota = solve(school)
    assert len(contact_minutes(rota, "P")) <= 2, show(rota)
    assert_shortfall(rota, "pupil:P", 3, 2, "hours")


@binds(without(rules.add_class_max_adults))
def test_class_max_adults(solve: Callable[..., Rota]) -> None:
    """max_adults 1: C1 wants an adult in P1-P3 and each adult has only an hour, so a second
    and third adult would fill it; only one may, and two slots go short."""
    staff = [{"id": a, "hours": 1, "prefer": ["class:C1"]} for a in "ABE"]
    school = make_school(staff=staff, classes=[{"id": "C1", "max_adults": 1}], support=[{"class": "C1"}])
    rota = solve(school)
    assert len({r["staff"] for r in rows(rota, task="class:C1")}) == 1, show(rota)
    assert_shortfall(rota, "class:C1", 3, 1, "adult-slots")


def runs(labels: list[str], order: list[str]) -> list[int]:
    """Lengths of runs of adjacent slots (one day) among the labels."""
    positions = sorted(order.index(label.split()[1]) for label in labels)
    lengths: list[int] = []
    for i, pos in enumerate(positions):
        if i and pos == positions[i - 1] + 1:
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths


@pytest.mark.parametrize(("school_most", "pupil_most"), [(2, None), (3, 1)], ids=["rules", "pupil_override"])
@binds(without(rules.add_rotation_rules))
def test_rotation_max_consecutive(solve: Callable[..., Rota], school_most: int, pupil_most: int | None) -> None:
    """The only adult may be with P in at most max_consecutive adjacent slots (the pupil's
    `rotation` overriding the rules'); P's 3 hours fall in P1-P3, so some go short."""
    most = pupil_most or school_most
    pupil: dict[str, Any] = {"id": "P", "classes": ["C1"], "ehcp": {"hours": 3, "when": "P1-P3"}}
    if pupil_most:
        pupil["rotation"] = {"max_consecutive": pupil_most}
    school = make_school(
        slots=FOUR_LESSONS,
        staff=[{"id": "A", "hours": 10}],
        classes=ONE_CLASS,
        pupils=[pupil],
        rules={"rotation": {"max_consecutive": school_most}},
    )
    rota = solve(school)
    given = slots_of(rota, staff="A", task="pupil:P")
    assert max(runs(given, ["P1", "P2", "P3", "P4"])) <= most, show(rota)
    assert_shortfall(rota, "pupil:P", 3, 2, "hours")


def test_rotation_run_ends_at_a_slot_between() -> None:
    """Reading check (no rule to drop): lunch between P2 and P3 ends a run, so with
    max_consecutive 2 one adult may give P1, P2 and P3."""
    school = make_school(
        staff=[{"id": "A", "hours": 10}],
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": 3}}],
        rules={"rotation": {"max_consecutive": 2}},
    )
    rota = solve_ok(school)
    assert ehc_slots(rota, "P") == {"Mon P1", "Mon P2", "Mon P3"}, show(rota)
    assert rota.shortfalls == []


# ---------------------------------------------------------------------------
# 5d, 9. Pupils' whereabouts and interventions
# ---------------------------------------------------------------------------


def intervention(iv: str, pupils: list[str], **fields: Any) -> dict[str, Any]:
    return {"id": iv, "programme": "NELI", "pupils": pupils, "sessions": 1, "minutes": 60, **fields}


PUPIL_P = [{"id": "P", "classes": ["C1"]}]
TWO_ADULTS = [{"id": "A", "hours": 10}, {"id": "B", "hours": 10}]


@binds(without(rules.add_pupil_whereabouts))
def test_no_support_during_session(solve: Callable[..., Rota]) -> None:
    """P's EHC support and P's intervention both want P1: P is in one place, so only the
    support (the weightier demand) happens."""
    school = make_school(
        staff=TWO_ADULTS,
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": 1, "when": "P1"}}],
        interventions=[intervention("I", ["P"], when="P1")],
    )
    rota = solve(school)
    in_session = {f"{r['day']} {r['slot']}" for r in sessions(rota, "I")}
    assert not ehc_slots(rota, "P") & in_session, show(rota)
    assert ehc_slots(rota, "P") == {"Mon P1"}, show(rota)
    assert_shortfall(rota, "intervention:I", 1, 0, "sessions")


@binds(without(rules.add_pupil_whereabouts))
def test_no_pupil_in_two_sessions(solve: Callable[..., Rota]) -> None:
    """Two interventions of P both possible only at P1: P sits in one of them."""
    school = make_school(
        staff=TWO_ADULTS,
        classes=ONE_CLASS,
        pupils=PUPIL_P,
        interventions=[intervention("I1", ["P"], when="P1"), intervention("I2", ["P"], when="P1")],
    )
    rota = solve(school)
    held = Counter((r["day"], r["slot"]) for r in rota.assignments if "P" in r["pupils"])
    assert held and max(held.values()) == 1, show(rota)
    assert len(rota.shortfalls) == 1 and rota.shortfalls[0]["delivered"] == 0


@binds(without(demands.add_intervention_sessions))
def test_intervention_sessions_cap(solve: Callable[..., Rota]) -> None:
    """An idle adult could hold 3 sessions of a 2-a-week intervention: holds 2."""
    school = make_school(
        staff=[{"id": "A", "hours": 10}],
        classes=ONE_CLASS,
        pupils=PUPIL_P,
        interventions=[intervention("I", ["P"], sessions=2, one_per_day=False)],
    )
    rota = solve(school)
    assert len(sessions(rota, "I")) == 2, show(rota)
    assert all(len(v) == 1 for v in adults_at(rota, "intervention:I").values())


@binds(without(demands.add_intervention_sessions))
def test_intervention_one_per_day(solve: Callable[..., Rota]) -> None:
    """one_per_day: the deliverer works Monday only, so 1 of the 2 sessions is held."""
    school = make_school(
        days=("Mon", "Tue"),
        staff=[{"id": "A", "hours": 10, "available": "Mon"}],
        classes=ONE_CLASS,
        pupils=PUPIL_P,
        interventions=[intervention("I", ["P"], sessions=2)],
    )
    rota = solve(school)
    per_day = Counter(r["day"] for r in sessions(rota, "I"))
    assert per_day == {"Mon": 1}, show(rota)
    assert_shortfall(rota, "intervention:I", 2, 1, "sessions")


@binds(without(demands.add_intervention_sessions))
def test_intervention_same_staff(solve: Callable[..., Rota]) -> None:
    """same_staff: A works Monday, B Tuesday; one adult delivers every session, so 1 of 2."""
    school = make_school(
        days=("Mon", "Tue"),
        staff=[
            {"id": "A", "hours": 10, "available": "Mon"},
            {"id": "B", "hours": 10, "available": "Tue"},
        ],
        classes=ONE_CLASS,
        pupils=PUPIL_P,
        interventions=[intervention("I", ["P"], sessions=2)],
    )
    rota = solve(school)
    assert len({r["staff"] for r in sessions(rota, "I")}) == 1, show(rota)
    assert_shortfall(rota, "intervention:I", 2, 1, "sessions")


@binds(intervention_slots_ignoring("when"))
def test_intervention_when(solve: Callable[..., Rota]) -> None:
    """A session sits only in the intervention's `when` (P2): 1 of 2 sessions is held."""
    school = make_school(
        staff=[{"id": "A", "hours": 10}],
        classes=ONE_CLASS,
        pupils=PUPIL_P,
        interventions=[intervention("I", ["P"], sessions=2, one_per_day=False, when="P2")],
    )
    rota = solve(school)
    assert slots_of(rota, task="intervention:I") == ["Mon P2"], show(rota)
    assert_shortfall(rota, "intervention:I", 2, 1, "sessions")


@binds(intervention_slots_ignoring("minutes"))
def test_intervention_slot_long_enough(solve: Callable[..., Rota]) -> None:
    """A 45-minute session allowed at P1 and at the 40-minute lunch sits only at P1."""
    school = make_school(
        staff=[{"id": "A", "hours": 10}],
        classes=ONE_CLASS,
        pupils=PUPIL_P,
        interventions=[intervention("I", ["P"], sessions=2, minutes=45, one_per_day=False, when="P1, LU")],
    )
    rota = solve(school)
    assert slots_of(rota, task="intervention:I") == ["Mon P1"], show(rota)
    assert_shortfall(rota, "intervention:I", 2, 1, "sessions")


@binds(intervention_slots_ignoring("avoid_subjects"))
def test_intervention_avoid_subjects(solve: Callable[..., Rota]) -> None:
    """avoid_subjects [Ma]: P has maths at P1 and P3, so the session sits at P2 (English)."""
    school = make_school(
        staff=[{"id": "A", "hours": 10}],
        classes=ONE_CLASS,
        lessons=[
            {"class": "C1", "when": "P1, P3", "subject": "Ma"},
            {"class": "C1", "when": "P2", "subject": "En"},
        ],
        pupils=PUPIL_P,
        interventions=[intervention("I", ["P"], sessions=2, one_per_day=False, avoid_subjects=["Ma"])],
    )
    rota = solve(school)
    assert slots_of(rota, task="intervention:I") == ["Mon P2"], show(rota)
    assert_shortfall(rota, "intervention:I", 2, 1, "sessions")


@binds(loosen("counts_for_ehcp ignored", set_on(lambda p: p.interventions, counts_for_ehcp=False)))
def test_intervention_counts_for_ehcp(solve: Callable[..., Rota]) -> None:
    """A one-hour adult holds P's hour-long session, which counts for P's 1 EHC hour:
    both demands met in one slot."""
    school = make_school(
        staff=[{"id": "A", "hours": 1}],
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": 1}}],
        interventions=[intervention("I", ["P"], counts_for_ehcp=True)],
    )
    rota = solve(school)
    assert rota.shortfalls == [], show(rota)
    assert len(sessions(rota, "I")) == 1
    assert rota.kpis["pupils"]["P"]["ehc_hours_delivered"] == 1


def test_session_minutes_count_for_pupils() -> None:
    """Reading check (no rule to drop): for its pupils a session lasts its `minutes`, not
    the slot's, so two 30-minute sessions in hour slots give P 1 EHC hour and only 60
    minutes out of class (max_withdrawal 0.34 of 180 allows 61)."""
    school = make_school(
        staff=[{"id": "A", "hours": 2}],
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": 1}, "max_withdrawal": 0.34}],
        interventions=[intervention("I", ["P"], sessions=2, minutes=30, one_per_day=False, counts_for_ehcp=True)],
    )
    rota = solve_ok(school)
    assert len(sessions(rota, "I")) == 2, show(rota)
    assert rota.shortfalls == []
    assert rota.kpis["pupils"]["P"]["ehc_hours_delivered"] == 1


# ---------------------------------------------------------------------------
# 10. Rooms, 11. withdrawal
# ---------------------------------------------------------------------------


@binds(without(rules.add_room_capacity))
def test_room_capacity(solve: Callable[..., Rota]) -> None:
    """Two interventions needing the one quiet room, both only at P1: one is held, in Q1."""
    school = make_school(
        staff=TWO_ADULTS,
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"]}, {"id": "Q", "classes": ["C1"]}],
        interventions=[
            intervention("I1", ["P"], when="P1", room_kind="quiet"),
            intervention("I2", ["Q"], when="P1", room_kind="quiet"),
        ],
        rooms=[{"id": "Q1", "kind": "quiet"}],
    )
    rota = solve(school)
    held = [r for r in rota.assignments if r["task"].startswith("intervention:")]
    assert [r["room"] for r in held] == ["Q1"], show(rota)
    assert len(rota.shortfalls) == 1 and rota.shortfalls[0]["unit"] == "sessions"


WITHDRAWALS = {
    # rules' max_withdrawal, three one-hour sessions
    "rules": ({}, {"max_withdrawal": 0.34}, "intervention:I", (3, 1, "sessions")),
    # the pupil's own max_withdrawal overrides the rules' (relaxed to 1.0)
    "pupil": ({"max_withdrawal": 0.34}, {}, "intervention:I", (3, 1, "sessions")),
    # withdrawn EHC support counts too; at lunch (no lesson) it does not: 60 + 40 minutes
    "withdrawn_support": (
        {"max_withdrawal": 0.34, "ehcp": {"hours": 2, "mode": "withdrawn", "when": "*"}},
        {},
        "pupil:P",
        (2, 1.67, "hours"),
    ),
}


@pytest.mark.parametrize("case", WITHDRAWALS)
@binds(without(rules.add_withdrawal_limit))
def test_max_withdrawal(solve: Callable[..., Rota], case: str) -> None:
    """P may be out of class 0.34 of 180 lesson minutes (61): one hour out, the rest short."""
    pupil_fields, rule_fields, task, (required, delivered, unit) = WITHDRAWALS[case]
    three = [intervention("I", ["P"], sessions=3, one_per_day=False)]
    school = make_school(
        staff=TWO_ADULTS,
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"], **pupil_fields}],
        interventions=three if task == "intervention:I" else [],
        rules=rule_fields,
    )
    rota = solve(school)
    out = [r for r in rota.assignments if "P" in r["pupils"] and r["slot"] != "LU"]
    assert len(out) * 60 <= 0.34 * 180, show(rota)
    assert_shortfall(rota, task, required, delivered, unit)


# ---------------------------------------------------------------------------
# Demands: medical cover, duties, class support, their order
# ---------------------------------------------------------------------------


@binds(without(demands.add_medical_cover))
def test_medical_cover_at_lunch(solve: Callable[..., Rota]) -> None:
    """P needs an epipen-trained adult near at lunch: A (trained) takes the lunch duty, though
    B prefers it."""
    school = make_school(
        staff=[
            {"id": "A", "hours": 1, "skills": ["epipen"]},
            {"id": "B", "hours": 1, "prefer": ["duty:D"]},
        ],
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"], "medical": {"skills": ["epipen"], "when": "LU"}}],
        duties=[{"id": "D", "name": "Lunch", "when": "LU"}],
    )
    rota = solve(school)
    assert slots_of(rota, staff="A", task="duty:D") == ["Mon LU"], show(rota)
    assert rota.shortfalls == []


@binds(without(demands.add_medical_cover))
def test_medical_cover_in_lesson(solve: Callable[..., Rota]) -> None:
    """P needs an epipen-trained adult near at P1: A (trained) supports P's class then,
    though B prefers to."""
    school = make_school(
        staff=[
            {"id": "A", "hours": 1, "skills": ["epipen"]},
            {"id": "B", "hours": 1, "prefer": ["class:C1"]},
        ],
        classes=ONE_CLASS,
        support=[{"class": "C1", "when": "P1"}],
        pupils=[{"id": "P", "classes": ["C1"], "medical": {"skills": ["epipen"], "when": "P1"}}],
    )
    rota = solve(school)
    assert rows(rota, slot="P1", task="class:C1")[0]["staff"] == "A", show(rota)
    assert rota.shortfalls == []


def test_medical_cover_outside_lessons_is_a_duty() -> None:
    """At lunch (no lesson) only a trained adult on a duty, or supporting P, is near: the
    trained adult delivering P's lunchtime session is not, so the cover is short."""
    school = make_school(
        staff=[{"id": "A", "hours": 10, "skills": ["epipen"]}],
        classes=ONE_CLASS,
        pupils=[{"id": "P", "classes": ["C1"], "medical": {"skills": ["epipen"], "when": "LU"}}],
        interventions=[intervention("I", ["P"], minutes=30, when="LU")],
    )
    rota = solve_ok(school)
    assert slots_of(rota, task="intervention:I") == ["Mon LU"], show(rota)
    assert_shortfall(rota, "medical:P", 1, 0, "slots")


@binds(without(demands.add_duties))
def test_duty_staff_per_slot(solve: Callable[..., Rota]) -> None:
    """A duty wanting 2 adults gets 2, though all 3 adults prefer it."""
    staff = [{"id": a, "hours": 1, "prefer": ["duty:D"]} for a in "ABE"]
    school = make_school(staff=staff, duties=[{"id": "D", "name": "Lunch", "when": "LU", "staff": 2}])
    rota = solve(school)
    assert len(rows(rota, task="duty:D")) == 2, show(rota)
    assert rota.shortfalls == []


@binds(without(demands.add_duties))
def test_duty_any_skills(solve: Callable[..., Rota]) -> None:
    """any_skills [first_aid]: the only first-aider is away at lunch, so nobody may take the
    duty (though B and E prefer it), and it is short."""
    staff = [
        {"id": "A", "hours": 1, "skills": ["first_aid"], "unavailable": "LU"},
        {"id": "B", "hours": 1, "prefer": ["duty:D"]},
        {"id": "E", "hours": 1, "prefer": ["duty:D"]},
    ]
    duty = {"id": "D", "name": "Lunch", "when": "LU", "staff": 2, "any_skills": ["first_aid"]}
    rota = solve(make_school(staff=staff, duties=[duty]))
    assert rows(rota, task="duty:D") == [], show(rota)
    assert_shortfall(rota, "duty:D", 2, 0, "adult-slots")


@binds(without(rules.add_break_rule))
def test_break(solve: Callable[..., Rota]) -> None:
    """break_after 150 / break 20: P1 to P3 spans 190 minutes and the 10-minute
    registration between is no break, so the one adult covers 2 of 3 lessons."""
    slots = [
        {"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"},
        {"id": "RG", "start": "10:00", "end": "10:10", "kind": "registration"},
        {"id": "P2", "start": "10:10", "end": "11:10", "kind": "lesson"},
        {"id": "P3", "start": "11:10", "end": "12:10", "kind": "lesson"},
    ]
    school = make_school(
        slots=slots,
        staff=[{"id": "A", "hours": 10}],
        classes=ONE_CLASS,
        support=[{"class": "C1"}],
        rules={"break_after_minutes": 150, "break_minutes": 20},
    )
    rota = solve(school)
    worked = slots_of(rota, staff="A")
    assert worked in (["Mon P1", "Mon P2"], ["Mon P2", "Mon P3"], ["Mon P1", "Mon P3"]), show(rota)
    assert_shortfall(rota, "class:C1", 3, 2, "adult-slots")


def test_break_needed_once_a_day() -> None:
    """Six adjacent lessons, break_after 150: one free slot between the first and last task
    is the day's break (rule 13), so the one adult can cover 5 of the 6."""
    six = [{"id": f"P{i}", "start": f"{8 + i:02d}:00", "end": f"{9 + i:02d}:00", "kind": "lesson"} for i in range(1, 7)]
    school = make_school(
        slots=six,
        staff=[{"id": "A", "hours": 10}],
        classes=ONE_CLASS,
        support=[{"class": "C1"}],
        rules={"break_after_minutes": 150, "break_minutes": 20},
    )
    rota = solve_ok(school)
    assert len(rows(rota, staff="A")) == 5, show(rota)
    assert_shortfall(rota, "class:C1", 6, 5, "adult-slots")


@binds(without(demands.add_class_support))
def test_class_support_staff_per_slot(solve: Callable[..., Rota]) -> None:
    """Support wanting 2 adults at P1 gets 2, though all 3 adults prefer the class."""
    staff = [{"id": a, "hours": 1, "prefer": ["class:C1"]} for a in "ABE"]
    school = make_school(staff=staff, classes=ONE_CLASS, support=[{"class": "C1", "when": "P1", "staff": 2}])
    rota = solve(school)
    assert len(rows(rota, task="class:C1")) == 2, show(rota)
    assert rota.shortfalls == []


@binds(without(demands.add_class_support))
def test_class_support_priority(solve: Callable[..., Rota]) -> None:
    """One adult, two classes wanting support at P1: the high-priority class gets it, though
    the adult prefers the low-priority one."""
    school = make_school(
        staff=[{"id": "A", "hours": 1, "prefer": ["class:C2"]}],
        classes=TWO_CLASSES,
        support=[
            {"class": "C1", "when": "P1", "priority": "high"},
            {"class": "C2", "when": "P1", "priority": "low"},
        ],
    )
    rota = solve(school)
    assert [r["task"] for r in rota.assignments] == ["class:C1"], show(rota)
    assert_shortfall(rota, "class:C2", 1, 0, "adult-slots")


@binds(without(demands.add_ehcp_hours))
def test_demand_order_ehc_before_class_support(solve: Callable[..., Rota]) -> None:
    """One adult, one slot: P's EHC hour outranks high-priority class support, though the
    adult prefers the class."""
    school = make_school(
        staff=[{"id": "A", "hours": 1, "prefer": ["class:C2"]}],
        classes=TWO_CLASSES,
        pupils=[{"id": "P", "classes": ["C1"], "ehcp": {"hours": 1, "when": "P1"}}],
        support=[{"class": "C2", "when": "P1", "priority": "high"}],
    )
    rota = solve(school)
    assert [r["task"] for r in rota.assignments] == ["pupil:P"], show(rota)
    assert_shortfall(rota, "class:C2", 1, 0, "adult-slots")


# ---------------------------------------------------------------------------
# 15. Pins, reproducibility
# ---------------------------------------------------------------------------


@binds(without(rules.add_pins))
def test_pin_forces_task(solve: Callable[..., Rota]) -> None:
    """A pin puts the one adult with the low-priority class, where the solver would put them
    with the high-priority one."""
    school = make_school(
        staff=[{"id": "A", "hours": 1}],
        classes=TWO_CLASSES,
        support=[
            {"class": "C1", "when": "P1", "priority": "high"},
            {"class": "C2", "when": "P1", "priority": "low"},
        ],
        pins=[{"staff": "A", "when": "Mon P1", "task": "class:C2"}],
    )
    rota = solve(school)
    assert [r["task"] for r in rota.assignments] == ["class:C2"], show(rota)
    assert_shortfall(rota, "class:C1", 1, 0, "adult-slots")


@binds(without(rules.add_pins))
def test_pin_free(solve: Callable[..., Rota]) -> None:
    """A `free` pin at P2 leaves the adult without a row then, though C1 wants support."""
    school = make_school(
        staff=[{"id": "A", "hours": 10}],
        classes=ONE_CLASS,
        support=[{"class": "C1"}],
        pins=[{"staff": "A", "when": "Mon P2", "task": "free"}],
    )
    rota = solve(school)
    assert slots_of(rota, staff="A") == ["Mon P1", "Mon P3"], show(rota)
    assert_shortfall(rota, "class:C1", 3, 2, "adult-slots")


def test_reproducible() -> None:
    """Same school, seed and one worker: identical rows twice (a school full of ties)."""
    school = make_school(
        days=("Mon", "Tue"),
        staff=[{"id": a, "hours": 4, "skills": ["first_aid"]} for a in "ABE"],
        classes=TWO_CLASSES,
        support=[{"class": "C1"}, {"class": "C2", "when": "P1, P2"}],
        pupils=[
            {"id": "P", "classes": ["C1"], "ehcp": {"hours": 2, "group_max": 2}},
            {"id": "Q", "classes": ["C1"], "ehcp": {"hours": 2, "group_max": 2}},
            {"id": "R", "classes": ["C2"]},
        ],
        interventions=[intervention("I", ["R"], sessions=2)],
        duties=[{"id": "D", "name": "Lunch", "when": "LU", "any_skills": ["first_aid"]}],
        rules={"rotation": {"min_staff": 2, "max_share": 0.6, "max_consecutive": 2}},
    )
    first = solve_ok(school)
    second = solve_ok(school)
    assert first.assignments == second.assignments
    assert first.shortfalls == second.shortfalls
    assert first.meta["objective"] == second.meta["objective"]


# ---------------------------------------------------------------------------
# Shortfalls
# ---------------------------------------------------------------------------

SHORTFALLS = {
    "ehcp": (
        {"pupils": [{"id": "P", "classes": ["C1"], "ehcp": {"hours": 2, "when": "P1"}}]},
        ("pupil:P", 2, 1, "hours"),
    ),
    "medical": (
        {"pupils": [{"id": "P", "classes": ["C1"], "medical": {"skills": ["epipen"], "when": "P1, LU"}}]},
        ("medical:P", 2, 0, "slots"),
    ),
    "duty": (
        {"duties": [{"id": "D", "name": "Lunch", "when": "LU", "staff": 2}]},
        ("duty:D", 2, 1, "adult-slots"),
    ),
    "intervention": (
        {"pupils": PUPIL_P, "interventions": [intervention("I", ["P"], sessions=3)]},
        ("intervention:I", 3, 1, "sessions"),
    ),
    "class": (
        {"support": [{"class": "C1", "when": "P1", "staff": 2}]},
        ("class:C1", 2, 1, "adult-slots"),
    ),
}


@pytest.mark.parametrize("demand", SHORTFALLS)
def test_shortfall_rows(demand: str) -> None:
    """A demand one adult cannot meet has a shortfall row: required, delivered, unit, reason."""
    sections, (task, required, delivered, unit) = SHORTFALLS[demand]
    school = make_school(staff=[{"id": "A", "hours": 10}], classes=ONE_CLASS, **sections)
    rota = solve_ok(school)
    assert_shortfall(rota, task, required, delivered, unit)
    assert [s["task"] for s in rota.shortfalls] == [task]
