"""Percentages as the reports print them, rounded or truncated (DOMAIN §7)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.reports.rules import average, percent


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
