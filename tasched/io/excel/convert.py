"""A cell's value as the model wants it: numbers stored as text, yes/no, lists, Excel times."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tasched.io.excel.cells import LIST_SEPARATORS, _number
from tasched.io.excel.sheets import Column

_ERROR_VALUE = re.compile(r"^#(?:N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)$")


_TIME_TEXT = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)


_NUMBER_TEXT = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")


_EXCEL_EPOCH_DAYS = (dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1))


_TRUE = ("yes", "y", "true", "t", "1")


_FALSE = ("no", "n", "false", "f", "0")


class _Unreadable(Exception):
    """A cell whose value cannot be used; the message says why and how to fix it."""


def _describe(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return repr(value)


def _fade(value: Any, key: str) -> Any:
    """A mapping, a number or a list in one cell: `ehcp.fade` as `to_hours=10, from_week=4,
    by_week=10` or hours a week `25, 24, 22`; `term.weeks` as `12` or labels `A1, B1`."""
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER_TEXT.match(value)):
        number = _number(float(value))
        return [number] if key.endswith("fade") else number
    text = str(value)
    if "=" in text:
        pairs = [part.split("=", 1) for part in re.split(r"[;,]", text) if part.strip()]
        return {key.strip(): _number(float(v)) if _NUMBER_TEXT.match(v.strip()) else v.strip() for key, v in pairs}
    parts = [p.strip() for p in re.split(r"[;,]", text) if p.strip()]
    return [_number(float(p)) if _NUMBER_TEXT.match(p) else p for p in parts]


def _convert(value: Any, column: Column) -> Any:
    """A cell's value as the model wants it (None for a blank cell); raises _Unreadable."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if _ERROR_VALUE.match(value):
            raise _Unreadable(f"the cell shows the error {value}; fix the formula or type the value")
    kind = column.kind
    if kind == "time":
        return _time(value)
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise _Unreadable(
            f"the spreadsheet turned this into a date or time ({_describe(value)}); format the "
            "cell as Text (Format Cells > Text) and type the value again"
        )
    if kind == "fade":
        return _fade(value, column.key)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return bool(value) if value in (0, 1) else value
        lowered = str(value).lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return value
    if kind in ("int", "float"):
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d*)?", value) else value
            if kind == "float" and text.endswith("%") and _NUMBER_TEXT.match(text[:-1].strip()):
                return float(text[:-1]) / 100
            if _NUMBER_TEXT.match(text):
                return _number(float(text))
            return value
        return _number(value) if kind == "int" or isinstance(value, int) else value
    if kind == "list":
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return [str(_number(value))]
        return [item.strip() for item in LIST_SEPARATORS.split(str(value)) if item.strip()]
    if kind == "number_text":
        return _number(value) if isinstance(value, float) else value
    if kind == "choice":
        if isinstance(value, str):
            lowered = value.lower()
            match = next((c for c in column.choices if c.lower() == lowered), None)
            return match or value
        return value
    # text
    if isinstance(value, float | int) and not isinstance(value, bool):
        return str(_number(value))
    return value


def _time(value: Any) -> Any:
    """An Excel time, date-and-time, day fraction or text as `HH:MM`."""
    minutes: int | None = None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time() and value.date() not in _EXCEL_EPOCH_DAYS:
            raise _Unreadable(f"{value.date().isoformat()} is a date, not a time; type the time as HH:MM, e.g. 09:15")
        value = value.time()
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        minutes = round(seconds / 60)
        if abs(seconds - minutes * 60) > 1:
            raise _Unreadable(f"{value.isoformat()} has seconds; a slot time is whole minutes, e.g. 09:15")
    elif isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
    elif isinstance(value, bool):
        raise _Unreadable(f"{value} is not a time; type it as HH:MM, e.g. 09:15")
    elif isinstance(value, int | float):
        if not 0 <= value < 1:
            raise _Unreadable(
                f"{_number(value)} is a number, not a time; type it as HH:MM, e.g. 09:15 (or format the cell as Time)"
            )
        minutes = round(value * 24 * 60)
    elif isinstance(value, str):
        match = _TIME_TEXT.match(value)
        if not match:
            return value  # the model says what is wrong with it
        hours, mins, secs, half = match.groups()
        h, m = int(hours), int(mins)
        if secs and int(secs):
            raise _Unreadable(f"{value!r} has seconds; a slot time is whole minutes, e.g. 09:15")
        if half:
            if not 1 <= h <= 12:
                return value
            h = h % 12 + (12 if half.lower().startswith("p") else 0)
        if h > 23 or m > 59:
            return value
        minutes = h * 60 + m
    if minutes is None:
        return value
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
