"""What-if: solve the school as it is and under staffing scenarios, and compare them.

A scenario removes adults, changes contracted hours and/or adds absences. Each is
applied to a copy of the school and solved with the same seed, time limit and
workers as the base; the comparison gives, for each scenario, the annual cost and
the saving, the EHC hours lost per pupil, the intervention sessions lost, the class
support lost, the duties unfilled, medical cover missed and rotation measures, and
a plain-language summary:

    data = tasched.load("examples/primary-1fe.yaml")
    result = compare(data, [Scenario("lose two", remove=["S03", "S07"])], time_limit=10)
    print(result.scenarios[1].summary)

Annual cost is pay: hourly cost × (contracted hours + overtime used + duties paid
extra) × paid_weeks × (1 + oncost), exactly as the rota's `kpis.cost` counts it.
Demands that the scenario makes impossible (diagnose's errors, such as a plan
needing two Team Teach adults when one is left) do not stop the comparison: they
are listed under the scenario's `impossible` and show up as statutory losses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import yaml

from tasched._version import __version__
from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.input.overrides import apply_overrides
from tasched.input.when import nearest
from tasched.io.files import dump_yaml, refuse_overwriting_input, write_atomic
from tasched.io.formats import load_school
from tasched.problem.compile import compile_problem
from tasched.problem.diagnose import diagnose
from tasched.solution import solve as solve_week
from tasched.solution.rota import Rota

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "Comparison",
    "Outcome",
    "Scenario",
    "annual_cost",
    "apply_scenario",
    "compare",
    "load_scenarios",
    "parse_hours",
    "pay_by_adult",
    "render",
    "saving",
    "whatif_file",
    "write_comparison",
]

BASE_NAME = "current staffing"


@dataclass
class Scenario:
    """A staffing change: adults removed, contracted hours changed, absences added."""

    name: str
    remove: list[str] = field(default_factory=list)
    hours: dict[str, float] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)  # "TA05:Tue", as --absent

    def describe(self) -> str:
        """`Removing TA03 and TA07 and cutting TA05 to 20 h` (or the name)."""
        parts = []
        if self.remove:
            parts.append(f"Removing {_and(self.remove)}")
        changed = [f"{s} to {h:g} h" for s, h in self.hours.items()]
        if changed:
            parts.append(f"changing {_and(changed)}")
        if self.absent:
            parts.append(f"absences {_and(self.absent)}")
        if not parts:
            return self.name
        text = " and ".join(parts)
        return text[0].upper() + text[1:]


@dataclass
class Outcome:
    """One scenario's solved week, measured; `data` is the rota's figures."""

    scenario: Scenario
    status: str
    data: dict[str, Any]
    rota: Rota | None = None
    summary: str = ""
    pay: dict[str, tuple[float, float]] = field(default_factory=dict)  # adult -> annual pay


@dataclass
class Comparison:
    meta: dict[str, Any]
    scenarios: list[Outcome]  # the base first

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "scenarios": [{"name": o.scenario.name, "summary": o.summary, **o.data} for o in self.scenarios],
        }

    def table(self) -> tuple[list[str], list[tuple[str, list[Any]]]]:
        """Column names and (measure, value per scenario) rows, for the terminal and Excel."""
        return comparison_table(self)


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


def parse_hours(items: Sequence[str]) -> dict[str, float]:
    """`["TA05=20", "TA06=12.5"]` (or comma-joined) -> {"TA05": 20.0, "TA06": 12.5}."""
    hours: dict[str, float] = {}
    problems: list[Problem] = []
    for item in _split(items):
        staff, eq, value = item.partition("=")
        try:
            if not eq or not staff.strip():
                raise ValueError
            hours[staff.strip()] = float(value)
        except ValueError:
            problems.append(Problem(f"--hours {item!r}", "", "write STAFF=HOURS, e.g. TA05=20"))
    if problems:
        raise InputError(problems)
    return hours


def _split(items: Sequence[str]) -> list[str]:
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def load_scenarios(path: str | Path) -> list[Scenario]:
    """Read a scenario file: `scenarios: [{name, remove, hours, absent}, ...]` (or a bare list)."""
    where = str(path)
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(where, "", "no such file")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f"{where}:{mark.line + 1}" if mark else where
        raise InputError([Problem(at, "", f"not valid YAML: {error}")]) from None
    items = document.get("scenarios") if isinstance(document, dict) else document
    if not isinstance(items, list) or not items:
        raise InputError(
            [
                Problem(
                    where,
                    "scenarios",
                    "write a list of scenarios, each {name, remove: [ids], hours: {id: h}}",
                )
            ]
        )
    out: list[Scenario] = []
    problems: list[Problem] = []
    for n, item in enumerate(items):
        label = f"scenarios[{n}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, label, "a scenario is a mapping with name, remove, hours"))
            continue
        unknown = set(item) - {"name", "remove", "hours", "absent"}
        if unknown:
            problems.append(
                Problem(
                    where,
                    label,
                    f"unknown field(s) {', '.join(sorted(unknown))}; use name, remove, hours, absent",
                )
            )
            continue
        remove = item.get("remove") or []
        absent = item.get("absent") or []
        hours = item.get("hours") or {}
        if isinstance(remove, str):
            remove = _split([remove])
        if isinstance(absent, str):
            absent = [absent]
        if not isinstance(remove, list) or not isinstance(absent, list):
            problems.append(Problem(where, label, "remove and absent are lists"))
            continue
        if not isinstance(hours, dict) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in hours.values()
        ):
            problems.append(Problem(where, f"{label}.hours", "write hours as {STAFF: HOURS}"))
            continue
        name = str(item.get("name") or f"scenario {n + 1}")
        out.append(
            Scenario(
                name,
                [str(s) for s in remove],
                {str(k): float(v) for k, v in hours.items()},
                [str(a) for a in absent],
            )
        )
    names = [s.name for s in out]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(Problem(where, "name", f"two scenarios are named {name!r}; names are unique"))
    if problems:
        raise InputError(problems)
    return out


def apply_scenario(data: SchoolData, scenario: Scenario) -> SchoolData:
    """A copy of the school with the scenario's staff removed, hours changed and absences added.

    Removing an adult also removes their pins and absences. Raises InputError for
    an unknown adult or hours outside a contract's range (0 < h ≤ 60).
    """
    ids = [s.id for s in data.staff]
    problems: list[Problem] = []
    where = f"scenario {scenario.name!r}"
    for staff_id in [*scenario.remove, *scenario.hours]:
        if staff_id not in ids:
            hint = nearest(staff_id, ids)
            problems.append(
                Problem(
                    where,
                    staff_id,
                    "no such adult in the school" + (f"; did you mean {hint!r}?" if hint else ""),
                )
            )
    for staff_id, hours in scenario.hours.items():
        if not 0 < hours <= 60:
            problems.append(
                Problem(
                    where,
                    staff_id,
                    f"{hours:g} h is not a contract: use 0 < hours ≤ 60 (to take the adult out, use remove)",
                )
            )
        if staff_id in scenario.remove:
            problems.append(Problem(where, staff_id, "both removed and given new hours; choose one"))
    if problems:
        raise InputError(problems)
    gone = set(scenario.remove)
    copy = data.model_copy(deep=True)
    copy.staff = [s for s in copy.staff if s.id not in gone]
    for s in copy.staff:
        if s.id in scenario.hours:
            s.hours = scenario.hours[s.id]
    copy.pins = [p for p in copy.pins if p.staff not in gone]
    copy.absences = [a for a in copy.absences if a.staff not in gone]
    if scenario.absent:
        copy = apply_overrides(copy, list(scenario.absent), [])
    return SchoolData.model_validate(copy.model_dump(by_alias=True))


# ---------------------------------------------------------------------------
# Measuring a rota
# ---------------------------------------------------------------------------


def pay_by_adult(data: SchoolData, rota: Rota | None = None) -> dict[str, tuple[float, float]]:
    """Each adult's pay a year, unrounded: (contracted, overtime and extra duties)."""
    school = data.school
    factor = school.paid_weeks * (1 + school.oncost)
    staff_kpis = (rota.kpis.get("staff", {}) if rota is not None else {}) or {}
    out = {}
    for s in data.staff:
        if s.hourly_cost is None:
            continue
        k = staff_kpis.get(s.id, {})
        extra_hours = k.get("overtime_hours", 0.0) + k.get("extra_hours", 0.0)
        out[s.id] = (s.hourly_cost * s.hours * factor, s.hourly_cost * extra_hours * factor)
    return out


