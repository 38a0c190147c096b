"""The YAML a school file is read and written in: YAML 1.2 core-schema scalars, and a dumper that keeps them text.

Only ``true``/``false`` are booleans (``no``, ``on`` and ``off`` stay text),
``08:50`` is text, not the YAML 1.1 sexagesimal number 530, and ``0123`` stays
text. The dumper quotes any text that YAML 1.1 or this reader would take as
something else, so a school written out reads back equal.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from tasched.input.model import SchoolData

__all__ = ["MERGE_TAG", "dump_school"]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(
    r"^[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)$"
    r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
)
_MERGE = re.compile(r"^<<$")
MERGE_TAG = "tag:yaml.org,2002:merge"


class _SchoolLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars (see the module docstring)."""

    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012


# libyaml parses several times faster; its error messages are terser, so a file
# that fails is parsed again by the pure-Python parser for the message.
_FastLoader: Any = _SchoolLoader
if getattr(yaml, "__with_libyaml__", False):
    _FastLoader = type("_FastLoader", (yaml.CSafeLoader,), {"yaml_implicit_resolvers": {}})

for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", _BOOL, list("tTfF")),
    ("tag:yaml.org,2002:int", _INT, list("-+0123456789")),
    ("tag:yaml.org,2002:float", _FLOAT, list("-+.0123456789")),
    (MERGE_TAG, _MERGE, ["<"]),
):
    _SchoolLoader.add_implicit_resolver(_tag, _regexp, _first)
    if _FastLoader is not _SchoolLoader:
        _FastLoader.add_implicit_resolver(_tag, _regexp, _first)


class _SchoolDumper(yaml.SafeDumper):
    """SafeDumper that quotes any text either YAML 1.1 or our reader would take as non-text."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key


_SchoolDumper.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+.0123456789"))
# quote every time, "08:50" as well as "10:00" (which YAML 1.1 reads as a number)
_SchoolDumper.add_implicit_resolver("tag:tasched,time", re.compile(r"^\d{1,2}:\d{2}$"), list("0123456789"))


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = bool(data) and all(isinstance(x, str | int | float | bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_SchoolDumper.add_representer(list, _represent_list)


def dump_school(data: SchoolData, *, defaults: bool = False) -> str:
    """A school as YAML text that load_school reads back equal.

    Values left at their defaults are omitted unless ``defaults`` is true.
    """
    doc = data.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=not defaults)
    body = yaml.dump(
        doc,
        Dumper=_SchoolDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return "# tasched school file (format version 1)\n" + body
