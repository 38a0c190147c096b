"""Cheapest staffing: the least-cost set of the current adults that still meets the
statutory demands, and the frontier of cost against EHC hours delivered.

Statutory demands are every EHC plan's hours, medical cover and duties (and, with
`keep_interventions`, every intervention's sessions). Class support is what a cut
gives up, so it is left out of the search. Where the full staff cannot meet a
demand in full, the answer must do as well as the full staff does.

The exact method is one CP-SAT model: the solver's own model of the week (all
hard rules, :func:`tasched.solver.build_model`) with one Boolean "kept" per adult
that every task of theirs requires, each statutory shortfall held to what the full
staff achieves, and the pay of the kept adults minimised (optionally choosing each
adult's hours among reduced contracts, in steps). It returns the cheapest set
when CP-SAT proves it optimal, otherwise the best found with a bound.

The greedy method (`method="greedy"`, and the fallback) solves school variants:
it tries removing each adult in turn, most expensive first, and keeps each removal
whose solve still meets the statutory demands; then, with reduced hours allowed,
lowers each remaining contract in steps. A heuristic upper bound for large schools.

Every answer comes with a proof: the rota of the statutory demands on the chosen
staff, judged by the independent verifier (:func:`tasched.verify.verify`).

The frontier continues below the cheapest statutory staffing: for ever smaller
budgets, the staffing that loses the fewest statutory hours (EHC first, then medical
cover, then duties), so a SENCo can see how far a cut can go before plans fail.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from tasched._version import __version__
from tasched.input.model import SchoolData, Weights
from tasched.io.files import dump_yaml, refuse_overwriting_input, write_atomic
from tasched.io.formats import load_school, write_rota
from tasched.problem.compile import compile_problem
from tasched.problem.diagnose import diagnose
from tasched.solution import finish_rota, solve
from tasched.solution.rota import Rota
from tasched.solver import build_model, complete_hint, extract_rows
from tasched.verify import format_report, verify

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "FrontierPoint",
    "StaffMin",
    "annual_pay",
    "pareto",
    "plot_frontier",
    "render",
    "staff_min",
    "staff_min_file",
    "staffing_rota",
    "statutory_school",
    "write_result",
]

STATUTORY = ("ehcp_hours", "medical_cover", "duty_cover")  # penalty families of the model
INTERVENTIONS = "intervention_sessions"
CENTI = 10_000  # cost unit in the model: 1/100 of a penny
BIG = 10**9
MAX_ROUNDS = 40  # budget descents, at most


@dataclass
class FrontierPoint:
    """One staffing on the frontier: its pay and what it delivers."""

    annual_cost: float
    kept: list[str]
    removed: list[str]
    ehc_required: float
    ehc_delivered: float
    pupils_short: dict[str, float]
    medical_uncovered: int  # slots
    duties_unfilled: int  # adult-slots
    interventions_short: int  # sessions
    note: str = ""
    hours: dict[str, float] = field(default_factory=dict)  # reduced contracts

    def to_dict(self) -> dict[str, Any]:
        return {
            "annual_cost": self.annual_cost,
            "adults": len(self.kept),
            "removed": self.removed,
            "hours": self.hours,
            "ehc_hours_required": self.ehc_required,
            "ehc_hours_delivered": self.ehc_delivered,
            "pupils_short": self.pupils_short,
            "medical_slots_uncovered": self.medical_uncovered,
            "duty_adult_slots_unfilled": self.duties_unfilled,
            "intervention_sessions_short": self.interventions_short,
            "note": self.note,
        }


@dataclass
class StaffMin:
    method: str  # "exact" | "greedy"
    status: str  # "optimal" (proven cheapest) | "feasible" (best found) | "no_answer"
    kept: list[str]
    removed: list[str]
    hours: dict[str, float]  # reduced contracts among the kept
    cost_now: float  # annual pay, contracted, of the current staff
    cost_after: float
    bound: float | None  # the best proven lower bound on the cost (exact method)
    targets: dict[str, float]  # statutory tasks the full staff cannot meet in full: shortfall
    verified: bool
    verify_message: str
    proof: Rota | None  # the statutory rota on the kept staff
    frontier: list[FrontierPoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def saving(self) -> float:
        return round(self.cost_now - self.cost_after, 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": {"tool": "tasched", "version": __version__, "kind": "staff-min"},
            "method": self.method,
            "status": self.status,
            "kept": self.kept,
            "removed": self.removed,
            "hours": self.hours,
            "annual_cost_now": self.cost_now,
            "annual_cost_after": self.cost_after,
            "annual_saving": self.saving,
            "cost_bound": self.bound,
            "targets": self.targets,
            "verified": self.verified,
            "verify": self.verify_message,
            "frontier": [p.to_dict() for p in self.frontier],
            "notes": self.notes,
            "seconds": round(self.seconds, 2),
        }


# ---------------------------------------------------------------------------
# The school variants
# ---------------------------------------------------------------------------


def statutory_school(data: SchoolData, keep_interventions: bool = False) -> SchoolData:
    """The school with only statutory demands: no class support, no soft goals.

    Interventions stay with `keep_interventions`, or when their sessions count for
    EHC hours. Pins to tasks that are taken out go with them.
    """
    copy = data.model_copy(deep=True)
    copy.support = []
    copy.interventions = [iv for iv in copy.interventions if keep_interventions or iv.counts_for_ehcp]
    kept_ivs = {f"intervention:{iv.id}" for iv in copy.interventions}
    copy.pins = [
        p
        for p in copy.pins
        if not p.task.startswith("class:") and (not p.task.startswith("intervention:") or p.task in kept_ivs)
    ]
    copy.rules.weights = Weights(**{name: 0 for name in Weights.model_fields})
    return copy


def subset(data: SchoolData, kept: Sequence[str], hours: dict[str, float] | None = None) -> SchoolData:
    """The school with only the `kept` adults (their pins and absences with them)."""
    keep = set(kept)
    copy = data.model_copy(deep=True)
    copy.staff = [s for s in copy.staff if s.id in keep]
    for s in copy.staff:
        if hours and s.id in hours:
            s.hours = hours[s.id]
    copy.pins = [p for p in copy.pins if p.staff in keep]
    copy.absences = [a for a in copy.absences if a.staff in keep]
    return copy


def annual_pay(data: SchoolData, hours: dict[str, float] | None = None) -> float:
    """Contracted pay a year: Σ hourly_cost × hours × paid_weeks × (1 + oncost)."""
    factor = data.school.paid_weeks * (1 + data.school.oncost)
    total = 0.0
    for s in data.staff:
        if s.hourly_cost is not None:
            total += s.hourly_cost * (hours or {}).get(s.id, s.hours) * factor
    return round(total, 2)


def _statutory_tasks(keep_interventions: bool) -> tuple[str, ...]:
    return (*STATUTORY, INTERVENTIONS) if keep_interventions else STATUTORY


def _task_kinds(keep_interventions: bool) -> tuple[str, ...]:
    kinds = ("pupil:", "medical:", "duty:")
    return (*kinds, "intervention:") if keep_interventions else kinds


def _shortfalls(rota: Rota, keep_interventions: bool) -> dict[str, float]:
    """Statutory task -> amount short (hours, slots, adult-slots or sessions)."""
    kinds = _task_kinds(keep_interventions)
    return {s["task"]: round(s["required"] - s["delivered"], 2) for s in rota.shortfalls if s["task"].startswith(kinds)}


def _meets(rota: Rota, targets: dict[str, float], keep_interventions: bool) -> bool:
    if rota.status == "no_rota":
        return False
    short = _shortfalls(rota, keep_interventions)
    return all(amount <= targets.get(task, 0.0) + 0.011 for task, amount in short.items())


# ---------------------------------------------------------------------------
# The exact method: the solver's model with a "kept" Boolean per adult
# ---------------------------------------------------------------------------


class _KeptModel:
    """build_model() of the statutory school, plus kept/hours choices and their pay.

    Two bounds are variables whose domains change between solves: `budget` caps the
    weekly pay and `loss` caps the weighted statutory shortfall.
    """

    def __init__(self, stat: SchoolData, hour_options: dict[str, list[float]]) -> None:
        self.data = stat
        self.problem = compile_problem(stat)
        self.rm = build_model(self.problem)
        self.cp = self.rm.cp
        prob, cp = self.problem, self.cp
        self.factor = stat.school.paid_weeks * (1 + stat.school.oncost)
        self.kept: dict[int, cp_model.IntVar] = {}
        self.choice: dict[tuple[int, float], cp_model.IntVar] = {}
        pay_terms: list[Any] = []  # pay for contracted hours
        extra_terms: list[Any] = []  # overtime and duties paid extra
        used: dict[int, list[Any]] = {}
        for (a, t), literals in self.rm.contract_places.items():
            used.setdefault(a, []).extend(prob.slots[t].minutes * lit for lit in literals)
        top = 0
        for adult in prob.adults:
            spec = stat.staff[adult.index]
            kept = cp.new_bool_var(f"kept[{adult.index}]")
            self.kept[adult.index] = kept
            options = hour_options.get(adult.id, [spec.hours])
            per_minute = (spec.hourly_cost or 0.0) * CENTI / 60
            picks = []
            minutes: Any = 0
            for h in options:
                pick = cp.new_bool_var(f"hours[{adult.index},{h:g}]")
                self.choice[adult.index, h] = pick
                picks.append(pick)
                pay_terms.append(round(per_minute * h * 60) * pick)
                minutes += round(h * 60) * pick
            top += round(per_minute * max(options) * 60)
            cp.add(sum(picks) == kept)
            work = sum(used.get(adult.index, []))
            room = round(spec.overtime_hours * 60)
            # Contract tasks fit the chosen hours; nothing at all for an adult not kept.
            cp.add(work <= minutes + (room - adult.liaison_minutes) * kept)
            if room > 0 and spec.hourly_cost:
                overtime = cp.new_int_var(0, room, f"overtime_paid[{adult.index}]")
                cp.add(overtime >= work - minutes)
                extra_terms.append(round(per_minute) * overtime)
        for (a, _), literals in self.rm.places.items():
            for lit in literals:
                cp.add_implication(lit, self.kept[a])
        for (a, j, t), var in self.rm.duty.items():
            spec = stat.staff[a]
            if prob.duties[j].paid_extra and spec.hourly_cost:
                per_minute = spec.hourly_cost * CENTI / 60
                extra_terms.append(round(per_minute * prob.slots[t].minutes) * var)
        self.pay = sum(pay_terms)
        self.cost = self.pay + sum(extra_terms)
        self.penalties = [p for p in self.rm.penalties if p.family in (*STATUTORY, INTERVENTIONS)]
        self.weighted = sum(p.weight * p.expr for p in self.penalties)
        self.amount: dict[str, cp_model.IntVar] = {}
        for n, p in enumerate(self.penalties):
            var = cp.new_int_var(0, BIG, f"amount[{n}]")
            cp.add(var == p.expr)
            self.amount[p.task] = var
        self.budget = cp.new_int_var(0, max(top, 1), "budget")
        self.loss = cp.new_int_var(0, BIG, "loss")
        cp.add(self.pay <= self.budget)
        cp.add(self.weighted <= self.loss)
        self._top = max(top, 1)

    def limit(self, *, budget: int | None = None, loss: int | None = None) -> None:
        """Set (or lift, with None) the caps on weekly pay and on weighted loss."""
        variables = self.cp.proto.variables
        variables[self.budget.index].domain[1] = self._top if budget is None else max(budget, 0)
        variables[self.loss.index].domain[1] = BIG if loss is None else max(loss, 0)

    def hint_rows(self, rows: list[dict[str, Any]]) -> bool:
        """Hint the model with a rota of the full staff; True when the hint is complete."""
        rm = self.rm
        chosen = set()
        for row in rows:
            var = rm.decision_of(row)
            if var is not None:
                chosen.add(var.index)
        for store in (rm.class_support, rm.ehcp, rm.deliver, rm.duty):
            for var in store.values():
                self.cp.add_hint(var, var.index in chosen)
        self.cp.minimize(self.weighted)
        return complete_hint(rm) is not None

    def solve(self, settings: dict[str, Any], hint: list[int] | None = None) -> tuple[cp_model.CpSolver, Any]:
        if hint is not None:
            self.cp.clear_hints()
            for index, value in enumerate(hint):
                self.cp.add_hint(self.cp.get_int_var_from_proto_index(index), value)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = settings["time_limit"]
        params.random_seed = settings["seed"]
        params.num_workers = settings["workers"]
        if settings["workers"] == 1:
            params.max_deterministic_time = settings["time_limit"]
        status = solver.solve(self.cp)
        return solver, status

    def hours_of(self, solver: cp_model.CpSolver) -> tuple[list[str], dict[str, float]]:
        kept, hours = [], {}
        for adult in self.problem.adults:
            if not solver.boolean_value(self.kept[adult.index]):
                continue
            kept.append(adult.id)
            full = self.data.staff[adult.index].hours
            for (a, h), pick in self.choice.items():
                if a == adult.index and solver.boolean_value(pick) and h != full:
                    hours[adult.id] = h
        return kept, hours

    def rows(self, solver: cp_model.CpSolver) -> list[dict[str, Any]]:
        return extract_rows(self.rm, list(solver.response_proto.solution))


def _hour_options(data: SchoolData, step: float | None) -> dict[str, list[float]]:
    out = {}
    for s in data.staff:
        options = [s.hours]
        if step:
            k = 1
            while k * step < s.hours - 1e-9:
                options.append(round(k * step, 2))
                k += 1
        out[s.id] = options
    return out


def _proof(
    stat: SchoolData, kept: list[str], hours: dict[str, float], rows: list[dict[str, Any]]
) -> tuple[Rota, bool, str]:
    """The statutory rota on the kept staff, with its shortfalls and KPIs, and the verdict."""
    school = subset(stat, kept, hours)
    meta = {
        "tool": "tasched",
        "version": __version__,
        "format_version": 1,
        "status": "feasible",
        "objective": None,
        "bound": None,
        "gap": None,
        "seconds": 0,
        "seed": 0,
        "workers": 1,
    }
    rota = finish_rota(compile_problem(school), rows, meta)
    report = verify(school, rota.to_dict())
    return rota, report.ok, format_report(report)


@dataclass
class _Found:
    """One staffing found by the descent: its pay, its loss and its statutory rows."""

    pay: int  # centipence a week
    loss: int
    kept: list[str]
    hours: dict[str, float]
    rows: list[dict[str, Any]]
    meets: bool
    bound: int  # lower bound on pay for its loss (when the solve proved it)
    optimal: bool


def _exact(
    data: SchoolData,
    stat: SchoolData,
    keep_interventions: bool,
    step: float | None,
    settings: dict[str, Any],
    frontier_points: int,
    log: Callable[[str], None],
) -> StaffMin | None:
    """The cheapest staffing meeting what the full staff achieves, then the frontier below it.

    One model, solved repeatedly: (1) the least statutory loss with every adult kept;
    then, descending in budget, (A) the least loss within the budget and (B) the least
    pay for that loss. Each (A) whose proven least loss exceeds the full staff's proves
    the staffing before it is the cheapest.
    """
    full = solve(stat, **settings)
    if full.status == "no_rota":
        return None
    model = _KeptModel(stat, _hour_options(stat, step))
    notes = []
    if not model.hint_rows(full.assignments):
        notes.append("the full staff's rota did not complete as a hint; CP-SAT started cold")
    solver, status = model.solve(settings)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    targets = {task: solver.value(var) for task, var in model.amount.items()}
    least = round(solver.objective_value)
    log("full staff: " + ("meets every statutory demand" if least == 0 else "falls short"))
    start = list(solver.response_proto.solution)
    found: list[_Found] = []
    proven = False
    loss = least
    for _ in range(MAX_ROUNDS):
        if found:
            # (A) Within a smaller budget: the least statutory loss.
            model.limit(budget=found[-1].pay - 1, loss=None)
            model.cp.minimize(model.weighted)
            solver, status = model.solve(settings, start)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                break
            loss = round(solver.objective_value)
            if status == cp_model.OPTIMAL and loss > least and found[-1].meets:
                proven = True
            start = list(solver.response_proto.solution)
        # (B) The least pay for that loss.
        model.limit(budget=None if not found else found[-1].pay - 1, loss=loss)
        model.cp.minimize(model.pay)
        solver, status = model.solve(settings, start)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        start = list(solver.response_proto.solution)
        kept, hours = model.hours_of(solver)
        meets = all(solver.value(var) <= targets[task] for task, var in model.amount.items())
        pay = round(solver.objective_value)
        found.append(
            _Found(
                pay,
                loss,
                kept,
                hours,
                model.rows(solver),
                meets,
                round(solver.best_objective_bound),
                status == cp_model.OPTIMAL,
            )
        )
        verdict = "meets the statutory demands" if meets else "falls short"
        log(f"{len(kept)} adults, £{pay / CENTI * model.factor:,.0f} a year: {verdict}")
        beyond = sum(1 for f in found if not f.meets)
        if not kept or beyond >= frontier_points - 1:
            break
    meeting = [f for f in found if f.meets]
    if not meeting:
        return None
    best = meeting[-1]
    if best.optimal and best.loss == least:
        proven = True
    rota, ok, message = _proof(stat, best.kept, best.hours, best.rows)
    result = StaffMin(
        method="exact",
        status="optimal" if proven else "feasible",
        kept=best.kept,
        removed=[s.id for s in data.staff if s.id not in best.kept],
        hours=best.hours,
        cost_now=annual_pay(data),
        cost_after=annual_pay(subset(data, best.kept, best.hours)),
        bound=None if proven else round(best.bound / CENTI * model.factor, 2),
        targets=_shortfalls(rota, keep_interventions),
        verified=ok,
        verify_message=message,
        proof=rota,
        notes=notes,
    )
    if not proven:
        result.notes.append(
            "CP-SAT did not prove this the cheapest within the time limit: "
            "it is the best found (a heuristic upper bound)"
        )
    if frontier_points > 1:
        below = [f for f in found if not f.meets and f.pay < best.pay]
        result.frontier = [
            _point(
                data,
                stat,
                best.kept,
                best.hours,
                best.rows,
                "cheapest staffing meeting the statutory demands",
            )
        ]
        result.frontier += [_point(data, stat, f.kept, f.hours, f.rows) for f in below]
        result.frontier = pareto(result.frontier)
    return result


def _index(data: SchoolData, staff_id: str) -> int:
    return next(n for n, s in enumerate(data.staff) if s.id == staff_id)


# ---------------------------------------------------------------------------
# The greedy method: solve school variants
# ---------------------------------------------------------------------------


def _greedy(
    data: SchoolData,
    stat: SchoolData,
    keep_interventions: bool,
    step: float | None,
    settings: dict[str, Any],
    log: Callable[[str], None],
) -> StaffMin:
    full = solve(stat, **settings)
    targets = _shortfalls(full, keep_interventions) if full.status != "no_rota" else {}
    kept = [s.id for s in data.staff]
    hours: dict[str, float] = {}
    best = full

    def check(trial: list[str], trial_hours: dict[str, float]) -> Rota | None:
        school = subset(stat, trial, trial_hours)
        errors = [f for f in diagnose(compile_problem(school)) if f.severity == "error"]
        if errors:
            return None
        rota = solve(school, **settings)
        return rota if _meets(rota, targets, keep_interventions) else None

    def cost(s: Any) -> float:
        return (s.hourly_cost or 0.0) * s.hours

    order = sorted(data.staff, key=lambda s: (-cost(s), s.id))
    for k, spec in enumerate(order, start=1):
        trial = [a for a in kept if a != spec.id]
        # Never silent: which trial of how many, and about how long is left (a solve each).
        left = (len(order) - k + 1) * float(settings.get("time_limit") or 0)
        log(f"trial {k} of {len(order)}: without {spec.id}, about {left:.0f} s left")
        rota = check(trial, hours)
        log(f"without {spec.id}: {'meets' if rota else 'fails'} the statutory demands")
        if rota is not None:
            kept, best = trial, rota
    if step:
        for spec in sorted((s for s in data.staff if s.id in kept), key=lambda s: -cost(s)):
            options = sorted(h for h in _hour_options(data, step)[spec.id] if h < spec.hours)
            low, high = 0, len(options)  # binary search: fewer hours never helps
            while low < high:
                mid = (low + high) // 2
                rota = check(kept, {**hours, spec.id: options[mid]})
                if rota is not None:
                    high, best = mid, rota
                else:
                    low = mid + 1
            if low < len(options):
                hours[spec.id] = options[low]
                best = check(kept, hours) or best
    rota, ok, message = _proof(stat, kept, hours, best.assignments)
    return StaffMin(
        method="greedy",
        status="feasible",
        kept=kept,
        removed=[s.id for s in data.staff if s.id not in kept],
        hours=hours,
        cost_now=annual_pay(data),
        cost_after=annual_pay(subset(data, kept, hours), hours),
        bound=None,
        targets=targets,
        verified=ok,
        verify_message=message,
        proof=rota,
        notes=["greedy: a heuristic upper bound, not proven cheapest"],
    )


# ---------------------------------------------------------------------------
# The frontier
# ---------------------------------------------------------------------------


def _point(
    data: SchoolData,
    stat: SchoolData,
    kept: list[str],
    hours: dict[str, float],
    rows: list[dict[str, Any]],
    note: str = "",
) -> FrontierPoint:
    school = subset(stat, kept, hours)
    rota = finish_rota(compile_problem(school), rows, {})
    pupils = rota.kpis.get("pupils", {})
    required = sum(k["ehc_hours_required"] for k in pupils.values())
    delivered = sum(min(k["ehc_hours_delivered"], k["ehc_hours_required"]) for k in pupils.values())
    short = {s["task"]: s["required"] - s["delivered"] for s in rota.shortfalls}
    return FrontierPoint(
        annual_cost=annual_pay(subset(data, kept, hours), hours),
        kept=kept,
        removed=[s.id for s in data.staff if s.id not in kept],
        hours=hours,
        ehc_required=round(required, 2),
        ehc_delivered=round(delivered, 2),
        pupils_short={t[6:]: round(v, 2) for t, v in short.items() if t.startswith("pupil:")},
        medical_uncovered=int(sum(v for t, v in short.items() if t.startswith("medical:"))),
        duties_unfilled=int(sum(v for t, v in short.items() if t.startswith("duty:"))),
        interventions_short=int(sum(v for t, v in short.items() if t.startswith("intervention:"))),
        note=note,
    )


def pareto(points: list[FrontierPoint]) -> list[FrontierPoint]:
    """The points no other beats on pay and on every statutory measure, dearest first."""

    def worse(p: FrontierPoint, q: FrontierPoint) -> bool:  # q dominates p
        mine = (p.annual_cost, -p.ehc_delivered, p.medical_uncovered, p.duties_unfilled)
        theirs = (q.annual_cost, -q.ehc_delivered, q.medical_uncovered, q.duties_unfilled)
        return all(b <= a for a, b in zip(mine, theirs, strict=True)) and theirs != mine

    kept = [p for p in points if not any(worse(p, q) for q in points if q is not p)]
    return sorted(kept, key=lambda p: -p.annual_cost)


def _greedy_frontier(
    data: SchoolData,
    stat: SchoolData,
    answer: StaffMin,
    settings: dict[str, Any],
    points: int,
    log: Callable[[str], None],
) -> list[FrontierPoint]:
    """Below the greedy answer: remove the most expensive adult left, one at a time."""
    assert answer.proof is not None
    out = [
        _point(
            data,
            stat,
            answer.kept,
            answer.hours,
            answer.proof.assignments,
            "cheapest staffing found meeting the statutory demands",
        )
    ]
    kept = list(answer.kept)
    by_cost = {s.id: (s.hourly_cost or 0.0) * answer.hours.get(s.id, s.hours) for s in data.staff}
    while len(out) < points and len(kept) > 1:
        kept.remove(max(kept, key=lambda a: (by_cost[a], a)))
        rota = solve(subset(stat, kept, answer.hours), **settings)
        if rota.status == "no_rota":
            break
        point = _point(data, stat, list(kept), answer.hours, rota.assignments)
        log(f"frontier: £{point.annual_cost:,.0f} a year, {point.ehc_delivered:g} EHC hours")
        out.append(point)
    return out


# ---------------------------------------------------------------------------
# The whole job
# ---------------------------------------------------------------------------


def staff_min(
    data: SchoolData,
    *,
    keep_interventions: bool = False,
    reduced_hours_step: float | None = None,
    method: str = "auto",
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    frontier_points: int = 8,
    log: Callable[[str], None] | None = None,
) -> StaffMin:
    """The cheapest staffing meeting the statutory demands, and the frontier below it.

    method: "exact" (CP-SAT over the adults kept), "greedy" (remove adults one by
    one, solving each variant) or "auto" (exact, falling back to greedy).
    reduced_hours_step: also consider contracts cut in steps of this many hours.
    """
    started = time.perf_counter()
    say = log or (lambda text: None)
    rules = data.rules.solver
    settings = {
        "time_limit": rules.time_limit if time_limit is None else time_limit,
        "seed": rules.seed if seed is None else seed,
        "workers": rules.workers if workers is None else workers,
    }
    stat = statutory_school(data, keep_interventions)
    answer: StaffMin | None = None
    notes: list[str] = []
    if method in ("auto", "exact"):
        answer = _exact(data, stat, keep_interventions, reduced_hours_step, settings, frontier_points, say)
        if answer is None:
            notes.append("CP-SAT found no staffing within the time limit; the greedy method ran")
    if answer is None:
        answer = _greedy(data, stat, keep_interventions, reduced_hours_step, settings, say)
        answer.notes = [*notes, *answer.notes]
        if frontier_points > 1 and answer.proof is not None:
            answer.frontier = _greedy_frontier(data, stat, answer, settings, frontier_points, say)
    if any(s.hourly_cost is None for s in data.staff):
        missing = [s.id for s in data.staff if s.hourly_cost is None]
        answer.notes.append(f"no hourly_cost for {', '.join(missing)}: their pay counts as £0")
    if answer.targets:
        answer.notes.append(
            "the full staff cannot meet every statutory demand; the answer matches what it "
            "achieves: " + ", ".join(f"{t} short {v:g}" for t, v in answer.targets.items())
        )
    answer.seconds = time.perf_counter() - started
    return answer


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def write_result(result: StaffMin, path: str | Path) -> None:
    """The answer and the frontier as YAML, written atomically."""
    text = dump_yaml(result.to_dict()).encode("utf-8")

    def write(handle: IO[bytes]) -> None:
        handle.write(text)

    write_atomic(path, write)


def plot_frontier(result: StaffMin, path: str | Path, cost_now: float | None = None) -> None:
    """A PNG of annual pay against EHC hours delivered a week, the statutory line marked."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    points = result.frontier
    if not points:
        return
    fig, ax = plt.subplots(figsize=(9, 5.5), dpi=120)
    ordered = sorted(points, key=lambda p: p.annual_cost)
    xs = [p.annual_cost / 1000 for p in ordered]
    ys = [p.ehc_delivered for p in ordered]
    ax.plot(xs, ys, color="#1f77b4", zorder=1, label="cheapest staffing for what it delivers")
    full = [p for p in ordered if not p.medical_uncovered and not p.duties_unfilled]
    short = [p for p in ordered if p.medical_uncovered or p.duties_unfilled]
    ax.scatter(
        [p.annual_cost / 1000 for p in full],
        [p.ehc_delivered for p in full],
        s=30,
        color="#1f77b4",
        zorder=2,
        label="medical cover and duties met",
    )
    ax.scatter(
        [p.annual_cost / 1000 for p in short],
        [p.ehc_delivered for p in short],
        s=36,
        facecolors="white",
        edgecolors="#ff7f0e",
        linewidths=1.5,
        zorder=2,
        label="medical cover or duties short",
    )
    for n, p in enumerate(ordered):
        ax.annotate(
            f"{len(p.kept)}",
            (p.annual_cost / 1000, p.ehc_delivered),
            textcoords="offset points",
            xytext=(5, -12 if n % 2 else 6),
            fontsize=8,
        )
    required = points[0].ehc_required
    ax.axhline(required, color="#d62728", linestyle="--", label=f"EHC hours required ({required:g})")
    answer = points[0]
    ax.scatter(
        [answer.annual_cost / 1000],
        [answer.ehc_delivered],
        s=110,
        color="#2ca02c",
        zorder=3,
        label=f"cheapest meeting every plan ({len(answer.kept)} adults)",
    )
    now = result.cost_now if cost_now is None else cost_now
    ax.scatter(
        [now / 1000],
        [required],
        s=70,
        marker="s",
        color="#7f7f7f",
        zorder=3,
        label=f"current staffing ({len(result.kept) + len(result.removed)} adults)",
    )
    ax.text(0.01, 0.01, "numbers: adults kept", transform=ax.transAxes, fontsize=7, color="#555")
    ax.set_xlabel("annual pay (£ thousand)")
    ax.set_ylabel("EHC hours delivered a week")
    ax.set_title("How far can staffing be cut before statutory hours fail?")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="center right")
    fig.tight_layout()

    def write(handle: IO[bytes]) -> None:
        fig.savefig(handle, format="png")

    try:
        write_atomic(path, write)
    finally:
        plt.close(fig)


