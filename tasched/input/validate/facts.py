"""What every cross-field check shares: the school, where each path sits in the file, the problems found.

The facts computed from the whole school (when each class meets, each pupil's
place in each slot, the subject of each lesson) are worked out leniently here, so
that a bad when-expression is reported once and counts as naming nothing after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tasched.errors import Problem, field_path
from tasched.input.model import SchoolData
from tasched.input.validate.salvage import Partial
from tasched.input.week import pupil_places, shape_of
from tasched.input.when import DaySlot, WeekShape, WhenError, parse_when

DocPath = tuple[str | int, ...]
Locate = Callable[[DocPath], str]


def nowhere(path: DocPath) -> str:
    """The locator for a school not read from a file: no place to name."""
    return ""


@dataclass
class SchoolFacts:
    """The school plus facts computed once, leniently: bad expressions count as naming nothing."""

    data: SchoolData
    locate: Locate
    partial: Partial
    problems: list[Problem] = field(default_factory=list)
    shape: WeekShape = field(init=False)
    _when: dict[DocPath, set[DaySlot] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.shape = shape_of(self.data)

    def in_file(self, path: DocPath) -> DocPath:
        """A path into ``data`` as a path into the file (items the model refused are left out)."""
        if len(path) > 1 and isinstance(path[0], str) and isinstance(path[1], int):
            return (path[0], self.partial.raw_index(path[0], path[1]), *path[2:])
        return path

    def name(self, section: str, i: int) -> str:
        """`staff[3]`: an item as the file numbers it."""
        return f"{section}[{self.partial.raw_index(section, i)}]"

    def add(self, path: DocPath, message: str) -> None:
        where = self.in_file(path)
        self.problems.append(Problem(self.locate(where), field_path(where), message))

    def when(self, path: DocPath, expr: str | None) -> set[DaySlot] | None:
        """The slots an expression names, or None when it does not parse (reported once)."""
        if path not in self._when:
            try:
                self._when[path] = parse_when(expr, self.shape)
            except WhenError as error:
                self._when[path] = None
                self.add(path, f"{error}")
        return self._when[path]

    @property
    def week(self) -> set[DaySlot]:
        closed = self.when(("calendar", "closed"), self.data.calendar.closed) or set()
        return self.shape.everything() - closed

    def meetings(self) -> dict[str, set[DaySlot]]:
        """When each class meets (see docs/rules.md), skipping lessons that do not parse."""
        listed: dict[str, set[DaySlot]] = defaultdict(set)
        for i, lesson in enumerate(self.data.lessons):
            listed[lesson.class_] |= self.when(("lessons", i, "when"), lesson.when) or set()
        lesson_kind = {(d, s) for d, s in self.shape.everything() if self.shape.kinds[s] == "lesson"}
        week = self.week
        return {c.id: listed.get(c.id, lesson_kind) & week for c in self.data.classes}

    def places(self) -> dict[str, dict[DaySlot, str]]:
        """Each pupil's class at each slot where one of their classes meets (first listed wins)."""
        return pupil_places(self.data, self.meetings())

    def subjects(self) -> dict[tuple[str, DaySlot], str]:
        result: dict[tuple[str, DaySlot], str] = {}
        for i, lesson in enumerate(self.data.lessons):
            for slot in self.when(("lessons", i, "when"), lesson.when) or set():
                result[(lesson.class_, slot)] = lesson.subject
        return result

    def slot_names(self, slots: Iterable[DaySlot], limit: int = 4) -> str:
        ordered = sorted(slots)
        names = [f"{self.shape.days[d]} {self.shape.slots[s]}" for d, s in ordered[:limit]]
        more = len(ordered) - limit
        return ", ".join(names) + (f" and {more} more" if more > 0 else "")
