"""The term (issue 16): weekly solves in sequence, fading, programmes, rotating withdrawals, re-solves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tasched.errors import InputError
from tasched.input.model import Ehcp
from tasched.input.term import planned_hours
from tasched.io.formats import load_school
from tasched.jobs.run import duty_history
from tasched.jobs.term import TermResult, plan_term, week_file
from tasched.verify.term import verify_term, week_input, withdrawals

WEEKS = 4


def school(rotate: int | None = 2) -> dict[str, Any]:
    """One class, three adults, one faded EHC plan, two programmes; Ma at P1 every day, Sc at Fri P3."""
    lessons = [
        {"class": "Y3", "when": "P1", "subject": "Ma"},
        {"class": "Y3", "when": "P2", "subject": "En"},
        {"class": "Y3", "when": "Mon-Thu P3", "subject": "Hi"},
        {"class": "Y3", "when": "Fri P3", "subject": "Sc"},
    ]
    rules: dict[str, Any] = {
        "rotation": {"min_staff": 1, "max_share": 1.0, "max_consecutive": 12},
        "max_withdrawal": 1.0,
        "solver": {"workers": 1, "seed": 0, "time_limit": 5},
    }
    if rotate is not None:
        rules["rotate_withdrawals"] = rotate
    return {
        "school": {"name": "Term Test", "phase": "primary"},
        "calendar": {
            "days": ["Mon", "Tue", "Wed", "Thu", "Fri"],
            "slots": [
                {"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"},
                {"id": "P2", "start": "10:00", "end": "11:00", "kind": "lesson"},
                {"id": "LU", "start": "11:00", "end": "11:40", "kind": "lunch"},
                {"id": "P3", "start": "11:40", "end": "12:40", "kind": "lesson"},
            ],
        },
        "staff": [
            {"id": "S1", "role": "TA2", "hours": 12, "skills": ["neli"]},
            {"id": "S2", "role": "TA2", "hours": 12},
            {"id": "S3", "role": "TA3", "hours": 12, "skills": ["neli"]},
        ],
        "classes": [{"id": "Y3"}],
        "lessons": lessons,
        "pupils": [
            {"id": "P01", "classes": ["Y3"], "ehcp": {"hours": 6, "floor_hours": 3, "fade": [6, 5, 4, 3]}},
            {"id": "P02", "classes": ["Y3"]},
            {"id": "P03", "classes": ["Y3"]},
        ],
        "interventions": [
            # Only Ma slots and Fri P3: left alone, the pupil would miss maths every week.
            {"id": "READ", "programme": "Reading", "pupils": ["P02"], "sessions": 1, "minutes": 30,
             "skills": ["neli"], "when": "P1, Fri P3"},
            {"id": "NELI", "programme": "NELI", "pupils": ["P03"], "sessions": 2, "minutes": 30,
             "skills": ["neli"], "when": "P2, Mon-Thu P3", "weeks": 2, "start_week": 2},
        ],
        "rules": rules,
        "term": {"weeks": WEEKS, "closed": [{"week": 3, "when": "Mon", "reason": "bank holiday"}]},
    }  # fmt: skip


def write(tmp_path: Path, doc: dict[str, Any], name: str = "school.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def term(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, TermResult]:
    tmp = tmp_path_factory.mktemp("term")
    path = write(tmp, school())
    out = tmp / "TERM"
    return path, out, plan_term(path, out, time_limit=5, workers=1)


def test_every_week_passes_the_verifier_and_the_term_rules_hold(term: tuple[Path, Path, TermResult]) -> None:
    _, out, result = term
    assert result.solved == [1, 2, 3, 4]
    assert result.report.ok, "\n".join(result.report.lines())
    assert all(week_file(out, w).exists() for w in range(1, WEEKS + 1))
    page = (out / "term.html").read_text()
    assert "data:image/png;base64," in page and "P01" in page and "2 / 4" not in page
    assert (out / "term.xlsx").stat().st_size > 0


def test_the_term_folder_reads_back_as_history(term: tuple[Path, Path, TermResult]) -> None:
    _, out, result = term
    counts = duty_history(out)
    assert sum(counts.values()) == sum(
        r["task"].startswith("duty:") for w in result.rotas.values() for r in w["assignments"]
    )


def test_a_fade_the_rota_follows_exactly(term: tuple[Path, Path, TermResult]) -> None:
    _, _, result = term
    for w, rota in result.rotas.items():
        kpi = rota["kpis"]["pupils"]["P01"]
        assert kpi["ehc_hours_required"] == [6, 5, 4, 3][w - 1]
        assert kpi["ehc_hours_delivered"] == [6, 5, 4, 3][w - 1]


def test_a_programme_runs_its_weeks_and_ends_on_its_week(term: tuple[Path, Path, TermResult]) -> None:
    _, _, result = term
    held = {w: sum(r["task"] == "intervention:NELI" for r in rota["assignments"]) for w, rota in result.rotas.items()}
    assert held == {1: 0, 2: 2, 3: 2, 4: 0}


def test_a_closed_day_has_no_rows(term: tuple[Path, Path, TermResult]) -> None:
    _, _, result = term
    assert not [r for r in result.rotas[3]["assignments"] if r["day"] == "Mon"]
    assert [r for r in result.rotas[2]["assignments"] if r["day"] == "Mon"]


def test_a_pupil_who_would_miss_maths_every_week_does_not(term: tuple[Path, Path, TermResult], tmp_path: Path) -> None:
    path, _, result = term
    data = load_school(path)
    missed = [withdrawals(week_input(data, w, r), r).get(("P02", "Ma"), 0) for w, r in sorted(result.rotas.items())]
    assert sum(missed) <= 2 and 0 in missed
    # Without the rule, the same term has the pupil out of maths every week, and the term check says so.
    free = plan_term(write(tmp_path, school(rotate=None)), tmp_path / "FREE", time_limit=5, workers=1)
    loose = [withdrawals(week_input(data, w, r), r).get(("P02", "Ma"), 0) for w, r in sorted(free.rotas.items())]
    assert all(loose), loose
    judged = verify_term(data, free.rotas)
    assert {v.rule for v in judged.violations} == {"rotate_withdrawals"}
    assert any(v.message.startswith("P02 is withdrawn from Ma 4 times") for v in judged.violations)


def test_re_solving_week_3_leaves_weeks_1_and_2_untouched(term: tuple[Path, Path, TermResult], tmp_path: Path) -> None:
    path, out, _ = term
    copy = tmp_path / "TERM"
    copy.mkdir()
    for w in range(1, WEEKS + 1):
        copy.joinpath(week_file(out, w).name).write_bytes(week_file(out, w).read_bytes())
    before = {w: week_file(copy, w).read_bytes() for w in range(1, WEEKS + 1)}
    result = plan_term(path, copy, time_limit=5, workers=1, week=3, absent=["S1:Tue"])
    assert result.solved == [3, 4]
    assert all(week_file(copy, w).read_bytes() == before[w] for w in (1, 2))
    assert not [r for r in result.rotas[3]["assignments"] if r["staff"] == "S1" and r["day"] == "Tue"]
    assert result.rotas[3]["meta"]["term"]["absent"] == ["S1:Tue"]
    assert result.report.ok, "\n".join(result.report.lines())


def test_fade_weeks_and_rounding() -> None:
    plan = Ehcp.model_validate(
        {"hours": 25, "floor_hours": 10, "fade": {"to_hours": 10, "from_week": 4, "by_week": 10}}
    )
    hours = [planned_hours(plan, w) for w in range(1, 13)]
    assert hours == [25, 25, 25, 25, 22.5, 20, 17.5, 15, 12.5, 10, 10, 10]


def test_a_fade_below_the_statutory_floor_is_refused(tmp_path: Path) -> None:
    doc = school()
    doc["pupils"][0]["ehcp"] = {"hours": 6, "fade": [6, 5]}
    with pytest.raises(InputError, match=r"fade reaches 5 h in week 2, below the statutory floor of 6 h"):
        load_school(write(tmp_path, doc))


def test_a_programme_past_the_term_is_refused(tmp_path: Path) -> None:
    doc = school()
    doc["interventions"][1]["weeks"] = 4
    with pytest.raises(InputError, match=r"ends in week 5, after the term's 4 weeks"):
        load_school(write(tmp_path, doc))
