"""A term's rotas (issue 16): a sequence of weekly tiered solves, each with what earlier weeks decided.

Week w is solved as any week (:func:`tasched.solution.solve`), on the school as it is
that week (:func:`tasched.input.term.week_school`: the fade's hours, the programmes
running, the closed days), with:

- the previous week's rota as `previous` (with `over_support` weighted above `stability`,
  so a fade is followed rather than last week's hours kept), so the same adults stay with a class, a pupil
  or an intervention unless fading or rotation asks otherwise (on a re-solve from week N,
  weeks after N keep their own earlier plan where it still holds);
- the duties of earlier weeks as duty history (fair duties over the term);
- for `rules.rotate_withdrawals`, the withdrawals of earlier weeks per pupil and subject,
  with the limit paced over the term: by the k-th planned week of n, at most
  ⌈limit × k / n⌉ withdrawals from one subject.

Why a sequence, not one joint model: each week keeps the week solve's proofs and speed
(a 12-week joint model of St Paul's would be ~12 × 44,000 variables), the term rules are
all "so far" counts that earlier weeks fix, and a re-solve from week N must leave weeks
before N untouched anyway (benchmarks/results/term.md has the figures).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.input.overrides import apply_overrides
from tasched.input.term import week_count, week_labels, week_school
from tasched.io.files import input_digest
from tasched.io.formats import load_school, read_rota, write_rota
from tasched.io.term import term_summary, write_term_html, write_term_workbook
from tasched.jobs.run import findings_for, stop_on_errors
from tasched.solution import solve
from tasched.solution.rota import Rota
from tasched.solution.words import changes_in_words
from tasched.verify.term import TermReport, verify_term, week_input, withdrawals

__all__ = ["TermResult", "plan_term", "read_term", "week_file"]


def week_file(folder: str | Path, week: int) -> Path:
    return Path(folder) / f"week-{week:02d}.rota.yaml"


@dataclass
class TermResult:
    school: SchoolData
    rotas: dict[int, dict[str, Any]]
    report: TermReport
    solved: list[int] = field(default_factory=list)  # weeks solved by this run
    seconds: dict[int, float] = field(default_factory=dict)  # per week solved, wall-clock


def read_term(folder: str | Path, school: SchoolData) -> dict[int, dict[str, Any]]:
    """The week rotas already in a term folder."""
    rotas = {}
    for w in range(1, week_count(school) + 1):
        path = week_file(folder, w)
        if path.exists():
            rotas[w] = read_rota(path)
    return rotas


def withdrawal_cap(school: SchoolData, week: int) -> int | None:
    """rotate_withdrawals paced over the planned weeks: by the k-th of n, ⌈limit × k / n⌉."""
    limit = school.rules.rotate_withdrawals
    if limit is None:
        return None
    start = school.term.start_week if school.term is not None else 1
    n = week_count(school) - start + 1
    k = week - start + 1
    return min(limit, math.ceil(limit * k / n))


def plan_term(
    school_path: str | Path,
    folder: str | Path,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    week: int | None = None,
    absent: list[str] = (),  # type: ignore[assignment]
    pins: list[str] = (),  # type: ignore[assignment]
    log: Callable[[str], None] | None = None,
) -> TermResult:
    """Solve the term's weeks into `folder` (week-01.rota.yaml, …, term.xlsx, term.html) and judge them.

    `time_limit` is per week. With `week` N, weeks before N are read from `folder` as
    delivered and left untouched; week N (with `absent`/`pins`) and the weeks after are
    solved again, each keeping its earlier plan where it still holds.
    """
    data = load_school(school_path)
    first = _first_week(data, school_path, week)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    earlier = read_term(out, data) if week is not None else {}
    kept = _kept_weeks(out, earlier, data, first)
    term = _Term(data, school_path, out, input_digest(school_path), time_limit, seed, workers)
    term.keep(kept)
    result = TermResult(data, term.rotas, TermReport({}))
    for w in range(first, week_count(data) + 1):
        started = time.perf_counter()
        overrides = (list(absent), list(pins)) if w == first and week is not None else ([], [])
        rota = term.solve_week(w, overrides, earlier.get(w) or term.rotas.get(w - 1), started)
        result.solved.append(w)
        result.seconds[w] = round(time.perf_counter() - started, 2)
        if log:
            log(_week_line(week_labels(data)[w - 1], rota, result.seconds[w]))
    result.report = verify_term(data, term.rotas)
    summary = term_summary(data, term.rotas)
    write_term_workbook(summary, out / "term.xlsx")
    write_term_html(summary, out / "term.html")
    return result


def _first_week(data: SchoolData, school_path: str | Path, week: int | None) -> int:
    """The first week to solve: the term's start, or `week` when re-solving from there."""
    if data.term is None:
        raise InputError([Problem(str(school_path), "term", "no `term` section: add e.g. `term: {weeks: 12}`")])
    start = data.term.start_week
    first = start if week is None else week
    if not start <= first <= week_count(data):
        raise InputError([Problem(f"--week {week}", "", f"the plan covers weeks {start} to {week_count(data)}")])
    return first


