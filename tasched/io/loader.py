"""Reading a school file: every problem found, each as `FILE:LINE: path.to.field: what is wrong`.

The YAML reader composes the document itself so that it knows the line of every
key and list item; pydantic's error locations (by alias, e.g. ``('staff', 2,
'hours')``) are then mapped back to lines, and its messages are rewritten in plain
English with the fix. Scalars are read the YAML 1.2 way: only ``true``/``false``
are booleans (``no``, ``on`` and ``off`` stay text), ``08:50`` is text, not the
YAML 1.1 sexagesimal number 530, and ``0123`` stays text.

Pipeline: read bytes -> decode -> compose nodes -> build plain data with lines ->
validate with the model -> cross-field checks (:mod:`tasched.input.validate`).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tasched.errors import InputError, Problem, field_path
from tasched.input.introspect import model_class, unwrap_type
from tasched.input.model import _TASK, SchoolData
from tasched.input.validate import check_school, salvage
from tasched.input.when import nearest
from tasched.problem.diagnose import diagnose_refused

__all__ = ["Document", "build_school", "dump_school", "load_yaml_school", "parse_yaml", "read_yaml"]

DocPath = tuple[str | int, ...]
Locate = Callable[[DocPath], str]

YAML_SUFFIXES = (".yaml", ".yml")
EXCEL_SUFFIXES = (".xlsx",)

# Limits that keep a wrong or hostile file from exhausting time or memory. A large
# secondary school is about 0.1 MB of YAML and nests five levels deep.
MAX_BYTES = 10_000_000
"""Largest school file read, in bytes; a larger one is refused before it is read."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings read."""
_VALUE_ALLOWANCE = 100_000
"""Values a document may hold beyond two per character of its text (room for aliases)."""

# --- YAML 1.2-style scalars ---------------------------------------------------------

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(
    r"^[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)$"
    r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
)
_MERGE = re.compile(r"^<<$")
_MERGE_TAG = "tag:yaml.org,2002:merge"


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
    (_MERGE_TAG, _MERGE, ["<"]),
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


# --- the document with its lines ------------------------------------------------------


@dataclass
class Document:
    """A parsed file: plain data plus the line of every key and list item.

    ``lines`` maps a path (keys and indices, e.g. ``('staff', 2, 'hours')``) to
    the 1-based line of that key or list item. ``problems`` holds what was wrong
    but not fatal to reading (duplicate keys).
    """

    name: str
    data: Any
    lines: dict[DocPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Iterable[str | int]) -> int:
        """The line of a path, or of its nearest recorded ancestor (a missing field's parent)."""
        parts = tuple(path)
        while parts and parts not in self.lines:
            parts = parts[:-1]
        return self.lines.get(parts, 1)

    def locate(self, path: DocPath) -> str:
        """`FILE:LINE` of a path."""
        return f"{self.name}:{self.line(path)}"


def _check_size(size: int, name: str) -> None:
    """Refuse a file larger than MAX_BYTES before reading it."""
    if size > MAX_BYTES:
        raise _fail(
            name,
            f"the file is {size / 1e6:.1f} MB, larger than the {MAX_BYTES / 1e6:g} MB tasched "
            "reads; a school file is far smaller (a large secondary is about 0.1 MB): check "
            "that this is the school file, and keep only the pupils the rota concerns",
        )


def _fail(name: str, message: str, line: int | None = None) -> InputError:
    location = f"{name}:{line}" if line else name
    return InputError([Problem(location, "", message)])


# --- reading YAML ------------------------------------------------------------------------


def load_yaml_school(file: str | os.PathLike[str], name: str | None = None) -> SchoolData:
    """Read and check a YAML school file (see :func:`tasched.io.formats.load_school` for any format)."""
    doc = read_yaml(file, name)
    return build_school(doc.data, doc.locate, doc.problems)


