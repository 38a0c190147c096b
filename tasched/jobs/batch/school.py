"""One school of a batch, solved in a worker process or a Ray task, and its row of the summary.

:func:`solve_school` never raises for a school's fault: bad input, no rota in the time
and a crash each become a row with its status and error, so the other schools go on.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tasched.errors import InputError, Problem
from tasched.io.files import dump_yaml
from tasched.io.formats import write_rota
from tasched.jobs.batch.task import SOLVED, SchoolTask, row
from tasched.jobs.run import solve_file
from tasched.solution.words import headline

__all__ = ["solve_school", "summarise"]


def solve_school(task: SchoolTask) -> dict[str, Any]:
    """Solve one school and return its summary row; never raises for a school's fault.

    Bad input gives status `failed` with every problem as text; no rota within
    the time limit gives `no_rota`; an unexpected error gives `failed` with
    `internal error: ...`. The rota is written to `task.output`, or returned as
    `rota_yaml` text when `task.output` is None.
    """
    started = time.perf_counter()
    result = row(task.name, task.path, "failed")
    try:
        if task.content is None:
            _solve_into(result, Path(task.path), task)
        else:
            _solve_sent_file(result, task, task.content)
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
    """A school's problems as text, already naming the school's own path."""


def _problems_text(problems: Iterable[Problem]) -> str:
    return "\n".join(str(p) for p in problems) or "the school file cannot be used"


def _solve_sent_file(result: dict[str, Any], task: SchoolTask, content: bytes) -> None:
    """Solve a file that came as bytes (Ray): its problems name the school's path, not the copy's."""
    with tempfile.TemporaryDirectory(prefix="tasched-") as tmp:
        local = Path(tmp) / task.name
        local.write_bytes(content)
        try:
            _solve_into(result, local, task)
        except InputError as error:
            text = _problems_text(error.problems)
            raise _TextError(text.replace(str(local), task.path)) from None


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
