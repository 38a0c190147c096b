"""What the adults who could have served a demand were doing instead, in the school's words.

Shared by every demand's reason: the adults' tasks in the slots short, or the rule
(contracted hours, the rest break, a rule of the demand itself) that kept them off.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from tasched.input.model import Demand
from tasched.problem.compile import Problem
from tasched.problem.predicates import break_kept, contract_minutes, fits_contract
from tasched.solution.rota import Delivery
from tasched.solution.words import TIER_LABELS, plural


def what_adults_did(
    delivery: Delivery,
    adults: set[int],
    slots: list[int],
    rule_check: Callable[[int, int], str | None] | None = None,
) -> str:
    """What the given adults were doing in the given slots, or which rule kept them off.

    `rule_check(adult, slot)` names a rule of the demand itself that binds (e.g. the
    pupil's rotation share) for an adult who was otherwise free.
    """
    prob = delivery.problem
    doing: Counter[str] = Counter()
    names: dict[str, set[str]] = defaultdict(set)
    for a in sorted(adults):
        adult = prob.adults[a]
        mine = delivery.by_adult.get(adult.id, {})
        used = contract_minutes(prob, {t: [r["task"] for r in rows] for t, rows in mine.items()})
        for t in slots:
            if t not in adult.works:
                continue
            rows = mine.get(t, [])
            if rows:
                cause = task_kind(rows[0]["task"])
            elif not fits_contract(prob, a, used + prob.slots[t].minutes):
                cause = "contracted hours used up"
            elif (rule := rule_check(a, t) if rule_check else None) is not None:
                cause = rule
            elif not break_kept(prob, prob.slots[t].day, {*mine, t}):
                cause = "their rest break (break_after_minutes)"
            else:
                cause = "free, but not used before the time limit"
            doing[cause] += 1
            names[cause].add(adult.id)
    parts = []
    for cause, count in doing.most_common():
        who = sorted(names[cause])
        shown = ", ".join(who[:4]) + (f" and {len(who) - 4} more" if len(who) > 4 else "")
        parts.append(f"{cause} ({shown}; {plural(count, 'slot')})")
    return "; ".join(parts) or "nobody works then"


def task_kind(task: str) -> str:
    """A task as the reasons name it: `on duty`, `class support`..."""
    kind = task.partition(":")[0]
    return {
        "pupil": "supporting another EHC pupil",
        "class": "class support",
        "intervention": "delivering interventions",
        "duty": "on duty",
        "liaison": "meeting a teacher (liaison)",
        "cover": "covering a lesson",
    }[kind]


def rows_at(delivery: Delivery, t: int) -> list[dict[str, Any]]:
    """Every row of the rota at slot t."""
    return [r for slots in delivery.by_adult.values() for r in slots.get(t, [])]


def slot_list(prob: Problem, slots: list[int], most: int = 6) -> str:
    """`Mon P1, Mon P2 and 3 more`: the slots' labels in week order."""
    labels = [prob.slots[t].label for t in sorted(slots)]
    if len(labels) > most:
        return ", ".join(labels[:most]) + f" and {len(labels) - most} more"
    return ", ".join(labels)


def ranked_below(prob: Problem, demand: Demand) -> str:
    """`lower priority than EHC hours and duties; ` from the school's own rules.priorities."""
    order = [d for d in prob.data.rules.priorities if d == demand or _present(prob, d)]
    above = (
        [TIER_LABELS.get(d.value, d.value.replace("_", " ")) for d in order[: order.index(demand)]]
        if demand in order
        else []
    )
    if not above:
        return ""
    listed = above[0] if len(above) == 1 else ", ".join(above[:-1]) + " and " + above[-1]
    return f"lower priority than {listed}; "


def _present(prob: Problem, demand: Demand) -> bool:
    """The demands added with teachers (issue 15) are named only where the school has them."""
    if demand == Demand.liaison:
        return any(a.meet_minutes > 0 for a in prob.adults)
    if demand == Demand.cover:
        return bool(prob.cover_needs)
    return True
