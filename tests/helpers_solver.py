"""Tiny schools for solver tests, and a solve that insists on a valid, optimal rota.

`make_school(**sections)` builds a SchoolData from Python lists of dicts over a small
default week (one day: P1, P2 lessons, LU lunch, P3 lesson, all an hour but lunch). Its
default rules are relaxed (rotation, withdrawal) so that each test meets only the rule
it is about; a test that is about one of them sets it again through `rules=`.

`solve_ok(school)` solves with one worker and seed 0, and asserts the rota is optimal
and valid by the independent verifier. `without(...)` and `loosen(...)` describe how to
take a rule out of the model, so a test can show that it fails once its rule is gone.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest

import tasched.problem.compile
import tasched.solution
import tasched.solver
from tasched.input.model import SchoolData
from tasched.input.when import parse_when
from tasched.problem.compile import Problem
from tasched.solution.rota import Rota
from tasched.verify import format_report, verify

Row = dict[str, Any]

# P1 09:00-10:00, P2 10:00-11:00, LU 11:00-11:40 (lunch), P3 11:40-12:40.
SLOTS: list[dict[str, str]] = [
    {"id": "P1", "start": "09:00", "end": "10:00", "kind": "lesson"},
    {"id": "P2", "start": "10:00", "end": "11:00", "kind": "lesson"},
    {"id": "LU", "start": "11:00", "end": "11:40", "kind": "lunch"},
    {"id": "P3", "start": "11:40", "end": "12:40", "kind": "lesson"},
]

# Relaxed so that rotation and withdrawal never bind unless a test asks them to.
RELAXED_RULES: dict[str, Any] = {
    "rotation": {"min_staff": 1, "max_share": 1.0, "max_consecutive": 12},
    "max_withdrawal": 1.0,
}

SOLVE_SETTINGS: dict[str, Any] = {"workers": 1, "seed": 0, "time_limit": 10}


def make_school(
    *,
    days: Iterable[str] = ("Mon",),
    slots: list[dict[str, str]] | None = None,
    closed: str | None = None,
    rules: dict[str, Any] | None = None,
    phase: str = "primary",
    **sections: Any,
) -> SchoolData:
    """A validated school: the default week, relaxed rules, and the given sections.

    `rules` is merged over RELAXED_RULES (one level deep: `rotation` and `weights`
    keys are merged, not replaced). Staff rows get `role: TA` unless they say otherwise.
    """
    merged = copy.deepcopy(RELAXED_RULES)
    for key, value in (rules or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    calendar: dict[str, Any] = {"days": list(days), "slots": slots or SLOTS}
    if closed is not None:
        calendar["closed"] = closed
    staff = [{"role": "TA", **row} for row in sections.pop("staff", [])]
    document = {
        "school": {"name": "Tiny", "phase": phase},
        "calendar": calendar,
        "staff": staff,
        "rules": merged,
        **sections,
    }
    return SchoolData.model_validate(document)


def solve_ok(school: SchoolData, **kw: Any) -> Rota:
    """Solve reproducibly; the rota must be optimal and pass the independent verifier."""
    rota = tasched.solution.solve(school, **{**SOLVE_SETTINGS, **kw})
    assert rota.meta["status"] == "optimal", f"status {rota.meta['status']}: {rota.meta}"
    report = verify(school, rota.to_dict())
    assert report.ok, format_report(report) + "\n" + show(rota)
    return rota


def solve_any(school: SchoolData, **kw: Any) -> Rota:
    """Solve with no checks on the rota (for a model with a rule taken out).

    No rota at all is an error, not a failed assertion: a test with its rule dropped
    must fail on what it asserts, not because there was nothing to look at.
    """
    rota = tasched.solution.solve(school, **{**SOLVE_SETTINGS, **kw})
    if rota.meta["status"] not in ("optimal", "feasible"):
        raise RuntimeError(f"no rota once the rule was dropped: {rota.meta}")
    return rota


# ---------------------------------------------------------------------------
# Reading a rota
# ---------------------------------------------------------------------------


def rows(rota: Rota, **match: Any) -> list[Row]:
    """The rota's rows whose fields equal the given ones, e.g. rows(rota, staff="A")."""
    return [r for r in rota.assignments if all(r.get(k) == v for k, v in match.items())]


