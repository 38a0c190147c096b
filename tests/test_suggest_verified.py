"""Suggestions are true (issue 19): every swap `tasched suggest` proposes, applied to the
rota, passes the independent verifier with the absence added to the school; so does every
cover it proposes for an absent teacher's lessons (`--teacher-absent`, issue 15).

The verifier judges the rows alone (`rows_only`): the rota's own shortfalls and KPIs
describe the week before the absence. Taking an adult's rows away can itself break a
rule (a 2:1 pupil left with one adult, a pupil left with too few adults for the
week); such violations are the absence's, so a swap may leave them but adds none.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers_solver import make_school
from hypothesis import HealthCheck, given, settings
from strategies import schools

from tasched.analysis.suggest import Candidate, Cover, suggest
from tasched.input.model import Absence, SchoolData, TeacherAbsence
from tasched.io.formats import load_school
from tasched.problem.compile import compile_problem
from tasched.solution import solve
from tasched.verify import verify

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
WITH_TEACHERS = [p for p in EXAMPLES if "\nteachers:" in p.read_text(encoding="utf-8")]

Row = dict[str, Any]


def apply(rows: list[Row], absent: str, day: str, cover: Cover, cand: Candidate) -> list[Row]:
    """The rota's rows with the absent adult's day removed and one suggestion taken."""
    return take([r for r in rows if not (r["staff"] == absent and r["day"] == day)], day, cover, cand)


def take(rows: list[Row], day: str, cover: Cover, cand: Candidate) -> list[Row]:
    """A copy of the rows with one suggestion taken: the candidate's rows then given up or handed over."""
    out = list(rows)
    slot = cover.rows[0]["slot"]

    def at(staff: str) -> list[Row]:
        return [r for r in out if r["staff"] == staff and r["day"] == day and r["slot"] == slot]

    mine = at(cand.staff)
    if cand.action in ("drops", "swap"):  # what they did then is given up, or handed over
        out = [r for r in out if r not in mine]
    if cand.action == "swap":
        assert cand.swap_with is not None
        out += [{**r, "staff": cand.swap_with} for r in cand.swap_rows]
    out += [{**r, "staff": cand.staff} for r in cover.rows]
    return out


def with_absence(school: SchoolData, staff: str, day: str) -> SchoolData:
    return school.model_copy(update={"absences": [*school.absences, Absence(staff=staff, when=day)]})


def with_teacher_absence(school: SchoolData, teacher: str, day: str) -> SchoolData:
    away = TeacherAbsence(teacher=teacher, when=day)
    return school.model_copy(update={"teacher_absences": [*school.teacher_absences, away]})


def violations(school: SchoolData, rows: list[Row]) -> set[tuple[str, str]]:
    report = verify(school, {"assignments": rows}, rows_only=True)
    return {(v.rule, v.message) for v in report.violations}


def check_every_suggestion(school: SchoolData, rota: dict[str, Any], staff: str, day: str) -> int:
    """Apply each candidate of each cover in turn; returns how many were checked."""
    rows = rota["assignments"]
    absent = with_absence(school, staff, day)
    left = [r for r in rows if not (r["staff"] == staff and r["day"] == day)]
    by_absence = violations(absent, left)
    result = suggest(school, rota, absent=[f"{staff}:{day}"])
    checked = 0
    for cover in result.covers:
        for cand in cover.candidates:
            new = violations(absent, apply(rows, staff, day, cover, cand)) - by_absence
            assert not new, f"{staff} off {day}: {cover.label} {cover.task} → {cand.staff} ({cand.why()}): {new}"
            checked += 1
    return checked


def check_every_lesson_cover(school: SchoolData, rota: dict[str, Any], teacher: str, day: str) -> int:
    """Apply each candidate for each lesson the teacher leaves; returns how many were checked."""
    rows = rota["assignments"]
    away = with_teacher_absence(school, teacher, day)
    before = violations(away, rows)
    result = suggest(school, rota, teacher_absent=[f"{teacher}:{day}"])
    checked = 0
    for cover in result.covers:
        assert cover.task.startswith("cover:") and cover.teacher == teacher
        for cand in cover.candidates:
            new = violations(away, take(rows, day, cover, cand)) - before
            assert not new, f"{teacher} off {day}: {cover.label} {cover.task} → {cand.staff} ({cand.why()}): {new}"
            checked += 1
    return checked


def take_plan(rows: list[Row], day: str, covers: list[Cover], plan: list[dict[str, Any]]) -> list[Row]:
    """A copy of the rows with every pick of the suggested plan taken together."""
    rows = list(rows)
    by_step = {(c.label, c.task): c for c in covers}
    for step in plan:
        if step["staff"] is None:
            continue
        cover = by_step[step["slot"], step["task"]]
        slot = cover.rows[0]["slot"]
        mine = [r for r in rows if r["staff"] == step["staff"] and r["day"] == day and r["slot"] == slot]
        if step["action"] in ("drops", "swap"):
            rows = [r for r in rows if r not in mine]
        if step["action"] == "swap":
            rows += [{**r, "staff": step["hands_over"]["to"]} for r in mine]
        rows += [{**r, "staff": step["staff"]} for r in cover.rows]
    return rows


