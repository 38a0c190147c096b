"""A school too large for the machine is refused before building (issue 19): the decisions
are counted exactly as the model creates them, the estimate bounds the real model, and
the refusal gives the figure and the advice."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE_YAML
from hypothesis import HealthCheck, given, settings
from strategies import schools

import tasched.solver as solver
from tasched import cli
from tasched.errors import InputError
from tasched.input.model import SchoolData
from tasched.problem.compile import compile_problem
from tasched.solver import size
from tasched.solver.model import RotaModel

ROOT = Path(__file__).resolve().parents[1]


def created(data: SchoolData) -> int:
    """The decision Booleans RotaModel really creates."""
    rm = RotaModel(compile_problem(data))
    return sum(len(d) for d in (rm.class_support, rm.ehcp, rm.session, rm.deliver, rm.duty, rm.medical_cover))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schools())
def test_decisions_are_counted_as_the_model_creates_them(data: SchoolData) -> None:
    assert size.decisions(compile_problem(data)) == created(data)


@pytest.mark.parametrize("name", ["primary-1fe", "special-school"])
def test_the_estimate_bounds_the_real_model(name: str) -> None:
    from tasched.io.formats import load_school

    data = load_school(ROOT / "examples" / f"{name}.yaml")
    prob = compile_problem(data)
    assert size.decisions(prob) == created(data)
    guess = size.estimate(prob, 1)
    real = len(solver.build_model(compile_problem(data), None, None).cp.proto.variables)
    assert real <= guess.variables <= 2 * real


def test_too_large_is_refused_with_the_figure_and_advice(school_file: Path) -> None:
    from tasched.io.formats import load_school

    prob = compile_problem(load_school(school_file))
    guess = size.estimate(prob, 4)
    with pytest.raises(InputError) as caught:
        size.check_fits(prob, 4, available=guess.megabytes / 2)
    text = str(caught.value)
    assert text.startswith("this school is too large for this machine: about ")
    assert f"{guess.variables:,} variables" in text and "with 4 workers" in text
    assert "--workers 1" in text and "--time-limit" in text and "Ray cluster" in text
    assert size.check_fits(prob, 4, available=guess.megabytes * 2) == guess


def test_memory_available_reads_the_machine() -> None:
    free = size.memory_available()
    assert free is None or free > 0


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    path = tmp_path / "oak.yaml"
    path.write_text(SAMPLE_YAML.replace("min_staff: 2", "min_staff: 1"), encoding="utf-8")
    return path


def test_the_cli_refuses_before_building(
    school_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(size, "memory_available", lambda: 1.0)  # a machine with 1 MB free

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was built")

    monkeypatch.setattr(solver, "build_model", never)
    output = tmp_path / "rota.yaml"
    with pytest.raises(SystemExit) as caught:
        cli.main(["solve", str(school_file), "-o", str(output), "--workers", "2"])
    assert caught.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Traceback" not in err
    assert "this school is too large for this machine" in err and "but only 1 MB is free" in err
    assert "--workers 1" in err
    assert not output.exists()
