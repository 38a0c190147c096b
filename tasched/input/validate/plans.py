"""Checks that the rules and plans can hold on their own terms, before any rota is sought.

Liaison time fits inside every contract; a pupil's rotation asks for no more
adults than it allows; the term's weeks hold what names them (closed weeks, the
plan's start, EHC fades and programmes), and a fade never goes below the plan's
statutory floor.
"""

from __future__ import annotations

from tasched.input.model import Ehcp, Fade, Pupil
from tasched.input.term import floor_hours, planned_hours, programme_span, week_count
from tasched.input.validate.facts import SchoolFacts


def check_liaison_minutes(school: SchoolFacts) -> None:
    """rules.liaison_minutes fits inside every adult's contracted time."""
    liaison = school.data.rules.liaison_minutes
    short = [s for s in school.data.staff if liaison > s.hours * 60]
    if short:
        names = ", ".join(f"'{s.id}' ({s.hours:g} h = {s.hours * 60:g} min)" for s in short[:4])
        more = f" and {len(short) - 4} more" if len(short) > 4 else ""
        school.add(
            ("rules", "liaison_minutes"),
            f"liaison_minutes {liaison} is more than the contracted minutes of {names}{more}; lower it",
        )


def check_rotation_team(school: SchoolFacts) -> None:
    """Each pupil's rotation can hold: `min_staff` (and 2:1's two adults) within `max_staff`."""
    base = school.data.rules.rotation
    if base.max_staff is not None and base.min_staff > base.max_staff:
        school.add(
            ("rules", "rotation", "max_staff"),
            f"max_staff {base.max_staff} is less than min_staff {base.min_staff}: no pupil's support could "
            "meet both; raise max_staff or lower min_staff",
        )
    for i, pupil in enumerate(school.data.pupils):
        own = pupil.rotation
        if pupil.ehcp is None or own is None:
            continue
        least = own.min_staff if own.min_staff is not None else base.min_staff
        most = own.max_staff if own.max_staff is not None else base.max_staff
        if most is None or (own.min_staff is None and own.max_staff is None):
            continue
        if least > most:
            school.add(
                ("pupils", i, "rotation", "max_staff" if own.max_staff is not None else "min_staff"),
                f"pupil '{pupil.id}''s support must come from at least {least} adults (min_staff) but at most "
                f"{most} (max_staff): no rota can meet both; raise max_staff or lower min_staff",
            )
    for i, pupil in enumerate(school.data.pupils):
        own = pupil.rotation
        most = own.max_staff if own and own.max_staff is not None else base.max_staff
        if pupil.ehcp is not None and most is not None and pupil.ehcp.adults > most:
            school.add(
                ("pupils", i, "ehcp", "adults"),
                f"pupil '{pupil.id}''s 2:1 support needs two adults at once but max_staff allows {most}; "
                "raise max_staff to 2 or more",
            )


def check_term(school: SchoolFacts) -> None:
    """The term's weeks hold what names them: closed weeks, the plan's start, fades, programmes.

    A fade never goes below the plan's statutory floor (`floor_hours`, else `hours`)."""
    weeks = week_count(school.data)
    _check_term_weeks(school, weeks)
    for i, pupil in enumerate(school.data.pupils):
        if pupil.ehcp is not None:
            _check_plan_over_term(school, i, pupil, pupil.ehcp, weeks)
    _check_programmes(school, weeks)


def _check_term_weeks(school: SchoolFacts, weeks: int) -> None:
    """The plan's start and each closed week fall within the term."""
    term = school.data.term
    if term is None:
        return
    if term.start_week > weeks:
        school.add(("term", "start_week"), f"week {term.start_week} is past the term's {weeks} weeks")
    for i, closed in enumerate(term.closed):
        if closed.week > weeks:
            school.add(("term", "closed", i, "week"), f"week {closed.week} is past the term's {weeks} weeks")


def _check_plan_over_term(school: SchoolFacts, i: int, pupil: Pupil, plan: Ehcp, weeks: int) -> None:
    """An EHC plan's floor is at most its hours; its fade stays above the floor, within the term."""
    if plan.floor_hours is not None and plan.floor_hours > plan.hours:
        school.add(
            ("pupils", i, "ehcp", "floor_hours"),
            f"the floor {plan.floor_hours:g} h is above the plan's {plan.hours:g} h; the floor is the least "
            "the plan allows",
        )
    if plan.fade is None:
        return
    _check_fade_floor(school, i, pupil, plan, weeks)
    if school.data.term is not None:
        _check_fade_length(school, i, plan.fade, weeks)


def _check_fade_floor(school: SchoolFacts, i: int, pupil: Pupil, plan: Ehcp, weeks: int) -> None:
    """A fade's lowest week is not below the statutory floor."""
    floor = floor_hours(plan)
    low = min(
        range(1, max(weeks, len(plan.fade) if isinstance(plan.fade, list) else 1) + 1),
        key=lambda w: planned_hours(plan, w),
    )
    hours = planned_hours(plan, low)
    if hours < floor - 1e-9:
        where = "`hours`" if plan.floor_hours is None else "`floor_hours`"
        fix = (
            "; if the EHC plan itself allows fewer hours, write that floor as `ehcp.floor_hours`"
            if plan.floor_hours is None
            else ""
        )
        school.add(
            ("pupils", i, "ehcp", "fade"),
            f"{pupil.id}'s fade reaches {hours:g} h in week {low}, below the statutory floor of {floor:g} h "
            f"({where}){fix}",
        )


def _check_fade_length(school: SchoolFacts, i: int, fade: Fade | list[float], weeks: int) -> None:
    """A fade ends within the term."""
    if isinstance(fade, list) and len(fade) > weeks:
        school.add(("pupils", i, "ehcp", "fade"), f"the fade lists {len(fade)} weeks; the term has {weeks}")
    elif not isinstance(fade, list) and fade.by_week > weeks:
        school.add(("pupils", i, "ehcp", "fade", "by_week"), f"week {fade.by_week} is past the term's {weeks} weeks")


def _check_programmes(school: SchoolFacts, weeks: int) -> None:
    """An intervention with its own weeks starts and ends within the term."""
    if school.data.term is None:
        return
    for i, iv in enumerate(school.data.interventions):
        if iv.weeks is None and iv.start_week == 1:
            continue
        first, last = programme_span(iv, weeks)
        if first > weeks:
            school.add(("interventions", i, "start_week"), f"week {first} is past the term's {weeks} weeks")
        elif last > weeks:
            school.add(
                ("interventions", i, "weeks"),
                f"the {iv.weeks}-week programme from week {first} ends in week {last}, after the term's {weeks} "
                "weeks; shorten `weeks` or start earlier",
            )
