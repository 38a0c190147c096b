"""The independent verifier: judges a rota against format.md and docs/rules.md.

It re-derives every fact it needs (open slots, when classes meet, where pupils
are, who works when) from the school input and the rota's rows alone, and shares
no code with the solver: only the input model and the when-expression parser.
Every hard rule of docs/rules.md is one small function (checks_*.py), named after the rule
and carrying the rule's wording, run in the order of `CHECKS` (checks.py); then the demands' shortfalls and the KPIs are
derived from the rows and compared with what the rota says about itself.

    report = verify(school, rota_dict)
    print(format_report(report))
"""

from __future__ import annotations

from typing import Any

from tasched.input.model import SchoolData
from tasched.verify.checks import CHECKS, Check
from tasched.verify.checks_ehcp import out_of_class_slots
from tasched.verify.compare import STATUSES, check_meta, compare_kpis, compare_shortfalls
from tasched.verify.derive import _near, derive_kpis, derive_shortfalls
from tasched.verify.facts import Facts, Index, Row, contract_slots, extra_slots
from tasched.verify.report import (
    EHC_TOLERANCE_MINUTES,
    EPSILON,
    RATIO_TOLERANCE,
    TOLERANCE,
    Report,
    Violation,
    format_report,
)
from tasched.verify.rows import MODES, ROW_FIELDS, parse_rows

__all__ = [
    "CHECKS",
    "EHC_TOLERANCE_MINUTES",
    "EPSILON",
    "MODES",
    "RATIO_TOLERANCE",
    "ROW_FIELDS",
    "STATUSES",
    "TOLERANCE",
    "Check",
    "Facts",
    "Index",
    "Report",
    "Row",
    "Violation",
    "_near",
    "check_meta",
    "compare_kpis",
    "compare_shortfalls",
    "contract_slots",
    "derive_kpis",
    "derive_shortfalls",
    "extra_slots",
    "format_report",
    "out_of_class_slots",
    "parse_rows",
    "verify",
]


def verify(school: SchoolData, rota: dict[str, Any], *, rows_only: bool = False) -> Report:
    """Judge a rota (a dict loaded from the solver's YAML) against the school.

    Checks the format and every hard rule of docs/rules.md, then derives the
    shortfalls and KPIs from the rows and compares them with the rota's own.
    KPIs: per EHC pupil, hours required and delivered (uncapped), distinct adults
    with EHC contact and the largest adult's share of the required minutes; per
    intervention, sessions required and held; per supported class, adult-slots
    required and delivered and their ratio (1.0 when nothing is required); per
    adult, contracted, assigned (contract-counted) extra and overtime hours, idle
    contracted minutes and duty rows; cost weekly and annual, from unrounded hours.
    A `no_rota` rota must have no rows, and only its format is checked.
    With `rows_only` (a rota read from a workbook's Assignments sheet, which holds
    no machine-readable meta, shortfalls or KPIs) only the rows are judged.
    """
    if not isinstance(rota, dict):
        return Report([Violation("row_format", "the rota is not a mapping")], [], {})
    violations = [] if rows_only else list(check_meta(rota))
    raw = rota.get("assignments")
    meta = rota.get("meta")
    if isinstance(meta, dict) and meta.get("status") == "no_rota":
        if raw:
            violations.append(Violation("row_format", "status is no_rota, but the rota has assignment rows"))
        return Report(violations, [], {}, rows=0)

    facts = Facts(school)
    rows, problems = parse_rows(facts, raw)
    violations += problems
    ix = Index.build(facts, rows)
    for check in CHECKS:
        violations.extend(check(facts, ix))
    shortfalls = derive_shortfalls(facts, ix)
    kpis = derive_kpis(facts, ix)
    if not rows_only:
        violations.extend(compare_shortfalls(shortfalls, rota.get("shortfalls")))
        violations.extend(compare_kpis(kpis, rota.get("kpis")))
    count = len(raw) if isinstance(raw, list) else 0
    return Report(violations, shortfalls, kpis, rows=count)
