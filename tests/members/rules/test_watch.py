"""Watch lists: removal grounds 1 and 4, probation ending, temporary transfers, ageing."""

from __future__ import annotations

from datetime import date

import pytest

from ptdv.members.rules.findings import Severity
from ptdv.members.rules.watch import (
    absence_ground,
    ageing,
    dues_months_unpaid,
    probation_ending,
    quality_ground,
    temporary_overdue,
)


def absent(*days: date, with_reason: bool = False) -> list[tuple[date, bool, bool]]:
    return [(d, True, with_reason) for d in days]


def test_absent_without_reason_in_three_months_meets_ground_one() -> None:
    meetings = absent(date(2026, 1, 5), date(2026, 3, 5), date(2026, 7, 6))
    notice = absence_ground(meetings, 0)
    assert notice is not None
    assert (notice.code, notice.severity) == ("REMOVAL-3M", Severity.WARN)
    assert notice.message == (
        "Thuộc trường hợp xem xét xóa tên thứ nhất (bỏ sinh hoạt đảng hoặc không đóng đảng phí "
        "3 tháng trong năm mà không có lý do chính đáng): bỏ sinh hoạt chi bộ không có lý do "
        "trong 3 tháng (01/2026, 03/2026, 07/2026) (Quy định 24-QĐ/TW, mục 8.1)."
    )
    assert notice.reference == "Quy định 24-QĐ/TW (30/7/2021), mục 8.1"


@pytest.mark.parametrize(
    "meetings",
    [
        # Two meetings in one month are one month.
        absent(date(2026, 1, 5), date(2026, 1, 20), date(2026, 3, 5)),
        # With a reason does not count.
        absent(date(2026, 1, 5), date(2026, 3, 5)) + absent(date(2026, 7, 6), with_reason=True),
        # Present does not count.
        [*absent(date(2026, 1, 5), date(2026, 3, 5)), (date(2026, 7, 6), False, False)],
        # Three months across two calendar years.
        absent(date(2025, 11, 5), date(2025, 12, 5), date(2026, 1, 5)),
        [],
    ],
)
def test_fewer_than_three_months_of_absence_is_not_ground_one(meetings) -> None:
    assert absence_ground(meetings, 2) is None


def test_dues_unpaid_three_months_meets_ground_one() -> None:
    notice = absence_ground([], 3)
    assert notice is not None
    assert "không đóng đảng phí 3 tháng" in notice.message
    months = [date(2026, 2, 1), date(2026, 4, 1), date(2026, 5, 1)]
    named = absence_ground(absent(date(2026, 1, 5)), months)
    assert named is not None
    assert "không đóng đảng phí 3 tháng (02/2026, 04/2026, 05/2026)" in named.message


def test_both_reasons_are_named() -> None:
    notice = absence_ground(absent(date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 5)), 4)
    assert notice is not None
    assert "bỏ sinh hoạt chi bộ không có lý do trong 3 tháng" in notice.message
    assert "; không đóng đảng phí 4 tháng" in notice.message


@pytest.mark.parametrize(
    ("paid", "year", "today", "since", "expected"),
    [
        ({1, 2, 3}, 2026, date(2026, 5, 20), date(2010, 1, 1), [4, 5]),
        ({1, 2, 3, 4, 5}, 2026, date(2026, 5, 20), date(2010, 1, 1), []),
        (set(), 2026, date(2026, 5, 20), date(2026, 3, 15), [3, 4, 5]),  # from the join month
        (set(range(1, 12)), 2025, date(2026, 5, 20), date(2010, 1, 1), [12]),  # a past year
        (set(), 2027, date(2026, 5, 20), date(2010, 1, 1), []),  # a future year
        (set(), 2025, date(2026, 5, 20), date(2026, 3, 15), []),  # before joining
    ],
)
def test_dues_months_unpaid(paid, year, today, since, expected) -> None:
    paid_months = {date(year, m, 1 if m % 2 else 15) for m in paid}  # any day of the month
    assert dues_months_unpaid(paid_months, year, today, since) == [
        date(year, m, 1) for m in expected
    ]


@pytest.mark.parametrize(
    ("ratings", "years"),
    [
        ({2024: "not_completed", 2025: "not_completed"}, (2024, 2025)),
        ({2022: "not_completed", 2023: "good", 2024: "not_completed"}, None),
        ({2024: "not_completed", 2026: "not_completed"}, None),  # 2025 not rated: not in a row
        (
            {
                2020: "not_completed",
                2021: "not_completed",
                2024: "not_completed",
                2025: "not_completed",
            },
            (2024, 2025),
        ),
        ({}, None),
    ],
)
def test_two_years_not_completed_in_a_row(ratings, years) -> None:
    notice = quality_ground(ratings)
    if years is None:
        assert notice is None
        return
    assert notice is not None
    assert notice.code == "REMOVAL-QUALITY"
    assert notice.message.startswith(f"Hai năm liền ({years[0]}, {years[1]})")
    assert "24-QĐ/TW, mục 8.1" in notice.message


@pytest.mark.parametrize(
    ("joined_on", "today", "expected"),
    [
        (date(2025, 8, 15), date(2026, 6, 16), date(2026, 8, 15)),  # 60 days ahead
        (date(2025, 8, 15), date(2026, 6, 15), None),  # 61 days ahead
        (date(2025, 8, 15), date(2026, 8, 15), date(2026, 8, 15)),  # today
        (date(2025, 8, 15), date(2026, 8, 16), None),  # past
        (date(2024, 2, 29), date(2025, 2, 1), date(2025, 2, 28)),
    ],
)
def test_probation_ending(joined_on: date, today: date, expected: date | None) -> None:
    assert probation_ending(joined_on, today) == expected


def test_probation_ending_window_and_rule_are_parameters() -> None:
    assert probation_ending(date(2025, 8, 15), date(2026, 6, 15), window_days=61) == date(
        2026, 8, 15
    )
    assert probation_ending(
        date(2025, 8, 15), date(2025, 8, 20), official_date_fn=lambda d: date(2025, 9, 1)
    ) == date(2025, 9, 1)


@pytest.mark.parametrize(
    ("planned_end", "today", "overdue"),
    [
        (date(2026, 3, 1), date(2026, 3, 1), False),
        (date(2026, 3, 1), date(2026, 3, 2), True),
        (None, date(2026, 3, 2), False),
    ],
)
def test_temporary_overdue(planned_end, today, overdue) -> None:
    assert temporary_overdue(planned_end, today) is overdue


def test_ageing() -> None:
    on = date(2026, 6, 1)
    births = [date(1966, 6, 1), date(1966, 6, 2), date(1996, 1, 1), date(2000, 2, 29)]
    # 60, 59, 30, 26
    assert ageing(births, on) == (43.75, 0.25)
    assert ageing([], on) == (None, None)
