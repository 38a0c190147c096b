"""docs/format.md documents every field of the school file, and nothing the schema does not have.

The JSON Schema (schemas/school.schema.json, generated from the package tasched/input/model/) is
walked from the top: every top-level key, and every object reached through
``$ref``, ``items`` or ``anyOf`` (a pupil's ``ehcp``, the rules' ``weights``...).
Each object has a path, e.g. ``staff``, ``calendar.slots``, ``pupils.ehcp``,
``rules.solver``, and docs/format.md must have a heading naming that path in
backticks (``## `staff` ``, ``### `pupils.ehcp` ``) with a field table under it:

    | field | type | default | meaning |
    |---|---|---|---|
    | `hours` | number | required | Contracted hours per week. |

The other way round, every row of a field table in the school-file part of the
page (everything before ``## The rota file``) must be a field of the schema, so
the page never documents a field that has gone. Each failure says what to add
(or remove) and where.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from tasched.errors import InputError
from tasched.input.model import SchoolData
from tasched.input.validate import check_school
from tasched.io.loader import parse_yaml

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "format.md"
SCHEMA = ROOT / "schemas" / "school.schema.json"
ROTA_HEADING = "## The rota file"  # the school-file part of the page ends here
FIELD_HEADER = ("field", "type", "default", "meaning")
FIX_SCHEMA = (
    "if the field is meant to exist, add it to the package tasched/input/model/ and regenerate the schema "
    "(`tasched schema -o schemas/school.schema.json`)"
)

Json = dict[str, Any]


# --- the schema -------------------------------------------------------------------------------


@dataclass
class SchemaObject:
    """An object of the school file: its path in the document and its properties."""

    path: str  # `staff`, `calendar.slots`, `pupils.ehcp`
    definition: str  # the $defs name, e.g. `Ehcp` (or `(root)`)
    properties: dict[str, Json]
    required: set[str]

    @property
    def top(self) -> str:
        return self.path.split(".")[0]


def _schema() -> Json:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _resolve(schema: Json, node: Json) -> tuple[str, Json]:
    ref = node["$ref"]
    assert ref.startswith("#/$defs/"), f"{SCHEMA.name}: cannot resolve $ref {ref!r}"
    name = ref.removeprefix("#/$defs/")
    return name, schema["$defs"][name]


def _objects_in(schema: Json, node: Any) -> Iterator[tuple[str, Json]]:
    """Every object type a property may hold: through $ref, items, anyOf/oneOf/allOf."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name, target = _resolve(schema, node)
        if "properties" in target:
            yield name, target
        else:  # an enum or other plain type; it may still wrap objects
            yield from _objects_in(schema, {k: v for k, v in target.items() if k != "$ref"})
        return
    if "properties" in node:
        yield "(inline)", node
        return
    for key in ("items", "additionalProperties", "prefixItems", "anyOf", "oneOf", "allOf"):
        value = node.get(key)
        for part in value if isinstance(value, list) else [value]:
            yield from _objects_in(schema, part)


def schema_objects() -> dict[str, SchemaObject]:
    """Every object of the school file by path, the top-level keys included, nested ones resolved."""
    schema = _schema()
    found: dict[str, SchemaObject] = {}

    def visit(path: str, name: str, obj: Json, seen: tuple[str, ...]) -> None:
        if name in seen:  # a recursive type: documented once, at its first path
            return
        found[path] = SchemaObject(path, name, dict(obj.get("properties", {})), set(obj.get("required", [])))
        for prop, sub in obj.get("properties", {}).items():
            for child_name, child in _objects_in(schema, sub):
                visit(f"{path}.{prop}", child_name, child, (*seen, name))

    for key, sub in schema["properties"].items():
        for name, obj in _objects_in(schema, sub):
            visit(key, name, obj, ())
    return found


def _enum_words(schema: Json, node: Json) -> list[str] | None:
    if "$ref" in node:
        node = _resolve(schema, node)[1]
    if "enum" in node:
        return [str(v) for v in node["enum"]]
    if "const" in node:
        return [str(node["const"])]
    return None


