"""The package layers (issue 14): imports flow one way, with no cycles and no lazy imports.

Every module under tasched/ is read with ast (imports at any depth, including
inside functions and under TYPE_CHECKING) and placed in its layer. A module may
import only from its own layer or an earlier one; verify/ may import only input/
and errors (it is the independent judge of a rota); nothing imports `tasched`
itself (the public API at the root may import any layer).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "tasched"

# In layer order: an import may go only to the same or an EARLIER layer.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("tasched.errors", "tasched._version")),
    ("input", ("tasched.input",)),
    ("problem", ("tasched.problem",)),
    ("solver", ("tasched.solver",)),
    ("solution", ("tasched.solution",)),
    ("verify", ("tasched.verify",)),
    ("io", ("tasched.io",)),
    ("analysis", ("tasched.analysis",)),
    ("jobs", ("tasched.jobs",)),
    ("cli", ("tasched.cli", "tasched.__main__")),
    ("api", ("tasched",)),  # tasched/__init__.py only: the public API, which no module imports
]
# verify/ judges a rota independently of how it was made: only the school's input and errors.
ONLY = {"verify": {"base", "input", "verify"}}
# Function-level imports of tasched modules allowed (optional extras only, e.g. the Ray executor).
LAZY_ALLOWED: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def layer_of(module: str) -> str | None:
    """The layer whose prefix names the module (exact match for the root package)."""
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            if module == prefix or (prefix != "tasched" and module.startswith(prefix + ".")):
                return name
    return None


ORDER = {name: i for i, (name, _) in enumerate(LAYERS)}


def resolve(module: str) -> str:
    """The module an import loads: the longest known module the dotted name starts with."""
    parts = module.split(".")
    while parts:
        name = ".".join(parts)
        if name in MODULES:
            return name
        parts.pop()
    return module


def imports_of(module: str, source: str | None = None) -> Iterator[tuple[str, int, bool]]:
    """(imported tasched module, line, inside a function) for every import in a module."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source, filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(node: ast.AST, in_function: bool) -> Iterator[tuple[str, int, bool]]:
        for child in ast.iter_child_nodes(node):
            lazy = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, in_function
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    yield (
                        f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base,
                        child.lineno,
                        in_function,
                    )
            elif isinstance(child, ast.Call) and _dynamic_import(child):
                yield child.args[0].value, child.lineno, True  # type: ignore[attr-defined]
            yield from visit(child, lazy)

    for name, line, lazy in visit(tree, False):
        if name == "tasched" or name.startswith("tasched."):
            yield resolve(name), line, lazy


def _dynamic_import(call: ast.Call) -> bool:
    func = call.func
    named = (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id in ("__import__", "import_module")
    )
    return named and bool(call.args) and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)


GRAPH = {module: list(imports_of(module)) for module in MODULES}


def where(module: str, line: int) -> str:
    return f"{MODULES[module].relative_to(ROOT.parent)}:{line}"


def test_the_layer_map_covers_every_module() -> None:
    assert len(MODULES) > 30, f"found only {len(MODULES)} modules under {ROOT}"
    unplaced = [m for m in MODULES if layer_of(m) is None]
    assert not unplaced, f"modules in no layer (add them to LAYERS): {unplaced}"
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            assert any(layer_of(m) == name and (m == prefix or m.startswith(prefix + ".")) for m in MODULES), (
                f"layer {name}: no module is {prefix} (a stale entry?)"
            )


def test_imports_follow_the_layer_order() -> None:
    wrong = []
    for module, imports in GRAPH.items():
        mine = layer_of(module)
        assert mine is not None
        for imported, line, _ in imports:
            theirs = layer_of(imported)
            if imported == "tasched":
                wrong.append(f"{where(module, line)}: imports `tasched` itself (import from its layer instead)")
            elif theirs is None:
                wrong.append(f"{where(module, line)}: imports {imported}, which is not a module of tasched")
            elif ORDER[theirs] > ORDER[mine]:
                wrong.append(f"{where(module, line)}: {mine} imports {imported} from the later layer {theirs}")
            elif mine in ONLY and theirs not in ONLY[mine]:
                wrong.append(f"{where(module, line)}: {mine} may import only {sorted(ONLY[mine])}, not {imported}")
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    edges = {m: sorted({i for i, _, _ in imports if i in MODULES and i != m}) for m, imports in GRAPH.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []
    cycles: list[str] = []

    def walk(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for nxt in edges[module]:
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            walk(module)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_lazy_imports_of_tasched_modules() -> None:
    lazy = [
        f"{where(module, line)}: imports {imported} inside a function"
        for module, imports in GRAPH.items()
        for imported, line, in_function in imports
        if in_function and (module, imported) not in LAZY_ALLOWED
    ]
    assert not lazy, "lazy imports (import at the top of the module):\n" + "\n".join(lazy)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from tasched.cli import main\n", "later layer"),
        ("from tasched.io import files\n", "later layer"),
        ("def f():\n    from tasched.input import model\n", "inside a function"),
        ("import importlib\nimportlib.import_module('tasched.input.when')\n", "inside a function"),
        ("import tasched\n", "`tasched` itself"),
    ],
)
def test_the_checks_catch_a_bad_import(source: str, problem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks fail where they should, given a solver module with a bad import."""
    monkeypatch.setitem(GRAPH, "tasched.solver", list(imports_of("tasched.solver", source)))
    with pytest.raises(AssertionError, match=problem):
        test_imports_follow_the_layer_order()
        test_no_lazy_imports_of_tasched_modules()


def test_the_cycle_check_catches_a_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(GRAPH, "tasched.input.model", [("tasched.input.week", 1, False)])
    monkeypatch.setitem(GRAPH, "tasched.input.week", [("tasched.input.model", 1, False)])
    with pytest.raises(
        AssertionError, match=re.escape("tasched.input.model -> tasched.input.week -> tasched.input.model")
    ):
        test_no_import_cycles()
