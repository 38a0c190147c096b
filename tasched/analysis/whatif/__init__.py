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
extra) × paid_weeks × (1 + oncost), from the rota's exact minutes, exactly as the
rota's `kpis.cost` counts it.
Demands that the scenario makes impossible (diagnose's errors, such as a plan
needing two Team Teach adults when one is left) do not stop the comparison: they
are listed under the scenario's `impossible` and show up as statutory losses.

The parts: scenarios read and applied (`scenario`), a solved week measured
(`measure`), the comparison and its table (`result`), each scenario's paragraph
(`summary`) and the output (`output`); here the comparison and the command's job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tasched._version import __version__
from tasched.analysis.staffing import solve_settings
from tasched.analysis.whatif.measure import add_losses, annual_cost, cost_summary, measure, pay_by_adult, saving
from tasched.analysis.whatif.output import refuse_unknown_output, render, write_comparison
from tasched.analysis.whatif.result import Comparison, Outcome, comparison_table
from tasched.analysis.whatif.scenario import Scenario, apply_scenario, load_scenarios, parse_hours, split_items
from tasched.analysis.whatif.summary import summarise
from tasched.errors import InputError, Problem
from tasched.input.model import SchoolData
from tasched.io.files import refuse_overwriting_input
from tasched.io.formats import load_school
from tasched.problem.compile import compile_problem
from tasched.problem.diagnose import diagnose
from tasched.solution import solve as solve_week
from tasched.solution.rota import Rota

__all__ = [
    "Comparison",
    "Outcome",
    "Scenario",
    "annual_cost",
    "apply_scenario",
    "compare",
    "comparison_table",
    "cost_summary",
    "load_scenarios",
    "measure",
    "parse_hours",
    "pay_by_adult",
    "render",
    "saving",
    "summarise",
    "whatif_file",
    "write_comparison",
]

BASE_NAME = "current staffing"


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
    options = solve_settings(data, time_limit, seed, workers)
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
        _against_base(outcome, base)
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
    paid_weeks = school.school.paid_weeks
    try:
        rota = solve(school, **options)
    except Exception as error:  # a scenario that cannot be built must not stop the others
        pay = pay_by_adult(school)
        data.update(status="error", error=f"{type(error).__name__}: {error}", cost=cost_summary(pay, paid_weeks))
        return Outcome(scenario, "error", data, pay=pay)
    solved = rota if rota.status != "no_rota" else None
    pay = pay_by_adult(school, solved)
    data.update(
        status=rota.status,
        gap=rota.meta.get("gap"),
        seconds=rota.meta.get("seconds"),
        cost=cost_summary(pay, paid_weeks),
    )
    if solved is not None:
        data.update(measure(school, solved))
    return Outcome(scenario, rota.status, data, rota, pay=pay)


def _against_base(outcome: Outcome, base: Outcome) -> None:
    """Differences from the base: saving, and (when both were measured) what each demand loses."""
    outcome.data["saving_annual"] = saving(base.pay, outcome.pay)
    if "pupils" in outcome.data and "pupils" in base.data:
        add_losses(outcome.data, base.data)


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
        refuse_unknown_output(output)
    data = load_school(school_path)
    scenarios = _scenarios_given(remove, hours, absent)
    if scenarios_path is not None:
        scenarios += load_scenarios(scenarios_path)
    if not scenarios:
        raise InputError(
            [Problem("whatif", "", "give a scenario: --remove TA03,TA07, --hours TA05=20 or --scenarios FILE")]
        )
    result = compare(data, scenarios, time_limit=time_limit, seed=seed, workers=workers, log=log)
    result.meta["input"] = str(school_path)
    if output is not None:
        write_comparison(result, output)
    return result


def _scenarios_given(remove: Sequence[str], hours: Sequence[str], absent: Sequence[str]) -> list[Scenario]:
    """The one scenario of --remove, --hours and --absent, named after them (none without them)."""
    removed, changed = split_items(remove), parse_hours(hours)
    if not (removed or changed or absent):
        return []
    parts = [f"remove {', '.join(removed)}"] if removed else []
    parts += [f"{k} {v:g} h" for k, v in changed.items()]
    parts += [f"absent {a}" for a in absent]
    return [Scenario("; ".join(parts), removed, changed, list(absent))]