def busiest_teachers(school: SchoolData, n: int) -> list[tuple[str, str]]:
    """The teachers with the most lessons in one day (not already away then), with that day."""
    prob = compile_problem(school)
    lessons = Counter(
        (k.id, prob.slots[t].day_id) for k in prob.teachers for t, classes in k.teaching.items() if t not in k.away
        for _ in classes
    )  # fmt: skip
    return [key for key, _ in lessons.most_common(n)]


def busiest(rows: list[Row], n: int) -> list[tuple[str, str]]:
    """The adults with the most rows in one day, with that day."""
    return [key for key, _ in Counter((str(r["staff"]), str(r["day"])) for r in rows).most_common(n)]


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def solved(request: pytest.FixtureRequest) -> tuple[SchoolData, dict[str, Any]]:
    school = load_school(request.param)
    rota = solve(school, time_limit=8, workers=1)
    assert rota.status in ("optimal", "feasible")
    return school, rota.to_dict()


def test_every_suggested_swap_passes_the_verifier(solved: tuple[SchoolData, dict[str, Any]]) -> None:
    school, rota = solved
    checked = sum(check_every_suggestion(school, rota, staff, day) for staff, day in busiest(rota["assignments"], 3))
    assert checked > 0


def test_the_plan_for_a_busy_day_passes_the_verifier(solved: tuple[SchoolData, dict[str, Any]]) -> None:
    """The suggested plan, every pick taken together, is a valid rota too."""
    school, rota = solved
    staff, day = busiest(rota["assignments"], 1)[0]
    result = suggest(school, rota, absent=[f"{staff}:{day}"])
    rows = [r for r in rota["assignments"] if not (r["staff"] == staff and r["day"] == day)]
    absent = with_absence(school, staff, day)
    by_absence = violations(absent, rows)
    assert not violations(absent, take_plan(rows, day, result.covers, result.plan)) - by_absence


@pytest.mark.parametrize("solved", WITH_TEACHERS, indirect=True, ids=[p.stem for p in WITH_TEACHERS])
def test_every_suggested_lesson_cover_passes_the_verifier(solved: tuple[SchoolData, dict[str, Any]]) -> None:
    """An absent teacher's lessons (the examples with teachers): each candidate, and the plan's picks together."""
    school, rota = solved
    assert school.teachers
    checked = 0
    for teacher, day in busiest_teachers(school, 2):
        checked += check_every_lesson_cover(school, rota, teacher, day)
        result = suggest(school, rota, teacher_absent=[f"{teacher}:{day}"])
        away = with_teacher_absence(school, teacher, day)
        rows = rota["assignments"]
        assert not violations(away, take_plan(rows, day, result.covers, result.plan)) - violations(away, rows)
    assert checked > 0


def test_lesson_cover_on_a_small_school_passes_the_verifier() -> None:
    """JB (Y3, P1-P3) is off on Monday in a rota made without knowing it: HLTAs from support and
    duties, within their cover minutes."""
    school = make_school(
        staff=[{"id": f"H{i}", "role": "HLTA", "hours": 5} for i in (1, 2)] + [{"id": "T", "role": "TA2", "hours": 5}],
        teachers=[{"id": "JB"}],
        classes=[{"id": "Y3", "teacher": "JB"}, {"id": "Y4"}],
        lessons=[
            {"class": "Y3", "when": "P1, P2, P3", "subject": "Ma"},
            {"class": "Y4", "when": "P1, P2, P3", "subject": "En"},
        ],
        support=[{"class": "Y4", "staff": 2}],
        duties=[{"id": "D1", "name": "Lunch", "when": "LU"}],
        rules={"cover": {"max_minutes": 60}},
    )
    rota = solve(school, time_limit=5, workers=1).to_dict()
    assert check_every_lesson_cover(school, rota, "JB", "Mon") > 0
    result = suggest(school, rota, teacher_absent=["JB"])
    # An hour of cover each: the plan gives two of the three lessons, the third needs supply.
    assert len(result.covers) == 3 and [s["staff"] for s in result.plan].count(None) == 1


def test_a_same_staff_intervention_is_not_split_by_a_cover() -> None:
    """Rule 9d: another adult taking one session of a `same_staff` intervention is ruled out, in words."""
    school = load_school(ROOT / "examples" / "primary-1fe.yaml")
    same = {iv.id for iv in school.interventions if iv.same_staff}
    assert same
    rota = solve(school, time_limit=8, workers=1).to_dict()
    sessions = [r for r in rota["assignments"] if str(r["task"]).partition(":")[2] in same]
    assert sessions
    reasons = []
    for task, count in Counter(str(r["task"]) for r in sessions).items():
        if count < 2:
            continue
        for row in (r for r in sessions if r["task"] == task):
            result = suggest(school, rota, absent=[f"{row['staff']}:{row['day']} {row['slot']}"])
            cover = next(c for c in result.covers if c.task == task)
            reasons += [r for rs in cover.ruled_out.values() for r in rs]
    assert any("is same_staff and" in r and "cancel this session, or move the whole intervention" in r for r in reasons)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schools(pins=False))
def test_suggestions_on_small_schools_pass_the_verifier(school: SchoolData) -> None:
    rota = solve(school, time_limit=2, workers=1)
    if rota.status not in ("optimal", "feasible"):
        return
    document = rota.to_dict()
    for staff, day in busiest(document["assignments"], 2):
        check_every_suggestion(school, document, staff, day)
