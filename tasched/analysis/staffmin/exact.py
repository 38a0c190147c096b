"""The exact method: one CP-SAT model (:class:`KeptModel`) solved repeatedly, descending in budget.

First the least statutory loss with every adult kept; then, each round, (A) the least
loss within a smaller budget and (B) the least pay for that loss. Each (A) whose proven
least loss exceeds the full staff's proves the staffing before it is the cheapest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from tasched.analysis.staffmin.frontier import pareto, point
from tasched.analysis.staffmin.kept_model import CENTI, KeptModel
from tasched.analysis.staffmin.result import FrontierPoint, StaffMin
from tasched.analysis.staffmin.variants import annual_pay, hour_options, proof, shortfalls, subset
from tasched.input.model import SchoolData
from tasched.solution import solve

__all__ = ["MAX_ROUNDS", "exact"]

MAX_ROUNDS = 40  # budget descents, at most
SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass
class Found:
    """One staffing found by the descent: its pay, its loss and its statutory rows."""

    pay: int  # centipence a week
    loss: int
    kept: list[str]
    hours: dict[str, float]
    rows: list[dict[str, Any]]
    meets: bool
    bound: int  # lower bound on pay for its loss (when the solve proved it)
    optimal: bool


@dataclass
class Descent:
    """The staffings found, cheaper each round, and whether the last meeting one is proven cheapest."""

    model: KeptModel
    settings: dict[str, Any]
    targets: dict[str, int]  # statutory task -> the full staff's shortfall
    least: int  # the full staff's least weighted loss
    start: list[int]  # the last solution, the next solve's hint
    found: list[Found] = field(default_factory=list)
    proven: bool = False

    def run(self, frontier_points: int, log: Callable[[str], None]) -> None:
        """Descend until the budget leaves nobody, a solve fails, or the frontier is long enough."""
        loss = self.least
        for _ in range(MAX_ROUNDS):
            budget = self.found[-1].pay - 1 if self.found else None
            if budget is not None:
                least_within = self._least_loss(budget)
                if least_within is None:
                    break
                loss = least_within
            step = self._least_pay(budget, loss)
            if step is None:
                break
            self.found.append(step)
            verdict = "meets the statutory demands" if step.meets else "falls short"
            log(f"{len(step.kept)} adults, £{step.pay / CENTI * self.model.factor:,.0f} a year: {verdict}")
            short = sum(1 for f in self.found if not f.meets)
            if not step.kept or short >= frontier_points - 1:
                break

    def _minimize(
        self, objective: Any, *, budget: int | None, loss: int | None
    ) -> tuple[cp_model.CpSolver, Any] | None:
        """Minimise within the caps, hinted by the last solution (None: no solution in time)."""
        self.model.limit(budget=budget, loss=loss)
        self.model.cp.minimize(objective)
        solver, status = self.model.solve(self.settings, self.start)
        if status not in SOLVED:
            return None
        self.start = list(solver.response_proto.solution)
        return solver, status

    def _least_loss(self, budget: int) -> int | None:
        """(A) Within a smaller budget: the least statutory loss (None: no solution in time)."""
        solved = self._minimize(self.model.weighted, budget=budget, loss=None)
        if solved is None:
            return None
        solver, status = solved
        loss = round(solver.objective_value)
        if status == cp_model.OPTIMAL and loss > self.least and self.found[-1].meets:
            self.proven = True
        return loss

    def _least_pay(self, budget: int | None, loss: int) -> Found | None:
        """(B) The least pay for that loss (None: no solution in time)."""
        model = self.model
        solved = self._minimize(model.pay, budget=budget, loss=loss)
        if solved is None:
            return None
        solver, status = solved
        kept, hours = model.hours_of(solver)
        return Found(
            round(solver.objective_value),
            loss,
            kept,
            hours,
            model.rows(solver),
            all(solver.value(var) <= self.targets[task] for task, var in model.amount.items()),
            round(solver.best_objective_bound),
            status == cp_model.OPTIMAL,
        )


def exact(
    data: SchoolData,
    stat: SchoolData,
    keep_interventions: bool,
    step: float | None,
    settings: dict[str, Any],
    frontier_points: int,
    log: Callable[[str], None],
) -> StaffMin | None:
    """The cheapest staffing meeting what the full staff achieves, then the frontier below it
    (None when CP-SAT finds no staffing meeting it in time)."""
    full = solve(stat, **settings)
    if full.status == "no_rota":
        return None
    model = KeptModel(stat, hour_options(stat, step))
    notes = []
    if not model.hint_rows(full.assignments):
        notes.append("the full staff's rota did not complete as a hint; CP-SAT started cold")
    solver, status = model.solve(settings)
    if status not in SOLVED:
        return None
    targets = {task: solver.value(var) for task, var in model.amount.items()}
    least = round(solver.objective_value)
    log("full staff: " + ("meets every statutory demand" if least == 0 else "falls short"))
    descent = Descent(model, settings, targets, least, list(solver.response_proto.solution))
    descent.run(frontier_points, log)
    meeting = [f for f in descent.found if f.meets]
    if not meeting:
        return None
    best = meeting[-1]
    proven = descent.proven or (best.optimal and best.loss == least)
    result = _answer(data, stat, model, best, proven, keep_interventions, notes)
    if frontier_points > 1:
        below = [f for f in descent.found if not f.meets and f.pay < best.pay]
        result.frontier = _frontier(data, stat, best, below)
    return result


def _answer(
    data: SchoolData,
    stat: SchoolData,
    model: KeptModel,
    best: Found,
    proven: bool,
    keep_interventions: bool,
    notes: list[str],
) -> StaffMin:
    """The best staffing meeting the statutory demands, with its verified proof rota."""
    rota, ok, message = proof(stat, best.kept, best.hours, best.rows)
    result = StaffMin(
        method="exact",
        status="optimal" if proven else "feasible",
        kept=best.kept,
        removed=[s.id for s in data.staff if s.id not in best.kept],
        hours=best.hours,
        cost_now=annual_pay(data),
        cost_after=annual_pay(subset(data, best.kept, best.hours)),
        bound=None if proven else round(best.bound / CENTI * model.factor, 2),
        targets=shortfalls(rota, keep_interventions),
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
    return result


def _frontier(data: SchoolData, stat: SchoolData, best: Found, below: list[Found]) -> list[FrontierPoint]:
    """The answer and the cheaper staffings that fall short, those no other beats."""
    points = [point(data, stat, best.kept, best.hours, best.rows, "cheapest staffing meeting the statutory demands")]
    points += [point(data, stat, f.kept, f.hours, f.rows) for f in below]
    return pareto(points)
