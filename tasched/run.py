"""Whole jobs on files, shared by the CLI and scripts: validate, solve, check.

Each takes paths, reads through the loaders, and raises InputError (exit 2) for
input that cannot be used; outputs are written atomically and never over an input.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tasched.compile import compile_problem
from tasched.diagnose import Finding, diagnose
from tasched.errors import InputError, Problem
from tasched.loader import load_school
from tasched.model import SchoolData
from tasched.rota_io import input_digest, read_rota, refuse_overwriting_input, write_rota
from tasched.solution import Rota


def findings_for(data: SchoolData) -> list[Finding]:
    """Demands no rota can meet, found before solving (errors stop a solve)."""
    return diagnose(compile_problem(data))


def stop_on_errors(path: str | Path, findings: list[Finding]) -> None:
    """Impossible hard rules are input errors: report them in the school's words."""
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise InputError([Problem(str(path), f.task, f.message) for f in errors])


def solve_file(
    school_path: str | Path,
    output: str | Path | None,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    verbose: bool = False,
    log: Callable[[str], None] | None = None,
    on_solution: Callable[[dict[str, float]], None] | None = None,
    on_findings: Callable[[list[Finding]], None] | None = None,
) -> Rota:
    """Load, diagnose, solve and (when `output` is given) write a school's rota."""
    from tasched.solver import solve

    if output is not None:
        refuse_overwriting_input(output, school_path)
    data = load_school(school_path)
    findings = findings_for(data)
    if on_findings:
        on_findings(findings)
    stop_on_errors(school_path, findings)
    rota = solve(
        data,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        verbose=verbose,
        input_digest=input_digest(school_path),
        log=log,
        on_solution=on_solution,
    )
    rota.meta["warnings"] = [str(f) for f in findings]
    if output is not None:
        write_rota(rota.to_dict(), output)
    return rota


def check_files(school_path: str | Path, rota_path: str | Path) -> Any:
    """Judge a rota file against its school with the independent verifier."""
    from tasched.verify import verify

    data = load_school(school_path)
    return verify(data, read_rota(rota_path))
