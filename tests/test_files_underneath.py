"""Files that change underneath (issue 19): a school file edited during a solve is noticed
by its digest, and an output that cannot be written leaves the previous rota intact."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SAMPLE_YAML

from tasched import cli
from tasched.io import files
from tasched.io.files import input_digest
from tasched.jobs import run

TINY = SAMPLE_YAML.replace("min_staff: 2", "min_staff: 1")


def run_main(args: list[str]) -> int:
    with pytest.raises(SystemExit) as caught:
        cli.main(args)
    code = caught.value.code
    return code if isinstance(code, int) else (0 if code is None else 1)


@pytest.fixture
def school(tmp_path: Path) -> Path:
    path = tmp_path / "oak.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


def edit_during_solve(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The school file is edited while the solver runs (a staff member saves a change)."""
    real = run.solve

    def solve_while_edited(*args: Any, **kwargs: Any) -> Any:
        path.write_text(path.read_text(encoding="utf-8") + "# Mrs Patel's hours changed\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "solve", solve_while_edited)


def test_a_school_edited_during_the_solve_is_noticed(
    school: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = input_digest(school)
    edit_during_solve(monkeypatch, school)
    output = tmp_path / "rota.yaml"
    assert run_main(["solve", str(school), "-o", str(output), "--time-limit", "5", "--quiet"]) == 0
    meta = yaml.safe_load(output.read_text(encoding="utf-8"))["meta"]
    assert meta["input_changed"] is True
    assert meta["input_digest"] == before != input_digest(school)  # the rota is for the file as read
    assert any("changed while the rota was being built" in w for w in meta["warnings"])
    err = capsys.readouterr().err
    assert f"warning: {school}: the school file changed while the rota was being built" in " ".join(err.split())
    assert "solve again" in err


def test_an_unchanged_school_says_nothing(school: Path, tmp_path: Path) -> None:
    rota = run.solve_file(school, tmp_path / "rota.yaml", time_limit=5)
    assert "input_changed" not in rota.meta
    assert rota.meta["input_digest"] == input_digest(school)


def test_a_school_removed_during_the_solve_counts_as_changed(school: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = run.solve

    def solve_while_removed(*args: Any, **kwargs: Any) -> Any:
        school.unlink()
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "solve", solve_while_removed)
    assert run.solve_file(school, None, time_limit=5).meta["input_changed"] is True


@pytest.fixture
def read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder holding last week's rota that cannot be written to (as root, whom
    permissions do not stop, creating a file in it fails as on a read-only mount)."""
    folder = tmp_path / "rotas"
    folder.mkdir()
    (folder / "rota.yaml").write_text("last week's rota\n", encoding="utf-8")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    if os.geteuid() == 0:
        real = files.tempfile.mkstemp

        def mkstemp(*args: Any, **kwargs: Any) -> Any:
            if Path(kwargs.get("dir") or "") == folder:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS))
            return real(*args, **kwargs)

        monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)
    yield folder
    folder.chmod(stat.S_IRWXU)


def test_a_read_only_output_folder_exits_2_and_keeps_the_previous_rota(
    school: Path, read_only: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = read_only / "rota.yaml"
    assert run_main(["solve", str(school), "-o", str(output), "--time-limit", "5", "--quiet"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Traceback" not in err
    assert f"{output}: cannot write in {read_only}" in err
    assert "the folder is read-only or not yours; choose another output path, or make the folder writable" in err
    assert "the file already there is unchanged" in err
    assert output.read_text(encoding="utf-8") == "last week's rota\n"
    assert sorted(p.name for p in read_only.iterdir()) == ["rota.yaml"]


@pytest.mark.parametrize("name", ["rota.yaml", "rota.xlsx"])
def test_a_full_disk_exits_2_and_keeps_the_previous_rota(
    school: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    output = tmp_path / name
    output.write_bytes(b"last week's rota\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    assert run_main(["solve", str(school), "-o", str(output), "--time-limit", "5", "--quiet"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Traceback" not in err
    assert f"{output}: cannot write the file: the disk is full (No space left on device)" in err
    assert "free some space, or write elsewhere; the file already there is unchanged" in err
    assert output.read_bytes() == b"last week's rota\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oak.yaml", name]  # no temporary file left


def test_a_full_disk_in_a_new_folder_says_nothing_was_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    write: Callable[[Any], None] = lambda handle: handle.write(b"x")  # noqa: E731
    with pytest.raises(files.InputError) as caught:
        files.write_atomic(tmp_path / "new" / "rota.yaml", write)
    assert str(caught.value.problems[0]).endswith("nothing was written")
