"""A parsed school file with the line of every key and list item, and the limits on what is read.

Every reading step reports where a problem is through a Document (``FILE:LINE``)
and fails through ``_fail``, so messages look the same whichever step finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tasched.errors import InputError, Problem

__all__ = ["MAX_BYTES", "MAX_DEPTH", "TOO_DEEP", "VALUE_ALLOWANCE", "DocPath", "Document", "Locate"]

DocPath = tuple[str | int, ...]
Locate = Callable[[DocPath], str]

# Limits that keep a wrong or hostile file from exhausting time or memory. A large
# secondary school is about 0.1 MB of YAML and nests five levels deep.
MAX_BYTES = 10_000_000
"""Largest school file read, in bytes; a larger one is refused before it is read."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings read."""
VALUE_ALLOWANCE = 100_000
"""Values a document may hold beyond two per character of its text (room for aliases)."""

TOO_DEEP = (
    f"lists and mappings are nested more than {MAX_DEPTH} deep; a school file needs no more "
    "than six levels: look for a run of `[`, `{` or `- ` that is never closed"
)


@dataclass
class Document:
    """A parsed file: plain data plus the line of every key and list item.

    ``lines`` maps a path (keys and indices, e.g. ``('staff', 2, 'hours')``) to
    the 1-based line of that key or list item. ``problems`` holds what was wrong
    but not fatal to reading (duplicate keys).
    """

    name: str
    data: Any
    lines: dict[DocPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Iterable[str | int]) -> int:
        """The line of a path, or of its nearest recorded ancestor (a missing field's parent)."""
        parts = tuple(path)
        while parts and parts not in self.lines:
            parts = parts[:-1]
        return self.lines.get(parts, 1)

    def locate(self, path: DocPath) -> str:
        """`FILE:LINE` of a path."""
        return f"{self.name}:{self.line(path)}"


def _check_size(size: int, name: str) -> None:
    """Refuse a file larger than MAX_BYTES before reading it."""
    if size > MAX_BYTES:
        raise _fail(
            name,
            f"the file is {size / 1e6:.1f} MB, larger than the {MAX_BYTES / 1e6:g} MB tasched "
            "reads; a school file is far smaller (a large secondary is about 0.1 MB): check "
            "that this is the school file, and keep only the pupils the rota concerns",
        )


def _fail(name: str, message: str, line: int | None = None) -> InputError:
    """The error for a file that cannot be read at all: one problem, at its line where known."""
    location = f"{name}:{line}" if line else name
    return InputError([Problem(location, "", message)])
