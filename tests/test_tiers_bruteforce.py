"""The tiered solve against brute force: on tiny schools, no rota beats the solver's.

Hypothesis draws tiny schools (1-2 days of 2-3 slots, 1-2 adults, a few tasks).
For each, every rota is enumerated: per adult and slot one option among nothing,
a class: row, a pupil: row or a pooled group of them (in class or withdrawn), an
intervention session (its pupils listed, no room) or a duty. The independent
verifier (tasched.verify) keeps the valid ones and gives each its demand vector:
the shortfall of each tier in the solver's units (EHC minutes, medical minutes,
duty adult-minutes, session minutes, class adult-minutes; the last three split
high, normal, low), in the school's `rules.priorities` order, summed slot by slot
from the verifier's view of the rows and checked against its own shortfall rows.
The solver's rota (one worker, every tier proven optimal) must pass the verifier,
lie in the enumeration, report in meta.tiers the amounts the verifier derives, and
have the lexicographically smallest vector. A school with no valid rota at all
(a pin no rota can keep) must get no rota, or have the pin refused.

Options that break a rule no added row can mend (skills, availability, hours, the
task's slots...) are dropped per cell before the product is taken; rules that a
second row can satisfy (2:1 support, min_staff, any_skills, breaks, pins) are
judged on the whole rota only. Schools with more than MAX_ROTAS rotas are skipped.

Two disagreements found this way (a single slot longer than break_after_minutes;
the over-support cap with sessions that count for EHC) were fixed in the solver;
their schools are kept as plain tests at the end.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from helpers_solver import make_school
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import tasched.solution
from tasched.input.model import Demand, Priority, SchoolData
from tasched.input.validate import check_school
from tasched.solution.rota import Rota
from tasched.solver.rules import PinError
from tasched.verify import Facts, Index, _near, format_report, parse_rows, verify

Row = dict[str, Any]
Option = tuple[Row, ...]  # what one adult does in one slot: no row, one row, or a pooled group
Vector = tuple[int, ...]

MAX_ROTAS = 4000
SKILLS = ("first_aid", "team_teach")
PRIORITIES = ("high", "normal", "low")
SUBJECTS = ("Ma", "En")
LEVELLED = (Demand.duties, Demand.interventions, Demand.class_support)
MODES = ("in_class", "withdrawn")

# Rules that no further row can mend: an option breaking one of them on its own
# breaks it in every rota that holds it, so it is dropped before enumerating.
MONOTONE_RULES = frozenset(
    {
        "row_format",
        "unknown_task",
        "availability",
        "skills",
        "contracted_hours",
        "max_duties",
        "ehcp_slot",
        "ehcp_mode",
        "ehcp_in_session",
        "one_place",
        "pooling",
        "over_support",
        "rotation_max_share",
        "rotation_max_consecutive",
        "intervention_slot",
        "intervention_sessions",
        "intervention_one_per_day",
        "intervention_same_staff",
        "intervention_pupil_clash",
        "room",
        "room_capacity",
        "withdrawal",
        "duty_slot",
        "duty_staff",
        "class_support_slot",
        "class_support_staff",
    }
)


# ---------------------------------------------------------------------------
# Tiny schools
# ---------------------------------------------------------------------------


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _some(draw: st.DrawFn, pool: tuple[str, ...] | list[str], most: int = 1) -> list[str]:
    return draw(st.lists(st.sampled_from(list(pool)), max_size=most, unique=True))


def _maybe(draw: st.DrawFn, percent: int) -> bool:
    return draw(st.integers(0, 99)) < percent


@st.composite
def tiny_schools(draw: st.DrawFn) -> SchoolData:
    """One or two days of 2-3 slots, 1-2 adults with few hours, and a handful of demands."""
    days = ["Mon", "Tue"][: draw(st.sampled_from([1, 1, 1, 2]))]
    kinds = draw(st.lists(st.sampled_from(["lesson", "lesson", "lunch", "break"]), min_size=2, max_size=3))
    if "lesson" not in kinds:
        kinds[draw(st.integers(0, len(kinds) - 1))] = "lesson"
    clock, slots = 9 * 60, []
    for i, kind in enumerate(kinds):
        length = draw(st.sampled_from([15, 30, 40, 60]))
        slots.append({"id": f"S{i + 1}", "start": hhmm(clock), "end": hhmm(clock + length), "kind": kind})
        clock += length
    ids = [s["id"] for s in slots]
    lesson_ids = [s["id"] for s in slots if s["kind"] == "lesson"]
    longest_lesson = max(_length(s) for s in slots if s["kind"] == "lesson")
    week = [f"{d} {s}" for d in days for s in ids]  # one week slot each
    whens = [*week, *ids, *days, "*", "lesson"]  # when-expressions of any reach
    closed = draw(st.sampled_from(week)) if len(days) > 1 and _maybe(draw, 20) else None

    staff = []
    for i in range(draw(st.sampled_from([1, 2, 2]))):
        adult: dict[str, Any] = {
            "id": f"A{i + 1}",
            "hours": draw(st.sampled_from([0.5, 1, 1.5, 2, 2, 3, 3])),
            "skills": _some(draw, SKILLS, 2),
        }
        if _maybe(draw, 20):
            adult["unavailable"] = draw(st.sampled_from(week))
        if _maybe(draw, 20):
            adult["max_duties"] = draw(st.integers(0, 1))
        if _maybe(draw, 15):
            adult["overtime_hours"] = 0.5
        staff.append(adult)
    absences = [{"staff": staff[-1]["id"], "when": draw(st.sampled_from(days))}] if _maybe(draw, 10) else []

    class_ids = [f"C{i + 1}" for i in range(draw(st.integers(1, 2)))]
    lessons = []
    for c in class_ids:
        if _maybe(draw, 40):
            lesson_slots = [f"{d} {s}" for d in days for s in lesson_ids]
            for when in draw(st.lists(st.sampled_from(lesson_slots), min_size=1, unique=True)):
                lessons.append({"class": c, "when": when, "subject": draw(st.sampled_from(SUBJECTS))})
    subjects = sorted({lesson["subject"] for lesson in lessons})
    support = []
    for c in class_ids:
        if not _maybe(draw, 70):
            continue
        row: dict[str, Any] = {"class": c, "staff": draw(st.integers(1, 2)), "skills": _some(draw, SKILLS)}
        if _maybe(draw, 40):
            row["when"] = draw(st.sampled_from(whens))
        row["priority"] = draw(st.sampled_from(PRIORITIES))
        support.append(row)

    pupils = []
    for i in range(draw(st.sampled_from([0, 1, 1, 2, 2]))):
        pupil: dict[str, Any] = {"id": f"P{i + 1}", "classes": [draw(st.sampled_from(class_ids))]}
        if _maybe(draw, 75):
            plan: dict[str, Any] = {
                "hours": draw(st.sampled_from([0.25, 0.5, 1, 1, 1.5, 2])),
                "mode": draw(st.sampled_from(["in_class", "withdrawn", "any"])),
                "group_max": draw(st.integers(1, 2)),
                "adults": draw(st.sampled_from([1, 1, 2])),
                "skills": _some(draw, SKILLS),
            }
            if _maybe(draw, 35):
                plan["when"] = draw(st.sampled_from(whens))
            if subjects and _maybe(draw, 15):
                plan["subjects"] = [draw(st.sampled_from(subjects))]
            pupil["ehcp"] = plan
        if _maybe(draw, 35):
            pupil["medical"] = {"skills": [draw(st.sampled_from(SKILLS))], "when": draw(st.sampled_from(whens))}
        if _maybe(draw, 20):
            pupil["rotation"] = {"min_staff": draw(st.integers(1, 2)), "max_share": draw(st.sampled_from([0.5, 1]))}
        if _maybe(draw, 20):
            pupil["max_withdrawal"] = draw(st.sampled_from([0, 0.5]))
        pupils.append(pupil)
    pupil_ids = [p["id"] for p in pupils]

    interventions = []
    for i in range(draw(st.integers(0, 1)) if pupils else 0):
        item: dict[str, Any] = {
            "id": f"I{i + 1}",
            "programme": "NELI",
            "pupils": draw(st.lists(st.sampled_from(pupil_ids), min_size=1, unique=True)),
            "sessions": draw(st.integers(1, 2)),
            "minutes": draw(st.sampled_from([m for m in (10, 15, 30, 45) if m <= longest_lesson])),
            "skills": _some(draw, SKILLS),
            "same_staff": draw(st.booleans()),
            "one_per_day": draw(st.booleans()),
            "when": draw(st.sampled_from(["lesson", "lesson", *whens])),
            "counts_for_ehcp": draw(st.booleans()),
            "priority": draw(st.sampled_from(PRIORITIES)),
        }
        if subjects and _maybe(draw, 15):
            item["avoid_subjects"] = [draw(st.sampled_from(subjects))]
        interventions.append(item)

    duties = [
        {
            "id": f"D{i + 1}",
            "name": f"Duty {i + 1}",
            "when": draw(st.sampled_from(whens)),
            "staff": draw(st.integers(1, 2)),
            "skills": _some(draw, SKILLS),
            "any_skills": _some(draw, SKILLS),
            "paid": draw(st.sampled_from(["contract", "extra"])),
            "priority": draw(st.sampled_from(PRIORITIES)),
        }
        for i in range(draw(st.integers(0, 2)))
    ]

    rules: dict[str, Any] = {}
    if _maybe(draw, 25):
        rules["rotation"] = {
            "min_staff": draw(st.integers(1, 2)),
            "max_share": draw(st.sampled_from([0.5, 1.0])),
            "max_consecutive": draw(st.integers(1, 2)),
        }
    if _maybe(draw, 20):
        rules["max_withdrawal"] = draw(st.sampled_from([0, 0.3]))
    if _maybe(draw, 15):
        rules["liaison_minutes"] = 15
    if _maybe(draw, 20):
        rules["break_after_minutes"] = draw(st.sampled_from([30, 60, 90]))
        rules["break_minutes"] = draw(st.sampled_from([15, 30]))
    if _maybe(draw, 30):
        rules["priorities"] = [d.value for d in draw(st.permutations(list(Demand)))]

    pins = []
    if _maybe(draw, 10):
        tasks = ["free", *(f"class:{c}" for c in class_ids), *(f"duty:{d['id']}" for d in duties)]
        tasks += [f"pupil:{p['id']}" for p in pupils if "ehcp" in p]
        tasks += [f"intervention:{x['id']}" for x in interventions]
        pins.append(
            {
                "staff": draw(st.sampled_from([a["id"] for a in staff])),
                "when": draw(st.sampled_from(week)),
                "task": draw(st.sampled_from(tasks)),
            }
        )

    return make_school(
        days=days,
        slots=slots,
        closed=closed,
        rules=rules,
        staff=staff,
        classes=[{"id": c} for c in class_ids],
        lessons=lessons,
        support=support,
        pupils=pupils,
        interventions=interventions,
        duties=duties,
        pins=pins,
        absences=absences,
    )


def _length(slot: dict[str, str]) -> int:
    start, end = (int(x[:2]) * 60 + int(x[3:]) for x in (slot["start"], slot["end"]))
    return end - start


# ---------------------------------------------------------------------------
# Every rota of a tiny school
# ---------------------------------------------------------------------------


def options(school: SchoolData, adult: str, day: str, slot: str) -> list[Option]:
    """What the adult could do in the slot, less options no other row can make valid."""

    def row(task: str, mode: str | None = None, pupils: list[str] | None = None) -> Row:
        return {
            "staff": adult,
            "day": day,
            "slot": slot,
            "task": task,
            "mode": mode,
            "pupils": pupils or [],
            "room": None,
        }

    found: list[Option] = [()]
    found += [(row(f"class:{c.id}"),) for c in school.classes]
    planned = [p.id for p in school.pupils if p.ehcp is not None]
    for size in range(1, len(planned) + 1):
        for group in itertools.combinations(planned, size):
            for mode in MODES:
                found.append(tuple(row(f"pupil:{p}", mode, [p]) for p in group))
    found += [(row(f"intervention:{i.id}", pupils=list(i.pupils)),) for i in school.interventions]
    found += [(row(f"duty:{d.id}"),) for d in school.duties]
    return [o for o in found if not o or not _broken_for_good(school, o)]


def _broken_for_good(school: SchoolData, option: Option) -> bool:
    report = verify(school, {"assignments": list(option)}, rows_only=True)
    return any(v.rule in MONOTONE_RULES for v in report.violations)


def cells(school: SchoolData) -> list[list[Option]]:
    days = school.calendar.days
    return [options(school, a.id, d, s.id) for a in school.staff for d in days for s in school.calendar.slots]


def rotas(grid: list[list[Option]]) -> Iterator[list[Row]]:
    for choice in itertools.product(*grid):
        yield [row for option in choice for row in option]


# ---------------------------------------------------------------------------
# Demand vectors, derived by the verifier
# ---------------------------------------------------------------------------

Tier = tuple[Demand, Priority | None]  # demands without priorities have None


def task_shortfalls(school: SchoolData, facts: Facts, rows: list[Row]) -> dict[str, tuple[Tier, int, float]]:
    """Per task: its tier, its shortfall in the solver's units (minutes; adult-minutes
    for duties and class support; session minutes for interventions) and in the
    verifier's (hours, slots, adult-slots, sessions), from the verifier's view of the
    rows, slot by slot."""
    parsed, problems = parse_rows(facts, rows)
    assert not problems, problems
    ix = Index.build(facts, parsed)
    out: dict[str, tuple[Tier, int, float]] = {}
    for p in school.pupils:
        if p.ehcp is not None:
            need = round(p.ehcp.hours * 60)
            minutes = max(0, need - ix.pupil_minutes(facts, p.id, ix.ehc_slots(p.id)))
            out[f"pupil:{p.id}"] = ((Demand.ehcp_hours, None), minutes, minutes / 60)
    for p in school.pupils:
        if p.medical is not None:
            skills = set(p.medical.skills)
            missed = [t for t in facts.when(p.medical.when) if not _near(facts, ix, p.id, skills, t)]
            minutes = sum(facts.minutes[s] for _, s in missed)
            out[f"medical:{p.id}"] = ((Demand.medical_cover, None), minutes, len(missed))
    for d in school.duties:
        on = ix.task_slots.get(f"duty:{d.id}", {})
        missing = {t: d.staff - min(d.staff, len({r.staff for r in on.get(t, ())})) for t in facts.duty_slots[d.id]}
        minutes = sum(n * facts.minutes[s] for (_, s), n in missing.items())
        out[f"duty:{d.id}"] = ((Demand.duties, d.priority), minutes, sum(missing.values()))
    for i in school.interventions:
        missing = max(0, i.sessions - len(ix.task_slots.get(f"intervention:{i.id}", {})))
        out[f"intervention:{i.id}"] = ((Demand.interventions, i.priority), missing * i.minutes, missing)
    for c, by_slot in facts.support_at.items():
        on = ix.task_slots.get(f"class:{c}", {})
        for t, support in by_slot.items():
            missing = support.staff - min(support.staff, len({r.staff for r in on.get(t, ())}))
            tier, minutes, count = out.get(f"class:{c}", ((Demand.class_support, support.priority), 0, 0))
            assert tier[1] == support.priority, "a class with support rows of two priorities"
            out[f"class:{c}"] = (tier, minutes + missing * facts.minutes[t[1]], count + missing)
    return out


def vector(school: SchoolData, shortfalls: dict[str, tuple[Tier, int, float]]) -> Vector:
    """The demand tiers in the school's order, duties, interventions and class support
    split high, normal, low (levels a school lacks are always 0)."""
    amounts: dict[Tier, int] = defaultdict(int)
    for tier, minutes, _ in shortfalls.values():
        amounts[tier] += minutes
    out: list[int] = []
    for demand in school.rules.priorities:
        levels = (Priority.high, Priority.normal, Priority.low) if demand in LEVELLED else (None,)
        out += [amounts.get((demand, level), 0) for level in levels]
    return tuple(out)


def judged(school: SchoolData, facts: Facts, rows: list[Row]) -> Vector | None:
    """The rota's demand vector, or None when the verifier finds it invalid. The
    verifier's own shortfall rows must agree with the slot-by-slot amounts."""
    report = verify(school, {"assignments": rows}, rows_only=True)
    if not report.ok:
        return None
    shortfalls = task_shortfalls(school, facts, rows)
    reported = {s["task"]: s["required"] - s["delivered"] for s in report.shortfalls}
    derived = {task: count for task, (_, _, count) in shortfalls.items() if count > 0}
    assert reported.keys() == derived.keys(), (report.shortfalls, shortfalls)
    for task, count in derived.items():
        assert math.isclose(reported[task], count, abs_tol=0.02), (task, report.shortfalls, shortfalls)
    return vector(school, shortfalls)


