"""The rule checks a cover must pass, each returning the reasons it fails in words:
skills (the compiled candidate lists), a class's max_adults, a duty's max_duties and
any_skills, rotation (max_share, max_consecutive, 2:1, min/max staff), a pupil's week
(over-support, withdrawal, sessions), same_staff interventions, and pooled groups.

Each reads the week as it would stand after the change (docs/rules.md numbers the rules).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from tasched.analysis.suggest.results import Cover, Row
from tasched.analysis.suggest.state import WeekState, medical_cover_candidates
from tasched.problem.compile import Adult, DutyInfo, EhcPlan, PupilInfo
from tasched.problem.predicates import longest_run, out_of_class, within_withdrawal


def _offered(candidates: Mapping[int, Collection[int]], a: int, t: int) -> bool:
    """The adult is among a demand's compiled candidates at t (works then, holds the skills)."""
    return t in candidates and a in candidates[t]


def _lacks(skills: Iterable[str], otherwise: str, whom: str = "") -> str:
    needed = sorted(skills)
    return f"lacks {' and '.join(needed)}{whom}" if needed else otherwise


def skill_problems(state: WeekState, kind: str, targets: list[str], a: int, t: int) -> list[str]:
    """Skills (and the task happening then) as compiled: the candidate lists (rules 1 and 2)."""
    if kind == "class":
        return _class_problems(state, targets[0], a, t)
    if kind == "pupil":
        out = []
        for pid in targets:
            plan = state.pupils[pid].ehcp
            if plan is None or not _offered(plan.candidates, a, t):
                out.append(_lacks(plan.skills if plan else [], f"cannot support {pid} then", f" for {pid}"))
        return out
    if kind == "intervention":
        iv = state.ivs[targets[0]]
        return [] if _offered(iv.candidates, a, t) else [_lacks(iv.skills, "cannot deliver it then")]
    if kind == "duty":
        duty = state.duties[targets[0]]
        return [] if _offered(duty.candidates, a, t) else [_lacks(duty.skills, "cannot do the duty then")]
    return []


def _class_problems(state: WeekState, class_id: str, a: int, t: int) -> list[str]:
    """Medical cover where no support applies, else class support within max_adults."""
    prob = state.prob
    medical = medical_cover_candidates(prob, class_id, t)
    if medical is not None:
        return [] if a in medical else ["lacks the medical skills this cover is for"]
    out = []
    supports = [s for s in prob.supports if s.class_id == class_id]
    if not any(t in s.slots and a in s.candidates[t] for s in supports):
        out.append(_lacks({k for s in supports for k in s.skills}, "cannot support then"))
    return out + _class_max_adults_problems(state, class_id, prob.adults[a].id, t)


def _class_max_adults_problems(state: WeekState, class_id: str, adult: str, t: int) -> list[str]:
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


def duty_problems(state: WeekState, adult: Adult, duty: DutyInfo, before_duties: int, t: int) -> list[str]:
    """The adult now on the duty: within max_duties, and someone on it holds each any_skill."""
    out = []
    if adult.max_duties is not None and state.duty_count(adult.id) > max(adult.max_duties, before_duties):
        out.append(f"max_duties {adult.max_duties} reached")
    missing = _missing_any_skills(state, duty, state.rows_doing(t, f"duty:{duty.id}"))
    if missing:
        out.append(f"the duty would have nobody with {', '.join(missing)}")
    return out


def dropped_duty_problems(state: WeekState, dropped: list[Row], t: int) -> list[str]:
    """A duty the adult leaves must keep someone with each of its any_skills (rule 12b)."""
    reasons = []
    for row in dropped or []:
        kind, _, target = str(row.get("task", "")).partition(":")
        if kind != "duty" or target not in state.duties:
            continue
        on_duty = state.rows_doing(t, f"duty:{target}")
        if not on_duty:
            continue  # an empty duty is a shortfall, not a broken rule
        missing = _missing_any_skills(state, state.duties[target], on_duty)
        if missing:
            reasons.append(f"would leave {target} with nobody with {', '.join(missing)}")
    return reasons


def _missing_any_skills(state: WeekState, duty: DutyInfo, on_duty: list[Row]) -> list[str]:
    skills_on = [state.skills_of(str(r["staff"])) for r in on_duty]
    return [skill for skill in sorted(duty.any_skills) if not any(skill in k for k in skills_on)]


