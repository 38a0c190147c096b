"""A tier's first, quick search: the demands above it held exactly as they are in the rota in hand.

The full model of a large school is slow to improve in a tier's share of the time: CP-SAT
spends it re-arranging EHC hours and duties that are already settled. Fixing every
decision of the demands ranked above this tier (their literals take the value they have
in the best rota so far) leaves a small problem (this tier's tasks and those below it)
that CP-SAT solves in seconds. Its best rota is a rota of the whole model (every rule
still holds), so the tier's full search then starts from it. Nothing is proven by it:
the rest of the rota could be re-arranged too, which the full search still tries.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tasched.input.model import Demand
from tasched.solver.model import Literal, RotaModel

# The neighbourhood's share of a tier's time: enough for the small problem to close.
SHARE = 0.3


def decisions_of(rm: RotaModel, demand: Demand) -> list[Literal]:
    """The decision literals that deliver a demand (who does what, where and when)."""
    match demand:
        case Demand.ehcp_hours:
            return list(rm.ehcp.values())
        case Demand.medical_cover:
            return list(rm.medical_cover.values())
        case Demand.cover:
            return list(rm.cover.values())
        case Demand.duties:
            return list(rm.duty.values())
        case Demand.interventions:
            return [*rm.session.values(), *rm.deliver.values(), *rm.lead.values()]
        case Demand.liaison:
            return [*rm.liaison.values(), *rm.liaison_met.values()]
        case Demand.class_support:
            return list(rm.class_support.values())
    return []


def demands_above(rm: RotaModel, demand: Demand) -> list[Demand]:
    """The demands `rules.priorities` ranks above this one."""
    order = list(rm.problem.data.rules.priorities)
    return order[: order.index(demand)] if demand in order else []


@contextmanager
def holding_above(rm: RotaModel, demand: Demand, solution: list[int]) -> Iterator[bool]:
    """Within the block, the decisions of the demands above `demand` are fixed as in `solution`
    (True), or nothing is fixed when no demand is above it (False). The model itself is
    changed and restored, not copied: a copy of a large school's model costs hundreds of MB."""
    literals = [var for above in demands_above(rm, demand) for var in decisions_of(rm, above)]
    variables = rm.cp.proto.variables
    saved = [(var.index, list(variables[var.index].domain)) for var in literals]
    try:
        for var in literals:
            value = solution[var.index]
            variables[var.index].domain.clear()
            variables[var.index].domain.extend([value, value])
        yield bool(literals)
    finally:
        for index, domain in saved:
            variables[index].domain.clear()
            variables[index].domain.extend(domain)
