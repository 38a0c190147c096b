"""`tasched schema`: the JSON Schema of a school file (or of a trust file), for editors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from tasched.cli import options as opt
from tasched.cli.render import err, wrote
from tasched.errors import InputError, Problem
from tasched.input.model import json_schema
from tasched.input.trust import trust_json_schema

__all__ = ["schema", "schema_text"]


def schema_text() -> str:
    """The JSON Schema of a school file, as committed in schemas/school.schema.json."""
    return _as_text(json_schema())


def _as_text(document: dict[str, object]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def schema(
    output: Annotated[Path | None, opt.output("Write the schema to this file instead of printing it.")] = None,
    trust: Annotated[
        bool, typer.Option("--trust", help="The trust file's schema (schemas/trust.schema.json) instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of a school file (or, with --trust, of a trust file).

    Editors use it to check and complete school files as they are typed (e.g.
    VS Code's YAML extension: `# yaml-language-server: $schema=school.schema.json`).
    """
    text = _as_text(trust_json_schema()) if trust else schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError([Problem(str(output), "", f"cannot write the schema here: {reason}")]) from None
    wrote(err(), output)
