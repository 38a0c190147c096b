"""From composed YAML nodes to plain data, recording the line of every key and list item.

Building from the nodes (rather than letting PyYAML construct the document) is
what lets every later problem name its line. It also finds what PyYAML would let
pass or blow up on: duplicate keys, empty or non-text keys, aliases that refer to
themselves, aliases that expand to far more values than a school has (an alias
bomb), and nesting deeper than MAX_DEPTH.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tasched.errors import InputError, Problem, field_path
from tasched.io.loader.dialect import MERGE_TAG
from tasched.io.loader.document import MAX_DEPTH, TOO_DEEP, DocPath, Document, _fail

__all__ = ["build_data"]


def build_data(loader: yaml.SafeLoader, node: Node, doc: Document, limit: int) -> Any:
    """The plain data of a document's root node, at most ``limit`` values; its lines go into ``doc``."""
    return _Builder(loader, doc, limit).build(node, (), set())


class _Builder:
    """Builds one document's data: where each key and item is, and what was wrong but not fatal."""

    def __init__(self, loader: yaml.SafeLoader, doc: Document, limit: int) -> None:
        self.loader = loader
        self.doc = doc
        self.limit = limit
        self.left = limit  # how many more values the document may build

    def build(self, node: Node, path: DocPath, active: set[int]) -> Any:
        """Plain data from a node, recording the line of every key and item under ``path``.

        ``active`` holds the collections being built above this one (an alias to one is a loop).
        """
        self._spend(node, path)
        if len(path) > MAX_DEPTH:
            raise _fail(self.doc.name, TOO_DEEP, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            try:
                return self.loader.construct_object(node, deep=True)
            except yaml.constructor.ConstructorError as error:
                self._problem(path, f"cannot read this value: {error.problem}")
                return node.value
        if id(node) in active:
            self._problem(path, "an alias refers to itself; remove the loop")
            return None
        active = active | {id(node)}
        if isinstance(node, SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                self.doc.lines[(*path, index)] = child.start_mark.line + 1
                items.append(self.build(child, (*path, index), active))
            return items
        assert isinstance(node, MappingNode)
        self._check_duplicate_keys(node, path)
        self.loader.flatten_mapping(node)
        return self._mapping(node, path, active)

    def _spend(self, node: Node, path: DocPath) -> None:
        """Count one more value: an alias bomb is refused, not expanded."""
        self.left -= 1
        if self.left < 0:
            raise InputError(
                [
                    Problem(
                        f"{self.doc.name}:{node.start_mark.line + 1}",
                        field_path(path),
                        f"the file's aliases (`*name`) expand to more than {self.limit:,} values, "
                        "far more than a school needs; write the values out instead of repeating "
                        "aliases of aliases",
                    )
                ]
            )

    def _problem(self, path: DocPath, message: str) -> None:
        self.doc.problems.append(Problem(self.doc.locate(path), field_path(path), message))

    def _key_problem(self, key_node: Node, path: DocPath, message: str) -> None:
        self.doc.problems.append(Problem(f"{self.doc.name}:{key_node.start_mark.line + 1}", field_path(path), message))

    def _check_duplicate_keys(self, node: MappingNode, path: DocPath) -> None:
        """A key written twice in one mapping (before merges, which may override a key)."""
        first_seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG or not isinstance(key_node, ScalarNode):
                continue
            key = _key(self.loader, key_node)
            line = key_node.start_mark.line + 1
            if key is None:
                continue  # reported by _mapping
            if key in first_seen:
                message = f"'{key}' appears twice in this mapping (first at line {first_seen[key]}); keep one"
                self._key_problem(key_node, (*path, key), message)
            else:
                first_seen[key] = line

    def _mapping(self, node: MappingNode, path: DocPath, active: set[int]) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._key_problem(key_node, path, "a key must be a plain name, not a list or mapping")
                continue
            key = _key(self.loader, key_node)
            if key is None:
                self._key_problem(key_node, path, "a key is empty; write `name: value`")
                continue
            self.doc.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, (*path, key), active)
        return result


def _key(loader: yaml.SafeLoader, node: ScalarNode) -> str | None:
    """A mapping key as written (`1:` is the key '1'); None for an empty key."""
    try:
        key = loader.construct_object(node)
    except yaml.constructor.ConstructorError:
        return str(node.value)
    if key is None:
        return None
    return key if isinstance(key, str) else str(node.value)
