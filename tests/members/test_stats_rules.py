"""The pure arithmetic of the monthly aggregates (members.rules.stats, decision D39), against a
brute-force walk over every month end."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ptdv.members.rules.stats import (
    PeriodFacts,
    SpanFacts,
    counted_months,
    month_end,
    month_of,
    next_month,
    period_contributions,
    span_on,
    unit_ids,
)

START = date(1999, 11, 1)
days = st.integers(0, 900).map(lambda n: START + timedelta(days=n))


def _month_ends(first: date, last: date) -> list[date]:
    ends, month = [], month_of(first)
    while month <= last:
        ends.append(month_end(month))
        month = next_month(month)
    return ends


def test_month_helpers_on_every_day_of_a_leap_year_and_the_turn_of_a_year():
    day = date(2023, 12, 1)
    while day < date(2025, 1, 31):
        assert month_of(day) == date(day.year, day.month, 1)
        following = next_month(day)
        assert following.day == 1
        assert following > day
        assert (following - timedelta(days=1)).month == day.month
        assert month_end(month_of(day)) == following - timedelta(days=1)
        day += timedelta(days=1)
    assert month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert next_month(date(2000, 12, 31)) == date(2001, 1, 1)  # the defect a test caught


@given(start=days, length=st.none() | st.integers(0, 800))
def test_counted_months_are_the_months_whose_last_day_is_in_the_range(start, length):
    stop = None if length is None else start + timedelta(days=length)
    horizon = start + timedelta(days=900)
    want = [e for e in _month_ends(start, horizon) if start <= e and (stop is None or e < stop)]
    got = counted_months(start, stop)
    if not want:
        assert got is None
        return
    assert got is not None
    first, after = got
    assert first == month_of(want[0])
    if stop is None:
        assert after is None
    else:
        assert after == next_month(want[-1])


def test_unit_ids_read_the_span_path():
    assert unit_ids("000001000023000456", 6) == [1, 23, 456]


@st.composite
def spans(draw):  # type: ignore[no-untyped-def]
    """Consecutive spans of one cell: its path changes on the drawn days (a move), and it may
    be closed (dissolved)."""
    cuts = sorted(set(draw(st.lists(days, max_size=3))))
    bounds = [START - timedelta(days=30), *cuts]
    closed = draw(st.booleans())
    result = []
    for i, begin in enumerate(bounds):
        end = bounds[i + 1] if i + 1 < len(bounds) else None
        if end is None and closed:
            end = begin + timedelta(days=draw(st.integers(1, 400)))
        # nation 1 → province 2..4 → district 5 → grassroots 6 → cell 9
        path = f"{1:02d}{draw(st.integers(2, 4)):02d}{5:02d}{6:02d}{9:02d}"
        result.append(SpanFacts(begin, end, path))
    return result


@given(
    spans=spans(),
    start=days,
    length=st.none() | st.integers(1, 800),
    standing=st.sampled_from(["official", "probationary"]),
    exempted=st.booleans(),
    away=st.booleans(),
    levels=st.integers(1, 5),
)
def test_the_running_sum_of_the_contributions_is_the_month_end_count(
    spans, start, length, standing, exempted, away, levels
):
    stop = None if length is None else start + timedelta(days=length)
    period = PeriodFacts(9, standing, exempted, away, start, stop)
    rows = period_contributions(period, spans, {"": "", "sex": "F"}, 2, levels)
    running: Counter = Counter()
    months = sorted({k[1] for k in rows})
    for end in _month_ends(START, START + timedelta(days=2000)):
        for key, n in rows.items():
            if key[1] == month_of(end):
                running[(key[0], key[2], key[3], key[4])] += n
        in_force = start <= end and (stop is None or end < stop)
        span = span_on(spans, end) if in_force else None
        # The top `levels` units keep rows, never the cell itself.
        units = unit_ids(span.path, 2)[:-1][:levels] if span else []
        measures = (
            {"total", standing}
            | ({"exempted"} if exempted else set())
            | ({"away"} if away else set())
        )
        for unit in (1, 2, 3, 4, 5, 6, 9):
            for measure in ("total", "official", "probationary", "exempted", "away"):
                for dim, value in (("", ""), ("sex", "F")):
                    want = 1 if unit in units and measure in measures else 0
                    assert running[(unit, dim, value, measure)] == want, (end, unit, measure)
    assert all(m.day == 1 for m in months)
