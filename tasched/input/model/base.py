"""What every section of the school file shares: strict parsing, ids, when-expressions, task references.

Each input type derives from :class:`Strict`, so an unknown field is an error and
never ignored; ids, when-expressions and task references are annotated strings
whose descriptions the JSON Schema carries.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

FORMAT_VERSION = 1

_TASK = re.compile(r"^(class|pupil|intervention|duty|liaison|cover):(.+)$|^free$")


class Strict(BaseModel):
    """Base for every input type: unknown fields are an error, never ignored.

    Numbers are accepted where text is expected (room 101, pupil id 4021 written
    unquoted in YAML); infinities and NaN are refused wherever a number is.
    """

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        str_strip_whitespace=True,
        coerce_numbers_to_str=True,
        allow_inf_nan=False,
    )


class Priority(StrEnum):
    high = "high"
    normal = "normal"
    low = "low"


Id = Annotated[str, Field(min_length=1, description="An id: case-sensitive, unique in its section.")]


When = Annotated[
    str,
    Field(
        description=(
            "A when-expression: `*`, `Mon`, `Mon-Wed`, `P1`, `P1-P3`, a slot kind "
            "(`lesson`, `break`, `lunch`, `before_school`, `after_school`, `registration`), "
            "`Mon P1`, `Tue lunch`, or several joined by commas."
        ),
        examples=["*", "Mon-Wed P1-P3", "Tue lunch, Thu P4"],
    ),
]


TaskRef = Annotated[
    str,
    Field(
        pattern=_TASK.pattern,
        description=(
            "A task: `class:ID`, `pupil:ID`, `intervention:ID`, `duty:ID`, `liaison:TEACHER` (a joint liaison "
            "meeting), `cover:CLASS` (covering an absent teacher's lesson) or `free`."
        ),
    ),
]


def minutes_of(hhmm: str) -> int:
    """Minutes after midnight of an `HH:MM` time."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def document_config(kind: str) -> ConfigDict:
    """The settings of a whole file's document (`school`, `trust`): its schema's title and `$id`."""
    return ConfigDict(
        extra="forbid",
        populate_by_name=True,
        title=f"tasched {kind}, format version {FORMAT_VERSION}",
        json_schema_extra={"$id": f"https://tasched.org/schemas/{kind}.schema.json"},
    )


def document_schema(document: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a whole file's document (by alias, as written in YAML)."""
    schema = document.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
