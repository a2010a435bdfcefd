"""Calendar-month arithmetic (pure)."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Return the same day number `months` later; the 29th-31st fall back to the month's end.

    31/01 + 1 month = 28/02 (29/02 in a leap year); 29/02/2024 + 12 months = 28/02/2025 [I].
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
