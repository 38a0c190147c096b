"""`tasched batch` on a folder with a trust.yaml: coupled schools together, the rest alone, in parallel."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.trust_generate import make_trust  # noqa: E402
from tasched import cli  # noqa: E402
from tasched.io.trust import load_trust  # noqa: E402
from tasched.jobs.batch import BatchOptions  # noqa: E402
from tasched.jobs.progress import BatchProgress  # noqa: E402
from tasched.jobs.run import check_files  # noqa: E402
from tasched.jobs.trust import run_trust_batch  # noqa: E402

runner = CliRunner()


def test_a_broken_school_is_named_and_the_other_groups_go_on(tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    make_trust(folder, 6, 3, kind="tiny")  # s01-s03 coupled, s04+s05 coupled, s06 alone
    broken = folder / "s05.yaml"
    broken.write_text(broken.read_text().replace("hours: 30", "hours: -30", 1))
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["batch", str(folder), "-o", str(out), "--time-limit", "4"])
    assert result.exit_code == 1, result.output
    assert f"{broken}:" in result.stderr
    assert "shares adults with s05.yaml" in result.stderr
    for sid in ("s01", "s02", "s03", "s06"):
        assert check_files(folder / f"{sid}.yaml", out / f"{sid}.rota.yaml").ok
    assert not (out / "s04.rota.yaml").exists()
    summary = yaml.safe_load((out / "trust-summary.yaml").read_text(encoding="utf-8"))
    section = summary["trust_file"]
    assert section["trust_check"] == "passed"
    assert section["groups"] == [["s01", "s02", "s03"], ["s04", "s05"]]
    assert set(section["shared_staff"]["TR01"]["schools"]) == {"s01", "s02", "s03"}
    assert {r["file"]: r["status"] for r in summary["schools"]}["s05.yaml"] == "failed"


def test_ray_gives_the_same_rotas_as_the_process_pool(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    folder = tmp_path / "trust"
    make_trust(folder, 4, 1, kind="tiny")  # s01-s03 coupled, s04 alone
    quiet = lambda n: BatchProgress(Console(quiet=True), n)  # noqa: E731
    options = BatchOptions(time_limit=3, seed=5, workers=1, jobs=1)
    run_trust_batch(folder, tmp_path / "pool", options, quiet)
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        report, section = run_trust_batch(folder, tmp_path / "ray", BatchOptions(**{**options.__dict__, "ray": "auto"}),
                                          quiet)  # fmt: skip
    finally:
        ray.shutdown()
    assert report.executor == "ray (auto)" and section["trust_check"] == "passed"
    for sid in ("s01", "s02", "s03", "s04"):
        pool = yaml.safe_load((tmp_path / "pool" / f"{sid}.rota.yaml").read_text(encoding="utf-8"))
        on_ray = yaml.safe_load((tmp_path / "ray" / f"{sid}.rota.yaml").read_text(encoding="utf-8"))
        assert pool["assignments"] == on_ray["assignments"], sid


def test_the_example_trust_reads_cleanly() -> None:
    files = load_trust(ROOT / "examples" / "trust" / "trust.yaml")
    assert files.problems == {}
    assert files.groups() == [["s01", "s02", "s03"], ["s04"]]
