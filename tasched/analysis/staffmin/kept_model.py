"""The exact method's model: the solver's own model of the statutory week (every hard rule,
:func:`tasched.solver.build_model`) with one Boolean "kept" per adult that every task of
theirs requires, a choice of contract among each adult's hour options, and their pay.
"""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from tasched.analysis.staffing import pay_factor
from tasched.analysis.staffmin.variants import INTERVENTIONS, STATUTORY
from tasched.input.model import SchoolData, Staff
from tasched.problem.compile import Adult, compile_problem
from tasched.problem.predicates import base_pay
from tasched.solver import build_model, complete_hint, extract_rows

__all__ = ["BIG", "CENTI", "KeptModel"]

CENTI = 10_000  # cost unit in the model: 1/100 of a penny (10,000 to the pound)
BIG = 10**9


def _centi_a_minute(spec: Staff) -> float:
    """The adult's pay a minute before on-costs, in the model's unit (unrounded: each
    coefficient is rounded to a whole number where it is made; the pay factor adds the
    on-costs after solving)."""
    return base_pay(spec.hourly_cost, 1, CENTI)


class KeptModel:
    """build_model() of the statutory school, plus kept/hours choices and their pay.

    Two bounds are variables whose domains change between solves: `budget` caps the
    weekly pay and `loss` caps the weighted statutory shortfall.
    """

    def __init__(self, stat: SchoolData, hour_options: dict[str, list[float]]) -> None:
        self.data = stat
        self.problem = compile_problem(stat)
        self.rm = build_model(self.problem)
        self.cp = self.rm.cp
        self.factor = pay_factor(stat)
        self.kept: dict[int, cp_model.IntVar] = {}
        self.choice: dict[tuple[int, float], cp_model.IntVar] = {}
        pay_terms: list[Any] = []  # pay for contracted hours
        extra_terms: list[Any] = []  # overtime and duties paid extra
        used = self._contract_minutes()
        top = 0
        for adult in self.problem.adults:
            spec = stat.staff[adult.index]
            options = hour_options.get(adult.id, [spec.hours])
            top += self._add_adult(adult, spec, options, used.get(adult.index, []), pay_terms, extra_terms)
        self._require_kept()
        extra_terms += self._duties_paid_extra()
        self.pay = sum(pay_terms)
        self.cost = self.pay + sum(extra_terms)
        self.penalties = [p for p in self.rm.penalties if p.family in (*STATUTORY, INTERVENTIONS)]
        self.weighted = sum(p.weight * p.expr for p in self.penalties)
        self.amount = self._amounts()
        self.budget = self.cp.new_int_var(0, max(top, 1), "budget")
        self.loss = self.cp.new_int_var(0, BIG, "loss")
        self.cp.add(self.pay <= self.budget)
        self.cp.add(self.weighted <= self.loss)
        self._top = max(top, 1)

    def _contract_minutes(self) -> dict[int, list[Any]]:
        """Adult -> the minutes of each contract task they may take (a term per literal)."""
        used: dict[int, list[Any]] = {}
        for (a, t), literals in self.rm.contract_places.items():
            used.setdefault(a, []).extend(self.problem.slots[t].minutes * lit for lit in literals)
        return used

    def _add_adult(
        self,
        adult: Adult,
        spec: Staff,
        options: list[float],
        used: list[Any],
        pay_terms: list[Any],
        extra_terms: list[Any],
    ) -> int:
        """The adult's kept Boolean, one contract among `options` when kept, the contract tasks
        fitting it, and their overtime paid; returns the most the adult can cost a week."""
        cp = self.cp
        kept = cp.new_bool_var(f"kept[{adult.index}]")
        self.kept[adult.index] = kept
        per_minute = _centi_a_minute(spec)
        picks = []
        minutes: Any = 0
        for h in options:
            pick = cp.new_bool_var(f"hours[{adult.index},{h:g}]")
            self.choice[adult.index, h] = pick
            picks.append(pick)
            pay_terms.append(round(per_minute * h * 60) * pick)
            minutes += round(h * 60) * pick
        cp.add(sum(picks) == kept)
        work = sum(used)
        room = round(spec.overtime_hours * 60)
        # Contract tasks fit the chosen hours; nothing at all for an adult not kept.
        cp.add(work <= minutes + (room - adult.liaison_minutes) * kept)
        if room > 0 and spec.hourly_cost:
            overtime = cp.new_int_var(0, room, f"overtime_paid[{adult.index}]")
            cp.add(overtime >= work - minutes)
            extra_terms.append(round(per_minute) * overtime)
        return round(per_minute * max(options) * 60)

    def _require_kept(self) -> None:
        """Every task of an adult's requires the adult kept."""
        for (a, _), literals in self.rm.places.items():
            for lit in literals:
                self.cp.add_implication(lit, self.kept[a])

    def _duties_paid_extra(self) -> list[Any]:
        """The pay of the duties paid on top of the contract."""
        terms: list[Any] = []
        for (a, j, t), var in self.rm.duty.items():
            spec = self.data.staff[a]
            if self.problem.duties[j].paid_extra and spec.hourly_cost:
                terms.append(round(_centi_a_minute(spec) * self.problem.slots[t].minutes) * var)
        return terms

    def _amounts(self) -> dict[str, cp_model.IntVar]:
        """Statutory task -> a variable equal to its shortfall."""
        amount: dict[str, cp_model.IntVar] = {}
        for n, p in enumerate(self.penalties):
            var = self.cp.new_int_var(0, BIG, f"amount[{n}]")
            self.cp.add(var == p.expr)
            amount[p.task] = var
        return amount

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
