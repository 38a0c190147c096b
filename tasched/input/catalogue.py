"""The rule catalogue: each hard rule and demand of the format, where it lives on each side.

A small solver-free table. Each rule names its solver function (`module:function`), its
shared predicate (the solver-free function that everything but the solver judges the
rule by: the greedy start, reasons, suggest, explain, staff-min, what-if), its check in
the independent verifier and the test that drops the rule and shows the rota breaking
(or, for a demand, the test that shows it met). Names are dotted strings, so input/
imports no later layer. tests/test_catalogue.py and tests/test_predicates.py hold the
table to the code (every name resolves; every solver rule, demand, verifier check and
predicate is listed) and docs/rules.md's "Where each rule lives" is generated from it:

    python -m tasched.input.catalogue
"""

from __future__ import annotations

from dataclasses import dataclass

SOLVER = "tasched.solver"
RULES = "tasched.solver.rules"
DEMANDS = "tasched.solver.demands"
PREDICATES = "tasched.problem.predicates"
VERIFY_STAFF = "tasched.verify.checks_staff"
VERIFY_EHCP = "tasched.verify.checks_ehcp"
VERIFY_INTERVENTIONS = "tasched.verify.checks_interventions"
VERIFY_TASKS = "tasched.verify.checks_tasks"
RULE_TESTS = "tests/test_solver_rules.py"


@dataclass(frozen=True)
class Rule:
    number: str  # as numbered in docs/rules.md ("" for the demands and goals rows)
    title: str
    solver: tuple[str, ...]  # module:function
    verifier: tuple[str, ...]  # module:function
    tests: tuple[str, ...]  # path::test function that fails without the rule
    predicates: tuple[str, ...] = ()  # module:function, solver-free (tasched.problem.predicates)


