"""The `rules` section: the order of demands, rotation and liaison rules, cover, soft-goal weights, solver settings.

Every field has a default, so a school file may leave `rules` out altogether.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator

from tasched.input.model.base import Strict


class Demand(StrEnum):
    """The demand tiers, met in order (rules.priorities): each is as full as the rules allow
    before the next is considered."""

    ehcp_hours = "ehcp_hours"
    medical_cover = "medical_cover"
    cover = "cover"
    duties = "duties"
    interventions = "interventions"
    liaison = "liaison"
    class_support = "class_support"


DEFAULT_PRIORITIES = tuple(Demand)


class LiaisonMode(StrEnum):
    reserve = "reserve"
    joint = "joint"


class RotationRules(Strict):
    min_staff: int = Field(2, ge=1, description="Any EHC support in the week comes from at least this many adults.")
    max_share: float = Field(0.6, gt=0, le=1, description="Largest fraction of required EHC hours one adult may give.")
    max_consecutive: int = Field(2, ge=1, description="Most adjacent slots of a day with the same adult and pupil.")
    max_staff: int | None = Field(
        None, ge=1, description="Most distinct adults giving a pupil EHC support in a week (default: no limit)."
    )


class Weights(Strict):
    """Soft goals, applied after every demand. Each is a penalty per minute (or per unit named)."""

    class_continuity: float = Field(
        30, ge=0, description="Per extra distinct adult in a class's support over the week (primary, special)."
    )
    intervention_continuity: float = Field(
        30, ge=0, description="Per extra distinct adult delivering an intervention (when same_staff is false)."
    )
    duty_fairness: float = Field(20, ge=0, description="Per duty slot on the most-loaded adult, spreading duties.")
    idle: float = Field(1, ge=0, description="Per minute of contracted time left idle.")
    subject_match: float = Field(1, ge=0, description="Per minute of in-class support outside the adult's subjects.")
    preference: float = Field(
        1,
        ge=0,
        description=(
            "Per minute of preferred work missed: the most an adult could spend on tasks they prefer, "
            "less what they get."
        ),
    )
    overtime: float = Field(2, ge=0, description="Per minute of overtime used.")
    over_support: float = Field(
        2, ge=0, description="Per minute of EHC support beyond the plan's hours (within the one-slot cap)."
    )
    stability: float = Field(5, ge=0, description="Per minute changed from the previous rota (re-solves).")
    liaison_partners: float = Field(
        1,
        ge=0,
        description=(
            "joint liaison: per minute an adult supports the lessons of a teacher they do not meet, so meetings "
            "go to the teachers they support most."
        ),
    )
    liaison_timing: float = Field(
        1,
        ge=0,
        description=(
            "joint liaison: per minute of a meeting, per lesson of that teacher's the adult could support "
            "earlier in the week, so meetings come before the lessons concerned."
        ),
    )


class SolverSettings(Strict):
    time_limit: float = Field(30, gt=0, description="Seconds.")
    seed: int = Field(0, ge=0)
    workers: int = Field(
        2, ge=1, le=64, description="CP-SAT search workers (2 measured best on a 2-core machine; 1 is reproducible)."
    )
    adults_per_pupil: int | None = Field(
        None,
        ge=1,
        description=(
            "Most adults the solver considers for one pupil's EHC support, a limit on model size for large "
            "schools. Default: every adult when the school has at most 30, else 12 (those who prefer the pupil "
            "or their class first, then spread evenly). Pins and last week's supporters are always kept."
        ),
    )


class CoverRules(Strict):
    """Lesson cover for absent teachers (`teacher_absences`)."""

    roles: list[str] = Field(
        default_factory=lambda: ["HLTA"], description="Staff roles (`staff.role`) who may cover a lesson."
    )
    max_minutes: int = Field(180, ge=0, le=3000, description="Most minutes of cover one adult takes a week.")


class Rules(Strict):
    rotation: RotationRules = Field(default_factory=RotationRules)
    break_after_minutes: int = Field(360, ge=0, description="A day spanning more than this gets a break.")
    break_minutes: int = Field(20, ge=0, description="Length of the unassigned slot that is the break.")
    max_withdrawal: float = Field(0.2, ge=0, le=1, description="Fraction of lesson time a pupil may be out of class.")
    liaison_minutes: int = Field(0, ge=0, description="Per adult per week, kept free within contracted time.")
    liaison: LiaisonMode = Field(
        LiaisonMode.reserve,
        description=(
            "reserve: `liaison_minutes` are idle minutes kept inside contracted time. joint: they are meetings "
            "(`liaison:TEACHER` rows) with the teachers whose classes or pupils the adult supports most, in "
            "slots where both are free, inside the adult's hours (a demand tier, `liaison`)."
        ),
    )
    liaison_minutes_per_teacher: int | None = Field(
        None,
        ge=5,
        le=240,
        description="joint liaison: each teacher an adult meets gets at least this many minutes (default: any).",
    )
    priorities: list[Demand] = Field(
        default_factory=lambda: list(DEFAULT_PRIORITIES),
        description=(
            "The order in which demands are met, most important first. Each is met as fully as the rules allow "
            "before the next is considered; soft goals come after them all. Demands left out follow in the "
            "default order: ehcp_hours, medical_cover, cover, duties, interventions, liaison, class_support."
        ),
    )
    weights: Weights = Field(default_factory=Weights)
    cover: CoverRules = Field(default_factory=CoverRules)
    solver: SolverSettings = Field(default_factory=SolverSettings)
    rotate_withdrawals: int | None = Field(
        None,
        ge=1,
        le=260,
        description=(
            "`tasched term`: the most times in the term one pupil may be withdrawn from the same subject "
            "(from the same lesson slot, e.g. `Mon P2`, where lessons have no subjects). Default: no limit."
        ),
    )

    @field_validator("priorities")
    @classmethod
    def _each_demand_once(cls, value: list[Demand]) -> list[Demand]:
        seen = [d for i, d in enumerate(value) if d in value[:i]]
        if seen:
            raise ValueError(f"{seen[0].value} is listed twice; name each demand once, most important first")
        return [*value, *(d for d in DEFAULT_PRIORITIES if d not in value)]
