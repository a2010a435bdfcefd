"""Numbers read 31.045 and 82,5 whichever language the browser asks for (the UI is Vietnamese;
an English browser on an office PC must not turn 2.497 into 2,497)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import date_format, number_format


@pytest.mark.parametrize("language", ["vi", "en"])
def test_thousands_with_a_dot_and_decimals_with_a_comma(language):
    with translation.override(language):
        assert intcomma(31045) == "31.045"
        assert number_format(5600000, force_grouping=True) == "5.600.000"
        assert floatformat(Decimal("82.50"), 2) == "82,50"
        assert floatformat(Decimal("27.6"), 1) == "27,6"
        assert date_format(date(2026, 3, 1)) == "01/03/2026"


# --- ptdv.core.numbers' own printing (the reports' pages): the same text as Django's ---------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ptdv.core.numbers import fixed, grouped  # noqa: E402
from ptdv.core.templatetags.numbers import dec, num  # noqa: E402


@pytest.mark.parametrize("language", ["vi", "en"])
@given(value=st.integers(min_value=-(10**12), max_value=10**12))
def test_grouped_prints_as_intcomma(language, value):
    with translation.override(language):
        assert grouped(value) == intcomma(value) == num(value)


@pytest.mark.parametrize("language", ["vi", "en"])
@given(
    value=st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False),
    places=st.integers(min_value=0, max_value=3),
)
def test_fixed_prints_as_floatformat_with_thousands(language, value, places):
    with translation.override(language):
        want = number_format(floatformat(value, places).replace(".", "").replace(",", "."),
                             places, force_grouping=True)  # fmt: skip
        assert fixed(value, places) == dec(value, places) == want


def test_examples_and_no_value():
    with translation.override("vi"):
        assert grouped(5_600_000) == "5.600.000"
        assert grouped(-1200) == "-1.200"
        assert grouped(999) == "999"
        assert fixed(Decimal("82.5"), 2) == "82,50"
        assert fixed(Decimal("1234.55"), 1) == "1.234,6"  # half up
        assert fixed(Decimal("-0.04"), 1) == "0,0"
        assert fixed(2.675, 2) == "2,68"  # a float as it prints, not its binary value
        assert num(Decimal("900.00")) == "900"
        assert num(Decimal("1234.5")) == "1.234,5"
        assert num(None) == dec(None) == dec("") == ""
        assert num("—") == "—"


def test_a_change_of_format_settings_is_read_again(settings):
    from ptdv.core.numbers import _separators

    with translation.override("vi"):
        assert grouped(31045) == "31.045"
        assert _separators.cache_info().currsize
        settings.FORMAT_MODULE_PATH = []  # Django's own Vietnamese formats
        assert not _separators.cache_info().currsize  # the separators are read again
        assert grouped(31045) == intcomma(31045)
