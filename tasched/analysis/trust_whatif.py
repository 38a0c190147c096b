"""Trust what-if: move an adult between schools, or share one with another school, and compare.

    tasched whatif --trust trust.yaml --move TA12:oak->elm
    tasched whatif --trust trust.yaml --share TA12:elm=Wed-Thu

`--move A:S->T`: adult A's staff row leaves school S's file and joins T's (same skills,
hours and pay); a shared adult's window at S becomes their window at T. `--share
A:T=WHEN`: adult A also works at school T in WHEN (their row copied into T's file), and
is a shared adult of the trust: at T in WHEN, at their own school(s) the rest of the
week, on one contract. The schools whose group the change touches are solved as the
trust is now and with the change (each coupled group as one model, the same seed and
time limit), and each school's EHC hours met, intervention sessions, class support and
weekly cost are compared.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasched.analysis.staffing import keep_staff, write_yaml
from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.input.trust import SharedAdult, TrustData, groups, site_window, slots_text
from tasched.input.week import shape_of
from tasched.input.when import WhenError, parse_when
from tasched.io.trust import load_trust
from tasched.solution.rota import Rota
from tasched.solution.trust import solve_group

__all__ = ["Change", "TrustComparison", "apply_changes", "compare_trust", "parse_move", "parse_share", "trust_whatif"]


@dataclass(frozen=True)
class Change:
    kind: str  # move | share
    adult: str
    source: str | None  # move: the school left
    target: str
    when: str | None = None  # share: the window at the target

    def __str__(self) -> str:
        if self.kind == "move":
            return f"move {self.adult} from {self.source} to {self.target}"
        return f"share {self.adult} with {self.target} ({self.when})"


def parse_move(text: str) -> Change:
    """`TA12:oak->elm`."""
    adult, sep, rest = text.partition(":")
    source, arrow, target = rest.partition("->")
    if not sep or not arrow or not adult.strip() or not source.strip() or not target.strip():
        raise InputError([Problem("--move", "", f"'{text}': write ADULT:FROM->TO, e.g. TA12:oak->elm")])
    return Change("move", adult.strip(), source.strip(), target.strip())


def parse_share(text: str) -> Change:
    """`TA12:elm=Wed-Thu`."""
    adult, sep, rest = text.partition(":")
    target, eq, when = rest.partition("=")
    if not sep or not eq or not adult.strip() or not target.strip() or not when.strip():
        raise InputError([Problem("--share", "", f"'{text}': write ADULT:SCHOOL=WHEN, e.g. TA12:elm=Wed-Thu")])
    return Change("share", adult.strip(), None, target.strip(), when.strip())


def _row_of(schools: dict[str, SchoolData], sid: str, adult: str, flag: str) -> Any:
    for a in schools[sid].staff:
        if a.id == adult:
            return a
    raise InputError([Problem(flag, "", f"{adult} is not in {sid}'s staff")])


def apply_changes(
    trust: TrustData, schools: dict[str, SchoolData], changes: Sequence[Change]
) -> tuple[TrustData, dict[str, SchoolData]]:
    """The trust and its schools with the changes made (copies; the inputs are untouched)."""
    trust = trust.model_copy(deep=True)
    schools = {sid: data.model_copy(deep=True) for sid, data in schools.items()}
    for change in changes:
        flag = "--move" if change.kind == "move" else "--share"
        for sid in (change.source, change.target):
            if sid is not None and sid not in schools:
                known = ", ".join(schools)
                raise InputError([Problem(flag, "", f"unknown school '{sid}'; the trust's schools are {known}")])
        shared = next((a for a in trust.shared_staff if a.id == change.adult), None)
        if any(a.id == change.adult for a in schools[change.target].staff):
            raise InputError([Problem(flag, "", f"{change.target} already has a staff row {change.adult}")])
        if change.kind == "move":
            _move(schools, change, shared, flag)
        else:
            _share(trust, schools, change, shared, flag)
    return trust, schools


def _move(schools: dict[str, SchoolData], change: Change, shared: SharedAdult | None, flag: str) -> None:
    """The adult's row (pins and absences left behind) from the source school to the target."""
    assert change.source is not None
    row = _row_of(schools, change.source, change.adult, flag)
    keep_staff(schools[change.source], lambda staff: staff != change.adult)
    target = schools[change.target]
    target.staff = [*target.staff, row.model_copy(update={"prefer": []})]
    if shared is not None:
        shared.schools = {(change.target if s == change.source else s): w for s, w in shared.schools.items()}


def _share(
    trust: TrustData, schools: dict[str, SchoolData], change: Change, shared: SharedAdult | None, flag: str
) -> None:
    """The adult's row copied into the target, and the adult shared: at the target in the window,
    at their own school the rest of the week (a new shared adult) or as before."""
    assert change.when is not None
    target = schools[change.target]
    try:
        window = parse_when(change.when, shape_of(target))
    except WhenError as error:
        raise InputError([Problem("--share", "", f"in {change.target}'s calendar: {error}")]) from None
    homes = list(shared.schools) if shared is not None else [
        sid for sid, data in schools.items() if any(a.id == change.adult for a in data.staff)
    ]  # fmt: skip
    if not homes:
        raise InputError([Problem("--share", "", f"{change.adult} is in no school's staff")])
    row = _row_of(schools, homes[0], change.adult, flag)
    target.staff = [*target.staff, row.model_copy(update={"prefer": []})]
    if shared is not None:
        shared.schools = {**shared.schools, change.target: change.when}
        return
    home = homes[0]
    rest = site_window(schools[home], row, None) - window
    trust.shared_staff.append(
        SharedAdult(
            id=change.adult,
            hours=row.hours,
            schools={home: slots_text(schools[home], rest) or row.available, change.target: change.when},
        )
    )


