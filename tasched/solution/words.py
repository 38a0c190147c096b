"""One vocabulary for every surface (terminal, rota file, workbook, HTML page).

Solver figures (gap, bound, objective) stay behind `-v` and in meta; what a
business manager or a SENCo reads is said here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

TIER_LABELS = {
    "ehcp_hours": "EHC hours",
    "medical_cover": "medical cover",
    "cover": "lesson cover",
    "duties": "duties",
    "interventions": "interventions",
    "liaison": "teacher liaison",
    "class_support": "class support",
    "soft_goals": "soft goals",
    "weighted": "all demands and goals together",
}

# The three things a rota can say of its demands, in every output.
ALL_MET = "all demands met"
PROVEN = "met as far as these staff allow (proven)"
MORE_TIME = "could improve with more time"


def tier_label(tier: Mapping[str, Any]) -> str:
    """`EHC hours`, `class support (high priority)`."""
    label = TIER_LABELS.get(str(tier.get("tier")), str(tier.get("tier")).replace("_", " "))
    priority = tier.get("priority")
    return f"{label} ({priority} priority)" if priority else label


def plural(count: int | float, one: str, many: str | None = None) -> str:
    """`1 adult`, `2 adults`, `1 duty`, `3 duties`."""
    word = one if count == 1 else (many or one + "s")
    return f"{count:g} {word}"


def duration(minutes: float) -> str:
    """Minutes as a person says them: `45 min`, `2 h`, `3 h 15 min`."""
    minutes = round(minutes)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def amount(short: float, unit: str) -> str:
    """A tier's shortfall in words: `3 h 15 min`, `2 h of adult time`, `penalty 120`."""
    if unit == "minutes":
        return duration(short)
    if unit == "adult-minutes":
        return f"{duration(short)} of adult time"
    return f"penalty {short:,.0f}"


def tier_result(tier: Mapping[str, Any]) -> str:
    """One tier's result as a sentence: what is short and whether that is proven."""
    label = tier_label(tier)
    short = float(tier.get("short") or 0)
    status = str(tier.get("status"))
    unit = str(tier.get("unit", "minutes"))
    if tier.get("tier") in ("soft_goals", "weighted"):
        done = "as good as it gets (proven)" if status == "optimal" else "improved as far as the time allowed"
        return f"{label}: {done}"
    if status == "not_reached":
        return f"{label}: not reached in the time ({amount(short, unit)} short in this rota)"
    if short == 0:
        return f"{label}: all met"
    if status == "optimal":
        return f"{label}: {amount(short, unit)} short; no rota under these rules does better (proven)"
    if status == "optimal_within_limits":
        return (
            f"{label}: {amount(short, unit)} short; the best among the adults considered for each pupil "
            "(rules.solver.adults_per_pupil), not proven for the whole staff"
        )
    return f"{label}: {amount(short, unit)} short; {MORE_TIME}"


def headline(meta: Mapping[str, Any]) -> str:
    """The rota in one phrase: all demands met / met as far as these staff allow / could improve."""
    tiers = [t for t in meta.get("tiers") or [] if t.get("tier") not in ("soft_goals", "weighted")]
    if not tiers:
        return str(meta.get("status", ""))
    if all(float(t.get("short") or 0) == 0 for t in tiers):
        return ALL_MET
    if all(t.get("status") == "optimal" for t in tiers):
        return PROVEN
    return MORE_TIME


__all__ = [
    "ALL_MET",
    "MORE_TIME",
    "PROVEN",
    "TIER_LABELS",
    "amount",
    "changes_in_words",
    "duration",
    "headline",
    "plural",
    "severity",
    "shortfall_headline",
    "tier_label",
    "tier_result",
]


# Severity by tier: statutory and safety shortfalls are red everywhere.
SEVERITY = {
    "pupil": "critical",
    "medical": "critical",
    "cover": "warning",
    "duty": "warning",
    "intervention": "warning",
}


def severity(task: str) -> str:
    """`critical` (EHC hours, medical cover), `warning` (duties, interventions) or `minor`."""
    return SEVERITY.get(task.partition(":")[0], "minor")


def shortfall_headline(shortfalls: Sequence[Mapping[str, Any]]) -> str:
    """One line for the top of every output, worst first, e.g.
    `2 pupils short of plan hours; 1 medical cover gap; 3 classes short of support`."""
    kinds: dict[str, int] = {}
    for row in shortfalls:
        kind = str(row.get("task", "")).partition(":")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    parts = [
        plural(kinds[kind], one, many)
        for kind, one, many in (
            ("pupil", "pupil short of plan hours", "pupils short of plan hours"),
            ("medical", "pupil without full medical cover", "pupils without full medical cover"),
            ("cover", "class needing supply cover", "classes needing supply cover"),
            ("duty", "duty not fully staffed", "duties not fully staffed"),
            ("intervention", "intervention short of sessions", "interventions short of sessions"),
            ("liaison", "adult short of liaison time", "adults short of liaison time"),
            ("class", "class short of support", "classes short of support"),
        )
        if kinds.get(kind)
    ]
    return "; ".join(parts) if parts else ALL_MET


def _names(ids: list[str]) -> str:
    ids = sorted(set(ids))
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def changes_in_words(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> str:
    """What a re-solve changed, as a person would say it:
    `S05's Tue went to S03 and S11; nothing else moved`."""

    def key(row: Mapping[str, Any]) -> tuple[str, str, str, str]:
        return (str(row["staff"]), str(row["day"]), str(row["slot"]), str(row["task"]))

    old, new = {key(r) for r in before}, {key(r) for r in after}
    removed, added = sorted(old - new), sorted(new - old)
    if not removed and not added:
        return "nothing moved"
    takers: dict[tuple[str, str, str], list[str]] = {}
    for staff, day, slot, task in added:
        takers.setdefault((day, slot, task), []).append(staff)
    lost: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for staff, day, slot, task in removed:
        lost.setdefault((staff, day), []).append((slot, task))
    explained: set[tuple[str, str, str, str]] = set()
    parts = []
    days = {d: i for i, d in enumerate(dict.fromkeys(str(r["day"]) for r in [*before, *after]))}
    for (staff, day), rows in sorted(lost.items(), key=lambda item: (days.get(item[0][1], 0), item[0][0])):
        went = [s for slot, task in rows for s in takers.get((day, slot, task), [])]
        explained |= {(s, day, slot, task) for slot, task in rows for s in takers.get((day, slot, task), [])}
        what = f"{staff}'s {day}" if len(rows) > 1 else f"{staff}'s {day} {rows[0][0]}"
        dropped = sum(1 for slot, task in rows if not takers.get((day, slot, task)))
        if not went:
            parts.append(f"{what} was dropped")
        else:
            parts.append(
                f"{what} went to {_names(went)}" + (f" ({plural(dropped, 'task')} dropped)" if dropped else "")
            )
    others = [row for row in added if row not in explained]
    if others:
        parts.append(f"{_names([r[0] for r in others])} took on {plural(len(others), 'more task')}")
    else:
        parts.append("nothing else moved")
    return "; ".join(parts)
