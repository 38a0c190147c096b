"""docs/api.md's examples run as written, and the API it names exists."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import re
from pathlib import Path

import tasched

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC, flags=re.S)


def test_the_examples_run_as_written() -> None:
    assert len(blocks()) == 2
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        for code in blocks():
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(code, "docs/api.md", "exec"), {})
            assert printed.getvalue().strip(), code[:60]
    finally:
        os.chdir(here)


def test_every_name_in_the_table_exists() -> None:
    for name in re.findall(r"^\| `(tasched\.\w+|Rota\.\w+)", DOC, flags=re.M):
        owner, attribute = name.split(".")
        fields = {f.name for f in dataclasses.fields(tasched.Rota)}
        assert hasattr(tasched if owner == "tasched" else tasched.Rota, attribute) or attribute in fields, name


def test_rota_views(tmp_path: Path) -> None:
    rota = tasched.Rota(
        meta={"status": "optimal", "tiers": [{"tier": "ehcp_hours", "short": 0}]},
        assignments=[
            {"staff": "A", "day": "Mon", "slot": "P1", "task": "pupil:P1", "mode": "in_class", "pupils": ["P1"]},
            {"staff": "B", "day": "Mon", "slot": "P1", "task": "class:Y1", "mode": None, "pupils": []},
        ],
    )
    assert [r["task"] for r in rota.for_adult("B")] == ["class:Y1"]
    assert [r["staff"] for r in rota.for_pupil("P1")] == ["A"]
    assert rota.tiers == [{"tier": "ehcp_hours", "short": 0}]
    rota.save(tmp_path / "rota.yaml")
    assert "pupil:P1" in (tmp_path / "rota.yaml").read_text(encoding="utf-8")