def read_yaml(file: str | os.PathLike[str], name: str | None = None) -> Document:
    """Read a YAML file into a Document; raises InputError when it cannot be read at all."""
    name = name if name is not None else str(file)
    try:
        raw = Path(file).read_bytes()
    except OSError as error:
        raise _fail(name, f"cannot read {name}: {error.strerror or error}") from None
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes | str, name: str = "<string>") -> Document:
    """Parse YAML bytes or text into a Document (see read_yaml)."""
    _check_size(len(raw), name)
    text = _decode(raw, name) if isinstance(raw, bytes) else raw
    if not text.strip():
        raise _fail(
            name,
            "the file is empty; a school file starts with `school:` and `calendar:` (see the example in the README)",
            1,
        )
    _check_nesting(text, name)
    try:
        loader = _FastLoader(text)  # the pure-Python reader checks the characters here
    except yaml.reader.ReaderError as error:
        raise InputError([_reader_problem(error, text, name)]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise _fail(
                name,
                "the file has no content, only comments; a school file starts with `school:` and `calendar:`",
                1,
            )
        if not isinstance(node, MappingNode):
            what = "a list" if isinstance(node, SequenceNode) else f"the single value {node.value!r}"
            raise _fail(
                name,
                f"the file holds {what}, not a school; a school file is a mapping of sections, "
                "starting with `school:` and `calendar:` at the left margin",
                node.start_mark.line + 1,
            )
        doc = Document(name, None)
        doc.lines[()] = node.start_mark.line + 1
        budget = _Budget(2 * len(text) + _VALUE_ALLOWANCE)
        doc.data = _build(loader, node, (), doc, set(), budget)
        return doc
    except yaml.MarkedYAMLError as error:
        if _is_too_deep(error):  # libyaml's own limit (PyYAML 6.0.4 and later): said our way
            raise _fail(name, _TOO_DEEP, error.problem_mark.line + 1 if error.problem_mark else None) from None
        raise InputError([_syntax_problem(_pure_error(text) or error, name)]) from None
    except RecursionError:  # a backstop: _check_nesting and _build refuse deep nesting first
        raise _fail(name, _TOO_DEEP) from None
    except yaml.reader.ReaderError as error:
        raise InputError([_reader_problem(error, text, name)]) from None
    except yaml.YAMLError as error:  # unmarked errors are rare (e.g. bad stream encoding)
        raise _fail(name, f"YAML error: {error}") from None
    finally:
        loader.dispose()


def _pure_error(text: str) -> yaml.MarkedYAMLError | None:
    """The pure-Python parser's error for text libyaml refused (its messages are clearer)."""
    try:
        loader = _SchoolLoader(text)
    except yaml.YAMLError:
        return None
    try:
        loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        return error
    except RecursionError:
        return None
    finally:
        loader.dispose()
    return None


_TOO_DEEP = (
    f"lists and mappings are nested more than {MAX_DEPTH} deep; a school file needs no more "
    "than six levels: look for a run of `[`, `{` or `- ` that is never closed"
)


def _check_nesting(text: str, name: str) -> None:
    """Refuse lists and mappings nested deeper than MAX_DEPTH before libyaml composes them.

    libyaml's composer recurses in C, and some ten thousand levels (`[[[[...`, `- - - ...`)
    crash the process. Its parser does not recurse, so when a cheap bound says the text
    might nest deeply, the parser's events are counted first. The bound: every level
    needs a `[`, `{`, `-` or `?`, or one more space of indentation than the level above.
    """
    bound = sum(text.count(c) for c in "[{-?") + math.isqrt(2 * len(text)) + 1
    if bound <= 2000:
        return  # deep enough for a clean message from _build, far too shallow to crash
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _fail(name, _TOO_DEEP, event.start_mark.line + 1 if event.start_mark else None)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        if _is_too_deep(error):
            raise _fail(name, _TOO_DEEP, error.problem_mark.line + 1 if error.problem_mark else None) from None
        return  # a syntax error before any deep nesting: reported as usual
    except yaml.YAMLError:
        return


def _is_too_deep(error: yaml.MarkedYAMLError) -> bool:
    """libyaml (from PyYAML 6.0.4) refuses deep nesting itself; its words vary by version."""
    return "nesting depth" in f"{error.problem or ''} {error.context or ''}"


def _reader_problem(error: yaml.reader.ReaderError, text: str, name: str) -> Problem:
    """A character YAML does not allow (a NUL, a control character): where it is and the fix."""
    line = text.count("\n", 0, error.position) + 1
    column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
    char = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or " ")
    return Problem(
        f"{name}:{line}",
        "",
        f"the character U+{char:04X} at column {column} is not allowed in YAML (a control "
        "character, perhaps pasted from another program); delete it, or save the file again as "
        "plain UTF-8 text",
    )


