"""Trust-wide batches with shared adults: coupled schools solved together, the rest alone, in parallel.

`tasched batch DIR` with a `trust.yaml` in DIR reads the trust (:func:`tasched.io.trust.load_trust`),
splits its schools into groups linked by shared adults, and runs one task per group (a
:class:`GroupTask`: one composed model, tiered as a school's solve is) and one per school
alone (the batch's :class:`~tasched.jobs.batch.SchoolTask`), all in parallel on the local
process pool or, with `--ray`, as Ray tasks (a group asks for more CPUs, by its size). A
group with a broken file is named with its problems and the other groups go on. School
files in DIR that the trust does not name are solved alone, as a batch without a trust.

Every rota is judged by the verifier against its own school file, and each group's shared
adults across their schools by :func:`tasched.verify.trust.verify_trust`. The trust
summary gains `shared_staff`: each shared adult's week, school by school.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from tasched.errors import InputError, Problem
from tasched.io.files import dump_yaml, input_digest
from tasched.io.formats import write_rota
from tasched.io.trust import TRUST_NAMES, TrustFiles, load_trust
from tasched.jobs import batch
from tasched.jobs.batch import (
    COLUMNS,
    EXIT_UNUSABLE,
    SOLVED,
    BatchOptions,
    BatchReport,
    SchoolTask,
    summarise,
)
from tasched.jobs.progress import BatchProgress
from tasched.solution.trust import solve_group
from tasched.verify import format_report, verify
from tasched.verify.trust import verify_trust

__all__ = ["GroupTask", "find_trust", "run_command", "run_trust_batch", "solve_any", "solve_group_task"]


@dataclass(frozen=True)
class GroupTask:
    """Schools coupled by shared adults, solved as one model. `path` is a unique key, not a file."""

    path: str
    trust: str
    schools: tuple[str, ...]
    files: tuple[str, ...]  # each school's file (the trust's `file`, relative to the trust file)
    rota_names: tuple[str, ...]
    outdir: str | None = None
    contents: tuple[tuple[str, bytes], ...] | None = None  # Ray: the trust and school files' bytes
    time_limit: float | None = None
    seed: int | None = None
    workers: int | None = None
    output: str | None = None  # unused (SchoolTask's field, read by the executors)
    rota_name: str = ""

    @property
    def name(self) -> str:
        return " + ".join(Path(f).name for f in self.files)


def find_trust(folder: str | Path) -> Path | None:
    for name in TRUST_NAMES:
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


def solve_any(task: SchoolTask | GroupTask) -> dict[str, Any]:
    """The executors' one entry point: a group or a school alone."""
    if isinstance(task, GroupTask):
        return solve_group_task(task)
    return batch.solve_school(task)


