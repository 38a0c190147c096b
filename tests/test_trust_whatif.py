"""Trust what-if: --move and --share change the trust and its schools, and each school's figures are compared."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.trust_generate import make_trust  # noqa: E402
from tasched import cli  # noqa: E402
from tasched.analysis.trust_whatif import apply_changes, parse_move, parse_share  # noqa: E402
from tasched.errors import InputError  # noqa: E402
from tasched.input.trust import compose, groups  # noqa: E402
from tasched.io.trust import load_trust  # noqa: E402

runner = CliRunner()


def test_parse_changes() -> None:
    move = parse_move("TA12:oak->elm")
    assert (move.adult, move.source, move.target) == ("TA12", "oak", "elm")
    share = parse_share("TA12:elm=Wed-Thu")
    assert (share.adult, share.target, share.when) == ("TA12", "elm", "Wed-Thu")
    with pytest.raises(InputError, match="ADULT:FROM->TO"):
        parse_move("TA12:oak")


def test_move_a_shared_adult(tmp_path: Path) -> None:
    files = load_trust(make_trust(tmp_path, 4, 3, kind="tiny"))  # TR03 at s01 (Mon-Wed) and s02 (Wed-Fri)
    trust, schools = apply_changes(files.trust, files.schools, [parse_move("TR03:s01->s04")])
    assert "TR03" not in {a.id for a in schools["s01"].staff}
    assert "TR03" in {a.id for a in schools["s04"].staff}
    assert next(a for a in trust.shared_staff if a.id == "TR03").schools == {"s04": "Mon-Wed", "s02": "Wed-Fri"}
    assert "TR03" in {a.id for a in files.schools["s01"].staff}  # the loaded trust is untouched
    assert ["s04"] not in groups(trust)


def test_share_an_adult_of_one_school(tmp_path: Path) -> None:
    path = make_trust(tmp_path, 4, 1, kind="tiny")  # s04 alone
    school = tmp_path / "s04.yaml"
    school.write_text(school.read_text().replace("id: S01", "id: X01"))
    files = load_trust(path)
    trust, schools = apply_changes(files.trust, files.schools, [parse_share("X01:s01=Wed-Thu")])
    shared = next(a for a in trust.shared_staff if a.id == "X01")
    assert shared.schools["s01"] == "Wed-Thu" and "Wed" not in shared.schools["s04"]
    assert groups(trust) == [["s01", "s02", "s03", "s04"]]
    joint = compose(trust, {sid: schools[sid] for sid in groups(trust)[0]})
    assert any(p.id == "X01" and set(p.staff) == {"s01/X01", "s04/X01"} for p in joint.people)


def test_whatif_trust_on_the_command_line(tmp_path: Path) -> None:
    path = make_trust(tmp_path, 4, 1, kind="tiny")  # TR01 at s01-s03, s04 alone
    out = tmp_path / "compare.yaml"
    result = runner.invoke(
        cli.app,
        ["whatif", "--trust", str(path), "--move", "TR01:s03->s04", "--time-limit", "2", "-o", str(out), "-q"],
    )
    assert result.exit_code == 0, result.output
    compared = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert compared["changes"] == ["move TR01 from s03 to s04"]
    rows = {r["school"]: r for r in compared["schools"]}
    assert set(rows) == {"s01", "s02", "s03", "s04"}
    assert rows["s03"]["cost_weekly"]["change"] < 0 < rows["s04"]["cost_weekly"]["change"]
