"""The term a `tasched term` plan covers: its weeks and the days closed in given weeks."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from tasched.input.model.base import Id, Strict, When


class ClosedWeek(Strict):
    week: int = Field(ge=1, le=52, description="The term week (counting from 1).")
    when: When = Field(description="The slots closed that week, e.g. `Mon` for a bank holiday.")
    reason: str | None = Field(None, description="e.g. bank holiday, INSET day.")


class Term(Strict):
    """The term a `tasched term` plan covers: its weeks, the days each week is closed, where the plan starts."""

    weeks: int | Annotated[list[Id], Field(min_length=1, max_length=52)] = Field(
        description="How many weeks (e.g. `12`), or their labels in order (e.g. `[A1, B1, A2]`).",
    )
    closed: list[ClosedWeek] = Field(
        default_factory=list, description="Days or slots closed in given weeks, on top of `calendar.closed`."
    )
    start_week: int = Field(1, ge=1, le=52, description="The first week to plan (earlier weeks are not solved).")

    @field_validator("weeks")
    @classmethod
    def _weeks(cls, value: int | list[str]) -> int | list[str]:
        if isinstance(value, int) and not 1 <= value <= 52:
            raise ValueError(f"a term has 1 to 52 weeks, not {value}")
        if isinstance(value, list) and len(set(value)) != len(value):
            raise ValueError("week labels must be different")
        return value

    @property
    def labels(self) -> list[str]:
        """The weeks' labels: as given, or `1`, `2`, … for a count."""
        if isinstance(self.weeks, int):
            return [str(w) for w in range(1, self.weeks + 1)]
        return list(self.weeks)
