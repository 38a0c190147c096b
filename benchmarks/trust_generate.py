"""Generate a trust folder: school files, with adults shared between them, and its trust.yaml.

    python benchmarks/trust_generate.py OUT --schools 12 --shared 6 [--kind primary-1fe] [--seed 1]

Schools are `benchmarks/generate.py` primaries (one calendar, one set of rules, as a
coupled group needs). Shared adult k (`TR01`, ...) is written in each of their schools'
files with the same id and is tied together in `trust.yaml`. The first two shared adults
link schools 1-3 (a coupled group of three primaries); each further one links the next
pair of schools; the schools left over are alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate import generate, render

SKILLS = ["first_aid", "team_teach", "elsa", "makaton", "epilepsy", "manual_handling", "diabetes", "neli"]
WINDOWS = {2: ["Mon-Wed", "Wed-Fri"], 3: ["Mon-Tue", "Wed-Thu", "Thu-Fri"]}


def plan(n_schools: int, n_shared: int) -> list[list[int]]:
    """The schools (0-based) each shared adult works at."""
    sites: list[list[int]] = []
    nxt = 0
    for k in range(n_shared):
        if k < 2 and n_schools >= 3:
            sites.append([0, 1, 2])
            nxt = 3
        else:
            if nxt + 1 >= n_schools:
                nxt = 0
            sites.append([nxt, nxt + 1])
            nxt += 2
    return sites


def make_trust(
    folder: str | Path,
    n_schools: int,
    n_shared: int,
    *,
    kind: str = "primary-1fe",
    seed: int = 1,
    windows: dict[int, list[str]] | None = None,
    travel: int = 15,
    hours: float = 30.0,
) -> Path:
    """Write the schools and trust.yaml into `folder`; returns the trust file's path."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    windows = windows or WINDOWS
    schools: list[dict[str, Any]] = []
    for i in range(n_schools):
        doc = generate(kind, seed * 1000 + i)
        doc["school"]["name"] = f"School {i + 1:02d}"
        doc["rules"]["solver"] = {"time_limit": 10, "seed": 0, "workers": 2}
        schools.append(doc)
    shared = []
    for k, sites in enumerate(plan(n_schools, n_shared)):
        sid = f"TR{k + 1:02d}"
        for i in sites:
            schools[i]["staff"].append(
                {"id": sid, "role": "HLTA", "hours": hours, "available": "REG-P7", "hourly_cost": 16.08,
                 "skills": SKILLS[k % 3 : k % 3 + 4]}
            )  # fmt: skip
        spread = windows.get(len(sites), ["*"] * len(sites))
        shared.append({"id": sid, "hours": hours, "schools": {f"s{i + 1:02d}": spread[j] for j, i in enumerate(sites)}})
    for i, doc in enumerate(schools):
        (out / f"s{i + 1:02d}.yaml").write_text(render(doc), encoding="utf-8")
    lines = ["# A generated trust (benchmarks/trust_generate.py)", "name: Generated Trust", "schools:"]
    lines += [f"  - {{id: s{i + 1:02d}, file: s{i + 1:02d}.yaml}}" for i in range(n_schools)]
    lines.append("shared_staff:" if shared else "shared_staff: []")
    for adult in shared:
        where = ", ".join(f"{s}: {w!r}" if w == "*" else f"{s}: {w}" for s, w in adult["schools"].items())
        lines.append(f"  - {{id: {adult['id']}, hours: {adult['hours']:g}, schools: {{{where}}}}}")
    pairs = sorted({(a, b) for adult in shared for a in adult["schools"] for b in adult["schools"] if a < b})
    lines.append("travel_minutes:" if pairs else "travel_minutes: []")
    lines += [f"  - {{between: [{a}, {b}], minutes: {travel}}}" for a, b in pairs]
    path = out / "trust.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--schools", type=int, default=12)
    parser.add_argument("--shared", type=int, default=6)
    parser.add_argument("--kind", default="primary-1fe")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(make_trust(args.out, args.schools, args.shared, kind=args.kind, seed=args.seed))


if __name__ == "__main__":
    main()