def type_words(schema: Json, node: Json, path: str = "") -> str:
    """A plain-words type for a suggested table row."""
    if "anyOf" in node:
        parts = [p for p in node["anyOf"] if p.get("type") != "null"]
        words = [type_words(schema, p, path) for p in parts]
        return " or ".join(dict.fromkeys(words)) or "any"
    enum = _enum_words(schema, node)
    if enum is not None:
        return "one of " + ", ".join(f"`{w}`" for w in enum)
    if "$ref" in node:
        return f"see `{path}`"
    kind = node.get("type")
    description = str(node.get("description", ""))
    if kind == "array":
        item = type_words(schema, node.get("items", {}), path)
        return f"list ({item})" if item.startswith("see ") else f"list of {item}"
    if kind == "string":
        if description.startswith("A when-expression") or "Mon-Wed P1-P3" in node.get("examples", []):
            return "when-expression"
        if description.startswith("A task:"):
            return "task reference"
        if description.startswith("An id:"):
            return "id"
        return "text"
    return {"integer": "whole number", "number": "number", "boolean": "yes/no"}.get(str(kind), str(kind))


def _yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    return str(value)


def suggested_row(schema: Json, obj: SchemaObject, prop: str) -> str:
    node = obj.properties[prop]
    if prop in obj.required:
        default = "required"
    elif node.get("default") is None:
        default = "empty list" if node.get("type") == "array" else "none"
    else:
        default = f"`{_yaml_value(node['default'])}`"
    meaning = str(node.get("description", "…")).replace("|", "\\|")
    return f"| `{prop}` | {type_words(schema, node, f'{obj.path}.{prop}')} | {default} | {meaning} |"


# --- the page ---------------------------------------------------------------------------------


@dataclass
class Heading:
    line: int
    level: int
    text: str
    path: str | None  # the backticked path it names, e.g. `pupils.ehcp`


@dataclass
class Row:
    line: int
    field: str | None  # None when the first cell is not one name in backticks
    cells: list[str]


@dataclass
class FieldTable:
    line: int
    heading: Heading | None
    rows: list[Row] = field(default_factory=list)


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_PATH_HEADING = re.compile(r"^`([^`]+)`(?:\s.*)?$")
_NAME_CELL = re.compile(r"^`([^`\s]+)`$")


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


@dataclass
class Page:
    lines: list[str]
    headings: list[Heading]
    tables: list[FieldTable]  # field tables of the school-file part only
    yaml_blocks: list[tuple[int, Heading | None, str]]  # school-file part only
    rota_line: int


def read_page() -> Page:
    assert DOC.exists(), f"{DOC.relative_to(ROOT)} is missing: write it (issue 18)"
    lines = DOC.read_text(encoding="utf-8").splitlines()
    rota = [i for i, line in enumerate(lines, start=1) if line.strip() == ROTA_HEADING]
    assert rota, (
        f"docs/format.md has no heading {ROTA_HEADING!r}: the school-file sections end at that heading, "
        "and the rota file is described after it; add it"
    )
    headings: list[Heading] = []
    tables: list[FieldTable] = []
    blocks: list[tuple[int, Heading | None, str]] = []
    fence: tuple[int, str, list[str]] | None = None
    table: FieldTable | None = None
    in_table = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith("```"):
                start, lang, body = fence
                if lang == "yaml" and start < rota[0]:
                    blocks.append((start, headings[-1] if headings else None, "\n".join(body) + "\n"))
                fence = None
            else:
                fence[2].append(line)
            continue
        if stripped.startswith("```"):
            fence = (number, stripped[3:].strip().lower(), [])
            in_table, table = False, None
            continue
        match = _HEADING.match(line)
        if match:
            text = match.group(2)
            named = _PATH_HEADING.match(text)
            headings.append(Heading(number, len(match.group(1)), text, named.group(1) if named else None))
            in_table, table = False, None
            continue
        if not stripped.startswith("|"):
            in_table, table = False, None
            continue
        cells = _cells(stripped)
        if not in_table:  # a table's header row
            in_table = True
            is_field_table = tuple(c.lower() for c in cells) == FIELD_HEADER
            table = None
            if is_field_table and number < rota[0]:
                table = FieldTable(number, headings[-1] if headings else None)
                tables.append(table)
            continue
        if table is None or re.fullmatch(r"[\s|:-]+", stripped):
            continue
        name = _NAME_CELL.match(cells[0])
        table.rows.append(Row(number, name.group(1) if name else None, cells))
    return Page(lines, headings, tables, blocks, rota[0])


def _school_headings(page: Page) -> dict[str, Heading]:
    out: dict[str, Heading] = {}
    for heading in page.headings:
        if heading.line < page.rota_line and heading.path is not None:
            out.setdefault(heading.path, heading)
    return out


def _documented(page: Page) -> dict[str, dict[str, Row]]:
    """Path -> field -> its row, from the field tables under each path's heading."""
    out: dict[str, dict[str, Row]] = {}
    for table in page.tables:
        if table.heading is None or table.heading.path is None:
            continue
        rows = out.setdefault(table.heading.path, {})
        for row in table.rows:
            if row.field is not None:
                rows.setdefault(row.field, row)
    return out


