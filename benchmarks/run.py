"""Run the benchmark schools and write the results table (markdown and CSV) and a plot.

    python benchmarks/run.py                      # every school: tiered 5, 30, 60 s and weighted 60 s
    python benchmarks/run.py --only special-200 --times 5,30,60 --workers 8
    python benchmarks/run.py --quick              # the CI smoke run: tiny school, 1 and 2 s
    python benchmarks/run.py --readme             # also put the table in benchmarks/README.md

For each school, each solve in a fresh subprocess (so peak memory is the solve's own):
1. a tiered solve with a 0.1 s limit, timed from the call to the rota it returns: the
   time to the first valid rota (solve() returns the greedy warm start when there is
   no time to search), and that rota verified;
2. the tiered solve (`tasched.solver.solve`) at each of --times (5, 30 and 60 s by
   default: a separate solve per limit, since the tiers share the limit out), and the
   single weighted solve (`tiered=False`) at the longest limit;
3. the by-hand baseline (benchmarks/baseline.py).
Every rota is judged by the verifier (tasched.verify.verify), and each demand tier's
amount short is recomputed from its rows in the tiered solve's units (`tier_amounts`:
EHC minutes short, medical-cover minutes uncovered, duty adult-minutes, intervention
minutes, class-support adult-minutes, split by priority as the tiered solve splits
them), so the by-hand, weighted and tiered rotas are measured alike. The tiered
solve's own figures (meta.tiers: amount, status, bound) are recorded beside them.
Results go to benchmarks/results/ (results.csv, results.md, scaling.png).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import baseline, generate  # noqa: E402

RESULTS = HERE / "results"
ROTATION_RULES = ("rotation_min_staff", "rotation_max_share", "rotation_max_consecutive")
QUICK_TIMES = (1.0, 2.0)
TIMES = (5.0, 30.0, 60.0)
FIRST_ROTA_LIMIT = 0.1
SEED = 0
MEMORY_TARGET_MB = 1536
EHC_GAP_TARGET = 0.05
FIRST_ROTA_TARGET_S = 5.0
README_START = "<!-- results:start -->"
README_END = "<!-- results:end -->"
# The demand tiers in the solver's default order, with their units (tasched.solver.tiers.UNITS).
DEMANDS = ("ehcp_hours", "medical_cover", "duties", "interventions", "class_support")
UNITS = {
    "ehcp_hours": "minutes",
    "medical_cover": "minutes",
    "duties": "adult-minutes",
    "interventions": "minutes",
    "class_support": "adult-minutes",
    "soft_goals": "weighted penalty",
}
PRIORITIES = ("high", "normal", "low")
# Penalty families of the demands (meta.objective_terms); every other family is a soft goal.
DEMAND_FAMILIES = ("ehcp_hours", "medical_cover", "duty_cover", "intervention_sessions", "class_support")
WEIGHT_SCALE = 10  # tasched.solver.model.WEIGHT_SCALE: objective_terms are divided by it
HAND = "hand"


# ---------------------------------------------------------------------------
# Judging a rota
# ---------------------------------------------------------------------------


def ehc_short_hours(shortfalls: list[dict[str, Any]]) -> float:
    return round(sum(s["required"] - s["delivered"] for s in shortfalls if s.get("unit") == "hours"), 2)


def rotation_measures(kpis: dict[str, Any]) -> dict[str, float]:
    """Mean distinct adults per supported EHC pupil and mean / max largest share."""
    pupils = [k for k in kpis.get("pupils", {}).values() if k.get("distinct_adults", 0) > 0]
    if not pupils:
        return {"distinct_adults": 0.0, "largest_share": 0.0, "largest_share_max": 0.0}
    return {
        "distinct_adults": round(sum(k["distinct_adults"] for k in pupils) / len(pupils), 2),
        "largest_share": round(sum(k["largest_share"] for k in pupils) / len(pupils), 3),
        "largest_share_max": round(max(k["largest_share"] for k in pupils), 3),
    }


def judge(school: Any, rota: dict[str, Any]) -> dict[str, Any]:
    """The verifier's verdict on a rota, with the figures the table reports."""
    from tasched.verify import verify

    report = verify(school, rota)
    rules = Counter(v.rule for v in report.violations)
    return {
        "valid": report.ok,
        "violations": dict(rules),
        "rotation_breaches": sum(rules[r] for r in ROTATION_RULES),
        "other_violations": sum(n for r, n in rules.items() if r not in ROTATION_RULES),
        "ehc_short_h": ehc_short_hours(report.shortfalls),
        **rotation_measures(report.kpis),
    }