CATALOGUE: tuple[Rule, ...] = (
    Rule(
        "1",
        "availability (absences included)",
        ("tasched.problem.adults:compile_adults",),
        (f"{VERIFY_STAFF}:check_availability",),
        (f"{RULE_TESTS}::test_availability",),
    ),
    Rule(
        "2",
        "skills",
        ("tasched.problem.compile:_eligible",),
        (f"{VERIFY_STAFF}:check_skills",),
        (f"{RULE_TESTS}::test_skills",),
    ),
    Rule(
        "3",
        "contracted hours, liaison time, overtime",
        (f"{RULES}:add_contracted_hours",),
        (f"{VERIFY_STAFF}:check_contracted_hours",),
        (f"{RULE_TESTS}::test_contracted_hours",),
        (
            f"{PREDICATES}:counts_for_contract",
            f"{PREDICATES}:contract_minutes",
            f"{PREDICATES}:extra_minutes",
            f"{PREDICATES}:fits_contract",
        ),
    ),
    Rule(
        "4",
        "max duties",
        (f"{RULES}:add_max_duties",),
        (f"{VERIFY_STAFF}:check_max_duties",),
        (f"{RULE_TESTS}::test_max_duties",),
    ),
    Rule(
        "5",
        "EHC support: slot, mode, 2:1, not during a session",
        (f"{RULES}:add_pupil_whereabouts",),
        (
            f"{VERIFY_EHCP}:check_ehcp_slot",
            f"{VERIFY_EHCP}:check_ehcp_mode",
            f"{VERIFY_EHCP}:check_ehcp_adults",
            f"{VERIFY_EHCP}:check_ehcp_in_session",
        ),
        (f"{RULE_TESTS}::test_two_to_one", f"{RULE_TESTS}::test_no_support_during_session"),
    ),
    Rule(
        "6",
        "one place per slot; pooling",
        (f"{RULES}:add_one_place_per_slot",),
        (f"{VERIFY_STAFF}:check_one_place", f"{VERIFY_EHCP}:check_pooling"),
        (f"{RULE_TESTS}::test_one_place_per_slot", f"{RULE_TESTS}::test_pooling_limits"),
    ),
    Rule(
        "7",
        "over-support",
        (f"{DEMANDS}:add_ehcp_hours",),
        (f"{VERIFY_EHCP}:check_over_support",),
        (f"{RULE_TESTS}::test_over_support_cap",),
    ),
    Rule(
        "8",
        "rotation: min_staff, max_share, max_consecutive, max_staff",
        (f"{RULES}:add_rotation_rules", f"{RULES}:add_max_staff"),
        (
            f"{VERIFY_EHCP}:check_rotation_min_staff",
            f"{VERIFY_EHCP}:check_rotation_max_share",
            f"{VERIFY_EHCP}:check_rotation_max_consecutive",
            f"{VERIFY_EHCP}:check_rotation_max_staff",
        ),
        (
            f"{RULE_TESTS}::test_rotation_min_staff",
            f"{RULE_TESTS}::test_rotation_max_share",
            f"{RULE_TESTS}::test_rotation_max_consecutive",
            f"{RULE_TESTS}::test_rotation_max_staff",
        ),
        (
            f"{PREDICATES}:run_through",
            f"{PREDICATES}:longest_run",
        ),
    ),
    Rule(
        "9",
        "interventions: slots, sessions, one a day, same adult, one session a pupil",
        ("tasched.problem.tasks:compile_interventions", f"{DEMANDS}:add_intervention_sessions"),
        (
            f"{VERIFY_INTERVENTIONS}:check_intervention_slot",
            f"{VERIFY_INTERVENTIONS}:check_intervention_sessions",
            f"{VERIFY_INTERVENTIONS}:check_intervention_one_per_day",
            f"{VERIFY_INTERVENTIONS}:check_intervention_same_staff",
            f"{VERIFY_INTERVENTIONS}:check_intervention_pupil_clash",
        ),
        (
            f"{RULE_TESTS}::test_intervention_sessions_cap",
            f"{RULE_TESTS}::test_intervention_one_per_day",
            f"{RULE_TESTS}::test_intervention_same_staff",
            f"{RULE_TESTS}::test_no_pupil_in_two_sessions",
        ),
    ),
    Rule(
        "10",
        "rooms",
        (f"{RULES}:add_room_capacity",),
        (f"{VERIFY_INTERVENTIONS}:check_room", f"{VERIFY_INTERVENTIONS}:check_room_capacity"),
        (f"{RULE_TESTS}::test_room_capacity",),
    ),
    Rule(
        "11",
        "withdrawal (and its rotation over a term)",
        (f"{RULES}:add_withdrawal_limit", f"{RULES}:add_withdrawal_rotation"),
        (f"{VERIFY_EHCP}:check_withdrawal", "tasched.verify.term:verify_term"),
        (f"{RULE_TESTS}::test_max_withdrawal",),
        (
            f"{PREDICATES}:out_of_class",
            f"{PREDICATES}:within_withdrawal",
            f"{PREDICATES}:may_withdraw",
        ),
    ),
    Rule(
        "12",
        "duties: staff per slot, someone with each of any_skills",
        (f"{DEMANDS}:add_duties",),
        (
            f"{VERIFY_TASKS}:check_duty_slot",
            f"{VERIFY_TASKS}:check_duty_staff",
            f"{VERIFY_TASKS}:check_duty_any_skills",
        ),
        (f"{RULE_TESTS}::test_duty_staff_per_slot", f"{RULE_TESTS}::test_duty_any_skills"),
    ),
    Rule(
        "13",
        "breaks",
        (f"{RULES}:add_break_rule",),
        (f"{VERIFY_STAFF}:check_break",),
        (f"{RULE_TESTS}::test_break",),
        (
            f"{PREDICATES}:day_span",
            f"{PREDICATES}:break_kept",
        ),
    ),
    Rule(
        "14",
        "class support and medical cover rows; most adults a class",
        (f"{DEMANDS}:add_class_support", f"{DEMANDS}:add_medical_cover", f"{RULES}:add_class_max_adults"),
        (
            f"{VERIFY_TASKS}:check_class_support_slot",
            f"{VERIFY_TASKS}:check_class_support_staff",
            f"{VERIFY_TASKS}:check_class_max_adults",
        ),
        (f"{RULE_TESTS}::test_class_support_staff_per_slot", f"{RULE_TESTS}::test_class_max_adults"),
        (
            f"{PREDICATES}:class_at",
            f"{PREDICATES}:medical_near",
            f"{PREDICATES}:medical_covered",
        ),
    ),
    Rule(
        "15",
        "pins",
        (f"{RULES}:add_pins",),
        (f"{VERIFY_STAFF}:check_pin",),
        (f"{RULE_TESTS}::test_pin_forces_task", f"{RULE_TESTS}::test_pin_free"),
    ),
    Rule(
        "16",
        "same person (one adult, several staff rows: shared staff)",
        ("tasched.solver.people:add_same_person",),
        (f"{VERIFY_STAFF}:check_same_person", "tasched.verify.trust:verify_trust"),
        ("tests/test_trust.py::test_never_double_booked_when_solved_as_a_trust",),
    ),
    Rule(
        "17",
        "joint liaison",
        ("tasched.solver.liaison:add_liaison",),
        (f"{VERIFY_TASKS}:check_liaison",),
        ("tests/test_liaison_cover.py::test_joint_liaison_meets_the_teacher_in_a_common_free_slot",),
        (f"{PREDICATES}:lesson_supported",),
    ),
    Rule(
        "18",
        "cover",
        ("tasched.solver.cover:add_cover",),
        (f"{VERIFY_TASKS}:check_cover",),
        ("tests/test_liaison_cover.py::test_cover_within_max_minutes",),
    ),
)


def _names(refs: tuple[str, ...]) -> str:
    return ", ".join(f"`{ref.replace('tasched.', '').replace(':', ' ')}`" for ref in refs) or "—"


def markdown() -> str:
    """docs/rules.md's "Where each rule lives" table, generated from the catalogue."""
    lines = [
        "| rule | solver | shared predicate | verifier | test that drops it |",
        "|---|---|---|---|---|",
    ]
    for rule in CATALOGUE:
        tests = ", ".join(f"`{t.split('::')[-1]}`" for t in rule.tests)
        lines.append(
            f"| {rule.number} {rule.title} | {_names(rule.solver)} | {_names(rule.predicates)} "
            f"| {_names(rule.verifier)} | {tests} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
