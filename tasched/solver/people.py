"""Hard rule 16, same person: an adult who fills several staff rows (`people`) is in one place at a
time, with travel time between sites, and within one contract across the rows."""

from __future__ import annotations

from collections import defaultdict

from tasched.problem.people import people_of
from tasched.solver.model import Literal, RotaModel

__all__ = ["add_same_person"]


def add_same_person(rm: RotaModel) -> None:
    """Never busy in two rows at clashing slots; contract minutes summed over the rows within `hours`.

    Runs after the one-place rule, which defines each row's `busy` literal per slot.
    """
    prob = rm.problem
    for person in people_of(prob):
        for a, t, b, u in person.clashes:
            x, y = rm.busy.get((a, t)), rm.busy.get((b, u))
            if x is not None and y is not None:
                rm.cp.add(x + y <= 1)
        if person.cap_minutes is None:
            continue
        rows = set(person.rows)
        terms: dict[int, list[tuple[int, Literal]]] = defaultdict(list)
        for (a, t), literals in rm.contract_places.items():
            if a in rows:
                terms[a].extend((prob.slots[t].minutes, lit) for lit in literals)
        flat = [term for row in terms.values() for term in row]
        if sum(m for m, _ in flat) > person.cap_minutes:
            rm.cp.add(sum(m * lit for m, lit in flat) <= person.cap_minutes)