def baseline_rota(school: Any) -> dict[str, Any]:
    """The by-hand rota in the rota format: its rows, with shortfalls and KPIs derived
    by the verifier from those rows (so they agree with it by construction)."""
    from tasched.verify import Facts, Index, derive_kpis, derive_shortfalls, parse_rows

    rows = baseline.build_rows(school)
    facts = Facts(school)
    parsed, _ = parse_rows(facts, rows)
    ix = Index.build(facts, parsed)
    shortfalls = derive_shortfalls(facts, ix)
    for s in shortfalls:
        s["reason"] = "not placed by the by-hand greedy"
    meta = {"tool": "benchmarks/baseline.py", "format_version": 1, "status": "feasible"}
    return {
        "meta": meta,
        "assignments": rows,
        "shortfalls": shortfalls,
        "kpis": derive_kpis(facts, ix),
    }


def tier_amounts(problem: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Each demand's amount short in a rota, read from its rows, in the tiered solve's units.

    Keys: "ehcp_hours", "medical_cover", and "duties.high", "interventions.normal",
    "class_support.low", ... (every demand and priority the school has, 0 when met).
    The same sums as tasched/solver/demands.py, over the rows instead of the model:
    EHC minutes short (slots supported plus sessions that count, capped at the plan),
    minutes of medical slots with no skilled adult near, duty adult-minutes unfilled,
    intervention sessions missed × their minutes, class-support adult-minutes unfilled.
    One difference: a rota row "class:X" is counted as class support whoever put it
    there, so an adult placed in a class as medical cover also counts as its support
    (the model counts only its class-support variables).
    """
    from tasched.solution.rota import Delivery

    d = Delivery(problem, rows)
    out: dict[str, int] = {}

    def add(key: str, minutes: int) -> None:
        out[key] = out.get(key, 0) + max(0, minutes)

    for pupil in problem.pupils:
        plan = pupil.ehcp
        if plan is not None and plan.required_minutes > 0:
            add("ehcp_hours", plan.required_minutes - d.ehc_minutes(pupil.index))
        if pupil.medical is not None and pupil.medical.slots:
            for t in pupil.medical.slots:
                add("medical_cover", 0 if d.medical_covered(pupil.index, t) else problem.slots[t].minutes)
    for duty in problem.duties:
        for t in duty.slots:
            on = len(d.duty_rows.get((duty.id, t), []))
            add(f"duties.{duty.priority.value}", problem.slots[t].minutes * (duty.staff - min(duty.staff, on)))
    for iv in problem.interventions:
        add(f"interventions.{iv.priority.value}", iv.minutes * (iv.sessions - len(d.sessions.get(iv.id, []))))
    for row in problem.supports:
        for t in row.slots:
            on = len(d.class_rows.get((row.class_id, t), []))
            add(f"class_support.{row.priority.value}", problem.slots[t].minutes * (row.staff - min(row.staff, on)))
    return out


def amount(amounts: dict[str, int], key: str) -> int | None:
    """A tier's amount: its own key, or (a demand not split by priority) the sum of its priorities."""
    if key in amounts:
        return amounts[key]
    parts = [v for k, v in amounts.items() if k.startswith(key + ".")]
    return sum(parts) if parts else None


def tier_key(tier: dict[str, Any]) -> str:
    return str(tier["tier"]) + (f".{tier['priority']}" if tier.get("priority") else "")


def soft_goal_total(meta: dict[str, Any]) -> float | None:
    """The soft goals' weighted penalty (the tiered solve's soft_goals unit), from meta.objective_terms."""
    terms = meta.get("objective_terms")
    if terms is None:
        return None
    return round(sum(v for k, v in terms.items() if k not in DEMAND_FAMILIES) * WEIGHT_SCALE)


# ---------------------------------------------------------------------------
# The child process: one solve, measured
# ---------------------------------------------------------------------------


def peak_mb() -> float:
    """This process's peak resident memory (ru_maxrss is KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def child(job: dict[str, Any]) -> None:
    """Solve one school once (tiered or weighted) and write the measurements as JSON."""
    from tasched.io.formats import load_school
    from tasched.problem.compile import compile_problem
    from tasched.solution import solve

    school = load_school(job["path"])
    log_path = job.get("log")
    log_file = open(log_path, "w", encoding="utf-8") if log_path else None  # noqa: SIM115

    def log(line: str) -> None:
        if log_file:
            log_file.write(line.rstrip("\n") + "\n")

    started = time.perf_counter()
    rota = solve(
        school,
        time_limit=job["limit"],
        workers=job["workers"] or None,
        seed=job["seed"],
        log=log,
        verbose=log_file is not None,
        tiered=job["mode"] == "tiered",
    )
    wall = time.perf_counter() - started
    peak = peak_mb()  # the solve's own peak, before the judging below
    if log_file:
        log_file.close()
    result = {
        "wall_s": round(wall, 3),
        "meta": rota.meta,
        "peak_mb": peak,
        "amounts": tier_amounts(compile_problem(school), rota.assignments),
        **judge(school, rota.to_dict()),
    }
    Path(job["out"]).write_text(json.dumps(result, default=str), encoding="utf-8")


def run_child(
    path: Path, limit: float, workers: int, mode: str, seed: int = SEED, log_path: Path | None = None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        job = {
            "path": str(path),
            "limit": limit,
            "workers": workers,
            "mode": mode,
            "seed": seed,
            "out": str(out),
            "log": str(log_path) if log_path else None,
        }
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(job)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit * 4 + 600)
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(f"{mode} solve of {path.name} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        return json.loads(out.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# One instance
# ---------------------------------------------------------------------------


def settings(times: tuple[float, ...]) -> list[tuple[str, str, float]]:
    """(name, mode, limit) of each solve: tiered at every time, weighted at the longest."""
    out = [(f"tiered_{t:g}s", "tiered", t) for t in times]
    return [*out, (f"weighted_{max(times):g}s", "weighted", max(times))]


def size_of(school: Any) -> dict[str, int]:
    week = baseline.Week(school)
    return {
        "adults": len(school.staff),
        "pupils": len(school.pupils),
        "ehc_pupils": sum(1 for p in school.pupils if p.ehcp is not None),
        "classes": len(school.classes),
        "week_slots": len(week.open),
        "adult_slots": sum(len(w) for w in week.works.values()),
    }


def tier_list(results: dict[str, dict[str, Any]], amounts: dict[str, int]) -> list[str]:
    """The school's demand tiers in solving order: from the longest tiered solve's meta.tiers,
    else (no tiered meta) one per demand and priority present."""
    for result in sorted(results.values(), key=lambda r: -float(r["meta"].get("time_limit") or 0)):
        tiers = result["meta"].get("tiers")
        if tiers:
            return [tier_key(t) for t in tiers if t["tier"] != "soft_goals"]
    keys = [d for d in DEMANDS if d in amounts]
    for d in DEMANDS:
        keys += [f"{d}.{p}" for p in PRIORITIES if f"{d}.{p}" in amounts]
    return sorted(keys, key=lambda k: DEMANDS.index(k.split(".")[0]))


def run_instance(
    name: str,
    path: Path,
    times: tuple[float, ...],
    workers: int,
    log_dir: Path | None = None,
    seed: int = SEED,
    echo: bool = False,
) -> dict[str, Any]:
    from tasched.io.formats import load_school
    from tasched.problem.compile import compile_problem

    school = load_school(path)
    row: dict[str, Any] = {"instance": name, **size_of(school)}
    row["load_before"] = round(os.getloadavg()[0], 1)  # other work on the machine skews times

    started = time.perf_counter()
    by_hand = judge(school, baseline_rota(school))
    hand_amounts = tier_amounts(compile_problem(school), baseline.build_rows(school))
    row["baseline_s"] = round(time.perf_counter() - started, 2)

    first = run_child(path, FIRST_ROTA_LIMIT, workers, "tiered", seed)
    row["first_rota_s"] = first["wall_s"]
    row["first_rota_valid"] = first["valid"] and first["meta"].get("status") != "no_rota"
    row["first_rota_source"] = first["meta"].get("source", "")

    results: dict[str, dict[str, Any]] = {}
    for setting, mode, limit in settings(times):
        log_path = log_dir / f"{name}.{setting}.log" if log_dir else None
        if echo:
            print(f"  {setting} ...", flush=True)
        results[setting] = run_child(path, limit, workers, mode, seed, log_path)
    row["load_after"] = round(os.getloadavg()[0], 1)

    longest = results[settings(times)[-2][0]]
    model = longest["meta"].get("model") or {}
    row.update(variables=model.get("variables"), constraints=model.get("constraints"))
    keys = tier_list(results, longest["amounts"])
    row["tiers"] = ";".join(keys)
    row["ehc_counting_bound"] = counting_ehc_bound(path)
    for key in keys:
        row[f"short_{key}_{HAND}"] = amount(hand_amounts, key)
    row[f"valid_{HAND}"] = by_hand["valid"]
    row[f"rotation_breaches_{HAND}"] = by_hand["rotation_breaches"]
    row[f"other_violations_{HAND}"] = by_hand["other_violations"]
    row[f"distinct_adults_{HAND}"] = by_hand["distinct_adults"]
    row[f"largest_share_{HAND}"] = by_hand["largest_share"]
    for setting, result in results.items():
        meta = result["meta"]
        own = {tier_key(t): t for t in meta.get("tiers") or []}
        for key in keys:
            row[f"short_{key}_{setting}"] = amount(result["amounts"], key)
            if setting.startswith("tiered"):
                t = own.get(key, {})
                # no meta.tiers: solve() returned the greedy rota (no time to search)
                row[f"status_{key}_{setting}"] = t.get("status", "greedy")
                row[f"bound_{key}_{setting}"] = t.get("bound")
                row[f"meta_short_{key}_{setting}"] = t.get("short")
                row[f"seconds_{key}_{setting}"] = t.get("seconds")
                row[f"proof_{key}_{setting}"] = t.get("proof")
        if "soft_goals" in own:
            row[f"status_soft_goals_{setting}"] = own["soft_goals"]["status"]
        row[f"short_soft_goals_{setting}"] = soft_goal_total(meta)
        row[f"status_{setting}"] = meta.get("status")
        row[f"gap_{setting}"] = meta.get("gap")
        row[f"wall_s_{setting}"] = result["wall_s"]
        row[f"peak_mb_{setting}"] = result["peak_mb"]
        row[f"valid_{setting}"] = result["valid"]
        row[f"violations_{setting}"] = ";".join(f"{k}={v}" for k, v in sorted(result["violations"].items()))
        row[f"rotation_breaches_{setting}"] = result["rotation_breaches"]
        row[f"distinct_adults_{setting}"] = result["distinct_adults"]
        row[f"largest_share_{setting}"] = result["largest_share"]
    row["valid"] = all(r["valid"] for r in results.values()) and row["first_rota_valid"]
    row["peak_mb"] = max([first["peak_mb"], *(r["peak_mb"] for r in results.values())])
    return row


def counting_ehc_bound(path: Path) -> int:
    """EHC minutes no rota can deliver, proven by counting (tasched.problem.diagnose)."""
    from tasched.io.formats import load_school
    from tasched.problem.compile import compile_problem
    from tasched.problem.diagnose import unavoidable_ehc_minutes

    problem = compile_problem(load_school(path), limit_candidates=False)
    return int(sum(unavoidable_ehc_minutes(problem).values()))


def read_csv(path: Path) -> list[dict[str, Any]]:
    """results.csv back as rows with numbers and booleans, to re-render the table."""

    def value(text: str) -> Any:
        if text in ("", "None"):
            return None
        if text in ("True", "False"):
            return text == "True"
        for kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                pass
        return text

    with path.open(encoding="utf-8") as f:
        return [{k: value(v) for k, v in r.items()} for r in csv.DictReader(f)]


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def commit() -> str:
    """The commit measured: `git rev-parse` of this tree, or BENCH_COMMIT for an exported one."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")  # fmt: skip


