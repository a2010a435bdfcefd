"""Calendar arithmetic for the registry: months, calendar durations, the official date.

`pipeline.rules.base` has the same `add_months` / `months_between` / `official_date` (the
pipeline's copy also offers the "overflow" reading of month ends). Members sit below the
pipeline and may not import it, and `ptdv.core` has no month arithmetic, so the registry keeps
this copy of the default ("clamp") rule; `tests/members/rules/test_dates.py` checks that both
agree.
"""

from __future__ import annotations

from datetime import date, timedelta

PROBATION_MONTHS = 12  # Charter art. 5.1: probation is 12 months from the ceremony (DOMAIN §4)


def days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def add_months(day: date, months: int) -> date:
    """Return the same day number `months` later (or earlier, for a negative `months`).

    A day missing from the target month (29/2, the 31st) becomes that month's last day
    [I, DOMAIN §4]: 29/2/2016 + 12 months = 28/2/2017; 31/1 + 1 month = 28/2 or 29/2.
    """
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def months_between(start: date, end: date) -> int:
    """Return the full calendar months from start to end: the largest m with start + m ≤ end
    (negative when end is before start)."""
    if end < start:
        return -months_between(end, start)
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    while add_months(start, months + 1) <= end:
        months += 1
    return months


def duration(start: date, end: date) -> tuple[int, int]:
    """Return the calendar duration from start to end as (months, days), as a person says it:
    1/10/1995 → 1/10/1996 is 12 months and 0 days ("một năm"), although 366 days pass."""
    if end < start:
        raise ValueError("a duration ends on or after its start")
    months = months_between(start, end)
    return months, (end - add_months(start, months)).days


def years_before(day: date, years: int) -> date:
    """Return the same day `years` years earlier (28/2 for a 29/2)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/2
        return day.replace(year=day.year - years, day=28)


def years_reached(start: date, years: int) -> date:
    """Return the first day whose `years_before` is on or after `start`: the day `years` full
    years have passed since it (1/3 for a 29/2 when the later year has no 29/2)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29/2 in a year without one: 28/2 is still short of the years
        return date(start.year + years, 3, 1)


def shift(day: date, months: int, days: int) -> date:
    """Return `day` moved forward by a calendar duration (months first, then days)."""
    return add_months(day, months) + timedelta(days=days)


def official_date(joined_on: date) -> date:
    """Return the day a probationary member becomes official: ceremony + 12 months, the same
    day number, the month's last day when missing (DOMAIN §4, RECOG-DATE; the same rule as
    `pipeline.rules.base.official_date` with its default configuration)."""
    return add_months(joined_on, PROBATION_MONTHS)
