"""Trust-wide batches: each good school gets a rota, a broken one is named, a summary is written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import SAMPLE_YAML
from rich.console import Console
from typer.testing import CliRunner

from tasched import cli
from tasched.errors import InputError
from tasched.jobs import batch
from tasched.jobs.batch import BatchOptions, BatchReport, SchoolTask
from tasched.jobs.progress import BatchProgress
from tasched.jobs.run import check_files

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

# The sample school with rotation relaxed, so it has a rota (solved to optimal in a moment).
TINY = SAMPLE_YAML.replace("min_staff: 2", "min_staff: 1")
BROKEN = TINY.replace("hours: 30", "hours: -1")


def make_folder(folder: Path, broken: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "oak.yaml").write_text(TINY, encoding="utf-8")
    (folder / "elm.yml").write_text(TINY.replace("Oak Tree Primary", "Elm Primary"), "utf-8")
    if broken:
        (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (folder / "notes.txt").write_text("not a school", encoding="utf-8")
    return folder


def run_batch_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "tasched", "batch", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_batch_solves_good_schools_and_names_the_broken_one(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "schools")
    outdir = tmp_path / "out"
    done = run_batch_cli(str(folder), "-o", str(outdir), "--time-limit", "3", "--jobs", "2")
    assert done.returncode == 1, done.stderr
    # The broken school is named by file, with its error, and listed at the end.
    assert f"{folder / 'broken.yaml'}:18: staff[0].hours: must be greater than 0" in done.stderr
    assert "1 school of 3 without a rota:" in done.stderr
    assert "Traceback" not in done.stderr
    # Plain progress lines (not a terminal): one per school, no escape codes.
    assert "3 schools from" in done.stderr and "2 at a time × 1 CP-SAT worker" in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 3 and lines[-1].startswith("[3/3] ")
    assert "\x1b[" not in done.stderr + done.stdout
    assert "2 of 3 schools solved" in done.stdout
    # A verified rota for every good school, none for the broken one.
    for school, rota in (("oak.yaml", "oak.rota.yaml"), ("elm.yml", "elm.rota.yaml")):
        report = check_files(folder / school, outdir / rota)
        assert report.ok, (school, report)
    assert not (outdir / "broken.rota.yaml").exists()
    assert sorted(p.name for p in outdir.iterdir()) == [
        "elm.rota.yaml",
        "oak.rota.yaml",
        "trust-summary.xlsx",
        "trust-summary.yaml",
    ]
    # The summary: worst first, failed first.
    summary = yaml.safe_load((outdir / "trust-summary.yaml").read_text(encoding="utf-8"))
    assert summary["trust"]["schools"] == 3
    assert summary["trust"]["solved"] == 2 and summary["trust"]["failed"] == 1
    rows = summary["schools"]
    assert [r["file"] for r in rows] == ["broken.yaml", "elm.yml", "oak.yaml"]
    assert rows[0]["status"] == "failed" and "staff[0].hours" in rows[0]["error"]
    for row in rows[1:]:
        assert row["status"] in ("optimal", "feasible")
        assert row["ehc_hours_required"] == 8.0
        assert row["ehc_hours_met"] + row["ehc_hours_short"] == 8.0
        assert row["fewest_adults"] >= 1 and 0 < row["largest_share"] <= 1
        assert row["cost_weekly"] is not None and row["shortfalls"] >= 1
    book = openpyxl.load_workbook(outdir / "trust-summary.xlsx")
    sheet = book["Schools"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("School", "Result", "EHC shortfall proven least")
    # Named by school (a broken file by its file's name), the result in words, no solver figures.
    names = [v[0] for v in values[1:]]
    assert names[0] == "broken" and all(n and not n.endswith((".yaml", ".yml")) for n in names)
    assert values[1][1] == "no rota: the file has problems"
    assert all(
        v[1] in ("all demands met", "met as far as these staff allow (proven)", "could improve with more time")
        for v in values[2:]
    )
    assert "Gap" not in values[0]
    # Printed, the summary is landscape and one page wide, its header on every page.
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows in ("1:1", "$1:$1")
    assert book["Trust"]["B2"].value == 3


def test_batch_quiet_prints_nothing_when_all_solve(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "schools", broken=False)
    (folder / "elm.yml").unlink()
    args = ["batch", str(folder), "-o", str(folder), "--time-limit", "2", "-q"]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
    assert (folder / "oak.rota.yaml").exists() and (folder / "trust-summary.xlsx").exists()
    # OUTDIR may be DIR: rotas and the summary are not taken for schools next time.
    assert batch.find_schools(folder) == [folder / "oak.yaml"]


@pytest.mark.parametrize("what", ["missing", "file", "empty"])
def test_unusable_folder_exits_2(tmp_path: Path, what: str) -> None:
    folder = tmp_path / "schools"
    if what == "file":
        folder.write_text(TINY, encoding="utf-8")
    elif what == "empty":
        folder.mkdir()
        (folder / "notes.txt").write_text("no schools", encoding="utf-8")
        (folder / "old.rota.yaml").write_text("meta: {}\nassignments: []\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["batch", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    words = {"missing": "no such folder", "file": "not a folder", "empty": "no school files"}
    assert f"{folder}: {words[what]}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_output_that_is_a_file_exits_2(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "schools")
    (tmp_path / "out").write_text("", encoding="utf-8")
    result = runner.invoke(cli.app, ["batch", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "not a folder: -o names the folder for the rotas" in result.stderr


def test_find_schools_skips_rotas_summaries_hidden_and_lock_files(tmp_path: Path) -> None:
    for name in ["b.yaml", "a.XLSX", "c.yml", "a.rota.yaml", "trust-summary.yaml",
                 "trust-summary.xlsx", ".hidden.yaml", "~$a.xlsx", "readme.md"]:  # fmt: skip
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "sub.yaml").mkdir()
    assert [p.name for p in batch.find_schools(tmp_path)] == ["a.XLSX", "b.yaml", "c.yml"]


def test_rota_names_keep_schools_sharing_a_stem_apart(tmp_path: Path) -> None:
    paths = [tmp_path / "oak.yaml", tmp_path / "oak.xlsx", tmp_path / "elm.yaml"]
    assert batch.rota_names(paths) == {
        paths[0]: "oak-yaml.rota.yaml",
        paths[1]: "oak-xlsx.rota.yaml",
        paths[2]: "elm.rota.yaml",
    }


@pytest.mark.parametrize(
    ("schools", "cores", "jobs", "workers", "expected"),
    [
        (80, 8, None, None, (4, 2)),  # a laptop: 2 workers a school, 4 at once
        (3, 16, None, None, (3, 5)),  # spare cores go to the solver
        (5, 2, None, None, (1, 2)),
        (5, 1, None, None, (1, 1)),
        (80, 8, None, 4, (2, 4)),
        (80, 8, 8, None, (8, 1)),
        (2, 8, 8, None, (8, 4)),  # more jobs than schools: workers per school that runs
        (80, 8, 3, 5, (3, 5)),  # both given: as asked
    ],
)
def test_plan_local_fits_the_cores(
    schools: int, cores: int, jobs: int | None, workers: int | None, expected: tuple[int, int]
) -> None:
    assert batch.plan_local(schools, cores, jobs, workers) == expected
    planned_jobs, planned_workers = expected
    if jobs is None or workers is None:
        assert min(planned_jobs, schools) * planned_workers <= max(cores, planned_workers)


def test_summarise_a_rota() -> None:
    rota = {
        "meta": {"status": "feasible", "gap": 0.05, "warnings": ["w"], "school": "Oak",
                 "tiers": [{"tier": "ehcp_hours", "status": "optimal", "short": 270, "unit": "minutes"}]},
        "assignments": [],
        "shortfalls": [
            {"task": "pupil:p1"},
            {"task": "class:Y3"},
            {"task": "class:Y4"},
        ],
        "kpis": {
            "pupils": {
                "p1": {"ehc_hours_required": 10, "ehc_hours_delivered": 7.5,
                       "distinct_adults": 3, "largest_share": 0.4},
                "p2": {"ehc_hours_required": 5, "ehc_hours_delivered": 6,
                       "distinct_adults": 2, "largest_share": 0.6},
                "p3": {"ehc_hours_required": 2, "ehc_hours_delivered": 0,
                       "distinct_adults": 0, "largest_share": 0.0},
            },
            "cost": {"weekly": 1000.5, "annual": 39019.5},
        },
    }  # fmt: skip
    row = batch.summarise(rota)
    assert row == {
        "school": "Oak",
        "status": "feasible",
        "result": "met as far as these staff allow (proven)",
        "ehc_proven": "yes",
        "gap": 0.05,
        "ehc_hours_required": 17.0,
        "ehc_hours_met": 12.5,  # over-support of p2 does not make up for p1
        "ehc_hours_short": 4.5,
        "ehc_pupils_short": 2,
        "shortfalls": 3,
        "shortfalls_by_kind": {"pupil": 1, "class": 2},
        "fewest_adults": 2,  # among pupils given any support
        "largest_share": 0.6,
        "cost_weekly": 1000.5,
        "cost_annual": 39019.5,
        "warnings": 1,
    }


def test_worst_first() -> None:
    rows: list[dict[str, Any]] = [
        {"file": "a", "status": "optimal", "ehc_hours_short": 0, "shortfalls": 9},
        {"file": "b", "status": "feasible", "ehc_hours_short": 2, "shortfalls": 0},
        {"file": "c", "status": "failed", "ehc_hours_short": None, "shortfalls": None},
        {"file": "d", "status": "feasible", "ehc_hours_short": 2, "shortfalls": 3},
        {"file": "e", "status": "no_rota", "ehc_hours_short": None, "shortfalls": None},
    ]
    assert [r["file"] for r in batch.sort_worst_first(rows)] == ["c", "e", "d", "b", "a"]


def test_solve_school_reports_bad_input_as_text(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = batch.solve_school(SchoolTask(path=str(path), rota_name="broken.rota.yaml"))
    assert result["status"] == "failed" and result["rota"] is None
    assert result["error"] == f"{path}:18: staff[0].hours: must be greater than 0, not -1"


def test_solve_school_with_the_file_sent_as_bytes(tmp_path: Path) -> None:
    """Ray's way: the school travels as bytes, errors still name the original file."""
    task = SchoolTask(path="trust/broken.yaml", rota_name="x", content=BROKEN.encode())
    result = batch.solve_school(task)
    assert result["error"] == "trust/broken.yaml:18: staff[0].hours: must be greater than 0, not -1"
    good = SchoolTask(path="trust/oak.yaml", rota_name="oak.rota.yaml", content=TINY.encode(),
                      time_limit=2, workers=1)  # fmt: skip
    result = batch.solve_school(good)
    assert result["status"] in ("optimal", "feasible"), result
    assert result["rota"] == "oak.rota.yaml"
    assert yaml.safe_load(result["rota_yaml"])["assignments"]


