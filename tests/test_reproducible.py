"""Reproducibility: the same input, seed and `--workers 1` give a byte-identical rota.

With one worker CP-SAT's search is deterministic, and tasched stops it on a
deterministic time limit rather than the wall clock, so two solves write the same
file, byte for byte: with one worker `meta.seconds` is the search's deterministic
time (`meta.clock: deterministic`), not the wall clock. The rota's meta
records what is needed to reproduce it: version, input digest, seed, workers and
time limit.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

import tasched

ROOT = Path(__file__).resolve().parents[1]
PRIMARY = ROOT / "examples" / "primary-1fe.yaml"
TIMING = re.compile(r"^  seconds: [0-9.]+\n", re.MULTILINE)
"""meta.seconds: with one worker, deterministic time, so it must match too."""


def solve(school: Path, out: Path, *options: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TASCHED_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "tasched", "solve", str(school), "-o", str(out), "-q", *options],
        capture_output=True,
        text=True,
        env=env,
        cwd=out.parent,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def solve_twice(school: Path, tmp_path: Path, *options: str) -> tuple[str, str]:
    """Two solves of the same school with the same options, side by side; both rotas' text."""
    outs = [tmp_path / "first.yaml", tmp_path / "second.yaml"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for run in [pool.submit(solve, school, out, *options) for out in outs]:
            run.result()
    first, second = (out.read_text(encoding="utf-8") for out in outs)
    return first, second


def assert_identical_but_timing(first: str, second: str) -> None:
    assert len(TIMING.findall(first)) == 1, "meta.seconds appears once, in meta"
    assert "clock: deterministic" in first
    if first != second:
        diff = difflib.unified_diff(first.splitlines(), second.splitlines(), lineterm="", n=1)
        pytest.fail("the two rotas differ:\n" + "\n".join(list(diff)[:40]))


@pytest.mark.parametrize(
    ("school", "limit"),
    [
        ("base", "5"),  # solved to optimality well within the limit
        ("primary", "1"),  # stopped by the (deterministic) time limit
    ],
)
def test_same_seed_and_one_worker_give_the_same_rota(school: str, limit: str, tmp_path: Path) -> None:
    path = PRIMARY
    if school == "base":
        from test_bad_inputs import BASE

        path = tmp_path / "school.yaml"
        path.write_text(BASE, encoding="utf-8")
    options = ("--workers", "1", "--seed", "3", "--time-limit", limit)
    first, second = solve_twice(path, tmp_path, *options)
    assert_identical_but_timing(first, second)

    meta = yaml.safe_load(first)["meta"]
    digest = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert meta["version"] == tasched.__version__
    assert meta["input_digest"] == digest
    assert (meta["seed"], meta["workers"], meta["time_limit"]) == (3, 1, float(limit))
    assert meta["status"] in ("optimal", "feasible")
    if school == "base":
        assert meta["status"] == "optimal"


def test_digest_changes_with_the_input(tmp_path: Path) -> None:
    """The digest is of the input's bytes: a one-character edit changes it."""
    from tasched.io.files import input_digest

    one, two = tmp_path / "a.yaml", tmp_path / "b.yaml"
    one.write_bytes(PRIMARY.read_bytes())
    two.write_bytes(PRIMARY.read_bytes() + b"\n")
    assert input_digest(one) != input_digest(two)
    assert input_digest(one) == "sha256:" + hashlib.sha256(PRIMARY.read_bytes()).hexdigest()
