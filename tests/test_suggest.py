"""Who can cover? Ranked candidates for an absent adult's tasks (tasched.analysis.suggest)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers_solver import make_school
from typer.testing import CliRunner

from tasched import cli
from tasched.analysis.suggest import suggest
from tasched.errors import InputError
from tasched.input.model import SchoolData
from tasched.io.loader import dump_school

runner = CliRunner()


def school(**rules: Any) -> SchoolData:
    """One Monday: X, F, C hold makaton, N does not; P1 in Y1 needs makaton support."""
    return make_school(
        staff=[
            {"id": "X", "hours": 5, "skills": ["makaton"]},
            {"id": "F", "hours": 5, "skills": ["makaton"]},
            {"id": "N", "hours": 5},
            {"id": "C", "hours": 5, "skills": ["makaton"]},
            {"id": "B", "hours": 1, "skills": ["makaton"]},  # contract used up at P1
        ],
        classes=[{"id": "Y1"}],
        support=[{"class": "Y1"}],
        pupils=[
            {"id": "P1", "classes": ["Y1"], "ehcp": {"hours": 2, "skills": ["makaton"]}},
            {"id": "P2", "classes": ["Y1"], "ehcp": {"hours": 1}},
        ],
        rules=rules or None,
    )


def row(staff: str, slot: str, task: str, mode: str | None = None) -> dict[str, Any]:
    pupils = [task[6:]] if task.startswith("pupil:") else []
    return {"staff": staff, "day": "Mon", "slot": slot, "task": task, "mode": mode,
            "pupils": pupils, "room": None}  # fmt: skip


def rota() -> dict[str, Any]:
    return {
        "meta": {"status": "feasible"},
        "assignments": [
            row("X", "P1", "pupil:P1", "in_class"),
            row("X", "P2", "pupil:P1", "in_class"),
            row("C", "P2", "class:Y1"),
            row("B", "P1", "class:Y1"),
        ],
    }


def test_free_trained_adult_first_busy_one_after_and_untrained_not_listed() -> None:
    result = suggest(school(), rota(), absent=["X:Mon P2"])
    assert len(result.covers) == 1
    cover = result.covers[0]
    assert (cover.label, cover.task, cover.was) == ("Mon P2", "pupil:P1", "X")
    names = [c.staff for c in cover.candidates]
    assert names == ["F", "C"]
    first, second = cover.candidates
    assert first.action == "free" and first.drops is None
    assert second.action == "drops" and second.drops == "class:Y1"
    assert "drops class:Y1" in second.why()
    assert second.changes > first.changes
    assert "N" not in names and any("lacks makaton" in r for r in cover.ruled_out["N"])
    assert any("contract full" in r for r in cover.ruled_out["B"])
    assert result.plan == [{"slot": "Mon P2", "task": "pupil:P1", "staff": "F", "action": "free"}]
    assert result.seconds < 1


def test_swap_when_nobody_trained_is_free() -> None:
    # F is with P2 (no skill needed): N can take P2 over, so F is free for P1.
    r = rota()
    r["assignments"].append(row("F", "P2", "pupil:P2", "in_class"))
    result = suggest(school(), r, absent=["X:Mon P2"])
    cover = result.covers[0]
    assert [c.staff for c in cover.candidates] == ["F", "C"]
    swap, drop = cover.candidates
    assert (swap.action, swap.drops, swap.swap_with) == ("swap", "pupil:P2", "N")
    assert "hands pupil:P2 to N" in swap.why()
    assert drop.action == "drops" and drop.drops == "class:Y1"
    assert result.plan[0]["hands_over"] == {"task": "pupil:P2", "to": "N"}
    plain = suggest(school(), r, absent=["X:Mon P2"], swaps=False).covers[0]
    assert [c.staff for c in plain.candidates] == ["C"]


def test_whole_day_absence_covers_each_task_and_the_plan_rejudges() -> None:
    result = suggest(school(), rota(), absent=["X:Mon"])
    assert [c.label for c in result.covers] == ["Mon P1", "Mon P2"]
    assert result.covers[0].candidates[0].staff == "F"
    # F takes P1 and then P2: the plan re-judges after each pick (F's contract, runs).
    assert [step["staff"] for step in result.plan] == ["F", "F"]


def test_rotation_max_share_rules_a_candidate_out() -> None:
    # max_share 0.5 of 2 h: F may give P1 one hour at most; F already gives P3.
    data = school(rotation={"max_share": 0.5})
    r = rota()
    r["assignments"].append(row("F", "P3", "pupil:P1", "in_class"))
    cover = suggest(data, r, absent=["X:Mon P2"]).covers[0]
    assert "F" not in [c.staff for c in cover.candidates]
    assert any("max_share" in reason for reason in cover.ruled_out["F"])
    assert [c.staff for c in cover.candidates] == ["C"]


def test_max_consecutive_rules_a_candidate_out() -> None:
    data = school(rotation={"max_consecutive": 1})
    r = rota()
    r["assignments"].append(row("F", "P1", "pupil:P1", "in_class"))
    r["assignments"] = [a for a in r["assignments"] if not (a["staff"] == "X" and a["slot"] == "P1")]
    cover = suggest(data, r, absent=["X:Mon P2"]).covers[0]
    assert any("max_consecutive" in reason for reason in cover.ruled_out["F"])


def test_higher_priority_task_is_not_dropped() -> None:
    # C supports P1 at P3; covering class support at P3 must not take C off the pupil.
    r = rota()
    r["assignments"].append(row("C", "P3", "pupil:P1", "in_class"))
    result = suggest(school(), r, task="class:Y1", at="Mon P3")
    cover = result.covers[0]
    assert cover.was is None
    assert "C" not in [c.staff for c in cover.candidates]
    assert any("not lower priority" in reason for reason in cover.ruled_out["C"])
    # Free adults, the most contracted time left first (X has used 2 of its 5 hours).
    assert [c.staff for c in cover.candidates] == ["F", "N", "X"]


def test_bad_absence_names_the_nearest_adult() -> None:
    with pytest.raises(InputError) as caught:
        suggest(school(), rota(), absent=["x:Mon"])
    assert "did you mean 'X'" in str(caught.value)
    with pytest.raises(InputError):
        suggest(school(), rota(), absent=["X:Mnn"])
    with pytest.raises(InputError):
        suggest(school(), rota(), task="pupil:P9", at="Mon P1")


def test_cli_json(tmp_path: Path) -> None:
    school_path = tmp_path / "school.yaml"
    school_path.write_text(dump_school(school()), encoding="utf-8")
    rota_path = tmp_path / "rota.yaml"
    rota_path.write_text(yaml.safe_dump(rota()), encoding="utf-8")
    result = runner.invoke(cli.app, ["suggest", str(school_path), str(rota_path), "--absent", "X:Mon P2", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    cover = document["covers"][0]
    assert [c["staff"] for c in cover["candidates"]] == ["F", "C"]
    assert cover["candidates"][1]["drops"] == "class:Y1"
    table = runner.invoke(cli.app, ["suggest", str(school_path), str(rota_path), "--absent", "X:Mon P2"])
    assert table.exit_code == 0, table.output
    assert "drop class:Y1" in table.stdout


def test_task_mode_keeps_over_support_cap() -> None:
    # P2's plan is 1 h: with 2 h given already, one more slot would exceed hours + one slot.
    r = rota()
    r["assignments"] += [row("F", "P1", "pupil:P2", "in_class"), row("N", "P3", "pupil:P2", "in_class")]
    cover = suggest(school(), r, task="pupil:P2", at="Mon P2").covers[0]
    assert cover.candidates == []
    assert any("over-support" in reason for reason in cover.ruled_out["N"])


def test_render_names_adults_explains_columns_and_says_why_nobody() -> None:
    """Names beside ids, a legend for the columns, and a reason when every adult is ruled out."""
    import io

    from rich.console import Console

    from tasched.analysis.suggest import Cover, Suggestions, render, ruled_out_in_words

    cover = Cover(0, "Tue P3", "class:Y4", [{"staff": "S02", "task": "class:Y4"}], "S02")
    cover.ruled_out = {"S11": ["does not work at Tue P3"], "S12": ["does not work at Tue P3"],
                       "S06": ["busy with class:R (not lower priority)"]}  # fmt: skip
    result = Suggestions([cover], [], 0.01, {"S02": "Priya", "S11": "Ann"})
    buffer = io.StringIO()
    render(result, Console(file=buffer, width=200), show_all=True)
    text = buffer.getvalue()
    assert "(was S02 · Priya)" in text and "S11 · Ann: does not work at Tue P3" in text
    assert "every adult is ruled out: S11, S12: does not work at Tue P3; S06: busy with class:R" in text
    assert "changes: rota rows that move" in text and "knows them: already supports" in text
    assert ruled_out_in_words({}) == "no adult works then"


def test_leaving_a_duty_keeps_its_any_skills() -> None:
    """An adult who leaves a duty to cover must not leave it with nobody holding its any_skills
    (found by the hypothesis test of suggestions against the verifier)."""
    data = make_school(
        staff=[
            {"id": "X", "hours": 5},
            {"id": "T", "hours": 5, "skills": ["team_teach"]},
            {"id": "U", "hours": 5},
        ],
        classes=[{"id": "Y1"}],
        pupils=[{"id": "P1", "classes": ["Y1"], "ehcp": {"hours": 1, "mode": "any", "when": "LU"}}],
        duties=[{"id": "D1", "name": "Lunch", "when": "LU", "staff": 2, "any_skills": ["team_teach"]}],
    )
    r = {
        "meta": {"status": "feasible"},
        "assignments": [
            row("X", "LU", "pupil:P1", "withdrawn"),
            row("T", "LU", "duty:D1"),
            row("U", "LU", "duty:D1"),
        ],
    }
    cover = suggest(data, r, absent=["X:Mon LU"]).covers[0]
    assert "T" not in [c.staff for c in cover.candidates]
    assert any("D1 with nobody with team_teach" in reason for reason in cover.ruled_out["T"])
    assert [c.staff for c in cover.candidates] == ["U"]


# --- a teacher's absence: their lessons as cover (issue 15) -----------------------------------


def teacher_school(**rules: Any) -> SchoolData:
    """JB teaches Y3 at P1, P2 and P3; H1 and H2 are HLTAs (H1 alone holds makaton), T a TA2;
    P1 in Y4 needs makaton support; D1 is a duty at P2."""
    return make_school(
        staff=[
            {"id": "H1", "role": "HLTA", "hours": 5, "skills": ["makaton"]},
            {"id": "H2", "role": "HLTA", "hours": 5},
            {"id": "T", "role": "TA2", "hours": 5},
        ],
        teachers=[{"id": "JB", "name": "Jo Brown"}],
        classes=[{"id": "Y3", "teacher": "JB"}, {"id": "Y4"}],
        lessons=[
            {"class": "Y3", "when": "P1, P2, P3", "subject": "Ma"},
            {"class": "Y4", "when": "P1, P2, P3", "subject": "En"},
        ],
        pupils=[{"id": "P1", "classes": ["Y4"], "ehcp": {"hours": 1, "skills": ["makaton"]}}],
        duties=[{"id": "D1", "name": "Gate", "when": "P2"}],
        rules=rules or None,
    )


def teacher_rota(*extra: dict[str, Any]) -> dict[str, Any]:
    """H1 supports P1 at P1 (nobody else may); H2 and T are free."""
    return {"meta": {"status": "feasible"}, "assignments": [row("H1", "P1", "pupil:P1", "in_class"), *extra]}


def test_a_teachers_lesson_is_offered_to_hltas_and_a_ta2_is_ruled_out_in_words() -> None:
    result = suggest(teacher_school(), teacher_rota(), teacher_absent=["JB:Mon P2"])
    (cover,) = result.covers
    assert (cover.label, cover.task, cover.teacher, cover.was) == ("Mon P2", "cover:Y3", "JB", None)
    assert cover.rows[0]["task"] == "cover:Y3" and cover.rows[0]["pupils"] == []
    assert [c.staff for c in cover.candidates] == ["H2", "H1"]  # H2 has the more contracted time left
    assert all(c.action == "free" for c in cover.candidates)
    assert cover.ruled_out["T"] == ["not a cover role: TA2 may not cover a lesson (rules.cover.roles: HLTA)"]
    assert result.plan == [{"slot": "Mon P2", "task": "cover:Y3", "staff": "H2", "action": "free"}]
    assert cover.to_dict()["teacher"] == "JB"


def test_the_whole_week_covers_every_lesson_and_an_hlta_giving_ehc_support_keeps_it() -> None:
    result = suggest(teacher_school(), teacher_rota(), teacher_absent=["JB"])
    assert [(c.label, c.task) for c in result.covers] == [
        ("Mon P1", "cover:Y3"),
        ("Mon P2", "cover:Y3"),
        ("Mon P3", "cover:Y3"),
    ]
    at_p1 = result.covers[0]
    assert [c.staff for c in at_p1.candidates] == ["H2"]
    assert not any(c.drops == "pupil:P1" for c in at_p1.candidates)
    assert at_p1.ruled_out["H1"] == ["busy with pupil:P1 (not lower priority)"]


def test_an_hlta_at_their_cover_max_minutes_is_ruled_out_and_the_plan_counts_cover() -> None:
    """Each HLTA may cover 60 minutes: H2 covers P1 already; H1 may take P2 or P3, not both."""
    school = teacher_school(cover={"max_minutes": 60})
    result = suggest(school, teacher_rota(row("H2", "P1", "cover:Y3")), teacher_absent=["JB:Mon"])
    assert [c.label for c in result.covers] == ["Mon P2", "Mon P3"]  # P1 is covered already
    for cover in result.covers:
        assert [c.staff for c in cover.candidates] == ["H1"]
        assert any("max_minutes" in reason for reason in cover.ruled_out["H2"]), cover.ruled_out
    assert [step["staff"] for step in result.plan] == ["H1", None]


def test_an_adult_on_a_duty_may_drop_it_for_a_lesson_named() -> None:
    result = suggest(teacher_school(), teacher_rota(row("H2", "P2", "duty:D1")), teacher_absent=["JB:Mon P2"])
    (cover,) = result.covers
    assert [(c.staff, c.action, c.drops) for c in cover.candidates] == [
        ("H1", "free", None),
        ("H2", "drops", "duty:D1"),
    ]


def test_an_absent_hltas_lesson_goes_to_another_hlta() -> None:
    result = suggest(teacher_school(), teacher_rota(row("H2", "P2", "cover:Y3")), absent=["H2:Mon P2"])
    (cover,) = result.covers
    assert (cover.task, cover.was) == ("cover:Y3", "H2")
    assert [c.staff for c in cover.candidates] == ["H1"]
    assert "not a cover role" in cover.ruled_out["T"][0]


def test_task_mode_names_a_lesson_to_cover() -> None:
    cover = suggest(teacher_school(), teacher_rota(row("H2", "P2", "cover:Y3")), task="cover:Y3", at="Mon P2").covers[0]
    assert cover.teacher == "JB" and cover.candidates == []
    assert cover.ruled_out["H1"] == ["Y3 is already covered then by H2"]
    with pytest.raises(InputError) as caught:
        suggest(teacher_school(), teacher_rota(), task="cover:Y", at="Mon P2")
    assert "did you mean cover:Y3" in str(caught.value)


def test_an_unknown_teacher_names_the_nearest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError) as caught:
        suggest(teacher_school(), teacher_rota(), teacher_absent=["JV:Mon"])
    assert "no teacher 'JV' in the school; did you mean 'JB'?" in str(caught.value)
    school_path = tmp_path / "school.yaml"
    school_path.write_text(dump_school(teacher_school()), encoding="utf-8")
    rota_path = tmp_path / "rota.yaml"
    rota_path.write_text(yaml.safe_dump(teacher_rota()), encoding="utf-8")
    args = ["suggest", str(school_path), str(rota_path), "--teacher-absent"]
    with pytest.raises(SystemExit) as exited:
        cli.main([*args, "JV:Mon"])
    assert exited.value.code == 2
    assert "did you mean 'JB'?" in capsys.readouterr().err
    table = runner.invoke(cli.app, [*args, "JB:Mon P2", "--all"])
    assert table.exit_code == 0, table.output
    assert "Mon P2: cover:Y3 (JB · Jo Brown away)" in table.stdout
    assert "not a cover role" in table.stdout
