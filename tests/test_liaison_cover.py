"""Issue 15: joint liaison (`rules.liaison: joint`) and lesson cover (`teacher_absences`).

Each rule on a tiny school where it binds, twice (the pattern of test_solver_rules.py):
`[model]` solves the full model, which must be optimal and pass the verifier;
`[rule_dropped]` takes the rule out and must fail (strict xfail).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from conftest import problems_in
from helpers_solver import Drop, loosen, make_school, rows, shortfall, show, solve_any, solve_ok, without

from tasched.input.model import Pin, SchoolData
from tasched.problem.compile import Problem
from tasched.solution.rota import Rota
from tasched.solver.cover import add_cover
from tasched.solver.liaison import add_liaison, add_liaison_goals
from tasched.verify import verify

Test = Callable[..., None]


def binds(drop: Drop) -> Callable[[Test], Test]:
    def mark(test: Test) -> Test:
        test.drop = drop  # type: ignore[attr-defined]
        return test

    return mark


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "solve" in metafunc.fixturenames:
        drop = getattr(metafunc.function, "drop", None)
        metafunc.parametrize("solve", ["model", "rule_dropped"] if drop else ["model"], indirect=True)


@pytest.fixture
def solve(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Rota]:
    if request.param == "model":
        return solve_ok
    drop: Drop = request.function.drop
    drop.apply(monkeypatch)
    request.applymarker(
        pytest.mark.xfail(raises=AssertionError, strict=True, reason=f"without {drop.name} the rule must not hold")
    )
    return solve_any


# BS before school, then the helper's day: P1 09:00-10:00, P2 10:00-11:00, LU lunch, P3 11:40-12:40.
SLOTS = [
    {"id": "BS", "start": "08:30", "end": "09:00", "kind": "before_school"},
    {"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"},
    {"id": "P2", "start": "10:00", "end": "11:00", "kind": "lesson"},
    {"id": "LU", "start": "11:00", "end": "11:40", "kind": "lunch"},
    {"id": "P3", "start": "11:40", "end": "12:40", "kind": "lesson"},
]


def liaison_school(teacher: dict[str, Any], lessons: str = "P1, P2", **rules: Any) -> SchoolData:
    """Adult A supports Y3 (taught by JB) at `lessons`; JB as given; liaison 30 minutes, joint."""
    return make_school(
        slots=SLOTS,
        staff=[{"id": "A", "hours": 4}],
        teachers=[{"id": "JB", **teacher}],
        classes=[{"id": "Y3", "teacher": "JB"}],
        lessons=[{"class": "Y3", "when": lessons, "subject": "Ma"}],
        support=[{"class": "Y3", "staff": 1}],
        rules={"liaison": "joint", "liaison_minutes": 30, **rules},
    )


def meetings(rota: Rota) -> list[str]:
    return sorted(
        f"{r['staff']} {r['day']} {r['slot']} {r['task']}" for r in rows(rota) if r["task"].startswith("liaison:")
    )


@binds(without(add_liaison))
def test_joint_liaison_meets_the_teacher_in_a_common_free_slot(solve: Callable[..., Rota]) -> None:
    rota = solve(liaison_school({}))
    assert meetings(rota) == ["A Mon BS liaison:JB"], show(rota)
    assert shortfall(rota, "liaison:A") is None
    assert len(rows(rota, task="class:Y3")) == 2  # the meeting is not at the cost of the support


@binds(without(add_liaison_goals))
def test_meetings_come_before_the_lessons_concerned(solve: Callable[..., Rota]) -> None:
    """Idle time would rather fill the hour of P3; the meeting goes before school, before the lessons."""
    rota = solve(liaison_school({}, liaison_minutes=30))
    (meeting,) = meetings(rota)
    assert meeting == "A Mon BS liaison:JB", show(rota)


def _every_slot_free(problem: Problem) -> None:
    for partner in problem.liaison_partners:
        partner.slots = sorted(problem.adults[partner.adult].works)


@binds(loosen("meetings only where the teacher is free", _every_slot_free))
def test_no_common_free_slot_is_a_shortfall_naming_both(solve: Callable[..., Rota]) -> None:
    """JB teaches P1-P3 and is away before school and at lunch: no meeting can be placed."""
    rota = solve(liaison_school({"unavailable": "BS, LU"}, lessons="P1-P3"))
    assert meetings(rota) == [], show(rota)
    row = shortfall(rota, "liaison:A")
    assert row is not None and (row["required"], row["delivered"], row["unit"]) == (30, 0, "minutes")
    assert row["reason"].startswith("A and JB share no free slot inside A's hours (A works 08:30–12:40;"), row


def test_reserve_liaison_is_unchanged() -> None:
    rota = solve_ok(liaison_school({}, liaison="reserve"))
    assert meetings(rota) == [] and shortfall(rota, "liaison:A") is None


def test_meetings_count_toward_contracted_hours() -> None:
    """A has 2 h 30: the two lessons and a 30-minute meeting fill them (no minutes kept aside)."""
    school = liaison_school({})
    school.staff[0].hours = 2.5
    rota = solve_ok(school)
    assert meetings(rota) == ["A Mon BS liaison:JB"]
    assert rota.kpis["staff"]["A"]["idle_minutes"] == 0


def _rota_with(school: SchoolData, extra: list[dict[str, Any]]) -> dict[str, Any]:
    rota = solve_ok(school).to_dict()
    rota["assignments"] = [r for r in rota["assignments"] if not r["task"].startswith("liaison:")] + extra
    return rota


def _row(slot: str, teacher: str = "JB") -> dict[str, Any]:
    return {
        "staff": "A",
        "day": "Mon",
        "slot": slot,
        "task": f"liaison:{teacher}",
        "mode": None,
        "pupils": [],
        "room": None,
    }


def test_verifier_refuses_a_meeting_beyond_need() -> None:
    school = liaison_school({}, lessons="P1, P2, P3")
    report = verify(school, _rota_with(school, [_row("BS"), _row("LU")]))
    assert [v.message for v in report.violations if v.rule == "liaison"] == [
        "A has 70 minutes of liaison meetings, more than the 30 liaison_minutes need (a meeting could go)"
    ]


def test_verifier_checks_each_liaison_row() -> None:
    school = liaison_school({"unavailable": "LU"})
    rota = _rota_with(school, [_row("P1"), _row("LU"), _row("BS", "XX")])
    report = verify(school, rota)
    found = sorted(v.message for v in report.violations if v.rule in ("liaison", "unknown_task", "one_place"))
    assert any("Mon P1 meets JB, who teaches Y3 then" in m for m in found), found
    assert any("Mon LU meets JB, who is not in school then" in m for m in found), found
    assert any("'liaison:XX' names no liaison" in m for m in found), found
    assert any(m.startswith("A at Mon P1 is in 2 places") for m in found), found


def test_verifier_refuses_liaison_rows_in_reserve_mode() -> None:
    school = liaison_school({}, liaison="reserve")
    report = verify(school, _rota_with(school, [_row("BS")]))
    assert [v.message for v in report.violations if v.rule == "liaison"] == [
        "A at Mon BS meets JB, but liaison rows need `rules.liaison: joint`"
    ]


# --- cover ------------------------------------------------------------------------------------


def cover_school(**overrides: Any) -> SchoolData:
    """JB teaches Y3 at P1 and P3 and is away all Monday; H (HLTA) and T (TA2) work all day."""
    sections: dict[str, Any] = {
        "staff": [{"id": "H", "role": "HLTA", "hours": 5}, {"id": "T", "role": "TA2", "hours": 5}],
        "teachers": [{"id": "JB"}],
        "classes": [{"id": "Y3", "teacher": "JB"}],
        "lessons": [{"class": "Y3", "when": "P1, P3", "subject": "Ma"}],
        "teacher_absences": [{"teacher": "JB", "when": "Mon"}],
    }
    sections.update(overrides)
    return make_school(**sections)


def covers(rota: Rota) -> list[str]:
    return sorted(f"{r['staff']} {r['slot']} {r['task']}" for r in rows(rota) if r["task"].startswith("cover:"))


def _drop_roles(problem: Problem) -> None:
    for need in problem.cover_needs:
        need.candidates = [a.index for a in problem.adults if need.slot in a.works]


def test_an_absent_teachers_lessons_are_covered_by_an_hlta() -> None:
    rota = solve_ok(cover_school())
    assert covers(rota) == ["H P1 cover:Y3", "H P3 cover:Y3"], show(rota)


@binds(loosen("only cover roles may cover", _drop_roles))
def test_only_cover_roles_take_cover_and_the_rest_need_supply(solve: Callable[..., Rota]) -> None:
    """H is away at P3: only T (a TA2) works then, who may not cover, so P3 needs supply cover."""
    rota = solve(cover_school(absences=[{"staff": "H", "when": "P3"}]))
    assert covers(rota) == ["H P1 cover:Y3"], show(rota)
    row = shortfall(rota, "cover:Y3")
    assert row is not None and (row["required"], row["delivered"], row["unit"]) == (2, 1, "lessons"), row
    assert row["reason"].startswith("needs supply cover at Mon P3 (JB away): no adult whose role may cover (HLTA)")


@binds(without(add_cover))
def test_cover_within_max_minutes(solve: Callable[..., Rota]) -> None:
    """H may cover 60 minutes a week: one lesson covered, one needs supply."""
    rota = solve(cover_school(rules={"cover": {"max_minutes": 60}}))
    assert len(covers(rota)) == 1, show(rota)
    assert "needs supply cover" in shortfall(rota, "cover:Y3")["reason"]  # type: ignore[index]


def test_cover_never_takes_an_adult_from_ehc_hours() -> None:
    """H is the only adult for P1's EHC plan (1 h) at P1: the plan is met, P1 needs supply cover."""
    school = cover_school(
        staff=[{"id": "H", "role": "HLTA", "hours": 5}],
        pupils=[{"id": "P1", "classes": ["Y4"], "ehcp": {"hours": 1}}],
        classes=[{"id": "Y3", "teacher": "JB"}, {"id": "Y4"}],
        lessons=[{"class": "Y3", "when": "P1", "subject": "Ma"}, {"class": "Y4", "when": "P1", "subject": "En"}],
    )
    rota = solve_ok(school)
    assert rows(rota, task="pupil:P1") and covers(rota) == [], show(rota)
    assert shortfall(rota, "cover:Y3") is not None


