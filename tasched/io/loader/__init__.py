"""Reading a school file: every problem found, each as `FILE:LINE: path.to.field: what is wrong`.

The YAML reader composes the document itself so that it knows the line of every
key and list item; pydantic's error locations (by alias, e.g. ``('staff', 2,
'hours')``) are then mapped back to lines, and its messages are rewritten in plain
English with the fix. Scalars are read the YAML 1.2 way: only ``true``/``false``
are booleans (``no``, ``on`` and ``off`` stay text), ``08:50`` is text, not the
YAML 1.1 sexagesimal number 530, and ``0123`` stays text.

Pipeline: read bytes -> decode (``decode``) -> compose nodes (here, in the YAML
``dialect``; ``syntax`` explains what YAML refuses) -> build plain data with lines
(``compose``, into a ``document``) -> validate with the model (``school``, with
``messages``) -> cross-field checks (:mod:`tasched.input.validate`).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from tasched.errors import InputError
from tasched.input.model import SchoolData
from tasched.io.loader.compose import build_data
from tasched.io.loader.decode import decode_text
from tasched.io.loader.dialect import _FastLoader, _SchoolLoader, dump_school
from tasched.io.loader.document import TOO_DEEP, VALUE_ALLOWANCE, Document, _check_size, _fail
from tasched.io.loader.school import build_school
from tasched.io.loader.syntax import check_nesting, is_too_deep, reader_problem, syntax_problem, too_deep_line

__all__ = ["Document", "build_school", "dump_school", "load_yaml_school", "parse_yaml", "read_yaml"]

YAML_SUFFIXES = (".yaml", ".yml")
EXCEL_SUFFIXES = (".xlsx",)


def load_yaml_school(file: str | os.PathLike[str], name: str | None = None) -> SchoolData:
    """Read and check a YAML school file (see :func:`tasched.io.formats.load_school` for any format)."""
    doc = read_yaml(file, name)
    return build_school(doc.data, doc.locate, doc.problems)


def read_yaml(file: str | os.PathLike[str], name: str | None = None) -> Document:
    """Read a YAML file into a Document; raises InputError when it cannot be read at all."""
    name = name if name is not None else str(file)
    try:
        raw = Path(file).read_bytes()
    except OSError as error:
        raise _fail(name, f"cannot read {name}: {error.strerror or error}") from None
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes | str, name: str = "<string>") -> Document:
    """Parse YAML bytes or text into a Document (see read_yaml)."""
    _check_size(len(raw), name)
    text = decode_text(raw, name) if isinstance(raw, bytes) else raw
    if not text.strip():
        raise _fail(
            name,
            "the file is empty; a school file starts with `school:` and `calendar:` (see the example in the README)",
            1,
        )
    check_nesting(text, name)
    try:
        loader = _FastLoader(text)  # the pure-Python reader checks the characters here
    except yaml.reader.ReaderError as error:
        raise InputError([reader_problem(error, text, name)]) from None
    try:
        return _document(loader, loader.get_single_node(), text, name)
    except yaml.MarkedYAMLError as error:
        if is_too_deep(error):  # libyaml's own limit (PyYAML 6.0.4 and later): said our way
            raise _fail(name, TOO_DEEP, too_deep_line(error)) from None
        raise InputError([syntax_problem(_pure_error(text) or error, name)]) from None
    except RecursionError:  # a backstop: check_nesting and the composer refuse deep nesting first
        raise _fail(name, TOO_DEEP) from None
    except yaml.reader.ReaderError as error:
        raise InputError([reader_problem(error, text, name)]) from None
    except yaml.YAMLError as error:  # unmarked errors are rare (e.g. bad stream encoding)
        raise _fail(name, f"YAML error: {error}") from None
    finally:
        loader.dispose()


def _document(loader: yaml.SafeLoader, node: Node | None, text: str, name: str) -> Document:
    """The Document of a file's single node, which must be a mapping of sections."""
    if node is None:
        raise _fail(
            name,
            "the file has no content, only comments; a school file starts with `school:` and `calendar:`",
            1,
        )
    if not isinstance(node, MappingNode):
        what = "a list" if isinstance(node, SequenceNode) else f"the single value {node.value!r}"
        raise _fail(
            name,
            f"the file holds {what}, not a school; a school file is a mapping of sections, "
            "starting with `school:` and `calendar:` at the left margin",
            node.start_mark.line + 1,
        )
    doc = Document(name, None)
    doc.lines[()] = node.start_mark.line + 1
    doc.data = build_data(loader, node, doc, 2 * len(text) + VALUE_ALLOWANCE)
    return doc


def _pure_error(text: str) -> yaml.MarkedYAMLError | None:
    """The pure-Python parser's error for text libyaml refused (its messages are clearer)."""
    try:
        loader = _SchoolLoader(text)
    except yaml.YAMLError:
        return None
    try:
        loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        return error
    except RecursionError:
        return None
    finally:
        loader.dispose()
    return None
