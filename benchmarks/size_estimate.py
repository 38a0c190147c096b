"""The size estimate (tasched.solver.size) against the real model and peak memory.

For each school in benchmarks/instances: the decisions counted from the compiled
problem, the estimated variables and memory, then a real solve in a fresh process
(short time limit): the model's variable count and the process's peak RSS.

    python -m benchmarks.size_estimate [--time-limit 10] [--workers 1] > table.md
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import json, resource, sys
from tasched.io.formats import load_school
from tasched.problem.compile import compile_problem
from tasched.solver import find
from tasched.solver.size import estimate
school = load_school(sys.argv[1])
workers = int(sys.argv[3])
est = estimate(compile_problem(school), workers)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
found = find(school, time_limit=float(sys.argv[2]), workers=workers)
model = found.meta.get("model") or {}
print(json.dumps({"decisions": est.decisions, "est_variables": est.variables, "est_mb": est.megabytes,
                  "variables": model.get("variables"), "constraints": model.get("constraints"),
                  "before_mb": before, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("instances", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.instances or sorted((HERE / "instances").glob("*.yaml"))
    print("| school | workers | decisions | variables (real) | est. variables | real ÷ decisions | "
          "peak MB (real) | est. MB |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path in paths:
        for workers in args.workers:
            out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(args.time_limit), str(workers)],
                                 capture_output=True, text=True, check=True)  # fmt: skip
            r = json.loads(out.stdout.strip().splitlines()[-1])
            ratio = r["variables"] / r["decisions"] if r["variables"] and r["decisions"] else float("nan")
            row = (f"| {path.stem} | {workers} | {r['decisions']:,} | {r['variables'] or 0:,} | "
                   f"{r['est_variables']:,} | {ratio:.2f} | {r['peak_mb']:.0f} | {r['est_mb']:.0f} |")  # fmt: skip
            print(row, flush=True)


if __name__ == "__main__":
    main()