def annual_cost(data: SchoolData, rota: Rota | None = None) -> dict[str, float]:
    """Pay a year: contracted hours, plus the overtime and extra duties the rota uses.

    `contracted` = Σ hourly_cost × hours × paid_weeks × (1 + oncost); `extra` is
    the same for overtime and duties paid extra in the rota; `annual` is their sum.
    """
    pay = pay_by_adult(data, rota)
    contracted = sum(c for c, _ in pay.values())
    extra = sum(e for _, e in pay.values())
    return {
        "annual": round(contracted + extra, 2),
        "contracted": round(contracted, 2),
        "overtime_and_extra": round(extra, 2),
        "weekly": round((contracted + extra) / data.school.paid_weeks, 2),
    }


def saving(base: dict[str, tuple[float, float]], other: dict[str, tuple[float, float]]) -> float:
    """Annual saving, adult by adult (so an unchanged adult adds exactly nothing)."""
    total = 0.0
    for staff in sorted(set(base) | set(other)):
        before, after = base.get(staff, (0.0, 0.0)), other.get(staff, (0.0, 0.0))
        if before != after:
            total += (before[0] - after[0]) + (before[1] - after[1])
    return round(total, 2)


def measure(data: SchoolData, rota: Rota) -> dict[str, Any]:
    """The figures a comparison needs from one solved week."""
    kpis = rota.kpis or {}
    short = {s["task"]: s for s in rota.shortfalls}
    pupils = {
        pid: {
            "required": k["ehc_hours_required"],
            "delivered": min(k["ehc_hours_delivered"], k["ehc_hours_required"]),
        }
        for pid, k in kpis.get("pupils", {}).items()
    }
    interventions = {iid: k["sessions_delivered"] for iid, k in kpis.get("interventions", {}).items()}
    minutes = {s.id: s.minutes for s in data.calendar.slots}
    class_hours: dict[str, float] = {c: 0.0 for c in kpis.get("classes", {})}
    for row in rota.assignments:
        if str(row["task"]).startswith("class:"):
            c = row["task"][6:]
            class_hours[c] = class_hours.get(c, 0.0) + minutes[row["slot"]] / 60
    duties = {task[5:]: s["required"] - s["delivered"] for task, s in short.items() if task.startswith("duty:")}
    medical = {task[8:]: s["required"] - s["delivered"] for task, s in short.items() if task.startswith("medical:")}
    planned = [k for k in kpis.get("pupils", {}).values() if k["ehc_hours_required"] > 0]
    supported = [k for k in planned if k["ehc_hours_delivered"] > 0]
    rotation = {
        "mean_distinct_adults": round(sum(k["distinct_adults"] for k in supported) / len(supported), 2)
        if supported
        else 0.0,
        "largest_share": max((k["largest_share"] for k in planned), default=0.0),
        "pupils_with_one_adult": sum(1 for k in supported if k["distinct_adults"] == 1),
    }
    return {
        "pupils": pupils,
        "interventions": interventions,
        "class_support_hours": {c: round(h, 2) for c, h in class_hours.items()},
        "duties_unfilled": duties,
        "medical_uncovered": medical,
        "rotation": rotation,
    }