def staffing_rota(data: SchoolData, result: StaffMin, **settings: Any) -> Rota:
    """The full week's rota (class support and all) on the chosen staff, for a look at it."""
    return solve(subset(data, result.kept, result.hours), **settings)


def staff_min_file(
    school_path: str | Path,
    *,
    output: str | Path | None = None,
    plot: str | Path | None = None,
    rota: str | Path | None = None,
    log: Callable[[str], None] | None = None,
    **options: Any,
) -> StaffMin:
    """The command's job: load, search, then write the answer, the plot and the rota."""
    for path in (output, plot, rota):
        if path is not None:
            refuse_overwriting_input(path, school_path)
    data = load_school(school_path)
    result = staff_min(data, log=log, **options)
    if output is not None:
        write_result(result, output)
    if plot is not None:
        plot_frontier(result, plot)
    if rota is not None and result.kept:
        settings = {k: options[k] for k in ("time_limit", "seed", "workers") if k in options}
        full = staffing_rota(data, result, **settings)
        write_rota(full.to_dict(), rota)
        short = _shortfalls(full, options.get("keep_interventions", False))
        if any(v > result.targets.get(t, 0.0) + 0.011 for t, v in short.items()):
            result.notes.append(
                f"the full rota written to {rota} falls short of the statutory demands within "
                "the time limit (the proof rota meets them); give it a longer --time-limit"
            )
    return result


