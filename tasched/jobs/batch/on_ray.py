"""The Ray executor (`pip install 'tasched[ray]'`): `--ray auto` starts a Ray on this machine for
the batch, `--ray ADDRESS` joins a cluster (e.g. `HEAD_IP:6379`).

Each task declares the CPUs it uses (`num_cpus=workers`) and Ray's scheduler places it.
The school file's bytes travel with the task and the rota comes back as text, so the
nodes need tasched installed but no shared folder. :func:`run_on_ray` is the loop that
both the plain batch (:func:`run_ray`) and the trust batch use.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from tasched.errors import InputError, Problem
from tasched.jobs.batch.files import write_text
from tasched.jobs.batch.school import solve_school
from tasched.jobs.batch.task import DEFAULT_WORKERS, SchoolTask, failed_row, not_run_row
from tasched.jobs.progress import BatchProgress

__all__ = [
    "RAY_CONNECT_TIMEOUT",
    "RayRun",
    "check_reachable",
    "import_ray",
    "largest_ray_node",
    "ray_cpus",
    "ray_failure_words",
    "ray_session",
    "run_on_ray",
    "run_ray",
    "send_school",
    "start_ray",
    "write_back_school",
]

RAY_CONNECT_TIMEOUT = 10.0  # seconds to reach a Ray head before giving up


class _Task(Protocol):
    @property
    def path(self) -> str: ...


T = TypeVar("T", bound=_Task)


# --- starting and joining -------------------------------------------------------------


def import_ray() -> Any:
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
    ray = import_ray()
    if ray.is_initialized():
        return ray, False
    local = address == "auto"
    if not local:
        check_reachable(address)
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


@contextmanager
def ray_session(address: str | None) -> Iterator[Any]:
    """Ray for a batch (None without --ray), shut down afterwards only if the batch started it."""
    if address is None:
        yield None
        return
    ray, started_here = start_ray(address)
    try:
        yield ray
    finally:
        if started_here:
            ray.shutdown()


def check_reachable(address: str) -> None:
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


def ray_cpus(ray: Any) -> float:
    return float(ray.cluster_resources().get("CPU", 1))


def largest_ray_node(ray: Any) -> int:
    cpus = [int(node.get("Resources", {}).get("CPU", 0)) for node in ray.nodes() if node.get("Alive")]
    return max(cpus, default=0)


# --- running tasks --------------------------------------------------------------------


@dataclass(frozen=True)
class RayRun(Generic[T]):
    """How a batch hands its tasks to Ray and takes their results back."""

    solve: Callable[[T], dict[str, Any]]  # the remote function (its name titles Ray's worker)
    send: Callable[[T], tuple[T, int]]  # the task as sent (its files as bytes) and the CPUs it asks for
    lost: Callable[[T, Exception], dict[str, Any]]  # the row of a task Ray could not finish
    write_back: Callable[[T, dict[str, Any]], None]  # write the rotas that came back as text
    not_run: Callable[[T], dict[str, Any]]  # the row of a task stopped by Ctrl-C
    capacity: int | None = None  # tasks Ray can run at once, for the progress line; None: no limit


def run_on_ray(
    ray: Any, tasks: Sequence[T], progress: BatchProgress, jobs: int | None, run: RayRun[T]
) -> tuple[list[dict[str, Any]], bool]:
    """Solve the tasks as Ray tasks, at most `jobs` at once (all when None); (results, interrupted)."""
    remote = ray.remote(run.solve)
    limit = jobs or len(tasks)
    queue = list(tasks)
    in_flight: dict[Any, T] = {}
    results: dict[str, dict[str, Any]] = {}

    def submit() -> None:
        while queue and len(in_flight) < limit:
            task = queue.pop(0)
            sent, cpus = run.send(task)
            in_flight[remote.options(num_cpus=cpus, max_retries=1).remote(sent)] = task

    try:
        submit()
        while in_flight:
            progress.set_running(len(in_flight) if run.capacity is None else min(run.capacity, len(in_flight)))
            ready, _ = ray.wait(list(in_flight), num_returns=1, timeout=0.5)
            for ref in ready:
                task = in_flight.pop(ref)
                try:
                    result = ray.get(ref)
                except Exception as error:  # a node or worker lost, not the school's fault
                    result = run.lost(task, error)
                run.write_back(task, result)
                results[task.path] = result
                progress.finished(result)
            submit()
    except KeyboardInterrupt:
        for ref in in_flight:
            ray.cancel(ref, force=True)  # a solve does not stop for Python's KeyboardInterrupt
        for task in tasks:
            results.setdefault(task.path, run.not_run(task))
        return [results[t.path] for t in tasks], True
    return [results[t.path] for t in tasks], False


def run_ray(
    tasks: list[SchoolTask], address: str, progress: BatchProgress, jobs: int | None
) -> tuple[list[dict[str, Any]], bool]:
    """Solve the tasks as Ray tasks, each declaring `num_cpus=workers`; (results, interrupted)."""
    ray = import_ray()
    workers = tasks[0].workers or DEFAULT_WORKERS
    run = RayRun(
        solve=solve_school,
        send=lambda task: (send_school(task), workers),
        lost=lambda task, error: failed_row(task, ray_failure_words(error)),
        write_back=write_back_school,
        not_run=not_run_row,
        capacity=max(1, int(ray_cpus(ray)) // workers),
    )
    return run_on_ray(ray, tasks, progress, jobs, run)


def send_school(task: SchoolTask) -> SchoolTask:
    """The task as a Ray node gets it: the school file's bytes, the rota to come back as text."""
    return dataclasses.replace(task, content=Path(task.path).read_bytes(), output=None)


def write_back_school(task: SchoolTask, result: dict[str, Any]) -> None:
    """Write a school's rota that came back from Ray as text."""
    text = result.pop("rota_yaml", None)
    if text is not None:
        write_text(Path(task.output or task.rota_name), text)


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