# ---------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------


def compare(
    data: SchoolData,
    scenarios: Sequence[Scenario],
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    solve: Callable[..., Rota] | None = None,
    log: Callable[[str], None] | None = None,
) -> Comparison:
    """Solve the base and each scenario with the same settings, and compare them."""
    if solve is None:
        solve = solve_week
    settings = data.rules.solver
    options = {
        "time_limit": settings.time_limit if time_limit is None else time_limit,
        "seed": settings.seed if seed is None else seed,
        "workers": settings.workers if workers is None else workers,
    }
    variants = [(Scenario(BASE_NAME), data)]
    variants += [(s, apply_scenario(data, s)) for s in scenarios]  # all input errors first
    outcomes: list[Outcome] = []
    for k, (scenario, school) in enumerate(variants, start=1):
        if log:
            left = (len(variants) - k + 1) * float(options["time_limit"])
            log(
                f"scenario {k} of {len(variants)}: {scenario.name} ({len(school.staff)} adults), "
                f"about {left:.0f} s left"
            )
        outcomes.append(_solve_one(scenario, school, solve, options))
    base = outcomes[0]
    for outcome in outcomes:
        _add_losses(outcome, base)
        outcome.summary = summarise(outcome, base)
    meta = {
        "tool": "tasched",
        "version": __version__,
        "kind": "whatif",
        "school": data.school.name,
        "paid_weeks": data.school.paid_weeks,
        "oncost": data.school.oncost,
        **options,
    }
    return Comparison(meta, outcomes)


