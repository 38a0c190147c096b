"""Names that match nothing: the message for an unknown id, and the test for a typo.

An unknown id is an error, and its message suggests the nearest id or lists the
valid ones. A skill, subject or room kind that nobody holds may be meant, so it
is only reported when it is very probably a misspelling (:func:`typo_of`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tasched.input.when import nearest


def unknown_id(what: str, value: str, choices: Sequence[str], section: str) -> str:
    """`unknown class 'Y3b'; did you mean 'Y3B'?`, or what the valid names are."""
    choices = list(dict.fromkeys(choices))
    message = f"unknown {what} '{value}'"
    near = nearest(value, choices)
    if near:
        return f"{message}; did you mean '{near}'?"
    if not choices:
        return f"{message}; none is listed under `{section}:`"
    if len(choices) <= 8:
        return f"{message}; known: {', '.join(choices)}"
    return f"{message}; add it under `{section}:` or correct the id"


def typo_of(name: str, choices: Iterable[str]) -> str | None:
    """The one choice ``name`` is very probably a misspelling of, else None.

    Stricter than :func:`tasched.input.when.nearest`, because here a name that matches
    nothing may be meant (a skill nobody holds yet): the same name but for case,
    spaces, '-', '_' or '.'; or one edit away (two for names longer than six
    characters), where an edit inserts, deletes, replaces or swaps characters.
    Names of three characters or fewer only match by the first rule.
    """
    options = [c for c in dict.fromkeys(choices) if c != name]
    if not options:
        return None
    key = _squash(name)
    same = [c for c in options if _squash(c) == key]
    if same:
        return same[0]
    if len(key) <= 3:
        return None
    limit = 1 if len(key) <= 6 else 2
    scored = sorted((_edits(key, _squash(c)), c) for c in options)
    best, choice = scored[0]
    if best > limit or (len(scored) > 1 and scored[1][0] == best):
        return None
    return choice


def _squash(name: str) -> str:
    return re.sub(r"[\s_.\-]+", "", name.lower())


def _edits(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b (optimal string alignment)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
