"""Impossible schools are diagnosed before solving, in the school's words.

Each school here is built to fail in one way; the message must name the pupil,
adult, skill or slot at fault. Errors stop `validate` and `solve` with exit 2;
warnings let the solve go on.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tasched.input.model import SchoolData
from tasched.problem.compile import compile_problem
from tasched.problem.diagnose import diagnose


def school(**sections: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "school": {"name": "Diagnose Primary", "phase": "primary"},
        "calendar": {
            "days": ["Mon", "Tue"],
            "slots": [
                {"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"},
                {"id": "P2", "start": "10:00", "end": "11:00", "kind": "lesson"},
                {"id": "LU", "start": "12:00", "end": "12:30", "kind": "lunch"},
                {"id": "P3", "start": "13:00", "end": "13:20", "kind": "lesson"},
            ],
        },
        "staff": [
            {"id": "TA01", "role": "TA2", "hours": 8, "skills": ["first_aid"]},
            {"id": "TA02", "role": "TA2", "hours": 8},
            {"id": "TA07", "role": "TA3", "hours": 8, "skills": ["team_teach"]},
        ],
        "classes": [{"id": "Y3A"}],
        "pupils": [],
    }
    base.update(sections)
    return base


def findings(doc: dict[str, Any]) -> list[str]:
    return [str(f) for f in diagnose(compile_problem(SchoolData.model_validate(doc)))]


CASES = {
    # name: (sections, severity, words the message must name)
    "too few skilled adults for rotation": (
        {"pupils": [{"id": "P014", "classes": ["Y3A"], "ehcp": {"hours": 2, "skills": ["team_teach"]}}]},
        "error",
        ["pupil:P014", "2 adults", "team_teach", "rotation.min_staff 2", "only TA07"],
    ),
    "2:1 with one skilled adult": (
        {
            "pupils": [
                {
                    "id": "P020",
                    "classes": ["Y3A"],
                    "rotation": {"min_staff": 1},
                    "ehcp": {"hours": 2, "adults": 2, "skills": ["team_teach"]},
                }
            ]
        },
        "error",
        ["pupil:P020", "2:1", "only TA07"],
    ),
    "medical skill nobody has": (
        {
            "pupils": [{"id": "P003", "classes": ["Y3A"], "medical": {"skills": ["epipen"], "when": "lunch"}}],
            "duties": [{"id": "LUNCH", "name": "Lunch", "when": "lunch"}],
        },
        "error",
        ["medical:P003", "epipen", "no adult has it"],
    ),
    "plan hours beyond the week": (
        {"pupils": [{"id": "P009", "classes": ["Y3A"], "ehcp": {"hours": 10}}]},
        "warning",
        ["pupil:P009", "10 h", "4.67 h"],
    ),
    "plan hours beyond the rotation share": (
        {
            "pupils": [
                {
                    "id": "P010",
                    "classes": ["Y3A"],
                    "rotation": {"max_share": 0.3},
                    "ehcp": {"hours": 4, "skills": ["team_teach"]},
                }
            ],
            "staff": [
                {"id": "TA07", "role": "TA3", "hours": 8, "skills": ["team_teach"]},
                {"id": "TA08", "role": "TA3", "hours": 8, "skills": ["team_teach"]},
            ],
        },
        "warning",
        ["pupil:P010", "max_share", "TA07, TA08", "2.4 h at most"],
    ),
    "intervention with no trained adult": (
        {
            "pupils": [{"id": "P001", "classes": ["Y3A"]}],
            "interventions": [
                {
                    "id": "NELI-1",
                    "programme": "NELI",
                    "pupils": ["P001"],
                    "sessions": 2,
                    "minutes": 30,
                    "skills": ["neli"],
                }
            ],
        },
        "warning",
        ["intervention:NELI-1", "neli", "no session can run"],
    ),
    "intervention needs more days than it has": (
        {
            "pupils": [{"id": "P001", "classes": ["Y3A"]}],
            "interventions": [
                {"id": "SOR", "programme": "Switch-on", "pupils": ["P001"], "sessions": 5, "minutes": 20}
            ],
        },
        "warning",
        ["intervention:SOR", "5 sessions", "only 2 days"],
    ),
    "duty wants more adults than work then": (
        {
            "duties": [{"id": "LUNCH", "name": "Lunch", "when": "Tue lunch", "staff": 2}],
            "staff": [
                {"id": "TA01", "role": "TA2", "hours": 8, "available": "Mon"},
                {"id": "TA02", "role": "TA2", "hours": 8},
            ],
        },
        "warning",
        ["duty:LUNCH", "2 adults", "Tue LU", "only 1 work"],
    ),
    "duty needs a first aider who is off": (
        {
            "duties": [{"id": "BREAK", "name": "Break", "when": "lunch", "staff": 1, "any_skills": ["first_aid"]}],
            "staff": [
                {"id": "TA01", "role": "TA2", "hours": 8, "skills": ["first_aid"], "available": "Mon"},
                {"id": "TA02", "role": "TA2", "hours": 8},
            ],
        },
        "warning",
        ["duty:BREAK", "first_aid", "Tue LU"],
    ),
    "skill demand beyond its holders' hours": (
        {
            "pupils": [
                {
                    "id": "P1",
                    "classes": ["Y3A"],
                    "rotation": {"min_staff": 1, "max_share": 1},
                    "ehcp": {"hours": 4, "skills": ["makaton"]},
                },
                {
                    "id": "P2",
                    "classes": ["Y3A"],
                    "rotation": {"min_staff": 1, "max_share": 1},
                    "ehcp": {"hours": 4, "skills": ["makaton"]},
                },
            ],
            "staff": [{"id": "TA05", "role": "TA2", "hours": 3, "skills": ["makaton"]}],
        },
        "warning",
        ["skill:makaton", "8 h", "TA05", "3 h"],
    ),
    "duty needs a skill nobody holds": (
        {"duties": [{"id": "LUNCH", "name": "Lunch", "when": "lunch", "any_skills": ["paediatric_first_aid"]}]},
        "warning",
        ["duty:LUNCH", "paediatric_first_aid", "no adult holds it", "cannot be staffed"],
    ),
    "support needs a skill nobody holds": (
        {"support": [{"class": "Y3A", "skills": ["bsl"]}]},
        "warning",
        ["class:Y3A", "bsl", "no adult holds it"],
    ),
    "intervention needs a room kind no room has": (
        {
            "pupils": [{"id": "P001", "classes": ["Y3A"]}],
            "interventions": [
                {
                    "id": "ELSA",
                    "programme": "ELSA",
                    "pupils": ["P001"],
                    "sessions": 1,
                    "minutes": 30,
                    "room_kind": "sensory",
                }
            ],
        },
        "warning",
        ["intervention:ELSA", "room of kind 'sensory'", "add a room with `kind: sensory`"],
    ),
    "pin the adult cannot keep": (
        {
            "pins": [{"staff": "TA02", "when": "Mon P1", "task": "pupil:P014"}],
            "pupils": [
                {
                    "id": "P014",
                    "classes": ["Y3A"],
                    "rotation": {"min_staff": 1},
                    "ehcp": {"hours": 2, "skills": ["team_teach"]},
                }
            ],
        },
        "error",
        ["pin:TA02", "Mon P1", "lacks", "team_teach"],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_failure_family_is_named(name: str) -> None:
    sections, severity, words = CASES[name]
    found = [f for f in findings(school(**sections)) if f.startswith(severity)]
    assert found, f"no {severity} in {findings(school(**sections))}"
    text = "\n".join(found)
    for word in words:
        assert word in text, f"{word!r} missing from: {text}"


def test_a_sound_school_has_no_findings() -> None:
    doc = school(pupils=[{"id": "P1", "classes": ["Y3A"], "ehcp": {"hours": 2}}])
    assert findings(doc) == []


@pytest.mark.parametrize("command", ["validate", "solve"])
def test_errors_stop_validate_and_solve_with_exit_2(tmp_path: Path, command: str) -> None:
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(school(**CASES["too few skilled adults for rotation"][0])))
    args = [sys.executable, "-m", "tasched", command, str(path)]
    if command == "solve":
        args += ["-o", str(tmp_path / "rota.yaml")]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 2, result.stderr
    assert "P014" in result.stderr and "team_teach" in result.stderr
    # the diagnosis names its place: the file and the line of the pupil's plan
    assert re.search(rf"{re.escape(str(path))}:\d+: .*pupil:P014", result.stderr), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "rota.yaml").exists()


def test_warnings_let_the_solve_go_on(tmp_path: Path) -> None:
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(school(**CASES["plan hours beyond the week"][0])))
    result = subprocess.run(
        [sys.executable, "-m", "tasched", "solve", str(path), "-o", str(tmp_path / "rota.yaml"), "--time-limit", "5"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "warning: pupil:P009" in result.stderr
    rota = yaml.safe_load((tmp_path / "rota.yaml").read_text())
    short = [s for s in rota["shortfalls"] if s["task"] == "pupil:P009"]
    assert short and short[0]["reason"]
