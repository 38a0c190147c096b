"""Column headers a business manager reads in the school workbook, for each field of the format.

The header is the label; the field's name (as in YAML and docs/format.md) is in the
header's note. The workbook reader accepts either, so an older workbook with field
names as headers still reads.
"""

from __future__ import annotations

LABELS: dict[str, str] = {
    # staff
    "role": "Role",
    "hours": "Contracted hours a week",
    "skills": "Skills and training",
    "available": "Works when",
    "unavailable": "Does not work when",
    "hourly_cost": "Hourly cost (£)",
    "overtime_hours": "Overtime hours allowed",
    "max_duties": "Most duty slots a week",
    "prefer": "Prefers (tasks)",
    "subjects": "Subjects known",
    # classes and lessons
    "year": "Year group",
    "teacher": "Teacher",
    "room": "Room",
    "max_adults": "Most different adults a week",
    "class": "Class",
    "subject": "Subject",
    # support, duties, interventions
    "staff": "Adults wanted",
    "priority": "Priority",
    "programme": "Programme",
    "pupils": "Pupils",
    "sessions": "Sessions a week",
    "minutes": "Minutes a session",
    "room_kind": "Room needed",
    "one_per_day": "At most one session a day",
    "same_staff": "Same adult every session",
    "counts_for_ehcp": "Counts toward EHC hours",
    "avoid_subjects": "Never during",
    "any_skills": "Someone on it with",
    "paid": "Paid as",
    "capacity": "Sessions at once",
    "kind": "Kind",
    # pupils
    "classes": "Classes",
    "need": "Primary need (census code)",
    "max_withdrawal": "Most time out of class (fraction)",
    "ehcp.hours": "EHC plan: hours a week",
    "ehcp.mode": "EHC plan: in class, withdrawn or any",
    "ehcp.group_max": "EHC plan: most pupils with one adult",
    "ehcp.adults": "EHC plan: adults at once (1 or 2)",
    "ehcp.skills": "EHC plan: skills every adult needs",
    "ehcp.when": "EHC plan: support given when",
    "ehcp.subjects": "EHC plan: only in subjects",
    "rotation.min_staff": "Rotation: fewest different adults",
    "rotation.max_staff": "Rotation: most different adults",
    "rotation.max_share": "Rotation: largest share from one adult",
    "rotation.max_consecutive": "Rotation: most slots in a row with one adult",
    "medical.skills": "Medical: skills of the adult near",
    "medical.when": "Medical: cover needed when",
    # pins, absences, slots
    "when": "When",
    "task": "Task",
    "start": "Starts (HH:MM)",
    "end": "Ends (HH:MM)",
}

_PARTS = {"ehcp": "EHC plan", "medical": "Medical", "rotation": "Rotation", "solver": "Solver", "weights": "Weights"}


def label(key: str) -> str:
    """The header for a field: `ehcp.group_max` → `EHC plan: most pupils with one adult`."""
    if key in LABELS:
        return LABELS[key]
    *prefix, last = key.split(".")
    words = LABELS.get(last, last.replace("_", " ").capitalize())
    if not prefix:
        return words
    return ": ".join(
        [*(_PARTS.get(p, p.replace("_", " ").capitalize()) for p in prefix), words[:1].lower() + words[1:]]
    )