# The first bytes of files that are not text, and what they are.
_MAGIC = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook?); a workbook must be named .xlsx"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc); in Excel, save it as .xlsx"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(
            name,
            "the file is UTF-16 text; save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)",
            1,
        )
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise _fail(name, f"this is {what}, not a YAML text file", 1)
    head = raw[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and 0 not in head[0::2]:
        raise _fail(
            name,
            "the file is UTF-16 text; save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)",
            1,
        )
    control = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    if control >= 2 and control > len(head) // 100:
        raise _fail(
            name,
            "this is a binary file, not YAML text; a school file is YAML (.yaml) or an Excel workbook (.xlsx)",
            1,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        raise _fail(
            name,
            f"not UTF-8 text: byte 0x{byte} at offset {error.start} cannot be read "
            "(the file was probably saved as Windows-1252 or Latin-1); save it as UTF-8",
            line,
        ) from None


_HINTS = (
    ("found character '\\t'", "tabs cannot indent YAML; use spaces"),
    (
        "mapping values are not allowed",
        "a value containing ': ' needs quotes, or a key is mis-indented",
    ),
    ("expected a single document", "the file holds more than one YAML document (a second `---`)"),
    ("found undefined alias", "an `*alias` is used before its `&anchor`"),
    ("could not find expected ':'", "a key is missing its colon, or a quoted value is not closed"),
    ("found unexpected end of stream", "a quote or bracket is not closed"),
    ("did not find expected key", "check the indentation of this line and the one above"),
    ("expected <block end>", "check the indentation of this line and the one above"),
    ("did not find expected '-' indicator", "check the indentation of this list"),
    (
        "expected ',' or ']'",
        "a `[` list is not closed with `]`, or an item containing ': ' needs quotes",
    ),
    (
        "expected ',' or '}'",
        "a `{` mapping is not closed with `}`, or a value containing ': ' needs quotes",
    ),
)


def _syntax_problem(error: yaml.MarkedYAMLError, name: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    what = error.problem or "cannot be read"
    message = f"YAML syntax error: {what}"
    if error.context and error.context_mark and error.context_mark.line + 1 != line:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    elif error.context:
        message += f" ({error.context})"
    text = f"{error.problem} {error.context}"
    for needle, hint in _HINTS:
        if needle in text:
            message += f"; {hint}"
            break
    return Problem(f"{name}:{line}", "", message)


class _Budget:
    """How many more values a document may build: an alias bomb is refused, not expanded."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit


def _build(
    loader: yaml.SafeLoader,
    node: Node,
    path: DocPath,
    doc: Document,
    active: set[int],
    budget: _Budget,
) -> Any:
    """Plain data from a node, recording the line of every key and item under ``path``."""
    budget.left -= 1
    if budget.left < 0:
        raise InputError(
            [
                Problem(
                    f"{doc.name}:{node.start_mark.line + 1}",
                    field_path(path),
                    f"the file's aliases (`*name`) expand to more than {budget.limit:,} values, "
                    "far more than a school needs; write the values out instead of repeating "
                    "aliases of aliases",
                )
            ]
        )
    if len(path) > MAX_DEPTH:
        raise _fail(doc.name, _TOO_DEEP, node.start_mark.line + 1)
    if isinstance(node, ScalarNode):
        try:
            return loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as error:
            doc.problems.append(Problem(doc.locate(path), field_path(path), f"cannot read this value: {error.problem}"))
            return node.value
    if id(node) in active:
        doc.problems.append(Problem(doc.locate(path), field_path(path), "an alias refers to itself; remove the loop"))
        return None
    active = active | {id(node)}
    if isinstance(node, SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            doc.lines[(*path, index)] = child.start_mark.line + 1
            items.append(_build(loader, child, (*path, index), doc, active, budget))
        return items
    assert isinstance(node, MappingNode)
    first_seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
            continue
        key = _key(loader, key_node)
        line = key_node.start_mark.line + 1
        if key is None:
            continue  # reported below
        if key in first_seen:
            doc.problems.append(
                Problem(
                    f"{doc.name}:{line}",
                    field_path((*path, key)),
                    f"'{key}' appears twice in this mapping (first at line {first_seen[key]}); keep one",
                )
            )
        else:
            first_seen[key] = line
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            doc.problems.append(
                Problem(
                    f"{doc.name}:{key_node.start_mark.line + 1}",
                    field_path(path),
                    "a key must be a plain name, not a list or mapping",
                )
            )
            continue
        key = _key(loader, key_node)
        if key is None:
            doc.problems.append(
                Problem(
                    f"{doc.name}:{key_node.start_mark.line + 1}",
                    field_path(path),
                    "a key is empty; write `name: value`",
                )
            )
            continue
        doc.lines[(*path, key)] = key_node.start_mark.line + 1
        result[key] = _build(loader, value_node, (*path, key), doc, active, budget)
    return result


def _key(loader: yaml.SafeLoader, node: ScalarNode) -> str | None:
    """A mapping key as written (`1:` is the key '1'); None for an empty key."""
    try:
        key = loader.construct_object(node)
    except yaml.constructor.ConstructorError:
        return str(node.value)
    if key is None:
        return None
    return key if isinstance(key, str) else str(node.value)


# --- from plain data to the model --------------------------------------------------------


def build_school(raw: Any, locate: Locate, problems: Iterable[Problem] = ()) -> SchoolData:
    """Validate a plain document (from YAML or Excel) into SchoolData.

    ``locate(path)`` names where a path sits (``file:line`` or ``sheet!cell``).
    Raises InputError with every problem at once: ``problems`` already found
    while reading, the model's (types, required and unknown fields), and the
    cross-field checks of :mod:`tasched.input.validate`, run on every part the model
    accepted (see :func:`tasched.input.validate.salvage`). When the school is refused,
    the diagnosis before solving is listed too, wherever what was refused cannot
    change it (see :func:`tasched.problem.diagnose.diagnose_refused`).
    """
    found = list(problems)
    data: SchoolData | None = None
    prepared = _times_as_text(_drop_empty(raw, SchoolData))
    try:
        data = SchoolData.model_validate(prepared)
    except ValidationError as error:
        found.extend(model_problems(error, raw, locate))
        partial = salvage(prepared)
        if partial is not None:
            checked = check_school(partial.data, locate, partial)
            found.extend(checked)
            if partial.lossless and partial.calendar_ok:
                data = partial.data
    else:
        checked = check_school(data, locate)
        found.extend(checked)
    if found:
        problems_found = sort_problems(found)
        if data is not None:
            problems_found += diagnose_refused(data, locate, checked)
        raise InputError(problems_found)
    assert data is not None
    return data


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in file order (by line where the location ends with one), duplicates removed."""

    def line(problem: Problem) -> int:
        match = re.search(r":(\d+)$", problem.location)
        return int(match.group(1)) if match else 0

    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=line)


def _drop_empty(raw: Any, model: Any) -> Any:
    """Treat an empty value (`staff:` and nothing after it) as absent where there is a default."""
    if isinstance(raw, list):
        inner = _item_type(model)
        return [_drop_empty(item, inner) for item in raw]
    if not isinstance(raw, dict):
        return raw
    cls = model_class(model)
    if cls is None:
        return raw
    out = {}
    for key, value in raw.items():
        info = _field(cls, key)
        if value is None and info is not None and not info.is_required():
            continue
        out[key] = _drop_empty(value, info.annotation if info else None)
    return out


def _times_as_text(raw: Any) -> Any:
    """A slot time written as a bare number (`start: 9`) is a mistake, not minutes after midnight.

    The model reads an integer time as YAML 1.1's sexagesimal number (08:50 -> 530), but
    this loader reads YAML 1.2, where 08:50 is text; an integer here was typed as one, so it
    is passed on as text and refused with the HH:MM advice. ``raw`` is _drop_empty's copy.
    """
    calendar = raw.get("calendar") if isinstance(raw, dict) else None
    slots = calendar.get("slots") if isinstance(calendar, dict) else None
    for slot in slots if isinstance(slots, list) else []:
        for key in ("start", "end"):
            if isinstance(slot, dict) and type(slot.get(key)) is int:
                slot[key] = str(slot[key])
    return raw


def _item_type(tp: Any) -> Any:
    tp = unwrap_type(tp)
    return unwrap_type(get_args(tp)[0]) if get_origin(tp) is list and get_args(tp) else None


def _field(cls: type[BaseModel], key: Any) -> Any:
    """The FieldInfo a key names (by alias, or by name: the model accepts both)."""
    for name, info in cls.model_fields.items():
        if key in (info.alias, name):
            return info
    return None


def _aliases(cls: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in cls.model_fields.items()]


def _model_at(path: DocPath) -> type[BaseModel] | None:
    """The model class whose instance sits at ``path`` (None where there is none)."""
    tp: Any = SchoolData
    for part in path:
        if isinstance(part, int):
            tp = _item_type(tp)
        else:
            cls = model_class(tp)
            info = _field(cls, part) if cls else None
            tp = info.annotation if info else None
        if tp is None:
            return None
    return model_class(tp)


# --- pydantic's errors in plain English -----------------------------------------------------

_EXPECT = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "model_type": "a mapping of `field: value` lines",
    "model_attributes_type": "a mapping of `field: value` lines",
    "dict_type": "a mapping of `field: value` lines",
}


def model_problems(error: ValidationError, raw: Any, locate: Locate) -> list[Problem]:
    """Each of pydantic's errors as a Problem at the right line, in plain English."""
    grouped: dict[DocPath, list[dict[str, Any]]] = {}
    for details in error.errors(include_url=False):
        path, union_member = _data_path(raw, details["loc"], details["type"])
        err: dict[str, Any] = {**details, "union_member": union_member}
        if err["type"] == "value_error" and path and path[0] == "pupils":
            named = re.search(r"carry no `(\w+)`", err["msg"])
            if named:
                path = (*path, named.group(1))
        grouped.setdefault(path, []).append(err)
    problems = []
    for path, errs in grouped.items():
        unions = [e for e in errs if e["union_member"]]
        if len(unions) > 1 and len(unions) == len(errs) and all(e["type"] in _EXPECT for e in errs):
            expected = " or ".join(dict.fromkeys(_EXPECT[e["type"]] for e in errs))
            messages = [f"must be {expected}, not {_describe(errs[0].get('input'))}"]
        else:
            messages = list(dict.fromkeys(_message(path, e) for e in errs))
        for message in messages:
            problems.append(Problem(locate(path), field_path(path), message))
    return problems


def _data_path(raw: Any, loc: tuple[str | int, ...], kind: str) -> tuple[DocPath, bool]:
    """The part of a pydantic loc that is a path in the document; True if a union tag follows."""
    node = raw
    path: list[str | int] = []
    for i, part in enumerate(loc):
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif kind == "missing" and isinstance(node, dict) and i == len(loc) - 1:
            pass
        else:
            return tuple(path), True
        path.append(part)
    return tuple(path), False


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _plural(n: Any, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _message(path: DocPath, err: dict[str, Any]) -> str:
    kind: str = err["type"]
    value = err.get("input")
    ctx: dict[str, Any] = err.get("ctx") or {}
    last = path[-1] if path else ""
    if kind == "missing":
        return _missing(path)
    if kind == "extra_forbidden":
        return _unknown_field(path)
    if kind in _EXPECT:
        expected = _EXPECT[kind]
        if value is None:
            return f"is empty; give {expected}"
        message = f"must be {expected}, not {_describe(value)}"
        if kind == "list_type" and isinstance(value, str):
            items = [p.strip() for p in value.split(",")]
            message += f"; write a list, e.g. [{', '.join(items)}]"
        elif kind == "string_type" and isinstance(value, bool):
            message += "; put the value in quotes"
        elif kind == "int_from_float":
            message += " (no fraction)"
        elif kind in ("float_parsing", "int_parsing") and isinstance(value, str):
            message += _number_hint(value)
        return message
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": ("greater than", "gt"),
            "greater_than_equal": ("at least", "ge"),
            "less_than": ("less than", "lt"),
            "less_than_equal": ("at most", "le"),
        }[kind]
        return f"must be {words[0]} {_describe(ctx.get(words[1]))}, not {_describe(value)}"
    if kind in ("too_short", "string_too_short"):
        if isinstance(value, str) or kind == "string_too_short":
            return "must not be empty"
        return f"must list at least {_plural(ctx.get('min_length', 1), 'item')}"
    if kind in ("too_long", "string_too_long"):
        unit = "item" if kind == "too_long" else "character"
        return f"must have at most {_plural(ctx.get('max_length'), unit)}"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        choices = re.findall(r"'([^']*)'", expected) or re.findall(r"[\w.]+", expected.replace(" or ", ","))
        message = f"{_describe(value)} is not one of {expected}"
        near = nearest(str(value), choices) if choices else None
        if near and near != str(value):
            message += f"; did you mean '{near}'?"
        return message
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == _TASK.pattern:
            return f"{_describe(value)} is not a task; write class:ID, pupil:ID, intervention:ID, duty:ID or free"
        return f"{_describe(value)} does not have the expected form ({ctx.get('pattern')})"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    message = str(err["msg"])
    return message[:1].lower() + message[1:] if message else f"is not valid ({last})"


def _number_hint(value: str) -> str:
    """The fix for a number written as text the way people write numbers: 32,5 or £13.50 or 30h."""
    text = value.strip()
    if re.fullmatch(r"[-+]?\d+,\d{1,2}", text):
        return f"; write the decimal with a point: {text.replace(',', '.')}"
    if text[:1] in "£$€" and re.fullmatch(r"\d+(?:\.\d+)?", text[1:].strip()):
        return f"; leave out the currency sign: {text[1:].strip()}"
    unit = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?|mins?|minutes?)\.?", text, re.I)
    if unit:
        return f"; write the number alone: {unit.group(1)}"
    return ""


def _missing(path: DocPath) -> str:
    name = path[-1] if path else ""
    parent = _model_at(path[:-1])
    info = _field(parent, name) if parent else None
    about = f" ({info.description.rstrip('.')})" if info is not None and info.description else ""
    if len(path) == 1:
        return f"required section missing: add `{name}:` at the left margin{about}"
    return f"required field missing: add `{name}: ...`{about}"


def _unknown_field(path: DocPath) -> str:
    key = path[-1] if path else ""
    parent = _model_at(path[:-1])
    what = "section" if len(path) == 1 else "field"
    message = f"unknown {what} '{key}'"
    if parent is None:
        return message
    names = _aliases(parent)
    near = nearest(str(key), names)
    if near and near != key:
        return f"{message}; did you mean '{near}'?"
    for name, info in parent.model_fields.items():
        child = model_class(info.annotation) or model_class(_item_type(info.annotation))
        if child is not None and key in _aliases(child):
            return f"{message}; `{key}` goes under `{info.alias or name}:`"
    return f"{message}; the {what}s here are: {', '.join(names)}"


# --- writing YAML ---------------------------------------------------------------------------


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
