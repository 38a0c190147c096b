"""Benchmark of a trust that shares adults (issue 17); writes benchmarks/results/trust.md.

    python benchmarks/trust_bench.py [--time-limit 10] [--ray-schools 40] [--ray-time-limit 5]

1. A generated trust of 12 primaries (benchmarks/generate.py's primary-1fe) with 6 shared
   adults (benchmarks/trust_generate.py): `tasched batch` on the local process pool; wall
   time, each task's time, every rota verified and the shared adults checked across the trust.
2. The largest coupled group (three primaries): its composed model's size (staff, pupils,
   CP-SAT variables and constraints, build time), a solve with the time limit and its tiers.
3. A 40-school trust on a local Ray cluster of 2 CPUs (`--ray auto`, 1 CP-SAT worker a task).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from benchmarks.trust_generate import make_trust  # noqa: E402
from tasched.input.trust import compose  # noqa: E402
from tasched.io.trust import load_trust  # noqa: E402
from tasched.jobs.batch import BatchOptions, available_cores  # noqa: E402
from tasched.jobs.progress import BatchProgress  # noqa: E402
from tasched.jobs.trust import run_trust_batch  # noqa: E402
from tasched.problem.compile import compile_problem  # noqa: E402
from tasched.solution.trust import solve_group  # noqa: E402
from tasched.solver import build_model  # noqa: E402
from tasched.verify import verify  # noqa: E402
from tasched.verify.trust import verify_trust  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "trust.md"


def quiet(n: int) -> BatchProgress:
    return BatchProgress(Console(quiet=True), n, quiet=True)


def batch_run(folder: Path, out: Path, options: BatchOptions) -> dict[str, Any]:
    started = time.perf_counter()
    report, section = run_trust_batch(folder, out, options, quiet)
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "schools": len(report.results),
        "solved": len(report.results) - len(report.failed),
        "executor": report.executor,
        "jobs": report.jobs,
        "workers": report.workers,
        "groups": section["groups"],
        "trust_check": section["trust_check"],
        "rows": report.results,
    }


def largest_group(folder: Path, time_limit: float) -> dict[str, Any]:
    files = load_trust(folder / "trust.yaml")
    group = max(files.groups(), key=len)
    schools = {sid: files.schools[sid] for sid in group}
    started = time.perf_counter()
    joint = compose(files.trust, schools)
    rm = build_model(compile_problem(joint))
    build = time.perf_counter() - started
    started = time.perf_counter()
    rotas = solve_group(files.trust, schools, time_limit=time_limit)
    seconds = time.perf_counter() - started
    valid = all(verify(schools[s], r.to_dict()).ok for s, r in rotas.items())
    trust_ok = not verify_trust(files.trust, schools, {s: r.to_dict() for s, r in rotas.items()})
    first = next(iter(rotas.values()))
    return {
        "group": group,
        "staff": len(joint.staff),
        "pupils": len(joint.pupils),
        "people": len(joint.people),
        "variables": len(rm.cp.proto.variables),
        "constraints": len(rm.cp.proto.constraints),
        "build_seconds": round(build, 2),
        "solve_seconds": round(seconds, 1),
        "status": first.status,
        "valid": valid and trust_ok,
        "tiers": first.tiers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-limit", type=float, default=10)
    parser.add_argument("--ray-schools", type=int, default=40)
    parser.add_argument("--ray-shared", type=int, default=20)
    parser.add_argument("--ray-time-limit", type=float, default=5)
    parser.add_argument("--no-ray", action="store_true")
    args = parser.parse_args()
    lines = [
        "# Trust benchmark: schools that share adults (issue 17)",
        "",
        f"`python benchmarks/trust_bench.py --time-limit {args.time_limit:g}` on {platform.machine()}, "
        f"{available_cores()} cores (shared with other work), Python {platform.python_version()}.",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "trust12"
        make_trust(folder, 12, 6, kind="primary-1fe", seed=1)
        print("12-school trust ...", flush=True)
        run = batch_run(folder, Path(tmp) / "out12", BatchOptions(time_limit=args.time_limit))
        lines += [
            "## 12 primaries, 6 shared adults, local process pool",
            "",
            f"Groups solved together: {run['groups']}; the others alone. Executor {run['executor']}, "
            f"{run['jobs']} task(s) at a time × {run['workers']} CP-SAT workers, time limit {args.time_limit:g} s "
            "a task.",
            "",
            f"- wall time: **{run['seconds']} s** for {run['schools']} schools; {run['solved']} with a valid rota "
            f"(each verified against its own file); trust check of the shared adults: **{run['trust_check']}**",
            "",
            "| school | status | EHC hours met / required | shortfalls | cost a week (£) | seconds (its task) |",
            "|---|---|---|---|---|---|",
        ]
        for r in sorted(run["rows"], key=lambda r: str(r["file"])):
            lines.append(
                f"| {r['file']} | {r['status']} | {r.get('ehc_hours_met')} / {r.get('ehc_hours_required')} | "
                f"{r.get('shortfalls')} | {r.get('cost_weekly')} | {r.get('seconds')} |"
            )
        print("largest group ...", flush=True)
        big = largest_group(folder, args.time_limit)
        lines += [
            "",
            "## The largest coupled group",
            "",
            f"Schools {' + '.join(big['group'])}: composed model of {big['staff']} staff rows ({big['people']} "
            f"shared adults as `people`), {big['pupils']} pupils; **{big['variables']:,} CP-SAT variables, "
            f"{big['constraints']:,} constraints**, built in {big['build_seconds']} s. Solved in "
            f"**{big['solve_seconds']} s** (limit {args.time_limit:g} s): {big['status']}, valid "
            f"(every school's verifier and the trust check): **{big['valid']}**.",
            "",
            "| tier | status | short | unit | seconds |",
            "|---|---|---|---|---|",
        ]
        for t in big["tiers"]:
            name = t["tier"] + (f" ({t['priority']})" if t.get("priority") else "")
            lines.append(f"| {name} | {t['status']} | {t['short']} | {t['unit']} | {t.get('seconds')} |")
        if not args.no_ray:
            import ray

            folder40 = Path(tmp) / "trust40"
            make_trust(folder40, args.ray_schools, args.ray_shared, kind="primary-1fe", seed=2)
            print(f"{args.ray_schools}-school trust on Ray ...", flush=True)
            ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
            try:
                run40 = batch_run(
                    folder40, Path(tmp) / "out40",
                    BatchOptions(time_limit=args.ray_time_limit, workers=1, ray="auto"),
                )  # fmt: skip
            finally:
                ray.shutdown()
            lines += [
                "",
                f"## {args.ray_schools} primaries, {args.ray_shared} shared adults, local Ray cluster of 2 CPUs",
                "",
                f"`--ray auto` on a Ray started with 2 CPUs, 1 CP-SAT worker a task, time limit "
                f"{args.ray_time_limit:g} s a task; {len(run40['groups'])} coupled groups "
                f"(sizes {sorted(len(g) for g in run40['groups'])}) and the other schools alone.",
                "",
                f"- wall time: **{run40['seconds']} s** for {run40['schools']} schools; {run40['solved']} with a "
                f"valid rota; trust check: **{run40['trust_check']}**",
            ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(RESULTS.read_text())


if __name__ == "__main__":
    main()