def _solve_one(scenario: Scenario, school: SchoolData, solve: Callable[..., Rota], options: dict[str, Any]) -> Outcome:
    impossible = [f"{f.task}: {f.message}" for f in diagnose(compile_problem(school)) if f.severity == "error"]
    data: dict[str, Any] = {
        "changes": {"remove": scenario.remove, "hours": scenario.hours, "absent": scenario.absent},
        "adults": len(school.staff),
        "contracted_hours": round(sum(s.hours for s in school.staff), 2),
        "impossible": impossible,
    }
    try:
        rota = solve(school, **options)
    except Exception as error:  # a scenario that cannot be built must not stop the others
        data.update(status="error", error=f"{type(error).__name__}: {error}", cost=annual_cost(school))
        return Outcome(scenario, "error", data, pay=pay_by_adult(school))
    data.update(
        status=rota.status,
        gap=rota.meta.get("gap"),
        seconds=rota.meta.get("seconds"),
        cost=annual_cost(school, rota if rota.status != "no_rota" else None),
    )
    if rota.status != "no_rota":
        data.update(measure(school, rota))
    return Outcome(
        scenario,
        rota.status,
        data,
        rota,
        pay=pay_by_adult(school, rota if rota.status != "no_rota" else None),
    )


def _add_losses(outcome: Outcome, base: Outcome) -> None:
    """Differences from the base: saving, and what each demand loses (positive = worse)."""
    d, b = outcome.data, base.data
    d["saving_annual"] = saving(base.pay, outcome.pay)
    if "pupils" not in d or "pupils" not in b:
        return
    ehc_lost = {}
    for pid, now in d["pupils"].items():
        before = b["pupils"].get(pid, {}).get("delivered", now["delivered"])
        lost = round(before - now["delivered"], 2)
        if lost > 0:
            ehc_lost[pid] = lost
    d["ehc_hours_lost"] = ehc_lost
    d["ehc_hours_short"] = {
        pid: round(p["required"] - p["delivered"], 2)
        for pid, p in d["pupils"].items()
        if p["required"] - p["delivered"] > 0.004
    }
    d["intervention_sessions_lost"] = {
        iid: b["interventions"].get(iid, n) - n
        for iid, n in d["interventions"].items()
        if b["interventions"].get(iid, n) > n
    }
    d["class_support_hours_lost"] = {
        c: round(b["class_support_hours"].get(c, h) - h, 2)
        for c, h in d["class_support_hours"].items()
        if b["class_support_hours"].get(c, h) - h > 0.004
    }


