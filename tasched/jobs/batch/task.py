"""What a batch hands out and gets back: a school's task, the batch's options and report, and the rows.

A task returns a small dict of plain values (:data:`COLUMNS`, plus `path` and `status`),
never the school, so it travels cheaply from a worker process or a Ray node.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "COLUMNS",
    "DEFAULT_WORKERS",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNUSABLE",
    "PROBLEM_STATUSES",
    "SOLVED",
    "BatchOptions",
    "BatchReport",
    "SchoolTask",
    "failed_row",
    "not_run_row",
    "row",
    "school_task",
    "sort_worst_first",
]

DEFAULT_WORKERS = 2  # CP-SAT threads per school unless there are cores to spare

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2
EXIT_INTERRUPTED = 130

# Status of a school: a rota was written for "optimal", "feasible" and "interrupted".
SOLVED = ("optimal", "feasible")
PROBLEM_STATUSES = ("failed", "no_rota", "not_run")

# The summary's columns, in order: key, heading, Excel number format, width.
COLUMNS: tuple[tuple[str, str, str | None, int], ...] = (
    ("school", "School", None, 22),
    ("result", "Result", None, 22),
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
    ("file", "School file", None, 14),
    ("rota", "Rota file", None, 16),
    ("error", "Error", None, 40),
)


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


def row(file: str, path: str, status: str, error: str | None = None) -> dict[str, Any]:
    """A school's result with every column empty but its file, status and error."""
    result: dict[str, Any] = {key: None for key, *_ in COLUMNS}
    result.update(file=file, path=path, status=status, error=error)
    return result


def failed_row(task: SchoolTask, error: str) -> dict[str, Any]:
    return row(task.name, task.path, "failed", error)


def not_run_row(task: SchoolTask) -> dict[str, Any]:
    return row(task.name, task.path, "not_run", "interrupted before a rota was found")


def school_task(path: Path, rota: str, out: Path, options: BatchOptions, workers: int) -> SchoolTask:
    """A school to solve into `out`, with the batch's solver settings."""
    return SchoolTask(path=str(path), rota_name=rota, output=str(out / rota), time_limit=options.time_limit,
                      seed=options.seed, workers=workers)  # fmt: skip


def sort_worst_first(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failed first, then by EHC hours short, then by shortfalls; then by file name."""

    def key(result: dict[str, Any]) -> tuple[int, float, int, str]:
        rank = 0 if result["status"] in PROBLEM_STATUSES else 1
        return (rank, -float(result.get("ehc_hours_short") or 0), -int(result.get("shortfalls") or 0),
                str(result["file"]))  # fmt: skip

    return sorted(results, key=key)
