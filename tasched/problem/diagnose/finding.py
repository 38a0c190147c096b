"""A diagnosis finding, and how findings word hours, skills, adults and slots.

Shared by every check of :mod:`tasched.problem.diagnose`, so each message reads alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tasched.problem.model import Problem
from tasched.problem.pupils import EhcPlan

__all__ = [
    "Finding",
    "eligible_adults",
    "hours_text",
    "labels",
    "nobody_holds",
    "skills_text",
    "supportable_minutes",
    "unheld",
    "who",
]


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" | "warning"
    task: str
    message: str
    where: tuple[str | int, ...] | None = None  # the field it is about, when not the task's own place

    def __str__(self) -> str:
        return f"{self.severity}: {self.task}: {self.message}"


def eligible_adults(plan: EhcPlan) -> set[int]:
    """The adults who may give the plan's support at any of its slots."""
    return {a for t in plan.slots for a in plan.candidates[t]}


def supportable_minutes(prob: Problem, plan: EhcPlan) -> int:
    """Minutes of the plan's slots in which enough eligible adults work: the most the week can hold."""
    return sum(prob.slots[t].minutes for t in plan.slots if len(plan.candidates[t]) >= plan.adults)


def unheld(prob: Problem, skills: Iterable[str]) -> list[str]:
    """The skills no adult holds at all."""
    held = {skill for adult in prob.adults for skill in adult.skills}
    return sorted(set(skills) - held)


def nobody_holds(skills: list[str]) -> str:
    """`adults with A and B, but no adult holds them`."""
    return f"adults with {' and '.join(skills)}, but no adult holds {'it' if len(skills) == 1 else 'them'}"


def hours_text(minutes: float) -> str:
    """Minutes as hours for a message: 280 -> '4.67', 240 -> '4'."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def skills_text(skills: frozenset[str]) -> str:
    return " and ".join(sorted(skills))


def who(prob: Problem, adults: set[int]) -> str:
    names = [prob.adults[a].id for a in sorted(adults)]
    return ", ".join(names) if names else "nobody"


def labels(prob: Problem, slots: list[int], most: int = 5) -> str:
    """The slots' labels, the first `most` of them and a count of the rest."""
    text = [prob.slots[t].label for t in sorted(slots)]
    if len(text) > most:
        return ", ".join(text[:most]) + f" and {len(text) - most} more"
    return ", ".join(text)
