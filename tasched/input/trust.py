"""A multi-academy trust: its schools, the adults they share, and the joint school of a coupled group.

The trust file (`trust.yaml`, beside the school files) names the schools and their
files, the adults shared between them (`shared_staff`: one contract across sites,
with the days or times at each site) and the travel time between sites.

A shared adult is written in each of their schools' files too, under the same id:
each school's file stays complete on its own (skills, cost, preferences as that
school knows them; `tasched solve` and `tasched check` work on it alone), and the
trust file holds only what couples the schools. Schools linked through shared
adults form a group (:func:`groups`), solved as one composed school
(:func:`compose`): every id is namespaced `SCHOOL/ID`, each school's tasks need
the site skill `@SCHOOL` that only its own adults hold, and each shared adult is
one staff row per site plus a `people` entry tying the rows together (never two
places at once, one contract, travel between sites). :func:`split_rows` takes a
row of the composed rota back to its school.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import Field

from tasched.input.model import (
    Ehcp,
    Id,
    Intervention,
    Medical,
    Person,
    Pupil,
    School,
    SchoolData,
    Staff,
    Strict,
    Travel,
    When,
)
from tasched.input.model.base import document_config, document_schema
from tasched.input.week import shape_of
from tasched.input.when import parse_when

__all__ = [
    "SEPARATOR",
    "SharedAdult",
    "TravelTime",
    "TrustData",
    "TrustSchool",
    "compose",
    "groups",
    "site_skill",
    "site_window",
    "slots_text",
    "split_id",
    "split_rows",
    "trust_json_schema",
]

SEPARATOR = "/"


class TrustSchool(Strict):
    id: Id = Field(description="The school's id in the trust (no `/`), e.g. `oak`.")
    file: str = Field(description="The school's file, relative to the trust file, e.g. `oak.yaml`.")


class SharedAdult(Strict):
    id: Id = Field(description="The adult's staff id, the same in each of their schools' files.")
    hours: float = Field(gt=0, le=60, description="Contracted hours a week across all their schools.")
    schools: dict[str, When] = Field(
        min_length=1,
        description="School id -> when the adult is at that school (a when-expression), e.g. `{oak: Mon-Tue}`.",
    )


class TravelTime(Strict):
    between: list[Id] = Field(min_length=2, max_length=2, description="Two school ids.")
    minutes: int = Field(ge=0, le=240, description="Minutes to get from one school to the other.")


class TrustData(Strict):
    """A trust's schools and the adults they share: the document a trust file holds."""

    model_config = document_config("trust")

    name: str | None = Field(None, description="The trust's name.")
    schools: list[TrustSchool] = Field(min_length=1, description="The trust's schools and their files.")
    shared_staff: list[SharedAdult] = Field(default_factory=list, description="Adults who work at several schools.")
    travel_minutes: list[TravelTime] = Field(
        default_factory=list, description="Travel time between two schools (default 0)."
    )

    def travel(self, a: str, b: str) -> int:
        for row in self.travel_minutes:
            if {a, b} == set(row.between):
                return row.minutes
        return 0


def trust_json_schema() -> dict[str, Any]:
    """The JSON Schema of a trust file."""
    return document_schema(TrustData)


def site_skill(school: str) -> str:
    """The skill every task of `school` needs in a composed group, held only by its own adults."""
    return f"@{school}"


