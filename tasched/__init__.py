"""tasched: weekly teaching-assistant deployment rotas for English schools.

The public API, used by the CLI itself so a trust can script it:

    import tasched
    school = tasched.load("examples/primary-1fe.yaml")
    rota = tasched.solve(school, time_limit=10)
    report = tasched.check(school, rota.to_dict())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "check", "load", "solve"]

if TYPE_CHECKING:
    from tasched.model import SchoolData


def load(path: str) -> SchoolData:
    """Read and validate a school file (.yaml or .xlsx); raises InputError listing every problem."""
    from tasched.loader import load_school

    return load_school(path)


def solve(school: SchoolData, **options: Any) -> Any:
    """Build the week's rota with CP-SAT; returns a Rota (see tasched.solution)."""
    from tasched.solver import solve as _solve

    return _solve(school, **options)


def check(school: SchoolData, rota: dict[str, Any]) -> Any:
    """Judge a rota against the spec with the independent verifier."""
    from tasched.verify import verify

    return verify(school, rota)