def _parent_heading(path: str) -> str:
    parent = path.rsplit(".", 1)[0]
    return f"`{parent}`"


# --- the tests ----------------------------------------------------------------------------------


def test_the_schema_walk_reaches_every_object() -> None:
    schema = _schema()
    reached = {obj.definition for obj in schema_objects().values()}
    objects = {name for name, d in schema["$defs"].items() if "properties" in d}
    assert objects <= reached, (
        f"{SCHEMA.name} defines objects this test never reaches from the top: {sorted(objects - reached)}; "
        "teach _objects_in in tests/test_docs.py the new way they are referenced"
    )
    assert {"staff", "calendar.slots", "pupils.ehcp", "rules.weights"} <= set(schema_objects())


def test_every_top_level_section_is_a_heading() -> None:
    page = read_page()
    headings = _school_headings(page)
    problems = []
    for key in _schema()["properties"]:
        heading = headings.get(key)
        if heading is None:
            problems.append(
                f'- top-level section `{key}` has no heading: add the heading "## `{key}`" to docs/format.md before '
                f"{ROTA_HEADING!r}, with a sentence on what the section is for, a field table and a YAML example"
            )
        elif heading.level != 2:
            problems.append(
                f"- docs/format.md:{heading.line}: the heading for top-level section `{key}` is level "
                f'{heading.level}; make it "## `{key}`"'
            )
    assert not problems, "docs/format.md is missing top-level sections:\n" + "\n".join(problems)


def test_every_schema_field_is_documented() -> None:
    """A field added to the model and schema but not to docs/format.md fails here, by name."""
    schema = _schema()
    page = read_page()
    headings = _school_headings(page)
    documented = _documented(page)
    problems = []
    for path, obj in schema_objects().items():
        missing = [prop for prop in obj.properties if prop not in documented.get(path, {})]
        if not missing:
            continue
        rows = "\n".join(f"      {suggested_row(schema, obj, prop)}" for prop in missing)
        level = "##" if "." not in path else "###"
        if path not in headings:
            where = "" if "." not in path else f", inside the section {_parent_heading(path)}"
            problems.append(
                f'- `{path}` has no heading: add the heading "{level} `{path}`" to docs/format.md{where} (before '
                f"{ROTA_HEADING!r}), then a field table under it:\n"
                f"      | field | type | default | meaning |\n      |---|---|---|---|\n{rows}"
            )
        elif path not in documented:
            heading = headings[path]
            problems.append(
                f"- docs/format.md:{heading.line}: heading `{path}` has no field table; add one under it:\n"
                f"      | field | type | default | meaning |\n      |---|---|---|---|\n{rows}"
            )
        else:
            names = ", ".join(f"`{p}`" for p in missing)
            table_line = min((r.line for r in documented[path].values()), default=headings[path].line)
            problems.append(
                f'- {names} of `{path}` not documented: add to the field table under the heading "{level} `{path}`" '
                f"(docs/format.md:{table_line}) these rows, in words a school business manager understands:\n{rows}"
            )
    assert not problems, "fields in schemas/school.schema.json are missing from docs/format.md:\n" + "\n".join(problems)


def test_no_stale_fields_in_the_school_file_sections() -> None:
    """Every field-table row before the rota section is a field of the schema, under the right heading."""
    objects = schema_objects()
    page = read_page()
    problems = []
    for table in page.tables:
        heading = table.heading
        if heading is None or heading.path is None:
            text = heading.text if heading else "(none)"
            problems.append(
                f"- docs/format.md:{table.line}: a field table under heading {text!r}, which names no section; "
                f'put it under a heading naming its section in backticks, e.g. "### `pupils.ehcp`"'
            )
            continue
        obj = objects.get(heading.path)
        if obj is None:
            known = ", ".join(f"`{p}`" for p in objects)
            problems.append(
                f"- docs/format.md:{heading.line}: heading `{heading.path}` is not a section of the school file "
                f"(not in {SCHEMA.name}); remove it and its table, or rename it to one of {known}; {FIX_SCHEMA}"
            )
            continue
        seen: dict[str, int] = {}
        for row in table.rows:
            if row.field is None:
                problems.append(
                    f"- docs/format.md:{row.line}: first cell {row.cells[0]!r} is not a field name in backticks; "
                    "write it as `name`"
                )
            elif row.field not in obj.properties:
                problems.append(
                    f"- docs/format.md:{row.line}: `{row.field}` is documented under `{heading.path}` but "
                    f"{SCHEMA.name} has no such field there (it has {', '.join(obj.properties)}); remove the row, "
                    f"or fix its name; {FIX_SCHEMA}"
                )
            elif row.field in seen:
                problems.append(
                    f"- docs/format.md:{row.line}: `{row.field}` is documented twice under `{heading.path}` "
                    f"(also line {seen[row.field]}); keep one row"
                )
            else:
                seen[row.field] = row.line
            if len(row.cells) != len(FIELD_HEADER):
                problems.append(
                    f"- docs/format.md:{row.line}: {len(row.cells)} cells, not {len(FIELD_HEADER)} "
                    "(field, type, default, meaning); escape a `|` inside a cell as `\\|`"
                )
    assert not problems, "docs/format.md documents fields the schema does not have:\n" + "\n".join(problems)


