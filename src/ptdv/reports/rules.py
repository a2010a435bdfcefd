"""Pure arithmetic of the reports: percentages with the rounding the reports use, medians,
the ageing of a membership counted by month of birth.

Percentages and averages live in `ptdv.core.numbers` (one place for every app: the targets sit
below the reports and print the same percentages, decision D40); this module keeps the reports'
names for them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ptdv.core.numbers import ROUNDING_MODES, average, percent


def median(values: Sequence[int]) -> Decimal | None:
    """Return the median of the values (the mean of the two middle ones for an even count),
    to one decimal; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle]).quantize(Decimal("0.1"))
    pair = Decimal(ordered[middle - 1] + ordered[middle]) / 2
    return pair.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def median_of_counts(counts: Mapping[int, int]) -> Decimal | None:
    """Return `median` of the values counted (value → how many times), without listing them:
    a funnel of a million cases comes grouped by day."""
    size = sum(counts.values())
    if not size:
        return None
    wanted = {(size - 1) // 2, size // 2}  # the middle position(s), from 0
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        n = counts[value]
        found += [value for position in wanted if seen <= position < seen + n]
        seen += n
    return median(found)


def age_on_month_end(birth_month: str, day: date) -> int:
    """Return the age in full years, on the last day of the day's month, of someone born in the
    month "YYYY-MM": exact from the month alone (their birthday has passed by then)."""
    year, month = (int(part) for part in birth_month.split("-"))
    return day.year - year - (1 if month > day.month else 0)


@dataclass(frozen=True)
class Ageing:
    """How old a unit's members are: how many, their average age, how many are 60 or over."""

    count: int
    average: Decimal | None
    aged_60: int
    share_60: Decimal | None


def ages_on_month_end(births: Mapping[str, int], day: date) -> Counter[int]:
    """Return members counted by month of birth ("YYYY-MM" -> n) as counts by age in full years
    on the last day of the day's month."""
    ages: Counter[int] = Counter()
    for birth_month, n in births.items():
        if n > 0:
            ages[age_on_month_end(birth_month, day)] += n
    return ages


def ageing(ages: Mapping[int, int], *, mode: str = "round") -> Ageing:
    """Return the ageing of members counted by age in full years (age -> n)."""
    count = total = aged_60 = 0
    for age, n in ages.items():
        if n <= 0:
            continue
        count += n
        total += age * n
        if age >= 60:
            aged_60 += n
    return ageing_of(count, total, aged_60, mode=mode)


def ageing_of(count: int, years: int, aged_60: int, *, mode: str = "round") -> Ageing:
    """Return the ageing of `count` members whose ages in full years add up to `years`, of whom
    `aged_60` are 60 or over."""
    return Ageing(count, average(years, count), aged_60, percent(aged_60, count, mode=mode))


__all__ = [
    "ROUNDING_MODES",
    "Ageing",
    "age_on_month_end",
    "ageing",
    "ageing_of",
    "ages_on_month_end",
    "average",
    "median",
    "percent",
]