def test_summary_cells_are_text_not_formulas(tmp_path: Path) -> None:
    row = {key: None for key, *_ in batch.COLUMNS}
    row.update(file='=HYPERLINK("x").yaml', status="failed", error="bad\x07 input", path="p")
    report = BatchReport(folder="f", outdir=str(tmp_path), results=[row], executor="local",
                         jobs=1, workers=1)  # fmt: skip
    _, xlsx = batch.write_summary(report)
    sheet = openpyxl.load_workbook(xlsx)["Schools"]
    column = {cell.value: cell.column_letter for cell in sheet[1]}
    school, file, error = (sheet[f"{column[h]}2"] for h in ("School", "School file", "Error"))
    assert school.value == '=HYPERLINK("x")' and school.data_type == "s"
    assert file.value == '=HYPERLINK("x").yaml' and file.data_type == "s"
    assert error.value == "bad input"


# --- a solver process that dies --------------------------------------------------------


DIE_ON_BAD = """
import os


def die_on_bad(task):
    # A stand-in solve (runs in the worker process): a 'bad' school kills its process.
    if "bad" in task.path:
        os._exit(3)
    return {"file": task.name, "path": task.path, "status": "optimal", "error": None}
"""


def test_a_dying_process_fails_only_its_school(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "batch_die.py").write_text(DIE_ON_BAD, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))  # the spawned workers get this sys.path
    from batch_die import die_on_bad  # type: ignore[import-not-found]

    tasks = [SchoolTask(path=str(tmp_path / f"{name}.yaml"), rota_name=name)
             for name in ("a", "bad", "c")]  # fmt: skip
    with BatchProgress(Console(quiet=True), 3, quiet=True) as progress:
        results, interrupted = batch.run_local(tasks, 2, progress, solve=die_on_bad)
    assert not interrupted
    status = {Path(r["path"]).stem: r["status"] for r in results}
    assert status == {"a": "optimal", "bad": "failed", "c": "optimal"}
    bad = next(r for r in results if "bad" in r["path"])
    assert "the solver process died" in bad["error"]