def machine() -> dict[str, str]:
    import ortools

    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = int(f.readline().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores (nproc){mem}, {platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "ortools": ortools.__version__,
        "commit": commit(),
    }


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "**NO**"
    if isinstance(value, float):
        if math.isinf(value):
            return "∞"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table; every column but the first right-aligned."""
    out = ["| " + " | ".join(headers) + " |", "|---|" + "--:|" * (len(headers) - 1)]
    return out + ["| " + " | ".join(cells) + " |" for cells in rows]


STATUS_WORD = {
    "optimal": "proven",
    "optimal_within_limits": "proven within limits",
    "feasible": "not proven",
    "not_reached": "not reached",
    "greedy": "greedy rota",
}


def keys_of(r: dict[str, Any]) -> list[str]:
    return [k for k in str(r.get("tiers") or "").split(";") if k]


def tier_label(key: str) -> str:
    demand, _, priority = key.partition(".")
    return demand + (f" ({priority})" if priority else "")


def cell(r: dict[str, Any], key: str, setting: str) -> str:
    value = fmt(r.get(f"short_{key}_{setting}"), 0)
    status = r.get(f"status_{key}_{setting}")
    return value if status is None else f"{value} {STATUS_WORD.get(status, status)}"


def worse_tiers(r: dict[str, Any], times: tuple[float, ...]) -> list[tuple[str, Any, Any]]:
    """Demand tiers where the longest tiered solve's rota is short of more than the weighted one's."""
    tiered, weighted = f"tiered_{max(times):g}s", f"weighted_{max(times):g}s"
    out = []
    for key in keys_of(r):
        ours, theirs = r.get(f"short_{key}_{tiered}"), r.get(f"short_{key}_{weighted}")
        if ours is not None and theirs is not None and ours > theirs:
            out.append((key, ours, theirs))
    return out


def lexicographic(r: dict[str, Any], times: tuple[float, ...]) -> int:
    """-1 / 0 / 1: the tiered rota better / equal / worse than the weighted one, demand tiers
    in order and then the soft goals."""
    tiered, weighted = f"tiered_{max(times):g}s", f"weighted_{max(times):g}s"
    for key in [*keys_of(r), "soft_goals"]:
        ours, theirs = r.get(f"short_{key}_{tiered}"), r.get(f"short_{key}_{weighted}")
        if ours is None or theirs is None or ours == theirs:
            continue
        return -1 if ours < theirs else 1
    return 0


def meta_mismatches(r: dict[str, Any], times: tuple[float, ...]) -> list[tuple[str, str, Any, Any]]:
    """Where the tiered solve's meta.tiers amount differs from the amount read from its rows."""
    out = []
    for t in times:
        setting = f"tiered_{t:g}s"
        for key in keys_of(r):
            own, rows = r.get(f"meta_short_{key}_{setting}"), r.get(f"short_{key}_{setting}")
            if own is not None and rows is not None and own != rows:
                out.append((setting, key, own, rows))
    return out


def targets(r: dict[str, Any], times: tuple[float, ...]) -> dict[str, bool | None]:
    """Each target for this school: met, not met, or None (not this school's target)."""
    tiered, weighted = f"tiered_{max(times):g}s", f"weighted_{max(times):g}s"
    keys = keys_of(r)
    special = str(r["instance"]).startswith("special")
    out: dict[str, bool | None] = {}
    out["proven"] = None if special else all(r.get(f"status_{k}_{tiered}") == "optimal" for k in keys)
    if special:
        every = [HAND, *(s for s, _, _ in settings(times))]
        complete = True
        for k in keys:
            if not k.startswith(("medical_cover", "duties")):
                continue
            short = r.get(f"short_{k}_{tiered}")
            someone = any(r.get(f"short_{k}_{s}") == 0 for s in every)
            proven = r.get(f"status_{k}_{tiered}") == "optimal"
            complete = complete and (short == 0 or (proven and not someone))
        out["complete"] = complete
        short, bound = r.get(f"short_ehcp_hours_{tiered}"), r.get(f"bound_ehcp_hours_{tiered}")
        if short is None or short == 0:
            out["ehc_gap"] = short == 0
        else:
            out["ehc_gap"] = bound is not None and (short - bound) / short <= EHC_GAP_TARGET + 1e-9
    else:
        out["complete"] = out["ehc_gap"] = None
    out["no_worse"] = not worse_tiers(r, times) and all(r.get(f"short_{k}_{weighted}") is not None for k in keys)
    out["lexicographic"] = lexicographic(r, times) <= 0
    out["first_rota"] = bool(r["first_rota_valid"]) and r["first_rota_s"] <= FIRST_ROTA_TARGET_S
    out["memory"] = r["peak_mb"] < MEMORY_TARGET_MB
    return out


def verdict(r: dict[str, Any], setting: str) -> str:
    """yes / NO; the by-hand rota breaks only the rotation rules by design: said so."""
    valid = r.get(f"valid_{setting}")
    if setting == HAND and valid is False and r.get(f"other_violations_{HAND}") == 0:
        return f"rotation only ({r.get(f'rotation_breaches_{HAND}')})"
    return fmt(valid)


def tick(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


def markdown(
    rows: list[dict[str, Any]], times: tuple[float, ...], info: dict[str, str], workers: int, seed: int = SEED
) -> str:
    runs = settings(times)
    tiered_names = [s for s, mode, _ in runs if mode == "tiered"]
    weighted = runs[-1][0]
    longest = tiered_names[-1]
    out = [
        f"Run {info['date']} on {info['machine']}; Python {info['python']}, "
        f"OR-Tools {info['ortools']}, commit {info['commit']}; CP-SAT with "
        f"{workers or 'the default number of'} workers, seed {seed}. Per school, each in its own "
        f"process: the tiered solve at {', '.join(f'{t:g}' for t in times)} s (a separate solve per "
        f"limit) and the single weighted solve (`tiered=False`) at {max(times):g} s; times are "
        "from the start of solve(), model building included. Load: the machine's 1-minute load "
        "average before and after each school (other work on the machine slows it down).",
        "",
        "**Size, speed and memory**",
        "",
    ]
    out += table(
        ["school", "adults", "pupils (EHC)", "variables", "constraints", "first valid rota s",
         f"tiered {max(times):g} s took s", f"status tiered {max(times):g} s", "gap (first unproven tier)",
         "status weighted",
         "verified: by hand / " + " / ".join(s.replace("_", " ") for s, _, _ in runs),
         "peak MB (largest solve)", "load before/after"],
        [
            [r["instance"], fmt(r["adults"]), f"{r['pupils']} ({r['ehc_pupils']})",
             fmt(r["variables"]), fmt(r["constraints"]),
             fmt(r["first_rota_s"]) + ("" if r["first_rota_valid"] else " (invalid)"),
             fmt(r.get(f"wall_s_{longest}")), str(r.get(f"status_{longest}")), pct(r.get(f"gap_{longest}")),
             str(r.get(f"status_{weighted}")),
             " / ".join(verdict(r, s) for s in [HAND, *(s for s, _, _ in runs)]),
             fmt(r["peak_mb"], 0), f"{r['load_before']:g} / {r['load_after']:g}"]
            for r in rows
        ],
    )  # fmt: skip
    out += [
        "",
        "**Each demand tier: amount short, by rota** (read from each rota's rows by "
        "`tier_amounts`, in the tiered solve's units, so the rotas compare; the tiered solve's "
        "own status for the tier beside it: proven = optimal, no rota under the rules does "
        "better with the tiers above held at their values; proven within limits = optimal "
        "among the adults considered for each pupil (adults_per_pupil); not proven = the best "
        "found; not reached = the time ran out first). Bound: the tiered "
        f"{max(times):g} s solve's proven lower bound for the tier. Counting: EHC minutes no "
        "rota can deliver, by counting slots and eligible adults "
        "(tasched.problem.diagnose.unavoidable_ehc_minutes). Soft goals: the weighted penalty of the "
        "soft goals (meta.objective_terms × 10), not computed for the by-hand rota.",
        "",
    ]
    headers = ["school", "tier", "unit", "by hand", weighted.replace("_", " "),
               *(s.replace("_", " ") for s in tiered_names), "bound", "counting"]  # fmt: skip
    cells = []
    for r in rows:
        worse = {k for k, _, _ in worse_tiers(r, times)}
        for key in [*keys_of(r), "soft_goals"]:
            tiered_cells = [cell(r, key, s) for s in tiered_names]
            if key in worse:
                tiered_cells[-1] = f"**{tiered_cells[-1]}**"
            cells.append(
                [r["instance"], tier_label(key), UNITS[key.split(".")[0]],
                 fmt(r.get(f"short_{key}_{HAND}"), 0), fmt(r.get(f"short_{key}_{weighted}"), 0),
                 *tiered_cells, fmt(r.get(f"bound_{key}_{longest}"), 0),
                 fmt(r.get("ehc_counting_bound"), 0) if key == "ehcp_hours" else ""]
            )  # fmt: skip
    out += table(headers, cells)
    out += [
        "",
        "**Targets** (tiered solve at the longest limit; against the weighted solve at the same limit). "
        "Proven: every demand tier optimal (primary, secondary and St Paul's). Complete: on the "
        "special schools, medical cover and duties short of nothing, unless the tier is proven "
        "and no measured rota completes it. EHC gap: (short − bound) / short of the EHC tier "
        f"≤ {EHC_GAP_TARGET:.0%} (special schools). No tier worse: tier by tier, each demand "
        "tier's amount ≤ the weighted rota's (the target); lexicographic: the first tier that "
        "differs, soft goals last, is not worse (reported beside it). Valid rota: verified, "
        f"within {FIRST_ROTA_TARGET_S:g} s. Memory: every solve's peak under 1.5 GB.",
        "",
    ]
    out += table(
        ["school", "demand tiers proven", "medical and duties complete", "EHC gap ≤ 5%",
         "no tier worse than weighted (tier by tier)", "(lexicographic)", "valid rota ≤ 5 s",
         "peak < 1.5 GB"],
        [[r["instance"], *(tick(ok) for ok in targets(r, times).values())] for r in rows],
    )  # fmt: skip
    notes = []
    for r in rows:
        for key, ours, theirs in worse_tiers(r, times):
            notes.append(
                f"- {r['instance']}: {tier_label(key)} — tiered {max(times):g} s rota short of "
                f"{ours:,} {UNITS[key.split('.')[0]]}, the weighted rota {theirs:,}."
            )
    if notes:
        out += ["", "Tiers where the tiered rota is short of more than the weighted one:", "", *notes]
    mismatches = [(r["instance"], *m) for r in rows for m in meta_mismatches(r, times)]
    if mismatches:
        out += [
            "",
            "Where meta.tiers and the rota's rows disagree (amount in meta.tiers, then from the rows):",
            "",
        ]
        out += [f"- {i}, {s.replace('_', ' ')}, {tier_label(k)}: {a:,} / {b:,}" for i, s, k, a, b in mismatches]
    return "\n".join(out) + "\n"


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)


def plot(rows: list[dict[str, Any]], path: Path, times: tuple[float, ...]) -> None:
    """Time to the first valid rota, the longest tiered solve's wall time and peak memory
    against adult-slots (adults × the slots they work), one point per school."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    xs = [r["adult_slots"] for r in rows]
    series = [
        ("first_rota_s", "time to first valid rota (s)"),
        (f"wall_s_tiered_{max(times):g}s", f"tiered solve, {max(times):g} s limit (s)"),
        ("peak_mb", "peak memory, largest solve (MB)"),
    ]
    for ax, (key, label) in zip(axes, series, strict=True):
        points = [(x, r.get(key), r) for x, r in zip(xs, rows, strict=True) if r.get(key) is not None]
        ax.scatter([p[0] for p in points], [p[1] for p in points])
        for x, y, r in points:
            ax.annotate(r["instance"], (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.set_xlabel("adult-slots (adults × slots each works)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[2].axhline(MEMORY_TARGET_MB, color="red", linestyle="--", linewidth=0.8, label="1.5 GB target")
    axes[0].axhline(FIRST_ROTA_TARGET_S, color="red", linestyle="--", linewidth=0.8, label="5 s target")
    axes[0].legend(fontsize=8)
    axes[2].legend(fontsize=8)
    fig.suptitle("tasched benchmarks: growth with school size")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_readme(table: str, readme: Path = HERE / "README.md") -> None:
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    readme.write_text(text[:start] + "\n" + table + text[end:], encoding="utf-8")


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def instance_path(name: str, instances: Path, out_dir: Path) -> Path:
    """The committed school file, or (for the quick kinds) one generated into out_dir."""
    path = instances / f"{name}.yaml"
    if path.exists():
        return path
    return generate.write(name, out_dir / "instances")


def run(
    names: list[str],
    *,
    times: tuple[float, ...] = TIMES,
    workers: int = 0,
    seed: int = SEED,
    out_dir: Path = RESULTS,
    instances: Path = generate.INSTANCES,
    log_dir: Path | None = None,
    echo: bool = True,
) -> list[dict[str, Any]]:
    """Run the named instances; write results.csv, results.md and scaling.png to out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
    info = machine()
    setup = {"info": info, "workers": workers, "seed": seed, "times": list(times)}
    (out_dir / "run.json").write_text(json.dumps(setup, indent=1), encoding="utf-8")
    rows = []
    longest = f"tiered_{max(times):g}s"
    for name in names:
        if echo:
            print(f"{name} ...", flush=True)
        path = instance_path(name, instances, out_dir)
        row = run_instance(name, path, times, workers, log_dir, seed, echo)
        rows.append(row)
        if echo:
            tiers = ", ".join(
                f"{k} {row.get(f'short_{k}_{longest}')} ({row.get(f'status_{k}_{longest}')}; weighted "
                f"{row.get(f'short_{k}_weighted_{max(times):g}s')})"
                for k in keys_of(row)
            )
            print(
                f"  first rota {row['first_rota_s']} s, {tiers}; peak {row['peak_mb']} MB, valid {row['valid']}",
                flush=True,
            )
        write_csv(rows, out_dir / "results.csv")  # after each school: a partial run still reports
        (out_dir / "results.md").write_text(markdown(rows, times, info, workers, seed), encoding="utf-8")
    plot(rows, out_dir / "scaling.png", times)
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child(json.loads(argv[1]))
        return 0
    ap = argparse.ArgumentParser(description="Run the tasched benchmarks and write the results table.")
    ap.add_argument("--quick", action="store_true", help="the CI smoke run: tiny school, 1 and 2 s")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="instances to run (default: all)")
    ap.add_argument(
        "--times",
        help="comma-separated limits of the tiered solves, s (default 5,30,60); the weighted solve gets the longest",
    )
    ap.add_argument("--workers", type=int, default=0, help="CP-SAT workers (default: tasched's own default)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"CP-SAT seed (default {SEED})")
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    ap.add_argument("--log", action="store_true", help="keep each solve's CP-SAT log in OUT/logs/")
    ap.add_argument("--readme", action="store_true", help="put the table in benchmarks/README.md")
    ap.add_argument(
        "--render",
        action="store_true",
        help="only re-render results.md and the plot from results.csv",
    )
    args = ap.parse_args(argv)
    times = tuple(float(t) for t in args.times.split(",")) if args.times else (QUICK_TIMES if args.quick else TIMES)
    names = args.only or (list(generate.QUICK_KINDS) if args.quick else list(generate.KINDS))
    log_dir = args.out / "logs" if args.log else None
    if args.render:
        rows = read_csv(args.out / "results.csv")
        setup = json.loads((args.out / "run.json").read_text(encoding="utf-8"))
        times = tuple(setup["times"])
        text = markdown(rows, times, setup["info"], setup["workers"], setup.get("seed", SEED))
        (args.out / "results.md").write_text(text, encoding="utf-8")
        plot(rows, args.out / "scaling.png", times)
    else:
        run(names, times=times, workers=args.workers, seed=args.seed, out_dir=args.out, log_dir=log_dir)
    print(f"wrote {args.out / 'results.md'}, results.csv and scaling.png")
    if args.readme:
        update_readme((args.out / "results.md").read_text(encoding="utf-8"))
        print("updated benchmarks/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
