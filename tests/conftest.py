"""Shared fixtures: a small valid school as YAML text, and helpers to load variants of it."""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.input.validate import check_school
from tasched.io.loader import build_school, parse_yaml

SAMPLE_YAML = textwrap.dedent(
    """\
    school:
      name: Oak Tree Primary
      phase: primary
    calendar:
      days: [Mon, Tue, Wed]
      slots:
        - {id: Reg, start: 08:45, end: 09:00, kind: registration}
        - {id: P1, start: 09:00, end: 10:00, kind: lesson}
        - {id: Brk, start: 10:00, end: 10:15, kind: break}
        - {id: P2, start: 10:15, end: 11:15, kind: lesson}
        - {id: P3, start: 11:15, end: 12:00, kind: lesson}
        - {id: Lun, start: 12:00, end: 13:00, kind: lunch}
        - {id: P4, start: 13:00, end: 14:30, kind: lesson}
      closed: Wed P4
    staff:
      - id: amy
        role: TA3
        hours: 30
        skills: [first_aid, team_teach]
        prefer: [pupil:p1]
      - id: ben
        role: TA2
        hours: 20
        available: Mon-Tue
        skills: [neli]
      - id: cat
        role: HLTA
        hours: 32.5
        skills: [first_aid, elsa, team_teach]
        max_duties: 3
    classes:
      - id: Y3
        year: 3
      - id: Y4
        year: 4
      - id: Set1
    lessons:
      - {class: Set1, when: Mon P1, subject: Ma}
      - {class: Set1, when: Tue P1, subject: Ma}
    support:
      - {class: Y3, when: Mon-Tue, staff: 1}
      - {class: Y4, when: Wed}
    pupils:
      - id: p1
        classes: [Y3]
        need: asd
        ehcp: {hours: 5, mode: in_class, skills: [team_teach]}
        medical: {skills: [first_aid], when: lunch}
      - id: p2
        classes: [Y4]
        ehcp: {hours: 3, mode: any, group_max: 2}
      - id: p3
        classes: [Y4]
    interventions:
      - id: neli
        programme: NELI
        pupils: [p2, p3]
        sessions: 3
        minutes: 20
        skills: [neli]
        room_kind: quiet
    duties:
      - {id: lunch, name: Lunch supervision, when: lunch, staff: 2, any_skills: [first_aid]}
    rooms:
      - {id: R1, kind: quiet}
    rules:
      rotation: {min_staff: 2}
      liaison_minutes: 30
    pins:
      - {staff: amy, when: Mon P1, task: class:Y3}
    absences:
      - {staff: cat, when: Tue}
    """
)


def sample() -> dict[str, Any]:
    """The sample school as a plain document, to change and reload."""
    return copy.deepcopy(yaml.safe_load(SAMPLE_YAML))


def problems_in(text: str, name: str = "school.yaml") -> list[Problem]:
    """Every problem the loader finds in YAML text ([] when valid)."""
    try:
        doc = parse_yaml(text, name)
        build_school(doc.data, doc.locate, doc.problems)
    except InputError as error:
        return error.problems
    return []


def check_variant(change: Callable[[dict[str, Any]], Any]) -> list[Problem]:
    """Cross-field problems of the sample after ``change`` edits its document in place."""
    doc = sample()
    change(doc)
    return check_school(SchoolData.model_validate(doc))


@pytest.fixture
def sample_yaml() -> str:
    return SAMPLE_YAML


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write text or bytes to a file in a temporary folder; returns its path."""

    def _write(content: str | bytes, name: str = "school.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