# ---------------------------------------------------------------------------
# Brute force against the solver
# ---------------------------------------------------------------------------


def brute_force(school: SchoolData, grid: list[list[Option]]) -> tuple[Vector, list[Row], int] | None:
    """The lexicographically smallest demand vector of any valid rota, one rota that
    has it, and how many valid rotas there are; None when no rota is valid."""
    facts = Facts(school)
    best: tuple[Vector, list[Row]] | None = None
    valid = 0
    for rows in rotas(grid):
        found = judged(school, facts, rows)
        if found is None:
            continue
        valid += 1
        if best is None or found < best[0]:
            best = (found, rows)
    return None if best is None else (*best, valid)


def solve(school: SchoolData) -> Rota:
    return tasched.solution.solve(school, workers=1, seed=0, time_limit=20)


def _cell_key(rows: list[Row] | Option) -> tuple[tuple[Any, ...], ...]:
    return tuple(sorted((r["task"], r["mode"], tuple(sorted(r["pupils"])), r["room"]) for r in rows))


def in_grid(school: SchoolData, grid: list[list[Option]], rows: list[Row]) -> bool:
    """Every cell of the rota is one of the options enumerated for it."""
    by_cell: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for r in rows:
        by_cell[r["staff"], r["day"], r["slot"]].append(r)
    names = [(a.id, d, s.id) for a in school.staff for d in school.calendar.days for s in school.calendar.slots]
    return all(
        _cell_key(by_cell.get(name, [])) in {_cell_key(o) for o in choices}
        for name, choices in zip(names, grid, strict=True)
    ) and set(by_cell) <= set(names)


