"""The command line: exit codes, what each command prints, and no traceback for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE_YAML
from typer.testing import CliRunner

import tasched
from tasched import cli
from tasched.errors import InputError, Problem
from tasched.input.model import json_schema

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def run_main(args: list[str]) -> int:
    """Run the real entry point (with its error handling); returns the exit code."""
    with pytest.raises(SystemExit) as caught:
        cli.main(args)
    code = caught.value.code
    return code if isinstance(code, int) else (0 if code is None else 1)


def test_validate_valid_school(write: Callable[..., Path]) -> None:
    path = write(SAMPLE_YAML)
    result = runner.invoke(cli.app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"✓ {path} is valid: 3 staff, 3 classes, 3 pupils (2 with EHC plans), 1 interventions, 1 duties"
    )


def test_validate_lists_every_problem(write: Callable[..., Path]) -> None:
    path = write(SAMPLE_YAML.replace("hours: 30", "hours: -1").replace("role: TA2", "rolle: TA2"))
    result = runner.invoke(cli.app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"{path}:18: staff[0].hours: must be greater than 0, not -1",
        f"{path}:21: staff[1].role: required field missing: add `role: ...` (Free text, e.g. TA2, TA3, HLTA)",
        f"{path}:22: staff[1].rolle: unknown field 'rolle'; did you mean 'role'?",
        f"✗ {path}: 3 problems",
    ]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00", "UTF-16"),
        (b"a: [", "YAML syntax error"),
        (b"- 1", "a list"),
    ],
)
def test_validate_unreadable_files(write: Callable[..., Path], capsys: pytest.CaptureFixture[str],
                                   content: bytes, words: str) -> None:  # fmt: skip
    path = write(content)
    assert run_main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1: " in err and words in err and "Traceback" not in err


def test_validate_unreadable_file_messages(write: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = write(b"school:\n  name: Caf\xe9\n")
    assert run_main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: not UTF-8 text" in err and "Traceback" not in err


def test_validate_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "nope.yaml: no such file" in result.stderr


def test_schema_prints_the_committed_schema() -> None:
    result = runner.invoke(cli.app, ["schema"])
    assert result.exit_code == 0
    committed = (ROOT / "schemas" / "school.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed, (
        "schemas/school.schema.json is stale: run `tasched schema -o schemas/school.schema.json`"
    )
    assert json.loads(committed) == json_schema()


def test_schema_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    result = runner.invoke(cli.app, ["schema", "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"].startswith("tasched school")


def test_version() -> None:
    result = runner.invoke(cli.app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"tasched {tasched.__version__}"


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["schema", "-h"]])
def test_help(args: list[str]) -> None:
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_help_describes_each_command() -> None:
    text = runner.invoke(cli.app, ["--help"]).stdout
    assert "Check a school file" in text and "JSON Schema" in text


def test_unknown_command_is_a_usage_error() -> None:
    assert run_main(["solv"]) == 2


def test_internal_error_is_short(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], write: Callable[..., Path]
) -> None:
    def broken(path: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.delenv("TASCHED_DEBUG", raising=False)
    monkeypatch.setattr(cli.validate, "load_school", broken)
    assert run_main(["validate", str(write(SAMPLE_YAML))]) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom; please report it" in err
    assert "Traceback" not in err


def test_internal_error_with_debug_shows_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli.schema, "schema_text", lambda: 1 / 0)
    monkeypatch.setenv("TASCHED_DEBUG", "1")
    assert run_main(["schema"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_input_error_from_any_command_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def bad() -> str:
        raise InputError([Problem("x.yaml:3", "staff[0].id", "bad")])

    monkeypatch.setattr(cli.schema, "schema_text", bad)
    assert run_main(["schema"]) == 2
    assert "x.yaml:3: staff[0].id: bad" in capsys.readouterr().err


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted() -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.schema, "schema_text", interrupted)
    assert run_main(["schema"]) == 130


def test_python_dash_m(write: Callable[..., Path]) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    path = write(SAMPLE_YAML.replace("Y4]", "Y44]"))
    result = subprocess.run(
        [sys.executable, "-m", "tasched", "validate", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "did you mean 'Y4'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = ci.split('TEST_COMMAND="', 1)[1].split('"\n', 1)[0]
    assert f"\n{command}\n" in readme
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_schema_to_an_unwritable_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(["schema", "-o", str(tmp_path / "no" / "such" / "s.json")]) == 2
    assert "cannot write the schema here" in capsys.readouterr().err


def test_help_shows_flags_without_bool_oddities() -> None:
    """`--example` is a flag: its help line shows no `<bool>` type to be filled in."""
    for command in ("solve", "template", "convert", "batch", "suggest", "whatif", "staff-min", "import-timetable"):
        result = runner.invoke(cli.app, [command, "--help"], env={"COLUMNS": "120"})
        assert result.exit_code == 0, result.output
        assert "<bool>" not in result.output and "BOOLEAN" not in result.output, command