# The figures compared for each school, before and after, in the table's order.
FIGURES = ("ehc_hours_met", "sessions", "class_support_hours", "cost_weekly")


@dataclass
class TrustComparison:
    changes: list[Change]
    schools: list[str]
    before: dict[str, dict[str, Any]]
    after: dict[str, dict[str, Any]]
    rows: list[dict[str, Any]] = field(default_factory=list)


def measure_school(rota: Rota, data: SchoolData) -> dict[str, Any]:
    """EHC hours met, intervention sessions, class support hours and weekly cost of one school's rota."""
    kpis = rota.kpis or {}
    pupils = (kpis.get("pupils") or {}).values()
    minutes = {s.id: s.minutes for s in data.calendar.slots}
    class_minutes = sum(minutes[r["slot"]] for r in rota.assignments if str(r["task"]).startswith("class:"))
    return {
        "status": rota.status,
        "ehc_hours_required": round(sum(float(p["ehc_hours_required"]) for p in pupils), 2),
        "ehc_hours_met": round(
            sum(min(float(p["ehc_hours_delivered"]), float(p["ehc_hours_required"])) for p in pupils), 2
        ),
        "sessions": sum(int(k["sessions_delivered"]) for k in (kpis.get("interventions") or {}).values()),
        "class_support_hours": round(class_minutes / 60, 2),
        "cost_weekly": (kpis.get("cost") or {}).get("weekly"),
    }


def _solve(
    trust: TrustData, schools: dict[str, SchoolData], only: set[str], options: dict[str, Any],
    log: Callable[[str], None] | None,
) -> dict[str, dict[str, Any]]:  # fmt: skip
    out: dict[str, dict[str, Any]] = {}
    for group in groups(trust):
        if not set(group) & only:
            continue
        if log:
            log(f"solving {' + '.join(group)}")
        rotas = solve_group(trust, {sid: schools[sid] for sid in group}, **options)
        for sid, rota in rotas.items():
            out[sid] = measure_school(rota, schools[sid])
    return out


def compare_trust(
    trust: TrustData,
    schools: dict[str, SchoolData],
    changes: Sequence[Change],
    *,
    log: Callable[[str], None] | None = None,
    **options: Any,
) -> TrustComparison:
    """Solve the touched groups before and after the changes; one row per school with the differences."""
    after_trust, after_schools = apply_changes(trust, schools, changes)
    named = {c.target for c in changes} | {c.source for c in changes if c.source} | {
        s for a in trust.shared_staff if a.id in {c.adult for c in changes} for s in a.schools
    }  # fmt: skip
    touched = {s for g in groups(trust) + groups(after_trust) if set(g) & named for s in g}
    before = _solve(trust, schools, touched, options, log)
    after = _solve(after_trust, after_schools, touched, options, log)
    result = TrustComparison(list(changes), [s.id for s in trust.schools if s.id in touched], before, after)
    for sid in result.schools:
        b, a = before[sid], after[sid]
        row: dict[str, Any] = {"school": sid}
        for key in FIGURES:
            row[key] = {"before": b[key], "after": a[key], "change": _delta(b[key], a[key])}
        row["ehc_hours_required"] = a["ehc_hours_required"]
        result.rows.append(row)
    return result


def _delta(before: Any, after: Any) -> float | None:
    if before is None or after is None:
        return None
    return round(float(after) - float(before), 2)


def trust_whatif(
    trust_path: str | os.PathLike[str],
    *,
    move: Sequence[str] = (),
    share: Sequence[str] = (),
    output: str | Path | None = None,
    log: Callable[[str], None] | None = None,
    **options: Any,
) -> TrustComparison:
    """Load the trust, compare it with the changes, and (with `output`) write the comparison as YAML."""
    changes = [parse_move(m) for m in move] + [parse_share(s) for s in share]
    if not changes:
        raise InputError([Problem("--trust", "", "name a change: --move ADULT:FROM->TO or --share ADULT:SCHOOL=WHEN")])
    files = load_trust(trust_path)
    problems = [p for ps in files.problems.values() for p in ps]
    if problems:
        raise InputError(problems)
    result = compare_trust(files.trust, files.schools, changes, log=log, **options)
    if output is not None:
        write_yaml({"changes": [str(c) for c in changes], "schools": result.rows}, output)
    return result


def table(result: TrustComparison) -> tuple[list[str], list[list[str]]]:
    """Rows of text for the terminal: per school, each figure before → after (change)."""
    head = ["School", "EHC hours met", "Sessions", "Class support (h)", "Cost a week (£)"]
    body = []
    for row in result.rows:
        cells = [row["school"]]
        for key in FIGURES:
            v = row[key]
            change = v["change"]
            sign = "" if change is None else f" ({change:+g})"
            cells.append(f"{_num(v['before'])} → {_num(v['after'])}{sign}")
        body.append(cells)
    return head, body


def _num(value: Any) -> str:
    return "–" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")
