"""The school and its week: the `school` and `calendar` sections.

A slot's times are read leniently (YAML 1.1 reads an unquoted 08:50 as a number)
and written back as HH:MM; its length is what it costs in contracted time.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_validator

from tasched.input.model.base import Id, Strict, When, minutes_of

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Phase(StrEnum):
    primary = "primary"
    secondary = "secondary"
    special = "special"
    all_through = "all_through"


class SlotKind(StrEnum):
    lesson = "lesson"
    registration = "registration"
    break_ = "break"
    lunch = "lunch"
    before_school = "before_school"
    after_school = "after_school"


class School(Strict):
    name: str = Field(description="The school's name.")
    phase: Phase = Field(description="primary | secondary | special | all_through.")
    urn: str | int | None = Field(None, description="DfE unique reference number.")
    paid_weeks: float = Field(
        43.6, gt=0, le=52.2, description="Weeks of pay a year, used for annual cost (term-time only: 43.6)."
    )
    oncost: float = Field(0.0, ge=0, le=2, description="Employer on-cost fraction added to pay (0.28 = 28%).")


class Slot(Strict):
    id: Id
    start: str = Field(description="Start time, HH:MM (24-hour).", examples=["08:50"])
    end: str = Field(description="End time, HH:MM; after start.", examples=["09:50"])
    kind: SlotKind = Field(description="lesson | registration | break | lunch | before_school | after_school.")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 08:50 as the sexagesimal integer 530.
            value = f"{value // 60:02d}:{value % 60:02d}"
        if not isinstance(value, str) or not _TIME.match(value.strip()):
            raise ValueError(f'{value!r} is not a time; write it as HH:MM, e.g. "09:15"')
        hours, minutes = value.strip().split(":")
        return f"{int(hours):02d}:{minutes}"

    @model_validator(mode="after")
    def _ends_after_start(self) -> Slot:
        if minutes_of(self.end) <= minutes_of(self.start):
            raise ValueError(f"slot {self.id} ends at {self.end}, not after its start {self.start}")
        return self

    @property
    def minutes(self) -> int:
        """A slot's length in minutes is what it costs in contracted time."""
        return minutes_of(self.end) - minutes_of(self.start)


class Calendar(Strict):
    days: list[Id] = Field(
        default_factory=lambda: ["Mon", "Tue", "Wed", "Thu", "Fri"],
        min_length=1,
        description="The school days, in order.",
    )
    slots: list[Slot] = Field(min_length=1, description="The day's slots, in time order; they never overlap.")
    closed: When | None = Field(None, description="Slots that do not run this week, e.g. `Fri P5`.")
