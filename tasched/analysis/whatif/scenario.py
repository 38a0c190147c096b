"""What-if scenarios: a staffing change (adults removed, contracted hours changed, absences
added), read from the command line or a scenario file, and applied to a copy of the school.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tasched.analysis.staffing import keep_staff
from tasched.analysis.whatif.words import and_list
from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.input.overrides import apply_overrides
from tasched.input.when import nearest

__all__ = ["Scenario", "apply_scenario", "load_scenarios", "parse_hours", "split_items"]

FIELDS = {"name", "remove", "hours", "absent"}


@dataclass
class Scenario:
    """A staffing change: adults removed, contracted hours changed, absences added."""

    name: str
    remove: list[str] = field(default_factory=list)
    hours: dict[str, float] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)  # "TA05:Tue", as --absent

    def describe(self) -> str:
        """`Removing TA03 and TA07 and cutting TA05 to 20 h` (or the name)."""
        parts = []
        if self.remove:
            parts.append(f"Removing {and_list(self.remove)}")
        changed = [f"{s} to {h:g} h" for s, h in self.hours.items()]
        if changed:
            parts.append(f"changing {and_list(changed)}")
        if self.absent:
            parts.append(f"absences {and_list(self.absent)}")
        if not parts:
            return self.name
        text = " and ".join(parts)
        return text[0].upper() + text[1:]


def parse_hours(items: Sequence[str]) -> dict[str, float]:
    """`["TA05=20", "TA06=12.5"]` (or comma-joined) -> {"TA05": 20.0, "TA06": 12.5}."""
    hours: dict[str, float] = {}
    problems: list[Problem] = []
    for item in split_items(items):
        staff, eq, value = item.partition("=")
        try:
            if not eq or not staff.strip():
                raise ValueError
            hours[staff.strip()] = float(value)
        except ValueError:
            problems.append(Problem(f"--hours {item!r}", "", "write STAFF=HOURS, e.g. TA05=20"))
    if problems:
        raise InputError(problems)
    return hours


def split_items(items: Sequence[str]) -> list[str]:
    """Options given several times and/or comma-joined, as one list."""
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def load_scenarios(path: str | Path) -> list[Scenario]:
    """Read a scenario file: `scenarios: [{name, remove, hours, absent}, ...]` (or a bare list)."""
    where = str(path)
    items = _scenario_items(_read_yaml(path), where)
    out: list[Scenario] = []
    problems: list[Problem] = []
    for n, item in enumerate(items):
        parsed = _scenario_of(item, n, where)
        if isinstance(parsed, Problem):
            problems.append(parsed)
        else:
            out.append(parsed)
    names = [s.name for s in out]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(Problem(where, "name", f"two scenarios are named {name!r}; names are unique"))
    if problems:
        raise InputError(problems)
    return out


def _read_yaml(path: str | Path) -> Any:
    """The file's YAML document; InputError when it is missing or not YAML."""
    where = str(path)
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(where, "", "no such file")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f"{where}:{mark.line + 1}" if mark else where
        raise InputError([Problem(at, "", f"not valid YAML: {error}")]) from None


def _scenario_items(document: Any, where: str) -> list[Any]:
    """The document's list of scenarios (under `scenarios:`, or the document itself)."""
    items = document.get("scenarios") if isinstance(document, dict) else document
    if not isinstance(items, list) or not items:
        raise InputError(
            [Problem(where, "scenarios", "write a list of scenarios, each {name, remove: [ids], hours: {id: h}}")]
        )
    return items


def _scenario_of(item: Any, n: int, where: str) -> Scenario | Problem:
    """One scenario of the file, or the problem with it."""
    label = f"scenarios[{n}]"
    if not isinstance(item, dict):
        return Problem(where, label, "a scenario is a mapping with name, remove, hours")
    unknown = set(item) - FIELDS
    if unknown:
        return Problem(where, label, f"unknown field(s) {', '.join(sorted(unknown))}; use name, remove, hours, absent")
    remove = item.get("remove") or []
    absent = item.get("absent") or []
    hours = item.get("hours") or {}
    if isinstance(remove, str):
        remove = split_items([remove])
    if isinstance(absent, str):
        absent = [absent]
    if not isinstance(remove, list) or not isinstance(absent, list):
        return Problem(where, label, "remove and absent are lists")
    if not isinstance(hours, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in hours.values()
    ):
        return Problem(where, f"{label}.hours", "write hours as {STAFF: HOURS}")
    return Scenario(
        str(item.get("name") or f"scenario {n + 1}"),
        [str(s) for s in remove],
        {str(k): float(v) for k, v in hours.items()},
        [str(a) for a in absent],
    )


def apply_scenario(data: SchoolData, scenario: Scenario) -> SchoolData:
    """A copy of the school with the scenario's staff removed, hours changed and absences added.

    Removing an adult also removes their pins and absences. Raises InputError for
    an unknown adult or hours outside a contract's range (0 < h ≤ 60).
    """
    problems = _scenario_problems(data, scenario)
    if problems:
        raise InputError(problems)
    gone = set(scenario.remove)
    copy = data.model_copy(deep=True)
    keep_staff(copy, lambda staff: staff not in gone, scenario.hours)
    if scenario.absent:
        copy = apply_overrides(copy, list(scenario.absent), [])
    return SchoolData.model_validate(copy.model_dump(by_alias=True))


def _scenario_problems(data: SchoolData, scenario: Scenario) -> list[Problem]:
    """Unknown adults, hours that are no contract, and adults both removed and given hours."""
    ids = [s.id for s in data.staff]
    problems: list[Problem] = []
    where = f"scenario {scenario.name!r}"
    for staff_id in [*scenario.remove, *scenario.hours]:
        if staff_id not in ids:
            hint = nearest(staff_id, ids)
            problems.append(
                Problem(
                    where,
                    staff_id,
                    "no such adult in the school" + (f"; did you mean {hint!r}?" if hint else ""),
                )
            )
    for staff_id, hours in scenario.hours.items():
        if not 0 < hours <= 60:
            problems.append(
                Problem(
                    where,
                    staff_id,
                    f"{hours:g} h is not a contract: use 0 < hours ≤ 60 (to take the adult out, use remove)",
                )
            )
        if staff_id in scenario.remove:
            problems.append(Problem(where, staff_id, "both removed and given new hours; choose one"))
    return problems
