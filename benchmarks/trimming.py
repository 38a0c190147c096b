"""What the candidate limit costs: the same school solved with and without `adults_per_pupil`.

    python benchmarks/trimming.py                    # the large benchmark schools, 60 units each
    python benchmarks/trimming.py --only primary-3fe --limit 30

Large schools (over 30 adults) give each pupil's EHC support at most 12 candidate adults
(`rules.solver.adults_per_pupil`), which keeps the model small; a tier CP-SAT proves on
the trimmed model is only `optimal_within_limits`. This runs each school twice, trimmed
(the default) and untrimmed (every adult who can give the support is a candidate), with
one worker and a deterministic limit, so the two runs do the same work whatever else the
machine is doing, and records each demand tier's amount, status and bound, the model's
size and the wall time. Results: benchmarks/results/trimming.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCHOOLS = ("primary-3fe", "secondary-1500", "special-100", "special-200")
UNTRIMMED = 10_000  # more candidates than any school has adults: no pupil loses one


def child(path: str, untrimmed: bool, limit: float) -> dict[str, Any]:
    """One solve in this process; its tiers, size and time."""
    import tasched.solution
    from tasched.io.formats import load_school
    from tasched.problem.compile import compile_problem
    from tasched.solver import build_model

    school = load_school(path)
    if untrimmed:
        solver = school.rules.solver.model_copy(update={"adults_per_pupil": UNTRIMMED})
        school = school.model_copy(update={"rules": school.rules.model_copy(update={"solver": solver})})
    problem = compile_problem(school)
    size = len(build_model(problem).cp.proto.variables)
    began = time.perf_counter()
    rota = tasched.solution.solve(school, time_limit=limit, workers=1, seed=0)
    return {
        "variables": size,
        "seconds": round(time.perf_counter() - began, 1),
        "status": rota.meta["status"],
        "tiers": [
            {k: t.get(k) for k in ("tier", "priority", "status", "short", "bound", "unit")} for t in rota.meta["tiers"]
        ],
    }


def run(name: str, limit: float) -> dict[str, Any]:
    path = HERE / "instances" / f"{name}.yaml"
    out: dict[str, Any] = {"school": name}
    for label, untrimmed in (("trimmed", False), ("untrimmed", True)):
        args = [sys.executable, __file__, "--child", str(path), "--limit", str(limit)]
        if untrimmed:
            args.append("--untrimmed")
        done = subprocess.run(args, capture_output=True, text=True, check=True)
        out[label] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def markdown(results: list[dict[str, Any]], limit: float) -> str:
    lines = [
        "# What the candidate limit costs",
        "",
        f"`python benchmarks/trimming.py` ({limit:g} deterministic units, one worker, seed 0; a unit is about a "
        "second of one core). Trimmed: each pupil's EHC support considers at most 12 adults (the default for "
        "schools over 30 adults); untrimmed: every adult who can give it. Status: proven = optimal; "
        "within limits = proven on the trimmed model only; not proven = the best found.",
        "",
        "| school | variables trimmed / untrimmed | wall s trimmed / untrimmed | tier | trimmed: short (status, bound) "
        "| untrimmed: short (status, bound) |",
        "|---|--:|--:|---|--:|--:|",
    ]
    for r in results:
        trimmed, untrimmed = r["trimmed"], r["untrimmed"]
        for i, (a, b) in enumerate(zip(trimmed["tiers"], untrimmed["tiers"], strict=True)):
            head = (
                [r["school"], f"{trimmed['variables']:,} / {untrimmed['variables']:,}",
                 f"{trimmed['seconds']:g} / {untrimmed['seconds']:g}"]
                if i == 0 else ["", "", ""]
            )  # fmt: skip
            tier = a["tier"] + (f" ({a['priority']})" if a.get("priority") else "")
            lines.append("| " + " | ".join([*head, tier, _cell(a), _cell(b)]) + " |")
    return "\n".join(lines) + "\n"


def _cell(t: dict[str, Any]) -> str:
    words = {"optimal": "proven", "optimal_within_limits": "within limits", "feasible": "not proven"}
    bound = "–" if t.get("bound") is None else f"{t['bound']:,}"
    return f"{t['short']:,} ({words.get(t['status'], t['status'])}, {bound})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SCHOOLS))
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--child")
    parser.add_argument("--untrimmed", action="store_true")
    parser.add_argument("--out", default=str(HERE / "results" / "trimming.md"))
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.untrimmed, args.limit)))
        return 0
    results = []
    for name in args.only.split(","):
        results.append(run(name, args.limit))
        print(f"{name}: done", file=sys.stderr)
        Path(args.out).write_text(markdown(results, args.limit), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
