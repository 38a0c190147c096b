"""The work that is not lessons: interventions, duties, and the rooms interventions need."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from tasched.input.model.base import Id, Priority, Strict, When


class Paid(StrEnum):
    contract = "contract"
    extra = "extra"


class Intervention(Strict):
    id: Id
    programme: str = Field(description="e.g. NELI, Switch-on Reading, ELSA.")
    pupils: list[Id] = Field(min_length=1)
    sessions: int = Field(ge=1, le=20, description="Sessions per week.")
    minutes: int = Field(ge=5, le=240, description="Minutes per session; a session takes one slot at least this long.")
    skills: list[str] = Field(default_factory=list, description="The deliverer must have these (e.g. trained_neli).")
    same_staff: bool = Field(True, description="One adult delivers every session.")
    one_per_day: bool = Field(True, description="At most one session a day.")
    when: When = Field("lesson", description="Allowed slots.")
    avoid_subjects: list[str] = Field(
        default_factory=list, description="Never withdraw the pupils from these subjects."
    )
    room_kind: str | None = Field(None, description="Sessions need a room of this kind.")
    counts_for_ehcp: bool = Field(False, description="Session time counts toward the pupils' EHC hours.")
    priority: Priority = Priority.normal
    weeks: int | None = Field(
        None, ge=1, le=52, description="The programme's length in weeks (`tasched term`). Default: the whole term."
    )
    start_week: int = Field(1, ge=1, le=52, description="The term week the programme starts (weeks count from 1).")


class Duty(Strict):
    id: Id
    name: str = Field(description="e.g. Lunch supervision.")
    when: When
    staff: int = Field(1, ge=1, le=20, description="Adults per slot.")
    skills: list[str] = Field(default_factory=list, description="Every adult on the duty has these.")
    any_skills: list[str] = Field(default_factory=list, description="At least one adult on the duty has each of these.")
    paid: Paid = Field(Paid.contract, description="contract: counts toward contracted hours; extra: paid on top.")
    priority: Priority = Priority.normal


class Room(Strict):
    id: Id
    kind: str = Field(description="e.g. quiet, hub.")
    capacity: int = Field(1, ge=1, le=20, description="Sessions at once.")
