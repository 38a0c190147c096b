"""Does a long batch hold memory flat? 100 small schools through `tasched batch`,
sampling the resident memory (RSS) of the batch process and of its workers.

    python -m benchmarks.batch_memory [--schools 100] [--time-limit 2] [--out FILE.md]

Each school is a small primary (3 days, 3 adults, 3 pupils) with its own name and
hours. The batch runs as `tasched batch` would for a user; every 0.5 s the RSS
of the batch process and of each of its child processes is read from /proc
(Linux). The report: the batch process's RSS early and late in the run, the
largest worker, the largest total, and how many worker processes there were.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE = """\
school: {{name: School {n:03d}, phase: primary}}
calendar:
  days: [Mon, Tue, Wed]
  slots:
    - {{id: Reg, start: "08:45", end: "09:00", kind: registration}}
    - {{id: P1, start: "09:00", end: "10:00", kind: lesson}}
    - {{id: Brk, start: "10:00", end: "10:15", kind: break}}
    - {{id: P2, start: "10:15", end: "11:15", kind: lesson}}
    - {{id: P3, start: "11:15", end: "12:00", kind: lesson}}
    - {{id: Lun, start: "12:00", end: "13:00", kind: lunch}}
    - {{id: P4, start: "13:00", end: "14:30", kind: lesson}}
staff:
  - {{id: amy, role: TA3, hours: {amy}, skills: [first_aid, team_teach]}}
  - {{id: ben, role: TA2, hours: {ben}, available: Mon-Tue, skills: [neli]}}
  - {{id: cat, role: HLTA, hours: 30, skills: [first_aid, elsa, team_teach], max_duties: 3}}
classes: [{{id: Y3, year: 3}}, {{id: Y4, year: 4}}]
support: [{{class: Y3, when: Mon-Tue}}, {{class: Y4, when: Wed}}]
pupils:
  - {{id: p1, classes: [Y3], ehcp: {{hours: {hours}, mode: in_class, skills: [team_teach]}}}}
  - {{id: p2, classes: [Y4], ehcp: {{hours: 3, mode: any, group_max: 2}}}}
  - {{id: p3, classes: [Y4]}}
interventions:
  - {{id: neli, programme: NELI, pupils: [p2, p3], sessions: 3, minutes: 20, skills: [neli]}}
duties:
  - {{id: lunch, name: Lunch supervision, when: lunch, staff: 2, any_skills: [first_aid]}}
rules: {{rotation: {{min_staff: 1}}}}
"""


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--time-limit", type=float, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tasched-batch-memory-") as tmp:
        folder, outdir = Path(tmp) / "schools", Path(tmp) / "out"
        folder.mkdir()
        for n in range(args.schools):
            text = TEMPLATE.format(n=n, amy=25 + n % 8, ben=15 + n % 6, hours=3 + n % 4)
            (folder / f"school-{n:03d}.yaml").write_text(text, encoding="utf-8")
        started = time.perf_counter()
        run = subprocess.Popen(
            [sys.executable, "-m", "tasched", "batch", str(folder), "-o", str(outdir),
             "--time-limit", str(args.time_limit), "--quiet"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        samples: list[tuple[float, float, float, int]] = []  # seconds, parent MB, workers' MB, workers
        workers_seen: set[int] = set()
        biggest_worker = 0.0
        while run.poll() is None:
            kids = [k for k in children(run.pid) if "spawn_main" in _cmdline(k)]
            workers_seen.update(kids)
            sizes = [rss_mb(k) for k in kids]
            biggest_worker = max([biggest_worker, *sizes])
            samples.append((time.perf_counter() - started, rss_mb(run.pid), sum(sizes), len(kids)))
            time.sleep(0.5)
        stderr = run.stderr.read() if run.stderr else ""
        seconds = time.perf_counter() - started
        rotas = len(list(outdir.glob("*.rota.yaml")))
    if not samples:
        sys.exit("the batch ended before a sample was taken")
    tenth = max(1, len(samples) // 10)
    early, late = samples[tenth : 2 * tenth], samples[-tenth:]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    lines = [
        f"- {args.schools} schools, --time-limit {args.time_limit}, {os.cpu_count()} cores: "
        f"{rotas} rotas in {seconds:.0f} s, exit code {run.returncode}",
        f"- batch process RSS: {mean([s[1] for s in early]):.0f} MB early (10-20% of the run), "
        f"{mean([s[1] for s in late]):.0f} MB late (last 10%), peak {max(s[1] for s in samples):.0f} MB",
        f"- workers: {len(workers_seen)} processes over the run, at most {max(s[3] for s in samples)} at once; "
        f"largest {biggest_worker:.0f} MB; workers' total early {mean([s[2] for s in early]):.0f} MB, "
        f"late {mean([s[2] for s in late]):.0f} MB",
        f"- parent + workers peak {max(s[1] + s[2] for s in samples):.0f} MB ({len(samples)} samples every 0.5 s)",
    ]
    if run.returncode != 0:
        lines.append(f"- stderr: {stderr.strip()[-500:]}")
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


if __name__ == "__main__":
    main()
