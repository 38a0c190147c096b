"""What is left of a school the model refused, for the cross-field checks to run on.

A school file with one bad item should still hear about every other mistake in it:
:func:`salvage` keeps each part the model accepts (leaving out unknown fields),
and :class:`Partial` records what the refused parts make unknowable, so the
checks stay quiet about it rather than report it twice.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from tasched.input.introspect import model_class
from tasched.input.model import PUPIL_NAME_KEYS, Calendar, Phase, School, SchoolData, Slot, SlotKind
from tasched.input.when import nearest


@dataclass
class Partial:
    """The parts of a school file that passed the model, and what the rest leaves unknown.

    Items the model refused are left out of ``data``; ``index`` maps each kept
    item back to its place in the file, ``ghosts`` holds the ids of items left out
    (so references to them are not reported again as unknown), and ``held`` the
    skills, subjects and room kinds they mention.
    """

    data: SchoolData
    calendar_ok: bool = True
    """False when days or slots cannot be read: nothing about the week can be checked."""
    untimed: set[int] = field(default_factory=set)
    """Slots whose times are wrong (their ids and kinds are fine)."""
    index: dict[str, list[int]] = field(default_factory=dict)
    ghosts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    broken: set[str] = field(default_factory=set)
    """Sections that are not lists at all: references into them cannot be checked."""
    held: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Names mentioned by left-out items: 'skills' and 'subjects' of staff, 'kinds' of rooms,
    'lesson_subjects' of lessons."""
    unsure: set[str] = field(default_factory=set)
    """'skills' or 'subjects' when some left-out adult's could not be read."""
    unsure_classes: set[str] = field(default_factory=set)
    """Classes some of whose lessons were left out: when they meet is not known."""
    lossless: bool = True
    """True when nothing but unknown fields was left out: every check, diagnosis too, can run."""

    def raw_index(self, section: str, i: int) -> int:
        rows = self.index.get(section)
        return rows[i] if rows is not None and 0 <= i < len(rows) else i

    def known(self, section: str, ids: Iterable[str]) -> set[str] | None:
        """The ids a reference into ``section`` may name; None when the section is unreadable."""
        if section in self.broken:
            return None
        return set(ids) | self.ghosts.get(section, set())


def salvage(raw: Any) -> Partial | None:
    """What the cross-field checks can still use from a school the model refused.

    ``raw`` is the plain document (empty values already dropped). Unknown fields are
    left out; an item of a list section that is still refused is left out whole (its
    id kept as a ghost); a slot whose only fault is its times is kept with its id and
    kind; a calendar that cannot be read otherwise stops the checks of the week.
    None when the document is not a mapping at all.
    """
    if not isinstance(raw, dict):
        return None
    doc = copy.deepcopy(raw)
    info = Partial(SchoolData.model_construct(school=_placeholder_school(), calendar=_placeholder_calendar()))
    parts = _salvage_sections(doc, info)
    _note_misspelt_sections(doc, info)
    complete = _with_defaults(parts)
    if complete is None:
        return None
    info.data = SchoolData.model_construct(**complete)
    return info


def _salvage_sections(doc: dict[Any, Any], info: Partial) -> dict[str, Any]:
    """Each section of the document as far as the model accepts it (None where nothing is left)."""
    parts: dict[str, Any] = {}
    for name, spec in SchoolData.model_fields.items():
        key = spec.alias or name
        value = doc.get(key, doc.get(name))
        item_type = _list_item(spec.annotation)
        if name == "calendar":
            parts[name] = _salvage_calendar(value, info)
        elif item_type is not None:
            parts[name] = _salvage_list(key, value, item_type, info)
        else:
            model = model_class(spec.annotation)
            if model is None:
                continue
            parts[name] = _salvage_mapping(value, model, info)
    return parts


def _note_misspelt_sections(doc: dict[Any, Any], info: Partial) -> None:
    """A misspelt section's real name is marked broken: what it holds is unknown."""
    fields = {spec.alias or name: name for name, spec in SchoolData.model_fields.items()}
    for key in doc:
        near = nearest(str(key), list(fields)) if key not in fields else None
        if near is not None and near not in doc:
            info.broken.add(near)
            info.lossless = False


def _with_defaults(parts: dict[str, Any]) -> dict[str, Any] | None:
    """The sections with defaults (or placeholders) for those left out; None when a required one is missing."""
    for name, spec in SchoolData.model_fields.items():
        if parts.get(name) is None:
            if spec.is_required():
                parts[name] = _PLACEHOLDER[name]() if name in _PLACEHOLDER else None
            else:
                parts[name] = spec.get_default(call_default_factory=True)
    if any(parts[name] is None for name, spec in SchoolData.model_fields.items() if spec.is_required()):
        return None  # an optional section (e.g. `term`) may be None
    return parts


def _placeholder_school() -> School:
    return School(name="?", phase=Phase.primary)


def _placeholder_calendar() -> Calendar:
    return Calendar.model_construct(days=[], slots=[], closed=None)


_PLACEHOLDER: dict[str, Callable[[], BaseModel]] = {"school": _placeholder_school, "calendar": _placeholder_calendar}


def _list_item(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) is list:
        args = get_args(annotation)
        return model_class(args[0]) if args else None
    return None


def _drop_unknown_fields(value: Any, error: ValidationError) -> bool:
    """Delete every key the model called unknown (or a pupil's name); True if any was."""
    dropped = False
    for details in error.errors(include_url=False):
        loc = details["loc"]
        if details["type"] == "extra_forbidden" and loc:
            parent = _at(value, loc[:-1])
            if isinstance(parent, dict) and loc[-1] in parent:
                del parent[loc[-1]]
                dropped = True
        elif details["type"] == "value_error" and "carry no `" in details["msg"]:
            parent = _at(value, loc)
            if isinstance(parent, dict):
                for key in PUPIL_NAME_KEYS:
                    if key in parent:
                        del parent[key]
                        dropped = True
    return dropped


