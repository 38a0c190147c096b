"""Who can cover? Ranked candidates for an absent adult's tasks, or for one task at a slot.

The 8 a.m. phone call: TA05 is off on Tuesday. For every slot in which TA05 had a
task, each other adult is judged against the hard rules of docs/rules.md as they
would stand after the swap (they work then and hold the skills; contracted hours,
breaks, max_duties, rotation max_share / max_consecutive / min_staff, 2:1 and
pooling, duty any_skills), and against what they are doing now: a free adult
simply takes the task; a busy one may drop a task of lower priority (the order of
the demands' weights: EHC hours, duties, interventions, class support). Medical
cover that the swap would leave missing is reported first.

Candidates are ranked: no medical cover lost, then free before joining a pooled
group before dropping something (the lowest-priority drop first), then no
overtime, then the most contracted time left (least rule pressure), fewest changes,
and adults who already work with the pupil or class this week. Pure Python over
the rota's rows and the compiled problem: no solver, well under a second.

    result = suggest(school, rota_dict, absent=["TA05:Tue"])
    for cover in result.covers:
        print(cover.label, [c.staff for c in cover.candidates])
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tasched.errors import InputError, Problem
from tasched.input.model import Priority, SchoolData
from tasched.input.when import WhenError, nearest, parse_when
from tasched.io.formats import load_school, read_rota
from tasched.problem.compile import Problem as Compiled
from tasched.problem.compile import compile_problem

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "Candidate",
    "Cover",
    "Suggestions",
    "parse_absence",
    "render",
    "suggest",
    "suggest_file",
]

Row = dict[str, Any]

# The demand weights of docs/rules.md (per minute short): what a task is worth keeping.
PRIORITY_VALUE = {
    "pupil": {Priority.high: 1000, Priority.normal: 1000, Priority.low: 1000},
    "duty": {Priority.high: 300, Priority.normal: 200, Priority.low: 150},
    "intervention": {Priority.high: 150, Priority.normal: 100, Priority.low: 75},
    "class": {Priority.high: 40, Priority.normal: 20, Priority.low: 10},
}
MEDICAL_VALUE = 500  # a class row where no support applies is medical cover
JOIN_VALUE = 0.5  # joining a pooled group: no drop, but the group grows
SWAP_VALUE = 0.75  # handing one's own task to a free adult: nothing lost, two changes


@dataclass
class Candidate:
    staff: str
    action: str  # "free" | "joins" | "swap" | "drops"
    drops: str | None = None  # the task given up, e.g. "class:Y1"
    drop_value: float = 0.0
    changes: int = 1  # rota rows changed
    used_minutes: int = 0  # contract minutes after the swap
    room_minutes: int = 0  # contracted time left (contract − liaison − used); < 0 is overtime
    overtime_minutes: int = 0
    medical_lost: list[str] = field(default_factory=list)  # pupils left without medical cover
    warnings: list[str] = field(default_factory=list)
    familiar: bool = False
    swap_with: str | None = None  # a swap: who takes this adult's own task
    swap_rows: list[Row] = field(default_factory=list)  # the rows the swap partner takes

    def key(self) -> tuple[Any, ...]:
        return (
            len(self.medical_lost),
            self.drop_value,
            self.overtime_minutes > 0,
            -self.room_minutes,
            self.changes,
            not self.familiar,
            self.staff,
        )

    def why(self) -> str:
        if self.action == "free":
            head = "free"
        elif self.action == "joins":
            head = f"joins the group ({self.drops})"
        elif self.action == "swap":
            head = f"hands {self.drops} to {self.swap_with}"
        else:
            head = f"drops {self.drops}"
        parts = [head]
        if self.overtime_minutes:
            parts.append(f"{self.overtime_minutes} min overtime")
        else:
            parts.append(f"{_hm(self.room_minutes)} of contract left")
        if self.familiar:
            parts.append("already works with them this week")
        parts += [f"medical cover lost: {p}" for p in self.medical_lost]
        parts += self.warnings
        return "; ".join(parts)

    def to_dict(self, rank: int) -> dict[str, Any]:
        return {
            "rank": rank,
            "staff": self.staff,
            "action": self.action,
            "drops": self.drops if self.action == "drops" else None,
            "hands_over": ({"task": self.drops, "to": self.swap_with} if self.action == "swap" else None),
            "changes": self.changes,
            "contract_minutes_after": self.used_minutes,
            "contract_minutes_left": self.room_minutes,
            "overtime_minutes": self.overtime_minutes,
            "medical_lost": self.medical_lost,
            "warnings": self.warnings,
            "familiar": self.familiar,
            "why": self.why(),
        }


@dataclass
class Cover:
    """One task at one slot that needs an adult: who had it, and who could take it."""

    slot: int
    label: str  # "Tue P3"
    task: str  # "pupil:P014" (a pooled group: "pupil:P014+P015")
    rows: list[Row]  # the rows a cover adult would take (staff field to be replaced)
    was: str | None
    candidates: list[Candidate] = field(default_factory=list)
    ruled_out: dict[str, list[str]] = field(default_factory=dict)
    medical_before: set[str] = field(default_factory=set)  # uncovered in the rota as it was

    def to_dict(self) -> dict[str, Any]:
        first = self.rows[0]
        return {
            "slot": self.label,
            "task": self.task,
            "mode": first.get("mode"),
            "pupils": sorted({p for r in self.rows for p in r.get("pupils") or []}),
            "was": self.was,
            "candidates": [c.to_dict(n + 1) for n, c in enumerate(self.candidates)],
            "ruled_out": [{"staff": s, "reasons": r} for s, r in sorted(self.ruled_out.items())],
        }


@dataclass
class Suggestions:
    covers: list[Cover]
    plan: list[dict[str, Any]]  # the top pick per cover, applied in time order
    seconds: float
    names: dict[str, str] = field(default_factory=dict)  # staff id -> name, where the school gives one

    def who(self, staff: str) -> str:
        """`S14 · Jo` where the school names the adult, else the id."""
        name = self.names.get(staff)
        return f"{staff} · {name}" if name else staff

    def to_dict(self) -> dict[str, Any]:
        return {
            "covers": [c.to_dict() for c in self.covers],
            "plan": self.plan,
            "seconds": round(self.seconds, 3),
        }


def _cover_table(result: Suggestions, cover: Cover) -> Any:
    """A cover's candidates; with none, why not, in words."""
    from rich.markup import escape
    from rich.table import Table

    was = f" (was {result.who(cover.was)})" if cover.was else ""
    table = Table(title=escape(f"{cover.label}: {cover.task}{was}"), title_justify="left")
    for heading, justify in (("#", "right"), ("adult", "left"), ("would", "left"), ("contract left", "right"),
                             ("changes", "right"), ("notes", "left")):  # fmt: skip
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for n, cand in enumerate(cover.candidates, 1):
        would = {
            "free": "take it (free)",
            "joins": f"join {cand.drops}",
            "swap": f"hand {cand.drops} to {cand.swap_with}",
        }.get(cand.action, f"drop {cand.drops}")
        left = f"{cand.overtime_minutes} min overtime" if cand.overtime_minutes else _hm(cand.room_minutes)
        notes = [f"no medical cover for {p}" for p in cand.medical_lost] + cand.warnings
        if cand.familiar:
            notes.append("knows them")
        row = (str(n), result.who(cand.staff), would, left, str(cand.changes), "; ".join(notes))
        table.add_row(*(escape(text) for text in row))
    if not cover.candidates:
        table.add_row("-", "nobody", "", "", "", escape(ruled_out_in_words(cover.ruled_out)))
    return table


