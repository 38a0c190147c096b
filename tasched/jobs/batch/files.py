"""A batch's files: which files in the folder are schools, what each rota is called, the output
folder, and writing text there atomically (a rota sent back by Ray, the summary)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import IO

from tasched.errors import InputError, Problem
from tasched.io.files import write_atomic

__all__ = [
    "ROTA_SUFFIX",
    "SCHOOL_SUFFIXES",
    "SUMMARY_NAME",
    "find_schools",
    "rota_names",
    "usable_outdir",
    "write_text",
]

SCHOOL_SUFFIXES = (".yaml", ".yml", ".xlsx")
SUMMARY_NAME = "trust-summary"
ROTA_SUFFIX = ".rota.yaml"


def find_schools(folder: str | Path) -> list[Path]:
    """The school files directly in `folder`, sorted by name; InputError if there are none.

    Skipped: hidden files, Excel's `~$` lock files, `*.rota.yaml` and the trust
    summary, so OUTDIR may be DIR itself and a batch can be run again.
    """
    path = Path(folder)
    if not path.exists():
        raise InputError([Problem(str(folder), "", "no such folder")])
    if not path.is_dir():
        raise InputError([Problem(str(folder), "", "not a folder: give the folder of school files")])
    try:
        entries = sorted(path.iterdir(), key=lambda p: p.name)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError([Problem(str(folder), "", f"cannot read the folder: {reason}")]) from None
    schools = [p for p in entries if _is_school_file(p)]
    if not schools:
        raise InputError(
            [
                Problem(
                    str(folder),
                    "",
                    "no school files here: a batch solves every .yaml, .yml and .xlsx file in the folder",
                )
            ]
        )
    return schools


def _is_school_file(path: Path) -> bool:
    name = path.name
    lower = name.lower()
    if name.startswith((".", "~$")) or not path.is_file():
        return False
    if lower.endswith((ROTA_SUFFIX, ".rota.yml")) or lower.startswith(SUMMARY_NAME + "."):
        return False
    return lower.endswith(SCHOOL_SUFFIXES)


def rota_names(schools: list[Path]) -> dict[Path, str]:
    """`<stem>.rota.yaml` per school; `<stem>-<suffix>.rota.yaml` when two share a stem."""
    stems = Counter(p.stem.lower() for p in schools)
    names: dict[Path, str] = {}
    for p in schools:
        stem = p.stem if stems[p.stem.lower()] == 1 else f"{p.stem}-{p.suffix.lstrip('.')}"
        names[p] = stem + ROTA_SUFFIX
    return names


def usable_outdir(outdir: str | Path) -> Path:
    """The output folder, made if need be; InputError when it cannot be."""
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError([Problem(str(outdir), "", "not a folder: -o names the folder for the rotas")]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError([Problem(str(outdir), "", f"cannot make the output folder: {reason}")]) from None
    return out


def write_text(path: Path, text: str) -> None:
    """Write text as UTF-8, atomically: a reader never sees half a file."""
    data = text.encode("utf-8")
    write_atomic(path, lambda handle: _put(handle, data))


def _put(handle: IO[bytes], data: bytes) -> None:
    handle.write(data)
