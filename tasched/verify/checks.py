"""The hard rules of docs/rules.md, one check each, in the order the verifier runs them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tasched.verify.checks_ehcp import (
    check_ehcp_adults,
    check_ehcp_in_session,
    check_ehcp_mode,
    check_ehcp_slot,
    check_over_support,
    check_pooling,
    check_rotation_max_consecutive,
    check_rotation_max_share,
    check_rotation_max_staff,
    check_rotation_min_staff,
    check_withdrawal,
)
from tasched.verify.checks_interventions import (
    check_intervention_one_per_day,
    check_intervention_pupil_clash,
    check_intervention_same_staff,
    check_intervention_sessions,
    check_intervention_slot,
    check_room,
    check_room_capacity,
)
from tasched.verify.checks_staff import (
    check_availability,
    check_break,
    check_contracted_hours,
    check_max_duties,
    check_one_place,
    check_pin,
    check_same_person,
    check_skills,
)
from tasched.verify.checks_tasks import (
    check_class_max_adults,
    check_class_support_slot,
    check_class_support_staff,
    check_cover,
    check_duty_any_skills,
    check_duty_slot,
    check_duty_staff,
    check_liaison,
)
from tasched.verify.facts import Facts, Index
from tasched.verify.report import Violation

Check = Callable[[Facts, Index], Iterator[Violation]]

CHECKS: tuple[Check, ...] = (
    check_availability,
    check_skills,
    check_contracted_hours,
    check_max_duties,
    check_ehcp_slot,
    check_ehcp_mode,
    check_ehcp_adults,
    check_ehcp_in_session,
    check_one_place,
    check_pooling,
    check_over_support,
    check_rotation_min_staff,
    check_rotation_max_staff,
    check_rotation_max_share,
    check_rotation_max_consecutive,
    check_intervention_slot,
    check_intervention_sessions,
    check_intervention_one_per_day,
    check_intervention_same_staff,
    check_intervention_pupil_clash,
    check_room,
    check_room_capacity,
    check_withdrawal,
    check_duty_slot,
    check_duty_staff,
    check_duty_any_skills,
    check_break,
    check_class_support_slot,
    check_class_support_staff,
    check_class_max_adults,
    check_pin,
    check_same_person,
    check_liaison,
    check_cover,
)
