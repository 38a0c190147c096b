"""This week's absences and pins from the command line, added to a school."""

from __future__ import annotations

from tasched.errors import InputError, Problem
from tasched.input.model import Absence, Pin, SchoolData
from tasched.input.validate import check_school


def apply_overrides(data: SchoolData, absent: list[str] = (), pins: list[str] = ()) -> SchoolData:  # type: ignore[assignment]
    """This week's absences and pins from the command line, added to the school.

    `--absent "TA05:Tue"` or `"TA05:Mon P1-P3"`; `--pin "TA01:Mon P1=class:Y1A"`.
    Raises InputError naming the option and the fix.
    """
    if not absent and not pins:
        return data
    problems: list[Problem] = []
    new_absences = []
    new_pins = []
    for text in absent:
        staff, sep, when = text.partition(":")
        if not sep or not staff.strip():
            problems.append(Problem(f"--absent {text!r}", "", 'write STAFF:WHEN, e.g. "TA05:Tue" or "TA05:Mon P1-P3"'))
            continue
        new_absences.append(Absence(staff=staff.strip(), when=when.strip() or "*"))
    for text in pins:
        staff, sep, rest = text.partition(":")
        when, eq, task = rest.partition("=")
        if not sep or not eq or not staff.strip() or not task.strip():
            problems.append(Problem(f"--pin {text!r}", "", 'write STAFF:WHEN=TASK, e.g. "TA01:Mon P1=class:Y1A"'))
            continue
        try:
            new_pins.append(Pin(staff=staff.strip(), when=when.strip(), task=task.strip()))
        except ValueError:
            problems.append(
                Problem(f"--pin {text!r}", "task", "a task is class:ID, pupil:ID, intervention:ID, duty:ID or free")
            )
    if problems:
        raise InputError(problems)
    changed = data.model_copy(update={"absences": [*data.absences, *new_absences], "pins": [*data.pins, *new_pins]})
    first_absence, first_pin = len(data.absences), len(data.pins)

    def locate(path: tuple[str | int, ...]) -> str:
        index = path[1] if len(path) > 1 else None
        if not isinstance(index, int):
            return ""
        if path[0] == "absences" and index >= first_absence:
            return f"--absent {absent[index - first_absence]!r}"
        if path[0] == "pins" and index >= first_pin:
            return f"--pin {pins[index - first_pin]!r}"
        return ""

    found = [p for p in check_school(changed, locate) if p.location.startswith("--")]
    if found:
        raise InputError(found)
    return changed
