"""The batch from folder to report: plan the executor, solve every school, and `tasched batch`'s output.

:func:`run_batch` solves; the caller writes the summary. The trust batch
(:mod:`tasched.jobs.trust`) plans, reports and prints with the same pieces.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from tasched.errors import InputError, Problem
from tasched.jobs.batch.files import find_schools, rota_names, usable_outdir
from tasched.jobs.batch.local import available_cores, plan_local, run_local
from tasched.jobs.batch.on_ray import largest_ray_node, ray_cpus, ray_session, run_ray
from tasched.jobs.batch.summary import write_summary
from tasched.jobs.batch.task import (
    DEFAULT_WORKERS,
    EXIT_UNUSABLE,
    BatchOptions,
    BatchReport,
    school_task,
    sort_worst_first,
)
from tasched.jobs.progress import BatchProgress

__all__ = [
    "Executor",
    "batch_report",
    "console_callbacks",
    "plan_executor",
    "print_failures",
    "print_solved",
    "run_batch",
    "run_command",
    "unusable",
]

ProgressFor = Callable[[int], BatchProgress]
Note = Callable[[str], None]


@dataclass(frozen=True)
class Executor:
    """Where a batch runs and how wide: `local` or `ray (ADDRESS)`, tasks at once, CP-SAT workers each."""

    name: str
    jobs: int  # 0 on Ray: no limit of ours
    workers: int
    cores: int = 0  # local: the cores this process may use
    largest: int = 0  # Ray: the CPUs of its largest node


def plan_executor(ray: Any, options: BatchOptions, tasks: int) -> Executor:
    """Size the batch: on Ray, workers fit its largest node; locally, jobs × workers fit the cores."""
    if ray is not None:
        largest = largest_ray_node(ray)
        workers = options.workers or max(1, min(DEFAULT_WORKERS, largest))
        return Executor(f"ray ({options.ray})", options.jobs or 0, workers, largest=largest)
    cores = available_cores()
    jobs, workers = plan_local(tasks, cores, options.jobs, options.workers)
    return Executor("local", jobs, workers, cores=cores)


def batch_report(
    folder: str | Path, out: Path, rows: list[dict[str, Any]], plan: Executor, started: float, interrupted: bool
) -> BatchReport:
    return BatchReport(
        folder=str(folder), outdir=str(out), results=sort_worst_first(rows), executor=plan.name,
        jobs=plan.jobs, workers=plan.workers, seconds=round(time.perf_counter() - started, 1),
        interrupted=interrupted,
    )  # fmt: skip


def run_batch(
    folder: str | Path,
    outdir: str | Path,
    options: BatchOptions,
    progress_for: ProgressFor,
    note: Note = lambda text: None,
) -> BatchReport:
    """Solve every school in `folder` into `outdir`; the summary is written by the caller."""
    schools = find_schools(folder)
    out = usable_outdir(outdir)
    names = rota_names(schools)
    started = time.perf_counter()
    with ray_session(options.ray) as ray:
        plan = plan_executor(ray, options, len(schools))
        _say_plan(plan, ray, f"{len(schools)} schools from {folder}", note)
        tasks = [school_task(p, names[p], out, options, plan.workers) for p in schools]
        with progress_for(len(tasks)) as progress:
            if options.ray is not None:
                results, interrupted = run_ray(tasks, options.ray, progress, options.jobs)
            else:
                results, interrupted = run_local(tasks, plan.jobs, progress)
    return batch_report(folder, out, results, plan, started, interrupted)


def _say_plan(plan: Executor, ray: Any, schools: str, note: Note) -> None:
    """Where the schools run, and how wide; refuses more workers a school than any Ray node has."""
    plural = "s" if plan.workers != 1 else ""
    if ray is not None:
        if plan.largest and plan.workers > plan.largest:
            raise InputError(
                [Problem("--workers", "", f"{plan.workers} workers a school, but the largest "
                         f"Ray node has {plan.largest} CPUs; use --workers {plan.largest} or fewer")]
            )  # fmt: skip
        note(f"{schools} on Ray ({ray_cpus(ray):g} CPUs): {plan.workers} CP-SAT worker{plural} a school")
        return
    note(f"{schools}: {plan.jobs} at a time × {plan.workers} CP-SAT worker{plural} ({plan.cores} cores)")
    if plan.jobs * plan.workers > plan.cores:
        note(f"warning: {plan.jobs} jobs × {plan.workers} workers is more than the {plan.cores} cores")


# --- the command ----------------------------------------------------------------------


def console_callbacks(err: Console, quiet: bool) -> tuple[ProgressFor, Note]:
    """The batch's progress display and its notes, on stderr; notes are dropped with --quiet."""

    def progress_for(total: int) -> BatchProgress:
        return BatchProgress(err, total, quiet=quiet)

    def note(text: str) -> None:
        if not quiet:
            err.print(escape(text))

    return progress_for, note


def unusable(err: Console, error: InputError) -> int:
    """The folder, the output folder or --ray cannot be used: say why; the exit code."""
    for problem in error.problems:
        err.print(escape(str(problem)))
    return EXIT_UNUSABLE


def print_failures(report: BatchReport, err: Console) -> list[dict[str, Any]]:
    """The schools without a rota, each with its error, and whether the batch was stopped."""
    failed = report.failed
    if failed:
        noun = "school" if len(failed) == 1 else "schools"
        err.print(f"[red]✗[/] {len(failed)} {noun} of {len(report.results)} without a rota:")
        for row in failed:
            err.print(f"  [bold]{escape(str(row['file']))}[/]: {row['status']}")
            for line in str(row.get("error") or "").splitlines():
                err.print(f"    {escape(line)}")
    if report.interrupted:
        err.print("interrupted: the summary lists the schools solved so far")
    return failed


def print_solved(out: Console, report: BatchReport, failed: int, summary: tuple[Path, Path], detail: str = "") -> None:
    """The batch's last line: schools solved, the time (then `detail`), and what was written where."""
    yaml_path, xlsx_path = summary
    solved = len(report.results) - failed
    out.print(
        f"[green]✓[/] {solved} of {len(report.results)} schools solved "
        f"in {report.seconds:g} s{detail}; wrote {escape(str(xlsx_path))} and "
        f"{escape(yaml_path.name)}, rotas in {escape(report.outdir)}"
    )


def run_command(
    folder: Path,
    outdir: Path,
    options: BatchOptions,
    *,
    quiet: bool,
    out: Console,
    err: Console,
) -> int:
    """`tasched batch`: run, write the summary, report; returns the exit code."""
    progress_for, note = console_callbacks(err, quiet)
    try:
        report = run_batch(folder, outdir, options, progress_for, note)
        summary = write_summary(report)
    except InputError as error:
        return unusable(err, error)
    failed = print_failures(report, err)
    if not quiet:
        print_solved(out, report, len(failed), summary)
    return report.exit_code
