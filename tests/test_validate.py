"""Cross-field checks: one test per rule, each naming the field, the place and the fix."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_YAML, check_variant, problems_in, sample
from hypothesis import HealthCheck, given, settings
from strategies import schools

from tasched.errors import Problem
from tasched.input.model import SchoolData
from tasched.input.validate import check_school, typo_of, when_fields
from tasched.io.formats import validate_file
from tasched.problem.compile import compile_problem
from tasched.problem.diagnose import diagnose

Doc = dict[str, Any]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_sample_is_valid() -> None:
    assert check_school(SchoolData.model_validate(sample())) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schools())
def test_generated_schools_are_valid(school: SchoolData) -> None:
    assert check_school(school) == []


def test_messages_carry_file_line_field_and_fix() -> None:
    text = SAMPLE_YAML.replace("classes: [Y3]", "classes: [Y3b]")
    problem, *warnings = problems_in(text)
    assert str(problem) == "school.yaml:45: pupils[0].classes[0]: unknown class 'Y3b'; did you mean 'Y3'?"
    # the diagnosis before solving is listed with the problems, as `validate` lists it for a valid file
    assert [str(w) for w in warnings] == [
        "school.yaml:55: warning: intervention:neli: needs 3 sessions a week, one a day, but there are only "
        "2 days on which one trained adult can deliver every session (neli)"
    ]


# --- calendar ----------------------------------------------------------------------------


def test_day_listed_twice() -> None:
    problem = only(check_variant(lambda d: d["calendar"].update(days=["Mon", "Tue", "Wed", "Mon"])))
    assert problem.field == "calendar.days[3]" and "listed twice" in problem.message


def test_day_name_unusable_in_when_expressions() -> None:
    problem = only(check_variant(lambda d: d["calendar"].update(days=["Mon", "Tue", "Wed", "Thu-A"])))
    assert problem.field == "calendar.days[3]" and "use '_' instead" in problem.message


def _slots(doc: Doc) -> list[Doc]:
    slots: list[Doc] = doc["calendar"]["slots"]
    return slots


def test_slot_id_used_twice() -> None:
    problems = check_variant(lambda d: _slots(d)[2].update(id="P1"))
    problem = next(p for p in problems if p.field == "calendar.slots[2].id")
    assert "used twice" in problem.message


def test_slot_id_equal_to_a_kind_or_day() -> None:
    problems = check_variant(lambda d: _slots(d)[5].update(id="lunch"))
    assert "ambiguous" in only([p for p in problems if p.field == "calendar.slots[5].id"]).message
    problems = check_variant(lambda d: _slots(d)[0].update(id="Mon"))
    assert "also a day" in only([p for p in problems if p.field == "calendar.slots[0].id"]).message


def test_slots_out_of_time_order() -> None:
    def swap(doc: Doc) -> None:
        slots = _slots(doc)
        slots[1], slots[2] = slots[2], slots[1]

    problem = only([p for p in check_variant(swap) if "time order" in p.message])
    assert problem.field == "calendar.slots[2].start"


def test_slots_overlap() -> None:
    problem = only(check_variant(lambda d: _slots(d)[2].update(start="09:50")))
    assert problem.field == "calendar.slots[2].start" and "must not overlap" in problem.message


def test_slot_ends_after_start() -> None:
    school = SchoolData.model_validate(sample())
    slot = school.calendar.slots[1]
    object.__setattr__(slot, "end", "08:59")  # the model refuses this on load; check anyway
    problems = [p for p in check_school(school) if p.field == "calendar.slots[1].end"]
    assert "not after its start" in only(problems).message


# --- when-expressions ---------------------------------------------------------------------


def test_when_fields_cover_every_expression() -> None:
    paths = {path for path, _ in when_fields(SchoolData.model_validate(sample()))}
    assert ("calendar", "closed") in paths and ("pupils", 0, "medical", "when") in paths
    assert {p[0] for p in paths} == {
        "calendar", "staff", "lessons", "support", "pupils", "interventions", "duties", "pins",
        "absences",
    }  # fmt: skip


def test_bad_when_expression_names_token_and_nearest() -> None:
    problem = only(check_variant(lambda d: d["staff"][1].update(available="Mon-Weds")))
    assert problem.field == "staff[1].available"
    assert problem.message == "unknown day 'Weds' in 'Mon-Weds'; did you mean 'Wed'?"


def test_bad_when_in_every_section_is_reported() -> None:
    def spoil(doc: Doc) -> None:
        doc["calendar"]["closed"] = "Wed P9"
        doc["duties"][0]["when"] = "lnch"
        doc["pupils"][0]["medical"]["when"] = "Frii"
        doc["absences"][0]["when"] = "Tues"

    fields = [p.field for p in check_variant(spoil)]
    assert fields == [
        "calendar.closed",
        "pupils[0].medical.when",
        "duties[0].when",
        "absences[0].when",
    ]


# --- ids ---------------------------------------------------------------------------------


def test_duplicate_ids() -> None:
    problem = only(check_variant(lambda d: d["staff"][1].update(id="amy")))
    assert problem.field == "staff[1].id"
    assert "duplicate id 'amy' (also staff[0])" in problem.message


def test_duplicate_id_names_where_the_first_is() -> None:
    text = SAMPLE_YAML.replace("- id: Y4", "- id: Y3")
    problem = next(p for p in problems_in(text) if p.field == "classes[1].id")
    assert "also classes[0] at school.yaml:32" in problem.message


def test_unknown_class_in_lessons_support_and_pupils() -> None:
    def spoil(doc: Doc) -> None:
        doc["lessons"][0]["class"] = "set1"
        doc["support"][0]["class"] = "Y33"
        doc["pupils"][2]["classes"] = ["Y5"]

    problems = {p.field: p.message for p in check_variant(spoil)}
    assert problems["lessons[0].class"] == "unknown class 'set1'; did you mean 'Set1'?"
    assert problems["support[0].class"] == "unknown class 'Y33'; did you mean 'Y3'?"
    assert "unknown class 'Y5'" in problems["pupils[2].classes[0]"]


def test_class_listed_twice_for_a_pupil() -> None:
    problem = only(check_variant(lambda d: d["pupils"][1].update(classes=["Y4", "Y4"])))
    assert problem.field == "pupils[1].classes[1]" and "listed twice" in problem.message


def test_unknown_pupil_in_intervention() -> None:
    problem = only(check_variant(lambda d: d["interventions"][0].update(pupils=["p2", "P3"])))
    assert problem.field == "interventions[0].pupils[1]"
    assert problem.message == "unknown pupil 'P3'; did you mean 'p3'?"


def test_unknown_staff_in_pins_and_absences() -> None:
    def spoil(doc: Doc) -> None:
        doc["pins"][0]["staff"] = "Amy"
        doc["absences"][0]["staff"] = "zed"

    problems = {p.field: p.message for p in check_variant(spoil)}
    assert problems["pins[0].staff"] == "unknown adult 'Amy'; did you mean 'amy'?"
    assert problems["absences[0].staff"] == "unknown adult 'zed'; known: amy, ben, cat"


def test_unknown_task_references() -> None:
    def spoil(doc: Doc) -> None:
        doc["pins"][0]["task"] = "duty:lunh"
        doc["staff"][0]["prefer"] = ["intervention:nelli", "pupil:p3", "free"]

    problems = {p.field: p.message for p in check_variant(spoil)}
    assert problems["pins[0].task"] == "unknown duty 'lunh'; did you mean 'duty:lunch'?"
    assert "did you mean 'intervention:neli'?" in problems["staff[0].prefer[0]"]
    assert "has no `ehcp`" in problems["staff[0].prefer[1]"]
    assert len(problems) == 3


def test_room_kind_no_room_has() -> None:
    problem = only(check_variant(lambda d: d["interventions"][0].update(room_kind="quite")))
    assert problem.field == "interventions[0].room_kind"
    assert problem.message == "no room has kind 'quite'; did you mean 'quiet'?"
    # a kind no room has and none is close to is a shortfall the diagnosis names, not an input error
    assert check_variant(lambda d: d.update(rooms=[])) == []
    assert check_variant(lambda d: d["interventions"][0].update(room_kind="sensory")) == []
    doc = sample()
    doc["rooms"] = []
    (warning,) = [f for f in diagnose(compile_problem(SchoolData.model_validate(doc))) if "room" in f.message]
    assert warning.severity == "warning" and warning.task == "intervention:neli"
    assert "no room has that kind: no session can run; add a room with `kind: quiet`" in warning.message


def test_unknown_subjects() -> None:
    def spoil(doc: Doc) -> None:
        doc["interventions"][0]["avoid_subjects"] = ["Maths"]

    problem = only(check_variant(spoil))
    assert problem.field == "interventions[0].avoid_subjects[0]"
    assert "unknown subject 'Maths'" in problem.message


# --- the week ------------------------------------------------------------------------------


def test_class_with_two_lessons_in_one_slot() -> None:
    problem = only(check_variant(lambda d: d["lessons"][1].update(when="Tue P1, Mon P1")))
    assert problem.field == "lessons[1].when"
    assert "class 'Set1' already has a lesson at Mon P1 (lessons[0], Ma)" in problem.message


def test_pupil_classes_meeting_at_once() -> None:
    problem = only(check_variant(lambda d: d["pupils"][2].update(classes=["Y4", "Set1"])))
    assert problem.field == "pupils[2].classes[1]"
    assert "pupil 'p3' is in classes 'Y4' and 'Set1', which both meet at Mon P1, Tue P1" in problem.message
    assert "meets in every lesson slot" in problem.message


def test_pupil_classes_that_never_meet_at_once_are_fine() -> None:
    def split(doc: Doc) -> None:
        doc["classes"].append({"id": "Set2"})
        doc["lessons"].append({"class": "Set2", "when": "Mon P2, Tue P2", "subject": "En"})
        doc["pupils"][2]["classes"] = ["Set1", "Set2"]
        doc["interventions"][0]["pupils"] = ["p2"]

    assert check_variant(split) == []


def test_two_support_rows_of_a_class_cover_one_slot() -> None:
    problem = only(check_variant(lambda d: d["support"].append({"class": "Y3", "when": "Tue P2-P3"})))
    assert problem.field == "support[2].when"
    assert "support[0] already covers class 'Y3' at Tue P2, Tue P3" in problem.message


def test_support_rows_on_slots_the_class_never_meets_do_not_clash() -> None:
    assert check_variant(lambda d: d["support"].append({"class": "Y3", "when": "Wed P4"})) == []


def test_intervention_minutes_fit_no_slot() -> None:
    problem = only(check_variant(lambda d: d["interventions"][0].update(minutes=100)))
    assert problem.field == "interventions[0].minutes"
    assert "the longest is P4 (90 minutes)" in problem.message


def test_intervention_when_names_no_open_slot() -> None:
    problem = only(check_variant(lambda d: d["interventions"][0].update(when="Wed P4")))
    assert problem.field == "interventions[0].when" and "names no open slot" in problem.message


def test_liaison_minutes_beyond_contracted_time() -> None:
    def spoil(doc: Doc) -> None:
        doc["rules"]["liaison_minutes"] = 1250
        doc["staff"][1]["hours"] = 20

    problem = only(check_variant(spoil))
    assert problem.field == "rules.liaison_minutes"
    assert "'ben' (20 h = 1200 min)" in problem.message


def test_ehcp_in_class_with_no_lesson_left() -> None:
    problem = only(check_variant(lambda d: d["pupils"][0]["ehcp"].update(when="lunch")))
    assert problem.field == "pupils[0].ehcp.when"
    assert "in-class support needs a lesson" in problem.message
    assert check_variant(lambda d: d["pupils"][0]["ehcp"].update(when="lunch, Mon P1")) == []
    assert check_variant(lambda d: d["pupils"][0]["ehcp"].update(when="lunch", mode="withdrawn")) == []


def test_ehcp_subjects_the_pupil_never_has() -> None:
    def spoil(doc: Doc) -> None:
        doc["pupils"][0]["ehcp"]["subjects"] = ["Ma"]

    problem = only(check_variant(spoil))
    assert problem.field == "pupils[0].ehcp.subjects" and "has no lesson in Ma" in problem.message


def test_ehcp_when_names_only_closed_slots() -> None:
    problem = only(check_variant(lambda d: d["pupils"][1]["ehcp"].update(when="Wed P4")))
    assert problem.field == "pupils[1].ehcp.when" and "names no open slot" in problem.message


# --- the public function ------------------------------------------------------------------


def test_validate_file(write: Callable[..., Path]) -> None:
    assert validate_file(write(SAMPLE_YAML)) == []
    path = write(SAMPLE_YAML.replace("hours: 30", "hours: 0").replace("[Y3]", "[Y9]"))
    problems = validate_file(path)
    assert [p.field for p in problems] == ["staff[0].hours", "pupils[0].classes[0]"]  # all at once
    assert problems[0].location == f"{path}:18"
    assert problems[1].location == f"{path}:45"


# --- names of skills, subjects and room kinds ---------------------------------------------------


def test_misspelt_skill_anywhere_is_an_error_with_the_fix() -> None:
    def spoil(doc: Doc) -> None:
        doc["duties"][0]["any_skills"] = ["first-aid"]
        doc["pupils"][0]["ehcp"]["skills"] = ["Team Teach"]
        doc["pupils"][0]["medical"]["skills"] = ["frist_aid"]
        doc["support"][0]["skills"] = ["team_teech"]
        doc["interventions"][0]["skills"] = ["NELI"]

    problems = {p.field: p.message for p in check_variant(spoil)}
    assert problems == {
        "support[0].skills[0]": "no adult holds skill 'team_teech'; did you mean 'team_teach'?",
        "pupils[0].ehcp.skills[0]": "no adult holds skill 'Team Teach'; did you mean 'team_teach'?",
        "pupils[0].medical.skills[0]": "no adult holds skill 'frist_aid'; did you mean 'first_aid'?",
        "interventions[0].skills[0]": "no adult holds skill 'NELI'; did you mean 'neli'?",
        "duties[0].any_skills[0]": "no adult holds skill 'first-aid'; did you mean 'first_aid'?",
    }


def test_misspelt_skill_stops_validate_at_its_line() -> None:
    text = SAMPLE_YAML.replace("any_skills: [first_aid]", "any_skills: [first-aid]")
    problems = problems_in(text)
    assert [str(p) for p in problems] == [
        "school.yaml:63: duties[0].any_skills[0]: no adult holds skill 'first-aid'; did you mean 'first_aid'?",
        # the diagnosis is listed too, but not its warning about the misspelt skill
        "school.yaml:55: warning: intervention:neli: needs 3 sessions a week, one a day, but there are only "
        "2 days on which one trained adult can deliver every session (neli)",
    ]


def test_skill_nobody_holds_and_none_is_near_is_a_warning_of_the_diagnosis() -> None:
    def spoil(doc: Doc) -> None:
        doc["duties"][0]["any_skills"] = ["paediatric_first_aid"]
        doc["support"][0]["skills"] = ["bsl"]

    assert check_variant(spoil) == []
    doc = sample()
    spoil(doc)
    found = [str(f) for f in diagnose(compile_problem(SchoolData.model_validate(doc)))]
    assert "warning: duty:lunch: needs adults with paediatric_first_aid, but no adult holds it" in "\n".join(found)
    assert "warning: class:Y3: support needs adults with bsl, but no adult holds it" in "\n".join(found)


@pytest.mark.parametrize(
    ("name", "choices", "expected"),
    [
        ("first-aid", ["first_aid", "team_teach"], "first_aid"),
        ("First Aid", ["first_aid"], "first_aid"),
        ("frist_aid", ["first_aid"], "first_aid"),
        ("teamteach", ["team_teach"], "team_teach"),
        ("makatonn", ["makaton"], "makaton"),
        ("bsl", ["elsa"], None),  # short names: only case and separators
        ("trained_neli", ["neli"], None),  # a different skill, not a typo
        ("paediatric_first_aid", ["first_aid"], None),
        ("nell", ["neli", "nelo"], None),  # two equally near: no guess
        ("quite", ["quiet"], "quiet"),
        ("Englsh", ["English", "Ma"], "English"),
    ],
)
def test_typo_of(name: str, choices: list[str], expected: str | None) -> None:
    assert typo_of(name, choices) == expected


def test_misspelt_subjects_of_adults_and_support_rows() -> None:
    def spoil(doc: Doc) -> None:
        doc["lessons"][1]["subject"] = "English"
        doc["staff"][0]["subjects"] = ["Englsh", "Latin"]  # Latin: taught nowhere, not a typo
        doc["staff"][1]["subjects"] = ["Latin"]
        doc["support"][0]["subjects"] = ["Latn", "Ma"]

    problems = {p.field: p.message for p in check_variant(spoil)}
    assert problems == {
        "staff[0].subjects[0]": "no lesson has subject 'Englsh'; did you mean 'English'?",
        "support[0].subjects[0]": "no lesson or adult has subject 'Latn'; did you mean 'Latin'?",
    }


# --- every problem at once ----------------------------------------------------------------------

FIVE_MISTAKES = {
    # family: (text unique to the mistake's line, what the message there must say)
    "unknown field": ("hour: 30", "staff[0].hour: unknown field 'hour'; did you mean 'hours'?"),
    "bad time": ('"11:75"', "calendar.slots[3].end: '11:75' is not a time"),
    "unknown class": ("classes: [Y3b]", "pupils[0].classes[0]: unknown class 'Y3b'; did you mean 'Y3'?"),
    "class lesson clash": (
        "Tue P1, Mon P1",
        "lessons[1].when: class 'Set1' already has a lesson at Mon P1 (lessons[0], Ma)",
    ),
    "misspelt skill": (
        "[first-aid]",
        "duties[0].any_skills[0]: no adult holds skill 'first-aid'; did you mean 'first_aid'?",
    ),
}


def five_mistakes() -> str:
    return (
        SAMPLE_YAML.replace("hours: 30", "hour: 30")
        .replace("end: 11:15, kind: lesson", 'end: "11:75", kind: lesson')
        .replace("classes: [Y3]", "classes: [Y3b]")
        .replace("when: Tue P1, subject: Ma", 'when: "Tue P1, Mon P1", subject: Ma')
        .replace("any_skills: [first_aid]", "any_skills: [first-aid]")
    )


def test_every_problem_at_once_on_the_command_line(tmp_path: Path) -> None:
    """Five mistakes of five families: one run of `tasched validate` lists them all, at their lines."""
    text = five_mistakes()
    (tmp_path / "school.yaml").write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tasched", "validate", "school.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "250"},
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output and "internal error" not in output
    for family, (needle, message) in FIVE_MISTAKES.items():
        (line,) = [i for i, row in enumerate(text.splitlines(), 1) if needle in row]
        assert f"school.yaml:{line}: {message}" in done.stderr, f"{family} missing:\n{done.stderr}"


def test_a_refused_adult_is_no_unknown_adult_elsewhere() -> None:
    """An item the model refuses is left out of the checks, but references to it are not errors."""
    text = SAMPLE_YAML.replace("hours: 30", 'hours: "thirty"').replace("need: asd", "need: autism")
    problems = problems_in(text)
    assert [p.field for p in problems] == ["staff[0].hours", "pupils[0].need"]
    # amy is pinned, preferred and the only skilled adult left out: no follow-on errors,
    # and no diagnosis either (the school it would judge is missing an adult and a pupil)


def test_items_after_a_refused_one_are_named_at_their_place() -> None:
    text = (
        SAMPLE_YAML.replace("role: TA3", "role: [TA3]")
        .replace("id: cat", "id: ben")
        .replace("classes: [Y4]\n    ehcp", "classes: [Y5]\n    ehcp")
    )
    problems = {p.field: str(p) for p in problems_in(text)}
    assert "staff[0].role" in problems
    assert problems["staff[2].id"] == (
        "school.yaml:26: staff[2].id: duplicate id 'ben' (also staff[1] at school.yaml:21); ids are unique"
    )
    assert problems["pupils[1].classes[0]"].startswith("school.yaml:50: pupils[1].classes[0]: unknown class 'Y5'")


def test_a_refused_lesson_makes_no_clash() -> None:
    """A class whose lessons are refused is not said to meet in every lesson slot."""
    text = SAMPLE_YAML.replace("{class: Set1, when: Mon P1, subject: Ma}", "{class: Set1, when: Mon P1}")
    text = text.replace("classes: [Y4]\n  interventions", "classes: [Y4, Set1]\n  interventions")
    text = text.replace("  - id: p3\n    classes: [Y4]", "  - id: p3\n    classes: [Y4, Set1]")
    problems = problems_in(text)
    assert [p.field for p in problems] == ["lessons[0].subject"], [str(p) for p in problems]


def test_a_broken_calendar_stops_only_the_checks_of_the_week() -> None:
    text = SAMPLE_YAML.replace("days: [Mon, Tue, Wed]", "days: {Mon: 1}").replace("[Y3]", "[Y3b]")
    text = text.replace("when: Mon-Tue, staff: 1", "when: Mon-Tues, staff: 1")
    problems = problems_in(text)
    assert [p.field for p in problems] == ["calendar.days", "pupils[0].classes[0]"], [str(p) for p in problems]


def test_a_slot_with_wrong_times_still_names_itself_in_when_expressions() -> None:
    text = SAMPLE_YAML.replace("- {id: P4, start: 13:00, end: 14:30", "- {id: P4, start: 13:00, end: 12:30")
    text = text.replace("when: Mon-Tue, staff: 1", 'when: "Mon-Tue P4, Mon P9", staff: 1')
    problems = problems_in(text)
    assert [p.field for p in problems] == ["calendar.slots[6]", "support[0].when"], [str(p) for p in problems]
    assert "unknown slot 'P9'" in problems[1].message


def test_an_unknown_field_alone_keeps_every_check_and_the_diagnosis() -> None:
    text = SAMPLE_YAML.replace("max_duties: 3", "max_dutys: 3").replace("any_skills: [first_aid]", "any_skills: [bsl]")
    problems = [str(p) for p in problems_in(text)]
    assert problems[0] == "school.yaml:30: staff[2].max_dutys: unknown field 'max_dutys'; did you mean 'max_duties'?"
    assert any("warning: duty:lunch: needs adults with bsl, but no adult holds it" in p for p in problems)


def test_a_misspelt_section_hides_no_references_into_it() -> None:
    text = SAMPLE_YAML.replace("\npupils:\n", "\npupil:\n")
    problems = [p.field for p in problems_in(text)]
    assert problems == ["pupil"], problems