def ruled_out_in_words(ruled_out: dict[str, list[str]]) -> str:
    """Why nobody can cover, most common reason first: `4 adults: not at work then; 2: ...`."""
    if not ruled_out:
        return "no adult works then"
    counts: dict[str, list[str]] = {}
    for staff, reasons in ruled_out.items():
        counts.setdefault(reasons[0] if reasons else "ruled out", []).append(staff)
    parts = []
    for reason, who in sorted(counts.items(), key=lambda item: (-len(item[1]), item[0])):
        shown = ", ".join(sorted(who)[:3]) + (f" and {len(who) - 3} more" if len(who) > 3 else "")
        parts.append(f"{shown}: {reason}")
    return "every adult is ruled out: " + "; ".join(parts)


PERSONAL_TASKS = ("liaison:", "cover:")


def _dropped_duty_problems(state: Any, dropped: Any, t: int) -> list[str]:
    """A duty the adult leaves must keep someone with each of its any_skills (rule 12b)."""
    reasons = []
    for row in dropped or []:
        kind, _, target = str(row.get("task", "")).partition(":")
        if kind != "duty" or target not in state.duties:
            continue
        duty = state.duties[target]
        on_duty = [r for r in state.rows_at(t) if str(r["task"]) == f"duty:{target}"]
        if not on_duty:
            continue  # an empty duty is a shortfall, not a broken rule
        prob = state.prob
        skills_on = [prob.adults[prob.adult_index[str(r["staff"])]].skills for r in on_duty]
        missing = [skill for skill in sorted(duty.any_skills) if not any(skill in k for k in skills_on)]
        if missing:
            reasons.append(f"would leave {target} with nobody with {', '.join(missing)}")
    return reasons