def claimed_agrees(school: SchoolData, rota: Rota, shortfalls: dict[str, tuple[Tier, int, float]]) -> list[str]:
    """Where meta.tiers' `short` differs from the verifier's amounts (empty: none)."""
    amounts: dict[Tier, int] = defaultdict(int)
    for tier, minutes, _ in shortfalls.values():
        amounts[tier] += minutes
    seen: set[Demand] = set()
    wrong = []
    for t in rota.meta["tiers"]:
        if t["tier"] == "soft_goals":
            continue
        demand = Demand(t["tier"])
        seen.add(demand)
        if t.get("priority"):
            want = amounts[demand, Priority(t["priority"])]
        else:
            want = sum(v for (d, _), v in amounts.items() if d == demand)
        if t["short"] != want:
            wrong.append(f"{t['tier']} {t.get('priority') or ''}: solver says {t['short']}, verifier {want}")
    for (demand, level), minutes in amounts.items():
        if demand not in seen and minutes:
            wrong.append(f"{demand.value} {level or ''}: no tier in meta, verifier {minutes}")
    return wrong


def describe(school: SchoolData) -> str:
    return school.model_dump_json(by_alias=True, exclude_defaults=True)


def check_against_brute_force(school: SchoolData, grid: list[list[Option]]) -> None:
    best = brute_force(school, grid)
    if best is None:  # only pins make a week impossible: the solver says so, or refuses the pin
        try:
            rota = solve(school)
        except PinError:
            return
        assert rota.status == "no_rota" and not rota.assignments, (rota.meta, describe(school))
        return
    rota = solve(school)
    report = verify(school, rota.to_dict())
    assert report.ok, format_report(report)
    statuses = [(t["tier"], t.get("priority"), t["status"]) for t in rota.meta["tiers"]]
    assert all(status == "optimal" for *_, status in statuses), statuses
    assert in_grid(school, grid, rota.assignments), ("the solver's rota is outside the enumeration", rota.assignments)
    facts = Facts(school)
    mine = judged(school, facts, rota.assignments)
    assert mine is not None
    wrong = claimed_agrees(school, rota, task_shortfalls(school, facts, rota.assignments))
    assert not wrong, (wrong, rota.meta["tiers"], describe(school))
    optimum, witness, _ = best
    assert mine == optimum, (
        f"solver {mine} but brute force {optimum}\n"
        f"order: {[d.value for d in school.rules.priorities]}\n"
        f"school: {describe(school)}\nsolver rows: {rota.assignments}\nbetter rows: {witness}"
    )


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(tiny_schools())
def test_the_tiered_rota_is_the_lexicographic_optimum_of_every_rota(school: SchoolData) -> None:
    assume(not check_school(school))
    grid = cells(school)
    assume(math.prod(len(c) for c in grid) <= MAX_ROTAS)
    check_against_brute_force(school, grid)


