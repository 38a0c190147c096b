"""Every example school solves, its rota passes the independent verifier, and every
shortfall carries a reason that names its cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasched.io.formats import load_school
from tasched.jobs.run import findings_for
from tasched.solution import solve
from tasched.verify import format_report, verify

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_solves_to_a_valid_rota(path: Path) -> None:
    school = load_school(path)
    assert not [f for f in findings_for(school) if f.severity == "error"]
    rota = solve(school, time_limit=8, workers=2, seed=0)
    assert rota.status in ("optimal", "feasible")
    report = verify(school, rota.to_dict())
    assert report.ok, format_report(report)
    for row in rota.shortfalls:
        assert len(row["reason"]) > 20, row
        # the reason names a cause: an adult, a rule, a slot or a skill
        assert any(word in row["reason"] for word in ("adult", "rule", "rotation", "slot", "no ", "busy")), row