def _hm(minutes: int) -> str:
    """`530` -> `8 h 50 min`; `360` -> `6 h`."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if not rest:
        return f"{sign}{hours} h"
    return f"{sign}{hours} h {rest} min" if hours else f"{sign}{rest} min"


def parse_absence(text: str, prob: Compiled) -> tuple[int, set[int]]:
    """`"TA05:Tue P3"` -> (adult index, week slots); `"TA05"` alone is the whole week."""
    staff, _, when = text.partition(":")
    staff = staff.strip()
    ids = [a.id for a in prob.adults]
    if staff not in ids:
        hint = nearest(staff, ids)
        more = f"; did you mean {hint!r}?" if hint else ""
        raise InputError([Problem(f"--absent {text!r}", "", f"no adult {staff!r} in the school{more}")])
    return prob.adult_index[staff], _slots(prob, when.strip() or "*", f"--absent {text!r}")


def _slots(prob: Compiled, when: str, where: str) -> set[int]:
    try:
        pairs = parse_when(when, prob.shape)
    except WhenError as error:
        raise InputError([Problem(where, "", str(error))]) from None
    index = {(s.day, s.slot): s.index for s in prob.slots}
    return {index[p] for p in pairs if p in index}


# ---------------------------------------------------------------------------
# The rota as it stands
# ---------------------------------------------------------------------------


class _State:
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

    def counts_for_contract(self, rows: list[Row]) -> bool:
        return bool(rows) and not all(
            str(r["task"]).startswith("duty:") and str(r["task"])[5:] in self.extra_duties for r in rows
        )

    def contract_minutes(self, adult: str) -> int:
        return sum(
            self.prob.slots[t].minutes
            for t in self.slots_of.get(adult, ())
            if self.counts_for_contract(self.rows(adult, t))
        )

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

    def medical_uncovered(self, t: int) -> set[str]:
        """Pupils whose medical need at t has no adult near (docs/rules.md, medical cover)."""
        if not self.medical_at.get(t):
            return set()
        rows = self.rows_at(t)
        skills_of = {a.id: a.skills for a in self.prob.adults}
        out = set()
        for pid in self.medical_at[t]:
            pupil = self.pupils[pid]
            assert pupil.medical is not None
            need = pupil.medical.skills
            skilled = [r for r in rows if skills_of.get(str(r["staff"]), frozenset()).issuperset(need)]
            if not any(self._near(r, pid, pupil.place.get(t), t) for r in skilled):
                out.add(pid)
        return out

    def _near(self, row: Row, pupil: str, place: str | None, t: int) -> bool:
        """An adult on this row is near the pupil (whose class at t is `place`)."""
        kind, _, target = str(row["task"]).partition(":")
        if kind == "pupil" and target == pupil:
            return True
        if place is None:
            return kind == "duty"
        if kind == "class":
            return target == place
        if kind == "intervention":
            return pupil in (row.get("pupils") or [])
        if kind == "pupil" and row.get("mode") == "in_class":
            other = self.pupils.get(target)
            return other is not None and other.place.get(t) == place
        return False


def _task_value(prob: Compiled, task: str, t: int) -> float:
    kind, _, target = task.partition(":")
    if kind == "pupil":
        return PRIORITY_VALUE["pupil"][Priority.normal]
    if kind == "duty":
        duty = next((d for d in prob.duties if d.id == target), None)
        return PRIORITY_VALUE["duty"][duty.priority if duty else Priority.normal]
    if kind == "intervention":
        iv = next((i for i in prob.interventions if i.id == target), None)
        return PRIORITY_VALUE["intervention"][iv.priority if iv else Priority.normal]
    if kind == "class":
        rows = [s for s in prob.supports if s.class_id == target and t in s.slots]
        if not rows:  # no support wanted then: the row is medical cover (docs/rules.md)
            return MEDICAL_VALUE
        return PRIORITY_VALUE["class"][rows[0].priority]
    return 0.0


def _medical_cover(prob: Compiled, class_id: str, t: int) -> list[int] | None:
    """The adults who may give medical cover in a class at t, where no support applies."""
    for cover in getattr(prob, "medical_covers", []):
        if cover.class_id == class_id and cover.slot == t:
            return list(cover.candidates)
    return None


def _group_task(rows: list[Row]) -> str:
    pupils = [str(r["task"])[6:] for r in rows if str(r["task"]).startswith("pupil:")]
    if len(pupils) > 1:
        return "pupil:" + "+".join(pupils)
    return str(rows[0]["task"])


# ---------------------------------------------------------------------------
# Judging one candidate
# ---------------------------------------------------------------------------


def _judge(state: _State, cover: Cover, adult_index: int) -> Candidate | list[str]:
    """A candidate for the cover, or the reasons this adult cannot take it."""
    prob = state.prob
    adult = prob.adults[adult_index]
    b, t = adult.id, cover.slot
    slot = prob.slots[t]
    reasons: list[str] = []
    if t not in adult.works:
        return [f"does not work at {slot.label}"]
    kind = str(cover.rows[0]["task"]).partition(":")[0]
    targets = [str(r["task"]).partition(":")[2] for r in cover.rows]
    # Skills (and the task happening then) as compiled: the candidate lists.
    medical = _medical_cover(prob, targets[0], t) if kind == "class" else None
    if kind == "class" and medical is not None:
        if adult_index not in medical:
            reasons.append("lacks the medical skills this cover is for")
    elif kind == "class":
        ok = any(t in s.slots and adult_index in s.candidates[t] for s in prob.supports if s.class_id == targets[0])
        if not ok:
            skills = {k for s in prob.supports if s.class_id == targets[0] for k in s.skills}
            reasons.append(f"lacks {' and '.join(sorted(skills))}" if skills else "cannot support then")
        reasons += _class_max_adults_problems(state, targets[0], b, t)
    elif kind == "pupil":
        for pid in targets:
            plan = state.pupils[pid].ehcp
            if plan is None or t not in plan.candidates or adult_index not in plan.candidates[t]:
                needed = sorted(plan.skills) if plan else []
                reasons.append(f"lacks {' and '.join(needed)} for {pid}" if needed else f"cannot support {pid} then")
    elif kind == "intervention":
        iv = state.ivs[targets[0]]
        if t not in iv.candidates or adult_index not in iv.candidates[t]:
            reasons.append(f"lacks {' and '.join(sorted(iv.skills))}" if iv.skills else "cannot deliver it then")
    elif kind == "duty":
        duty = state.duties[targets[0]]
        if t not in duty.candidates or adult_index not in duty.candidates[t]:
            reasons.append(f"lacks {' and '.join(sorted(duty.skills))}" if duty.skills else "cannot do the duty then")
    if reasons:
        return reasons

    # What they are doing now, and what they would give up.
    now = state.rows(b, t)
    cand = Candidate(b, "free")
    if now:
        now_task = _group_task(now)
        if any(str(r["task"]) == str(c["task"]) for r in now for c in cover.rows):
            return [f"already on {now_task} then"]
        if _can_join(state, cover, now, t):
            cand.action, cand.drops, cand.drop_value = "joins", now_task, JOIN_VALUE
        else:
            value = max(_task_value(prob, str(r["task"]), t) for r in now)
            if value >= _task_value(prob, str(cover.rows[0]["task"]), t):
                return [f"busy with {now_task} (not lower priority)"]
            cand.action, cand.drops, cand.drop_value = "drops", now_task, value
            cand.changes = 1 + len(now)
    new_rows = cover.rows if cand.action != "joins" else [*now, *cover.rows]

    # The rota after the swap, for this adult and this slot.
    before_contract = state.contract_minutes(b)
    before_duties = state.duty_count(b)
    saved = state.remove(b, t)
    state.put(b, t, new_rows)
    try:
        used = state.contract_minutes(b)
        limit = adult.contract_minutes - adult.liaison_minutes
        cand.used_minutes = used
        cand.room_minutes = limit - used
        if used > limit and used > before_contract:
            if used > adult.cap_minutes:
                reasons.append(f"contract full ({before_contract / 60:g} of {limit / 60:g} h used)")
            else:
                cand.overtime_minutes = used - max(limit, before_contract)
        if kind == "duty":
            duty = state.duties[targets[0]]
            if adult.max_duties is not None and state.duty_count(b) > max(adult.max_duties, before_duties):
                reasons.append(f"max_duties {adult.max_duties} reached")
            on_duty = [r for r in state.rows_at(t) if str(r["task"]) == f"duty:{duty.id}"]
            skills_on = [prob.adults[prob.adult_index[str(r["staff"])]].skills for r in on_duty]
            missing = [s for s in sorted(duty.any_skills) if not any(s in k for k in skills_on)]
            if missing:
                reasons.append(f"the duty would have nobody with {', '.join(missing)}")
            if duty.paid_extra:
                cand.warnings.append("paid extra")
        reasons += _dropped_duty_problems(state, saved, t)
        if kind == "pupil":
            reasons += _rotation_problems(state, b, targets, t)
            reasons += _pupil_problems(state, targets, t)
        elif kind == "intervention":
            iv = state.ivs[targets[0]]
            if iv.counts_for_ehcp:
                reasons += _rotation_problems(state, b, [prob.pupils[p].id for p in iv.pupils], t)
            if iv.same_staff:
                reasons += _same_staff_problems(state, iv.id, b, t)
        reasons += _break_problems(state, adult_index, slot.day)
        # Compared with the rota as it was (before the absence): medical cover now missing.
        cand.medical_lost = sorted(state.medical_uncovered(t) - cover.medical_before)
        familiar = any(
            str(r["task"]) in {str(c["task"]) for c in cover.rows}
            for s in state.slots_of.get(b, ())
            if s != t
            for r in state.rows(b, s)
        )
        cand.familiar = familiar
    finally:
        state.remove(b, t)
        if saved:
            state.put(b, t, saved)
    return reasons or cand


def _class_max_adults_problems(state: _State, class_id: str, adult: str, t: int) -> list[str]:
    """Rule 14b: at most `max_adults` distinct adults give the class support in the week
    (class rows at slots its support covers; medical cover is not counted)."""
    most = state.prob.class_max_adults.get(class_id)
    if most is None:
        return []
    task = f"class:{class_id}"
    wanted = {w for s in state.prob.supports if s.class_id == class_id for w in s.slots}
    if t not in wanted:
        return []
    adults = {who for (who, s), rows in state.at.items() if s in wanted for r in rows if str(r["task"]) == task} | {
        adult
    }
    if len(adults) <= most:
        return []
    return [f"max_adults: class {class_id} would have {len(adults)} adults this week (at most {most})"]


def _same_staff_problems(state: _State, iv: str, adult: str, t: int) -> list[str]:
    """Rule 9d: a `same_staff` intervention has one adult for every session of the week."""
    task = f"intervention:{iv}"
    others = sorted(
        {who for (who, s), rows in state.at.items() if s != t and who != adult for r in rows if str(r["task"]) == task}
    )
    if not others:
        return []
    return [
        f"{iv} is same_staff and {', '.join(others)} gives its other sessions: "
        "cancel this session, or move the whole intervention"
    ]


def _can_join(state: _State, cover: Cover, now: list[Row], t: int) -> bool:
    """Both in-class pooled groups of the same class, within every member's group_max."""
    rows = [*now, *cover.rows]
    modes = {r.get("mode") for r in rows}
    if not all(str(r["task"]).startswith("pupil:") for r in rows) or len(modes) != 1:
        return False
    pupils = [state.pupils.get(str(r["task"])[6:]) for r in rows]
    if any(p is None or p.ehcp is None for p in pupils):
        return False
    plans = [p.ehcp for p in pupils if p is not None and p.ehcp is not None]
    cap = min(plan.group_max for plan in plans)
    if cap < 2 or len(rows) > cap:
        return False
    if any(plan.adults == 2 for plan in plans):
        return False
    if rows[0].get("mode") == "in_class":
        places = {p.place.get(t) for p in pupils if p is not None}
        return len(places) == 1 and None not in places
    return True