def _at(value: Any, loc: Sequence[Any]) -> Any:
    for part in loc:
        in_list = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not in_list and not (isinstance(value, dict) and part in value):
            return None
        value = value[part]
    return value


def _validate(model: type[BaseModel], value: Any) -> tuple[BaseModel | None, ValidationError | None]:
    """The model of a value, leaving out unknown fields; (None, error) when still refused."""
    for _ in range(8):
        try:
            return model.model_validate(value), None
        except ValidationError as error:
            if not _drop_unknown_fields(value, error):
                return None, error
    return None, None


def _salvage_mapping(value: Any, model: type[BaseModel], info: Partial) -> BaseModel | None:
    """A section that is one mapping (school, rules): itself without unknown fields, else its default."""
    if value is None:
        return None
    found, _ = _validate(model, value)
    if found is None:
        info.lossless = False
    return found


def _salvage_list(section: str, value: Any, model: type[BaseModel], info: Partial) -> list[BaseModel]:
    if value is None:
        return []
    if not isinstance(value, list):
        info.broken.add(section)
        info.lossless = False
        return []
    kept: list[BaseModel] = []
    rows: list[int] = []
    for i, item in enumerate(value):
        found, _ = _validate(model, item)
        if found is not None:
            kept.append(found)
            rows.append(i)
            continue
        info.lossless = False
        _remember(section, item, info)
    info.index[section] = rows
    return kept


def _texts(value: Any) -> tuple[set[str], bool]:
    """The names in a list (or comma-separated text) as written; False when it cannot be read."""
    if isinstance(value, str):
        return {part.strip() for part in value.split(",") if part.strip()}, True
    if isinstance(value, list):
        return {str(v).strip() for v in value if isinstance(v, str | int) and not isinstance(v, bool)}, True
    return set(), value is None


def _remember(section: str, item: Any, info: Partial) -> None:
    """What a left-out item still tells the other checks: its id, skills, subjects, kind."""
    if not isinstance(item, dict):
        return
    ident = item.get("id")
    if isinstance(ident, str | int) and not isinstance(ident, bool):
        info.ghosts[section].add(str(ident).strip())
    if section == "staff":
        for what in ("skills", "subjects"):
            names, readable = _texts(item.get(what))
            info.held[what] |= names
            if not readable:
                info.unsure.add(what)
    elif section == "rooms":
        kinds, _ = _texts(item.get("kind"))
        info.held["kinds"] |= kinds
    elif section == "lessons":
        subjects, _ = _texts(item.get("subject"))
        info.held["lesson_subjects"] |= subjects
        classes, _ = _texts(item.get("class"))
        info.unsure_classes |= classes


def _salvage_calendar(value: Any, info: Partial) -> Calendar | None:
    """The calendar; slots whose only fault is their times are kept (listed in ``untimed``)."""
    if value is None:
        info.calendar_ok = False
        info.lossless = False
        return None
    found, _ = _validate(Calendar, value)
    if isinstance(found, Calendar):
        return found
    info.lossless = False
    slots = _salvage_slots(value.get("slots")) if isinstance(value, dict) else None
    shell = _calendar_shell(value) if slots is not None else None
    if slots is None or shell is None:
        info.calendar_ok = False
        return None
    kept, untimed = slots
    info.untimed |= untimed
    return Calendar.model_construct(days=shell.days, slots=kept, closed=shell.closed)


def _salvage_slots(value: Any) -> tuple[list[Slot], set[int]] | None:
    """The slots, and which of them are kept only for their id and kind; None if any is refused otherwise."""
    if not isinstance(value, list):
        return None
    slots: list[Slot] = []
    untimed: set[int] = set()
    for i, raw_slot in enumerate(value):
        found, error = _validate(Slot, raw_slot)
        if isinstance(found, Slot):
            slots.append(found)
            continue
        slot = _untimed_slot(raw_slot, error)
        if slot is None:
            return None
        untimed.add(i)
        slots.append(slot)
    return slots, untimed


def _untimed_slot(raw_slot: Any, error: ValidationError | None) -> Slot | None:
    """A slot refused only for its times, kept with its id and kind (its times are placeholders)."""
    timed = error is not None and all(
        not e["loc"] or e["loc"][0] in ("start", "end") for e in error.errors(include_url=False)
    )
    ident, kind = (raw_slot.get("id"), raw_slot.get("kind")) if isinstance(raw_slot, dict) else (None, None)
    if not timed or not isinstance(ident, str | int) or not isinstance(kind, str):
        return None
    if kind not in SlotKind._value2member_map_:
        return None
    return Slot.model_construct(id=str(ident).strip(), start="00:00", end="00:00", kind=SlotKind(kind))


def _calendar_shell(value: dict[Any, Any]) -> Calendar | None:
    """The calendar's days and closed slots, read apart from its slots (`closed` dropped if refused)."""
    rest = {k: v for k, v in value.items() if k != "slots"}
    rest["slots"] = [{"id": "x", "start": "00:00", "end": "00:01", "kind": "lesson"}]
    shell, _ = _validate(Calendar, rest)
    if not isinstance(shell, Calendar):
        rest.pop("closed", None)
        shell, _ = _validate(Calendar, rest)
    return shell if isinstance(shell, Calendar) else None
