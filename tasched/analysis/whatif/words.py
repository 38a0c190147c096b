"""How the what-if comparison words lists, pupils and hours in its sentences."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["and_list", "hours_text", "pupils_text"]


def and_list(items: Sequence[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def pupils_text(ids: Sequence[str]) -> str:
    return ("pupil " if len(ids) == 1 else "pupils ") + and_list(ids)


def hours_text(value: float) -> str:
    return f"{round(value, 2):g}"