def _pupil_problems(state: _State, pupils: Sequence[str], t: int) -> list[str]:
    """Rules 5, 7 and 11 for each pupil after the change: 2:1, over-support, withdrawal, sessions."""
    prob = state.prob
    out = []
    at_t = state.rows_at(t)
    for pid in pupils:
        pupil = state.pupils[pid]
        plan = pupil.ehcp
        if plan is None:
            continue
        with_them = [r for r in at_t if str(r["task"]) == f"pupil:{pid}"]
        if len(with_them) not in (0, plan.adults):
            out.append(f"{pid}'s plan needs {plan.adults} adults at once")
        if any(str(r["task"]).startswith("intervention:") and pid in (r.get("pupils") or []) for r in at_t):
            out.append(f"{pid} is in an intervention session then")
        supported: set[int] = set()
        withdrawn: set[int] = set()
        sessions = session_out = 0
        for adult in state.contact.get(pid, {}):
            for s in state.slots_of.get(adult, ()):
                for r in state.rows(adult, s):
                    if str(r["task"]) == f"pupil:{pid}":
                        supported.add(s)
                        if r.get("mode") == "withdrawn" and s in pupil.place:
                            withdrawn.add(s)
        for when in range(len(prob.slots)):
            for adult in state.by_slot.get(when, ()):
                for r in state.rows(adult, when):
                    kind, _, target = str(r["task"]).partition(":")
                    if kind == "intervention" and pid in (r.get("pupils") or []) and target in state.ivs:
                        iv = state.ivs[target]
                        sessions += iv.minutes if iv.counts_for_ehcp else 0
                        session_out += iv.minutes if when in pupil.place else 0
        delivered = sum(prob.slots[s].minutes for s in supported) + sessions
        if delivered > plan.over_support_cap:
            out.append(f"over-support: {pid} would get {delivered} of at most {plan.over_support_cap} minutes")
        out_of_class = sum(prob.slots[s].minutes for s in withdrawn) + session_out
        if t in withdrawn and out_of_class > pupil.max_withdrawal_minutes:
            out.append(f"max_withdrawal: {pid} out of class {out_of_class} of {pupil.max_withdrawal_minutes} minutes")
    return out


