"""Reading and writing rota files. Every output is written atomically.

A rota is written to a temporary file beside its target and renamed into place,
so a partial file never exists; an output path equal to the input is refused.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import yaml

from tasched.errors import InputError, Problem


def input_digest(path: str | Path) -> str:
    """sha256 of the input file's bytes, recorded in the rota's meta."""
    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()


def refuse_overwriting_input(output: str | Path, *inputs: str | Path) -> None:
    """The input is never modified: refuse an output path that is one of the inputs."""
    out = Path(output).resolve()
    for path in inputs:
        if Path(path).resolve() == out:
            raise InputError([Problem(str(output), "", "the output path is the input file; choose another name")])


def write_atomic(path: str | Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write through a temporary file in the same folder, then rename it into place.

    A folder that cannot be written to, or a full disk, is an InputError naming the
    path and the fix; the file that was there before is left as it was.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise InputError([Problem(str(path), "", cannot_write_words(error, target))]) from None
    try:
        _write_then_rename(fd, tmp, target, write)
    except OSError as error:
        raise InputError([Problem(str(path), "", cannot_write_words(error, target))]) from None


def cannot_write_words(error: OSError, target: Path) -> str:
    """Why a file could not be written, and what to do, in plain words."""
    reason = error.strerror or str(error) or type(error).__name__
    kept = "the file already there is unchanged" if target.exists() else "nothing was written"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot write the file: the disk is full ({reason}); free some space, or write elsewhere; {kept}"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"cannot write in {target.parent} ({reason}): the folder is read-only or not yours; "
            f"choose another output path, or make the folder writable; {kept}"
        )
    return f"cannot write the file ({reason}); choose another output path; {kept}"


def _write_then_rename(fd: int, tmp: str, target: Path, write: Callable[[IO[bytes]], None]) -> None:
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); give it the usual permissions instead.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump_yaml(document: dict[str, Any]) -> str:
    """YAML with keys in their given order; short lists inline for readable rows."""
    return yaml.dump(document, Dumper=_RotaDumper, sort_keys=False, allow_unicode=True, width=120)


_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: ten times faster


class _RotaDumper(_SafeDumper):  # type: ignore[misc, valid-type]
    pass


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(item, str | int | float) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    # An assignment row on one line: a rota has thousands of them.
    flow = set(data) == {"staff", "day", "slot", "task", "mode", "pupils", "room"}
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_RotaDumper.add_representer(list, _represent_list)
_RotaDumper.add_representer(dict, _represent_dict)
