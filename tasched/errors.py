"""Errors a user sees: each names the place (file:line or sheet!cell), the field and the fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    location: where it is, e.g. ``school.yaml:14`` or ``staff!C7`` (may be empty).
    field: the dotted path of the field, e.g. ``staff[2].hours``.
    message: what is wrong and how to fix it.
    """

    location: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.message}"


class InputError(Exception):
    """The input cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def field_path(path: tuple[str | int, ...] | list[str | int]) -> str:
    """The dotted form of a path into the document: ('staff', 2, 'hours') -> 'staff[2].hours'."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
