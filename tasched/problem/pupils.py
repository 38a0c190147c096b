"""The pupils of the compiled week: where each is at each slot, their EHC plan and medical need.

An EHC plan carries the slots where support may be given and its rotation limits
with the school's defaults filled in. For a large school, each plan's candidate
adults are limited here (`rules.solver.adults_per_pupil`), since the model grows
as adults × pupils × slots.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from tasched.input.model import EhcpMode, Pupil, Rules, SchoolData
from tasched.problem.adults import Adult
from tasched.problem.week import Week

__all__ = [
    "AUTO_ADULTS_PER_PUPIL",
    "AUTO_LIMIT_STAFF",
    "EhcPlan",
    "MedicalNeed",
    "PupilInfo",
    "compile_pupils",
    "limit_plan_candidates",
]

AUTO_LIMIT_STAFF = 30  # schools with more adults get a per-pupil candidate limit by default
AUTO_ADULTS_PER_PUPIL = 12

MODES: dict[EhcpMode, tuple[str, ...]] = {
    EhcpMode.in_class: ("in_class",),
    EhcpMode.withdrawn: ("withdrawn",),
    EhcpMode.any: ("in_class", "withdrawn"),
}


@dataclass
class EhcPlan:
    required_minutes: int
    modes: tuple[str, ...]  # of "in_class", "withdrawn"
    group_max: int
    adults: int
    skills: frozenset[str]
    slots: list[int]  # where support may be given
    max_share_minutes: int
    min_staff: int
    max_consecutive: int
    over_support_cap: int  # required + the longest supportable slot
    candidates: dict[int, list[int]] = field(default_factory=dict)  # slot -> adults
    max_staff: int | None = None  # most distinct adults giving EHC contact in a week


@dataclass
class MedicalNeed:
    skills: frozenset[str]
    slots: list[int]


@dataclass
class PupilInfo:
    index: int
    id: str
    place: dict[int, str]  # slot -> class the pupil is in
    lesson_minutes: int
    max_withdrawal_minutes: int
    ehcp: EhcPlan | None
    medical: MedicalNeed | None
    interventions: list[int] = field(default_factory=list)


def compile_pupils(data: SchoolData, week: Week) -> list[PupilInfo]:
    """Each pupil's lessons, withdrawal allowance, EHC plan and medical need (plans without candidates yet)."""
    rules = data.rules
    out = []
    for i, p in enumerate(data.pupils):
        place: dict[int, str] = {}
        for c in p.classes:
            for t in week.meetings.get(c, set()):
                place.setdefault(t, c)
        lesson_minutes = sum(week.slots[t].minutes for t in place)
        max_w = p.max_withdrawal if p.max_withdrawal is not None else rules.max_withdrawal
        plan = None if p.ehcp is None else _ehcp_plan(p, place, week, rules)
        medical = None
        if p.medical is not None:
            medical = MedicalNeed(frozenset(p.medical.skills), sorted(week.resolve(p.medical.when)))
        out.append(PupilInfo(i, p.id, place, lesson_minutes, math.floor(max_w * lesson_minutes + 1e-9), plan, medical))
    return out


def _ehcp_plan(p: Pupil, place: dict[int, str], week: Week, rules: Rules) -> EhcPlan:
    """The plan's slots (its `when`, `subjects` and modes) and rotation limits (the pupil's, else the school's)."""
    e = p.ehcp
    assert e is not None
    rot = p.rotation
    allowed = set(place) if e.when is None else week.resolve(e.when)
    if e.subjects is not None:
        wanted = set(e.subjects)
        allowed = {t for t in allowed if t in place and week.subject_at.get((place[t], t)) in wanted}
    modes = MODES[e.mode]
    # in_class support needs the pupil in a lesson; withdrawn may use any allowed slot.
    allowed = {t for t in allowed if "withdrawn" in modes or t in place}
    required = round(e.hours * 60)
    share = rot.max_share if rot and rot.max_share is not None else rules.rotation.max_share
    return EhcPlan(
        required_minutes=required,
        modes=modes,
        group_max=e.group_max,
        adults=e.adults,
        skills=frozenset(e.skills),
        slots=sorted(allowed),
        max_share_minutes=math.floor(share * required + 1e-9),
        min_staff=rot.min_staff if rot and rot.min_staff else rules.rotation.min_staff,
        max_consecutive=(rot.max_consecutive if rot and rot.max_consecutive else rules.rotation.max_consecutive),
        over_support_cap=required + max((week.slots[t].minutes for t in allowed), default=0),
        max_staff=rot.max_staff if rot and rot.max_staff else rules.rotation.max_staff,
    )


