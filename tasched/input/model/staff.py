"""The adults: support staff and teachers, their absences and pins, and people who fill several staff rows.

Staff rows carry contracts, skills and preferences; teachers matter for liaison
and cover; `people` ties together the rows one adult fills (a trust's joint solve).
"""

from __future__ import annotations

from pydantic import Field

from tasched.input.model.base import Id, Strict, TaskRef, When


class Staff(Strict):
    id: Id
    name: str | None = Field(None, description="Display name (optional; staff only, never pupils).")
    role: str = Field(description="Free text, e.g. TA2, TA3, HLTA.")
    hours: float = Field(gt=0, le=60, description="Contracted hours per week.")
    available: When = Field("*", description="When the adult works.")
    unavailable: When | None = Field(None, description="When the adult does not work (removed from available).")
    hourly_cost: float | None = Field(None, ge=0, description="Pay per hour in GBP, before on-cost.")
    skills: list[str] = Field(default_factory=list, description="Skill tags, e.g. team_teach, first_aid, elsa.")
    subjects: list[str] = Field(default_factory=list, description="Subjects the adult knows (secondary).")
    max_duties: int | None = Field(None, ge=0, description="Most duty slots a week.")
    overtime_hours: float = Field(0, ge=0, description="Extra paid hours allowed a week beyond `hours`.")
    prefer: list[TaskRef] = Field(default_factory=list, description="Tasks to favour for this adult.")


class Teacher(Strict):
    id: Id = Field(description="The teacher's id, e.g. initials from the timetable.")
    name: str | None = Field(None, description="Display name (optional).")
    available: When = Field("*", description="When the teacher is in school.")
    unavailable: When | None = Field(None, description="When the teacher is not (removed from available).")


class Pin(Strict):
    staff: Id
    when: When
    task: TaskRef


class Absence(Strict):
    staff: Id
    when: When = "*"


class TeacherAbsence(Strict):
    teacher: Id = Field(description="A teacher's id (`teachers`).")
    when: When = Field("*", description="When they are away: their lessons then need cover.")


class Travel(Strict):
    between: list[Id] = Field(
        min_length=2, max_length=2, description="Two staff rows of the person, e.g. `[A/TA12, B/TA12]`."
    )
    minutes: int = Field(ge=0, le=240, description="Minutes to get from one row's site to the other's.")


class Person(Strict):
    """One adult who fills several staff rows, e.g. one row per school in a trust's joint solve."""

    id: Id = Field(description="The person's id.")
    staff: list[Id] = Field(min_length=2, description="The staff rows this adult fills (each row's own rules apply).")
    hours: float | None = Field(
        None, gt=0, le=60, description="Contracted hours a week across all their rows (default: no total limit)."
    )
    travel: list[Travel] = Field(
        default_factory=list,
        description=(
            "Travel time between two of the rows: a task in one row and a task in the other on the same day are "
            "at least this many minutes apart."
        ),
    )
