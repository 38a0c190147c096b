"""Will the model fit? An estimate of a school's variables and memory before building it.

The decisions are counted from the compiled problem's candidate lists exactly as
:meth:`tasched.solver.model.RotaModel._create_variables` creates them (one Boolean
per candidate adult, slot and task); the whole model (demands, rules, goals, tiers)
is a measured multiple of that, and so is the memory CP-SAT needs, per search
worker. The figures are from benchmarks/size_estimate.py on benchmarks/instances
(see benchmarks/results/size-estimate.md).

A school whose estimate does not fit in the memory this machine has free is
refused before anything is built, with the figure and what to do instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tasched.errors import InputError, Problem
from tasched.problem.compile import Problem as Compiled

IN_CLASS = "in_class"

# Measured (benchmarks/results/size-estimate.md): all variables ÷ decisions, at most.
VARIABLES_PER_DECISION = 1.5
# Memory: the Python process with OR-Tools loaded, then per model variable for the
# model itself and per variable for each CP-SAT worker's copy of it.
BASE_MB = 150.0
MB_PER_VARIABLE = 0.003
MB_PER_VARIABLE_PER_WORKER = 0.001
HEADROOM = 0.8  # use at most this share of the memory available


@dataclass(frozen=True)
class Estimate:
    decisions: int  # Booleans for who does what, when
    variables: int  # the whole model, estimated
    megabytes: float  # peak memory of the solve, estimated
    workers: int

    def words(self) -> str:
        return (
            f"about {self.variables:,} variables ({self.decisions:,} assignment choices) and "
            f"{_size(self.megabytes)} of memory with {self.workers} worker{'s' if self.workers != 1 else ''}"
        )


def decisions(prob: Compiled) -> int:
    """The decision Booleans the model creates, counted from the candidate lists."""
    count = sum(len(row.candidates[t]) for row in prob.supports for t in row.slots)
    for pupil in prob.pupils:
        plan = pupil.ehcp
        if plan is None or plan.required_minutes == 0:
            continue
        for t in plan.slots:
            modes = sum(1 for mode in plan.modes if mode != IN_CLASS or t in pupil.place)
            count += modes * len(plan.candidates[t])
    for iv in prob.interventions:
        count += sum(1 + len(iv.candidates[t]) for t in iv.slots if iv.candidates[t])
    count += sum(len(duty.candidates[t]) for duty in prob.duties for t in duty.slots)
    count += sum(len(cover.candidates) for cover in prob.medical_covers)
    return count


def estimate(prob: Compiled, workers: int) -> Estimate:
    chosen = decisions(prob)
    variables = int(chosen * VARIABLES_PER_DECISION)
    workers = workers if workers > 0 else os.cpu_count() or 1  # 0: CP-SAT uses every core
    megabytes = BASE_MB + variables * (MB_PER_VARIABLE + MB_PER_VARIABLE_PER_WORKER * workers)
    return Estimate(chosen, variables, megabytes, workers)


def memory_available() -> float | None:
    """Megabytes of memory available now (MemAvailable), or None when it cannot be read."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (ValueError, OSError, AttributeError):
        return None


def check_fits(prob: Compiled, workers: int, available: float | None = None) -> Estimate:
    """The estimate; InputError when it does not fit in the memory available (with advice)."""
    guess = estimate(prob, workers)
    free = memory_available() if available is None else available
    if free is None or guess.megabytes <= free * HEADROOM:
        return guess
    advice = []
    if workers > 1:
        one = estimate(prob, 1)
        fits = " (which fits)" if one.megabytes <= free * HEADROOM else ""
        advice.append(f"--workers 1 ({_size(one.megabytes)}{fits})")
    advice += [
        "a longer --time-limit with fewer workers",
        "a machine with more memory, or a Ray cluster (tasched batch --ray ADDRESS)",
    ]
    raise InputError(
        [
            Problem(
                "",
                "",
                f"this school is too large for this machine: {guess.words()}, but only "
                f"{_size(free)} is free; try {'; or '.join(advice)}",
            )
        ]
    )


def _size(megabytes: float) -> str:
    return f"{megabytes / 1024:.1f} GB" if megabytes >= 1024 else f"{megabytes:.0f} MB"
