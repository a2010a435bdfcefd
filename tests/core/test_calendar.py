"""The working-day calendar: statutory holidays, make-up days and administrators' overrides."""

from __future__ import annotations

from datetime import date

import pytest

from ptdv.core.calendar import DAY_OFF, WORKING_DAY, build_calendar

CAL = build_calendar([2025, 2026])


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before Tết
        (date(2026, 2, 16), False),  # Tết 2026: 16–20/02
        (date(2026, 2, 18), False),
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        (date(2026, 2, 21), False),  # an ordinary Saturday
        (date(2026, 8, 22), True),  # make-up Saturday for the 31/8/2026 day off
        (date(2026, 8, 31), False),
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 4, 27), False),  # Hùng Kings day (Sunday 26/4) observed on Monday
        (date(2025, 4, 26), True),  # make-up Saturday for 2/5/2025
        (date(2025, 5, 2), False),
        (date(2025, 1, 1), False),
    ],
)
def test_statutory_working_days(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_overrides_win_over_the_statutory_calendar() -> None:
    calendar = build_calendar(
        [2026],
        [
            (date(2026, 3, 20), DAY_OFF),  # an extra day off on a Friday
            (date(2026, 3, 7), WORKING_DAY),  # a working Saturday
            (date(2026, 2, 16), WORKING_DAY),  # a holiday worked anyway
            (date(2026, 8, 22), DAY_OFF),  # a make-up Saturday cancelled
        ],
    )
    assert calendar.is_working_day(date(2026, 3, 20)) is False
    assert calendar.is_working_day(date(2026, 3, 7)) is True
    assert calendar.is_working_day(date(2026, 2, 16)) is True
    assert calendar.is_working_day(date(2026, 8, 22)) is False
    assert (calendar.first_year, calendar.last_year) == (2026, 2026)


def test_unknown_override_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown override kind"):
        build_calendar([2026], [(date(2026, 1, 5), "holiday")])


def test_no_years_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one year"):
        build_calendar([])


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        (date(2026, 1, 9), 1, date(2026, 1, 12)),  # Friday + 1 → Monday
        (date(2026, 1, 10), 1, date(2026, 1, 12)),  # from a Saturday: the start is not counted
        (date(2026, 2, 13), 1, date(2026, 2, 23)),  # across Tết
        (date(2026, 2, 16), 1, date(2026, 2, 23)),  # from a holiday
        (date(2026, 8, 21), 1, date(2026, 8, 22)),  # the make-up Saturday counts
        (date(2026, 8, 28), 1, date(2026, 9, 3)),  # 31/8, 1/9, 2/9 off
        (date(2026, 2, 2), 30, date(2026, 3, 23)),
        (date(2026, 1, 9), 60, date(2026, 4, 10)),
        (date(2026, 5, 5), 0, date(2026, 5, 5)),
    ],
)
def test_add_working_days(start: date, n: int, end: date) -> None:
    assert CAL.add_working_days(start, n) == end
    assert CAL.working_days_between(start, end) == n


def test_add_working_days_refuses_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(date(2026, 1, 5), -1)


def test_working_days_between_is_signed() -> None:
    assert CAL.working_days_between(date(2026, 2, 23), date(2026, 2, 13)) == -1
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 13)) == 0


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2025, 2, 2), "Chủ nhật 02/02/2025"),
        (date(2025, 1, 29), "Tết Nguyên Đán 29/01/2025"),
        (date(2025, 1, 27), "29 Tết 27/01/2025"),
        (date(2025, 9, 2), "Quốc khánh 02/09/2025"),
        (date(2025, 3, 8), "Thứ bảy 08/03/2025 (không phải ngày làm bù)"),
        (date(2025, 4, 26), None),  # a make-up Saturday
        (date(2025, 2, 3), None),  # a Monday
    ],
)
def test_a_day_off_is_named(day: date, name: str | None) -> None:
    assert CAL.day_off_name(day) == name


def test_an_extra_day_off_is_named_by_its_note() -> None:
    calendar = build_calendar(
        [2026],
        [(date(2026, 3, 20), DAY_OFF), (date(2026, 3, 23), DAY_OFF)],
        {date(2026, 3, 20): "Nghỉ bù theo thông báo của Chính phủ"},
    )
    assert calendar.day_off_name(date(2026, 3, 20)) == (
        "Nghỉ bù theo thông báo của Chính phủ 20/03/2026"
    )
    assert calendar.day_off_name(date(2026, 3, 23)) == "Ngày nghỉ 23/03/2026"