def test_documented_defaults_match_the_schema() -> None:
    """`required` where the schema requires a field; the schema's default where it has a plain one."""
    objects = schema_objects()
    page = read_page()
    problems = []
    for path, rows in _documented(page).items():
        obj = objects.get(path)
        if obj is None:
            continue  # reported by the stale-fields test
        for name, row in rows.items():
            if name not in obj.properties or len(row.cells) != len(FIELD_HEADER):
                continue
            cell = row.cells[2]
            where = f"docs/format.md:{row.line}: `{path}.{name}`"
            if name in obj.required:
                if cell.lower() != "required":
                    problems.append(f"- {where} is required in the schema; write `required` in its default column")
                continue
            if cell.lower().startswith("required"):
                problems.append(f"- {where} is optional in the schema; its default column says {cell!r}")
                continue
            default = obj.properties[name].get("default")
            if default is None or isinstance(default, dict | list):
                continue
            written = re.findall(r"`([^`]+)`", cell)
            if not any(_same(token, default) for token in written):
                problems.append(
                    f"- {where}: the schema's default is {_yaml_value(default)!r}; write "
                    f"`{_yaml_value(default)}` in its default column (it says {cell!r})"
                )
    assert not problems, "docs/format.md gives defaults that differ from the schema:\n" + "\n".join(problems)


def _same(token: str, default: Any) -> bool:
    """A backticked token of the default column, read as YAML 1.2 reads it, is the schema's default."""
    if isinstance(default, str):
        return token == default
    try:
        written = parse_yaml(f"value: {token}\n").data["value"]
    except InputError:
        return False
    if isinstance(default, bool) or isinstance(written, bool):
        return written is default
    if isinstance(default, int | float) and isinstance(written, int | float):
        return float(written) == float(default)
    return str(written) == str(default)


def _merge(into: Json, part: Json, where: str) -> None:
    for key, value in part.items():
        if key not in into:
            into[key] = value
        elif isinstance(into[key], list) and isinstance(value, list):
            into[key].extend(value)
        elif isinstance(into[key], dict) and isinstance(value, dict):
            _merge(into[key], value, where)
        else:
            raise AssertionError(f"{where}: `{key}` is given a second, different value by another example")


def test_each_section_has_a_yaml_example() -> None:
    page = read_page()
    tops: dict[str, set[str]] = {}
    for line, heading, text in page.yaml_blocks:
        data = parse_yaml(text, f"docs/format.md:{line}").data
        assert isinstance(data, dict), f"docs/format.md:{line}: a school-file example is a mapping of sections"
        top = heading.path.split(".")[0] if heading and heading.path else None
        tops.setdefault(top or "", set()).update(data)
    missing = [key for key in _schema()["properties"] if key not in tops.get(key, set())]
    assert not missing, "sections of docs/format.md without a YAML example of their own:\n" + "\n".join(
        f'- `{key}`: add a short ```yaml block starting `{key}:` under the heading "## `{key}`"' for key in missing
    )


def test_the_examples_together_are_a_valid_school() -> None:
    """The YAML examples of the school-file sections, put together, load and validate as one school."""
    page = read_page()
    school: Json = {}
    for line, _, text in page.yaml_blocks:
        data = parse_yaml(text, f"docs/format.md:{line}").data
        _merge(school, data, f"docs/format.md:{line}")
    try:
        data = SchoolData.model_validate(school)
    except ValidationError as error:
        pytest.fail(f"the YAML examples in docs/format.md do not make a valid school; fix the examples:\n{error}")
    problems = check_school(data)
    assert not problems, "the YAML examples in docs/format.md do not make a valid school; fix the examples:\n" + (
        "\n".join(f"- {p}" for p in problems)
    )
