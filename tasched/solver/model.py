"""The CP-SAT decision variables of a rota and the bookkeeping every rule shares.

A decision variable exists only where the task is possible: the adult works in
that slot, holds the task's skills, and the task can happen then (compiled in
:mod:`tasched.problem.compile`). Rules and demands then sum over prepared lists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from tasched.input.model import Demand, Priority
from tasched.problem.compile import Problem

Literal = cp_model.IntVar
IN_CLASS, WITHDRAWN = "in_class", "withdrawn"


@dataclass
class Penalty:
    """A named term of the objective, traceable to its source (a demand or a goal).

    family: the rule or goal that registered it, e.g. ``ehcp_hours``.
    task: what it concerns, e.g. ``pupil:P014`` (empty for school-wide goals).
    expr: the amount (minutes short, sessions missed, ...), minimised.
    weight: objective weight per unit (the single weighted solve; soft goals' weights).
    """

    family: str
    task: str
    expr: cp_model.LinearExprT
    weight: int
    demand: Demand | None = None  # the demand tier it belongs to; None for soft goals
    priority: Priority | None = None  # within duties, interventions and class support
    most: int | None = None  # the largest the amount can be (everything missed), when known


class RotaModel:
    """The CP-SAT model of one school week, with its variables indexed by dense ids."""

    def __init__(
        self,
        problem: Problem,
        previous: list[dict[str, Any]] | None = None,
        duty_history: dict[str, int] | None = None,
    ) -> None:
        self.problem = problem
        self.cp = cp_model.CpModel()
        self.penalties: list[Penalty] = []
        # Re-solves: last week's rows (minimal change) and duties done earlier this term.
        self.previous = previous
        self.duty_history = duty_history or {}
        # Decision variables (only those that can be true).
        self.class_support: dict[tuple[int, int, int], Literal] = {}  # (adult, support row, slot)
        self.ehcp: dict[tuple[int, int, int, str], Literal] = {}  # (adult, pupil, slot, mode)
        self.session: dict[tuple[int, int], Literal] = {}  # (intervention, slot)
        self.deliver: dict[tuple[int, int, int], Literal] = {}  # (adult, intervention, slot)
        self.lead: dict[tuple[int, int], Literal] = {}  # (adult, intervention): the deliverer
        self.duty: dict[tuple[int, int, int], Literal] = {}  # (adult, duty, slot)
        self.medical_cover: dict[tuple[int, str, int], Literal] = {}  # (adult, class, slot)
        self.liaison: dict[tuple[int, int, int], Literal] = {}  # (adult, teacher, slot): joint liaison
        self.liaison_met: dict[tuple[int, int], Literal] = {}  # (adult, teacher): they meet this week
        self.cover: dict[tuple[int, str, int], Literal] = {}  # (adult, class, slot): lesson cover
        # Derived per adult and slot: the places they could be (one literal per place).
        self.places: dict[tuple[int, int], list[Literal]] = defaultdict(list)
        self.contract_places: dict[tuple[int, int], list[Literal]] = defaultdict(list)
        self.busy: dict[tuple[int, int], Literal] = {}
        self.pin_literals: dict[int, str] = {}  # assumption literal -> the pin it holds
        self.ehc_delivered: dict[int, tuple[cp_model.LinearExprT, int]] = {}  # pupil -> (minutes, required)
        # Derived per pupil and slot: supported (0/1) in each mode.
        self.supported: dict[tuple[int, int, str], cp_model.LinearExprT] = {}
        # One variable per penalty family (its weighted total), so any solution's terms can be read.
        self.family_totals: dict[str, cp_model.IntVar] = {}
        self._create_variables()

    def total_families(self) -> None:
        """A variable holding each penalty family's weighted total (for meta.objective_terms)."""
        families: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
        for penalty in self.penalties:
            families[penalty.family].append(penalty.weight * penalty.expr)
        for family, terms in families.items():
            total = self.cp.new_int_var(0, 2**50, f"total[{family}]")
            self.cp.add(total == sum(terms))
            self.family_totals[family] = total

    def add_penalty(
        self,
        family: str,
        task: str,
        expr: cp_model.LinearExprT,
        weight: float,
        demand: Demand | None = None,
        priority: Priority | None = None,
        most: int | None = None,
    ) -> None:
        """Register a minimised term; zero weights are dropped (PyJobShop's idiom).

        A demand's term (`demand` given) is a shortfall in minutes, solved in its own tier.
        """
        scaled = round(weight * WEIGHT_SCALE)
        if scaled != 0:
            self.penalties.append(Penalty(family, task, expr, scaled, demand, priority, most))

    def _create_variables(self) -> None:
        prob, cp = self.problem, self.cp
        for k, row in enumerate(prob.supports):
            for t in row.slots:
                for a in row.candidates[t]:
                    self.class_support[a, k, t] = cp.new_bool_var(f"class[{a},{k},{t}]")
        for pupil in prob.pupils:
            plan = pupil.ehcp
            if plan is None or plan.required_minutes == 0:
                continue
            for t in plan.slots:
                for mode in plan.modes:
                    if mode == IN_CLASS and t not in pupil.place:
                        continue
                    for a in plan.candidates[t]:
                        self.ehcp[a, pupil.index, t, mode] = cp.new_bool_var(f"ehcp[{a},{pupil.index},{t},{mode}]")
        for iv in prob.interventions:
            for t in iv.slots:
                if not iv.candidates[t]:
                    continue
                self.session[iv.index, t] = cp.new_bool_var(f"session[{iv.index},{t}]")
                for a in iv.candidates[t]:
                    self.deliver[a, iv.index, t] = cp.new_bool_var(f"deliver[{a},{iv.index},{t}]")
        for duty in prob.duties:
            for t in duty.slots:
                for a in duty.candidates[t]:
                    self.duty[a, duty.index, t] = cp.new_bool_var(f"duty[{a},{duty.index},{t}]")
        for cover in prob.medical_covers:
            for a in cover.candidates:
                key = (a, cover.class_id, cover.slot)
                self.medical_cover[key] = cp.new_bool_var(f"medical_cover[{a},{cover.class_id},{cover.slot}]")
        for need in prob.cover_needs:
            for a in need.candidates:
                self.cover[a, need.class_id, need.slot] = cp.new_bool_var(f"cover[{a},{need.class_id},{need.slot}]")
        for partner in prob.liaison_partners:
            a, k = partner.adult, partner.teacher
            for t in partner.slots:
                self.liaison[a, k, t] = cp.new_bool_var(f"liaison[{a},{k},{t}]")

    def decision_of(self, row: dict[str, Any]) -> Literal | None:
        """The decision variable that would make this rota row, if it is still possible."""
        prob = self.problem
        adult = prob.adult_index.get(str(row.get("staff")))
        t = prob.slot_index.get((str(row.get("day")), str(row.get("slot"))))
        if adult is None or t is None:
            return None
        kind, _, target = str(row.get("task", "")).partition(":")
        if kind == "class":
            return next(
                (
                    self.class_support.get((adult, k, t))
                    for k, r in enumerate(prob.supports)
                    if r.class_id == target and (adult, k, t) in self.class_support
                ),
                self.medical_cover.get((adult, target, t)),
            )
        if kind == "pupil":
            p = prob.pupil_index.get(target)
            return None if p is None else self.ehcp.get((adult, p, t, str(row.get("mode"))))
        if kind == "intervention":
            i = next((iv.index for iv in prob.interventions if iv.id == target), None)
            return None if i is None else self.deliver.get((adult, i, t))
        if kind == "duty":
            j = next((d.index for d in prob.duties if d.id == target), None)
            return None if j is None else self.duty.get((adult, j, t))
        if kind == "cover":
            return self.cover.get((adult, target, t))
        if kind == "liaison":
            k = prob.teacher_index.get(target)
            return None if k is None else self.liaison.get((adult, k, t))
        return None

    # Indexes built once, so every rule is a sum over a prepared list.
    def ehcp_by_pupil_slot(self) -> dict[tuple[int, int, str], list[Literal]]:
        index: dict[tuple[int, int, str], list[Literal]] = defaultdict(list)
        for (_, p, t, mode), var in self.ehcp.items():
            index[p, t, mode].append(var)
        return index

    def sessions_by_pupil_slot(self) -> dict[tuple[int, int], list[tuple[int, Literal]]]:
        """(pupil, slot) -> [(intervention, session literal)]."""
        index: dict[tuple[int, int], list[tuple[int, Literal]]] = defaultdict(list)
        for (i, t), var in self.session.items():
            for p in self.problem.interventions[i].pupils:
                index[p, t].append((i, var))
        return index

    def duties_by_adult(self) -> dict[int, list[Literal]]:
        index: dict[int, list[Literal]] = defaultdict(list)
        for (a, _, _), var in self.duty.items():
            index[a].append(var)
        return index


# CP-SAT needs integer coefficients: weights are scaled by this and rounded.
WEIGHT_SCALE = 10
