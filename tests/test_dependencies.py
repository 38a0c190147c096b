"""The dependency ranges in pyproject.toml and the lowest-versions constraints CI installs agree."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(text) for text in project["dependencies"]]
    found += [Requirement(text) for text in project["optional-dependencies"]["test"]]
    return found


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "ci" / "lowest-constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"ci/lowest-constraints.txt: {line!r} is not name==version"
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _lower_bound(requirement: Requirement) -> Version | None:
    bounds = [Version(spec.version) for spec in requirement.specifier if spec.operator in (">=", "==", "~=")]
    return max(bounds) if bounds else None


def test_every_runtime_dependency_has_a_lower_bound() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for text in project["dependencies"]:
        assert _lower_bound(Requirement(text)) is not None, f"{text}: give it a lower bound"


def test_defusedxml_is_a_dependency() -> None:
    """openpyxl refuses XML entity bombs only when defusedxml is installed."""
    assert "defusedxml" in {canonicalize_name(r.name) for r in _requirements()}


def test_the_lowest_constraints_pin_each_lower_bound() -> None:
    pins = _pins()
    for requirement in _requirements():
        lowest = _lower_bound(requirement)
        if lowest is None:
            continue  # types-PyYAML, ruff, mypy: not needed to run the tests
        name = canonicalize_name(requirement.name)
        if name in ("ruff", "mypy"):
            continue
        assert name in pins, f"ci/lowest-constraints.txt: pin {requirement.name}=={lowest}"
        pinned = pins[name]
        assert requirement.specifier.contains(pinned, prereleases=True), f"{name}=={pinned} is outside {requirement}"
        release = pinned.release[: len(lowest.release)]
        assert release == lowest.release, f"{name}: the pin {pinned} is not the lower bound {lowest}"
