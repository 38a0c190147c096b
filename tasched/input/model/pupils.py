"""Pupils and their plans: EHC support (with a term's fade), rotation of adults, medical cover.

Pupil data is special-category personal data: a pupil carries a pseudonymous id,
and any field that would hold a name or date of birth is refused.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from tasched.input.model.base import Id, Strict, When

NEED_CODES = (
    "SPLD",
    "MLD",
    "SLD",
    "PMLD",
    "SEMH",
    "SLCN",
    "ASD",
    "HI",
    "VI",
    "MSI",
    "PD",
    "DS",
    "OTH",
    "NSA",
)


# Fields that would name a pupil or give their date of birth: refused wherever pupils are read.
PUPIL_NAME_KEYS = ("name", "first_name", "surname", "last_name", "full_name", "dob", "date_of_birth")


class EhcpMode(StrEnum):
    in_class = "in_class"
    withdrawn = "withdrawn"
    any = "any"


class Fade(Strict):
    """A planned step-down of EHC hours over a term: `hours` until `from_week`, then evenly
    down (or up) to `to_hours` by `by_week`, rounded to the nearest half hour."""

    to_hours: float = Field(gt=0, le=40, description="Hours a week at the end of the fade.")
    from_week: int = Field(ge=1, le=52, description="Last week at the plan's `hours` (weeks count from 1).")
    by_week: int = Field(ge=1, le=52, description="First week at `to_hours`; after `from_week`.")

    @model_validator(mode="after")
    def _in_order(self) -> Fade:
        if self.by_week <= self.from_week:
            raise ValueError(f"by_week {self.by_week} is not after from_week {self.from_week}")
        return self


class Ehcp(Strict):
    hours: float = Field(gt=0, le=40, description="Section F support hours per week.")
    mode: EhcpMode = Field(EhcpMode.in_class, description="in_class | withdrawn | any.")
    group_max: int = Field(
        1, ge=1, le=12, description="1 = one-to-one; N > 1 lets one adult support up to N pupils together."
    )
    adults: Literal[1, 2] = Field(1, description="Adults at once: 1, or 2 for 2:1 support.")
    skills: list[str] = Field(default_factory=list, description="Every supporting adult must have these.")
    when: When | None = Field(None, description="Slots in which support may be given (default: the pupil's lessons).")
    subjects: list[str] | None = Field(None, description="Support only in these subjects.")
    fade: Fade | Annotated[list[Annotated[float, Field(gt=0, le=40)]], Field(min_length=1, max_length=52)] | None = (
        Field(
            None,
            description=(
                "A term's planned step-down of hours (`tasched term`): `{to_hours, from_week, by_week}`, or the "
                "hours of each week in order (the last repeats). Never below `floor_hours`."
            ),
        )
    )
    floor_hours: float | None = Field(
        None,
        gt=0,
        le=40,
        description="The statutory floor a fade may not go below, where the plan allows less than `hours`. "
        "Default: `hours`.",
    )


class Rotation(Strict):
    min_staff: int | None = Field(None, ge=1, description="Distinct adults giving the pupil's support.")
    max_share: float | None = Field(None, gt=0, le=1, description="Largest share of required hours from one adult.")
    max_consecutive: int | None = Field(None, ge=1, description="Most adjacent slots with the same adult.")
    max_staff: int | None = Field(None, ge=1, description="Most distinct adults giving the pupil's support in a week.")


class Medical(Strict):
    skills: list[str] = Field(min_length=1, description="An adult with these skills is near the pupil.")
    when: When = Field("*", description="When the cover is needed.")


class Pupil(Strict):
    id: Id = Field(description="A pseudonymous id, never a name.")
    classes: list[Id] = Field(min_length=1, description="The pupil's classes or teaching groups.")
    need: str | None = Field(None, description="Census primary need code: " + ", ".join(NEED_CODES) + ".")
    ehcp: Ehcp | None = None
    rotation: Rotation | None = None
    medical: Medical | None = None
    max_withdrawal: float | None = Field(None, ge=0, le=1, description="Largest fraction of lesson time out of class.")

    @model_validator(mode="before")
    @classmethod
    def _no_names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in PUPIL_NAME_KEYS:
                if key in data:
                    raise ValueError(
                        f"pupils carry no `{key}`: pupil data is special-category personal data "
                        "(UK GDPR); use a pseudonymous id and keep names out of this file"
                    )
        return data

    @field_validator("need")
    @classmethod
    def _need(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if code not in NEED_CODES:
            raise ValueError(f"{value!r} is not a census need code; use one of {', '.join(NEED_CODES)}")
        return code
