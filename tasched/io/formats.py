"""School and rota files by suffix: YAML or an Excel workbook, read and written.

A rota is written atomically (see :mod:`tasched.io.files`); a school is read and
checked, every problem at once, whichever format it is in.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Any

import yaml

from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.io.excel import (
    SCHOOL_SUFFIXES,
    _check_output,
    read_rota_workbook,
    read_workbook,
    write_rota_workbook,
    write_school_workbook,
)
from tasched.io.files import dump_yaml, refuse_overwriting_input, write_atomic
from tasched.io.loader import (
    EXCEL_SUFFIXES,
    YAML_SUFFIXES,
    _check_size,
    _fail,
    build_school,
    dump_school,
    load_yaml_school,
)
from tasched.solution.rota import Rota

__all__ = ["convert_school", "load_school", "read_rota", "validate_file", "write_rota"]


def load_school(path: str | os.PathLike[str]) -> SchoolData:
    """Read and check a school file (.yaml, .yml or .xlsx).

    Raises InputError listing every problem found, each with its file, line,
    field and fix.
    """
    file = Path(path)
    name = str(path)
    if not file.exists():
        raise _fail(name, "no such file")
    if file.is_dir():
        raise _fail(name, f"{name} is a folder; give the school file inside it (e.g. school.yaml)")
    with contextlib.suppress(OSError):
        _check_size(file.stat().st_size, name)
    suffix = file.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return load_yaml_school(file, name)
    if suffix in EXCEL_SUFFIXES:
        raw, locate = read_workbook(file)
        return build_school(raw, locate)
    kind = f"'{file.suffix}' files" if file.suffix else "files without a suffix"
    raise _fail(
        name,
        f"cannot read {kind}; a school file is YAML (.yaml, .yml) or an Excel workbook (.xlsx)",
    )


def validate_file(path: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in a school file (reading, types and cross-field checks); [] when valid."""
    try:
        load_school(path)
    except InputError as error:
        return error.problems
    return []


def write_rota(rota: dict[str, Any], path: str | Path, school: SchoolData | None = None) -> None:
    """Write a rota as .yaml or .xlsx (the workbook uses the school for names and times)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        text = dump_yaml(rota).encode("utf-8")

        def write(handle: IO[bytes]) -> None:
            handle.write(text)

        write_atomic(path, write)
    elif suffix == ".xlsx":
        write_rota_workbook(rota, path, school=school)
    else:
        raise InputError([Problem(str(path), "", "a rota is written as .yaml or .xlsx; change the file name")])


Rota.writer = write_rota  # Rota.save writes through this module (the solution layer cannot import io)


def read_rota(path: str | Path) -> dict[str, Any]:
    """Read a rota file written by tasched (YAML, or the rota workbook's assignments)."""
    if Path(path).suffix.lower() == ".xlsx":
        return read_rota_workbook(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "no such file")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(str(path), "", "not UTF-8 text: is this a rota written by tasched?")]) from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError([Problem(where, "", f"not valid YAML: {getattr(err, 'problem', err)}")]) from None
    if not isinstance(document, dict) or "assignments" not in document:
        raise InputError([Problem(str(path), "", "not a rota: it needs `meta` and `assignments` sections")])
    document.setdefault("shortfalls", [])
    document.setdefault("kpis", {})
    document["assignments"] = document["assignments"] or []
    return document


def convert_school(source: str | Path, output: str | Path, *, overwrite: bool = False) -> SchoolData:
    """Convert a school file between YAML and Excel (either way); the school is validated first."""
    refuse_overwriting_input(output, source)
    target = Path(output)
    _check_output(target, SCHOOL_SUFFIXES, "a school file is YAML (.yaml, .yml) or Excel (.xlsx)", overwrite)
    data = load_school(source)
    if target.suffix.lower() == ".xlsx":
        write_school_workbook(data, target)
    else:
        text = dump_school(data).encode("utf-8")

        def write(handle: IO[bytes]) -> None:
            handle.write(text)

        write_atomic(target, write)
    return data