def groups(trust: TrustData, schools: Iterable[str] | None = None) -> list[list[str]]:
    """The schools linked through shared adults, each group in trust order; singles are groups of one."""
    order = [s.id for s in trust.schools if schools is None or s.id in set(schools)]
    parent = {s: s for s in order}

    def root(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for adult in trust.shared_staff:
        sites = [s for s in adult.schools if s in parent]
        for other in sites[1:]:
            parent[root(other)] = root(sites[0])
    found: dict[str, list[str]] = {}
    for s in order:
        found.setdefault(root(s), []).append(s)
    return list(found.values())


def _ns(school: str, value: str) -> str:
    return f"{school}{SEPARATOR}{value}"


def split_id(value: str) -> tuple[str, str]:
    """`oak/TA01` -> (`oak`, `TA01`)."""
    school, _, rest = value.partition(SEPARATOR)
    return school, rest


def _task(school: str, ref: str) -> str:
    if ref == "free":
        return ref
    kind, _, target = ref.partition(":")
    return f"{kind}:{_ns(school, target)}"


def slots_text(data: SchoolData, slots: set[tuple[int, int]]) -> str:
    """An explicit when-expression for a set of week slots (`Mon P1, Mon P2`), `Mon` for whole days."""
    cal = data.calendar
    parts = []
    for d, day in enumerate(cal.days):
        mine = [s for s in range(len(cal.slots)) if (d, s) in slots]
        if len(mine) == len(cal.slots):
            parts.append(day)
        else:
            parts.extend(f"{day} {cal.slots[s].id}" for s in mine)
    return ", ".join(parts)


def site_window(data: SchoolData, staff: Staff, when: str | None) -> set[tuple[int, int]]:
    """Where a shared adult may work at one school: their row's availability there within the trust's window."""
    shape = shape_of(data)
    window = parse_when(staff.available, shape) - parse_when(staff.unavailable, shape)
    return window & parse_when(when, shape) if when is not None else window


def compose(trust: TrustData, schools: dict[str, SchoolData]) -> SchoolData:
    """One school holding a coupled group: ids namespaced `SCHOOL/ID`, tasks tied to their site,
    each shared adult one row per site joined by a `people` entry.

    The schools share one calendar and the same rules (checked when the trust is read);
    the first school's calendar, rules, phase, pay weeks and on-cost are used.
    """
    first = next(iter(schools.values()))
    shared = {a.id: a for a in trust.shared_staff if any(s in schools for s in a.schools)}
    sites = [_site_rows(sid, data, shared) for sid, data in schools.items()]
    return SchoolData(
        school=School(
            name=" + ".join(d.school.name for d in schools.values()),
            phase=first.school.phase,
            paid_weeks=first.school.paid_weeks,
            oncost=first.school.oncost,
        ),
        calendar=first.calendar,
        staff=_gather(sites, "staff"),
        classes=_gather(sites, "classes"),
        lessons=_gather(sites, "lessons"),
        support=_gather(sites, "support"),
        pupils=_gather(sites, "pupils"),
        interventions=_gather(sites, "interventions"),
        duties=_gather(sites, "duties"),
        rooms=_gather(sites, "rooms"),
        rules=first.rules,
        pins=_gather(sites, "pins"),
        absences=_gather(sites, "absences"),
        people=_people(trust, shared, schools),
    )


def _gather(sites: list[dict[str, list[Any]]], section: str) -> list[Any]:
    """One section's rows from every school, school by school."""
    return [row for rows in sites for row in rows[section]]


def _site_rows(sid: str, data: SchoolData, shared: dict[str, SharedAdult]) -> dict[str, list[Any]]:
    """One school's rows by section: ids namespaced `SCHOOL/ID`, every task needing the school's site skill."""
    site = [site_skill(sid)]
    return {
        "staff": [_site_adult(sid, data, a, shared.get(a.id)) for a in data.staff],
        "classes": [c.model_copy(update={"id": _ns(sid, c.id)}) for c in data.classes],
        "lessons": [x.model_copy(update={"class_": _ns(sid, x.class_)}) for x in data.lessons],
        "support": [
            x.model_copy(update={"class_": _ns(sid, x.class_), "skills": [*x.skills, *site]}) for x in data.support
        ],
        "pupils": [_site_pupil(sid, p) for p in data.pupils],
        "interventions": [_site_intervention(sid, i) for i in data.interventions],
        "duties": [d.model_copy(update={"id": _ns(sid, d.id), "skills": [*d.skills, *site]}) for d in data.duties],
        "rooms": [r.model_copy(update={"id": _ns(sid, r.id), "kind": _ns(sid, r.kind)}) for r in data.rooms],
        "pins": [p.model_copy(update={"staff": _ns(sid, p.staff), "task": _task(sid, p.task)}) for p in data.pins],
        "absences": [a.model_copy(update={"staff": _ns(sid, a.staff)}) for a in data.absences],
    }


def _site_adult(sid: str, data: SchoolData, a: Staff, adult: SharedAdult | None) -> Staff:
    """A staff row at its school; a shared adult's row is held to the trust's window there and their total hours."""
    update: dict[str, Any] = {
        "id": _ns(sid, a.id),
        "skills": [*a.skills, site_skill(sid)],
        "prefer": [_task(sid, p) for p in a.prefer],
    }
    if adult is not None and sid in adult.schools:
        window = slots_text(data, site_window(data, a, adult.schools[sid]))
        update.update(
            available=window or a.available,
            unavailable=None if window else "*",
            hours=min(a.hours, adult.hours),
        )
    return a.model_copy(update=update)


def _site_pupil(sid: str, p: Pupil) -> Pupil:
    """A pupil at their school: their EHC support and medical cover need the school's site skill."""
    site = [site_skill(sid)]
    update: dict[str, Any] = {"id": _ns(sid, p.id), "classes": [_ns(sid, c) for c in p.classes]}
    if p.ehcp is not None:
        update["ehcp"] = Ehcp.model_validate({**p.ehcp.model_dump(by_alias=True), "skills": [*p.ehcp.skills, *site]})
    if p.medical is not None:
        update["medical"] = Medical(skills=[*p.medical.skills, *site], when=p.medical.when)
    return p.model_copy(update=update)


def _site_intervention(sid: str, i: Intervention) -> Intervention:
    """An intervention at its school: its pupils and room kind namespaced, its deliverer needing the site skill."""
    return i.model_copy(
        update={
            "id": _ns(sid, i.id),
            "pupils": [_ns(sid, p) for p in i.pupils],
            "skills": [*i.skills, site_skill(sid)],
            "room_kind": None if i.room_kind is None else _ns(sid, i.room_kind),
        }
    )


def _people(trust: TrustData, shared: dict[str, SharedAdult], schools: dict[str, SchoolData]) -> list[Person]:
    """Each shared adult working in two or more of the group's schools: their rows, total hours and travel."""
    people: list[Person] = []
    for adult in shared.values():
        sites = [s for s in adult.schools if s in schools]
        rows = [_ns(s, adult.id) for s in sites]
        if len(rows) < 2:
            continue
        travel = [
            Travel(between=[_ns(a, adult.id), _ns(b, adult.id)], minutes=trust.travel(a, b))
            for i, a in enumerate(sites)
            for b in sites[i + 1 :]
            if trust.travel(a, b) > 0
        ]
        people.append(Person(id=adult.id, staff=rows, hours=adult.hours, travel=travel))
    return people


def split_rows(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The composed rota's rows by school, with their ids as each school's file writes them."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        school, staff = split_id(str(row["staff"]))
        kind, _, target = str(row["task"]).partition(":")
        own = {
            **row,
            "staff": staff,
            "task": f"{kind}:{split_id(target)[1]}",
            "pupils": [split_id(str(p))[1] for p in row.get("pupils") or []],
        }
        if row.get("room") is not None:
            own["room"] = split_id(str(row["room"]))[1]
        out.setdefault(school, []).append(own)
    return out
