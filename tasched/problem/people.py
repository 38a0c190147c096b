"""Adults who fill several staff rows (`people`): which of their row-slots clash, and their one contract.

A person's two rows clash at two week slots of the same day when the slots overlap
in time once the travel between the rows is added: a task in one row and a task in
the other must be at least the travel minutes apart (0: they only must not overlap).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tasched.problem.compile import Problem

__all__ = ["PersonInfo", "people_of"]


@dataclass
class PersonInfo:
    id: str
    rows: list[int]  # adult indices
    cap_minutes: int | None  # hours × 60 − liaison across the rows; None: no total
    clashes: list[tuple[int, int, int, int]] = field(default_factory=list)  # (a, t, b, u): not both busy


def people_of(prob: Problem) -> list[PersonInfo]:
    """Each person's rows, total cap and clashing (row, slot) pairs."""
    found = []
    index = prob.adult_index
    # joint liaison: meetings are rows (contract time), not minutes kept aside
    liaison = 0 if prob.data.rules.liaison == "joint" else prob.data.rules.liaison_minutes
    for person in prob.data.people:
        rows = [index[s] for s in person.staff if s in index]
        travel = {frozenset(t.between): t.minutes for t in person.travel}
        cap = None if person.hours is None else max(0, round(person.hours * 60) - liaison)
        info = PersonInfo(person.id, rows, cap)
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                gap = travel.get(frozenset((prob.adults[a].id, prob.adults[b].id)), 0)
                for t in sorted(prob.adults[a].works):
                    st = prob.slots[t]
                    for u in sorted(prob.adults[b].works):
                        su = prob.slots[u]
                        if st.day == su.day and su.start < st.end + gap and st.start < su.end + gap:
                            info.clashes.append((a, t, b, u))
        found.append(info)
    return found
