"""Ranking the candidates for each cover, and the plan: the best pick for each cover
in time order, each re-judged against the picks before it."""

from __future__ import annotations

from typing import Any

from tasched.analysis.suggest.judge import judge, swap
from tasched.analysis.suggest.results import Candidate, Cover, best_candidate
from tasched.analysis.suggest.state import WeekState


def absent_at(away: dict[int, set[int]], t: int) -> set[int]:
    """The adults (indices) away at slot t."""
    return {a for a, slots in away.items() if t in slots}


def rank_cover(state: WeekState, cover: Cover, absent_here: set[int], *, swaps: bool, top: int | None) -> None:
    """Judge every adult at work for the cover; with `swaps` and nobody free, try swaps; best first."""
    prob = state.prob
    for adult in prob.adults:
        if adult.index in absent_here:
            continue
        verdict = judge(state, cover, adult.index)
        if isinstance(verdict, Candidate):
            cover.candidates.append(verdict)
        else:
            cover.ruled_out[adult.id] = verdict
    if swaps and not any(c.action in ("free", "joins") for c in cover.candidates):
        # Nobody is free: an adult busy with something as important may hand it over.
        for name in sorted(cover.ruled_out):
            found = swap(state, cover, prob.adult_index[name], absent_here)
            if found is not None:
                cover.candidates.append(found)
                del cover.ruled_out[name]
    cover.candidates.sort(key=Candidate.key)
    if top is not None:
        cover.candidates = cover.candidates[:top]


def plan(state: WeekState, covers: list[Cover], away: dict[int, set[int]]) -> list[dict[str, Any]]:
    """Take the best candidate for each cover in time order, re-judging after each pick."""
    steps = []
    for cover in sorted(covers, key=lambda c: c.slot):
        best = _best_now(state, cover, absent_at(away, cover.slot))
        if best is None:
            steps.append(
                {
                    "slot": cover.label,
                    "task": cover.task,
                    "staff": None,
                    "note": "nobody can take it: it is left uncovered",
                }
            )
            continue
        _take(state, cover, best)
        steps.append(_step(cover, best))
    return steps


def _best_now(state: WeekState, cover: Cover, absent_here: set[int]) -> Candidate | None:
    """The cover's candidates judged again against the week as the plan has left it."""
    verdicts = []
    for cand in cover.candidates:
        index = state.prob.adult_index[cand.staff]
        if cand.action == "swap":
            verdict: Candidate | list[str] | None = swap(state, cover, index, absent_here)
        else:
            verdict = judge(state, cover, index)
        if isinstance(verdict, Candidate) and index not in absent_here:
            verdicts.append(verdict)
    return best_candidate(verdicts)


def _take(state: WeekState, cover: Cover, best: Candidate) -> None:
    """Put the pick into the week (and the swap partner's new task, for a swap)."""
    now = state.rows(best.staff, cover.slot)
    rows = [*now, *cover.rows] if best.action == "joins" else cover.rows
    state.put(best.staff, cover.slot, rows)
    if best.action == "swap" and best.swap_with is not None:
        theirs = state.rows(best.swap_with, cover.slot)
        state.put(best.swap_with, cover.slot, [*theirs, *best.swap_rows])


def _step(cover: Cover, best: Candidate) -> dict[str, Any]:
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
    return entry