def _row(file: str, path: str, status: str, error: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {key: None for key, *_ in COLUMNS}
    row.update(file=file, path=path, status=status, error=error)
    return row


def solve_group_task(task: GroupTask) -> dict[str, Any]:
    """Solve one group; its result carries a row per school (`schools`) and the shared adults' weeks."""
    started = time.perf_counter()
    result: dict[str, Any] = _row(task.name, task.path, "failed")
    result.update(group=list(task.schools), schools=[], shared={}, trust_violations=[])
    try:
        if task.contents is None:
            _solve_group_into(result, Path(task.trust), task)
        else:
            with tempfile.TemporaryDirectory(prefix="tasched-trust-") as tmp:
                for name, data in task.contents:
                    target = Path(tmp) / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                _solve_group_into(result, Path(tmp) / Path(task.trust).name, task)
    except InputError as error:
        text = "\n".join(str(p) for p in error.problems)
        result["schools"] = [_row(Path(f).name, f, "failed", text) for f in task.files]
        result["error"] = text
    except KeyboardInterrupt:
        result["schools"] = [
            _row(Path(f).name, f, "not_run", "interrupted before a rota was found") for f in task.files
        ]
    except Exception as error:
        text = f"internal error: {type(error).__name__}: {error or type(error).__name__}"
        result["schools"] = [_row(Path(f).name, f, "failed", text) for f in task.files]
        result["error"] = text
    seconds = round(time.perf_counter() - started, 1)
    result["seconds"] = seconds
    for row in result["schools"]:
        row["seconds"] = seconds
    for key in ("ehc_hours_required", "ehc_hours_met", "shortfalls", "cost_weekly"):
        values = [row.get(key) for row in result["schools"] if row.get(key) is not None]
        result[key] = round(sum(values), 2) if values else None
    statuses = {row["status"] for row in result["schools"]}
    result["status"] = next((s for s in ("failed", "no_rota", "not_run") if s in statuses), "feasible")
    return result


def _solve_group_into(result: dict[str, Any], trust_path: Path, task: GroupTask) -> None:
    files = load_trust(trust_path)
    problems = files.group_problems(list(task.schools))
    if problems:
        raise InputError(problems)
    schools = {sid: files.schools[sid] for sid in task.schools}
    rotas = solve_group(files.trust, schools, time_limit=task.time_limit, seed=task.seed, workers=task.workers)
    documents: dict[str, dict[str, Any]] = {}
    for sid, name, file in zip(task.schools, task.rota_names, task.files, strict=True):
        rota = rotas[sid]
        rota.meta["input_digest"] = input_digest(files.files[sid])
        document = rota.to_dict()
        row = _row(Path(file).name, file, "failed")
        row.update(summarise(document))
        if rota.status not in SOLVED:
            row.update(status="no_rota", error=f"no rota found within {rota.meta.get('time_limit')} s")
        else:
            report = verify(schools[sid], document)
            if not report.ok:
                row.update(status="failed", error="the verifier rejects the rota:\n" + format_report(report))
            documents[sid] = document
            row["rota"] = name
            if task.outdir is not None:
                write_rota(document, Path(task.outdir) / name)
            else:
                row["rota_yaml"] = dump_yaml(document)
        result["schools"].append(row)
    result["trust_violations"] = [v.message for v in verify_trust(files.trust, schools, documents)]
    if result["trust_violations"]:
        for row in result["schools"]:
            row.update(status="failed", error="the trust check rejects the rotas:\n" + "\n".join(
                result["trust_violations"]))  # fmt: skip
    result["shared"] = shared_weeks(files, documents)


def shared_weeks(files: TrustFiles, documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each shared adult's week school by school: `{adult: {hours, schools: {sid: {when, minutes, week}}}}`."""
    out: dict[str, Any] = {}
    for adult in files.trust.shared_staff:
        sites = {}
        for sid, when in adult.schools.items():
            if sid not in documents:
                continue
            school = files.schools[sid]
            length = {s.id: s.minutes for s in school.calendar.slots}
            order = {s.id: i for i, s in enumerate(school.calendar.slots)}
            rows = sorted(
                (r for r in documents[sid]["assignments"] if r["staff"] == adult.id),
                key=lambda r: (order.get(r["slot"], 0), str(r["task"])),
            )
            week: dict[str, list[str]] = {}
            for r in rows:
                week.setdefault(str(r["day"]), []).append(f"{r['slot']} {r['task']}")
            sites[sid] = {
                "when": when,
                "minutes": sum(length[slot] for _, slot in {(r["day"], r["slot"]) for r in rows}),
                "week": {d: week[d] for d in school.calendar.days if d in week},
            }
        if sites:
            out[adult.id] = {"hours": adult.hours, "schools": sites}
    return out


# --- the batch ------------------------------------------------------------------------


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
    out = batch._usable_outdir(outdir)
    listed = [p for p in batch.find_schools(folder) if p.name not in TRUST_NAMES]
    names = batch.rota_names(listed)
    of_trust = {path.resolve(): sid for sid, path in files.files.items()}
    started = time.perf_counter()
    ray_started, ray = False, None
    early: list[dict[str, Any]] = []
    try:
        if options.ray is not None:
            ray, ray_started = batch.start_ray(options.ray)
            largest = batch._largest_ray_node(ray)
            workers = options.workers or max(1, min(batch.DEFAULT_WORKERS, largest))
            jobs = options.jobs or 0
            executor = f"ray ({options.ray})"
        else:
            cores = batch.available_cores()
            count = len(files.groups()) + len([p for p in listed if p.resolve() not in of_trust])
            jobs, workers = batch.plan_local(count, cores, options.jobs, options.workers)
            executor = "local"
        tasks: list[SchoolTask | GroupTask] = []
        for p in listed:
            if p.resolve() not in of_trust:
                tasks.append(_school_task(p, names[p], out, options, workers))
        for group in files.groups():
            paths = [files.files[sid] for sid in group]
            rota_of = [names.get(p, p.stem + batch.ROTA_SUFFIX) for p in paths]
            problems = files.group_problems(group)
            if problems:
                early += _failed_group(files, group, problems)
            elif len(group) == 1:
                tasks.append(_school_task(paths[0], rota_of[0], out, options, workers))
            else:
                tasks.append(
                    GroupTask(path=f"{trust_path}#{'+'.join(group)}", trust=str(trust_path), schools=tuple(group),
                              files=tuple(str(p) for p in paths), rota_names=tuple(rota_of), outdir=str(out),
                              time_limit=options.time_limit, seed=options.seed, workers=workers)
                )  # fmt: skip
        groups = sum(isinstance(t, GroupTask) for t in tasks)
        note(f"trust {trust_path.name}: {len(files.files)} schools, {len(files.trust.shared_staff)} shared adults; "
             f"{groups} coupled group{'s' if groups != 1 else ''} solved together, "
             f"{len(tasks) - groups} school{'s' if len(tasks) - groups != 1 else ''} alone; {executor}, "
             f"{workers} CP-SAT worker{'s' if workers != 1 else ''} a task")  # fmt: skip
        with progress_for(len(tasks) + len(early)) as progress:
            for row in early:
                progress.finished(row)
            if options.ray is not None:
                results, interrupted = run_ray_tasks(ray, tasks, progress, options.jobs, largest)
            else:
                results, interrupted = batch.run_local(tasks, jobs, progress, solve_any)  # type: ignore[arg-type]
    finally:
        if ray_started and ray is not None:
            ray.shutdown()
    rows = list(early)
    shared: dict[str, Any] = {}
    violations: list[str] = []
    for result in results:
        if "group" in result:
            rows += result["schools"] or [_row(result["file"], result["path"], result["status"], result.get("error"))]
            shared.update(result.get("shared") or {})
            violations += result.get("trust_violations") or []
        else:
            rows.append(result)
    report = BatchReport(
        folder=str(folder), outdir=str(out), results=batch.sort_worst_first(rows), executor=executor,
        jobs=jobs, workers=workers, seconds=round(time.perf_counter() - started, 1), interrupted=interrupted,
    )  # fmt: skip
    section = {
        "file": str(trust_path),
        "groups": [g for g in files.groups() if len(g) > 1],
        "trust_check": violations or "passed",
        "shared_staff": shared,
    }
    return report, section


def _school_task(path: Path, rota: str, out: Path, options: BatchOptions, workers: int) -> SchoolTask:
    return SchoolTask(path=str(path), rota_name=rota, output=str(out / rota), time_limit=options.time_limit,
                      seed=options.seed, workers=workers)  # fmt: skip


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
        rows.append(_row(path.name, str(path), "failed", error))
    return rows


def run_ray_tasks(
    ray: Any, tasks: list[SchoolTask | GroupTask], progress: BatchProgress, jobs: int | None, largest: int
) -> tuple[list[dict[str, Any]], bool]:
    """Each school alone and each group as a Ray task; a group asks for CPUs by its size (its model)."""
    remote = ray.remote(solve_any)
    limit = jobs or len(tasks)
    queue = list(tasks)
    in_flight: dict[Any, SchoolTask | GroupTask] = {}
    results: dict[str, dict[str, Any]] = {}

    def submit() -> None:
        while queue and len(in_flight) < limit:
            task = queue.pop(0)
            workers = task.workers or batch.DEFAULT_WORKERS
            if isinstance(task, GroupTask):
                cpus = max(1, min(largest or workers, workers * max(1, len(task.schools) // 2)))
                base = Path(task.trust).parent
                contents = [(Path(task.trust).name, Path(task.trust).read_bytes())]
                contents += [(str(Path(f).relative_to(base)), Path(f).read_bytes()) for f in task.files]
                sent: SchoolTask | GroupTask = dataclasses.replace(
                    task, contents=tuple(contents), outdir=None, workers=cpus
                )
            else:
                cpus = workers
                sent = dataclasses.replace(task, content=Path(task.path).read_bytes(), output=None)
            in_flight[remote.options(num_cpus=cpus, max_retries=1).remote(sent)] = task

    try:
        submit()
        while in_flight:
            progress.set_running(len(in_flight))
            ready, _ = ray.wait(list(in_flight), num_returns=1, timeout=0.5)
            for ref in ready:
                task = in_flight.pop(ref)
                try:
                    result = ray.get(ref)
                except Exception as error:
                    result = _row(task.name, task.path, "failed", f"the Ray task failed: {type(error).__name__}")
                _write_back(task, result)
                results[task.path] = result
                progress.finished(result)
            submit()
    except KeyboardInterrupt:
        for ref in in_flight:
            ray.cancel(ref, force=True)
        for task in tasks:
            results.setdefault(task.path, _row(task.name, task.path, "not_run", "interrupted"))
        return [results[t.path] for t in tasks], True
    return [results[t.path] for t in tasks], False


def _write_back(task: SchoolTask | GroupTask, result: dict[str, Any]) -> None:
    if isinstance(task, GroupTask):
        for row in result.get("schools") or []:
            text = row.pop("rota_yaml", None)
            if text is not None and task.outdir is not None:
                batch._write_text(Path(task.outdir) / row["rota"], text)
    else:
        text = result.pop("rota_yaml", None)
        if text is not None:
            batch._write_text(Path(task.output or task.rota_name), text)


def write_trust_section(report: BatchReport, section: dict[str, Any]) -> None:
    """The trust section in the summary: trust-summary.yaml's `trust_file` and a `Shared staff` sheet."""
    out = Path(report.outdir)
    yaml_path = out / f"{batch.SUMMARY_NAME}.yaml"
    document = {"trust": batch.trust_totals(report), "schools": batch.summary_rows(report), "trust_file": section}
    batch._write_text(yaml_path, dump_yaml(document))
    from openpyxl import load_workbook

    xlsx = out / f"{batch.SUMMARY_NAME}.xlsx"
    book = load_workbook(xlsx)
    sheet = book.create_sheet("Shared staff")
    days = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    sheet.append(["Adult", "Trust hours", "School", "Window", "Hours given", *days])
    for adult, info in section["shared_staff"].items():
        for sid, site in info["schools"].items():
            week = site["week"]
            sheet.append([adult, info["hours"], sid, site["when"], round(site["minutes"] / 60, 2),
                          *["; ".join(week.get(d, [])) for d in days]])  # fmt: skip
    book.save(xlsx)


def run_command(folder: Path, outdir: Path, options: BatchOptions, *, quiet: bool, out: Console, err: Console) -> int:
    """`tasched batch`: with a trust file in the folder, the trust batch; otherwise the plain batch."""
    if find_trust(folder) is None:
        return batch.run_command(folder, outdir, options, quiet=quiet, out=out, err=err)

    def progress_for(total: int) -> BatchProgress:
        return BatchProgress(err, total, quiet=quiet)

    def note(text: str) -> None:
        if not quiet:
            err.print(escape(text))

    try:
        report, section = run_trust_batch(folder, outdir, options, progress_for, note)
        yaml_path, xlsx_path = batch.write_summary(report)
        write_trust_section(report, section)
    except InputError as error:
        for problem in error.problems:
            err.print(escape(str(problem)))
        return EXIT_UNUSABLE
    failed = batch.print_failures(report, err)
    if not quiet:
        solved = len(report.results) - len(failed)
        check = "passed" if section["trust_check"] == "passed" else "FAILED"
        out.print(
            f"[green]✓[/] {solved} of {len(report.results)} schools solved in {report.seconds:g} s "
            f"({len(section['groups'])} coupled groups; shared adults' trust check {check}); wrote "
            f"{escape(str(xlsx_path))} and {escape(yaml_path.name)}, rotas in {escape(report.outdir)}"
        )
    return report.exit_code
