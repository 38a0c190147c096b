"""What the staffing analyses share (what-if, trust what-if, cheapest staffing): a school
with only some of its adults, the pay factor, the solve settings, and writing an answer.

Each analysis solves variants of one school with the same settings, so these must
agree between them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from tasched.input.model import SchoolData
from tasched.io.files import dump_yaml, write_atomic

__all__ = ["keep_staff", "pay_factor", "solve_settings", "write_yaml"]


def keep_staff(school: SchoolData, stays: Callable[[str], bool], hours: dict[str, float] | None = None) -> None:
    """Take out (in place) the adults who do not stay, with their pins and absences;
    give those who stay the contracted `hours` named for them."""
    school.staff = [s for s in school.staff if stays(s.id)]
    for s in school.staff:
        if hours and s.id in hours:
            s.hours = hours[s.id]
    school.pins = [p for p in school.pins if stays(p.staff)]
    school.absences = [a for a in school.absences if stays(a.staff)]


def pay_factor(data: SchoolData) -> float:
    """Weekly pay to annual: paid_weeks × (1 + oncost)."""
    return data.school.paid_weeks * (1 + data.school.oncost)


def solve_settings(data: SchoolData, time_limit: float | None, seed: int | None, workers: int | None) -> dict[str, Any]:
    """The time limit, seed and workers of every solve, defaulting to `rules.solver`."""
    rules = data.rules.solver
    return {
        "time_limit": rules.time_limit if time_limit is None else time_limit,
        "seed": rules.seed if seed is None else seed,
        "workers": rules.workers if workers is None else workers,
    }


def write_yaml(document: dict[str, Any], path: str | Path) -> None:
    """The document as YAML, written atomically."""
    text = dump_yaml(document).encode("utf-8")

    def write(handle: IO[bytes]) -> None:
        handle.write(text)

    write_atomic(path, write)
