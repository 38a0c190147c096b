"""One colour key for every output a person opens: the rota workbook and the HTML page.

Each task kind has one colour wherever a rota is drawn, and shortfalls are coloured by
severity (by tier, not by how much is missing): EHC hours and medical cover red, duties
and interventions amber, class support grey.
"""

from __future__ import annotations

# (kind, legend text, RGB hex), in legend order. `ehc` is EHC support in class.
TASK_KEY: tuple[tuple[str, str, str], ...] = (
    ("class", "Class support", "CFE3FF"),
    ("ehc", "EHC support, in class", "FFDCA8"),
    ("withdrawn", "EHC support, withdrawn", "FFB98C"),
    ("intervention", "Intervention", "C9EBB4"),
    ("duty", "Duty", "E3CFF7"),
    ("liaison", "Meeting a teacher (liaison)", "B8E6E1"),
    ("cover", "Covering a lesson (teacher away)", "F9C6D3"),
    ("free", "Working, no task", "FFFFFF"),
    ("off", "Not working / absent", "ECEEF2"),
    ("closed", "Closed", "7B818C"),
)
TASK_COLOUR = {kind: colour for kind, _, colour in TASK_KEY}

# Shortfall severity (tasched.solution.words.severity): background, text.
SEVERITY_COLOUR: dict[str, tuple[str, str]] = {
    "critical": ("FDE0DD", "B3261E"),
    "warning": ("FFF3CD", "8A5A00"),
    "minor": ("EEEEEE", "333333"),
    "ok": ("E3F4E8", "16703A"),
}


def css_rules() -> str:
    """The key as CSS, for the HTML page (`.k-KIND` cells, `.sev-LEVEL` rows)."""
    kinds = "\n".join(f".k-{kind} {{ background: #{colour}; }}" for kind, _, colour in TASK_KEY if kind != "off")
    levels = "\n".join(
        f".sev-{level} {{ background: #{bg}; color: #{fg}; }}" for level, (bg, fg) in SEVERITY_COLOUR.items()
    )
    return kinds + "\n" + levels + "\n"
