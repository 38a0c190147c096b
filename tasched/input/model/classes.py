"""Classes, their lessons, and the adult support each class wants (`classes`, `lessons`, `support`)."""

from __future__ import annotations

from pydantic import Field

from tasched.input.model.base import Id, Priority, Strict, When


class Class(Strict):
    id: Id
    teacher: str | None = Field(
        None,
        description=(
            "The class teacher: an id from `teachers` (then used for liaison and cover), or free text "
            "for people reading the file."
        ),
    )
    year: str | int | None = Field(None, description="Year group, e.g. R, 3, 10.")
    room: str | None = None
    max_adults: int | None = Field(
        None, ge=1, description="Most distinct adults giving the class support (its `support` rows) in a week."
    )


class Lesson(Strict):
    class_: Id = Field(alias="class", description="The class or teaching group.")
    when: When
    subject: str = Field(description="Subject taught, e.g. Ma, English.")
    teacher: Id | None = Field(
        None,
        description="The lesson's teacher, an id from `teachers`, where it varies by lesson (default: the class's).",
    )


class Support(Strict):
    class_: Id = Field(alias="class", description="The class wanting adult support.")
    when: When | None = Field(None, description="Default: every slot the class meets.")
    staff: int = Field(1, ge=1, le=10, description="Adults wanted per slot.")
    skills: list[str] = Field(default_factory=list, description="Every adult must have these.")
    subjects: list[str] = Field(default_factory=list, description="Prefer adults with these subjects.")
    priority: Priority = Priority.normal