def _kept_weeks(
    out: Path, earlier: dict[int, dict[str, Any]], data: SchoolData, first: int
) -> dict[int, dict[str, Any]]:
    """The weeks before `first`, as delivered; each must be in the folder already."""
    start = data.term.start_week if data.term is not None else 1
    missing = [w for w in range(start, first) if w not in earlier]
    if missing:
        raise InputError(
            [
                Problem(
                    str(week_file(out, missing[0])),
                    "",
                    f"--week {first} keeps weeks {start}-{first - 1}: run the term first",
                )
            ]
        )
    return {w: earlier[w] for w in range(start, first)}


@dataclass
class _Term:
    """A term being planned: how each week is solved, its rotas so far, and the term's running counts."""

    data: SchoolData
    school_path: str | Path
    out: Path
    digest: str
    time_limit: float | None
    seed: int | None
    workers: int | None
    rotas: dict[int, dict[str, Any]] = field(default_factory=dict)
    withdrawals_done: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    duties: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def keep(self, rotas: dict[int, dict[str, Any]]) -> None:
        """Weeks kept as delivered: counted, not solved."""
        for w, kept in rotas.items():
            self.rotas[w] = kept
            self._count(w, kept)

    def solve_week(
        self, w: int, overrides: tuple[list[str], list[str]], previous: dict[str, Any] | None, started: float
    ) -> Rota:
        """Solve week `w` on the school as it is that week, write it, and count it; the rota."""
        school = self._week_school(w, overrides)
        rota = solve(
            school,
            time_limit=self.time_limit,
            seed=self.seed,
            workers=self.workers,
            input_digest=self.digest,
            previous=previous,
            duty_history=dict(self.duties),
            withdrawal_cap=withdrawal_cap(self.data, w),
            withdrawals_done=dict(self.withdrawals_done),
            started=started,
        )
        label = week_labels(self.data)[w - 1]
        rota.meta["term"] = {"week": w, "label": label, "absent": overrides[0], "pins": overrides[1]}
        if previous is not None and "changes" in rota.meta:
            rota.meta["changes"]["summary"] = changes_in_words(previous["assignments"], rota.assignments)
        write_rota(rota.to_dict(), week_file(self.out, w))
        self.rotas[w] = read_rota(week_file(self.out, w))  # as written: what the verifier and later weeks read
        self._count(w, self.rotas[w])
        return rota

    def _week_school(self, w: int, overrides: tuple[list[str], list[str]]) -> SchoolData:
        """The school in week `w` with its absences and pins; stops on demands no rota can meet."""
        school = apply_overrides(week_school(self.data, w), *overrides)
        # A fade is followed, not last week's hours kept: over-support outweighs stability.
        weights = school.rules.weights
        weights.over_support = max(weights.over_support, weights.stability + weights.idle + 1)
        stop_on_errors(self.school_path, [f for f in findings_for(school) if f.severity == "error"], school)
        return school

    def _count(self, w: int, rota: dict[str, Any]) -> None:
        """Add a week's withdrawals and duties to the term's running counts."""
        for key, n in withdrawals(week_input(self.data, w, rota), rota).items():
            self.withdrawals_done[key] += n
        for row in rota.get("assignments") or []:
            if str(row.get("task", "")).startswith("duty:"):
                self.duties[str(row["staff"])] += 1


def _week_line(label: str, rota: Rota, seconds: float) -> str:
    """A week's progress line: its status, time, and what is short (soft goals aside)."""
    tiers = rota.meta.get("tiers") or []
    short = ", ".join(f"{t['tier']} {t['short']:g}" for t in tiers if t.get("short") and t["tier"] != "soft_goals")
    return f"week {label}: {rota.meta.get('status')} in {seconds:.1f} s; short: {short or 'nothing'}"
