"""Suggestions on the terminal: one table per cover, best candidate first, the plan,
and a legend; with nobody to cover, why not, in words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tasched.analysis.suggest.results import Cover, Suggestions, hm

if TYPE_CHECKING:
    from rich.console import Console


def render(result: Suggestions, console: Console, *, show_all: bool = False) -> None:
    """One table per task to cover, best candidate first; then the suggested plan and a legend."""
    from rich.markup import escape

    if not result.covers:
        console.print("nothing to cover: the absences leave no task and no lesson then")
        return
    for cover in result.covers:
        console.print(_cover_table(result, cover))
        if show_all and cover.ruled_out:
            for staff, reasons in sorted(cover.ruled_out.items()):
                console.print(f"  [dim]{escape(result.who(staff))}: {escape('; '.join(reasons))}[/]")
    if len(result.covers) > 1:
        console.print("[bold]suggested plan[/] (best pick for each, in time order):")
        for step in result.plan:
            who = result.who(step["staff"]) if step["staff"] else "nobody"
            extra = f", leaving {step['left_uncovered']}" if step.get("left_uncovered") else ""
            if step.get("hands_over"):
                extra = f", who hands {step['hands_over']['task']} to {step['hands_over']['to']}"
            console.print(escape(f"  {step['slot']}: {step['task']} → {who}{extra}"))
    console.print(
        "[dim]would: what the adult gives up to cover; contract left: their contracted time still free this "
        "week; changes: rota rows that move; knows them: already supports this pupil or class this week. "
        "--all lists every adult ruled out, and why.[/]"
    )
    console.print(f"[dim]{result.seconds:.2f} s[/]")


def _cover_table(result: Suggestions, cover: Cover) -> Any:
    """A cover's candidates; with none, why not, in words."""
    from rich.markup import escape
    from rich.table import Table

    was = f" (was {result.who(cover.was)})" if cover.was else ""
    if cover.teacher:
        was = f" ({result.who(cover.teacher)} away)"
    table = Table(title=escape(f"{cover.label}: {cover.task}{was}"), title_justify="left")
    for heading, justify in (("#", "right"), ("adult", "left"), ("would", "left"), ("contract left", "right"),
                             ("changes", "right"), ("notes", "left")):  # fmt: skip
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for n, cand in enumerate(cover.candidates, 1):
        would = {
            "free": "take it (free)",
            "joins": f"join {cand.drops}",
            "swap": f"hand {cand.drops} to {cand.swap_with}",
        }.get(cand.action, f"drop {cand.drops}")
        left = f"{cand.overtime_minutes} min overtime" if cand.overtime_minutes else hm(cand.room_minutes)
        notes = [f"no medical cover for {p}" for p in cand.medical_lost] + cand.warnings
        if cand.familiar:
            notes.append("knows them")
        row = (str(n), result.who(cand.staff), would, left, str(cand.changes), "; ".join(notes))
        table.add_row(*(escape(text) for text in row))
    if not cover.candidates:
        table.add_row("-", "nobody", "", "", "", escape(ruled_out_in_words(cover.ruled_out)))
    return table


def ruled_out_in_words(ruled_out: dict[str, list[str]]) -> str:
    """Why nobody can cover, most common reason first: `4 adults: not at work then; 2: ...`."""
    if not ruled_out:
        return "no adult works then"
    counts: dict[str, list[str]] = {}
    for staff, reasons in ruled_out.items():
        counts.setdefault(reasons[0] if reasons else "ruled out", []).append(staff)
    parts = []
    for reason, who in sorted(counts.items(), key=lambda item: (-len(item[1]), item[0])):
        shown = ", ".join(sorted(who)[:3]) + (f" and {len(who) - 3} more" if len(who) > 3 else "")
        parts.append(f"{shown}: {reason}")
    return "every adult is ruled out: " + "; ".join(parts)
