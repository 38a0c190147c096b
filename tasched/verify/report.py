"""The verdict: Violation, Report and format_report, and the tolerances the verifier judges numbers by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TOLERANCE = 0.011  # floats in the rota are rounded to 2 decimals


RATIO_TOLERANCE = 0.002  # shares and coverage are rounded to 3 decimals


EHC_TOLERANCE_MINUTES = 0.5  # an EHC shortfall exists when delivered < required - this


EPSILON = 1e-6


@dataclass
class Violation:
    """One broken rule: a stable short code and a plain-words message."""

    rule: str
    message: str


@dataclass
class Report:
    """The verdict: violations (empty when the rota is valid) and the verifier's own
    derivation of the shortfalls and KPIs, in the rota's format."""

    violations: list[Violation]
    shortfalls: list[dict[str, Any]]
    kpis: dict[str, Any]
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations


def format_report(report: Report, per_rule: int = 20) -> str:
    """A plain-text verdict: a tick line, or the violations grouped by rule."""
    if report.ok:
        return f"✓ rota is valid: {report.rows} rows, {len(report.shortfalls)} shortfalls checked"
    grouped: dict[str, list[str]] = {}
    for v in report.violations:
        grouped.setdefault(v.rule, []).append(v.message)
    lines = [f"✗ rota is invalid: {len(report.violations)} violation(s) of {len(grouped)} rule(s)"]
    for rule, messages in grouped.items():
        lines.append(f"{rule} ({len(messages)}):")
        lines += [f"  - {m}" for m in messages[:per_rule]]
        if len(messages) > per_rule:
            lines.append(f"  … and {len(messages) - per_rule} more")
    return "\n".join(lines)
