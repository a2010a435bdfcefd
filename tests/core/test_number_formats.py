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
