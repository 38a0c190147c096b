"""From a file's plain data (YAML or Excel) to a checked SchoolData, with every problem found at once.

The model's errors, the cross-field checks on whatever the model accepted, and,
when the school is refused, the diagnosis before solving, all in file order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from tasched.errors import InputError, Problem
from tasched.input.introspect import model_class
from tasched.input.model import SchoolData
from tasched.input.validate import check_school, salvage
from tasched.io.loader.document import Locate
from tasched.io.loader.fields import field_info, item_type
from tasched.io.loader.messages import model_problems
from tasched.problem.diagnose import diagnose_refused

__all__ = ["build_school", "sort_problems"]


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
        inner = item_type(model)
        return [_drop_empty(item, inner) for item in raw]
    if not isinstance(raw, dict):
        return raw
    cls = model_class(model)
    if cls is None:
        return raw
    out = {}
    for key, value in raw.items():
        info = field_info(cls, key)
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
