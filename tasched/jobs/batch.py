"""Trust-wide batches: solve every school file in a folder, then write a trust summary.

`tasched batch DIR -o OUTDIR` finds the school files in DIR (.yaml, .yml, .xlsx;
not rota files or an earlier summary), solves each one with
:func:`tasched.jobs.run.solve_file`, writes `OUTDIR/<school>.rota.yaml` for every
school with a rota, and `OUTDIR/trust-summary.yaml` and `.xlsx`: one row per
school, worst first. A school that fails (bad input, no rota, a crashed solver)
is reported by file name with its error; the others go on.

Two executors, neither home-made:

- local processes (the default): a `ProcessPoolExecutor` (spawn) of `jobs`
  processes, each solve with `workers` CP-SAT threads, sized so that
  jobs × workers ≤ the machine's cores (:func:`plan_local`);
- Ray (`pip install 'tasched[ray]'`): `--ray auto` starts a Ray on this machine
  for the batch, `--ray ADDRESS` joins a cluster (e.g. `HEAD_IP:6379`).
  Each school is one Ray task declaring `num_cpus=workers`; Ray's scheduler
  places them. The school file's bytes travel with the task and the rota comes
  back as text, so the nodes need tasched installed but no shared folder.

A task returns a small dict of plain values (:data:`COLUMNS`), never the school.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import logging
import multiprocessing
import os
import signal
import socket
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.markup import escape

from tasched.errors import InputError, Problem
from tasched.io.files import dump_yaml, write_atomic
from tasched.io.formats import write_rota
from tasched.jobs.progress import BatchProgress
from tasched.jobs.run import solve_file
from tasched.solution.words import headline

__all__ = [
    "COLUMNS",
    "BatchOptions",
    "BatchReport",
    "SchoolTask",
    "find_schools",
    "plan_local",
    "run_batch",
    "run_command",
    "solve_school",
    "summarise",
    "write_summary",
]

SCHOOL_SUFFIXES = (".yaml", ".yml", ".xlsx")
SUMMARY_NAME = "trust-summary"
ROTA_SUFFIX = ".rota.yaml"
DEFAULT_WORKERS = 2  # CP-SAT threads per school unless there are cores to spare
RAY_CONNECT_TIMEOUT = 10.0  # seconds to reach a Ray head before giving up

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2
EXIT_INTERRUPTED = 130

# Status of a school: a rota was written for "optimal", "feasible" and "interrupted".
SOLVED = ("optimal", "feasible")
PROBLEM_STATUSES = ("failed", "no_rota", "not_run")
NO_ROTA_WORDS = {
    "failed": "no rota: the file has problems",
    "no_rota": "no rota found in the time",
    "not_run": "not run (the batch stopped)",
    "interrupted": "stopped early: best rota so far",
}

# The summary's columns, in order: key, heading, Excel number format, width.
COLUMNS: tuple[tuple[str, str, str | None, int], ...] = (
    ("school", "School", None, 28),
    ("result", "Result", None, 30),
    ("ehc_proven", "EHC shortfall proven least", None, 11),
    ("ehc_hours_short", "EHC hours short", "0.0#", 10),
    ("ehc_pupils_short", "Pupils short of EHC hours", "0", 10),
    ("ehc_hours_required", "EHC hours required", "0.0#", 10),
    ("ehc_hours_met", "EHC hours met", "0.0#", 10),
    ("shortfalls", "Shortfalls", "0", 10),
    ("fewest_adults", "Fewest adults for an EHC pupil", "0", 12),
    ("largest_share", "Largest share of one adult", "0%", 12),
    ("cost_weekly", "Cost a week (£)", "#,##0.00", 13),
    ("cost_annual", "Cost a year (£)", "#,##0", 13),
    ("seconds", "Seconds", "0.0", 9),
    ("warnings", "Warnings", "0", 9),
    ("file", "School file", None, 28),
    ("rota", "Rota file", None, 28),
    ("error", "Error", None, 80),
)
TOTAL_LABELS = {
    "folder": "Folder",
    "schools": "Schools",
    "solved": "Solved",
    "failed": "Without a rota",
    "cost_weekly": "Cost a week (£)",
    "cost_annual": "Cost a year (£)",
    "ehc_hours_required": "EHC hours required",
    "ehc_hours_met": "EHC hours met",
    "ehc_hours_short": "EHC hours short",
    "shortfalls": "Shortfalls",
    "executor": "Run on",
    "jobs": "Schools at once",
    "workers": "CP-SAT workers a school",
    "seconds": "Seconds",
    "interrupted": "Interrupted",
}


@dataclass(frozen=True)
class SchoolTask:
    """One school to solve. `content` set: the file travels as bytes (Ray); `output`
    unset: the rota comes back as YAML text instead of being written."""

    path: str
    rota_name: str
    output: str | None = None
    content: bytes | None = None
    time_limit: float | None = None
    seed: int | None = None
    workers: int | None = None

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class BatchOptions:
    time_limit: float | None = None
    seed: int | None = None
    workers: int | None = None
    jobs: int | None = None
    ray: str | None = None


@dataclass
class BatchReport:
    folder: str
    outdir: str
    results: list[dict[str, Any]]
    executor: str
    jobs: int
    workers: int
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] in PROBLEM_STATUSES]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if self.failed else EXIT_OK


# --- finding the schools --------------------------------------------------------------


def find_schools(folder: str | Path) -> list[Path]:
    """The school files directly in `folder`, sorted by name; InputError if there are none.

    Skipped: hidden files, Excel's `~$` lock files, `*.rota.yaml` and the trust
    summary, so OUTDIR may be DIR itself and a batch can be run again.
    """
    path = Path(folder)
    if not path.exists():
        raise InputError([Problem(str(folder), "", "no such folder")])
    if not path.is_dir():
        raise InputError([Problem(str(folder), "", "not a folder: give the folder of school files")])
    try:
        entries = sorted(path.iterdir(), key=lambda p: p.name)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError([Problem(str(folder), "", f"cannot read the folder: {reason}")]) from None
    schools = [p for p in entries if _is_school_file(p)]
    if not schools:
        raise InputError(
            [
                Problem(
                    str(folder),
                    "",
                    "no school files here: a batch solves every .yaml, .yml and .xlsx file in the folder",
                )
            ]
        )
    return schools


def _is_school_file(path: Path) -> bool:
    name = path.name
    lower = name.lower()
    if name.startswith((".", "~$")) or not path.is_file():
        return False
    if lower.endswith((ROTA_SUFFIX, ".rota.yml")) or lower.startswith(SUMMARY_NAME + "."):
        return False
    return lower.endswith(SCHOOL_SUFFIXES)


def rota_names(schools: list[Path]) -> dict[Path, str]:
    """`<stem>.rota.yaml` per school; `<stem>-<suffix>.rota.yaml` when two share a stem."""
    stems = Counter(p.stem.lower() for p in schools)
    names: dict[Path, str] = {}
    for p in schools:
        stem = p.stem if stems[p.stem.lower()] == 1 else f"{p.stem}-{p.suffix.lstrip('.')}"
        names[p] = stem + ROTA_SUFFIX
    return names


# --- sizing ---------------------------------------------------------------------------


def available_cores() -> int:
    """Cores this process may use (the affinity mask where there is one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def plan_local(schools: int, cores: int, jobs: int | None = None, workers: int | None = None) -> tuple[int, int]:
    """(jobs, workers) for local processes: jobs × workers ≤ cores unless both are given.

    - neither given: 2 CP-SAT workers a school, as many schools at once as the
      cores allow (at most one per school), then any cores to spare shared out
      as more workers: 8 cores and 80 schools give 4 × 2; 16 cores and 3
      schools give 3 × 5; 2 cores give 1 × 2;
    - `workers` given: jobs = cores ÷ workers (at least 1);
    - `jobs` given: workers = cores ÷ jobs (at least 1).
    """
    if jobs is not None and workers is not None:
        return jobs, workers
    if workers is not None:
        return max(1, min(schools, cores // workers)), workers
    if jobs is None:
        jobs = max(1, min(schools, cores // min(DEFAULT_WORKERS, cores)))
    busy = max(1, min(jobs, schools))
    return jobs, max(1, cores // busy)


# --- one school (runs in a worker process or a Ray task) -------------------------------


def solve_school(task: SchoolTask) -> dict[str, Any]:
    """Solve one school and return its summary row; never raises for a school's fault.

    Bad input gives status `failed` with every problem as text; no rota within
    the time limit gives `no_rota`; an unexpected error gives `failed` with
    `internal error: ...`. The rota is written to `task.output`, or returned as
    `rota_yaml` text when `task.output` is None.
    """
    started = time.perf_counter()
    result: dict[str, Any] = {key: None for key, *_ in COLUMNS}
    result.update(file=task.name, path=task.path, status="failed")
    try:
        if task.content is None:
            _solve_into(result, Path(task.path), task)
        else:
            with tempfile.TemporaryDirectory(prefix="tasched-") as tmp:
                local = Path(tmp) / task.name
                local.write_bytes(task.content)
                try:
                    _solve_into(result, local, task)
                except InputError as error:
                    text = _problems_text(error.problems)
                    raise _TextError(text.replace(str(local), task.path)) from None
    except _TextError as error:
        result["error"] = str(error)
    except InputError as error:
        result["error"] = _problems_text(error.problems)
    except KeyboardInterrupt:
        result.update(status="not_run", error="interrupted before a rota was found")
    except Exception as error:
        message = str(error) or type(error).__name__
        result["error"] = f"internal error: {type(error).__name__}: {message}"
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


class _TextError(Exception):
    pass


def _problems_text(problems: Iterable[Problem]) -> str:
    return "\n".join(str(p) for p in problems) or "the school file cannot be used"


def _solve_into(result: dict[str, Any], path: Path, task: SchoolTask) -> None:
    rota = solve_file(path, None, time_limit=task.time_limit, seed=task.seed, workers=task.workers)
    document = rota.to_dict()
    result.update(summarise(document))
    if rota.status not in SOLVED:
        limit = rota.meta.get("time_limit")
        result.update(status="no_rota", error=f"no rota found within {limit} s")
        return
    if rota.meta.get("interrupted"):
        result["status"] = "interrupted"
    result["rota"] = task.rota_name
    if task.output is not None:
        write_rota(document, task.output)
    else:
        result["rota_yaml"] = dump_yaml(document)


def summarise(rota: Mapping[str, Any]) -> dict[str, Any]:
    """A school's row of the trust summary, from its rota document (Rota.to_dict())."""
    meta = rota.get("meta") or {}
    kpis = rota.get("kpis") or {}
    pupils = list((kpis.get("pupils") or {}).values())
    required = sum(float(p["ehc_hours_required"]) for p in pupils)
    met = sum(min(float(p["ehc_hours_delivered"]), float(p["ehc_hours_required"])) for p in pupils)
    short = [p for p in pupils if float(p["ehc_hours_delivered"]) < float(p["ehc_hours_required"])]
    supported = [p for p in pupils if float(p["ehc_hours_delivered"]) > 0]
    shortfalls = rota.get("shortfalls") or []
    cost = kpis.get("cost") or {}
    ehc_tier = next((t for t in meta.get("tiers") or [] if t.get("tier") == "ehcp_hours"), None)
    return {
        "school": meta.get("school"),
        "status": meta.get("status"),
        "result": headline(meta),
        "ehc_proven": None if ehc_tier is None else ("yes" if ehc_tier.get("status") == "optimal" else "no"),
        "gap": meta.get("gap"),
        "ehc_hours_required": round(required, 2),
        "ehc_hours_met": round(met, 2),
        "ehc_hours_short": round(required - met, 2),
        "ehc_pupils_short": len(short),
        "shortfalls": len(shortfalls),
        "shortfalls_by_kind": dict(Counter(str(s["task"]).partition(":")[0] for s in shortfalls)),
        "fewest_adults": min((int(p["distinct_adults"]) for p in supported), default=None),
        "largest_share": max((float(p["largest_share"]) for p in supported), default=None),
        "cost_weekly": cost.get("weekly"),
        "cost_annual": cost.get("annual"),
        "warnings": len(meta.get("warnings") or []),
    }


# --- executors ------------------------------------------------------------------------

Solve = Callable[[SchoolTask], dict[str, Any]]


def run_local(
    tasks: list[SchoolTask], jobs: int, progress: BatchProgress, solve: Solve = solve_school
) -> tuple[list[dict[str, Any]], bool]:
    """Solve the tasks in `jobs` spawned processes; (results, interrupted).

    At most `jobs` schools are handed to the pool at once, so none is queued
    behind a Ctrl-C. A process that dies (e.g. killed for memory) breaks the
    pool: the school it was solving is reported failed with the reason (its exit
    code or signal) and the others in flight are solved again; when no process
    can be blamed, they are solved again one at a time, each in a fresh process,
    so only the culprit is reported failed; the rest go on.
    """
    results: dict[str, dict[str, Any]] = {}
    remaining = list(tasks)
    interrupted = False
    while remaining and not interrupted:
        suspects, interrupted = _run_pool(remaining, jobs, progress, solve, results, final=False)
        for task in suspects:
            if interrupted:
                break
            _, interrupted = _run_pool([task], 1, progress, solve, results, final=True)
        remaining = [t for t in tasks if t.path not in results]
    for task in remaining:
        results[task.path] = _not_run(task)
    return [results[t.path] for t in tasks], interrupted


INTERRUPT_GRACE = 15.0  # seconds for interrupted solves to hand back their best rota


def _run_pool(
    tasks: list[SchoolTask],
    jobs: int,
    progress: BatchProgress,
    solve: Solve,
    results: dict[str, dict[str, Any]],
    *,
    final: bool,
) -> tuple[list[SchoolTask], bool]:
    """One pool; (schools in flight when it broke, interrupted).

    Each worker says which school it starts (its pid, through `started`), so when
    the pool breaks the school whose process died is known from the exit codes:
    it is reported failed with the reason, and the others are handed back to run
    again. Only when no process can be blamed are all in flight suspects.
    """
    context = multiprocessing.get_context("spawn")
    started: Any = context.SimpleQueue()
    pool = cf.ProcessPoolExecutor(
        max_workers=max(1, min(jobs, len(tasks))), mp_context=context, initializer=_note_worker, initargs=(started,)
    )
    queue = list(tasks)
    in_flight: dict[cf.Future[dict[str, Any]], SchoolTask] = {}
    suspects: list[SchoolTask] = []
    running: dict[str, int] = {}  # school path -> pid of the process solving it
    processes: dict[int, Any] = {}  # pid -> the pool's Process, kept to read its exit code

    def record(task: SchoolTask, result: dict[str, Any]) -> None:
        results[task.path] = result
        progress.finished(result)

    try:
        while queue or in_flight:
            while queue and not suspects and len(in_flight) < jobs:
                task = queue.pop(0)
                in_flight[pool.submit(_run_noted, solve, task)] = task
            processes.update(getattr(pool, "_processes", None) or {})
            progress.set_running(len(in_flight))
            done, _ = cf.wait(in_flight, timeout=0.5, return_when=cf.FIRST_COMPLETED)
            _drain(started, running)
            for future in done:
                task = in_flight.pop(future)
                try:
                    record(task, future.result())
                except cf.process.BrokenProcessPool:
                    suspects.append(task)
                except Exception as error:
                    record(task, _failed(task, f"internal error: {type(error).__name__}: {error}"))
            if suspects and not in_flight:
                break
        if suspects:
            pool.shutdown(wait=True, cancel_futures=True)
            suspects = _blame(suspects, started, running, processes, record, final=final)
    except KeyboardInterrupt:
        # A Ctrl-C reaches the workers too: their solves stop and return their best rota.
        done, _ = cf.wait(in_flight, timeout=INTERRUPT_GRACE)
        _end_workers(pool)
        for future, task in in_flight.items():
            ok = future in done and future.exception() is None
            record(task, future.result() if ok else _not_run(task))
        return [], True
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return suspects, False


_STARTED: Any = None  # in a worker process: where it says which school it starts


def _note_worker(started: Any) -> None:
    global _STARTED
    _STARTED = started


def _run_noted(solve: Solve, task: SchoolTask) -> dict[str, Any]:
    """In a worker process: say which school this process starts, then solve it."""
    if _STARTED is not None:
        _STARTED.put((task.path, os.getpid()))
    return solve(task)


def _drain(started: Any, running: dict[str, int]) -> None:
    while not started.empty():
        path, pid = started.get()
        running[path] = pid


def _blame(
    suspects: list[SchoolTask],
    started: Any,
    running: dict[str, int],
    processes: dict[int, Any],
    record: Callable[[SchoolTask, dict[str, Any]], None],
    *,
    final: bool,
) -> list[SchoolTask]:
    """After the pool broke: fail the schools whose own process died, with the reason.

    Returns the schools to solve again one at a time (no process could be blamed);
    the others in flight, not recorded, are solved again with the rest.
    """
    _drain(started, running)
    blamed = False
    for task in suspects:
        process = processes.get(running.get(task.path, -1))
        code = None if process is None else process.exitcode
        if code not in (None, 0, -signal.SIGTERM):  # the pool ends the others with SIGTERM
            record(task, _failed(task, died_words(code)))
            blamed = True
    if blamed:
        return []
    if final:
        for task in suspects:
            record(task, _failed(task, died_words(None)))
        return []
    return suspects


def died_words(code: int | None) -> str:
    """Why a school's solver process is gone, from its exit code, with what to try."""
    if code == -signal.SIGKILL:
        return (
            "the solver process was killed (signal 9); the system does this when memory runs out, "
            "or someone stopped it: try --workers 1, fewer schools at once (--jobs 1), "
            "or a machine with more memory"
        )
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "unknown"
        return (
            f"the solver process was killed (signal {-code}, {name}); "
            "solve this school alone with `tasched solve` to see more"
        )
    if code is not None:
        return f"the solver process died (exit code {code}); solve this school alone with `tasched solve` to see why"
    return "the solver process died (out of memory?); try --workers 1 or a machine with more memory"


def _end_workers(pool: cf.ProcessPoolExecutor) -> None:
    """Stop the pool's processes still running (ProcessPoolExecutor has no public way in 3.11)."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(2)
        if process.is_alive():
            process.kill()


def run_ray(
    tasks: list[SchoolTask], address: str, progress: BatchProgress, jobs: int | None
) -> tuple[list[dict[str, Any]], bool]:
    """Solve the tasks as Ray tasks, each declaring `num_cpus=workers`; (results, interrupted)."""
    ray = _import_ray()
    remote = ray.remote(solve_school)
    workers = tasks[0].workers or DEFAULT_WORKERS
    limit = jobs or len(tasks)
    queue = list(tasks)
    in_flight: dict[Any, SchoolTask] = {}
    results: dict[str, dict[str, Any]] = {}
    capacity = max(1, int(_ray_cpus(ray)) // workers)

    def submit() -> None:
        while queue and len(in_flight) < limit:
            task = queue.pop(0)
            content = Path(task.path).read_bytes()
            ref = remote.options(num_cpus=workers, max_retries=1).remote(
                dataclasses.replace(task, content=content, output=None)
            )
            in_flight[ref] = task

    try:
        submit()
        while in_flight:
            progress.set_running(min(capacity, len(in_flight)))
            ready, _ = ray.wait(list(in_flight), num_returns=1, timeout=0.5)
            for ref in ready:
                task = in_flight.pop(ref)
                try:
                    result = ray.get(ref)
                except Exception as error:  # a node or worker lost, not the school's fault
                    result = _failed(task, ray_failure_words(error))
                text = result.pop("rota_yaml", None)
                if text is not None:
                    _write_text(Path(task.output or task.rota_name), text)
                results[task.path] = result
                progress.finished(result)
            submit()
    except KeyboardInterrupt:
        for ref in in_flight:
            ray.cancel(ref, force=True)  # a solve does not stop for Python's KeyboardInterrupt
        for task in tasks:
            results.setdefault(task.path, _not_run(task))
        return [results[t.path] for t in tasks], True
    return [results[t.path] for t in tasks], False


def ray_failure_words(error: Exception) -> str:
    """Why a Ray task has no result; Ray does not say which signal ended its worker."""
    kind = type(error).__name__
    if kind == "WorkerCrashedError":
        return (
            "the solver process was killed on its Ray node (tried twice); the system does this when "
            "memory runs out, or someone stopped it: try --workers 1, or nodes with more memory"
        )
    if kind == "OutOfMemoryError":
        return (
            "the solver process was killed by Ray: its node ran out of memory; "
            "try --workers 1, or nodes with more memory"
        )
    return f"the Ray task failed: {kind}: {error}"


def _put(handle: IO[bytes], data: bytes) -> None:
    handle.write(data)


def _write_text(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    write_atomic(path, lambda handle: _put(handle, data))


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise InputError([Problem("--ray", "", "Ray is not installed: pip install 'tasched[ray]'")]) from None
    return ray


def start_ray(address: str) -> tuple[Any, bool]:
    """Start or join Ray: `auto` starts a Ray on this machine for the batch (Ray's
    address "local": never a stale or unrelated cluster); an ADDRESS joins that cluster.

    Returns (ray, started_here); a Ray already initialised in this process is used as is.
    """
    ray = _import_ray()
    if ray.is_initialized():
        return ray, False
    local = address == "auto"
    if not local:
        _check_reachable(address)
    try:
        ray.init(
            address="local" if local else address,
            include_dashboard=False if local else None,
            log_to_driver=False,
            logging_level=logging.ERROR,
        )
    except (ConnectionError, ValueError, RuntimeError) as error:
        raise InputError([Problem(f"--ray {address}", "", f"cannot join the Ray cluster: {error}")]) from None
    return ray, True


def _check_reachable(address: str) -> None:
    """A `host:port` that nothing answers on is an error now, not Ray retrying for minutes."""
    host, sep, port = address.rpartition(":")
    if not sep or "://" in address or not port.isdigit():
        return  # ray://, or a form Ray resolves itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=RAY_CONNECT_TIMEOUT).close()
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise InputError(
            [Problem(f"--ray {address}", "", f"cannot reach the Ray head there ({reason}); "
                     "is `ray start --head` running on it, on that port?")]
        ) from None  # fmt: skip


def _ray_cpus(ray: Any) -> float:
    return float(ray.cluster_resources().get("CPU", 1))


def _largest_ray_node(ray: Any) -> int:
    cpus = [int(node.get("Resources", {}).get("CPU", 0)) for node in ray.nodes() if node.get("Alive")]
    return max(cpus, default=0)


def _failed(task: SchoolTask, error: str) -> dict[str, Any]:
    result: dict[str, Any] = {key: None for key, *_ in COLUMNS}
    result.update(file=task.name, path=task.path, status="failed", error=error)
    return result


def _not_run(task: SchoolTask) -> dict[str, Any]:
    result = _failed(task, "interrupted before a rota was found")
    result["status"] = "not_run"
    return result


# --- the batch ------------------------------------------------------------------------


def run_batch(
    folder: str | Path,
    outdir: str | Path,
    options: BatchOptions,
    progress_for: Callable[[int], BatchProgress],
    note: Callable[[str], None] = lambda text: None,
) -> BatchReport:
    """Solve every school in `folder` into `outdir`; the summary is written by the caller."""
    schools = find_schools(folder)
    out = _usable_outdir(outdir)
    names = rota_names(schools)
    started = time.perf_counter()
    ray_started = False
    ray: Any = None
    try:
        if options.ray is not None:
            ray, ray_started = start_ray(options.ray)
            largest = _largest_ray_node(ray)
            workers = options.workers or max(1, min(DEFAULT_WORKERS, largest))
            if largest and workers > largest:
                raise InputError(
                    [Problem("--workers", "", f"{workers} workers a school, but the largest "
                             f"Ray node has {largest} CPUs; use --workers {largest} or fewer")]
                )  # fmt: skip
            jobs = options.jobs or 0
            executor = f"ray ({options.ray})"
            plural = "s" if workers != 1 else ""
            note(f"{len(schools)} schools from {folder} on Ray ({_ray_cpus(ray):g} CPUs): "
                 f"{workers} CP-SAT worker{plural} a school")  # fmt: skip
        else:
            cores = available_cores()
            jobs, workers = plan_local(len(schools), cores, options.jobs, options.workers)
            executor = "local"
            plural = "s" if workers != 1 else ""
            note(f"{len(schools)} schools from {folder}: {jobs} at a time × "
                 f"{workers} CP-SAT worker{plural} ({cores} cores)")  # fmt: skip
            if jobs * workers > cores:
                note(f"warning: {jobs} jobs × {workers} workers is more than the {cores} cores")
        tasks = [
            SchoolTask(path=str(p), rota_name=names[p], output=str(out / names[p]),
                       time_limit=options.time_limit, seed=options.seed, workers=workers)
            for p in schools
        ]  # fmt: skip
        with progress_for(len(tasks)) as progress:
            if options.ray is not None:
                results, interrupted = run_ray(tasks, options.ray, progress, options.jobs)
            else:
                results, interrupted = run_local(tasks, jobs, progress)
    finally:
        if ray_started and ray is not None:
            ray.shutdown()
    return BatchReport(
        folder=str(folder), outdir=str(out), results=sort_worst_first(results),
        executor=executor, jobs=jobs, workers=workers,
        seconds=round(time.perf_counter() - started, 1), interrupted=interrupted,
    )  # fmt: skip


def _usable_outdir(outdir: str | Path) -> Path:
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError([Problem(str(outdir), "", "not a folder: -o names the folder for the rotas")]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError([Problem(str(outdir), "", f"cannot make the output folder: {reason}")]) from None
    return out


def sort_worst_first(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failed first, then by EHC hours short, then by shortfalls; then by file name."""

    def key(row: dict[str, Any]) -> tuple[int, float, int, str]:
        rank = 0 if row["status"] in PROBLEM_STATUSES else 1
        return (rank, -float(row.get("ehc_hours_short") or 0), -int(row.get("shortfalls") or 0),
                str(row["file"]))  # fmt: skip

    return sorted(results, key=key)


# --- the summary ----------------------------------------------------------------------


def trust_totals(report: BatchReport) -> dict[str, Any]:
    rows = report.results
    solved = [r for r in rows if r["status"] not in PROBLEM_STATUSES]

    def total(key: str) -> float:
        return round(sum(float(r.get(key) or 0) for r in solved), 2)

    return {
        "folder": report.folder,
        "schools": len(rows),
        "solved": len(solved),
        "failed": len(rows) - len(solved),
        "cost_weekly": total("cost_weekly"),
        "cost_annual": total("cost_annual"),
        "ehc_hours_required": total("ehc_hours_required"),
        "ehc_hours_met": total("ehc_hours_met"),
        "ehc_hours_short": total("ehc_hours_short"),
        "shortfalls": int(total("shortfalls")),
        "executor": report.executor,
        "jobs": report.jobs or None,
        "workers": report.workers,
        "seconds": report.seconds,
        "interrupted": report.interrupted,
    }


def summary_rows(report: BatchReport) -> list[dict[str, Any]]:
    keys = [key for key, *_ in COLUMNS]
    rows = []
    for result in report.results:
        row = {key: result.get(key) for key in keys}
        row.update(status=result.get("status"), gap=result.get("gap"))
        if row["status"] in PROBLEM_STATUSES or row["status"] == "interrupted":
            row["result"] = NO_ROTA_WORDS.get(str(row["status"]), str(row["status"]))
        row["school"] = row.get("school") or Path(str(result.get("file"))).stem
        row["shortfalls_by_kind"] = result.get("shortfalls_by_kind") or {}
        rows.append(row)
    return rows


def write_summary(report: BatchReport) -> tuple[Path, Path]:
    """OUTDIR/trust-summary.yaml and .xlsx, written atomically; returns their paths."""
    out = Path(report.outdir)
    yaml_path = out / f"{SUMMARY_NAME}.yaml"
    xlsx_path = out / f"{SUMMARY_NAME}.xlsx"
    document = {"trust": trust_totals(report), "schools": summary_rows(report)}
    text = dump_yaml(document)
    _write_text(yaml_path, text)
    write_atomic(xlsx_path, lambda handle: _write_workbook(report, handle))
    return yaml_path, xlsx_path


def _print_landscape(sheet: Any) -> None:
    """A printed summary: landscape A4, one page wide, the header row on every page."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"


def _write_workbook(report: BatchReport, handle: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    red = PatternFill("solid", fgColor="F8D7DA")
    amber = PatternFill("solid", fgColor="FFF3CD")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Schools"
    for col, (_, heading, _, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=col)
        _set(cell, heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = width
    for r, row in enumerate(summary_rows(report), start=2):
        fill = red if row["status"] in PROBLEM_STATUSES else amber if row["ehc_hours_short"] else None
        for col, (key, _, number_format, _) in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=r, column=col)
            _set(cell, row.get(key))
            if number_format:
                cell.number_format = number_format
            if fill is not None:
                cell.fill = fill
            if key == "error":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    _print_landscape(sheet)
    totals = book.create_sheet("Trust")
    totals.column_dimensions["A"].width = 24
    totals.column_dimensions["B"].width = 40
    for r, (key, value) in enumerate(trust_totals(report).items(), start=1):
        _set(totals.cell(row=r, column=1), TOTAL_LABELS.get(key, key))
        _set(totals.cell(row=r, column=2), value)
    book.save(handle)


def _set(cell: Any, value: Any) -> None:
    """A cell's value; text is always text (never a formula) and cleaned for Excel."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32000]
        cell.data_type = "s"
    elif isinstance(value, bool) or value is None or isinstance(value, int | float):
        cell.value = value
    else:
        cell.value = str(value)


# --- the command ----------------------------------------------------------------------


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

    def progress_for(total: int) -> BatchProgress:
        return BatchProgress(err, total, quiet=quiet)

    def note(text: str) -> None:
        if not quiet:
            err.print(escape(text))

    try:
        report = run_batch(folder, outdir, options, progress_for, note)
        yaml_path, xlsx_path = write_summary(report)
    except InputError as error:
        for problem in error.problems:
            err.print(escape(str(problem)))
        return EXIT_UNUSABLE
    failed = print_failures(report, err)
    if not quiet:
        solved = len(report.results) - len(failed)
        out.print(
            f"[green]✓[/] {solved} of {len(report.results)} schools solved "
            f"in {report.seconds:g} s; wrote {escape(str(xlsx_path))} and "
            f"{escape(yaml_path.name)}, rotas in {escape(report.outdir)}"
        )
    return report.exit_code
