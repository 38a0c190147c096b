"""Issue 15: small teams (rotation.max_staff, classes.max_adults), teachers, joint liaison, cover.

Validation and diagnosis in the school's words; the rules themselves are tested in
test_solver_rules.py (each with its rule dropped as a strict xfail).
"""

from __future__ import annotations

from typing import Any

from conftest import problems_in

from tasched.input.model import SchoolData
from tasched.input.validate import check_school
from tasched.problem.compile import compile_problem
from tasched.problem.diagnose import diagnose

SLOTS = [
    {"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"},
    {"id": "P2", "start": "10:00", "end": "11:00", "kind": "lesson"},
    {"id": "LU", "start": "12:00", "end": "12:30", "kind": "lunch"},
    {"id": "P3", "start": "13:00", "end": "14:00", "kind": "lesson"},
]


def school(**sections: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "school": {"name": "Teams Primary", "phase": "primary"},
        "calendar": {"days": ["Mon", "Tue"], "slots": SLOTS},
        "staff": [{"id": f"TA0{i}", "role": "TA2", "hours": 10} for i in range(1, 5)],
        "classes": [{"id": "Y3"}],
        "pupils": [],
    }
    base.update(sections)
    return base


def messages(doc: dict[str, Any]) -> list[str]:
    return [str(p) for p in check_school(SchoolData.model_validate(doc))]


def test_min_staff_above_max_staff_in_the_rules_is_refused() -> None:
    doc = school(rules={"rotation": {"min_staff": 3, "max_staff": 2}})
    (message,) = messages(doc)
    assert message.startswith("rules.rotation.max_staff: max_staff 2 is less than min_staff 3"), message
    assert "raise max_staff or lower min_staff" in message


def test_min_staff_above_a_pupils_max_staff_is_refused_at_its_line() -> None:
    text = """\
school: {name: Teams, phase: primary}
calendar:
  slots:
    - {id: P1, start: "09:00", end: "10:00", kind: lesson}
staff:
  - {id: TA01, role: TA2, hours: 10}
classes:
  - {id: Y3}
pupils:
  - id: P001
    classes: [Y3]
    ehcp: {hours: 2}
    rotation:
      min_staff: 3
      max_staff: 2
"""
    problem, *_ = problems_in(text)
    assert str(problem).startswith("school.yaml:15: pupils[0].rotation.max_staff: pupil 'P001''s support must come")
    assert "at least 3 adults (min_staff) but at most 2 (max_staff)" in str(problem)


def test_two_to_one_with_max_staff_one_is_refused() -> None:
    doc = school(
        pupils=[{"id": "P1", "classes": ["Y3"], "ehcp": {"hours": 2, "adults": 2}, "rotation": {"max_staff": 1}}],
        rules={"rotation": {"min_staff": 1}},
    )
    (message,) = messages(doc)
    assert message.startswith("pupils[0].ehcp.adults: pupil 'P1''s 2:1 support needs two adults"), message


def test_a_sound_team_is_valid() -> None:
    doc = school(
        pupils=[{"id": "P1", "classes": ["Y3"], "ehcp": {"hours": 2}, "rotation": {"max_staff": 2}}],
        classes=[{"id": "Y3", "max_adults": 2}],
    )
    assert messages(doc) == []


def test_diagnosis_says_max_staff_cannot_cover_the_hours() -> None:
    """max_share 0.4 and max_staff 2: two adults give 0.8 of the plan at most."""
    doc = school(
        pupils=[{"id": "P1", "classes": ["Y3"], "ehcp": {"hours": 5}}],
        rules={"rotation": {"min_staff": 2, "max_share": 0.4, "max_staff": 2}},
    )
    found = [str(f) for f in diagnose(compile_problem(SchoolData.model_validate(doc)))]
    assert found == [
        "warning: pupil:P1: needs 5 h but rotation.max_staff 2 lets at most 2 adults support the pupil, "
        "each giving at most 2 h (rotation.max_share): 4 h at most; raise max_staff or max_share"
    ], found


# --- teachers -------------------------------------------------------------------------------


def test_a_teacher_is_free_when_available_and_teaching_no_lesson() -> None:
    """JB teaches Y3 (class teacher) except Mon P2, which KL teaches; JB is away on Tuesday."""
    doc = school(
        teachers=[{"id": "JB", "unavailable": "Tue"}, {"id": "KL"}],
        classes=[{"id": "Y3", "teacher": "JB"}],
        lessons=[
            {"class": "Y3", "when": "Mon P1, Tue P1", "subject": "Ma"},
            {"class": "Y3", "when": "Mon P2", "subject": "En", "teacher": "KL"},
        ],
    )
    prob = compile_problem(SchoolData.model_validate(doc))
    label = {s.index: s.label for s in prob.slots}
    jb, kl = prob.teachers
    assert sorted(label[t] for t in jb.free) == ["Mon LU", "Mon P2", "Mon P3"]
    assert sorted(label[t] for t in kl.free) == sorted(set(label.values()) - {"Mon P2"})


def test_a_lesson_teacher_must_be_a_teacher() -> None:
    doc = school(
        teachers=[{"id": "JB"}],
        lessons=[{"class": "Y3", "when": "Mon P1", "subject": "Ma", "teacher": "JX"}],
    )
    (message,) = messages(doc)
    assert message == "lessons[0].teacher: unknown teacher 'JX'; did you mean 'JB'?", message


def test_a_free_text_class_teacher_stays_valid_with_a_warning_saying_how_to_upgrade() -> None:
    doc = school(classes=[{"id": "Y3", "teacher": "Mrs Kaur"}])
    assert messages(doc) == []
    (finding,) = diagnose(compile_problem(SchoolData.model_validate(doc)))
    assert finding.severity == "warning" and finding.where == ("classes", 0, "teacher")
    # The class is named, never the teacher's name as written (personal data stays out of output).
    assert "(Y3)" in finding.message and "Mrs Kaur" not in finding.message
    assert "list each teacher under `teachers:`" in finding.message
