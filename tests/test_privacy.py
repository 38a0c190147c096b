"""Privacy: pupils are pseudonymous ids, and no output echoes input it does not need.

Pupil data is special-category personal data (UK GDPR): a pupil's name or date of
birth in a school file is refused with a message saying so, whether in YAML or a
workbook. A school with staff names, class teachers' names and pupils' SEN need
codes is validated, solved and checked through the real command line; the rota
file and everything printed name pupils and adults by id only, and never carry
the need codes (health and SEN data the rota does not use) nor the names.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tasched.errors import InputError
from tasched.io.loader import build_school, parse_yaml

ROOT = Path(__file__).resolve().parents[1]

PRIVATE = """\
school: {name: Oak Tree Primary, phase: primary, urn: 123456}
calendar:
  slots:
    - {id: REG, start: "08:45", end: "09:00", kind: registration}
    - {id: P1, start: "09:00", end: "10:00", kind: lesson}
    - {id: BRK, start: "10:00", end: "10:15", kind: break}
    - {id: P2, start: "10:15", end: "11:15", kind: lesson}
    - {id: LUN, start: "12:00", end: "13:00", kind: lunch}
    - {id: P3, start: "13:00", end: "14:30", kind: lesson}
staff:
  - {id: S1, name: Zebedee Quinlan, role: HLTA, hours: 32.5, hourly_cost: 16.08,
     skills: [first_aid, team_teach]}
  - {id: S2, name: Philippa Ormerod, role: TA2, hours: 20, available: Mon-Wed,
     skills: [neli, team_teach]}
  - {id: S3, name: Ifeoma Castellanos, role: TA3, hours: 25, skills: [first_aid, elsa]}
classes:
  - {id: Y3, year: 3, teacher: Mrs Featherstonehaugh, room: Willow}
  - {id: Y4, year: 4, teacher: Mr Abernathy-Wolfe}
support:
  - {class: Y3, when: Mon-Fri P1-P2}
pupils:
  - {id: P001, classes: [Y4], need: SEMH, ehcp: {hours: 5, skills: [team_teach]}}
  - {id: P002, classes: [Y3], need: slcn}
  - {id: P003, classes: [Y3], need: PMLD, ehcp: {hours: 3, mode: any}}
interventions:
  - {id: neli-y3, programme: NELI, pupils: [P002], sessions: 3, minutes: 30, skills: [neli]}
duties:
  - {id: lunch, name: Lunch supervision, when: LUN, staff: 1, any_skills: [first_aid]}
"""
STAFF_NAMES = ("Zebedee", "Quinlan", "Philippa", "Ormerod", "Ifeoma", "Castellanos")
TEACHERS = ("Featherstonehaugh", "Abernathy")
NEEDS = ("SEMH", "SLCN", "slcn", "PMLD")
PUPILS = {"P001", "P002", "P003"}
STAFF = {"S1", "S2", "S3"}


# --- pupils carry no names ------------------------------------------------------------------


@pytest.mark.parametrize("key", ["name", "first_name", "surname", "last_name", "full_name", "dob", "date_of_birth"])
def test_pupil_identity_fields_are_refused(key: str) -> None:
    text = PRIVATE.replace("{id: P002,", f"{{id: P002, {key}: Amelia Jones,")
    doc = parse_yaml(text, "school.yaml")
    with pytest.raises(InputError) as caught:
        build_school(doc.data, doc.locate, doc.problems)
    (problem,) = [p for p in caught.value.problems if "warning:" not in str(p)]  # errors; warnings apart
    assert problem.location == f"school.yaml:{text.splitlines().index(_line(text, 'P002')) + 1}"
    assert problem.field == f"pupils[1].{key}"
    assert "special-category personal data (UK GDPR)" in problem.message
    assert "pseudonymous id" in problem.message
    assert "Amelia" not in str(caught.value), "the refusal does not repeat the name"


def _line(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


# --- outputs echo nothing they do not need ----------------------------------------------------


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Validate, solve (with the search log) and check the private school; all that was written."""
    folder = tmp_path_factory.mktemp("private")
    school = folder / "school.yaml"
    school.write_text(PRIVATE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("TASCHED_DEBUG", None)
    printed: dict[str, str] = {}
    for name, args in {
        "validate": ["validate", "school.yaml"],
        "solve": ["solve", "school.yaml", "-o", "rota.yaml", "--time-limit", "1"],
        "solve -v": ["solve", "school.yaml", "-o", "rota-v.yaml", "--time-limit", "1", "-v"],
        "check": ["check", "school.yaml", "rota.yaml"],
    }.items():
        done = subprocess.run(
            [sys.executable, "-m", "tasched", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=folder,
            timeout=120,
        )
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
        printed[name] = done.stdout + done.stderr
    printed["rota.yaml"] = (folder / "rota.yaml").read_text(encoding="utf-8")
    return printed


@pytest.mark.parametrize("output", ["validate", "solve", "solve -v", "check", "rota.yaml"])
def test_no_output_echoes_names_or_need_codes(outputs: dict[str, str], output: str) -> None:
    text = outputs[output]
    for word in (*STAFF_NAMES, *TEACHERS):
        assert word not in text, f"{output} shows the name {word!r}"
    for code in NEEDS:
        assert not re.search(rf"\b{code}\b", text), f"{output} shows the need code {code!r}"
    assert not re.search(r"\bneed\b", text), f"{output} mentions pupils' needs"


def test_rota_names_pupils_and_adults_by_id_only(outputs: dict[str, str]) -> None:
    rota = yaml.safe_load(outputs["rota.yaml"])
    assert rota["assignments"], "the school gets a rota"
    for row in rota["assignments"]:
        assert row["staff"] in STAFF
        assert set(row["pupils"]) <= PUPILS
        kind, _, ident = row["task"].partition(":")
        if kind == "pupil":
            assert ident in PUPILS
    assert set(rota["kpis"]["pupils"]) <= PUPILS
    assert set(rota["kpis"]["staff"]) <= STAFF
    keys = set(_keys(rota))
    assert not keys & {"name", "teacher", "need", "dob", "hourly_cost", "urn"}, keys


def _keys(value: Any) -> list[str]:
    """Every mapping key in a document, at any depth."""
    if isinstance(value, dict):
        return [str(k) for k in value] + [k for v in value.values() for k in _keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


def test_errors_name_pupils_by_id(tmp_path: Path) -> None:
    """A problem with a pupil names the pupil's id and place, not anything about the pupil."""
    text = PRIVATE.replace("classes: [Y4], need: SEMH", "classes: [Y5], need: SEMH")
    (tmp_path / "school.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "tasched", "validate", "school.yaml"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert "pupils[0].classes[0]: unknown class 'Y5'" in done.stderr
    assert "SEMH" not in done.stderr
