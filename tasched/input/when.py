"""When-expressions: a compact, Excel-friendly way to name sets of slots in the week.

Grammar (format.md): items joined by commas; an item is `*`, a day part, a slot
part, or a day part then a slot part. A day part is `Mon` or `Mon-Wed` (calendar
order); a slot part is `P1`, `P1-P3` (the day's order) or a slot kind
(`lesson`, `break`, ...). The result is a set of (day index, slot index) pairs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

SLOT_KINDS = ("lesson", "registration", "break", "lunch", "before_school", "after_school")

DaySlot = tuple[int, int]


class WhenError(ValueError):
    """A when-expression names something that does not exist, or is malformed."""

    def __init__(self, message: str, token: str = "", suggestion: str | None = None, known: str = "") -> None:
        if suggestion:
            message = f"{message}; did you mean {suggestion!r}?"
        elif known:
            message = f"{message}; {known}"
        super().__init__(message)
        self.token = token
        self.suggestion = suggestion


def _known(what: str, names: Sequence[str], limit: int = 12) -> str:
    """`the days are Mon, Tue, Wed`: the valid names, for a name with no near match."""
    names = list(dict.fromkeys(names))
    if not names:
        return ""
    shown = ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")
    return f"the {what} are {shown}"


def nearest(name: str, choices: Sequence[str]) -> str | None:
    """The valid name closest to a misspelt one, or None when nothing is close."""
    lowered = {choice.lower(): choice for choice in choices}
    if name.lower() in lowered:
        return lowered[name.lower()]
    # Short names (P1, Mon) differ by one character from their neighbours: be generous.
    cutoff = 0.5 if len(name) <= 3 else 0.6
    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=cutoff)
    if not match:
        match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=cutoff)
        return lowered[match[0]] if match else None
    return match[0]


@dataclass(frozen=True)
class WeekShape:
    """The names a when-expression may use: days, slot ids and each slot's kind."""

    days: tuple[str, ...]
    slots: tuple[str, ...]
    kinds: tuple[str, ...]

    def everything(self) -> set[DaySlot]:
        return {(d, s) for d in range(len(self.days)) for s in range(len(self.slots))}


def parse_when(expr: str | None, shape: WeekShape) -> set[DaySlot]:
    """Resolve a when-expression into the set of (day, slot) index pairs it names.

    An empty or missing expression names no slot. Raises WhenError naming the bad
    token and the nearest valid name.
    """
    if expr is None:
        return set()
    text = str(expr).strip()
    if not text:
        return set()
    result: set[DaySlot] = set()
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise WhenError(f"empty item in when-expression {text!r} (two commas, or a trailing comma)")
        result |= _parse_item(item, shape)
    return result


def _parse_item(item: str, shape: WeekShape) -> set[DaySlot]:
    if item == "*":
        return shape.everything()
    parts = re.sub(r"\s*-\s*", "-", item).split()  # "Mon - Wed" is "Mon-Wed"
    if len(parts) > 2:
        raise WhenError(
            f"{item!r} has {len(parts)} parts; write a day part then a slot part, e.g. 'Mon P1-P3'",
            token=item,
        )
    all_days = range(len(shape.days))
    all_slots = range(len(shape.slots))
    if len(parts) == 2:
        days = _day_part(parts[0], shape)
        slots = _slot_part(parts[1], shape)
        return {(d, s) for d in days for s in slots}
    token = parts[0]
    if _is_day_part(token, shape):
        return {(d, s) for d in _day_part(token, shape) for s in all_slots}
    return {(d, s) for d in all_days for s in _slot_part(token, shape, single=True)}


def _is_day_part(token: str, shape: WeekShape) -> bool:
    ends = token.split("-", 1) if token not in shape.days else [token]
    return any(end in shape.days and end not in shape.slots for end in ends)


def _range(token: str, names: Sequence[str], what: str, shape: WeekShape) -> list[int]:
    if token in names:
        return [names.index(token)]
    if "-" in token and token.count("-") == 1:
        low, high = token.split("-", 1)
        for end in (low, high):
            if end not in names:
                raise WhenError(
                    f"unknown {what} {end!r} in {token!r}",
                    end,
                    nearest(end, names),
                    _known(f"{what}s", names),
                )
        first, last = names.index(low), names.index(high)
        if last < first:
            raise WhenError(
                f"{what} range {token!r} runs backwards; write it in calendar order, e.g. {high}-{low}",
                token,
            )
        return list(range(first, last + 1))
    raise WhenError(f"unknown {what} {token!r}", token, None, _known(f"{what}s", names))


def _day_part(token: str, shape: WeekShape) -> list[int]:
    if token in shape.days or "-" in token:
        return _range(token, shape.days, "day", shape)
    if token in shape.slots or token in SLOT_KINDS:
        first = shape.days[0] if shape.days else "Mon"
        raise WhenError(
            f"{token!r} is a slot, not a day; write the day part first, e.g. '{first} {token}'",
            token,
        )
    raise WhenError(f"unknown day {token!r}", token, nearest(token, shape.days), _known("days", shape.days))


def _slot_part(token: str, shape: WeekShape, single: bool = False) -> list[int]:
    if token in shape.slots or ("-" in token and token not in SLOT_KINDS):
        try:
            return _range(token, shape.slots, "slot", shape)
        except WhenError as error:
            if not single or error.suggestion or error.token in ("", token):
                raise
            # a lone range may have meant days as well as slots: suggest from both
            names = [*shape.slots, *shape.days]
            raise WhenError(
                f"unknown day or slot {error.token!r} in {token!r}",
                error.token,
                nearest(error.token, names),
            ) from None
    if token in SLOT_KINDS:
        return [i for i, kind in enumerate(shape.kinds) if kind == token]
    if single:  # a lone token may have meant a day as well as a slot
        names = [*shape.slots, *SLOT_KINDS, *shape.days]
        known = f"{_known('days', shape.days)}; {_known('slots', [*shape.slots, *SLOT_KINDS])}"
        raise WhenError(f"unknown day or slot {token!r}", token, nearest(token, names), known)
    raise WhenError(
        f"unknown slot {token!r}",
        token,
        nearest(token, [*shape.slots, *SLOT_KINDS]),
        _known("slots", [*shape.slots, *SLOT_KINDS]),
    )


def format_slots(pairs: set[DaySlot], shape: WeekShape) -> str:
    """A readable when-expression for a set of slots (for messages, not parsing back)."""
    return ", ".join(f"{shape.days[d]} {shape.slots[s]}" for d, s in sorted(pairs))
