"""Cross-field checks: one test per rule, each naming the field, the place and the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import SAMPLE_YAML, check_variant, problems_in, sample
from hypothesis import HealthCheck, given, settings
from strategies import schools

from tasched.errors import Problem
from tasched.model import SchoolData
from tasched.validate import check_school, validate_file, when_fields

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
    (problem,) = problems_in(text)
    assert str(problem) == "school.yaml:45: pupils[0].classes[0]: unknown class 'Y3b'; did you mean 'Y3'?"


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
    problem = only(check_variant(lambda d: d.update(rooms=[])))
    assert "add a room with `kind: quiet`" in problem.message


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
    assert [p.field for p in problems] == ["staff[0].hours"]  # types first, then cross-field checks
    assert problems[0].location == f"{path}:18"
