"""What-if: staffing scenarios solved and compared with the base (tasched.analysis.whatif)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from helpers_solver import make_school
from typer.testing import CliRunner

from tasched import cli
from tasched.analysis.whatif import Scenario, annual_cost, apply_scenario, compare, load_scenarios
from tasched.errors import InputError
from tasched.input.model import SchoolData
from tasched.io.loader import dump_school

runner = CliRunner()
FAST: dict[str, Any] = {"time_limit": 10, "seed": 0, "workers": 1}
PAID_WEEKS, ONCOST = 39.0, 0.25


def school() -> SchoolData:
    """Two days; no overtime and no duties paid extra, so pay is exactly the contracts."""
    data = make_school(
        days=("Mon", "Tue"),
        staff=[
            {"id": "A", "hours": 4, "hourly_cost": 12.5, "skills": ["team_teach", "first_aid"]},
            {"id": "B", "hours": 3, "hourly_cost": 14.2, "skills": ["team_teach"]},
            {"id": "C", "hours": 2.5, "hourly_cost": 11.2, "skills": ["first_aid"]},
        ],
        classes=[{"id": "Y1"}],
        support=[{"class": "Y1", "priority": "low"}],
        pupils=[
            {"id": "P1", "classes": ["Y1"], "ehcp": {"hours": 2, "skills": ["team_teach"]}},
            {"id": "P2", "classes": ["Y1"], "ehcp": {"hours": 1}},
        ],
        duties=[{"id": "lunch", "name": "Lunch", "when": "LU", "any_skills": ["first_aid"]}],
        rules={"rotation": {"min_staff": 2}},
    )
    data.school.paid_weeks = PAID_WEEKS
    data.school.oncost = ONCOST
    return data


def test_removing_an_adult_saves_exactly_their_contract() -> None:
    data = school()
    result = compare(data, [Scenario("lose C", remove=["C"])], **FAST)
    base, lose = result.scenarios
    assert base.status in ("optimal", "feasible") and lose.status in ("optimal", "feasible")
    assert base.data["cost"]["overtime_and_extra"] == 0
    expected = round(2.5 * 11.2 * PAID_WEEKS * (1 + ONCOST), 2)
    assert lose.data["saving_annual"] == expected
    # The comparison's cost is the rota's own kpis.cost.
    assert base.rota is not None
    assert abs(base.data["cost"]["annual"] - base.rota.kpis["cost"]["annual"]) < 0.02
    assert f"saves £{expected:,.0f} a year" in lose.summary
    assert lose.summary.startswith("Removing C saves")


def test_changed_hours_save_the_difference() -> None:
    data = school()
    result = compare(data, [Scenario("A to 3 h", hours={"A": 3})], **FAST)
    assert result.scenarios[1].data["saving_annual"] == round(1 * 12.5 * PAID_WEEKS * (1 + ONCOST), 2)


def test_impossible_plan_is_a_statutory_loss_not_an_error() -> None:
    # Without B, P1's plan needs two team_teach adults (min_staff 2) and only A has it.
    data = school()
    result = compare(data, [Scenario("lose B", remove=["B"])], **FAST)
    base, lose = result.scenarios
    assert base.data["ehc_hours_short"] == {}
    assert lose.data["impossible"] and "team_teach" in lose.data["impossible"][0]
    assert lose.data["ehc_hours_lost"]["P1"] == 2.0
    assert lose.data["ehc_hours_short"]["P1"] == 2.0
    assert "pupil P1 lose 2 statutory hours a week" in lose.summary
    assert "1 plan(s) become impossible" in lose.summary


def test_removed_adult_takes_pins_and_absences_along() -> None:
    data = school()
    data = data.model_copy(
        update={
            "pins": [*data.pins, *SchoolData.model_validate(
                {**data.model_dump(by_alias=True),
                 "pins": [{"staff": "C", "when": "Mon LU", "task": "duty:lunch"}]}).pins],
            "absences": SchoolData.model_validate(
                {**data.model_dump(by_alias=True), "absences": [{"staff": "C", "when": "Tue"}]}
            ).absences,
        }
    )  # fmt: skip
    changed = apply_scenario(data, Scenario("x", remove=["C"], hours={"A": 5}))
    assert [s.id for s in changed.staff] == ["A", "B"]
    assert changed.staff[0].hours == 5
    assert changed.pins == [] and changed.absences == []
    assert [s.id for s in data.staff] == ["A", "B", "C"]  # the input is untouched
    away = apply_scenario(data, Scenario("w", absent=["A:Mon"]))
    assert [(a.staff, a.when) for a in away.absences] == [("C", "Tue"), ("A", "Mon")]
    with pytest.raises(InputError) as caught:
        apply_scenario(data, Scenario("y", remove=["c"]))
    assert "did you mean 'C'" in str(caught.value)
    with pytest.raises(InputError):
        apply_scenario(data, Scenario("z", hours={"A": 0}))


def test_annual_cost_of_contracts() -> None:
    data = school()
    cost = annual_cost(data)
    want = (4 * 12.5 + 3 * 14.2 + 2.5 * 11.2) * PAID_WEEKS * (1 + ONCOST)
    assert cost["annual"] == round(want, 2) == cost["contracted"]


def test_scenario_file_and_excel_side_by_side(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.yaml"
    path.write_text(
        yaml.safe_dump(
            {"scenarios": [{"name": "lose C", "remove": ["C"]},
                           {"name": "A shorter", "hours": {"A": 3}}]}
        ),
        encoding="utf-8",
    )  # fmt: skip
    scenarios = load_scenarios(path)
    assert [s.name for s in scenarios] == ["lose C", "A shorter"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  - {name: x, remove: [C], fire: [B]}\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_scenarios(bad)

    school_path = tmp_path / "school.yaml"
    school_path.write_text(dump_school(school()), encoding="utf-8")
    out = tmp_path / "compare.xlsx"
    result = runner.invoke(
        cli.app,
        ["whatif", str(school_path), "--scenarios", str(path), "--remove", "B", "-o", str(out),
         "--time-limit", "10", "--workers", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "saves £" in result.stdout and "lose C" in result.stdout
    # Never silent: each scenario announced with its place in the run and the time left.
    assert "scenario 1 of 4: current staffing" in result.stderr and "scenario 4 of 4: A shorter" in result.stderr
    assert "about 10 s left" in result.stderr
    sheet = openpyxl.load_workbook(out)["compare"]
    header = [c.value for c in sheet[1]]
    assert header == ["measure", "current staffing", "remove B", "lose C", "A shorter"]
    saving = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "annual saving (£)")
    assert saving[3] == round(2.5 * 11.2 * PAID_WEEKS * (1 + ONCOST), 2)
