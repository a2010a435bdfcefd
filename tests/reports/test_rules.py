"""Percentages as the reports print them, rounded or truncated (DOMAIN §7); medians and the
ageing of a membership by month of birth (the dashboard)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from statistics import median as plain_median

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.reports.rules import (
    age_on_month_end,
    ageing,
    ages_on_month_end,
    average,
    median,
    median_of_counts,
    percent,
)


@pytest.mark.parametrize(
    ("part", "whole", "rounded", "truncated"),
    [
        (1932, 2000, "96.60", "96.60"),  # W2: 1,932 of a 2,000 target
        (930, 1932, "48.14", "48.13"),  # W2 women (the source printed 48.14)
        (112, 1932, "5.80", "5.79"),  # W2 ethnic minority
        (1214, 1932, "62.84", "62.83"),  # W2 Youth Union
        (3303, 44482, "7.43", "7.42"),  # W4 ethnic: the source truncates to 7.42
        (3463, 44482, "7.79", "7.78"),  # W4 commune staff: the source prints 7.78
        (73, 152, "48.03", "48.02"),  # W8 women: the source truncates
        (1, 152, "0.66", "0.65"),  # W8 ethnic
        (288, 815, "35.34", "35.33"),  # W3: 288 = 35.34 % of the implied target
    ],
)
def test_the_worked_numbers(part, whole, rounded, truncated):
    assert percent(part, whole) == Decimal(rounded)
    assert percent(part, whole, mode="truncate") == Decimal(truncated)


def test_a_share_of_nothing_is_no_number_and_an_unknown_mode_is_refused():
    assert percent(0, 0) is None
    with pytest.raises(ValueError, match="rounding"):
        percent(1, 2, mode="banker")


@given(st.integers(0, 10**7), st.integers(1, 10**7))
def test_truncation_is_at_most_one_hundredth_below_rounding(part, whole):
    rounded, truncated = percent(part, whole), percent(part, whole, mode="truncate")
    assert rounded is not None
    assert truncated is not None
    assert truncated <= rounded <= truncated + Decimal("0.01")
    if part <= whole:
        assert Decimal(0) <= truncated <= rounded <= Decimal(100)


def test_average_age_to_one_decimal():
    assert average(Decimal("4924.8"), 152) == Decimal("32.4")  # W8: average age 32.4
    assert average(10, 0) is None


# --- medians and ageing (the dashboard) ---------------------------------------------------------


def test_median_of_odd_even_and_no_values():
    assert median([]) is None
    assert median([7]) == Decimal("7.0")
    assert median([30, 1, 12]) == Decimal("12.0")
    assert median([1, 2, 3, 10]) == Decimal("2.5")


@given(st.lists(st.integers(0, 5000), min_size=1, max_size=40))
def test_median_agrees_with_the_statistics_module(values):
    assert median(values) == Decimal(str(plain_median(values))).quantize(Decimal("0.1"))


@given(st.dictionaries(st.integers(0, 800), st.integers(0, 6), max_size=30))
def test_median_of_counts_is_the_median_of_the_values_listed(counts):
    listed = [value for value, n in counts.items() for _ in range(n)]
    assert median_of_counts(counts) == median(listed)


def test_median_of_counts_for_a_few_days():
    assert median_of_counts({}) is None
    assert median_of_counts({10: 0}) is None
    assert median_of_counts({51: 1, 10: 1, 20: 1}) == Decimal("20.0")
    assert median_of_counts({3: 2, 9: 2}) == Decimal("6.0")


@given(
    birth=st.dates(date(1920, 1, 1), date(2008, 12, 31)),
    day=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
)
def test_age_from_the_month_of_birth_is_the_exact_age_on_the_month_end(birth, day):
    end = (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    exact = end.year - birth.year - ((end.month, end.day) < (birth.month, birth.day))
    assert age_on_month_end(f"{birth.year:04d}-{birth.month:02d}", day) == exact


def test_ageing_counts_the_average_and_those_aged_60_and_over():
    day = date(2026, 6, 30)
    ages = ages_on_month_end({"1966-06": 2, "1966-07": 1, "1996-01": 1, "2000-01": 0}, day)
    assert ages == {60: 2, 59: 1, 30: 1}
    result = ageing(ages)
    # 60, 60, 59, 30 years old on 30/6/2026.
    assert (result.count, result.aged_60) == (4, 2)
    assert result.average == Decimal("52.3")
    assert result.share_60 == Decimal("50.00")
    empty = ageing({})
    assert (empty.count, empty.average, empty.share_60) == (0, None, None)