def _rotation_problems(state: _State, adult: str, pupils: Sequence[str], t: int) -> list[str]:
    prob = state.prob
    out = []
    for pid in pupils:
        pupil = state.pupils[pid]
        plan = pupil.ehcp
        if plan is None or plan.required_minutes == 0:
            continue
        contact = state.contact_slots(adult, pid)
        given = sum(contact.values())
        if given > plan.max_share_minutes:
            out.append(f"max_share: would give {pid} {given} of the {plan.max_share_minutes} minutes one adult may")
        day = prob.slots[t].day
        order = prob.day_order[day]
        run = best = 0
        for s in order:
            run = run + 1 if s is not None and s in contact else 0
            best = max(best, run)
        if best > plan.max_consecutive:
            out.append(f"max_consecutive: {best} adjacent slots with {pid} (at most {plan.max_consecutive})")
        if plan.adults == 2:
            together = [r for r in state.rows_at(t) if str(r["task"]) == f"pupil:{pid}"]
            if len({str(r["staff"]) for r in together}) != len(together):
                out.append(f"already with {pid} then")
        adults = state.adults_with(pid)
        if adults and len(adults) < plan.min_staff:
            out.append(f"min_staff: {pid} would have {len(adults)} adult(s), needs {plan.min_staff}")
        if plan.max_staff is not None and len(adults) > plan.max_staff:
            out.append(f"max_staff: {pid} would have {len(adults)} adults this week (at most {plan.max_staff})")
    return out


