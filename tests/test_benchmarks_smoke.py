"""Smoke run of the benchmarks (benchmarks/): not timed, just that they work end to end.

The full benchmark (`python benchmarks/run.py`) takes many minutes and is not run here.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import generate, run  # noqa: E402
from benchmarks.baseline import build_rows  # noqa: E402
from tasched.input.model import SchoolData  # noqa: E402
from tasched.input.validate import check_school  # noqa: E402
from tasched.io.formats import validate_file  # noqa: E402


def test_generate_is_valid_and_deterministic() -> None:
    doc = generate.generate("tiny")
    assert doc == generate.generate("tiny")
    school = SchoolData.model_validate(doc)
    assert check_school(school) == []
    assert generate.generate("tiny", seed=7) != doc


@pytest.mark.parametrize("kind", generate.KINDS)
def test_committed_instances_validate(kind: str) -> None:
    path = generate.INSTANCES / f"{kind}.yaml"
    if not path.exists():
        pytest.skip(f"{path.name} not generated")
    assert validate_file(path) == []


def test_baseline_breaks_only_rotation_rules() -> None:
    school = SchoolData.model_validate(generate.generate("tiny"))
    rows = build_rows(school)
    assert rows
    verdict = run.judge(school, run.baseline_rota(school))
    assert verdict["other_violations"] == 0, verdict["violations"]
    assert verdict["rotation_breaches"] > 0  # one key TA per pupil: velcro, as by hand


def test_quick_run_writes_the_table(tmp_path: Path) -> None:
    instances = tmp_path / "instances"
    generate.write("tiny", instances)
    out = tmp_path / "results"
    rows = run.run(["tiny"], times=(1.0, 2.0), workers=2, out_dir=out, instances=instances, echo=False)
    text = (out / "results.md").read_text(encoding="utf-8")
    assert text.count("| tiny | ehcp_hours |") == 1  # one row per demand tier
    assert "| tiny | soft_goals |" in text
    assert (out / "scaling.png").stat().st_size > 0
    with (out / "results.csv").open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert [r["instance"] for r in table] == ["tiny"]
    row = rows[0]
    assert row["valid"], row["violations"]
    assert row["first_rota_valid"]
    assert row["variables"] > 0 and row["peak_mb"] > 0
    tiers = row["tiers"].split(";")
    assert tiers[0] == "ehcp_hours"
    for setting in ("hand", "tiered_1s", "tiered_2s", "weighted_2s"):
        assert all(row[f"short_{key}_{setting}"] is not None for key in tiers), setting
    assert set(run.targets(row, (1.0, 2.0))) >= {"proven", "no_worse", "first_rota", "memory"}


def test_tier_amounts_read_the_rows() -> None:
    from tasched.problem.compile import compile_problem

    school = SchoolData.model_validate(generate.generate("tiny"))
    problem = compile_problem(school)
    nothing = run.tier_amounts(problem, [])
    assert nothing["ehcp_hours"] == sum(p.ehcp.required_minutes for p in problem.pupils if p.ehcp)
    by_hand = run.tier_amounts(problem, build_rows(school))
    assert set(by_hand) == set(nothing)
    assert all(by_hand[k] <= nothing[k] for k in nothing)
