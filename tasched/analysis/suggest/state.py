"""The week as suggest sees it: the rota's rows indexed by adult and slot, kept up to
date as candidate changes are tried and undone, with the compiled facts the checks read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from tasched.analysis.suggest.results import Cover, Row
from tasched.problem.compile import Problem as Compiled


class WeekState:
    """The rota's rows indexed by adult and slot, with the facts each check needs.

    Indexes are kept up to date on every change, so judging one candidate costs
    only the slots and pupils it touches.
    """

    def __init__(self, prob: Compiled, rows: Iterable[Row]) -> None:
        self.prob = prob
        self.slot_of = {(s.day_id, s.slot_id): s.index for s in prob.slots}
        self.extra_duties = {d.id for d in prob.duties if d.paid_extra}
        self.ivs = {iv.id: iv for iv in prob.interventions}
        self.duties = {d.id: d for d in prob.duties}
        self.pupils = {p.id: p for p in prob.pupils}
        self.medical_at: dict[int, list[str]] = defaultdict(list)
        for pupil in prob.pupils:
            if pupil.medical is not None:
                for t in pupil.medical.slots:
                    self.medical_at[t].append(pupil.id)
        self.at: dict[tuple[str, int], list[Row]] = {}
        self.slots_of: dict[str, set[int]] = defaultdict(set)
        self.by_slot: dict[int, set[str]] = defaultdict(set)
        self.contact: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        grouped: dict[tuple[str, int], list[Row]] = defaultdict(list)
        for row in rows:
            where = self.slot_of.get((str(row.get("day")), str(row.get("slot"))))
            if where is not None:
                grouped[str(row["staff"]), where].append(row)
        for (adult, slot), found in grouped.items():
            self.put(adult, slot, found)

    def _contact_pupils(self, rows: list[Row]) -> list[str]:
        out = []
        for r in rows:
            kind, _, target = str(r["task"]).partition(":")
            if kind == "pupil":
                out.append(target)
            elif kind == "intervention" and target in self.ivs and self.ivs[target].counts_for_ehcp:
                out.extend(str(p) for p in r.get("pupils") or [])
        return out

    def rows(self, adult: str, t: int) -> list[Row]:
        return self.at.get((adult, t), [])

    def remove(self, adult: str, t: int) -> list[Row]:
        rows = self.at.pop((adult, t), [])
        if rows:
            self.slots_of[adult].discard(t)
            self.by_slot[t].discard(adult)
            for pupil in self._contact_pupils(rows):
                self.contact[pupil][adult] -= 1
                if self.contact[pupil][adult] <= 0:
                    del self.contact[pupil][adult]
        return rows

    def put(self, adult: str, t: int, rows: list[Row]) -> None:
        self.remove(adult, t)
        if not rows:
            return
        placed = [{**r, "staff": adult} for r in rows]
        self.at[adult, t] = placed
        self.slots_of[adult].add(t)
        self.by_slot[t].add(adult)
        for pupil in self._contact_pupils(placed):
            self.contact[pupil][adult] += 1

    def duty_count(self, adult: str) -> int:
        return sum(
            1 for t in self.slots_of.get(adult, ()) for r in self.rows(adult, t) if str(r["task"]).startswith("duty:")
        )

    def contact_slots(self, adult: str, pupil: str) -> dict[int, int]:
        """Slots of EHC contact between an adult and a pupil -> minutes (docs/rules.md 8)."""
        out: dict[int, int] = {}
        for t in self.slots_of.get(adult, ()):
            for r in self.rows(adult, t):
                kind, _, target = str(r["task"]).partition(":")
                if kind == "pupil" and target == pupil:
                    out[t] = self.prob.slots[t].minutes
                elif kind == "intervention" and target in self.ivs:
                    iv = self.ivs[target]
                    if iv.counts_for_ehcp and pupil in (r.get("pupils") or []):
                        out[t] = iv.minutes
        return out

    def adults_with(self, pupil: str) -> set[str]:
        return set(self.contact.get(pupil, {}))

    def rows_at(self, t: int) -> list[Row]:
        return [r for adult in self.by_slot.get(t, ()) for r in self.at.get((adult, t), [])]

    def rows_doing(self, t: int, task: str) -> list[Row]:
        """The rows at t on one task, e.g. everyone on duty:gate then."""
        return [r for r in self.rows_at(t) if str(r["task"]) == task]

    def skills_of(self, staff: str) -> frozenset[str]:
        prob = self.prob
        return prob.adults[prob.adult_index[staff]].skills


def medical_cover_candidates(prob: Compiled, class_id: str, t: int) -> list[int] | None:
    """The adults who may give medical cover in a class at t, where no support applies."""
    for cover in getattr(prob, "medical_covers", []):
        if cover.class_id == class_id and cover.slot == t:
            return list(cover.candidates)
    return None


def group_task(rows: list[Row]) -> str:
    """The task a slot's rows make: `pupil:P014+P015` for a pooled group, else the row's task."""
    pupils = [str(r["task"])[6:] for r in rows if str(r["task"]).startswith("pupil:")]
    if len(pupils) > 1:
        return "pupil:" + "+".join(pupils)
    return str(rows[0]["task"])


def cover_of(t: int, label: str, rows: list[Row], was: str) -> Cover:
    """A cover for the rows an adult has at t (copied, so the week's rows stay untouched)."""
    return Cover(t, label, group_task(rows), [dict(r) for r in rows], was)