def test_verifier_checks_cover_rows() -> None:
    school = cover_school()
    rota = solve_ok(school).to_dict()
    rota["assignments"] = [r for r in rota["assignments"] if not r["task"].startswith("cover:")] + [
        {"staff": "T", "day": "Mon", "slot": "P1", "task": "cover:Y3", "mode": None, "pupils": [], "room": None},
        {"staff": "H", "day": "Mon", "slot": "P2", "task": "cover:Y3", "mode": None, "pupils": [], "room": None},
    ]
    found = [v.message for v in verify(school, rota).violations if v.rule == "cover"]
    assert found == [
        "T at Mon P1 covers Y3, but role TA2 may not cover (rules.cover.roles)",
        "H at Mon P2 covers Y3, but no lesson of Y3 then has an absent teacher",
    ], found


def test_a_teachers_absence_on_the_monday_re_solve_moves_as_few_adults_as_possible() -> None:
    """Last week's rota, then JB away at Mon P1: one HLTA covers and nothing else moves but
    the support that HLTA leaves (taken up by whoever is free)."""
    sections: dict[str, Any] = {
        "days": ("Mon", "Tue"),
        "staff": [{"id": f"H{i}", "role": "HLTA", "hours": 8} for i in (1, 2)]
        + [{"id": f"T{i}", "role": "TA2", "hours": 8} for i in (1, 2)],
        "teachers": [{"id": "JB"}, {"id": "KL"}],
        "classes": [{"id": "Y3", "teacher": "JB"}, {"id": "Y4", "teacher": "KL"}],
        "lessons": [{"class": "Y3", "when": "P1, P2, P3", "subject": "Ma"},
                    {"class": "Y4", "when": "P1, P2, P3", "subject": "En"}],
        "support": [{"class": "Y3", "staff": 1}, {"class": "Y4", "staff": 1}],
    }  # fmt: skip
    last_week = solve_ok(make_school(**sections)).to_dict()
    rota = solve_ok(make_school(**sections, teacher_absences=[{"teacher": "JB", "when": "Mon P1"}]), previous=last_week)
    assert [c.split()[1:] for c in covers(rota)] == [["P1", "cover:Y3"]], show(rota)

    def keys(assignments: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:
        return {(r["staff"], r["day"], r["slot"], r["task"]) for r in assignments}

    moved = keys(last_week["assignments"]) ^ keys(rota.assignments)
    assert {(day, slot) for _, day, slot, _ in moved} == {("Mon", "P1")}, sorted(moved)
    assert len(moved) <= 4, sorted(moved)  # the cover row, the HLTA's old row, and at most one adult stepping in


# --- pins and preferences name meetings and cover ---------------------------------------------


def test_a_pinned_liaison_meeting_is_held_where_pinned() -> None:
    school = liaison_school({})
    school = school.model_copy(update={"pins": [Pin(staff="A", when="Mon LU", task="liaison:JB")]})
    rota = solve_ok(school)
    assert meetings(rota) == ["A Mon LU liaison:JB"], show(rota)  # unpinned, it is before school


def test_an_adult_who_prefers_cover_takes_it() -> None:
    staff = [{"id": "H1", "role": "HLTA", "hours": 5}, {"id": "H2", "role": "HLTA", "hours": 5, "prefer": ["cover:Y3"]}]
    rota = solve_ok(cover_school(staff=staff, support=[{"class": "Y3", "staff": 1}]))
    assert covers(rota) == ["H2 P1 cover:Y3", "H2 P3 cover:Y3"], show(rota)


def test_pins_and_preferences_name_teachers_and_classes_that_exist() -> None:
    document = {
        "school": {"name": "Tiny", "phase": "primary"},
        "calendar": {"days": ["Mon"], "slots": SLOTS},
        "staff": [{"id": "A", "role": "TA", "hours": 4, "prefer": ["liaison:JC", "cover:Y9"]}],
        "teachers": [{"id": "JB"}],
        "classes": [{"id": "Y3", "teacher": "JB"}],
        "pins": [{"staff": "A", "when": "Mon LU", "task": "liaison:JB"}],
    }
    messages = [str(p) for p in problems_in(yaml.safe_dump(document))]
    assert any("JC" in m and "liaison:JB" in m for m in messages), messages  # did you mean
    assert any("Y9" in m for m in messages), messages
    assert any("set `rules.liaison: joint`" in m for m in messages), messages