def summarise(outcome: Outcome, base: Outcome) -> str:
    """One plain-language paragraph: the saving, then what it costs the pupils and the school."""
    d = outcome.data
    if outcome is base:
        short = d.get("ehc_hours_short", {})
        cost = f"Current staffing costs £{d['cost']['annual']:,.0f} a year"
        if outcome.status in ("no_rota", "error"):
            return f"{cost}; no rota was found ({outcome.status})."
        if short:
            return (
                f"{cost}; {_pupils(list(short))} already fall short by "
                f"{_hours(sum(short.values()))} statutory hours a week."
            )
        return f"{cost}; every EHC plan's hours are met."
    saving = d["saving_annual"]
    money = f"saves £{saving:,.0f} a year" if saving >= 0 else f"costs £{-saving:,.0f} a year more"
    parts = [f"{outcome.scenario.describe()} {money}"]
    if outcome.status in ("no_rota", "error"):
        parts.append(f"no rota could be built ({d.get('error', outcome.status)})")
        return "; ".join(parts) + "."
    lost = d.get("ehc_hours_lost", {})
    if lost:
        parts.append(f"{_pupils(list(lost))} lose {_hours(sum(lost.values()))} statutory hours a week")
    else:
        parts.append("no pupil loses statutory hours")
    stops = [i for i, n in d.get("intervention_sessions_lost", {}).items() if d["interventions"][i] == 0]
    fewer = [
        f"{i} loses {n} session{'s' if n != 1 else ''}"
        for i, n in d.get("intervention_sessions_lost", {}).items()
        if i not in stops
    ]
    if stops:
        parts.append(f"{_and(stops)} {'stops' if len(stops) == 1 else 'stop'}")
    parts.extend(fewer)
    class_lost = sum(d.get("class_support_hours_lost", {}).values())
    if class_lost > 0:
        parts.append(f"class support falls by {_hours(class_lost)} adult-hours a week")
    base_duties = base.data.get("duties_unfilled", {})
    duties = {k: v for k, v in d.get("duties_unfilled", {}).items() if v > base_duties.get(k, 0)}
    if duties:
        parts.append(f"{_and(sorted(duties))} duty left unfilled ({sum(duties.values()):g} adult-slots)")
    base_medical = base.data.get("medical_uncovered", {})
    medical = {k: v for k, v in d.get("medical_uncovered", {}).items() if v > base_medical.get(k, 0)}
    if medical:
        parts.append(f"medical cover missing for {_pupils(sorted(medical))}")
    if d.get("impossible"):
        parts.append(f"{len(d['impossible'])} plan(s) become impossible")
    return "; ".join(parts) + "."


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _pupils(ids: Sequence[str]) -> str:
    return ("pupil " if len(ids) == 1 else "pupils ") + _and(ids)


def _hours(value: float) -> str:
    return f"{round(value, 2):g}"


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def comparison_table(result: Comparison) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """Column names and (measure, value per scenario) rows, the base first."""
    outs = result.scenarios
    names = [o.scenario.name for o in outs]

    def row(label: str, get: Callable[[dict[str, Any]], Any]) -> tuple[str, list[Any]]:
        return label, [get(o.data) for o in outs]

    rows = [
        row("status", lambda d: d["status"]),
        row("adults", lambda d: d["adults"]),
        row("contracted hours a week", lambda d: d["contracted_hours"]),
        row("annual cost (£)", lambda d: d["cost"]["annual"]),
        row("annual saving (£)", lambda d: d["saving_annual"]),
        row("EHC hours lost a week", lambda d: round(sum(d.get("ehc_hours_lost", {}).values()), 2)),
        row("EHC hours short a week", lambda d: round(sum(d.get("ehc_hours_short", {}).values()), 2)),
        row("pupils losing EHC hours", lambda d: ", ".join(d.get("ehc_hours_lost", {})) or "-"),
        row(
            "intervention sessions lost",
            lambda d: sum(d.get("intervention_sessions_lost", {}).values()),
        ),
        row(
            "interventions stopped",
            lambda d: (
                ", ".join(
                    i
                    for i, n in d.get("interventions", {}).items()
                    if n == 0 and i in d.get("intervention_sessions_lost", {})
                )
                or "-"
            ),
        ),
        row(
            "class support lost (adult-h/week)",
            lambda d: round(sum(d.get("class_support_hours_lost", {}).values()), 2),
        ),
        row("duty adult-slots unfilled", lambda d: sum(d.get("duties_unfilled", {}).values())),
        row("medical slots uncovered", lambda d: sum(d.get("medical_uncovered", {}).values())),
        row("mean adults per EHC pupil", lambda d: d.get("rotation", {}).get("mean_distinct_adults")),
        row("largest share of one pupil", lambda d: d.get("rotation", {}).get("largest_share")),
        row("impossible plans", lambda d: len(d.get("impossible", []))),
    ]
    for pid in sorted({p for o in outs for p in o.data.get("pupils", {})}):
        values = [o.data.get("pupils", {}).get(pid, {}).get("delivered") for o in outs]
        rows.append((f"EHC hours {pid}", values))
    for iid in sorted({i for o in outs for i in o.data.get("interventions", {})}):
        rows.append((f"sessions {iid}", [o.data.get("interventions", {}).get(iid) for o in outs]))
    return names, rows


