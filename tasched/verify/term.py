"""The term rules, judged across the weeks' rotas (issue 16), independently of the solver.

Each week is judged as any week (:func:`tasched.verify.verify`) against the school as
it is that week (:func:`tasched.input.term.week_school`, with the absences and pins
the rota's `meta.term` records). Then the rules that span weeks:

- **rotate_withdrawals**: per pupil and subject (the slot, `Mon P2`, where the lesson
  has no subject), withdrawals over the term (lesson slots spent in a session or in
  withdrawn EHC support) ≤ `rules.rotate_withdrawals`;
- **programmes**: an intervention has no session outside its programme's weeks
  (`start_week`, `weeks`), and in each of its weeks holds `sessions` sessions, or the
  week's rota reports the shortfall;
- **fading**: each week, a pupil's EHC hours delivered are at least that week's planned
  hours (the fade), or the week's rota reports the shortfall against those hours.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tasched.input.model import SchoolData
from tasched.input.overrides import apply_overrides
from tasched.input.term import planned_hours, programme_span, runs_in, week_count, week_labels, week_school
from tasched.input.term import withdrawal_key as key_of
from tasched.verify import EHC_TOLERANCE_MINUTES, Facts, Index, Report, Violation, out_of_class_slots, parse_rows
from tasched.verify import verify as verify_week

__all__ = ["TermReport", "verify_term", "week_input", "withdrawals"]


@dataclass
class TermReport:
    """Each week's verdict, and the term rules' violations across weeks."""

    weeks: dict[int, Report]
    violations: list[Violation] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations and all(r.ok for r in self.weeks.values())

    def lines(self) -> list[str]:
        """One line per week, then the term rules' violations."""
        out = []
        for w, report in sorted(self.weeks.items()):
            label = self.labels[w - 1] if w - 1 < len(self.labels) else str(w)
            verdict = "valid" if report.ok else f"{len(report.violations)} violation(s)"
            out.append(f"week {label}: {verdict}, {report.rows} rows, {len(report.shortfalls)} shortfalls")
            out += [f"  - {v.rule}: {v.message}" for v in report.violations[:10]]
        out += [f"term: {v.rule}: {v.message}" for v in self.violations]
        if not self.violations:
            out.append("term: rotation of withdrawals, programmes and fading hold across the weeks")
        return out


def week_input(school: SchoolData, week: int, rota: dict[str, Any] | None = None) -> SchoolData:
    """The school as a week's rota was made for it: the term's week, plus the absences and
    pins that rota's `meta.term` records (a re-solve's `--absent` and `--pin`)."""
    data = week_school(school, week)
    meta = rota.get("meta") if isinstance(rota, dict) else None
    term = meta.get("term") if isinstance(meta, dict) else None
    if isinstance(term, dict) and (term.get("absent") or term.get("pins")):
        data = apply_overrides(data, list(term.get("absent") or []), list(term.get("pins") or []))
    return data


def withdrawals(data: SchoolData, rota: dict[str, Any]) -> dict[tuple[str, str], int]:
    """(pupil, subject or slot) -> times withdrawn in one week's rota."""
    facts = Facts(data)
    rows, _ = parse_rows(facts, rota.get("assignments"))
    ix = Index.build(facts, rows)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for pupil in data.pupils:
        for t in out_of_class_slots(facts, ix, pupil.id):
            day, slot = facts.shape.days[t[0]], facts.shape.slots[t[1]]
            counts[pupil.id, key_of(facts.lesson_subject(pupil.id, t), day, slot)] += 1
    return dict(counts)


def verify_term(school: SchoolData, rotas: dict[int, dict[str, Any]]) -> TermReport:
    """Judge the term's rotas, `rotas[w]` the rota of term week w (from 1; weeks not planned
    are left out), against the school file with its `term`."""
    weeks = week_count(school)
    report = TermReport({}, labels=week_labels(school))
    total: dict[tuple[str, str], list[int]] = defaultdict(list)
    for w, rota in sorted(rotas.items()):
        data = week_input(school, w, rota)
        report.weeks[w] = verify_week(data, rota)
        for key, n in withdrawals(data, rota).items():
            total[key] += [w] * n
        report.violations += _programmes(school, w, weeks, rota)
        report.violations += _fading(school, w, data, rota)
    limit = school.rules.rotate_withdrawals
    if limit is not None:
        for (pupil, subject), when in sorted(total.items()):
            if len(when) > limit:
                listed = ", ".join(str(w) for w in when)
                report.violations.append(
                    Violation(
                        "rotate_withdrawals",
                        f"{pupil} is withdrawn from {subject} {len(when)} times in the term (weeks {listed}); "
                        f"rules.rotate_withdrawals allows {limit}",
                    )
                )
    return report


def _shortfall_tasks(rota: dict[str, Any]) -> set[str]:
    given = rota.get("shortfalls") or []
    return {str(s.get("task")) for s in given if isinstance(s, dict)}


def _programmes(school: SchoolData, w: int, weeks: int, rota: dict[str, Any]) -> list[Violation]:
    held: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rota.get("assignments") or []:
        task = str(row.get("task", "")) if isinstance(row, dict) else ""
        if task.startswith("intervention:"):
            held[task[13:]].add((str(row.get("day")), str(row.get("slot"))))
    short = _shortfall_tasks(rota)
    out = []
    for iv in school.interventions:
        first, last = programme_span(iv, weeks)
        n = len(held.get(iv.id, ()))
        if not runs_in(iv, w, weeks):
            if n:
                out.append(
                    Violation(
                        "programme_span",
                        f"week {w}: {iv.id} holds {n} session(s) outside its programme (weeks {first}-{last})",
                    )
                )
        elif n < iv.sessions and f"intervention:{iv.id}" not in short:
            out.append(
                Violation(
                    "programme_completion",
                    f"week {w}: {iv.id} holds {n} of {iv.sessions} sessions and the rota reports no shortfall",
                )
            )
    return out


def _fading(school: SchoolData, w: int, data: SchoolData, rota: dict[str, Any]) -> list[Violation]:
    facts = Facts(data)
    rows, _ = parse_rows(facts, rota.get("assignments"))
    ix = Index.build(facts, rows)
    short = {str(s.get("task")): s for s in rota.get("shortfalls") or [] if isinstance(s, dict)}
    out = []
    for pupil in school.pupils:
        if pupil.ehcp is None:
            continue
        planned = planned_hours(pupil.ehcp, w)
        got = ix.pupil_minutes(facts, pupil.id, ix.ehc_slots(pupil.id))
        if got >= planned * 60 - EHC_TOLERANCE_MINUTES:
            continue
        reported = short.get(f"pupil:{pupil.id}")
        if reported is None or abs(float(reported.get("required") or 0) - planned) > 0.011:
            out.append(
                Violation(
                    "fade",
                    f"week {w}: {pupil.id} gets {got / 60:g} h, below the week's planned {planned:g} h, "
                    "and the rota reports no shortfall against those hours",
                )
            )
    return out
