"""The rule catalogue (tasched/input/catalogue.py) is complete and true, and docs/rules.md's
"Where each rule lives" table is generated from it."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from tasched.input.catalogue import CATALOGUE, markdown

ROOT = Path(__file__).resolve().parent.parent


def resolve(ref: str) -> object:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def test_every_name_resolves() -> None:
    for rule in CATALOGUE:
        for ref in (*rule.solver, *rule.verifier):
            assert callable(resolve(ref)), f"rule {rule.number}: {ref} is not a function"
        for test in rule.tests:
            path, _, name = test.partition("::")
            tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
            found = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name]
            assert found, f"rule {rule.number}: no test {name} in {path}"


def test_every_solver_rule_and_demand_is_listed() -> None:
    import tasched.solver as solver

    listed = {ref for rule in CATALOGUE for ref in rule.solver}
    for function in (*solver.HARD_RULES, *solver.DEMANDS):
        ref = f"{function.__module__}:{function.__name__}"
        assert ref in listed, f"{ref} is in the solver but not in tasched/input/catalogue.py: add its rule"


def test_every_verifier_check_is_listed() -> None:
    verify = importlib.import_module("tasched.verify")  # `tasched.verify` the attribute is the function

    listed = {ref for rule in CATALOGUE for ref in rule.verifier}
    for check in verify.CHECKS:
        ref = f"{check.__module__}:{check.__name__}"
        assert ref in listed, f"{ref} is a verifier check but not in tasched/input/catalogue.py: add it to its rule"


def test_solver_rule_tests_drop_their_rule() -> None:
    """A rule's test in test_solver_rules.py runs once with the rule taken out (`@binds`)."""
    source = (ROOT / "tests" / "test_solver_rules.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    bound = {
        n.name
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and any("binds" in ast.unparse(d) for d in n.decorator_list)
    }
    for rule in CATALOGUE:
        for test in rule.tests:
            path, _, name = test.partition("::")
            if path.endswith("test_solver_rules.py"):
                assert name in bound, f"rule {rule.number}: {name} has no @binds(...) variant without the rule"


def test_the_catalogue_is_solver_free() -> None:
    import tasched.input.catalogue as catalogue

    imports = [n for n in ast.walk(ast.parse(inspect.getsource(catalogue))) if isinstance(n, ast.ImportFrom)]
    assert all(not (n.module or "").startswith("tasched") for n in imports)


def test_docs_rules_table_is_generated_from_the_catalogue() -> None:
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert markdown() in docs, (
        "docs/rules.md's 'Where each rule lives' table is stale: replace it with the output of "
        "`python -m tasched.input.catalogue`"
    )
