"""Hypothesis strategies of small valid schools, shared by loader, validation and solver tests.

``schools()`` draws a SchoolData that passes every check of tasched.input.validate: ids
exist, no pupil's classes clash, every intervention fits some slot, every EHC
plan has a slot to be given in. Schools are small (2-3 days, 3-6 slots, up to 6
staff, 4 classes and 5 pupils) so a solver handles one in well under a second.
Pins, when drawn, are all `free`, so a school never forces an impossible rota:
every demand is soft and the empty rota obeys every hard rule.

Use from a test module in tests/: ``from strategies import schools``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tasched.input.model import NEED_CODES, SchoolData, minutes_of

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri")
SKILLS = ("first_aid", "team_teach", "elsa", "neli", "signing")
SUBJECTS = ("Ma", "En", "Sc", "PE")
ROLES = ("TA2", "TA3", "HLTA")
KINDS = ("lesson", "registration", "break", "lunch", "before_school", "after_school")
PRIORITIES = ("high", "normal", "low")


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Any], p_none: float = 0.5) -> Any:
    return draw(strategy) if draw(st.integers(0, 99)) >= p_none * 100 else None


def _subset(draw: st.DrawFn, pool: tuple[str, ...] | list[str], max_size: int = 2) -> list[str]:
    return draw(st.lists(st.sampled_from(list(pool)), max_size=max_size, unique=True)) if pool else []


@st.composite
def school_dicts(
    draw: st.DrawFn,
    max_staff: int = 6,
    max_classes: int = 4,
    max_pupils: int = 5,
    pins: bool = True,
) -> dict[str, Any]:
    """A valid school as the plain document a YAML file holds."""
    days = list(DAY_NAMES[: draw(st.integers(2, 3))])

    # calendar: 3-6 slots in time order, at least two lessons
    n_slots = draw(st.integers(3, 6))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=n_slots, max_size=n_slots))
    for i in draw(st.lists(st.integers(0, n_slots - 1), min_size=2, max_size=2, unique=True)):
        kinds[i] = "lesson"
    clock = 8 * 60 + draw(st.sampled_from([0, 15, 30, 45]))
    slots = []
    for i, kind in enumerate(kinds):
        clock += draw(st.sampled_from([0, 0, 5, 10]))
        length = draw(st.sampled_from([20, 30, 45, 60, 90] if kind == "lesson" else [10, 15, 20, 30, 45]))
        slots.append({"id": f"S{i + 1}", "start": hhmm(clock), "end": hhmm(clock + length), "kind": kind})
        clock += length
    lesson_ids = [s["id"] for s in slots if s["kind"] == "lesson"]
    other_ids = [s["id"] for s in slots if s["kind"] != "lesson"]
    calendar: dict[str, Any] = {"days": days, "slots": slots}
    if bool(other_ids) and draw(st.booleans()):  # only a non-lesson slot closes, so lessons stay open
        calendar["closed"] = f"{days[-1]} {draw(st.sampled_from(other_ids))}"
    every_lesson = [(d, s) for d in days for s in lesson_ids]

    # classes, lessons and when each class meets
    class_ids = [f"C{i + 1}" for i in range(draw(st.integers(1, max_classes)))]
    classes = [{"id": c, **({"year": draw(st.integers(1, 6))} if draw(st.booleans()) else {})} for c in class_ids]
    for c in classes:
        if draw(st.integers(0, 9)) < 3:
            c["max_adults"] = draw(st.integers(1, 2))
    lessons: list[dict[str, Any]] = []
    meets: dict[str, list[tuple[str, str]]] = {}
    subject_at: dict[tuple[str, str, str], str] = {}
    for c in class_ids:
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(every_lesson), min_size=1, max_size=4, unique=True))
            for day, slot in chosen:
                subject = draw(st.sampled_from(SUBJECTS))
                lessons.append({"class": c, "when": f"{day} {slot}", "subject": subject})
                subject_at[(c, day, slot)] = subject
            meets[c] = chosen
        else:
            meets[c] = list(every_lesson)

    # rooms
    rooms = [
        {
            "id": f"R{i + 1}",
            "kind": draw(st.sampled_from(["quiet", "hub"])),
            "capacity": draw(st.integers(1, 2)),
        }
        for i in range(draw(st.integers(0, 2)))
    ]

    # pupils: classes that never clash, plans that always have a slot
    pupils: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, max_pupils))):
        first = draw(st.sampled_from(class_ids))
        mine = [first]
        second = draw(st.sampled_from(class_ids))
        if second != first and not set(meets[first]) & set(meets[second]):
            mine.append(second)
        pupil: dict[str, Any] = {"id": f"p{i + 1}", "classes": mine}
        if draw(st.booleans()):
            pupil["need"] = draw(st.sampled_from(NEED_CODES))
        places = [(c, d, s) for c in mine for d, s in meets[c]]
        if draw(st.integers(0, 9)) < 6:
            plan: dict[str, Any] = {
                "hours": draw(st.sampled_from([1, 1.5, 2, 3, 4])),
                "mode": draw(st.sampled_from(["in_class", "in_class", "withdrawn", "any"])),
                "group_max": draw(st.integers(1, 3)),
                "adults": draw(st.sampled_from([1, 1, 1, 2])),
                "skills": _subset(draw, SKILLS, 1),
            }
            _, day, slot = draw(st.sampled_from(places))
            if draw(st.booleans()):
                plan["when"] = draw(st.sampled_from([day, f"{day} {slot}", "*", "lesson"]))
            subjects = sorted({subject_at[p] for p in places if p in subject_at})
            if subjects and "when" not in plan and draw(st.booleans()):
                plan["subjects"] = [draw(st.sampled_from(subjects))]
            pupil["ehcp"] = plan
        if draw(st.integers(0, 9)) < 2:
            pupil["rotation"] = {"min_staff": draw(st.integers(1, 2))}
            if draw(st.booleans()):
                pupil["rotation"]["max_staff"] = draw(st.integers(2, 3))
        if draw(st.integers(0, 9)) < 2:
            pupil["medical"] = {
                "skills": ["first_aid"],
                "when": draw(st.sampled_from(["*", "lesson", days[0]])),
            }
        if draw(st.integers(0, 9)) < 2:
            pupil["max_withdrawal"] = draw(st.sampled_from([0.1, 0.25, 0.5]))
        pupils.append(pupil)
    pupil_ids = [p["id"] for p in pupils]

    # interventions: minutes fit the longest lesson slot (all lesson slots stay open)
    longest = max(minutes_of(s["end"]) - minutes_of(s["start"]) for s in slots if s["kind"] == "lesson")
    interventions: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 2)) if pupils else 0):
        item: dict[str, Any] = {
            "id": f"I{i + 1}",
            "programme": draw(st.sampled_from(["NELI", "ELSA", "Switch-on"])),
            "pupils": draw(st.lists(st.sampled_from(pupil_ids), min_size=1, max_size=3, unique=True)),
            "sessions": draw(st.integers(1, 3)),
            "minutes": draw(st.integers(1, longest // 5)) * 5,
            "skills": _subset(draw, SKILLS, 1),
            "same_staff": draw(st.booleans()),
            "one_per_day": draw(st.booleans()),
            "counts_for_ehcp": draw(st.booleans()),
            "priority": draw(st.sampled_from(PRIORITIES)),
        }
        if bool(rooms) and draw(st.booleans()):
            item["room_kind"] = draw(st.sampled_from([r["kind"] for r in rooms]))
        used_subjects = sorted({lesson["subject"] for lesson in lessons})
        if bool(used_subjects) and draw(st.booleans()):
            item["avoid_subjects"] = [draw(st.sampled_from(used_subjects))]
        interventions.append(item)

    # duties
    duty_whens = [f"{days[0]}-{days[-1]} {s}" for s in other_ids] or ["lunch"]
    duties = [
        {
            "id": f"D{i + 1}",
            "name": f"Duty {i + 1}",
            "when": draw(st.sampled_from(duty_whens)),
            "staff": draw(st.integers(1, 2)),
            "skills": _subset(draw, SKILLS, 1),
            "any_skills": _subset(draw, SKILLS, 1),
            "paid": draw(st.sampled_from(["contract", "extra"])),
            "priority": draw(st.sampled_from(PRIORITIES)),
        }
        for i in range(draw(st.integers(0, 2)))
    ]

    # support: at most one row per class, so rows of a class never overlap
    support = []
    for c in draw(st.lists(st.sampled_from(class_ids), max_size=len(class_ids), unique=True)):
        row: dict[str, Any] = {"class": c, "staff": draw(st.integers(1, 2))}
        if draw(st.booleans()):
            row["when"] = draw(st.sampled_from(days))
        row["skills"] = _subset(draw, SKILLS, 1)
        row["priority"] = draw(st.sampled_from(PRIORITIES))
        support.append(row)

    # staff
    tasks = (
        ["free"]
        + [f"class:{c}" for c in class_ids]
        + [f"pupil:{p['id']}" for p in pupils if "ehcp" in p]
        + [f"intervention:{x['id']}" for x in interventions]
        + [f"duty:{d['id']}" for d in duties]
    )
    staff = []
    for i in range(draw(st.integers(2, max_staff))):
        adult: dict[str, Any] = {
            "id": f"s{i + 1}",
            "role": draw(st.sampled_from(ROLES)),
            "hours": draw(st.sampled_from([10, 15, 20, 25, 32.5])),
            "skills": _subset(draw, SKILLS, 3),
        }
        if draw(st.integers(0, 9)) < 3:
            adult["available"] = f"{days[0]}-{days[1]}"
        if draw(st.integers(0, 9)) < 2:
            adult["unavailable"] = f"{days[-1]} {draw(st.sampled_from(lesson_ids))}"
        if draw(st.booleans()):
            adult["hourly_cost"] = draw(st.sampled_from([11.5, 12.75, 14.0, 16.25]))
        if draw(st.integers(0, 9)) < 3:
            adult["subjects"] = _subset(draw, SUBJECTS, 2)
        if draw(st.integers(0, 9)) < 3:
            adult["max_duties"] = draw(st.integers(0, 5))
        if draw(st.integers(0, 9)) < 2:
            adult["overtime_hours"] = 2
        if draw(st.integers(0, 9)) < 3:
            adult["prefer"] = [draw(st.sampled_from(tasks))]
        staff.append(adult)
    staff_ids = [s["id"] for s in staff]

    rules: dict[str, Any] = {}
    if draw(st.booleans()):
        rules["rotation"] = {
            "min_staff": draw(st.integers(1, 2)),
            "max_share": draw(st.sampled_from([0.5, 0.6, 0.75, 1.0])),
            "max_consecutive": draw(st.integers(1, 3)),
        }
        if draw(st.booleans()):
            rules["rotation"]["max_staff"] = draw(st.integers(2, 3))
    if draw(st.booleans()):
        rules["liaison_minutes"] = draw(st.sampled_from([0, 30, 60]))
    if draw(st.integers(0, 9)) < 2:
        rules["max_withdrawal"] = draw(st.sampled_from([0.1, 0.3]))

    doc: dict[str, Any] = {
        "school": {
            "name": "Hypothesis School",
            "phase": draw(st.sampled_from(["primary", "special"])),
        },
        "calendar": calendar,
        "staff": staff,
        "classes": classes,
        "lessons": lessons,
        "support": support,
        "pupils": pupils,
        "interventions": interventions,
        "duties": duties,
        "rooms": rooms,
        "rules": rules,
    }
    if pins:
        all_slots = [s["id"] for s in slots]
        doc["pins"] = [
            {"staff": draw(st.sampled_from(staff_ids)), "when": f"{draw(st.sampled_from(days))} "
             f"{draw(st.sampled_from(all_slots))}", "task": "free"}
            for _ in range(draw(st.integers(0, 2)))
        ]  # fmt: skip
        doc["absences"] = [
            {"staff": draw(st.sampled_from(staff_ids)), "when": draw(st.sampled_from(days))}
            for _ in range(draw(st.integers(0, 1)))
        ]
    return doc


def schools(
    max_staff: int = 6, max_classes: int = 4, max_pupils: int = 5, pins: bool = True
) -> st.SearchStrategy[SchoolData]:
    """Small valid schools (see the module docstring)."""
    return school_dicts(max_staff, max_classes, max_pupils, pins).map(SchoolData.model_validate)
