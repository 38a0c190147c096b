"""What YAML refuses, said plainly: syntax errors with their fix, bad characters, and nesting too deep to read.

libyaml's messages are terse, so a syntax error is reported from the pure-Python
parser's error where it has one (see :func:`tasched.io.loader.parse_yaml`).
"""

from __future__ import annotations

import math

import yaml

from tasched.errors import Problem
from tasched.io.loader.dialect import _FastLoader
from tasched.io.loader.document import MAX_DEPTH, TOO_DEEP, _fail

__all__ = ["check_nesting", "is_too_deep", "reader_problem", "syntax_problem", "too_deep_line"]


def check_nesting(text: str, name: str) -> None:
    """Refuse lists and mappings nested deeper than MAX_DEPTH before libyaml composes them.

    libyaml's composer recurses in C, and some ten thousand levels (`[[[[...`, `- - - ...`)
    crash the process. Its parser does not recurse, so when a cheap bound says the text
    might nest deeply, the parser's events are counted first. The bound: every level
    needs a `[`, `{`, `-` or `?`, or one more space of indentation than the level above.
    """
    bound = sum(text.count(c) for c in "[{-?") + math.isqrt(2 * len(text)) + 1
    if bound <= 2000:
        return  # deep enough for a clean message from the composer, far too shallow to crash
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _fail(name, TOO_DEEP, event.start_mark.line + 1 if event.start_mark else None)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        if is_too_deep(error):
            raise _fail(name, TOO_DEEP, too_deep_line(error)) from None
        return  # a syntax error before any deep nesting: reported as usual
    except yaml.YAMLError:
        return


def is_too_deep(error: yaml.MarkedYAMLError) -> bool:
    """libyaml (from PyYAML 6.0.4) refuses deep nesting itself; its words vary by version."""
    return "nesting depth" in f"{error.problem or ''} {error.context or ''}"


def too_deep_line(error: yaml.MarkedYAMLError) -> int | None:
    """The line where libyaml gave up on deep nesting, where it says."""
    return error.problem_mark.line + 1 if error.problem_mark else None


def reader_problem(error: yaml.reader.ReaderError, text: str, name: str) -> Problem:
    """A character YAML does not allow (a NUL, a control character): where it is and the fix."""
    line = text.count("\n", 0, error.position) + 1
    column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
    char = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or " ")
    return Problem(
        f"{name}:{line}",
        "",
        f"the character U+{char:04X} at column {column} is not allowed in YAML (a control "
        "character, perhaps pasted from another program); delete it, or save the file again as "
        "plain UTF-8 text",
    )


_HINTS = (
    ("found character '\\t'", "tabs cannot indent YAML; use spaces"),
    (
        "mapping values are not allowed",
        "a value containing ': ' needs quotes, or a key is mis-indented",
    ),
    ("expected a single document", "the file holds more than one YAML document (a second `---`)"),
    ("found undefined alias", "an `*alias` is used before its `&anchor`"),
    ("could not find expected ':'", "a key is missing its colon, or a quoted value is not closed"),
    ("found unexpected end of stream", "a quote or bracket is not closed"),
    ("did not find expected key", "check the indentation of this line and the one above"),
    ("expected <block end>", "check the indentation of this line and the one above"),
    ("did not find expected '-' indicator", "check the indentation of this list"),
    (
        "expected ',' or ']'",
        "a `[` list is not closed with `]`, or an item containing ': ' needs quotes",
    ),
    (
        "expected ',' or '}'",
        "a `{` mapping is not closed with `}`, or a value containing ': ' needs quotes",
    ),
)


def syntax_problem(error: yaml.MarkedYAMLError, name: str) -> Problem:
    """A YAML syntax error at its line, with the likely fix."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    what = error.problem or "cannot be read"
    message = f"YAML syntax error: {what}"
    if error.context and error.context_mark and error.context_mark.line + 1 != line:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    elif error.context:
        message += f" ({error.context})"
    text = f"{error.problem} {error.context}"
    for needle, hint in _HINTS:
        if needle in text:
            message += f"; {hint}"
            break
    return Problem(f"{name}:{line}", "", message)
