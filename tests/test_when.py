"""When-expressions (format.md): every form; errors name the bad token and the nearest name."""

from __future__ import annotations

import pytest

from tasched.input.when import WeekShape, WhenError, format_slots, nearest, parse_when

SHAPE = WeekShape(
    days=("Mon", "Tue", "Wed", "Thu", "Fri"),
    slots=("Reg", "P1", "P2", "Brk", "P3", "Lun", "P4"),
    kinds=("registration", "lesson", "lesson", "break", "lesson", "lunch", "lesson"),
)
D = {d: i for i, d in enumerate(SHAPE.days)}
S = {s: i for i, s in enumerate(SHAPE.slots)}


def pairs(days: str, slots: str) -> set[tuple[int, int]]:
    return {(D[d], S[s]) for d in days.split() for s in slots.split()}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("*", pairs("Mon Tue Wed Thu Fri", "Reg P1 P2 Brk P3 Lun P4")),
        ("Mon", pairs("Mon", "Reg P1 P2 Brk P3 Lun P4")),
        ("Mon-Wed", pairs("Mon Tue Wed", "Reg P1 P2 Brk P3 Lun P4")),
        ("P1", pairs("Mon Tue Wed Thu Fri", "P1")),
        ("P1-P3", pairs("Mon Tue Wed Thu Fri", "P1 P2 Brk P3")),
        ("lesson", pairs("Mon Tue Wed Thu Fri", "P1 P2 P3 P4")),
        ("lunch", pairs("Mon Tue Wed Thu Fri", "Lun")),
        ("Tue lunch", pairs("Tue", "Lun")),
        ("Mon P1", pairs("Mon", "P1")),
        ("Mon-Wed P1-P2", pairs("Mon Tue Wed", "P1 P2")),
        ("Mon P1, Tue-Thu P4", pairs("Mon", "P1") | pairs("Tue Wed Thu", "P4")),
        ("Mon - Tue  P1", pairs("Mon Tue", "P1")),
        ("Fri registration", pairs("Fri", "Reg")),
        ("after_school", set()),
    ],
)
def test_forms(expr: str, expected: set[tuple[int, int]]) -> None:
    assert parse_when(expr, SHAPE) == expected


@pytest.mark.parametrize("expr", [None, "", "   "])
def test_empty_names_nothing(expr: str | None) -> None:
    assert parse_when(expr, SHAPE) == set()


@pytest.mark.parametrize(
    ("expr", "token", "suggestion"),
    [
        ("Mnn", "Mnn", "Mon"),
        ("mon P1", "mon", "Mon"),
        ("Mon P9", "P9", None),
        ("Mon Pp1", "Pp1", "P1"),
        ("Mon-Thurs", "Thurs", "Thu"),
        ("Mnn-Wed", "Mnn", "Mon"),
        ("Tue lnch", "lnch", "lunch"),
        ("lessons", "lessons", "lesson"),
        ("Mon P1-P7", "P7", None),
    ],
)
def test_unknown_names(expr: str, token: str, suggestion: str | None) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(expr, SHAPE)
    assert caught.value.token == token
    if suggestion:
        assert caught.value.suggestion == suggestion
        assert f"did you mean '{suggestion}'?" in str(caught.value)
    assert repr(token) in str(caught.value)


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("Wed-Mon", "runs backwards"),
        ("P3-P1", "runs backwards"),
        ("Mon,,Tue", "empty item"),
        ("Mon,", "empty item"),
        ("Mon P1 P2", "3 parts"),
        ("P1 Mon", "write the day part first"),
    ],
)
def test_malformed(expr: str, words: str) -> None:
    with pytest.raises(WhenError, match=words):
        parse_when(expr, SHAPE)


def test_nearest() -> None:
    assert nearest("Y3b", ["Y3A", "Y3B", "Y4A"]) == "Y3B"
    assert nearest("houres", ["hours", "role"]) == "hours"
    assert nearest("zzzzzz", ["hours", "role"]) is None


def test_format_slots() -> None:
    assert format_slots(parse_when("Tue P1, Mon P2", SHAPE), SHAPE) == "Mon P2, Tue P1"
