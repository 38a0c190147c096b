"""Writing the imported sections as a part file to paste into the school file (one class or lesson a line)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import yaml

from tasched.io.files import write_atomic
from tasched.io.timetable_import.week import ImportResult

__all__ = ["part_text", "write_part"]


class _PartDumper(yaml.SafeDumper):
    pass


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = "id" in data or "class" in data  # one class or lesson per line
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_PartDumper.add_representer(dict, _represent_dict)


def part_text(result: ImportResult, source_name: str) -> str:
    """The imported sections as YAML, with a header saying where they came from."""
    body = yaml.dump(result.document(), Dumper=_PartDumper, sort_keys=False, allow_unicode=True, width=120)
    mapped = ", ".join(f"{h} = {s}" for h, s in result.slot_map.items())
    header = (
        f"# classes and lessons imported from {Path(source_name).name} "
        "by tasched import-timetable\n"
        f"# {len(result.classes)} classes, {len(result.lessons)} lessons; hours mapped: {mapped}\n"
        "# Paste these sections into the school file (they use its calendar's days and slots).\n"
    )
    return header + body


def write_part(result: ImportResult, path: str | Path, source_name: str) -> None:
    """Write the part file atomically."""
    text = part_text(result, source_name).encode("utf-8")

    def write(handle: IO[bytes]) -> None:
        handle.write(text)

    write_atomic(path, write)
