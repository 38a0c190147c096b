"""Reading a trust file and its schools' files, with every cross-file problem at its line in each file.

A problem of the trust file itself (it cannot be read, a field is wrong) stops the
trust: :func:`read_trust` raises InputError. A problem of one school (its file is
broken, a shared adult is missing from it, its calendar differs from a school it
shares an adult with) is kept with that school's group in :attr:`TrustFiles.problems`,
so :mod:`tasched.jobs.batch` can name it and go on with the other groups.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tasched.errors import InputError, Problem, field_path
from tasched.input.model import SchoolData
from tasched.input.trust import SEPARATOR, TrustData, groups, site_window
from tasched.input.week import shape_of
from tasched.input.when import WhenError, nearest, parse_when
from tasched.io.excel import read_workbook
from tasched.io.formats import load_school
from tasched.io.loader import read_yaml

__all__ = ["TRUST_NAMES", "TrustFiles", "load_trust", "read_trust"]

TRUST_NAMES = ("trust.yaml", "trust.yml")
DocPath = tuple[str | int, ...]
Locate = Callable[[DocPath], str]


def read_trust(path: str | os.PathLike[str]) -> tuple[TrustData, Locate]:
    """The trust file checked on its own: its fields, unique ids, known schools in `shared_staff`
    and `travel_minutes`. Raises InputError with every problem, each at `FILE:LINE`."""
    if not Path(path).is_file():
        raise InputError([Problem(str(path), "", "no such file")])
    doc = read_yaml(path)
    problems = list(doc.problems)
    raw = doc.data
    if isinstance(raw, dict):  # an empty value means the default, as in a school file
        raw = {key: value for key, value in raw.items() if value is not None}
    try:
        trust = TrustData.model_validate(raw)
    except ValidationError as error:
        for err in error.errors(include_url=False):
            loc = tuple(err["loc"])
            problems.append(Problem(doc.locate(loc), field_path(loc), err["msg"]))
        raise InputError(problems) from None
    ids = [s.id for s in trust.schools]
    seen: dict[str, int] = {}
    for i, school in enumerate(trust.schools):
        where: DocPath = ("schools", i, "id")
        if SEPARATOR in school.id:
            problems.append(Problem(doc.locate(where), field_path(where), f"a school id has no `{SEPARATOR}`"))
        if school.id in seen:
            problems.append(
                Problem(doc.locate(where), field_path(where), f"duplicate school id '{school.id}' "
                        f"(also at {doc.locate(('schools', seen[school.id]))})")
            )  # fmt: skip
        seen.setdefault(school.id, i)
    adults: dict[str, int] = {}
    for i, adult in enumerate(trust.shared_staff):
        if adult.id in adults:
            where = ("shared_staff", i, "id")
            problems.append(
                Problem(doc.locate(where), field_path(where), f"'{adult.id}' is listed twice "
                        f"(also at {doc.locate(('shared_staff', adults[adult.id]))}); list each adult once")
            )  # fmt: skip
        adults.setdefault(adult.id, i)
        for sid in adult.schools:
            if sid not in seen:
                where = ("shared_staff", i, "schools", sid)
                problems.append(Problem(doc.locate(where), field_path(where), _unknown_school(sid, ids)))
    for i, travel in enumerate(trust.travel_minutes):
        for j, sid in enumerate(travel.between):
            if sid not in seen:
                where = ("travel_minutes", i, "between", j)
                problems.append(Problem(doc.locate(where), field_path(where), _unknown_school(sid, ids)))
    if problems:
        raise InputError(problems)
    return trust, doc.locate


def _unknown_school(sid: str, ids: list[str]) -> str:
    near = nearest(sid, ids)
    hint = f"; did you mean '{near}'?" if near else f"; the trust's schools are {', '.join(ids)}"
    return f"unknown school '{sid}'{hint}"


@dataclass
class TrustFiles:
    """A trust read with its schools: what loaded, and what is wrong, school by school."""

    path: Path
    trust: TrustData
    locate: Locate
    files: dict[str, Path]  # school id -> its file
    schools: dict[str, SchoolData] = field(default_factory=dict)  # the schools whose files loaded
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # school id -> its problems

    def groups(self) -> list[list[str]]:
        """Schools coupled through shared adults (a school alone is a group of one)."""
        return groups(self.trust)

    def group_problems(self, group: list[str]) -> list[Problem]:
        return [p for sid in group for p in self.problems.get(sid, [])]


def load_trust(path: str | os.PathLike[str]) -> TrustFiles:
    """Read the trust file and every school file it names; cross-file problems are found here.

    InputError only for a trust file that cannot be used; a school's problems are kept
    in :attr:`TrustFiles.problems`.
    """
    trust, locate = read_trust(path)
    base = Path(path).parent
    files = {s.id: base / s.file for s in trust.schools}
    out = TrustFiles(Path(path), trust, locate, files)
    places: dict[str, Locate] = {}
    for i, school in enumerate(trust.schools):
        file = files[school.id]
        if not file.is_file():
            where = ("schools", i, "file")
            out.problems.setdefault(school.id, []).append(
                Problem(locate(where), field_path(where), f"no such file: {file}")
            )
            continue
        try:
            out.schools[school.id] = load_school(file)
        except InputError as error:
            out.problems.setdefault(school.id, []).extend(error.problems)
            continue
        places[school.id] = _locator(file)
    _check_shared_staff(out, places)
    _check_groups(out, places)
    return out


def _locator(file: Path) -> Locate:
    if file.suffix.lower() == ".xlsx":
        return read_workbook(file)[1]
    return read_yaml(file).locate


def _check_shared_staff(out: TrustFiles, places: dict[str, Locate]) -> None:
    """Both ways: each shared adult is in each of their schools' files; a school file's adult
    with a shared adult's id is at one of that adult's schools."""
    trust, locate = out.trust, out.locate
    shared = {a.id: i for i, a in enumerate(trust.shared_staff)}
    for i, adult in enumerate(trust.shared_staff):
        for sid, when in adult.schools.items():
            data = out.schools.get(sid)
            if data is None:
                continue
            file = out.files[sid]
            where = ("shared_staff", i, "schools", sid)
            rows = [k for k, a in enumerate(data.staff) if a.id == adult.id]
            if not rows:
                out.problems.setdefault(sid, []).append(
                    Problem(locate(where), field_path(where),
                            f"{adult.id} is not in {file.name}'s staff (see {places[sid](('staff',))}); write "
                            f"them there with the same id, their skills and pay as {sid} knows them")
                )  # fmt: skip
                continue
            row = data.staff[rows[0]]
            try:
                parse_when(when, shape_of(data))
            except WhenError as error:
                out.problems.setdefault(sid, []).append(
                    Problem(locate(where), field_path(where), f"in {file.name}'s calendar: {error}")
                )
                continue
            if not site_window(data, row, when):
                out.problems.setdefault(sid, []).append(
                    Problem(locate(where), field_path(where),
                            f"{adult.id} is at {sid} `{when}`, but never then by {file.name}'s staff row "
                            f"({places[sid](('staff', rows[0]))}: available `{row.available}`); widen one")
                )  # fmt: skip
    for sid, data in out.schools.items():
        for k, a in enumerate(data.staff):
            i = shared.get(a.id)  # type: ignore[assignment]
            if i is None or sid in trust.shared_staff[i].schools:
                continue
            out.problems.setdefault(sid, []).append(
                Problem(places[sid](("staff", k, "id")), f"staff[{k}].id",
                        f"'{a.id}' is a shared adult of the trust ({locate(('shared_staff', i))}) but {sid} is not "
                        "one of their schools: add it to their `schools` there, or give this adult another id")
            )  # fmt: skip


def _check_groups(out: TrustFiles, places: dict[str, Locate]) -> None:
    """A coupled group's schools share one calendar and the same rules (a documented limit)."""
    for group in out.groups():
        loaded = [sid for sid in group if sid in out.schools]
        if len(group) < 2 or not loaded:
            continue
        first = loaded[0]
        for sid in loaded[1:]:
            a, b = out.schools[first], out.schools[sid]
            for section, same in (
                ("calendar", a.calendar == b.calendar),
                ("rules", _rules(a) == _rules(b)),
            ):
                if not same:
                    out.problems.setdefault(sid, []).append(
                        Problem(places[sid]((section,)), section,
                                f"{out.files[sid].name} shares adults with {out.files[first].name} "
                                f"({places[first]((section,))}), so they are solved together and need the same "
                                f"`{section}`; make them the same"
                                + (" (rules.solver may differ)" if section == "rules" else ""))
                    )  # fmt: skip


def _rules(data: SchoolData) -> dict[str, Any]:
    rules = data.rules.model_dump()
    rules.pop("solver", None)
    return rules
