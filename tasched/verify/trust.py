"""The trust-wide check: each shared adult across their schools' rotas, re-derived from the files alone.

Each school's rota is judged by :func:`tasched.verify.verify` against its own file; this
adds what no one school can see (docs/rules.md, rule 16 across a trust): a shared adult
works at each school only in their window there (`shared_staff[].schools`), is never at
two schools at clashing times (the same slot, or less than the travel minutes apart on a
day), and their contract minutes at all schools together are within the trust's `hours`
(less `liaison_minutes` kept aside; with joint liaison the meetings are rows and count).
Only the input model and the when-expression parser are used.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tasched.input.model import Paid, SchoolData, minutes_of
from tasched.input.trust import TrustData
from tasched.input.week import shape_of
from tasched.input.when import parse_when
from tasched.verify import EPSILON, Violation

__all__ = ["verify_trust", "week_of"]

Place = tuple[str, str, int, int, str]  # school, day, start, end, slot id


def week_of(
    trust: TrustData, schools: Mapping[str, SchoolData], rotas: Mapping[str, dict[str, Any]], adult: str
) -> dict[str, list[dict[str, Any]]]:
    """A shared adult's rows school by school (the trust summary shows them)."""
    return {
        sid: [r for r in (rotas[sid].get("assignments") or []) if r.get("staff") == adult]
        for sid in schools
        if sid in rotas
    }


def verify_trust(
    trust: TrustData, schools: Mapping[str, SchoolData], rotas: Mapping[str, dict[str, Any]]
) -> list[Violation]:
    """Violations of the shared adults' rules across the schools given (empty when none)."""
    return list(_check(trust, schools, rotas))


def _check(
    trust: TrustData, schools: Mapping[str, SchoolData], rotas: Mapping[str, dict[str, Any]]
) -> Iterator[Violation]:
    for adult in trust.shared_staff:
        places: list[Place] = []
        contract = 0
        liaison = 0
        for sid, when in adult.schools.items():
            data, rota = schools.get(sid), rotas.get(sid)
            if data is None or rota is None:
                continue
            if data.rules.liaison != "joint":  # joint: the meetings are rows, counted below
                liaison = max(liaison, data.rules.liaison_minutes)
            shape = shape_of(data)
            window = parse_when(when, shape)
            slots = {s.id: s for s in data.calendar.slots}
            extra = {d.id for d in data.duties if d.paid == Paid.extra}
            counted: set[tuple[str, str]] = set()
            for row in rota.get("assignments") or []:
                if row.get("staff") != adult.id:
                    continue
                day, slot = str(row.get("day")), str(row.get("slot"))
                if day not in shape.days or slot not in slots:
                    continue  # the school's own verifier reports the row
                t = (shape.days.index(day), shape.slots.index(slot))
                if t not in window:
                    yield Violation(
                        "trust_window", f"{adult.id} works at {sid} on {day} {slot}, outside their `{when}` there"
                    )
                spec = slots[slot]
                places.append((sid, day, minutes_of(spec.start), minutes_of(spec.end), slot))
                task = str(row.get("task"))
                if not (task.startswith("duty:") and task.partition(":")[2] in extra) and (day, slot) not in counted:
                    counted.add((day, slot))
                    contract += spec.minutes
        seen: set[tuple[Place, Place]] = set()
        unique = sorted(set(places))
        for i, a in enumerate(unique):
            for b in unique[i + 1 :]:
                if a[0] == b[0] or a[1] != b[1] or (a, b) in seen:
                    continue
                gap = trust.travel(a[0], b[0])
                if b[2] < a[3] + gap and a[2] < b[3] + gap:
                    seen.add((a, b))
                    overlap = b[2] < a[3] and a[2] < b[3]
                    yield Violation(
                        "trust_same_person",
                        f"{adult.id} is at {a[0]} on {a[1]} {a[4]} and at {b[0]} on {b[1]} {b[4]}: "
                        + ("at the same time" if overlap else f"less than the {gap} minutes' travel apart"),
                    )
        limit = adult.hours * 60 - liaison
        if contract > limit + EPSILON:
            yield Violation(
                "trust_contract",
                f"{adult.id} is given {contract} contract minutes across {', '.join(adult.schools)}; their trust "
                f"contract allows {limit:g} ({adult.hours:g} h − {liaison} liaison minutes)",
            )