# --- Ray -------------------------------------------------------------------------------


def test_a_ray_address_nothing_answers_on_is_refused_at_once() -> None:
    with pytest.raises(InputError, match="cannot reach the Ray head there"):
        batch._check_reachable("127.0.0.1:1")
    batch._check_reachable("ray://head:10001")  # left to Ray


def test_batch_on_a_local_ray(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    folder = make_folder(tmp_path / "schools")
    outdir = tmp_path / "out"
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        result = runner.invoke(
            cli.app,
            ["batch", str(folder), "-o", str(outdir), "--ray", "auto", "--time-limit", "3",
             "--workers", "1"],
        )  # fmt: skip
        # A task that needs more CPUs than any node has would never run: refused.
        with pytest.raises(InputError, match="largest Ray node has 2 CPUs"):
            batch.run_batch(folder, tmp_path / "out2", BatchOptions(ray="auto", workers=4),
                            lambda n: BatchProgress(Console(quiet=True), n))  # fmt: skip
    finally:
        ray.shutdown()
    assert result.exit_code == 1, result.output
    assert f"{folder / 'broken.yaml'}:18: staff[0].hours" in result.stderr
    assert "on Ray (2 CPUs): 1 CP-SAT worker a school" in result.stderr
    for school, rota in (("oak.yaml", "oak.rota.yaml"), ("elm.yml", "elm.rota.yaml")):
        assert check_files(folder / school, outdir / rota).ok
    summary = yaml.safe_load((outdir / "trust-summary.yaml").read_text(encoding="utf-8"))
    assert summary["trust"]["executor"] == "ray (auto)"
    assert [r["status"] for r in summary["schools"]] == ["failed", "optimal", "optimal"]


# --- a solver process killed mid-solve (issue 19) ---------------------------------------


def _children(parent: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes whose parent is `parent`."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == parent:
            out.append((int(entry.name), cmdline))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find the worker")
def test_a_worker_killed_mid_solve_fails_only_its_school(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "schools", broken=False)
    # 'aaa' is solved first (one at a time on --jobs 1) and is slow: killed mid-solve.
    slow = (ROOT / "benchmarks" / "instances" / "special-100.yaml").read_text(encoding="utf-8")
    (folder / "aaa-slow.yaml").write_text(slow, encoding="utf-8")
    outdir = tmp_path / "out"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    batch_run = subprocess.Popen(
        [sys.executable, "-m", "tasched", "batch", str(folder), "-o", str(outdir),
         "--time-limit", "60", "--jobs", "1", "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env, cwd=ROOT,
        start_new_session=True,  # its own process group, so a failed test leaves no pool process behind
    )  # fmt: skip
    try:
        workers: list[int] = []
        for _ in range(60):  # the pool's one process is building or solving aaa-slow (slower on a busy machine)
            time.sleep(1)
            workers = [pid for pid, cmd in _children(batch_run.pid) if "spawn_main" in cmd]
            if workers:
                break
        time.sleep(3)  # well into the solve
        assert len(workers) == 1, _children(batch_run.pid)
        os.kill(workers[0], signal.SIGKILL)
        _, stderr = batch_run.communicate(timeout=120)
    finally:
        if batch_run.poll() is None:
            os.killpg(batch_run.pid, signal.SIGKILL)
            batch_run.wait()
    assert batch_run.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert "aaa-slow.yaml" in stderr and "the solver process was killed (signal 9)" in stderr
    summary = yaml.safe_load((outdir / "trust-summary.yaml").read_text(encoding="utf-8"))
    status = {row["file"]: row["status"] for row in summary["schools"]}
    assert status == {"aaa-slow.yaml": "failed", "elm.yml": "optimal", "oak.yaml": "optimal"}
    failed = next(row for row in summary["schools"] if row["file"] == "aaa-slow.yaml")
    assert failed["error"].startswith("the solver process was killed (signal 9); ")
    assert "--workers 1" in failed["error"]
    for school, rota in (("oak.yaml", "oak.rota.yaml"), ("elm.yml", "elm.rota.yaml")):
        assert check_files(folder / school, outdir / rota).ok
    assert not (outdir / "aaa-slow.rota.yaml").exists()


def _titled(prefix: str) -> list[int]:
    """Processes whose command line (a Ray worker's title) starts with `prefix`."""
    out = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if entry.name.isdigit() and cmdline.startswith(prefix):
            out.append(int(entry.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find the worker")
def test_a_ray_worker_killed_mid_solve_fails_only_its_school(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    folder = make_folder(tmp_path / "schools", broken=False)
    slow = (ROOT / "benchmarks" / "instances" / "special-100.yaml").read_text(encoding="utf-8")
    (folder / "aaa-slow.yaml").write_text(slow, encoding="utf-8")
    killed: list[int] = []

    def kill_the_slow_school() -> None:
        # --jobs 1: aaa-slow runs first, alone; Ray tries a task twice, so both tries are killed.
        deadline = time.monotonic() + 60
        while len(killed) < 2 and time.monotonic() < deadline:
            for pid in _titled("ray::solve_school"):
                if pid not in killed:
                    time.sleep(3)
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
            time.sleep(0.2)

    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    killer = threading.Thread(target=kill_the_slow_school, daemon=True)
    killer.start()
    try:
        report = batch.run_batch(
            folder, tmp_path / "out", BatchOptions(ray="auto", workers=1, jobs=1, time_limit=30),
            lambda n: BatchProgress(Console(quiet=True), n),
        )  # fmt: skip
        batch.write_summary(report)
    finally:
        ray.shutdown()
    if not killed:  # Ray names its worker processes only where it can set their titles
        pytest.skip("no Ray worker process titled ray::solve_school was seen, so none could be killed")
    assert len(killed) == 2
    status = {r["file"]: r["status"] for r in report.results}
    assert status == {"aaa-slow.yaml": "failed", "elm.yml": "optimal", "oak.yaml": "optimal"}
    failed = next(r for r in report.results if r["file"] == "aaa-slow.yaml")
    assert failed["error"].startswith("the solver process was killed on its Ray node (tried twice); ")
    assert "--workers 1" in failed["error"]
    summary = yaml.safe_load((tmp_path / "out" / "trust-summary.yaml").read_text(encoding="utf-8"))
    assert summary["trust"]["failed"] == 1 and summary["trust"]["solved"] == 2
