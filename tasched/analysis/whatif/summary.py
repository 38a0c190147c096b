"""Each scenario in one plain-language paragraph: the saving, then what it costs the pupils
and the school (statutory hours, interventions, class support, duties, medical cover)."""

from __future__ import annotations

from typing import Any

from tasched.analysis.whatif.result import Outcome
from tasched.analysis.whatif.words import and_list, hours_text, pupils_text

__all__ = ["summarise"]


def summarise(outcome: Outcome, base: Outcome) -> str:
    """One plain-language paragraph: the saving, then what it costs the pupils and the school."""
    d = outcome.data
    if outcome is base:
        return _base_summary(outcome)
    saving = d["saving_annual"]
    money = f"saves £{saving:,.0f} a year" if saving >= 0 else f"costs £{-saving:,.0f} a year more"
    parts = [f"{outcome.scenario.describe()} {money}"]
    if outcome.status in ("no_rota", "error"):
        parts.append(f"no rota could be built ({d.get('error', outcome.status)})")
        return "; ".join(parts) + "."
    lost = d.get("ehc_hours_lost", {})
    if lost:
        parts.append(f"{pupils_text(list(lost))} lose {hours_text(sum(lost.values()))} statutory hours a week")
    else:
        parts.append("no pupil loses statutory hours")
    parts.extend(_intervention_losses(d))
    class_lost = sum(d.get("class_support_hours_lost", {}).values())
    if class_lost > 0:
        parts.append(f"class support falls by {hours_text(class_lost)} adult-hours a week")
    duties = _worse(d, base.data, "duties_unfilled")
    if duties:
        parts.append(f"{and_list(sorted(duties))} duty left unfilled ({sum(duties.values()):g} adult-slots)")
    medical = _worse(d, base.data, "medical_uncovered")
    if medical:
        parts.append(f"medical cover missing for {pupils_text(sorted(medical))}")
    if d.get("impossible"):
        parts.append(f"{len(d['impossible'])} plan(s) become impossible")
    return "; ".join(parts) + "."


def _base_summary(outcome: Outcome) -> str:
    """The current staffing: its cost, and any pupils already short of their plans."""
    d = outcome.data
    short = d.get("ehc_hours_short", {})
    cost = f"Current staffing costs £{d['cost']['annual']:,.0f} a year"
    if outcome.status in ("no_rota", "error"):
        return f"{cost}; no rota was found ({outcome.status})."
    if short:
        return (
            f"{cost}; {pupils_text(list(short))} already fall short by "
            f"{hours_text(sum(short.values()))} statutory hours a week."
        )
    return f"{cost}; every EHC plan's hours are met."


def _intervention_losses(d: dict[str, Any]) -> list[str]:
    """Interventions that stop (first, together), then those that lose some sessions."""
    lost = d.get("intervention_sessions_lost", {})
    stops = [i for i, n in lost.items() if d["interventions"][i] == 0]
    fewer = [f"{i} loses {n} session{'s' if n != 1 else ''}" for i, n in lost.items() if i not in stops]
    parts = [f"{and_list(stops)} {'stops' if len(stops) == 1 else 'stop'}"] if stops else []
    return parts + fewer


def _worse(d: dict[str, Any], base: dict[str, Any], key: str) -> dict[str, Any]:
    """The entries of a shortfall measure (duties unfilled, medical uncovered) worse than the base's."""
    before = base.get(key, {})
    return {k: v for k, v in d.get(key, {}).items() if v > before.get(k, 0)}
