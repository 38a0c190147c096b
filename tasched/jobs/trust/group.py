"""A trust's coupled group: schools sharing adults, solved as one model in a worker or a Ray task.

:func:`solve_group_task` judges each school's rota with the verifier against its own school
file and the shared adults across the group with :func:`tasched.verify.trust.verify_trust`;
it never raises for a school's fault. :func:`solve_any` is the executors' one entry point.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasched.errors import InputError
from tasched.input.model import SchoolData
from tasched.io.files import dump_yaml, input_digest
from tasched.io.formats import write_rota
from tasched.io.trust import TrustFiles, load_trust
from tasched.jobs.batch import SOLVED, SchoolTask, row, solve_school, summarise
from tasched.solution.rota import Rota
from tasched.solution.trust import solve_group
from tasched.verify import format_report, verify
from tasched.verify.trust import verify_trust

__all__ = ["GroupTask", "Task", "shared_weeks", "solve_any", "solve_group_task"]


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


Task = SchoolTask | GroupTask


def solve_any(task: Task) -> dict[str, Any]:
    """The executors' one entry point: a group or a school alone."""
    if isinstance(task, GroupTask):
        return solve_group_task(task)
    return solve_school(task)


def solve_group_task(task: GroupTask) -> dict[str, Any]:
    """Solve one group; its result carries a row per school (`schools`) and the shared adults' weeks."""
    started = time.perf_counter()
    result: dict[str, Any] = row(task.name, task.path, "failed")
    result.update(group=list(task.schools), schools=[], shared={}, trust_violations=[])
    try:
        if task.contents is None:
            _solve_group_into(result, Path(task.trust), task)
        else:
            _solve_sent_group(result, task, task.contents)
    except InputError as error:
        text = "\n".join(str(p) for p in error.problems)
        result.update(schools=_every_school(task, "failed", text), error=text)
    except KeyboardInterrupt:
        result["schools"] = _every_school(task, "not_run", "interrupted before a rota was found")
    except Exception as error:
        text = f"internal error: {type(error).__name__}: {error or type(error).__name__}"
        result.update(schools=_every_school(task, "failed", text), error=text)
    _add_up(result, round(time.perf_counter() - started, 1))
    return result


def _every_school(task: GroupTask, status: str, error: str) -> list[dict[str, Any]]:
    return [row(Path(f).name, f, status, error) for f in task.files]


def _add_up(result: dict[str, Any], seconds: float) -> None:
    """The group's time on each school's row; its totals and status (the worst school's) on its own."""
    result["seconds"] = seconds
    for school in result["schools"]:
        school["seconds"] = seconds
    for key in ("ehc_hours_required", "ehc_hours_met", "shortfalls", "cost_weekly"):
        values = [school.get(key) for school in result["schools"] if school.get(key) is not None]
        result[key] = round(sum(values), 2) if values else None
    statuses = {school["status"] for school in result["schools"]}
    result["status"] = next((s for s in ("failed", "no_rota", "not_run") if s in statuses), "feasible")


def _solve_sent_group(result: dict[str, Any], task: GroupTask, contents: tuple[tuple[str, bytes], ...]) -> None:
    """Solve a group whose files came as bytes (Ray), laid out as beside the trust file."""
    with tempfile.TemporaryDirectory(prefix="tasched-trust-") as tmp:
        for name, data in contents:
            target = Path(tmp) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _solve_group_into(result, Path(tmp) / Path(task.trust).name, task)


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
        result["schools"].append(_school_row(rota, document, schools[sid], name, file, task.outdir))
        if rota.status in SOLVED:
            documents[sid] = document
    result["trust_violations"] = [v.message for v in verify_trust(files.trust, schools, documents)]
    if result["trust_violations"]:
        for school in result["schools"]:
            school.update(status="failed", error="the trust check rejects the rotas:\n" + "\n".join(
                result["trust_violations"]))  # fmt: skip
    result["shared"] = shared_weeks(files, documents)


def _school_row(
    rota: Rota, document: dict[str, Any], school: SchoolData, name: str, file: str, outdir: str | None
) -> dict[str, Any]:
    """A school's row of its group: its rota judged by the verifier and written (or sent back as text)."""
    result = row(Path(file).name, file, "failed")
    result.update(summarise(document))
    if rota.status not in SOLVED:
        result.update(status="no_rota", error=f"no rota found within {rota.meta.get('time_limit')} s")
        return result
    report = verify(school, document)
    if not report.ok:
        result.update(status="failed", error="the verifier rejects the rota:\n" + format_report(report))
    result["rota"] = name
    if outdir is not None:
        write_rota(document, Path(outdir) / name)
    else:
        result["rota_yaml"] = dump_yaml(document)
    return result


def shared_weeks(files: TrustFiles, documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each shared adult's week school by school: `{adult: {hours, schools: {sid: {when, minutes, week}}}}`."""
    out: dict[str, Any] = {}
    for adult in files.trust.shared_staff:
        sites = {
            sid: _week_at(files.schools[sid], documents[sid], adult.id, when)
            for sid, when in adult.schools.items()
            if sid in documents
        }
        if sites:
            out[adult.id] = {"hours": adult.hours, "schools": sites}
    return out


def _week_at(school: SchoolData, document: dict[str, Any], adult: str, when: str) -> dict[str, Any]:
    """A shared adult's week at one school: the window, the minutes given, and each day's tasks."""
    length = {s.id: s.minutes for s in school.calendar.slots}
    order = {s.id: i for i, s in enumerate(school.calendar.slots)}
    rows = sorted(
        (r for r in document["assignments"] if r["staff"] == adult),
        key=lambda r: (order.get(r["slot"], 0), str(r["task"])),
    )
    week: dict[str, list[str]] = {}
    for r in rows:
        week.setdefault(str(r["day"]), []).append(f"{r['slot']} {r['task']}")
    return {
        "school": school.school.name,
        "when": when,
        "minutes": sum(length[slot] for _, slot in {(r["day"], r["slot"]) for r in rows}),
        "week": {d: week[d] for d in school.calendar.days if d in week},
    }