# ---------------------------------------------------------------------------
# A school whose optimum is known
# ---------------------------------------------------------------------------


def one_slot_trade(**rules: Any) -> SchoolData:
    """One adult, one lesson: the EHC pupil's hour, or the high-priority class's."""
    return make_school(
        slots=[{"id": "L1", "start": "09:00", "end": "10:00", "kind": "lesson"}],
        rules=rules,
        staff=[{"id": "A", "hours": 1}],
        classes=[{"id": "Y1"}],
        support=[{"class": "Y1", "priority": "high"}],
        pupils=[{"id": "P1", "classes": ["Y1"], "ehcp": {"hours": 1}}],
    )


@pytest.mark.parametrize(
    ("rules", "task", "expected"),
    [
        # ehcp, medical, cover, duties h/n/l, interventions h/n/l, liaison, class support h/n/l
        ({}, "pupil:P1", (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 0, 0)),
        # class support h/n/l, ehcp, medical, cover, duties h/n/l, interventions h/n/l, liaison
        ({"priorities": ["class_support"]}, "class:Y1", (0, 0, 0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
    ],
)
def test_the_first_tier_gets_the_only_slot(rules: dict[str, Any], task: str, expected: Vector) -> None:
    school = one_slot_trade(**rules)
    grid = cells(school)
    best = brute_force(school, grid)
    assert best is not None
    assert best[0] == expected
    rota = solve(school)
    assert [r["task"] for r in rota.assignments] == [task]
    assert judged(school, Facts(school), rota.assignments) == expected
    check_against_brute_force(school, grid)


def test_a_single_slot_longer_than_break_after_minutes() -> None:
    """One 60-minute lesson and break_after_minutes 45: working it is a day with no break."""
    school = make_school(
        slots=[{"id": "L1", "start": "09:00", "end": "10:00", "kind": "lesson"}],
        rules={"break_after_minutes": 45, "break_minutes": 15},
        staff=[{"id": "A", "hours": 1}],
        classes=[{"id": "Y1"}],
        support=[{"class": "Y1"}],
    )
    check_against_brute_force(school, cells(school))


def test_sessions_that_count_for_ehcp_may_go_over_by_their_own_slot() -> None:
    """Plan: 1 h, pupil: rows only in the 15-minute S1. Two 45-minute sessions (S2, S3,
    an hour each) counting for EHC give 90 minutes: within 60 + 60 by the verifier, over
    60 + 15 by the solver, which holds one session (45 minutes short) where both fit."""
    school = make_school(
        slots=[
            {"id": "S1", "start": "09:00", "end": "09:15", "kind": "lesson"},
            {"id": "S2", "start": "09:15", "end": "10:15", "kind": "lesson"},
            {"id": "S3", "start": "10:15", "end": "11:15", "kind": "lesson"},
        ],
        staff=[{"id": "A", "hours": 3}, {"id": "B", "hours": 3}],
        classes=[{"id": "Y1"}],
        pupils=[{"id": "P1", "classes": ["Y1"], "ehcp": {"hours": 1, "when": "S1"}}],
        interventions=[
            {
                "id": "I1",
                "programme": "NELI",
                "pupils": ["P1"],
                "sessions": 2,
                "minutes": 45,
                "when": "S2, S3",
                "counts_for_ehcp": True,
                "one_per_day": False,
                "same_staff": False,
            }
        ],
    )
    check_against_brute_force(school, cells(school))
