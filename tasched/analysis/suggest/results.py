"""What suggest answers with: a Candidate (one adult who could cover, and at what cost),
a Cover (one task at one slot, with its candidates) and Suggestions (every cover, and
the plan). Kept apart from the judging so the CLI, the tests and the renderer share
one shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass
class Candidate:
    staff: str
    action: str  # "free" | "joins" | "swap" | "drops"
    drops: str | None = None  # the task given up, e.g. "class:Y1"
    drop_value: float = 0.0
    changes: int = 1  # rota rows changed
    used_minutes: int = 0  # contract minutes after the swap
    room_minutes: int = 0  # contracted time left (contract − liaison − used); < 0 is overtime
    overtime_minutes: int = 0
    medical_lost: list[str] = field(default_factory=list)  # pupils left without medical cover
    warnings: list[str] = field(default_factory=list)
    familiar: bool = False
    swap_with: str | None = None  # a swap: who takes this adult's own task
    swap_rows: list[Row] = field(default_factory=list)  # the rows the swap partner takes

    def key(self) -> tuple[Any, ...]:
        """The ranking: no medical cover lost, least given up, no overtime, most room, fewest changes."""
        return (
            len(self.medical_lost),
            self.drop_value,
            self.overtime_minutes > 0,
            -self.room_minutes,
            self.changes,
            not self.familiar,
            self.staff,
        )

    def why(self) -> str:
        if self.action == "free":
            head = "free"
        elif self.action == "joins":
            head = f"joins the group ({self.drops})"
        elif self.action == "swap":
            head = f"hands {self.drops} to {self.swap_with}"
        else:
            head = f"drops {self.drops}"
        parts = [head]
        if self.overtime_minutes:
            parts.append(f"{self.overtime_minutes} min overtime")
        else:
            parts.append(f"{hm(self.room_minutes)} of contract left")
        if self.familiar:
            parts.append("already works with them this week")
        parts += [f"medical cover lost: {p}" for p in self.medical_lost]
        parts += self.warnings
        return "; ".join(parts)

    def to_dict(self, rank: int) -> dict[str, Any]:
        return {
            "rank": rank,
            "staff": self.staff,
            "action": self.action,
            "drops": self.drops if self.action == "drops" else None,
            "hands_over": ({"task": self.drops, "to": self.swap_with} if self.action == "swap" else None),
            "changes": self.changes,
            "contract_minutes_after": self.used_minutes,
            "contract_minutes_left": self.room_minutes,
            "overtime_minutes": self.overtime_minutes,
            "medical_lost": self.medical_lost,
            "warnings": self.warnings,
            "familiar": self.familiar,
            "why": self.why(),
        }


def best_candidate(candidates: list[Candidate]) -> Candidate | None:
    """The first candidate with the lowest key (the ranking above), or None."""
    return min(candidates, key=Candidate.key, default=None)


@dataclass
class Cover:
    """One task at one slot that needs an adult: who had it, and who could take it."""

    slot: int
    label: str  # "Tue P3"
    task: str  # "pupil:P014" (a pooled group: "pupil:P014+P015")
    rows: list[Row]  # the rows a cover adult would take (staff field to be replaced)
    was: str | None
    candidates: list[Candidate] = field(default_factory=list)
    ruled_out: dict[str, list[str]] = field(default_factory=dict)
    medical_before: set[str] = field(default_factory=set)  # uncovered in the rota as it was
    teacher: str | None = None  # lesson cover: the absent teacher whose lesson it is

    def tasks(self) -> set[str]:
        """The task of each row to take, e.g. {"pupil:P014", "pupil:P015"}."""
        return {str(c["task"]) for c in self.rows}

    def to_dict(self) -> dict[str, Any]:
        first = self.rows[0]
        return {
            "slot": self.label,
            "task": self.task,
            "mode": first.get("mode"),
            "pupils": sorted({p for r in self.rows for p in r.get("pupils") or []}),
            "was": self.was,
            **({"teacher": self.teacher} if self.teacher else {}),
            "candidates": [c.to_dict(n + 1) for n, c in enumerate(self.candidates)],
            "ruled_out": [{"staff": s, "reasons": r} for s, r in sorted(self.ruled_out.items())],
        }


@dataclass
class Suggestions:
    covers: list[Cover]
    plan: list[dict[str, Any]]  # the top pick per cover, applied in time order
    seconds: float
    names: dict[str, str] = field(default_factory=dict)  # staff or teacher id -> name, where given

    def who(self, staff: str) -> str:
        """`S14 · Jo` where the school names the adult, else the id."""
        name = self.names.get(staff)
        return f"{staff} · {name}" if name else staff

    def to_dict(self) -> dict[str, Any]:
        return {
            "covers": [c.to_dict() for c in self.covers],
            "plan": self.plan,
            "seconds": round(self.seconds, 3),
        }


def hm(minutes: int) -> str:
    """`530` -> `8 h 50 min`; `360` -> `6 h`."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if not rest:
        return f"{sign}{hours} h"
    return f"{sign}{hours} h {rest} min" if hours else f"{sign}{rest} min"
