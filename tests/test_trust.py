"""A trust that shares adults: the trust file, the joint solve of coupled schools, the trust-wide check."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.trust_generate import make_trust  # noqa: E402
from tasched.errors import InputError  # noqa: E402
from tasched.input.model import SchoolData  # noqa: E402
from tasched.input.trust import compose, groups, split_rows, trust_json_schema  # noqa: E402
from tasched.io.trust import load_trust, read_trust  # noqa: E402
from tasched.solution import solve  # noqa: E402
from tasched.solution.trust import solve_group  # noqa: E402
from tasched.verify import format_report, verify  # noqa: E402
from tasched.verify.trust import verify_trust  # noqa: E402

FAST = {"time_limit": 4, "workers": 2, "seed": 0}


def test_trust_schema_is_committed() -> None:
    committed = json.loads((ROOT / "schemas" / "trust.schema.json").read_text(encoding="utf-8"))
    assert committed == trust_json_schema(), (
        "schemas/trust.schema.json is stale: run `tasched schema --trust -o schemas/trust.schema.json`"
    )


def _pair(tmp_path: Path, **kw: Any) -> Path:
    """Two tiny primaries sharing TR01 (and nothing else)."""
    return make_trust(tmp_path, 2, 1, kind="tiny", **kw)


def _clashes(by_school: dict[str, list[dict[str, Any]]], adult: str) -> set[tuple[str, str]]:
    seen: dict[tuple[str, str], str] = {}
    clash = set()
    for sid, rows in by_school.items():
        for r in rows:
            if r["staff"] == adult:
                key = (r["day"], r["slot"])
                if seen.setdefault(key, sid) != sid:
                    clash.add(key)
    return clash


# --- the trust file ----------------------------------------------------------------------


def test_groups_link_schools_through_shared_adults(tmp_path: Path) -> None:
    files = load_trust(make_trust(tmp_path, 6, 3, kind="tiny"))
    assert files.problems == {}
    assert groups(files.trust) == [["s01", "s02", "s03"], ["s04", "s05"], ["s06"]]


def test_a_trust_file_error_names_its_line(tmp_path: Path) -> None:
    path = _pair(tmp_path)
    text = path.read_text().replace("hours: 30", "hours: -3").replace("{between: [s01, s02]", "{between: [s01, s99]")
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        read_trust(path)
    messages = [str(p) for p in caught.value.problems]
    assert any(re.match(rf"{re.escape(str(path))}:\d+: shared_staff\[0\]\.hours", m) for m in messages), messages


def test_unknown_school_in_travel_is_named(tmp_path: Path) -> None:
    path = _pair(tmp_path)
    path.write_text(path.read_text().replace("{between: [s01, s02]", "{between: [s01, s2]"))
    with pytest.raises(InputError) as caught:
        read_trust(path)
    assert "unknown school 's2'" in str(caught.value)


def test_shared_adult_missing_from_a_school_names_both_files(tmp_path: Path) -> None:
    path = _pair(tmp_path)
    school = tmp_path / "s02.yaml"
    school.write_text(school.read_text().replace("id: TR01", "id: TR99"))
    files = load_trust(path)
    (problem,) = files.problems["s02"]
    assert problem.location.startswith(f"{path}:")
    assert "s02.yaml" in problem.message and "TR01" in problem.message
    assert re.search(r"s02\.yaml:\d+", problem.message)


def test_shared_id_at_a_school_not_theirs_names_both_files(tmp_path: Path) -> None:
    path = make_trust(tmp_path, 3, 1, kind="tiny", windows={3: ["Mon-Tue", "Wed", "Thu-Fri"]})
    text = path.read_text().replace(", s03: Thu-Fri}", "}")
    path.write_text(text)
    files = load_trust(path)
    (problem,) = files.problems["s03"]
    assert re.match(rf"{re.escape(str(tmp_path / 's03.yaml'))}:\d+$", problem.location)
    assert re.search(rf"{re.escape(str(path))}:\d+", problem.message)


def test_a_group_needs_one_calendar(tmp_path: Path) -> None:
    path = _pair(tmp_path)
    school = tmp_path / "s02.yaml"
    school.write_text(school.read_text().replace('end: "16:15"', 'end: "16:30"', 1))
    files = load_trust(path)
    (problem,) = files.problems["s02"]
    assert "s01.yaml" in problem.message and "calendar" in problem.message
    assert problem.location.startswith(str(school))


# --- the joint solve ----------------------------------------------------------------------


def test_composed_ids_split_back(tmp_path: Path) -> None:
    files = load_trust(_pair(tmp_path))
    joint = compose(files.trust, files.schools)
    assert {"s01/TR01", "s02/TR01"} <= {a.id for a in joint.staff}
    (person,) = joint.people
    assert person.staff == ["s01/TR01", "s02/TR01"] and person.hours == 30
    row = {"staff": "s02/TR01", "day": "Mon", "slot": "P1", "task": "pupil:s02/P001", "pupils": ["s02/P001"],
           "mode": "in_class", "room": None}  # fmt: skip
    assert split_rows([row]) == {"s02": [{**row, "staff": "TR01", "task": "pupil:P001", "pupils": ["P001"]}]}


def test_never_double_booked_when_solved_as_a_trust(tmp_path: Path) -> None:
    """Solved alone, each school books the shared adult all week; solved as a trust, never twice at once."""
    files = load_trust(_pair(tmp_path, windows={2: ["*", "*"]}, travel=0))
    alone = {sid: solve(data, **FAST).assignments for sid, data in files.schools.items()}
    assert _clashes(alone, "TR01"), "the schools alone should double-book TR01 (the test's premise)"
    rotas = solve_group(files.trust, files.schools, **FAST)
    together = {sid: r.assignments for sid, r in rotas.items()}
    assert not _clashes(together, "TR01")
    _all_valid(files.schools, rotas, files.trust)


def test_contract_total_across_sites(tmp_path: Path) -> None:
    files = load_trust(_pair(tmp_path, windows={2: ["*", "*"]}, hours=12))
    for school in files.schools.values():  # each school's row alone would allow 30 h
        for a in school.staff:
            if a.id == "TR01":
                object.__setattr__(a, "hours", 30.0)
    rotas = solve_group(files.trust, files.schools, **FAST)
    minutes = sum(_contract_minutes(files.schools[s], r.assignments, "TR01") for s, r in rotas.items())
    assert 0 < minutes <= 12 * 60
    assert verify_trust(files.trust, files.schools, {s: r.to_dict() for s, r in rotas.items()}) == []


def _contract_minutes(school: SchoolData, rows: list[dict[str, Any]], adult: str) -> int:
    length = {s.id: s.minutes for s in school.calendar.slots}
    extra = {d.id for d in school.duties if d.paid.value == "extra"}
    slots = {(r["day"], r["slot"]) for r in rows if r["staff"] == adult and r["task"].partition(":")[2] not in extra}
    return sum(length[s] for _, s in slots)


def test_travel_time_between_sites(tmp_path: Path) -> None:
    files = load_trust(_pair(tmp_path, windows={2: ["*", "*"]}, travel=45))
    rotas = solve_group(files.trust, files.schools, **FAST)
    starts = {s.id: s.start for s in files.schools["s01"].calendar.slots}
    ends = {s.id: s.end for s in files.schools["s01"].calendar.slots}

    def minutes(hhmm: str) -> int:
        return int(hhmm[:2]) * 60 + int(hhmm[3:])

    days: dict[str, dict[str, list[str]]] = {}
    for sid, rota in rotas.items():
        for r in rota.for_adult("TR01"):
            days.setdefault(r["day"], {}).setdefault(sid, []).append(r["slot"])
    for sites in days.values():
        if len(sites) < 2:
            continue
        for a in sites["s01"]:
            for b in sites["s02"]:
                gap = max(minutes(starts[b]) - minutes(ends[a]), minutes(starts[a]) - minutes(ends[b]))
                assert gap >= 45, (a, b)
    report = {s: r.to_dict() for s, r in rotas.items()}
    assert verify_trust(files.trust, files.schools, report) == []


def test_the_trust_check_sees_a_double_booking(tmp_path: Path) -> None:
    files = load_trust(_pair(tmp_path, windows={2: ["*", "*"]}))
    row = {"staff": "TR01", "day": "Mon", "slot": "P1", "task": "class:R", "mode": None, "pupils": [], "room": None}
    rotas = {"s01": {"assignments": [row]}, "s02": {"assignments": [{**row, "slot": "P2"}]}}
    found = verify_trust(files.trust, files.schools, rotas)
    assert [v.rule for v in found] == ["trust_same_person"]  # P2 starts as P1 ends: within 15 minutes' travel
    rotas["s02"]["assignments"][0]["slot"] = "P1"
    assert [v.rule for v in verify_trust(files.trust, files.schools, rotas)] == ["trust_same_person"]


def test_a_broken_school_does_not_stop_the_other_groups(tmp_path: Path) -> None:
    path = make_trust(tmp_path, 6, 3, kind="tiny")  # s01-s03 coupled, s04+s05 coupled, s06 alone
    broken = tmp_path / "s05.yaml"
    broken.write_text(broken.read_text().replace("hours: 30", "hours: -30", 1))
    files = load_trust(path)
    assert set(files.problems) == {"s05"}
    assert str(broken) in str(files.problems["s05"][0])
    ok = [g for g in files.groups() if not files.group_problems(g)]
    assert ok == [["s01", "s02", "s03"], ["s06"]]


def _all_valid(schools: dict[str, SchoolData], rotas: dict[str, Any], trust: Any) -> None:
    for sid, rota in rotas.items():
        report = verify(schools[sid], rota.to_dict())
        assert report.ok, f"{sid}: {format_report(report)}"
    assert verify_trust(trust, schools, {s: r.to_dict() for s, r in rotas.items()}) == []


def test_joint_liaison_meetings_count_in_the_trust_contract_and_nothing_is_kept_aside(tmp_path: Path) -> None:
    """With `rules.liaison: joint` the meetings are rows: the trust check, like the school's own,
    keeps no liaison minutes aside (with reserve liaison it does)."""
    files = load_trust(_pair(tmp_path, windows={2: ["*", "*"]}, hours=12))
    school = files.schools["s01"]
    rows, minutes = [], 0
    for day in school.calendar.days:
        for spec in school.calendar.slots:
            if minutes + spec.minutes <= 12 * 60:
                rows.append({"staff": "TR01", "day": day, "slot": spec.id, "task": "class:R", "pupils": []})
                minutes += spec.minutes
    assert 12 * 60 - 60 < minutes <= 12 * 60  # over the contract less an hour of liaison kept aside
    rotas = {"s01": {"assignments": rows}, "s02": {"assignments": []}}
    for sid in ("s01", "s02"):
        rules = files.schools[sid].rules.model_copy(update={"liaison_minutes": 60, "liaison": "reserve"})
        object.__setattr__(files.schools[sid], "rules", rules)
    assert [v.rule for v in verify_trust(files.trust, files.schools, rotas)] == ["trust_contract"]
    for sid in ("s01", "s02"):
        rules = files.schools[sid].rules.model_copy(update={"liaison": "joint"})
        object.__setattr__(files.schools[sid], "rules", rules)
    assert verify_trust(files.trust, files.schools, rotas) == []
