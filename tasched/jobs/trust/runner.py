"""The trust batch: a task per coupled group and per school alone, on the local pool or on Ray.

School files in the folder that the trust does not name are solved alone; a group with a
broken file becomes failed rows at once, and the other groups go on.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tasched.errors import Problem
from tasched.io.trust import TRUST_NAMES, TrustFiles, load_trust
from tasched.jobs import batch
from tasched.jobs.batch import BatchOptions, BatchReport, row
from tasched.jobs.progress import BatchProgress
from tasched.jobs.trust.group import GroupTask, Task, solve_any

__all__ = ["find_trust", "run_ray_tasks", "run_trust_batch"]


def find_trust(folder: str | Path) -> Path | None:
    for name in TRUST_NAMES:
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


def run_trust_batch(
    folder: str | Path,
    outdir: str | Path,
    options: BatchOptions,
    progress_for: Callable[[int], BatchProgress],
    note: Callable[[str], None] = lambda text: None,
) -> tuple[BatchReport, dict[str, Any]]:
    """Solve the folder's trust (groups together, the rest alone); (report, trust section of the summary)."""
    trust_path = find_trust(folder)
    assert trust_path is not None
    files = load_trust(trust_path)
    out = batch.usable_outdir(outdir)
    listed = [p for p in batch.find_schools(folder) if p.name not in TRUST_NAMES]
    names = batch.rota_names(listed)
    of_trust = {path.resolve() for path in files.files.values()}
    alone = [p for p in listed if p.resolve() not in of_trust]
    started = time.perf_counter()
    with batch.ray_session(options.ray) as ray:
        plan = batch.plan_executor(ray, options, len(files.groups()) + len(alone))
        tasks: list[Task] = [batch.school_task(p, names[p], out, options, plan.workers) for p in alone]
        early = _add_groups(tasks, trust_path, files, names, out, options, plan.workers)
        note(_plan_words(trust_path, files, tasks, plan))
        with progress_for(len(tasks) + len(early)) as progress:
            for failed in early:
                progress.finished(failed)
            if ray is not None:
                results, interrupted = run_ray_tasks(ray, tasks, progress, options.jobs, plan.largest)
            else:
                results, interrupted = batch.run_local(tasks, plan.jobs, progress, solve_any)  # type: ignore[arg-type]
    rows, shared, violations = _gather(early, results)
    report = batch.batch_report(folder, out, rows, plan, started, interrupted)
    section = {
        "file": str(trust_path),
        "groups": [g for g in files.groups() if len(g) > 1],
        "trust_check": violations or "passed",
        "shared_staff": shared,
    }
    return report, section


def _add_groups(
    tasks: list[Task],
    trust_path: Path,
    files: TrustFiles,
    names: dict[Path, str],
    out: Path,
    options: BatchOptions,
    workers: int,
) -> list[dict[str, Any]]:
    """A task per group of the trust (a school alone if it shares nobody); the rows of broken groups."""
    early: list[dict[str, Any]] = []
    for group in files.groups():
        paths = [files.files[sid] for sid in group]
        rota_of = [names.get(p, p.stem + batch.ROTA_SUFFIX) for p in paths]
        problems = files.group_problems(group)
        if problems:
            early += _failed_group(files, group, problems)
        elif len(group) == 1:
            tasks.append(batch.school_task(paths[0], rota_of[0], out, options, workers))
        else:
            tasks.append(
                GroupTask(path=f"{trust_path}#{'+'.join(group)}", trust=str(trust_path), schools=tuple(group),
                          files=tuple(str(p) for p in paths), rota_names=tuple(rota_of), outdir=str(out),
                          time_limit=options.time_limit, seed=options.seed, workers=workers)
            )  # fmt: skip
    return early


def _failed_group(files: TrustFiles, group: list[str], problems: list[Problem]) -> list[dict[str, Any]]:
    rows = []
    for sid in group:
        path = files.files[sid]
        own = files.problems.get(sid)
        if own:
            error = "\n".join(str(p) for p in own)
        else:
            broken = ", ".join(files.files[s].name for s in group if files.problems.get(s))
            error = f"not solved: it shares adults with {broken}, which has problems"
        rows.append(row(path.name, str(path), "failed", error))
    return rows


def _plan_words(trust_path: Path, files: TrustFiles, tasks: list[Task], plan: batch.Executor) -> str:
    groups = sum(isinstance(t, GroupTask) for t in tasks)
    return (f"trust {trust_path.name}: {len(files.files)} schools, {len(files.trust.shared_staff)} shared adults; "
            f"{groups} coupled group{'s' if groups != 1 else ''} solved together, "
            f"{len(tasks) - groups} school{'s' if len(tasks) - groups != 1 else ''} alone; {plan.name}, "
            f"{plan.workers} CP-SAT worker{'s' if plan.workers != 1 else ''} a task")  # fmt: skip


def _gather(
    early: list[dict[str, Any]], results: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Any], list[str]]:
    """A row per school (a group's schools each their own), the shared adults' weeks, the trust check."""
    rows = list(early)
    shared: dict[str, Any] = {}
    violations: list[str] = []
    for result in results:
        if "group" in result:
            rows += result["schools"] or [row(result["file"], result["path"], result["status"], result.get("error"))]
            shared.update(result.get("shared") or {})
            violations += result.get("trust_violations") or []
        else:
            rows.append(result)
    return rows, shared, violations


# --- on Ray ---------------------------------------------------------------------------


def run_ray_tasks(
    ray: Any, tasks: list[Task], progress: BatchProgress, jobs: int | None, largest: int
) -> tuple[list[dict[str, Any]], bool]:
    """Each school alone and each group as a Ray task; a group asks for CPUs by its size (its model)."""
    run: batch.RayRun[Task] = batch.RayRun(
        solve=solve_any,
        send=lambda task: _send(task, largest),
        lost=lambda task, error: row(task.name, task.path, "failed", f"the Ray task failed: {type(error).__name__}"),
        write_back=_write_back,
        not_run=lambda task: row(task.name, task.path, "not_run", "interrupted"),
    )
    return batch.run_on_ray(ray, tasks, progress, jobs, run)


def _send(task: Task, largest: int) -> tuple[Task, int]:
    """The task as a Ray node gets it (its files as bytes) and the CPUs it asks for."""
    workers = task.workers or batch.DEFAULT_WORKERS
    if not isinstance(task, GroupTask):
        return batch.send_school(task), workers
    cpus = max(1, min(largest or workers, workers * max(1, len(task.schools) // 2)))
    base = Path(task.trust).parent
    contents = [(Path(task.trust).name, Path(task.trust).read_bytes())]
    contents += [(str(Path(f).relative_to(base)), Path(f).read_bytes()) for f in task.files]
    return dataclasses.replace(task, contents=tuple(contents), outdir=None, workers=cpus), cpus


def _write_back(task: Task, result: dict[str, Any]) -> None:
    if not isinstance(task, GroupTask):
        batch.write_back_school(task, result)
        return
    for school in result.get("schools") or []:
        text = school.pop("rota_yaml", None)
        if text is not None and task.outdir is not None:
            batch.write_text(Path(task.outdir) / school["rota"], text)