def slots_of(rota: Rota, **match: Any) -> list[str]:
    """Sorted 'Day Slot' labels of the matching rows (repeats kept)."""
    return sorted(f"{r['day']} {r['slot']}" for r in rows(rota, **match))


def shortfall(rota: Rota, task: str) -> dict[str, Any] | None:
    """The shortfall row of a task, or None when the demand was met."""
    found = [s for s in rota.shortfalls if s["task"] == task]
    assert len(found) <= 1, f"two shortfall rows for {task}: {found}"
    return found[0] if found else None


def assert_shortfall(rota: Rota, task: str, required: float, delivered: float, unit: str) -> None:
    """The demand's shortfall row exists with these amounts and a non-empty reason."""
    row = shortfall(rota, task)
    assert row is not None, f"no shortfall for {task}: {rota.shortfalls}"
    assert (row["required"], row["delivered"], row["unit"]) == (required, delivered, unit), row
    assert isinstance(row.get("reason"), str) and row["reason"].strip(), row


def show(rota: Rota) -> str:
    """The rows and shortfalls, one a line, for failure messages."""
    lines = [
        f"  {r['staff']} {r['day']} {r['slot']} {r['task']} {r['mode'] or ''} {r['room'] or ''}"
        for r in rota.assignments
    ]
    lines += [f"  short {s}" for s in rota.shortfalls]
    return "rota:\n" + "\n".join(lines)


# ---------------------------------------------------------------------------
# Taking a rule out of the model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Drop:
    """A way to take one rule out of the model, applied through monkeypatch."""

    name: str
    apply: Callable[[pytest.MonkeyPatch], None]


def without(*functions: Callable[..., None]) -> Drop:
    """Remove functions from tasched.solver.HARD_RULES, DEMANDS or SOFT_GOALS."""

    def apply(monkeypatch: pytest.MonkeyPatch) -> None:
        for function in functions:
            for group in ("HARD_RULES", "DEMANDS", "SOFT_GOALS"):
                listed = getattr(tasched.solver, group)
                if function in listed:
                    kept = tuple(f for f in listed if f is not function)
                    monkeypatch.setattr(tasched.solver, group, kept)
                    break
            else:
                raise LookupError(f"{function.__name__} is not in the model's functions")

    return Drop(" and ".join(f.__name__ for f in functions), apply)


def loosen(name: str, change: Callable[[Problem], None]) -> Drop:
    """Change the compiled problem before the model is built (rules enforced in compile)."""

    def apply(monkeypatch: pytest.MonkeyPatch) -> None:
        compile_problem = tasched.solver.compile_problem

        def compiled(data: SchoolData, **options: Any) -> Problem:
            problem = compile_problem(data, **options)
            change(problem)
            return problem

        monkeypatch.setattr(tasched.solver, "compile_problem", compiled)

    return Drop(name, apply)


def eligible_ignoring(what: str) -> Drop:
    """Candidates for every task ignore `works` (availability) or `skills`."""

    def eligible(adults: list[Any], skills: frozenset[str], t: int) -> list[int]:
        return [a.index for a in adults if (what == "works" or t in a.works) and (what == "skills" or a.can(skills))]

    def apply(monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(tasched.problem.compile, "_eligible", eligible)

    return Drop(f"candidates ignore {what}", apply)


def intervention_slots_ignoring(what: str) -> Drop:
    """Sessions may sit at any week slot, ignoring one of the intervention's filters:
    `when`, `minutes` (slot long enough) or `avoid_subjects`."""
    assert what in ("when", "minutes", "avoid_subjects")

    def change(problem: Problem) -> None:
        index = {(s.day, s.slot): s.index for s in problem.slots}
        for info, spec in zip(problem.interventions, problem.data.interventions, strict=True):
            named = {index[p] for p in parse_when(spec.when, problem.shape) if p in index}
            allowed = []
            for slot in problem.slots:
                t = slot.index
                if what != "when" and t not in named:
                    continue
                if what != "minutes" and slot.minutes < spec.minutes:
                    continue
                if what != "avoid_subjects" and any(
                    problem.subject_at.get((problem.pupils[p].place.get(t, ""), t)) in spec.avoid_subjects
                    for p in info.pupils
                ):
                    continue
                allowed.append(t)
            info.slots = allowed
            info.candidates = {
                t: [a.index for a in problem.adults if t in a.works and a.can(info.skills)] for t in allowed
            }

    return loosen(f"intervention slots ignore {what}", change)
