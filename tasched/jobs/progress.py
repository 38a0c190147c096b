"""Progress displays: one solve (from the CP-SAT solution callback) and a batch of schools.

On a terminal the display is drawn with rich and updated in place; when the
output is a file or a pipe every update is one plain line, so logs stay readable;
with `quiet` nothing is shown. Both write to the console they are given (the CLI
gives stderr, so stdout keeps only results).

A solve's update is the solution callback's dict: `elapsed`, `objective` and
`bound`, and, when the solver reports them, `ehc_hours_required` and
`ehc_hours_short` (the EHC-plan hours of the rota found so far).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.control import Control, ControlType
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from tasched.solution.words import amount, tier_label, tier_result

__all__ = ["BatchProgress", "SolveProgress", "gap_of", "school_line", "solve_line"]


def gap_of(objective: float, bound: float) -> float:
    """The relative gap between a rota's objective and the solver's bound (as in rota meta)."""
    if abs(objective - bound) < 1e-6:
        return 0.0
    return abs(objective - bound) / max(abs(objective), 1.0)


def solve_line(update: Mapping[str, Any], markup: bool = False) -> str:
    """One progress update as a line.

    A tier's result (`event: tier`) is a sentence in the school's words; an improving
    rota within a tier shows the tier, what is still short and the least it can be.
    The single weighted solve's updates (objective and bound) show those figures.
    """
    if update.get("event") == "tier":
        return "  " + tier_result(update)
    if "objective" in update:
        objective, bound = float(update["objective"]), float(update["bound"])
        gap = gap_of(objective, bound)
        text = f"  {update['elapsed']:6.1f} s  objective {objective:,.0f}  bound {bound:,.0f}  gap {gap:.1%}"
        return text
    label = tier_label(update)
    unit = str(update.get("unit", "minutes"))
    short, bound = float(update["short"]), float(update.get("bound") or 0)
    elapsed = f"  {float(update.get('elapsed', 0)):6.1f} s  " if "elapsed" in update else "  "
    best = amount(short, unit)
    if markup:
        best = f"[bold]{best}[/]"
    if update.get("tier") in ("soft_goals", "weighted"):
        return f"{elapsed}improving {label}: {best}"
    text = f"{elapsed}solving {label}: {best} short"
    if bound > 0 and bound < short:
        text += f", at least {amount(bound, unit)} in any rota"
    return text


class SolveProgress:
    """A single solve's progress: notes, each tier's result, and improving rotas.

    On a terminal the latest rota's line is redrawn in place and each tier's result
    stays on screen; otherwise each tier's result is a line, and improving rotas a
    line at most every `every` seconds, so logs stay short.
    """

    def __init__(self, console: Console, *, quiet: bool = False, live: bool | None = None, every: float = 5.0) -> None:
        self.console = console
        self.quiet = quiet
        self.live = console.is_terminal if live is None else live
        self.every = every
        self.started = time.perf_counter()
        self._last_line = -every
        self._drawn = False

    def note(self, text: str) -> None:
        """A message from the solve (e.g. the model's size), on its own line."""
        if self.quiet:
            return
        self._clear()
        self.console.print(escape(text))

    def update(self, update: Mapping[str, Any]) -> None:
        """A tier's result (a line that stays) or an improving rota (redrawn, or throttled)."""
        if self.quiet:
            return
        update = {"elapsed": time.perf_counter() - self.started, **update}
        if update.get("event") == "tier":
            self._clear()
            self.console.print(solve_line(update), markup=False, highlight=False, soft_wrap=True)
            return
        if not self.live:
            if update["elapsed"] - self._last_line >= self.every:
                self._last_line = update["elapsed"]
                self.console.print(solve_line(update), markup=False, highlight=False, soft_wrap=True)
            return
        self._clear()
        self.console.print(
            solve_line(update, markup=True),
            soft_wrap=False,
            no_wrap=True,
            overflow="ellipsis",
            crop=True,
        )
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn and self.live:
            self.console.control(Control((ControlType.CURSOR_UP, 1), (ControlType.ERASE_IN_LINE, 2)))
        self._drawn = False


def school_line(result: Mapping[str, Any], markup: bool = False) -> str:
    """One finished school of a batch, e.g. `a.yaml: feasible, gap 1.2%, 2 shortfalls, ...`."""

    def esc(text: str) -> str:
        return escape(text) if markup else text

    name = esc(str(result["file"]))
    status = str(result["status"])
    if result.get("error"):
        lines = str(result["error"]).splitlines() or [""]
        more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
        label = f"[red]{status}[/]" if markup else status
        return f"{name}: {label}: {esc(lines[0])}{more}"
    parts = [f"[green]{status}[/]" if markup and status == "optimal" else status]
    if result.get("gap") is not None:
        parts.append(f"gap {result['gap']:.1%}")
    if result.get("ehc_hours_required"):
        parts.append(f"EHC hours met {result['ehc_hours_met']:g} of {result['ehc_hours_required']:g}")
    count = int(result.get("shortfalls") or 0)
    parts.append(f"{count} shortfall{'s' if count != 1 else ''}")
    if result.get("cost_weekly") is not None:
        parts.append(f"£{result['cost_weekly']:,.2f} a week")
    if result.get("seconds") is not None:
        parts.append(f"{result['seconds']:.1f} s")
    return f"{name}: " + ", ".join(parts)


class BatchProgress:
    """A batch's progress: schools done, running and failed, and the time elapsed.

    Use as a context manager. On a terminal a rich progress bar stays at the
    bottom with each finished school printed above it; otherwise every finished
    school is a plain line `[done/total] file: ...`.
    """

    def __init__(self, console: Console, total: int, *, quiet: bool = False, live: bool | None = None) -> None:
        self.console = console
        self.total = total
        self.quiet = quiet
        self.live = console.is_terminal if live is None else live
        self.done = 0
        self.failed = 0
        self.running = 0
        self.started = time.perf_counter()
        self._progress: Progress | None = None
        self._task: Any = None

    def __enter__(self) -> BatchProgress:
        self.started = time.perf_counter()
        if self.live and not self.quiet:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("schools"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("running {task.fields[running]}  failed {task.fields[failed]}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._task = self._progress.add_task("batch", total=self.total, running=0, failed=0)
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def note(self, text: str) -> None:
        """A message about the batch as a whole."""
        if not self.quiet:
            self.console.print(escape(text))

    def set_running(self, running: int) -> None:
        """How many schools are being solved now."""
        self.running = running
        self._refresh()

    def finished(self, result: Mapping[str, Any]) -> None:
        """A school is done (solved or failed): count it and show its line."""
        self.done += 1
        if result.get("error"):
            self.failed += 1
        self._refresh()
        if self.quiet:
            return
        prefix = f"[{self.done}/{self.total}] "
        if self._progress is not None:
            self.console.print(escape(prefix) + school_line(result, markup=True))
        else:
            self.console.print(prefix + school_line(result), markup=False, highlight=False)

    def _refresh(self) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=self.done, running=self.running, failed=self.failed)
