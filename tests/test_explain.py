"""`tasched explain` (tasched.analysis.explain): an adult's joint liaison meetings and lesson
cover, a class's cover for an absent teacher, and the week in the workbook's words (issue 15).

Each school is tiny (test_liaison_cover's) and solved (optimal, verified) before it is explained.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import test_liaison_cover as liaison_cover
import yaml
from helpers_solver import solve_ok
from rich.console import Console
from typer.testing import CliRunner

from tasched import cli
from tasched.analysis.explain import explain_week
from tasched.input.model import SchoolData
from tasched.io.loader import dump_school
from tasched.problem.compile import compile_problem

runner = CliRunner()


def cover_school(**overrides: Any) -> SchoolData:
    """The cover school of test_liaison_cover (JB teaches Y3 at P1 and P3 and is away all Monday;
    H, an HLTA, may cover; T, a TA2, may not) with P9 in Y4, who has an hour of EHC support in
    class from T (who alone holds makaton)."""
    return liaison_cover.cover_school(
        staff=[
            {"id": "H", "role": "HLTA", "hours": 5},
            {"id": "T", "role": "TA2", "hours": 5, "skills": ["makaton"]},
        ],
        classes=[{"id": "Y3", "teacher": "JB"}, {"id": "Y4"}],
        lessons=[
            {"class": "Y3", "when": "P1, P3", "subject": "Ma"},
            {"class": "Y4", "when": "P1, P2, P3", "subject": "En"},
        ],
        pupils=[{"id": "P9", "classes": ["Y4"], "ehcp": {"hours": 1, "mode": "in_class", "skills": ["makaton"]}}],
        **overrides,
    )


def explained(school: SchoolData, **whose: str) -> str:
    """The explanation as the terminal shows it (wide enough that no cell wraps)."""
    rota = solve_ok(school).to_dict()
    buffer = io.StringIO()
    console = Console(file=buffer, width=240)
    for renderable in explain_week(compile_problem(school), rota, **whose):
        console.print(renderable)
    return buffer.getvalue()


def line_of(text: str, demand: str) -> list[str]:
    """The cells of the summary line that starts with `demand`."""
    found = [line for line in text.splitlines() if line.strip("│ ").startswith(demand)]
    assert found, text
    return [cell.strip() for cell in found[0].strip()[1:-1].split("│")]


def test_an_adults_joint_liaison_meetings_are_a_demand() -> None:
    text = explained(liaison_cover.liaison_school({}), staff="A")
    assert line_of(text, "liaison meetings") == ["liaison meetings", "30 min", "30 min (with JB)", ""]
    assert "Meet JB" in text and "liaison:JB" not in text  # the grid in the workbook's words


def test_a_liaison_shortfall_says_why() -> None:
    """JB teaches P1-P3 and is away before school and at lunch: no meeting can be placed."""
    text = explained(liaison_cover.liaison_school({"unavailable": "BS, LU"}, lessons="P1-P3"), staff="A")
    _, required, delivered, why = line_of(text, "liaison meetings")
    assert (required, delivered) == ("30 min", "0 min")
    assert why.startswith("A and JB share no free slot inside A's hours"), why


def test_an_hltas_cover_minutes_and_the_week_in_plain_words() -> None:
    text = explained(cover_school(), staff="H")
    assert line_of(text, "lesson cover") == ["lesson cover", "at most 3 h", "2 h (Y3 Mon P1, Y3 Mon P3)", ""]
    assert "Cover Y3" in text and "(teacher away)" in text and "cover:Y3" not in text
    ta = explained(cover_school(), staff="T")
    assert "lesson cover" not in ta  # a TA2 may not cover, and covers nothing
    assert "EHC P9" in ta and "(in class)" in ta and "pupil:P9" not in ta


def test_a_class_shows_its_covered_lessons() -> None:
    text = explained(cover_school(), class_id="Y3")
    assert line_of(text, "lesson cover (JB away)") == ["lesson cover (JB away)", "2 lessons", "2 lessons", ""]
    assert text.count("Cover H (JB away)") == 2


def test_a_lesson_nobody_may_cover_needs_supply() -> None:
    """H is away at P3: only T works then, who may not cover."""
    text = explained(cover_school(absences=[{"staff": "H", "when": "P3"}]), class_id="Y3")
    _, required, delivered, why = line_of(text, "lesson cover (JB away)")
    assert (required, delivered) == ("2 lessons", "1 lesson")
    assert why.startswith("needs supply cover at Mon P3 (JB away)"), why
    assert "Cover H (JB away)" in text and "needs supply cover (JB away)" in text


def test_the_command_line_explains_an_adults_cover(tmp_path: Path) -> None:
    school = cover_school()
    school_path = tmp_path / "school.yaml"
    school_path.write_text(dump_school(school), encoding="utf-8")
    rota_path = tmp_path / "rota.yaml"
    rota_path.write_text(yaml.safe_dump(solve_ok(school).to_dict()), encoding="utf-8")
    result = runner.invoke(cli.app, ["explain", str(school_path), str(rota_path), "--staff", "H"])
    assert result.exit_code == 0, result.output
    assert "lesson cover" in result.stdout and "Cover Y3" in result.stdout