def _break_problems(state: _State, a: int, day: int) -> list[str]:
    prob = state.prob
    rules = prob.data.rules
    adult = prob.adults[a].id
    cal = prob.data.calendar.slots
    used = {prob.slots[t].slot for t in state.slots_of.get(adult, ()) if prob.slots[t].day == day}
    if not used:
        return []
    first, last = min(used), max(used)
    starts = [s.start for s in cal]
    span = _minutes(cal[last].end) - _minutes(starts[first])
    if span <= rules.break_after_minutes:
        return []
    free = [s for s in range(first + 1, last) if s not in used and cal[s].minutes >= rules.break_minutes]
    if free:
        return []
    return [f"no break: a {span}-minute day with no free {rules.break_minutes}-minute slot"]


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


# ---------------------------------------------------------------------------
# The covers asked for
# ---------------------------------------------------------------------------


def suggest(
    school: SchoolData,
    rota: dict[str, Any],
    *,
    absent: Sequence[str] = (),
    task: str | None = None,
    at: str | None = None,
    top: int | None = None,
    swaps: bool = True,
    prob: Compiled | None = None,
) -> Suggestions:
    """Ranked cover for each task the absent adults leave, or for `task` at the slots `at`.

    With `swaps`, where no adult is free, one busy with a task as important as the
    cover is still a candidate when a free adult can take their task over (one
    step, nothing lost).
    """
    started = time.perf_counter()
    prob = prob or compile_problem(school)
    if not absent and task is None:
        raise InputError(
            [
                Problem(
                    "suggest",
                    "",
                    "name an absence (--absent TA05:Tue) or a task (--task pupil:P014 --at 'Tue P3')",
                )
            ]
        )
    away: dict[int, set[int]] = defaultdict(set)
    for text in absent:
        a, slots = parse_absence(text, prob)
        away[a] |= slots
    state = _State(prob, rota.get("assignments") or [])
    covers: list[Cover] = []
    for a, slots in sorted(away.items()):
        who = prob.adults[a].id
        for t in sorted(slots):
            # A liaison meeting is the absent adult's own, and cover takes a cover role within its
            # weekly limit: neither is handed to another adult here (a re-solve places them).
            rows = [r for r in state.rows(who, t) if not str(r["task"]).startswith(PERSONAL_TASKS)]
            if rows:
                covers.append(Cover(t, prob.slots[t].label, _group_task(rows), [dict(r) for r in rows], who))
    for cover in covers:
        cover.medical_before = state.medical_uncovered(cover.slot)
    # The absent adults' rows leave the rota before anyone is judged.
    for a, slots in away.items():
        for t in slots:
            state.remove(prob.adults[a].id, t)
    if task is not None:
        for cover in _task_covers(state, task, at):
            cover.medical_before = state.medical_uncovered(cover.slot)
            covers.append(cover)
    if not covers and absent:
        return Suggestions([], [], time.perf_counter() - started)
    for cover in covers:
        absent_here = {a for a, slots in away.items() if cover.slot in slots}
        for adult in prob.adults:
            if adult.index in absent_here:
                continue
            verdict = _judge(state, cover, adult.index)
            if isinstance(verdict, Candidate):
                cover.candidates.append(verdict)
            else:
                cover.ruled_out[adult.id] = verdict
        if swaps and not any(c.action in ("free", "joins") for c in cover.candidates):
            # Nobody is free: an adult busy with something as important may hand it over.
            for name in sorted(cover.ruled_out):
                swap = _swap(state, cover, prob.adult_index[name], absent_here)
                if swap is not None:
                    cover.candidates.append(swap)
                    del cover.ruled_out[name]
        cover.candidates.sort(key=Candidate.key)
        if top is not None:
            cover.candidates = cover.candidates[:top]
    plan = _plan(state, covers, away)
    names = {s.id: s.name for s in school.staff if s.name}
    return Suggestions(covers, plan, time.perf_counter() - started, names)


