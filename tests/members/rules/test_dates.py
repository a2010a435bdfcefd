"""Month arithmetic of the registry, and its agreement with the pipeline's copy."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.members.rules import dates
from ptdv.pipeline.rules import base as pipeline_base

DAYS = st.dates(min_value=date(1930, 1, 1), max_value=date(2100, 12, 31))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2015, 7, 26), 12, date(2016, 7, 26)),
        (date(2016, 2, 29), 12, date(2017, 2, 28)),  # no 29/2: last day of February
        (date(2016, 2, 29), 48, date(2020, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert dates.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(1995, 10, 1), date(1996, 10, 1), (12, 0)),  # a leap year: still "one year"
        (date(2025, 1, 31), date(2025, 3, 2), (1, 2)),  # 31/1 + 1 month = 28/2, + 2 days
        (date(2025, 5, 5), date(2025, 5, 5), (0, 0)),
        (date(2025, 5, 5), date(2025, 6, 4), (0, 30)),
    ],
)
def test_duration(start: date, end: date, expected: tuple[int, int]) -> None:
    assert dates.duration(start, end) == expected


def test_duration_refuses_a_negative_stretch() -> None:
    with pytest.raises(ValueError, match="ends on or after"):
        dates.duration(date(2025, 5, 5), date(2025, 5, 4))


def test_official_date_is_twelve_months_after_the_ceremony() -> None:
    assert dates.official_date(date(2015, 7, 26)) == date(2016, 7, 26)
    assert dates.official_date(date(2024, 8, 15)) == date(2025, 8, 15)
    assert dates.official_date(date(2024, 2, 29)) == date(2025, 2, 28)


@given(DAYS, st.integers(min_value=-600, max_value=600))
def test_add_months_agrees_with_the_pipeline(day: date, months: int) -> None:
    assert dates.add_months(day, months) == pipeline_base.add_months(day, months)


@given(DAYS, DAYS)
def test_months_between_agrees_with_the_pipeline(a: date, b: date) -> None:
    assert dates.months_between(a, b) == pipeline_base.months_between(a, b)


@given(DAYS)
def test_official_date_agrees_with_the_pipeline(day: date) -> None:
    assert dates.official_date(day) == pipeline_base.official_date(day)


@given(DAYS, DAYS)
def test_shift_by_a_duration_lands_on_its_end(a: date, b: date) -> None:
    start, end = min(a, b), max(a, b)
    assert dates.shift(start, *dates.duration(start, end)) == end
