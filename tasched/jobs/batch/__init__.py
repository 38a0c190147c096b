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

The modules, in the order a batch uses them: `task` (the task, options, report and
rows), `files` (finding the schools, naming their rotas), `school` (one school's
solve and summary row), `local` and `on_ray` (the executors), `summary` (the trust
summary's YAML and workbook) and `command` (the batch from folder to report).
"""

from __future__ import annotations

from tasched.jobs.batch.command import (
    Executor,
    batch_report,
    console_callbacks,
    plan_executor,
    print_failures,
    print_solved,
    run_batch,
    run_command,
    unusable,
)
from tasched.jobs.batch.files import (
    ROTA_SUFFIX,
    SCHOOL_SUFFIXES,
    SUMMARY_NAME,
    find_schools,
    rota_names,
    usable_outdir,
    write_text,
)
from tasched.jobs.batch.local import INTERRUPT_GRACE, Solve, available_cores, died_words, plan_local, run_local
from tasched.jobs.batch.on_ray import (
    RAY_CONNECT_TIMEOUT,
    RayRun,
    check_reachable,
    import_ray,
    largest_ray_node,
    ray_cpus,
    ray_failure_words,
    ray_session,
    run_on_ray,
    run_ray,
    send_school,
    start_ray,
    write_back_school,
)
from tasched.jobs.batch.school import solve_school, summarise
from tasched.jobs.batch.summary import (
    NO_ROTA_WORDS,
    TOTAL_LABELS,
    summary_document,
    summary_rows,
    trust_totals,
    write_summary,
)
from tasched.jobs.batch.task import (
    COLUMNS,
    DEFAULT_WORKERS,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNUSABLE,
    PROBLEM_STATUSES,
    SOLVED,
    BatchOptions,
    BatchReport,
    SchoolTask,
    failed_row,
    not_run_row,
    row,
    school_task,
    sort_worst_first,
)

_check_reachable = check_reachable  # the name the tests knew it by

__all__ = [
    "COLUMNS",
    "DEFAULT_WORKERS",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNUSABLE",
    "INTERRUPT_GRACE",
    "NO_ROTA_WORDS",
    "PROBLEM_STATUSES",
    "RAY_CONNECT_TIMEOUT",
    "ROTA_SUFFIX",
    "SCHOOL_SUFFIXES",
    "SOLVED",
    "SUMMARY_NAME",
    "TOTAL_LABELS",
    "BatchOptions",
    "BatchReport",
    "Executor",
    "RayRun",
    "SchoolTask",
    "Solve",
    "available_cores",
    "batch_report",
    "check_reachable",
    "console_callbacks",
    "died_words",
    "failed_row",
    "find_schools",
    "import_ray",
    "largest_ray_node",
    "not_run_row",
    "plan_executor",
    "plan_local",
    "print_failures",
    "print_solved",
    "ray_cpus",
    "ray_failure_words",
    "ray_session",
    "rota_names",
    "row",
    "run_batch",
    "run_command",
    "run_local",
    "run_on_ray",
    "run_ray",
    "school_task",
    "send_school",
    "solve_school",
    "sort_worst_first",
    "start_ray",
    "summarise",
    "summary_document",
    "summary_rows",
    "trust_totals",
    "unusable",
    "usable_outdir",
    "write_back_school",
    "write_summary",
    "write_text",
]
