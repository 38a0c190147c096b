"""Cheapest staffing (tasched.analysis.staffmin): checked against brute force on a small school."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers_solver import make_school
from typer.testing import CliRunner

import tasched.solution
import tasched.solver
from tasched import cli
from tasched.analysis.staffmin import annual_pay, plot_frontier, staff_min, statutory_school, subset
from tasched.input.model import SchoolData
from tasched.io.loader import dump_school
from tasched.verify import format_report, verify

runner = CliRunner()
FAST: dict[str, Any] = {"time_limit": 10, "seed": 0, "workers": 1}
STATUTORY = ("pupil:", "medical:", "duty:")


def school() -> SchoolData:
    """Five adults, two EHC plans (one needing two Team Teach adults), medical cover, a duty."""
    data = make_school(
        days=("Mon", "Tue"),
        staff=[
            {"id": "T1", "hours": 6, "hourly_cost": 15, "skills": ["team_teach", "first_aid"]},
            {"id": "T2", "hours": 4, "hourly_cost": 12, "skills": ["team_teach"]},
            {"id": "T3", "hours": 5, "hourly_cost": 11, "skills": ["first_aid"]},
            {"id": "T4", "hours": 3, "hourly_cost": 9},
            {"id": "T5", "hours": 8, "hourly_cost": 20, "skills": ["team_teach", "first_aid"]},
        ],
        classes=[{"id": "Y1"}, {"id": "Y2"}],
        support=[{"class": "Y2", "when": "P1-P2"}],
        pupils=[
            {"id": "A", "classes": ["Y1"], "ehcp": {"hours": 3, "skills": ["team_teach"]},
             "rotation": {"min_staff": 2}},
            {"id": "B", "classes": ["Y2"], "ehcp": {"hours": 2},
             "medical": {"skills": ["first_aid"], "when": "P1"}},
        ],
        duties=[{"id": "lunch", "name": "Lunch", "when": "LU", "any_skills": ["first_aid"]}],
    )  # fmt: skip
    data.school.oncost = 0.2
    return data


def meets_statutory(data: SchoolData) -> bool:
    rota = tasched.solution.solve(data, **FAST)
    assert rota.status == "optimal", rota.meta
    return not any(s["task"].startswith(STATUTORY) for s in rota.shortfalls)


def brute_force(data: SchoolData) -> tuple[float, list[str]]:
    """Every subset of the adults, each solved in full: the cheapest meeting every demand."""
    ids = [s.id for s in data.staff]
    best: tuple[float, list[str]] | None = None
    for n in range(1, len(ids) + 1):
        for kept in combinations(ids, n):
            trial = subset(data, list(kept))
            cost = annual_pay(trial)
            if best is not None and cost >= best[0]:
                continue
            if meets_statutory(trial):
                best = (cost, list(kept))
    assert best is not None
    return best


@pytest.fixture(scope="module")
def answer() -> Any:
    return staff_min(school(), frontier_points=3, **FAST)


def test_no_cheaper_subset_exists(answer: Any) -> None:
    data = school()
    cost, kept = brute_force(data)
    assert answer.status == "optimal"
    assert answer.cost_after == cost, (answer.kept, kept)
    assert answer.saving == round(annual_pay(data) - cost, 2)
    assert sorted(answer.kept + answer.removed) == sorted(s.id for s in data.staff)


def test_answer_verified_by_the_independent_verifier(answer: Any) -> None:
    assert answer.verified, answer.verify_message
    stat = subset(statutory_school(school()), answer.kept)
    report = verify(stat, answer.proof.to_dict())
    assert report.ok, format_report(report)
    assert not any(s["task"].startswith(STATUTORY) for s in report.shortfalls)
    # And the full week on the chosen staff meets the statutory demands too.
    assert meets_statutory(subset(school(), answer.kept))


def test_frontier_goes_below_the_answer_losing_statutory_hours(answer: Any, tmp_path: Path) -> None:
    first, *rest = answer.frontier
    assert first.annual_cost == answer.cost_after
    assert first.ehc_delivered == first.ehc_required == 5
    assert rest, "the frontier should go below the cheapest statutory staffing"
    for point in rest:
        assert point.annual_cost < first.annual_cost
        assert point.ehc_delivered < point.ehc_required or point.medical_uncovered or point.duties_unfilled
    png = tmp_path / "frontier.png"
    plot_frontier(answer, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_greedy_is_an_upper_bound_and_verified() -> None:
    data = school()
    said: list[str] = []
    result = staff_min(data, method="greedy", frontier_points=1, log=said.append, **FAST)
    assert result.method == "greedy" and result.verified, result.verify_message
    # Never silent: each trial says which of how many it is, and the time left.
    trials = [line for line in said if line.startswith("trial ")]
    assert trials and trials[0].startswith(f"trial 1 of {len(data.staff)}: without ") and " s left" in trials[0]
    cost, _ = brute_force(data)
    assert result.cost_after >= cost
    assert meets_statutory(subset(data, result.kept))


def test_reduced_hours_never_cost_more(answer: Any) -> None:
    result = staff_min(school(), reduced_hours_step=1, frontier_points=1, **FAST)
    assert result.verified, result.verify_message
    assert result.cost_after <= answer.cost_after
    for staff, hours in result.hours.items():
        assert hours < next(s.hours for s in school().staff if s.id == staff)


def test_keep_interventions_keeps_the_trained_adult() -> None:
    # Only T4 is trained for the intervention: it is kept only when interventions must run.
    data = school()
    data.staff[3].skills = ["neli"]
    document = data.model_dump(by_alias=True)
    document["interventions"] = [
        {"id": "neli", "programme": "NELI", "pupils": ["B"], "sessions": 2, "minutes": 30, "skills": ["neli"]}
    ]
    data = SchoolData.model_validate(document)
    without = staff_min(data, frontier_points=1, **FAST)
    assert "T4" not in without.kept
    kept = staff_min(data, keep_interventions=True, frontier_points=1, **FAST)
    assert "T4" in kept.kept and kept.verified, kept.verify_message
    assert kept.proof is not None
    assert not any(s["task"] == "intervention:neli" for s in kept.proof.shortfalls)
    assert kept.cost_after > without.cost_after


def test_cli_writes_answer_and_plot(tmp_path: Path) -> None:
    school_path = tmp_path / "school.yaml"
    school_path.write_text(dump_school(school()), encoding="utf-8")
    out, png = tmp_path / "min.yaml", tmp_path / "min.png"
    result = runner.invoke(
        cli.app,
        ["staff-min", str(school_path), "-o", str(out), "--plot", str(png), "--points", "2",
         "--time-limit", "10", "--workers", "1", "--seed", "0", "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "saving £" in result.stdout and "verified" in result.stdout
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert document["verified"] is True and document["frontier"]
    assert png.exists()