def limit_plan_candidates(
    data: SchoolData, pupils: list[PupilInfo], adults: list[Adult], keep: list[dict[str, object]]
) -> list[str]:
    """Keep at most `adults_per_pupil` candidate adults per pupil (model size grows as
    adults × pupils × slots). Chosen, scarcest pupil first: adults who prefer the
    pupil or their class, then the least-chosen so far, then those free most often.
    Returns the ids of the pupils who lost candidates."""
    limit = data.rules.solver.adults_per_pupil
    trimmed: list[str] = []
    if limit is None:
        if len(adults) <= AUTO_LIMIT_STAFF:
            return trimmed
        limit = AUTO_ADULTS_PER_PUPIL
    must = _kept_supporters(data, adults, keep)
    chosen_count: dict[int, int] = defaultdict(int)
    planned = [p for p in pupils if p.ehcp is not None]
    planned.sort(key=lambda p: len({a for c in p.ehcp.candidates.values() for a in c}))  # type: ignore[union-attr]
    for pupil in planned:
        plan = pupil.ehcp
        assert plan is not None
        eligible = {a for c in plan.candidates.values() for a in c}
        size = max(limit, 3 * plan.min_staff, 2 * plan.adults)
        if len(eligible) <= size:
            chosen = eligible
        else:
            chosen = _choose(pupil, plan, adults, eligible, must[pupil.id], size, chosen_count)
        for a in chosen:
            chosen_count[a] += 1
        if chosen != eligible:
            trimmed.append(pupil.id)
        plan.candidates = {t: [a for a in c if a in chosen] for t, c in plan.candidates.items()}
    return trimmed


def _kept_supporters(data: SchoolData, adults: list[Adult], keep: list[dict[str, object]]) -> dict[str, set[int]]:
    """Pupil id -> adults who stay candidates: pinned to the pupil, or supporting them last week (`keep`)."""
    must: dict[str, set[int]] = defaultdict(set)
    index = {a.id: a.index for a in adults}
    for pin in data.pins:
        kind, _, target = pin.task.partition(":")
        if kind == "pupil" and pin.staff in index:
            must[target].add(index[pin.staff])
    for row in keep:
        task = str(row.get("task", ""))
        if task.startswith("pupil:") and str(row.get("staff")) in index:
            must[task[6:]].add(index[str(row.get("staff"))])
    return must


def _choose(
    pupil: PupilInfo,
    plan: EhcPlan,
    adults: list[Adult],
    eligible: set[int],
    must: set[int],
    size: int,
    chosen_count: dict[int, int],
) -> set[int]:
    """`size` of the eligible adults, those who must stay first, then by rank."""
    liked = {f"pupil:{pupil.id}", *(f"class:{c}" for c in set(pupil.place.values()))}
    overlap = {a: sum(a in c for c in plan.candidates.values()) for a in eligible}

    def rank(a: int) -> tuple[int, int, int]:
        return (0 if adults[a].prefer & liked else 1, chosen_count[a], -overlap[a])

    chosen = set(sorted(eligible - must, key=rank)[: max(0, size - len(must))])
    return chosen | (must & eligible)
