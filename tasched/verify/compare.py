"""Comparing the rota's own account (meta, shortfalls, KPIs) with the derivation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tasched.verify.report import RATIO_TOLERANCE, TOLERANCE, Violation
from tasched.verify.rows import as_number

STATUSES = ("optimal", "feasible", "no_rota")


def _close(a: float, b: float, tolerance: float = TOLERANCE) -> bool:
    return abs(a - b) <= tolerance


def compare_shortfalls(derived: list[dict[str, Any]], given: Any) -> Iterator[Violation]:
    """Every derived shortfall appears in the rota with the same task, unit,
    required and delivered; every rota shortfall is real and gives a reason."""
    rule = "shortfall_mismatch"
    if given is None:
        given = []
    if not isinstance(given, list):
        yield Violation(rule, "`shortfalls` is not a list")
        return
    expected = {row["task"]: row for row in derived}
    seen: set[str] = set()
    for n, item in enumerate(given, 1):
        if not isinstance(item, dict) or not isinstance(item.get("task"), str):
            yield Violation(rule, f"shortfall {n} is not a row with a task")
            continue
        task = item["task"]
        if task in seen:
            yield Violation(rule, f"the rota lists the shortfall on {task} twice")
            continue
        seen.add(task)
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            yield Violation(rule, f"the rota's shortfall on {task} gives no reason")
        want = expected.get(task)
        if want is None:
            yield Violation(
                rule,
                f"the rota reports a shortfall on {task}, but the rows meet that demand in full",
            )
            continue
        if item.get("unit") != want["unit"]:
            yield Violation(
                rule,
                f"the rota's shortfall on {task} is in {item.get('unit')!r}, not {want['unit']}",
            )
        for key in ("required", "delivered"):
            value = as_number(item.get(key))
            if value is None or not _close(value, want[key]):
                yield Violation(
                    rule,
                    f"the rota's shortfall on {task} has {key} {item.get(key)!r}; the rows give {want[key]:g}",
                )
    for task, want in expected.items():
        if task not in seen:
            yield Violation(
                rule,
                f"the rota does not report the shortfall on {task}: "
                f"{want['delivered']:g} of {want['required']:g} {want['unit']} delivered",
            )


_RATIOS = {"largest_share", "coverage"}


def compare_kpis(derived: dict[str, Any], given: Any) -> Iterator[Violation]:
    """The rota's KPIs match the ones derived from its rows: the same keys, and
    each number within rounding (0.011; shares and coverage 0.002)."""
    rule = "kpi_mismatch"
    if not isinstance(given, dict):
        yield Violation(rule, "the rota has no `kpis` section")
        return
    for section in ("pupils", "interventions", "classes", "staff"):
        want: dict[str, dict[str, Any]] = derived[section]
        got = given.get(section)
        if got is None and not want:
            continue
        if not isinstance(got, dict):
            yield Violation(rule, f"kpis.{section} is missing or not a mapping")
            continue
        got = {str(k): v for k, v in got.items()}
        for key in sorted(set(got) - set(want)):
            yield Violation(rule, f"kpis.{section} lists {key}, which it should not")
        for key, fields in want.items():
            entry = got.get(key)
            if not isinstance(entry, dict):
                yield Violation(rule, f"kpis.{section} has no entry for {key}")
                continue
            yield from _compare_fields(f"kpis.{section}.{key}", fields, entry)
    cost = given.get("cost")
    if not isinstance(cost, dict):
        yield Violation(rule, "kpis.cost is missing or not a mapping")
    else:
        yield from _compare_fields("kpis.cost", derived["cost"], cost)


def _compare_fields(where: str, want: dict[str, Any], got: dict[str, Any]) -> Iterator[Violation]:
    for name, value in want.items():
        tolerance = RATIO_TOLERANCE if name in _RATIOS else TOLERANCE
        number = as_number(got.get(name))
        if number is None or not _close(number, float(value), tolerance):
            yield Violation("kpi_mismatch", f"{where}.{name} is {got.get(name)!r}; the rows give {value:g}")


def check_meta(rota: dict[str, Any]) -> Iterator[Violation]:
    """The rota names its format version and a status."""
    meta = rota.get("meta")
    if not isinstance(meta, dict):
        yield Violation("row_format", "the rota has no `meta` section")
        return
    if meta.get("status") not in STATUSES:
        yield Violation(
            "row_format",
            f"meta.status is {meta.get('status')!r}; it must be one of {', '.join(STATUSES)}",
        )
    if meta.get("format_version") != 1:
        yield Violation("row_format", f"meta.format_version is {meta.get('format_version')!r}, not 1")
