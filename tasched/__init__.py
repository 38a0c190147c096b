"""tasched: weekly teaching-assistant deployment rotas for English schools.

The public API, used by the CLI itself so a trust can script it:

    import tasched
    school = tasched.load("examples/primary-1fe.yaml")
    rota = tasched.solve(school, time_limit=10)
    report = tasched.check(school, rota.to_dict())
"""

from __future__ import annotations

from typing import Any

from tasched._version import __version__
from tasched.input.model import SchoolData
from tasched.io.formats import load_school
from tasched.solution import solve as _solve
from tasched.verify import verify

__all__ = ["__version__", "check", "load", "solve"]


def load(path: str) -> SchoolData:
    """Read and validate a school file (.yaml or .xlsx); raises InputError listing every problem."""
    return load_school(path)


def solve(school: SchoolData, **options: Any) -> Any:
    """Build the week's rota with CP-SAT; returns a Rota (see tasched.solution)."""
    return _solve(school, **options)


def check(school: SchoolData, rota: dict[str, Any]) -> Any:
    """Judge a rota against the spec with the independent verifier."""
    return verify(school, rota)
