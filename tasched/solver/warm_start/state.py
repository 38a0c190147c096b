"""The greedy's working state: what each adult does in each slot, and the checks every demand shares.

`State` keeps the partial rota (`TaskChoice`) with the running totals the hard rules
need (contract minutes, duties, withdrawals, EHC contact), so each placement is
judged against the rules in constant or day-length time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tasched.problem.compile import Problem
from tasched.problem.people import people_of
from tasched.problem.predicates import break_kept, fits_contract, run_through


@dataclass
class Place:
    """What an adult does in one slot."""

    kind: str  # class | in_class | withdrawn | intervention | duty | free
    target: object = None  # support row, class id, intervention, duty
    pupils: list[int] = field(default_factory=list)


@dataclass
class TaskChoice:
    """A rota as the decision keys chosen (the greedy's, or read from a CP-SAT solution)."""

    class_support: set[tuple[int, int, int]] = field(default_factory=set)
    ehcp: set[tuple[int, int, int, str]] = field(default_factory=set)
    deliver: set[tuple[int, int, int]] = field(default_factory=set)
    duty: set[tuple[int, int, int]] = field(default_factory=set)
    medical_cover: set[tuple[int, str, int]] = field(default_factory=set)
    liaison: set[tuple[int, int, int]] = field(default_factory=set)  # (adult, teacher, slot)
    cover: set[tuple[int, str, int]] = field(default_factory=set)  # (adult, class, slot): lesson cover


class State:
    """The greedy's partial rota, with the running totals its checks read."""

    def __init__(self, prob: Problem) -> None:
        self.prob = prob
        self.rota = TaskChoice()
        # Adults who fill several rows (`people`): row-slots that clash, and each row's person.
        self.clash: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        self.person_of: dict[int, tuple[list[int], int | None]] = {}
        for person in people_of(prob):
            for a, t, b, u in person.clashes:
                self.clash[a, t].append((b, u))
                self.clash[b, u].append((a, t))
            for a in person.rows:
                self.person_of[a] = (person.rows, person.cap_minutes)
        self.place: dict[tuple[int, int], Place] = {}  # (adult, slot)
        self.contract: dict[int, int] = defaultdict(int)  # adult -> minutes
        self.duties: dict[int, int] = defaultdict(int)
        self.pupil_busy: dict[int, set[int]] = defaultdict(set)
        self.withdrawn: dict[int, int] = defaultdict(int)  # pupil -> minutes out of class
        self.withdrawals: dict[tuple[int, str], int] = defaultdict(int)  # (pupil, subject or slot) -> count
        self.delivered: dict[int, int] = defaultdict(int)  # pupil -> EHC minutes
        self.contact: dict[tuple[int, int], int] = defaultdict(int)  # (adult, pupil) -> minutes
        self.together: dict[tuple[int, int], set[int]] = defaultdict(set)  # (adult, pupil) -> slots
        self.givers: dict[int, set[int]] = defaultdict(set)  # pupil -> adults giving EHC contact
        self.class_team: dict[str, set[int]] = defaultdict(set)  # class -> adults giving class support
        self.rooms: dict[tuple[str, int], int] = defaultdict(int)
        self.kept_support: dict[int, list[tuple[int, int, str, bool]]] = defaultdict(list)
        # Medical needs in lessons: (class, slot) -> [(pupil, skills)] not yet covered.
        self.medical: dict[tuple[str, int], list[tuple[int, frozenset[str]]]] = defaultdict(list)
        for pupil in prob.pupils:
            if pupil.medical is not None:
                for t in pupil.medical.slots:
                    if t in pupil.place:
                        self.medical[pupil.place[t], t].append((pupil.index, pupil.medical.skills))

    def medic(self, a: int, class_id: str, t: int) -> bool:
        """Adult a would cover a medical need still open in this class at t."""
        skills = self.prob.adults[a].skills
        return any(need <= skills for _, need in self.medical.get((class_id, t), ()))

    def in_class(self, a: int, class_id: str, t: int) -> None:
        """Adult a is now in the class at t: medical needs they can meet are covered."""
        skills = self.prob.adults[a].skills
        needs = self.medical.get((class_id, t))
        if needs:
            self.medical[class_id, t] = [(p, need) for p, need in needs if not need <= skills]

    # --- checks shared by every demand -------------------------------------------
    def free(self, a: int, t: int) -> bool:
        if t not in self.prob.adults[a].works or (a, t) in self.place:
            return False
        return not any(other in self.place for other in self.clash.get((a, t), ()))

    def contract_ok(self, a: int, t: int) -> bool:
        minutes = self.prob.slots[t].minutes
        if not fits_contract(self.prob, a, self.contract[a] + minutes):
            return False
        rows, cap = self.person_of.get(a, ([], None))
        return cap is None or sum(self.contract[b] for b in rows) + minutes <= cap

    def break_ok(self, a: int, t: int) -> bool:
        """Adding slot t keeps the adult's day within the break rule."""
        day = self.prob.slots[t].day
        busy = {u for u in self.prob.day_order[day] if u is not None and ((a, u) in self.place or u == t)}
        return break_kept(self.prob, day, busy)

    def can_take(self, a: int, t: int, contract: bool = True) -> bool:
        return self.free(a, t) and (not contract or self.contract_ok(a, t)) and self.break_ok(a, t)

    def occupy(self, a: int, t: int, place: Place, contract: bool = True) -> None:
        self.place[a, t] = place
        if contract:
            self.contract[a] += self.prob.slots[t].minutes

    def release(self, a: int, t: int, contract: bool = True) -> None:
        del self.place[a, t]
        if contract:
            self.contract[a] -= self.prob.slots[t].minutes

    def team_ok(self, a: int, p: int) -> bool:
        """Adult a may give pupil p EHC contact within `max_staff`."""
        most = self.prob.pupils[p].ehcp.max_staff  # type: ignore[union-attr]
        return most is None or a in self.givers[p] or len(self.givers[p]) < most

    def class_team_ok(self, a: int, class_id: str) -> bool:
        """Adult a may support the class within `max_adults`."""
        most = self.prob.class_max_adults.get(class_id)
        return most is None or a in self.class_team[class_id] or len(self.class_team[class_id]) < most

    def give(self, a: int, p: int, minutes: int) -> None:
        self.contact[a, p] += minutes
        self.givers[p].add(a)

    def run_ok(self, a: int, p: int, t: int, most: int) -> bool:
        """The same adult and pupil stay within `most` adjacent slots of a day."""
        return run_through(self.prob, t, self.together[a, p]) <= most


def spread(slots: list[int], prob: Problem) -> list[int]:
    """Slots reordered round-robin over the days, so support spreads across the week."""
    by_day: dict[int, list[int]] = defaultdict(list)
    for t in slots:
        by_day[prob.slots[t].day].append(t)
    days = sorted(by_day)
    out: list[int] = []
    i = 0
    while len(out) < len(slots):
        for d in days:
            if i < len(by_day[d]):
                out.append(by_day[d][i])
        i += 1
    return out
