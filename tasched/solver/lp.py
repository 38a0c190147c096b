"""A linear programme kept as plain lists, solved by GLOP or PDLP, with a safe lower bound.

The bound is taken from the LP solver's dual values, not its objective: for any duals, the
Lagrangian minimised over the variables' box is a lower bound (Neumaier and
Shcherbina's safe bound), so GLOP's tolerances cannot make the bound invalid.
Used by :mod:`tasched.solver.bounds` for the EHC tier's bound.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable

from ortools.linear_solver import pywraplp

__all__ = ["INF", "Relaxation"]

INF = math.inf
# Measured on benchmarks/instances (2 cores): GLOP is quicker up to special-100's ~560,000
# nonzeros, PDLP on special-200's 1.1 million (14 s against GLOP's 30 s and more).
PDLP_FIRST_NONZEROS = 800_000
FIRST_SHARE = 0.6  # of the time left, for the first solver; the other has the rest


class Relaxation:
    """A linear programme kept as plain lists (to check GLOP's duals), solved by GLOP."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.objective: dict[int, float] = {}
        self.rows: list[tuple[float, float, list[int], list[float]]] = []

    def var(self, upper: float, lower: float = 0.0) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.lower) - 1

    def row(self, terms: Iterable[tuple[int, float]], lower: float = -INF, upper: float = INF) -> None:
        merged: dict[int, float] = defaultdict(float)
        for j, c in terms:
            merged[j] += c
        self.rows.append((lower, upper, list(merged), list(merged.values())))

    def row_if_binding(self, terms: list[tuple[int, float]], upper: float) -> None:
        """sum(terms) <= upper, written only when the variables' bounds allow more."""
        if sum(c * self.upper[j] for j, c in terms) > upper:
            self.row(terms, upper=upper)

    def solve(self, time_limit: float) -> float | None:
        """The safe bound from the first solver to reach an optimum: GLOP (simplex) first,
        PDLP (first-order, quicker on the largest) first above `PDLP_FIRST_NONZEROS`."""
        started = time.perf_counter()
        nonzeros = sum(len(index) for _, _, index, _ in self.rows)
        order = ("PDLP", "GLOP") if nonzeros > PDLP_FIRST_NONZEROS else ("GLOP", "PDLP")
        for attempt, name in enumerate(order):
            left = time_limit - (time.perf_counter() - started)
            if left <= 0:
                return None
            value = self._solve_with(name, left * (FIRST_SHARE if attempt == 0 else 1.0))
            if value is not None:
                return value
        return None

    def _solve_with(self, name: str, time_limit: float) -> float | None:
        solver = pywraplp.Solver.CreateSolver(name)
        if solver is None:
            return None
        infinity = solver.infinity()
        variables = [solver.NumVar(lo, up, "") for lo, up in zip(self.lower, self.upper, strict=True)]
        constraints = []
        for lo, up, index, coefs in self.rows:
            ct = solver.Constraint(-infinity if lo == -INF else lo, infinity if up == INF else up)
            for j, c in zip(index, coefs, strict=True):
                ct.SetCoefficient(variables[j], c)
            constraints.append(ct)
        objective = solver.Objective()
        for j, c in self.objective.items():
            objective.SetCoefficient(variables[j], c)
        objective.SetMinimization()
        solver.SetTimeLimit(max(1, int(time_limit * 1000)))
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return self.safe_bound([ct.dual_value() for ct in constraints])

    def safe_bound(self, duals: list[float]) -> float:
        """min c·x over the box, for any duals y: c·x = (c - Aᵀy)·x + y·(Ax), each part
        bounded below by its own bounds. Valid whatever y is, so GLOP's tolerances
        (or its sign conventions) can only weaken it."""
        reduced = [0.0] * len(self.lower)
        for j, c in self.objective.items():
            reduced[j] = c
        total = 0.0
        for (lo, up, index, coefs), y in zip(self.rows, duals, strict=True):
            if (y > 0 and lo == -INF) or (y < 0 and up == INF):
                continue  # that side is unbounded: this row contributes nothing (y taken as 0)
            if y == 0:
                continue
            total += y * lo if y > 0 else y * up
            for j, c in zip(index, coefs, strict=True):
                reduced[j] -= y * c
        for d, lo, up in zip(reduced, self.lower, self.upper, strict=True):
            total += min(d * lo, d * up)
        return total