def _swap(state: _State, cover: Cover, index: int, absent_here: set[int]) -> Candidate | None:
    """The adult takes the cover and a free adult takes their own task: the best such pair."""
    prob = state.prob
    adult = prob.adults[index]
    t = cover.slot
    saved = state.rows(adult.id, t)
    if not saved or any(str(r["task"]) in {str(c["task"]) for c in cover.rows} for r in saved):
        return None
    state.remove(adult.id, t)
    try:
        verdict = _judge(state, cover, index)
        if not isinstance(verdict, Candidate) or verdict.action != "free":
            return None
        state.put(adult.id, t, cover.rows)
        own = Cover(
            t,
            cover.label,
            _group_task(saved),
            [dict(r) for r in saved],
            adult.id,
            medical_before=cover.medical_before,
        )
        best: Candidate | None = None
        for other in prob.adults:
            if other.index in absent_here or other.index == index:
                continue
            taker = _judge(state, own, other.index)
            if not isinstance(taker, Candidate) or taker.action not in ("free", "joins"):
                continue
            if best is None or taker.key() < best.key():
                best = taker
        if best is None:
            return None
        theirs = state.rows(best.staff, t)
        state.put(best.staff, t, [*theirs, *saved])
        medical_lost = sorted(state.medical_uncovered(t) - cover.medical_before)
        state.put(best.staff, t, theirs)
        return Candidate(
            adult.id,
            "swap",
            drops=own.task,
            drop_value=SWAP_VALUE,
            changes=verdict.changes + best.changes + 1,
            used_minutes=verdict.used_minutes,
            room_minutes=verdict.room_minutes,
            overtime_minutes=verdict.overtime_minutes,
            medical_lost=medical_lost,
            warnings=[*verdict.warnings, *best.warnings],
            familiar=verdict.familiar,
            swap_with=best.staff,
            swap_rows=[dict(r) for r in saved],
        )
    finally:
        state.put(adult.id, t, saved)


def _task_covers(state: _State, task: str, at: str | None) -> list[Cover]:
    prob = state.prob
    where = f"--task {task!r}"
    kind, _, target = task.partition(":")
    if at is None:
        raise InputError([Problem(where, "", "say when with --at, e.g. --at 'Tue P3'")])
    slots = sorted(_slots(prob, at, f"--at {at!r}"))
    known = {
        "pupil": [p.id for p in prob.pupils if p.ehcp is not None],
        "class": sorted(
            {s.class_id for s in prob.supports} | {c.class_id for c in getattr(prob, "medical_covers", [])}
        ),
        "intervention": [i.id for i in prob.interventions],
        "duty": [d.id for d in prob.duties],
    }
    if kind not in known:
        raise InputError([Problem(where, "", "a task is pupil:ID, class:ID, intervention:ID or duty:ID")])
    if target not in known[kind]:
        hint = nearest(target, known[kind])
        more = f"; did you mean {kind}:{hint}?" if hint else ""
        raise InputError([Problem(where, "", f"no {kind} {target!r} that the rota covers{more}")])
    covers = []
    for t in slots:
        slot = prob.slots[t]
        row: Row = {
            "staff": "",
            "day": slot.day_id,
            "slot": slot.slot_id,
            "task": task,
            "mode": None,
            "pupils": [],
            "room": None,
        }
        existing = [r for r in state.rows_at(t) if str(r["task"]) == task]
        if kind == "pupil":
            pupil = state.pupils[target]
            plan = pupil.ehcp
            assert plan is not None
            if t not in plan.slots:
                continue
            mode = existing[0].get("mode") if existing else None
            if mode is None:
                mode = "in_class" if "in_class" in plan.modes and t in pupil.place else "withdrawn"
            row.update(mode=mode, pupils=[target])
        elif kind == "intervention":
            iv = state.ivs[target]
            if t not in iv.slots:
                continue
            row.update(
                pupils=[prob.pupils[p].id for p in iv.pupils],
                room=existing[0].get("room") if existing else None,
            )
        elif kind == "duty" and t not in state.duties[target].slots:
            continue
        supported = any(t in s.slots for s in prob.supports if s.class_id == target)
        if kind == "class" and not supported and _medical_cover(prob, target, t) is None:
            continue
        covers.append(Cover(t, slot.label, task, [row], None))
    if not covers:
        raise InputError([Problem(f"--at {at!r}", "", f"{task} cannot happen at any of these slots")])
    return covers


