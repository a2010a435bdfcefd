"""What one member period adds to the monthly aggregates (decision D39): pure, no database.

The aggregates answer "how many members did unit U have at the end of month M, and of them how
many women, aged …" and "how many were admitted in month M" by summing small rows instead of
scanning members. A row is (unit, month, dimension, value) with one integer per measure:

each measure (`total`, `official`, `probationary`, `exempted`, `away`) holds the *change*, over
that month, of the count on the month's last day, so the count on the last day of month M is the
sum of the unit's rows for months up to M.

Admissions are a flow (decision D43): an admission adds 1 to `admitted` (and its age in days to
`age_days`) in the month of the day it counts on, for every kept unit above the cell it happened
in as the tree stood on the ceremony day, by the person's dimensions with the age at admission
instead of the month of birth; a period's admissions are the sum of its months' rows.

A member period counts on a month's last day E when it is in force on E (valid_from ≤ E <
valid_to) and for every unit *above* its cell, among the top `levels` of the tree, whose span path
held the cell on E (the dated tree, D28; units further down — grassroots organisations and cells,
a few dozen to a few hundred periods each — keep no rows and are counted directly by
members.aggregates, as they would otherwise hold most of the rows): it
adds +1 in the first such month and −1 in the month after the last, per span segment. A period that
ends before reaching a month's end adds nothing to the stocks: month ends are what the aggregates
know (reports are made at month, quarter and year ends); any other day is answered from the
periods directly (members.asof).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

MEASURES = ("total", "official", "probationary", "exempted", "away")
# How many levels from the top of the tree keep rows (the nation, the provinces, the districts
# or, since 2025, the communes): a grassroots organisation has about a hundred members and a cell
# a few dozen, counted directly in milliseconds, while their rows would be most of the table
# (one set per member). The setting PTDV_STATS_LEVELS changes it; `ptdv stats rebuild` after.
DEFAULT_LEVELS = 3

# (unit id, first day of the month, dimension, value, measure)
Key = tuple[int, date, str, str, str]


@dataclass(frozen=True)
class PeriodFacts:
    cell_id: int
    standing: str  # "official" or "probationary"
    exempted: bool
    away: bool  # temporarily active in another cell (counted here)
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class SpanFacts:
    """Where a unit stood over [valid_from, valid_to): its span path (the ids of itself and its
    ancestors, SPAN_STEP digits each)."""

    valid_from: date
    valid_to: date | None
    path: str


# The person's attributes the aggregates split by (dimension -> value).
PERSON_VALUES = (
    "pk",
    "sex",
    "birth_date",
    "ethnic_group__code",
    "ethnic_group__is_minority",
    "religion__code",
    "youth_union_member",
    "trade_union_member",
    "education__code",
    "qualification__code",
    "theory_level__code",
    "occupation__code",
)
DIMENSIONS = (
    "",
    "sex",
    "birth",
    "byear",
    "bmonth",
    "ethnic",
    "minority",
    "religion",
    "religious",
    "youth",
    "trade",
    "education",
    "qualification",
    "theory",
    "occupation",
)


# The year and the month of birth apart (D60): a unit's ages summed on a month's end — how
# many, their years, how many aged 60 or over — read a row per year and per month of the year
# (and the months of the one year that turns 60) instead of one per month of birth (540-900
# a unit): years = end's year x count - sum of year x count - those born after end's month.
BIRTH_PARTS = ("byear", "bmonth")
# The dimensions no table shows: the month of birth and its parts (read for the ages).
AGE_DIMENSIONS = ("birth", *BIRTH_PARTS)


def _flag(value: object) -> str:
    return "1" if value else "0"


def dims_of(row: Mapping[str, Any]) -> dict[str, str]:
    """Return the person's value in each dimension ("" is the all-members row)."""
    birth: date = row["birth_date"]
    return {
        "": "",
        "sex": row["sex"],
        "birth": f"{birth.year:04d}-{birth.month:02d}",
        "byear": f"{birth.year:04d}",
        "bmonth": f"{birth.month:02d}",
        "ethnic": row["ethnic_group__code"] or "",
        "minority": _flag(row["ethnic_group__is_minority"]),
        "religion": row["religion__code"] or "",
        "religious": _flag(row["religion__code"]),
        "youth": _flag(row["youth_union_member"]),
        "trade": _flag(row["trade_union_member"]),
        "education": row["education__code"] or "",
        "qualification": row["qualification__code"] or "",
        "theory": row["theory_level__code"] or "",
        "occupation": row["occupation__code"] or "",
    }


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    """Return the first day of the month after the one the day falls in."""
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def month_end(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def counted_months(start: date, stop: date | None) -> tuple[date, date | None] | None:
    """Return [first, after) — the months whose last day falls in [start, stop) — or None when
    no month's last day does. `after` is None when the range is open."""
    first = month_of(start)  # start ≤ its own month's last day, always
    if stop is None:
        return first, None
    # The last counted month is the one whose end is ≤ stop − 1 day.
    last_day = stop - timedelta(days=1)
    after = (
        next_month(last_day) if last_day == month_end(month_of(last_day)) else month_of(last_day)
    )
    return (first, after) if first < after else None


def unit_ids(path: str, step: int) -> list[int]:
    """Return the ids of the units a span path names, root first."""
    return [int(path[i : i + step]) for i in range(0, len(path), step)]


def period_contributions(
    period: PeriodFacts,
    spans: Iterable[SpanFacts],
    dims: Mapping[str, str],
    step: int,
    levels: int = DEFAULT_LEVELS,
) -> Counter[Key]:
    """Return what the period adds to the stock rows, for every unit above its cell and every
    dimension of the person (`dims`: dimension -> value; "" -> "" is the all-members row)."""
    measures = ["total", period.standing]
    if period.exempted:
        measures.append("exempted")
    if period.away:
        measures.append("away")
    result: Counter[Key] = Counter()
    for span in spans:
        start = max(period.valid_from, span.valid_from)
        stops = [d for d in (period.valid_to, span.valid_to) if d is not None]
        stop = min(stops) if stops else None
        if stop is not None and stop <= start:
            continue
        months = counted_months(start, stop)
        if months is None:
            continue
        first, after = months
        # Only the top `levels` units of the path keep rows, never the cell itself: the units
        # below are counted directly from their periods (members.aggregates).
        for unit in unit_ids(span.path, step)[:-1][:levels]:
            for dim, value in dims.items():
                for measure in measures:
                    result[(unit, first, dim, value, measure)] += 1
                    if after is not None:
                        result[(unit, after, dim, value, measure)] -= 1
    return result


# The dimensions of an admission: the person's, with the age in full years on the ceremony day
# in place of the month of birth, and without the codes no table splits admissions by.
ADMISSION_DIMENSIONS = tuple(
    "age" if dim == "birth" else dim
    for dim in DIMENSIONS
    if dim not in ("ethnic", "religion", *BIRTH_PARTS)
)
ADMISSION_MEASURES = ("admitted", "age_days")


@dataclass(frozen=True)
class AdmissionFacts:
    cell_id: int
    on: date  # the ceremony: the tree of this day places the admission
    counted_on: date  # the day the admission counts on (the ceremony or the decision)
    birth_date: date


def age_on(birth: date, day: date) -> int:
    """Return the age in full years on the day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def admission_contributions(
    fact: AdmissionFacts,
    spans: Iterable[SpanFacts],
    dims: Mapping[str, str],
    step: int,
    levels: int = DEFAULT_LEVELS,
) -> Counter[Key]:
    """Return what one admission adds to the admission rows: for every kept unit on the cell's
    span path on the ceremony day, +1 admitted in each dimension and its age in days on the
    all-admissions row."""
    span = span_on(spans, fact.on)
    result: Counter[Key] = Counter()
    if span is None:
        return result
    month = month_of(fact.counted_on)
    values = {dim: dims[dim] for dim in ADMISSION_DIMENSIONS if dim != "age"}
    values["age"] = str(age_on(fact.birth_date, fact.on))
    days = (fact.on - fact.birth_date).days
    # The cell itself too when it stands among the kept levels: a unit's admissions include
    # those made in it (members.asof), and no unit below keeps rows to count them otherwise.
    for unit in unit_ids(span.path, step)[:levels]:
        for dim, value in values.items():
            result[(unit, month, dim, value, "admitted")] += 1
        result[(unit, month, "", "", "age_days")] += days
    return result


def span_on(spans: Iterable[SpanFacts], day: date) -> SpanFacts | None:
    """Return the span in force on the day, if any."""
    for span in spans:
        if span.valid_from <= day and (span.valid_to is None or day < span.valid_to):
            return span
    return None
