"""The term, week by week (issue 16): what a school file's `term` says about each week.

A term plan is a sequence of weeks. Week ``w`` (counting from 1) is the school's
week with: each EHC plan's hours for that week (its `fade`, never below the plan's
statutory floor), only the interventions whose programme runs that week
(`start_week`, `weeks`), and that week's closed days on top of `calendar.closed`.
:func:`week_school` builds it as a plain school (no `term`, no `fade`), so the week
solve and the verifier judge it exactly as any week. Withdrawals are counted by
:func:`withdrawal_key`: the lesson's subject, or the slot (`Mon P2`) where lessons
have no subject. Pins hold every week; the file's `absences` are those of the week
the plan starts (`term.start_week`).
"""

from __future__ import annotations

from tasched.input.model import Ehcp, Intervention, SchoolData

__all__ = [
    "floor_hours",
    "planned_hours",
    "programme_span",
    "runs_in",
    "week_count",
    "week_labels",
    "week_school",
    "withdrawal_key",
]


def week_labels(data: SchoolData) -> list[str]:
    """The term's week labels (`1`, `2`, … for a count); one week, `1`, without a term."""
    return data.term.labels if data.term is not None else ["1"]


def week_count(data: SchoolData) -> int:
    return len(week_labels(data))


def floor_hours(ehcp: Ehcp) -> float:
    """The statutory floor: `floor_hours`, else the plan's `hours`."""
    return ehcp.hours if ehcp.floor_hours is None else ehcp.floor_hours


def planned_hours(ehcp: Ehcp, week: int) -> float:
    """The plan's hours in term week `week` (from 1): the fade's, else `hours`.

    A `{to_hours, from_week, by_week}` fade keeps `hours` up to `from_week`, reaches
    `to_hours` at `by_week` and moves evenly between, rounded to the nearest half hour
    (and never past either end); a list gives each week's hours, the last repeating.
    """
    fade = ehcp.fade
    if fade is None:
        return ehcp.hours
    if isinstance(fade, list):
        return fade[min(week, len(fade)) - 1]
    if week <= fade.from_week:
        return ehcp.hours
    if week >= fade.by_week:
        return fade.to_hours
    share = (week - fade.from_week) / (fade.by_week - fade.from_week)
    hours = round((ehcp.hours + (fade.to_hours - ehcp.hours) * share) * 2) / 2
    low, high = sorted((ehcp.hours, fade.to_hours))
    return min(max(hours, low), high)


def programme_span(iv: Intervention, weeks: int) -> tuple[int, int]:
    """The first and last term week (from 1) of an intervention's programme."""
    last = weeks if iv.weeks is None else iv.start_week + iv.weeks - 1
    return iv.start_week, last


def runs_in(iv: Intervention, week: int, weeks: int) -> bool:
    first, last = programme_span(iv, weeks)
    return first <= week <= last


def withdrawal_key(subject: str | None, day: str, slot: str) -> str:
    """What rotate_withdrawals counts: the lesson's subject, else the slot (`Mon P2`)."""
    return subject if subject else f"{day} {slot}"


def week_school(data: SchoolData, week: int) -> SchoolData:
    """The school as it is in term week `week` (from 1): a plain week, ready to solve or check."""
    weeks = week_count(data)
    school = data.model_copy(deep=True)
    for pupil in school.pupils:
        if pupil.ehcp is not None:
            pupil.ehcp.hours = planned_hours(pupil.ehcp, week)
            pupil.ehcp.fade = None
            pupil.ehcp.floor_hours = None
    running = [iv for iv in school.interventions if runs_in(iv, week, weeks)]
    gone = {f"intervention:{iv.id}" for iv in school.interventions if iv not in running}
    school.interventions = running
    school.pins = [pin for pin in school.pins if pin.task not in gone]
    closed = [c.when for c in (data.term.closed if data.term else []) if c.week == week]
    if closed:
        school.calendar.closed = ", ".join([*([school.calendar.closed] if school.calendar.closed else []), *closed])
    if data.term is not None and week != data.term.start_week:
        school.absences = []  # the file's absences are those of the week the plan starts
    school.term = None
    return school
