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

The modules: `group` (a coupled group's task and solve), `runner` (the batch of groups and
lone schools, on the pool or Ray) and `command` (the summary's trust section and the command).
"""

from __future__ import annotations

from tasched.jobs.trust.command import run_command, write_trust_section
from tasched.jobs.trust.group import GroupTask, Task, shared_weeks, solve_any, solve_group_task
from tasched.jobs.trust.runner import find_trust, run_ray_tasks, run_trust_batch

__all__ = [
    "GroupTask",
    "Task",
    "find_trust",
    "run_command",
    "run_ray_tasks",
    "run_trust_batch",
    "shared_weeks",
    "solve_any",
    "solve_group_task",
    "write_trust_section",
]