def rotation_problems(state: WeekState, adult: str, pupils: Sequence[str], t: int) -> list[str]:
    """Rotation (rule 8): one adult's share and runs with a pupil, 2:1, and the week's adults."""
    out = []
    for pid in pupils:
        plan = state.pupils[pid].ehcp
        if plan is None or plan.required_minutes == 0:
            continue
        out += _share_and_run_problems(state, adult, pid, plan, t)
        out += _staffing_problems(state, pid, plan, t)
    return out


def _share_and_run_problems(state: WeekState, adult: str, pid: str, plan: EhcPlan, t: int) -> list[str]:
    out = []
    contact = state.contact_slots(adult, pid)
    given = sum(contact.values())
    if given > plan.max_share_minutes:
        out.append(f"max_share: would give {pid} {given} of the {plan.max_share_minutes} minutes one adult may")
    best = longest_run(state.prob, state.prob.slots[t].day, contact)
    if best > plan.max_consecutive:
        out.append(f"max_consecutive: {best} adjacent slots with {pid} (at most {plan.max_consecutive})")
    return out


def _staffing_problems(state: WeekState, pid: str, plan: EhcPlan, t: int) -> list[str]:
    out = []
    if plan.adults == 2:
        together = state.rows_doing(t, f"pupil:{pid}")
        if len({str(r["staff"]) for r in together}) != len(together):
            out.append(f"already with {pid} then")
    adults = state.adults_with(pid)
    if adults and len(adults) < plan.min_staff:
        out.append(f"min_staff: {pid} would have {len(adults)} adult(s), needs {plan.min_staff}")
    if plan.max_staff is not None and len(adults) > plan.max_staff:
        out.append(f"max_staff: {pid} would have {len(adults)} adults this week (at most {plan.max_staff})")
    return out


def pupil_problems(state: WeekState, pupils: Sequence[str], t: int) -> list[str]:
    """Rules 5, 7 and 11 for each pupil after the change: 2:1, over-support, withdrawal, sessions."""
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
        out += _week_problems(state, pupil, plan, t)
    return out


def _week_problems(state: WeekState, pupil: PupilInfo, plan: EhcPlan, t: int) -> list[str]:
    """The pupil's week: over-support (rule 7), and max_withdrawal (rule 11) when the change
    at t takes them out of a lesson."""
    prob = state.prob
    out = []
    supported, withdrawn = _support_slots(state, pupil)
    sessions, session_out = _session_minutes(state, pupil)
    delivered = sum(prob.slots[s].minutes for s in supported) + sessions
    if delivered > plan.over_support_cap:
        out.append(f"over-support: {pupil.id} would get {delivered} of at most {plan.over_support_cap} minutes")
    out_at = {s: out_of_class(prob, pupil.index, s, prob.slots[s].minutes) for s in withdrawn}
    away = sum(out_at.values()) + session_out
    # Checked only when the change at t itself takes the pupil out of a lesson.
    if out_at.get(t) and not within_withdrawal(prob, pupil.index, away):
        out.append(f"max_withdrawal: {pupil.id} out of class {away} of {pupil.max_withdrawal_minutes} minutes")
    return out


def _support_slots(state: WeekState, pupil: PupilInfo) -> tuple[set[int], set[int]]:
    """The slots with an adult on the pupil, and those of them withdrawn (in a lesson or not)."""
    supported: set[int] = set()
    withdrawn: set[int] = set()
    for adult in state.contact.get(pupil.id, {}):
        for s in state.slots_of.get(adult, ()):
            for r in state.rows(adult, s):
                if str(r["task"]) == f"pupil:{pupil.id}":
                    supported.add(s)
                    if r.get("mode") == "withdrawn":
                        withdrawn.add(s)
    return supported, withdrawn


def _session_minutes(state: WeekState, pupil: PupilInfo) -> tuple[int, int]:
    """The pupil's intervention minutes: those counting for the EHC plan, and those out of a lesson."""
    prob = state.prob
    sessions = session_out = 0
    for when in range(len(prob.slots)):
        for adult in state.by_slot.get(when, ()):
            for r in state.rows(adult, when):
                kind, _, target = str(r["task"]).partition(":")
                if kind == "intervention" and pupil.id in (r.get("pupils") or []) and target in state.ivs:
                    iv = state.ivs[target]
                    sessions += iv.minutes if iv.counts_for_ehcp else 0
                    session_out += out_of_class(prob, pupil.index, when, iv.minutes)
    return sessions, session_out


def same_staff_problems(state: WeekState, iv: str, adult: str, t: int) -> list[str]:
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


def can_join(state: WeekState, cover: Cover, now: list[Row], t: int) -> bool:
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
