"""Why a demand was not met: every shortfall gets a reason in the school's words.

Reasons are read from the solved rota: which adults could have served the demand
in the slots it was short, and what they were doing instead, or which rule bound
(contracted hours used up, rotation share reached, rooms full, no trained adult).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasched.solution.reasons.busy import ranked_below
from tasched.solution.reasons.pupils import ehcp_reason, medical_reason
from tasched.solution.reasons.tasks import class_reason, duty_reason, intervention_reason
from tasched.solution.reasons.teachers import cover_reason, liaison_reason
from tasched.solution.rota import Delivery

__all__ = ["give_reasons", "ranked_below"]

_EXPLAINERS: dict[str, Callable[[Delivery, str], str]] = {
    "pupil": ehcp_reason,
    "medical": medical_reason,
    "duty": duty_reason,
    "intervention": intervention_reason,
    "class": class_reason,
    "liaison": liaison_reason,
    "cover": cover_reason,
}


def give_reasons(delivery: Delivery, shortfalls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each shortfall row, with a non-empty `reason`."""
    out = []
    for row in shortfalls:
        kind, _, target = row["task"].partition(":")
        explain = _EXPLAINERS[kind]
        reason = explain(delivery, target) or "the solver found no better rota within its time limit"
        out.append({**row, "reason": reason})
    return out
