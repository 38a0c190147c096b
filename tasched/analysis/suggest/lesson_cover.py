"""The rules of lesson cover (docs/rules.md, cover) as suggest judges one adult for a
`cover:CLASS` lesson: their role is one of `rules.cover.roles`, the lesson has one adult,
their cover stays within `rules.cover.max_minutes` a week, and no pupil loses medical cover.

EHC support and medical cover rows are never dropped for cover because the judge values
them above it (the demand tiers: EHC hours, medical cover, lesson cover, duties...).
"""

from __future__ import annotations

from tasched.analysis.suggest.state import WeekState
from tasched.problem.compile import Adult
from tasched.problem.compile import Problem as Compiled

COVER = "cover:"


def is_cover(task: str) -> bool:
    return task.startswith(COVER)


def cover_before_problems(state: WeekState, adult: Adult, class_id: str, t: int) -> list[str]:
    """Before any change: the adult's role may cover, and nobody else covers the lesson then."""
    return _role_problems(state.prob, adult) + _taken_problems(state, class_id, adult.id, t)


def cover_after_problems(state: WeekState, adult: Adult, medical_lost: list[str]) -> list[str]:
    """After the change: within the week's cover minutes, and no medical cover given up for it."""
    return _minutes_problems(state, adult) + [f"would leave {p} without medical cover" for p in medical_lost]


def _role_problems(prob: Compiled, adult: Adult) -> list[str]:
    role = prob.data.staff[adult.index].role
    roles = prob.data.rules.cover.roles
    if role in roles:
        return []
    allowed = ", ".join(roles) if roles else "none"
    return [f"not a cover role: {role} may not cover a lesson (rules.cover.roles: {allowed})"]


def _taken_problems(state: WeekState, class_id: str, adult: str, t: int) -> list[str]:
    """One adult covers a lesson."""
    others = sorted({str(r["staff"]) for r in state.rows_doing(t, f"{COVER}{class_id}")} - {adult})
    return [f"{class_id} is already covered then by {', '.join(others)}"] if others else []


def cover_minutes(state: WeekState, adult: str) -> int:
    """The minutes of lessons the adult covers this week, as the week stands."""
    return sum(
        state.prob.slots[t].minutes
        for t in state.slots_of.get(adult, ())
        if any(is_cover(str(r["task"])) for r in state.rows(adult, t))
    )


def _minutes_problems(state: WeekState, adult: Adult) -> list[str]:
    most = state.prob.data.rules.cover.max_minutes
    covered = cover_minutes(state, adult.id)
    if covered <= most:
        return []
    return [f"cover max_minutes: would cover {covered} minutes this week (rules.cover.max_minutes: {most})"]
