"""`tasched explain`: a pupil's, an adult's or a class's week, and why anything is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tasched.analysis.explain import explain_week
from tasched.cli import options as opt
from tasched.cli.render import out
from tasched.errors import InputError, Problem
from tasched.io.formats import load_school, read_rota
from tasched.problem.compile import compile_problem
from tasched.problem.model import Problem as CompiledSchool

__all__ = ["explain"]


def explain(
    school: opt.SchoolFile,
    rota: Annotated[Path, opt.argument("A rota written by `tasched solve`.")],
    pupil: Annotated[str | None, typer.Option("--pupil", help="A pupil's id, e.g. P014.")] = None,
    staff: Annotated[str | None, typer.Option("--staff", help="An adult's id, e.g. TA03.")] = None,
    class_id: Annotated[str | None, typer.Option("--class", help="A class's id, e.g. Y3A.")] = None,
) -> None:
    """Show a pupil's, an adult's or a class's week, and why anything is missing.

    Each demand (EHC hours, medical cover, interventions, class support, contracted
    time, duties, joint liaison meetings, lesson cover for an absent teacher) with what
    was delivered, by whom, and the shortfall's reason; an adult's week in the
    workbook's words.
    """
    if not (pupil or staff or class_id):
        raise InputError([Problem("", "", "say whose week to explain: --pupil ID, --staff ID or --class ID")])
    problem = compile_problem(load_school(str(school)))
    missing = _unknown_ids(problem, school, pupil, staff, class_id)
    if missing:
        raise InputError(missing)
    console = out()
    for renderable in explain_week(problem, read_rota(rota), pupil=pupil, staff=staff, class_id=class_id):
        console.print(renderable)


def _unknown_ids(
    problem: CompiledSchool, school: Path, pupil: str | None, staff: str | None, class_id: str | None
) -> list[Problem]:
    """A problem for each id asked about that the school does not have."""
    missing = []
    if pupil is not None and pupil not in problem.pupil_index:
        missing.append(Problem("--pupil", "", f"no pupil {pupil!r} in {school}"))
    if staff is not None and staff not in problem.adult_index:
        missing.append(Problem("--staff", "", f"no adult {staff!r} in {school}"))
    if class_id is not None and class_id not in problem.class_slots:
        missing.append(Problem("--class", "", f"no class {class_id!r} in {school}"))
    return missing