def _plan(state: _State, covers: list[Cover], away: dict[int, set[int]]) -> list[dict[str, Any]]:
    """Take the best candidate for each cover in time order, re-judging after each pick."""
    prob = state.prob
    plan = []
    for cover in sorted(covers, key=lambda c: c.slot):
        absent_here = {a for a, slots in away.items() if cover.slot in slots}
        best: Candidate | None = None
        for cand in cover.candidates:
            index = prob.adult_index[cand.staff]
            if cand.action == "swap":
                verdict: Candidate | list[str] | None = _swap(state, cover, index, absent_here)
            else:
                verdict = _judge(state, cover, index)
            if not isinstance(verdict, Candidate) or index in absent_here:
                continue
            if best is None or verdict.key() < best.key():
                best = verdict
        if best is None:
            plan.append(
                {
                    "slot": cover.label,
                    "task": cover.task,
                    "staff": None,
                    "note": "nobody can take it: it is left uncovered",
                }
            )
            continue
        now = state.rows(best.staff, cover.slot)
        rows = [*now, *cover.rows] if best.action == "joins" else cover.rows
        state.put(best.staff, cover.slot, rows)
        if best.action == "swap" and best.swap_with is not None:
            theirs = state.rows(best.swap_with, cover.slot)
            state.put(best.swap_with, cover.slot, [*theirs, *best.swap_rows])
        entry: dict[str, Any] = {
            "slot": cover.label,
            "task": cover.task,
            "staff": best.staff,
            "action": best.action,
        }
        if best.action == "drops":
            entry["left_uncovered"] = best.drops
        if best.action == "swap":
            entry["hands_over"] = {"task": best.drops, "to": best.swap_with}
        plan.append(entry)
    return plan


# ---------------------------------------------------------------------------
# Files and the terminal
# ---------------------------------------------------------------------------


def suggest_file(
    school_path: str | Path,
    rota_path: str | Path,
    *,
    absent: Sequence[str] = (),
    task: str | None = None,
    at: str | None = None,
    top: int | None = None,
) -> Suggestions:
    """Load the school and its rota (as `tasched solve` wrote it), then suggest()."""
    school = load_school(school_path)
    rota = read_rota(rota_path)
    return suggest(school, rota, absent=absent, task=task, at=at, top=top)


def render(result: Suggestions, console: Console, *, show_all: bool = False) -> None:
    """One table per task to cover, best candidate first; then the suggested plan and a legend."""
    from rich.markup import escape

    if not result.covers:
        console.print("nothing to cover: the absent adult has no task then")
        return
    for cover in result.covers:
        console.print(_cover_table(result, cover))
        if show_all and cover.ruled_out:
            for staff, reasons in sorted(cover.ruled_out.items()):
                console.print(f"  [dim]{escape(result.who(staff))}: {escape('; '.join(reasons))}[/]")
    if len(result.covers) > 1:
        console.print("[bold]suggested plan[/] (best pick for each, in time order):")
        for step in result.plan:
            who = result.who(step["staff"]) if step["staff"] else "nobody"
            extra = f", leaving {step['left_uncovered']}" if step.get("left_uncovered") else ""
            if step.get("hands_over"):
                extra = f", who hands {step['hands_over']['task']} to {step['hands_over']['to']}"
            console.print(escape(f"  {step['slot']}: {step['task']} → {who}{extra}"))
    console.print(
        "[dim]would: what the adult gives up to cover; contract left: their contracted time still free this "
        "week; changes: rota rows that move; knows them: already supports this pupil or class this week. "
        "--all lists every adult ruled out, and why.[/]"
    )
    console.print(f"[dim]{result.seconds:.2f} s[/]")