def write_comparison(result: Comparison, path: str | Path) -> None:
    """Write the comparison as YAML (everything) or Excel (one column per scenario)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        text = dump_yaml(result.to_dict()).encode("utf-8")

        def write(handle: IO[bytes]) -> None:
            handle.write(text)

        write_atomic(path, write)
    elif suffix == ".xlsx":
        write_atomic(path, lambda handle: _write_xlsx(result, handle))
    else:
        raise InputError([Problem(str(path), "", "write the comparison as .yaml or .xlsx")])


def _write_xlsx(result: Comparison, handle: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "compare"
    names, rows = result.table()
    sheet.append(["measure", *names])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for label, values in rows:
        sheet.append([label, *values])
    sheet.column_dimensions["A"].width = 36
    for n in range(len(names)):
        sheet.column_dimensions[get_column_letter(n + 2)].width = 20
    summary = book.create_sheet("summary")
    summary.append(["scenario", "summary"])
    for outcome in result.scenarios:
        summary.append([outcome.scenario.name, outcome.summary])
    impossible = book.create_sheet("impossible")
    impossible.append(["scenario", "problem"])
    for outcome in result.scenarios:
        for text in outcome.data.get("impossible", []):
            impossible.append([outcome.scenario.name, text])
    book.save(handle)


# ---------------------------------------------------------------------------
# Files and the terminal
# ---------------------------------------------------------------------------


def whatif_file(
    school_path: str | Path,
    *,
    remove: Sequence[str] = (),
    hours: Sequence[str] = (),
    absent: Sequence[str] = (),
    scenarios_path: str | Path | None = None,
    output: str | Path | None = None,
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    log: Callable[[str], None] | None = None,
) -> Comparison:
    """The command's job: the scenario from the options and/or the file, compared and written."""
    if output is not None:
        refuse_overwriting_input(output, school_path, *([scenarios_path] if scenarios_path else []))
        if Path(output).suffix.lower() not in (".yaml", ".yml", ".xlsx"):
            raise InputError([Problem(str(output), "", "write the comparison as .yaml or .xlsx")])
    data = load_school(school_path)
    scenarios: list[Scenario] = []
    removed, changed = _split(remove), parse_hours(hours)
    if removed or changed or absent:
        parts = [f"remove {', '.join(removed)}"] if removed else []
        parts += [f"{k} {v:g} h" for k, v in changed.items()]
        parts += [f"absent {a}" for a in absent]
        scenario = Scenario("; ".join(parts), removed, changed, list(absent))
        scenarios.append(scenario)
    if scenarios_path is not None:
        scenarios += load_scenarios(scenarios_path)
    if not scenarios:
        raise InputError(
            [
                Problem(
                    "whatif",
                    "",
                    "give a scenario: --remove TA03,TA07, --hours TA05=20 or --scenarios FILE",
                )
            ]
        )
    result = compare(data, scenarios, time_limit=time_limit, seed=seed, workers=workers, log=log)
    result.meta["input"] = str(school_path)
    if output is not None:
        write_comparison(result, output)
    return result


def render(result: Comparison, console: Console) -> None:
    """The side-by-side table, then each scenario's summary sentence."""
    from rich.markup import escape
    from rich.table import Table

    names, rows = result.table()
    table = Table(title=escape(f"what-if: {result.meta.get('school', '')}"), title_justify="left")
    table.add_column("measure", no_wrap=True)
    for name in names:
        table.add_column(escape(name), justify="right")
    for label, values in rows:
        detail = label.startswith(("EHC hours P", "sessions "))
        if detail and len({_cell(v) for v in values}) == 1:
            continue  # per pupil and per intervention: only what changes (all of it in the file)
        table.add_row(escape(label), *[escape(_cell(v)) for v in values])
    console.print(table)
    for outcome in result.scenarios[1:]:
        console.print(f"[bold]{escape(outcome.scenario.name)}[/]: {escape(outcome.summary)}")
        for text in outcome.data.get("impossible", []):
            console.print(f"  [yellow]impossible:[/] {escape(text)}")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
