"""The cheapest-staffing answer written out: as YAML, as a plot of the frontier, and on the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tasched.analysis.staffing import write_yaml
from tasched.analysis.staffmin.result import FrontierPoint, StaffMin
from tasched.io.files import write_atomic

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

__all__ = ["plot_frontier", "render", "write_result"]


def write_result(result: StaffMin, path: str | Path) -> None:
    """The answer and the frontier as YAML, written atomically."""
    write_yaml(result.to_dict(), path)


def plot_frontier(result: StaffMin, path: str | Path, cost_now: float | None = None) -> None:
    """A PNG of annual pay against EHC hours delivered a week, the statutory line marked."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    points = result.frontier
    if not points:
        return
    fig, ax = plt.subplots(figsize=(9, 5.5), dpi=120)
    _plot_points(ax, sorted(points, key=lambda p: p.annual_cost))
    _plot_marks(ax, result, points, cost_now)
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


def _plot_points(ax: Any, ordered: list[FrontierPoint]) -> None:
    """The frontier, cheapest first: a line, each point filled when medical cover and duties are met,
    and each labelled with the adults kept."""
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


def _plot_marks(ax: Any, result: StaffMin, points: list[FrontierPoint], cost_now: float | None) -> None:
    """The EHC hours required, the answer, and the current staffing."""
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


def render(result: StaffMin, console: Console) -> None:
    """The answer in a sentence, then the frontier as a table."""
    from rich.markup import escape

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
    if result.frontier:
        console.print(_frontier_table(result))


def _frontier_table(result: StaffMin) -> Table:
    """The frontier, one staffing a row: pay, saving, EHC hours and what falls short."""
    from rich.markup import escape
    from rich.table import Table

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
    return table
