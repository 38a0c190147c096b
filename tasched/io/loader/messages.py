"""pydantic's validation errors in plain English, each at the line of the field it is about.

A message says what is wrong and, where it can, the fix: the nearest field or
choice for a misspelling, where a misplaced field belongs, how to write a number
or a list.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from tasched.errors import Problem, field_path
from tasched.input.introspect import model_class
from tasched.input.model import _TASK
from tasched.input.when import nearest
from tasched.io.loader.document import DocPath, Locate
from tasched.io.loader.fields import aliases, field_info, item_type, model_at

__all__ = ["model_problems"]

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

# A bound's words, and its key in the error's context.
_BOUNDS = {
    "greater_than": ("greater than", "gt"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("at most", "le"),
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
            # every member of a union refused the value: one message naming what each wanted
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
    """One error's message, by its pydantic type."""
    kind: str = err["type"]
    value = err.get("input")
    ctx: dict[str, Any] = err.get("ctx") or {}
    if kind == "missing":
        return _missing(path)
    if kind == "extra_forbidden":
        return _unknown_field(path)
    if kind in _EXPECT:
        return _wrong_type(kind, value)
    if kind in _BOUNDS:
        words, bound = _BOUNDS[kind]
        return f"must be {words} {_describe(ctx.get(bound))}, not {_describe(value)}"
    if kind in ("too_short", "string_too_short"):
        if isinstance(value, str) or kind == "string_too_short":
            return "must not be empty"
        return f"must list at least {_plural(ctx.get('min_length', 1), 'item')}"
    if kind in ("too_long", "string_too_long"):
        unit = "item" if kind == "too_long" else "character"
        return f"must have at most {_plural(ctx.get('max_length'), unit)}"
    if kind in ("enum", "literal_error"):
        return _not_a_choice(value, str(ctx.get("expected", "")))
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == _TASK.pattern:
            return f"{_describe(value)} is not a task; write class:ID, pupil:ID, intervention:ID, duty:ID or free"
        return f"{_describe(value)} does not have the expected form ({ctx.get('pattern')})"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    message = str(err["msg"])
    return message[:1].lower() + message[1:] if message else f"is not valid ({path[-1] if path else ''})"


def _wrong_type(kind: str, value: Any) -> str:
    """A value of the wrong type: what was wanted, and how to write it where that is a common slip."""
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


def _not_a_choice(value: Any, expected: str) -> str:
    """A value not among an enum's or literal's choices, with the nearest one."""
    choices = re.findall(r"'([^']*)'", expected) or re.findall(r"[\w.]+", expected.replace(" or ", ","))
    message = f"{_describe(value)} is not one of {expected}"
    near = nearest(str(value), choices) if choices else None
    if near and near != str(value):
        message += f"; did you mean '{near}'?"
    return message


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
    parent = model_at(path[:-1])
    info = field_info(parent, name) if parent else None
    about = f" ({info.description.rstrip('.')})" if info is not None and info.description else ""
    if len(path) == 1:
        return f"required section missing: add `{name}:` at the left margin{about}"
    return f"required field missing: add `{name}: ...`{about}"


def _unknown_field(path: DocPath) -> str:
    key = path[-1] if path else ""
    parent = model_at(path[:-1])
    what = "section" if len(path) == 1 else "field"
    message = f"unknown {what} '{key}'"
    if parent is None:
        return message
    names = aliases(parent)
    near = nearest(str(key), names)
    if near and near != key:
        return f"{message}; did you mean '{near}'?"
    for name, info in parent.model_fields.items():
        child = model_class(info.annotation) or model_class(item_type(info.annotation))
        if child is not None and key in aliases(child):
            return f"{message}; `{key}` goes under `{info.alias or name}:`"
    return f"{message}; the {what}s here are: {', '.join(names)}"
