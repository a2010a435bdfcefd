"""Party age: W20, W21, re-admission, death, open transfer gaps (DOMAIN §4, §7)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.members.rules.dates import add_months
from ptdv.members.rules.replay import Event, Kind, replay
from ptdv.members.rules.seniority import (
    MembershipHistory,
    membership_history,
    party_age,
    reaches,
    seniority_start,
)


def one(decision: date, *gaps: tuple[date, date | None], left: date | None = None, died=False):
    return [MembershipHistory(decision, decision, left, list(gaps), died)]


W21 = one(date(1989, 10, 1), (date(1995, 10, 1), date(1996, 10, 1)))


def test_w20_thirty_years_from_the_decision() -> None:
    # Decision 26/7/2015 (recognised 26/7/2016): seniority runs from the decision.
    history = [MembershipHistory(date(2015, 7, 26), date(2015, 8, 10))]
    assert reaches(history, 30) == date(2045, 7, 26)
    assert party_age(history, date(2045, 7, 25)) == (29, 11)
    assert party_age(history, date(2045, 7, 26)) == (30, 0)
    assert seniority_start(history) == date(2015, 7, 26)


def test_w21_a_one_year_transfer_gap_is_one_year_not_366_days() -> None:
    assert party_age(W21, date(2019, 10, 1)) == (29, 0)
    assert party_age(W21, date(2020, 9, 30)) == (29, 11)
    assert party_age(W21, date(2020, 10, 1)) == (30, 0)
    assert reaches(W21, 30) == date(2020, 10, 1)
    assert seniority_start(W21) == date(1990, 10, 1)


def test_a_milestone_completed_before_a_gap_is_not_moved() -> None:
    assert reaches(W21, 5) == date(1994, 10, 1)
    assert reaches(W21, 6) == date(1995, 10, 1)  # the gap's first day still counts
    assert reaches(W21, 7) == date(1997, 10, 1)
    assert party_age(W21, date(1996, 3, 1)) == (6, 0)  # frozen during the gap


def test_re_admission_deducts_the_time_between_leaving_and_the_new_decision() -> None:
    histories = [
        MembershipHistory(date(2000, 3, 10), date(2000, 4, 1), left_on=date(2005, 3, 10)),
        MembershipHistory(date(2010, 3, 10), date(2010, 4, 1)),
    ]
    # 5 years counted, 5 years out, then counting again from 10/3/2010.
    assert seniority_start(histories) == date(2005, 3, 10)
    assert party_age(histories, date(2008, 1, 1)) == (5, 0)
    assert party_age(histories, date(2015, 3, 9)) == (9, 11)
    assert reaches(histories, 30) == date(2035, 3, 10)


def test_gaps_of_both_memberships_add_up() -> None:
    histories = [
        MembershipHistory(
            date(1980, 1, 1),
            date(1980, 2, 1),
            left_on=date(1990, 1, 1),
            gaps=[(date(1985, 1, 1), date(1985, 7, 1))],
        ),
        MembershipHistory(
            date(1995, 1, 1), date(1995, 2, 1), gaps=[(date(2000, 1, 1), date(2000, 4, 1))]
        ),
    ]
    # 6 months + 5 years + 3 months deducted.
    assert seniority_start(histories) == date(1985, 10, 1)
    assert reaches(histories, 30) == date(2015, 10, 1)


def test_the_order_of_memberships_does_not_matter() -> None:
    first = MembershipHistory(date(2000, 3, 10), date(2000, 4, 1), left_on=date(2005, 3, 10))
    second = MembershipHistory(date(2010, 3, 10), date(2010, 4, 1))
    assert reaches([second, first], 30) == reaches([first, second], 30) == date(2035, 3, 10)


def test_party_age_stops_at_death() -> None:
    history = one(date(2000, 5, 20), left=date(2025, 1, 1), died=True)
    assert party_age(history, date(2040, 1, 1)) == (24, 7)
    assert reaches(history, 30) is None
    # Had the member lived: for the posthumous badge.
    assert reaches(history, 30, posthumous=True) == date(2030, 5, 20)


def test_a_member_who_left_for_good_never_reaches_later_milestones() -> None:
    history = one(date(2000, 5, 20), left=date(2025, 1, 1))
    assert reaches(history, 20) == date(2020, 5, 20)
    assert reaches(history, 30) is None
    assert reaches(history, 30, posthumous=True) is None  # only a death counts on
    assert seniority_start(history) == date(2000, 5, 20)


def test_an_open_transfer_gap_runs_to_the_as_of_day() -> None:
    history = one(date(2000, 1, 10), (date(2024, 1, 10), None))
    assert party_age(history, date(2026, 6, 1)) == (24, 0)
    assert reaches(history, 30) is None
    assert seniority_start(history) is None
    assert seniority_start(history, date(2025, 1, 10)) == date(2001, 1, 10)
    # Before the gap opens, it does not count.
    assert seniority_start(history, date(2023, 1, 1)) == date(2000, 1, 10)


def test_a_closed_gap_ending_after_the_as_of_day_counts_up_to_it() -> None:
    assert seniority_start(W21, date(1996, 4, 1)) == date(1990, 4, 1)


def test_before_the_first_decision_there_is_no_party_age() -> None:
    assert party_age(W21, date(1989, 9, 30)) == (0, 0)
    assert party_age([], date(2020, 1, 1)) == (0, 0)
    assert reaches([], 30) is None
    assert seniority_start([]) is None


def test_a_29_february_decision_completes_on_28_february() -> None:
    history = one(date(2016, 2, 29))
    assert reaches(history, 30) == date(2046, 2, 28)
    assert reaches(history, 40) == date(2056, 2, 29)


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        ((date(2001, 1, 31), date(2001, 3, 2)), date(2030, 7, 17)),  # 1 month 2 days
        ((date(2001, 6, 15), date(2001, 6, 16)), date(2030, 6, 16)),  # one day
    ],
)
def test_gap_of_months_and_days(gap: tuple[date, date], expected: date) -> None:
    assert reaches(one(date(2000, 6, 15), gap), 30) == expected


DAYS = st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def histories(draw: st.DrawFn) -> list[MembershipHistory]:
    """One or two memberships with up to two transfer gaps each, in order."""
    cursor = draw(DAYS)
    result: list[MembershipHistory] = []
    for index in range(draw(st.integers(min_value=1, max_value=2))):
        decision = cursor
        gaps: list[tuple[date, date | None]] = []
        day = decision
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            start = add_months(day, draw(st.integers(min_value=1, max_value=120)))
            end = add_months(start, draw(st.integers(min_value=0, max_value=30)))
            end = end.replace(day=min(end.day, 28)) if end > start else start
            if end > start:
                gaps.append((start, end))
                day = end
        last = index == 1
        leaves = draw(st.booleans()) or not last and draw(st.booleans())
        left = add_months(day, draw(st.integers(min_value=1, max_value=200))) if leaves else None
        if not last and left is None:
            result.append(MembershipHistory(decision, decision, None, gaps))
            break
        result.append(MembershipHistory(decision, decision, left, gaps, draw(st.booleans())))
        if left is None:
            break
        cursor = add_months(left, draw(st.integers(min_value=36, max_value=120)))
    return result


@given(histories(), DAYS, DAYS)
def test_party_age_never_goes_down(history: list[MembershipHistory], a: date, b: date) -> None:
    early, late = min(a, b), max(a, b)
    assert party_age(history, early) <= party_age(history, late)


@given(histories(), st.sampled_from([30, 40, 45, 50, 55, 60]))
def test_reaches_is_the_first_day_of_the_years(history, years: int) -> None:
    day = reaches(history, years)
    if day is None:
        return
    assert party_age(history, day) >= (years, 0)
    assert party_age(history, day.fromordinal(day.toordinal() - 1)) < (years, 0)


@given(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2000, 12, 28)),
    st.integers(min_value=1, max_value=300),
    st.integers(min_value=0, max_value=120),
    st.sampled_from([30, 40, 50]),
)
def test_reaches_moves_by_the_whole_months_of_a_gap(
    decision: date, offset: int, gap_months: int, years: int
) -> None:
    decision = decision.replace(day=min(decision.day, 28))
    start = add_months(decision, offset)
    gaps = [(start, add_months(start, gap_months))] if gap_months else []
    assert reaches(one(decision, *gaps), years) == add_months(decision, years * 12 + gap_months)


@given(DAYS, st.sampled_from([30, 40, 45, 50, 90]))
def test_without_gaps_reaches_is_the_decision_plus_years(decision: date, years: int) -> None:
    assert reaches(one(decision), years) == add_months(decision, years * 12)


def _event(pk: int, kind: Kind, on: date, cell: int, other: int | None = None) -> Event:
    return Event(pk=pk, kind=kind, on=on, cell_id=cell, other_cell_id=other)


def test_w21_from_replayed_events() -> None:
    events = [
        _event(1, Kind.ADMITTED, date(1989, 10, 15), 1),
        _event(2, Kind.RECOGNISED, date(1990, 10, 15), 1),
        _event(3, Kind.TRANSFER_OUT, date(1995, 10, 1), 1, 2),
        _event(4, Kind.TRANSFER_IN, date(1996, 10, 1), 2),
    ]
    history = membership_history(date(1989, 10, 1), replay(events, today=date(2026, 1, 1)))
    assert history.joined_on == date(1989, 10, 15)
    assert list(history.gaps) == [(date(1995, 10, 1), date(1996, 10, 1))]
    assert party_age([history], date(2019, 10, 1)) == (29, 0)
    assert reaches([history], 30) == date(2020, 10, 1)


def test_a_death_in_the_events_stops_party_age() -> None:
    events = [
        _event(1, Kind.ADMITTED, date(2000, 6, 1), 1),
        _event(2, Kind.RECOGNISED, date(2001, 6, 1), 1),
        _event(3, Kind.DIED, date(2029, 9, 1), 1),
    ]
    history = membership_history(date(2000, 5, 20), replay(events, today=date(2030, 1, 1)))
    assert (history.left_on, history.died) == (date(2029, 9, 1), True)
    assert reaches([history], 30) is None
    assert reaches([history], 30, posthumous=True) == date(2030, 5, 20)
    assert party_age([history], date(2030, 6, 1)) == (29, 3)
