"""A coupled group of a trust's schools solved as one, and its rota split back school by school.

:func:`solve_group` composes the group into one school (:func:`tasched.input.trust.compose`),
solves it tier by tier as any school is solved, then gives each school its own rota: its rows
with its own ids, and its shortfalls, reasons and KPIs worked out against its own file, so
`tasched check SCHOOL ROTA` judges it alone. `meta.tiers` is the group's (one model);
`meta.trust_group` names the schools solved together.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from tasched.input.model import SchoolData
from tasched.input.trust import TrustData, compose, split_rows
from tasched.problem.compile import compile_problem
from tasched.solution import finish_rota, solve
from tasched.solution.rota import Rota

__all__ = ["solve_group"]


def solve_group(trust: TrustData, schools: dict[str, SchoolData], **options: Any) -> dict[str, Rota]:
    """Each school's rota from one joint solve of the group (a school alone is solved as usual)."""
    if len(schools) == 1:
        return {sid: solve(data, **options) for sid, data in schools.items()}
    started = time.perf_counter()
    joint = compose(trust, schools)
    rota = solve(joint, **options)
    by_school = split_rows(rota.assignments)
    rotas: dict[str, Rota] = {}
    for sid, data in schools.items():
        meta = copy.deepcopy(rota.meta)
        meta["school"] = data.school.name
        meta["trust_group"] = list(schools)
        meta["model"] = {"staff": len(joint.staff), "pupils": len(joint.pupils), "schools": len(schools)}
        if rota.status == "no_rota":
            rotas[sid] = Rota(meta=meta, assignments=[])
            continue
        rows = sorted(by_school.get(sid, []), key=lambda r: (r["staff"], r["day"], r["slot"], r["task"]))
        rotas[sid] = finish_rota(compile_problem(data), rows, meta)
    for r in rotas.values():
        r.meta["group_seconds"] = round(time.perf_counter() - started, 1)
    return rotas
