"""Whole jobs on files, shared by the CLI and scripts: validate, solve, check.

Each takes paths, reads through the loaders, and raises InputError (exit 2) for
input that cannot be used; outputs are written atomically and never over an input.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.input.overrides import apply_overrides
from tasched.io.excel import read_workbook
from tasched.io.files import input_digest, refuse_overwriting_input
from tasched.io.formats import load_school, read_rota, write_rota
from tasched.io.loader import read_yaml
from tasched.problem.compile import compile_problem
from tasched.problem.diagnose import Finding, diagnose
from tasched.solution import solve
from tasched.solution.rota import Rota
from tasched.solution.words import changes_in_words
from tasched.verify import verify


def findings_for(data: SchoolData) -> list[Finding]:
    """Demands no rota can meet, found before solving (errors stop a solve)."""
    return diagnose(compile_problem(data, limit_candidates=False))


def locate_findings(path: str | Path, data: SchoolData, findings: list[Finding]) -> list[str]:
    """Where each finding's subject is written: `FILE:LINE` (or `FILE!sheet!cell`).

    A pupil's plan or medical need, an intervention, a duty or a pin is found in the
    file again; a school-wide finding (a skill) names the file.
    """
    if not findings:
        return []
    try:
        locate = read_workbook(Path(path))[1] if Path(path).suffix.lower() == ".xlsx" else read_yaml(path).locate
    except (InputError, OSError):
        return [str(path)] * len(findings)
    places: dict[str, tuple[str | int, ...]] = {}
    for i, pupil in enumerate(data.pupils):
        places[f"pupil:{pupil.id}"] = ("pupils", i, "ehcp")
        places[f"medical:{pupil.id}"] = ("pupils", i, "medical")
    places.update({f"intervention:{iv.id}": ("interventions", i) for i, iv in enumerate(data.interventions)})
    places.update({f"duty:{duty.id}": ("duties", i) for i, duty in enumerate(data.duties)})
    for i, pin in reversed(list(enumerate(data.pins))):
        places[f"pin:{pin.staff}"] = ("pins", i)
    return [
        locate(f.where) if f.where is not None else locate(places[f.task]) if f.task in places else str(path)
        for f in findings
    ]


def stop_on_errors(path: str | Path, findings: list[Finding], data: SchoolData | None = None) -> None:
    """Impossible hard rules are input errors: report them in the school's words, at their place."""
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        where = locate_findings(path, data, errors) if data is not None else [str(path)] * len(errors)
        raise InputError([Problem(place, f.task, f.message) for place, f in zip(where, errors, strict=True)])


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
    on_findings: Callable[[list[Finding], list[str]], None] | None = None,
    previous: str | Path | None = None,
    absent: list[str] = (),  # type: ignore[assignment]
    pins: list[str] = (),  # type: ignore[assignment]
    history: str | Path | None = None,
) -> Rota:
    """Load, diagnose, solve and (when `output` is given) write a school's rota.

    `previous` is last week's rota: the new one keeps as much of it as it can.
    `absent`/`pins` add this week's absences and pins; `history` is a folder of
    this term's earlier rotas, so duty fairness counts duties already done.
    """
    started = time.perf_counter()
    if output is not None:
        refuse_overwriting_input(output, school_path, *([previous] if previous else []))
    digest = input_digest(school_path)  # before reading: a later edit shows as a change
    data = apply_overrides(load_school(school_path), absent, pins)
    last = read_rota(previous) if previous is not None else None
    done = duty_history(history) if history is not None else None
    findings = findings_for(data)
    if on_findings:
        on_findings(findings, locate_findings(school_path, data, findings))
    stop_on_errors(school_path, findings, data)
    rota = solve(
        data,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        verbose=verbose,
        input_digest=digest,
        log=log,
        on_solution=on_solution,
        previous=last,
        duty_history=done,
        started=started,
    )
    rota.meta["warnings"] = [str(f) for f in findings]
    if input_changed(school_path, digest):
        rota.meta["input_changed"] = True
        rota.meta["warnings"].append(f"{school_path}: {INPUT_CHANGED}")
    if last is not None and "changes" in rota.meta:
        rota.meta["changes"]["summary"] = changes_in_words(last["assignments"], rota.assignments)
    if output is not None:
        write_rota(rota.to_dict(), output, school=data)
    return rota


INPUT_CHANGED = (
    "the school file changed while the rota was being built; this rota is for the file as it was "
    "read (meta.input_digest): solve again to use the new version"
)


def input_changed(path: str | Path, digest: str) -> bool:
    """The file's bytes are not those read (edited, replaced or removed since)."""
    try:
        return input_digest(path) != digest
    except OSError:
        return True


def check_files(school_path: str | Path, rota_path: str | Path) -> Any:
    """Judge a rota file against its school with the independent verifier."""
    data = load_school(school_path)
    from_workbook = Path(rota_path).suffix.lower() == ".xlsx"
    return verify(data, read_rota(rota_path), rows_only=from_workbook)


def duty_history(folder: str | Path) -> dict[str, int]:
    """Duty slots each adult has already done this term, read from earlier rota files."""
    counts: dict[str, int] = {}
    paths = sorted(Path(folder).glob("*.y*ml"))
    if not Path(folder).is_dir():
        raise InputError([Problem(str(folder), "", "--history must be a folder of earlier rota files")])
    for path in paths:
        rota = read_rota(path)
        for row in rota["assignments"]:
            if str(row.get("task", "")).startswith("duty:"):
                counts[row["staff"]] = counts.get(row["staff"], 0) + 1
    return counts
