"""The local executor: a `ProcessPoolExecutor` (spawn) of `jobs` processes, sized to the cores.

Each school is solved with `workers` CP-SAT threads, and jobs × workers ≤ the machine's
cores (:func:`plan_local`). A process that dies (e.g. killed for memory) breaks the pool;
the school it was solving is found from the exit codes and reported failed, and the
others go on.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from typing import Any

from tasched.jobs.batch.school import solve_school
from tasched.jobs.batch.task import DEFAULT_WORKERS, SchoolTask, failed_row, not_run_row
from tasched.jobs.progress import BatchProgress

__all__ = ["INTERRUPT_GRACE", "Solve", "available_cores", "died_words", "plan_local", "run_local"]

INTERRUPT_GRACE = 15.0  # seconds for interrupted solves to hand back their best rota

Solve = Callable[[SchoolTask], dict[str, Any]]
Record = Callable[[SchoolTask, dict[str, Any]], None]


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


# --- the pool -------------------------------------------------------------------------


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
        results[task.path] = not_run_row(task)
    return [results[t.path] for t in tasks], interrupted


def _run_pool(
    tasks: list[SchoolTask],
    jobs: int,
    progress: BatchProgress,
    solve: Solve,
    results: dict[str, dict[str, Any]],
    *,
    final: bool,
) -> tuple[list[SchoolTask], bool]:
    """One pool; (schools in flight when it broke, interrupted)."""

    def record(task: SchoolTask, result: dict[str, Any]) -> None:
        results[task.path] = result
        progress.finished(result)

    run = _PoolRun(tasks, jobs, solve, record)
    try:
        run.solve_all(progress)
        suspects = run.blame(final=final) if run.suspects else []
    except KeyboardInterrupt:
        run.hand_back_interrupted()
        return [], True
    finally:
        run.shutdown()
    return suspects, False


class _PoolRun:
    """One pool solving some schools: what is queued and in flight, and which process solves which.

    Each worker says which school it starts (its pid, through `started`), so when
    the pool breaks the school whose process died is known from the exit codes:
    it is reported failed with the reason, and the others are handed back to run
    again. Only when no process can be blamed are all in flight suspects.
    """

    def __init__(self, tasks: list[SchoolTask], jobs: int, solve: Solve, record: Record) -> None:
        context = multiprocessing.get_context("spawn")
        self.started: Any = context.SimpleQueue()
        self.pool = cf.ProcessPoolExecutor(
            max_workers=max(1, min(jobs, len(tasks))),
            mp_context=context,
            initializer=_note_worker,
            initargs=(self.started,),
        )
        self.jobs = jobs
        self.solve = solve
        self.record = record
        self.queue = list(tasks)
        self.in_flight: dict[cf.Future[dict[str, Any]], SchoolTask] = {}
        self.suspects: list[SchoolTask] = []
        self.running: dict[str, int] = {}  # school path -> pid of the process solving it
        self.processes: dict[int, Any] = {}  # pid -> the pool's Process, kept to read its exit code

    def solve_all(self, progress: BatchProgress) -> None:
        """Solve until every school is recorded, or the pool broke and none is left in flight."""
        while self.queue or self.in_flight:
            self._submit()
            progress.set_running(len(self.in_flight))
            done, _ = cf.wait(self.in_flight, timeout=0.5, return_when=cf.FIRST_COMPLETED)
            self._collect(done)
            if self.suspects and not self.in_flight:
                break

    def _submit(self) -> None:
        """Hand schools to the pool up to `jobs` at once; none once it has broken."""
        while self.queue and not self.suspects and len(self.in_flight) < self.jobs:
            task = self.queue.pop(0)
            self.in_flight[self.pool.submit(_run_noted, self.solve, task)] = task
        self.processes.update(getattr(self.pool, "_processes", None) or {})

    def _collect(self, done: Iterable[cf.Future[dict[str, Any]]]) -> None:
        _drain(self.started, self.running)
        for future in done:
            task = self.in_flight.pop(future)
            try:
                self.record(task, future.result())
            except cf.process.BrokenProcessPool:
                self.suspects.append(task)
            except Exception as error:
                self.record(task, failed_row(task, f"internal error: {type(error).__name__}: {error}"))

    def blame(self, *, final: bool) -> list[SchoolTask]:
        """After the pool broke: fail the schools whose own process died, with the reason.

        Returns the schools to solve again one at a time (no process could be blamed);
        the others in flight, not recorded, are solved again with the rest.
        """
        self.shutdown()
        _drain(self.started, self.running)
        blamed = False
        for task in self.suspects:
            process = self.processes.get(self.running.get(task.path, -1))
            code = None if process is None else process.exitcode
            if code not in (None, 0, -signal.SIGTERM):  # the pool ends the others with SIGTERM
                self.record(task, failed_row(task, died_words(code)))
                blamed = True
        if blamed:
            return []
        if final:
            for task in self.suspects:
                self.record(task, failed_row(task, died_words(None)))
            return []
        return self.suspects

    def hand_back_interrupted(self) -> None:
        """After Ctrl-C (which reaches the workers too): keep the best rotas they hand back in time."""
        done, _ = cf.wait(self.in_flight, timeout=INTERRUPT_GRACE)
        _end_workers(self.pool)
        for future, task in self.in_flight.items():
            ok = future in done and future.exception() is None
            self.record(task, future.result() if ok else not_run_row(task))

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


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