def render(result: StaffMin, console: Console) -> None:
    """The answer in a sentence, then the frontier as a table."""
    from rich.markup import escape
    from rich.table import Table

    proven = "the cheapest" if result.status == "optimal" else "the cheapest found"
    removed = ", ".join(result.removed) or "nobody"
    cut = ", ".join(f"{k} to {v:g} h" for k, v in result.hours.items())
    console.print(
        escape(
            f"{proven.capitalize()} staffing that meets every EHC plan, the medical cover and "
            f"the duties keeps {len(result.kept)} of {len(result.kept) + len(result.removed)} "
            f"adults (removes {removed}{'; cuts ' + cut if cut else ''}): "
            f"£{result.cost_after:,.0f} a year instead of £{result.cost_now:,.0f}, "
            f"saving £{result.saving:,.0f}."
        )
    )
    check = "[green]verified[/]" if result.verified else "[red]NOT verified[/]"
    console.print(
        f"Its statutory rota is {check} by the independent checker ({result.method}, "
        f"{result.status}, {result.seconds:.0f} s)."
    )
    if result.bound is not None:
        console.print(f"No staffing can cost less than £{result.bound:,.0f} a year (proven bound).")
    for note in result.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    if not result.frontier:
        return
    table = Table(
        title="cost against EHC hours delivered (medical: slots missed; duty: adult-slots short)",
        title_justify="left",
    )
    table.add_column("adults", justify="right", no_wrap=True)
    table.add_column("pay £/yr", justify="right", no_wrap=True)
    table.add_column("saving £", justify="right", no_wrap=True)
    table.add_column("EHC h/wk", justify="right", no_wrap=True)
    table.add_column("pupils short")
    table.add_column("medical", justify="right")
    table.add_column("duty", justify="right")
    table.add_column("removed", overflow="fold")
    for p in result.frontier:
        short = ", ".join(f"{k} −{v:g} h" for k, v in p.pupils_short.items()) or "-"
        gone = [*p.removed, *(f"{k}→{v:g}h" for k, v in p.hours.items())]
        table.add_row(
            str(len(p.kept)),
            f"{p.annual_cost:,.0f}",
            f"{result.cost_now - p.annual_cost:,.0f}",
            f"{p.ehc_delivered:g}/{p.ehc_required:g}",
            escape(short),
            str(p.medical_uncovered),
            str(p.duties_unfilled),
            escape(",".join(gone)),
        )
    console.print(table)
