"""The compiled problem: the school's week with every when-expression resolved.

Everything is indexed densely so the CP-SAT layer only sums over prepared lists:
open week slots are ``t = 0..T-1``; adults, classes, pupils, interventions and
duties are list positions. Each demand carries the exact slots where it can be
served, and each (demand, slot) carries the adults who may serve it (they work
then and hold the skills). Nothing here knows about CP-SAT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from tasched.input.model import SchoolData
from tasched.input.when import WeekShape
from tasched.problem.adults import Adult, LiaisonPartner, TeacherInfo
from tasched.problem.pupils import PupilInfo
from tasched.problem.tasks import ClassSupport, CoverNeed, DutyInfo, InterventionInfo, MedicalCover, PinInfo
from tasched.problem.week import WeekSlot

__all__ = ["Problem"]


@dataclass
class Problem:
    data: SchoolData
    shape: WeekShape
    slots: list[WeekSlot]
    day_order: list[list[int | None]]  # per day, calendar order: week slot or None if closed
    adults: list[Adult]
    supports: list[ClassSupport]
    pupils: list[PupilInfo]
    interventions: list[InterventionInfo]
    duties: list[DutyInfo]
    room_capacity: dict[str, int]  # room kind -> sessions at once
    pins: list[PinInfo]
    subject_at: dict[tuple[str, int], str]  # (class, slot) -> subject
    class_slots: dict[str, set[int]]  # when each class meets
    medical_covers: list[MedicalCover] = field(default_factory=list)
    # Pupils whose candidate adults were cut to `adults_per_pupil`: a proof on this
    # model is then a proof within that limit, not about the school.
    trimmed: list[str] = field(default_factory=list)
    # A term plan's rotate_withdrawals (tasched term): the most withdrawals per pupil and subject
    # (or slot) by the end of this week, and those already made in the term's earlier weeks.
    withdrawal_cap: int | None = None
    withdrawals_done: dict[tuple[str, str], int] = field(default_factory=dict)
    # classes.max_adults: class -> most distinct adults giving it support (support rows) a week
    class_max_adults: dict[str, int] = field(default_factory=dict)
    teachers: list[TeacherInfo] = field(default_factory=list)
    # joint liaison: each adult's possible partners (teachers whose lessons they could support)
    liaison_partners: list[LiaisonPartner] = field(default_factory=list)
    cover_needs: list[CoverNeed] = field(default_factory=list)  # lessons of absent teachers

    @cached_property
    def teacher_index(self) -> dict[str, int]:
        return {t.id: t.index for t in self.teachers}

    @cached_property
    def teacher_of(self) -> dict[tuple[str, int], int]:
        """(class, slot) -> the teacher (of `teachers`) teaching the class then."""
        return {(c, t): k.index for k in self.teachers for t, classes in k.teaching.items() for c in classes}

    # Built once: rules, reasons and re-solves look ids up row by row.
    @cached_property
    def adult_index(self) -> dict[str, int]:
        return {a.id: a.index for a in self.adults}

    def withdrawal_key(self, p: int, t: int) -> str:
        """What rotate_withdrawals counts at a pupil's lesson: its subject, else the slot (`Mon P2`)."""
        place = self.pupils[p].place[t]
        return self.subject_at.get((place, t)) or self.slots[t].label

    def withdrawals_left(self, p: int, t: int) -> int | None:
        """How many more times this week the pupil may be withdrawn from t's subject (None: no cap)."""
        if self.withdrawal_cap is None or t not in self.pupils[p].place:
            return None
        done = self.withdrawals_done.get((self.pupils[p].id, self.withdrawal_key(p, t)), 0)
        return max(0, self.withdrawal_cap - done)

    @cached_property
    def pupil_index(self) -> dict[str, int]:
        return {p.id: p.index for p in self.pupils}

    @cached_property
    def slot_index(self) -> dict[tuple[str, str], int]:
        """(day id, slot id) -> week slot."""
        return {(s.day_id, s.slot_id): s.index for s in self.slots}
