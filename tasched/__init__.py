"""tasched: weekly teaching-assistant deployment rotas for English schools.

The public API (docs/api.md), which a trust can script:

    import tasched
    school = tasched.load("examples/primary-1fe.yaml")
    rota = tasched.solve(school, time_limit=10)
    rota.save("rota.yaml")
    report = tasched.check(school, rota.to_dict())
"""

from __future__ import annotations

import os
from typing import Any

from tasched._version import __version__
from tasched.input.model import SchoolData
from tasched.io.formats import load_school
from tasched.solution import solve as _solve
from tasched.solution.rota import Rota
from tasched.verify import Report, verify

__all__ = ["Report", "Rota", "SchoolData", "__version__", "check", "load", "solve"]


def load(path: str | os.PathLike[str]) -> SchoolData:
    """Read and validate a school file (.yaml or .xlsx); raises InputError listing every problem."""
    return load_school(path)


def solve(school: SchoolData, **options: Any) -> Rota:
    """Build the week's rota, demands tier by tier (docs/rules.md).

    Options (each defaults to the school's `rules.solver`): `time_limit` (seconds for the
    whole job), `seed`, `workers` (1 is reproducible), `previous` (last week's rota
    document, kept as far as the demands allow), `on_solution` (a progress callback).
    """
    return _solve(school, **options)


def check(school: SchoolData, rota: Rota | dict[str, Any]) -> Report:
    """Judge a rota against the spec with the independent verifier (`report.ok`)."""
    return verify(school, rota.to_dict() if isinstance(rota, Rota) else rota)
