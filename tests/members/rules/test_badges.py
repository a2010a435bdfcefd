"""Party badges: W17, W18, W20, early and posthumous awards, presentation days (DOMAIN §5.5)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.members.rules.badges import (
    MILESTONES,
    BadgeCandidate,
    BadgeDue,
    badges_due,
    count_by_milestone,
    latest_first_decision,
    presentation_day,
)
from ptdv.members.rules.dates import add_months
from ptdv.members.rules.seniority import MembershipHistory, reaches

_ids = itertools.count(1)


def candidate(decision: date, *, died_on: date | None = None, **kwargs) -> BadgeCandidate:
    """A member admitted (decision) on `decision`, milestones from the party-age rule."""
    history = [MembershipHistory(decision, decision, died_on, (), died_on is not None)]
    reached = {m: reaches(history, m, posthumous=True) for m in MILESTONES}
    return BadgeCandidate(
        next(_ids), {m: d for m, d in reached.items() if d}, died_on=died_on, **kwargs
    )


def admitted_years_before(years: int, reached_on: date) -> date:
    return add_months(reached_on, -12 * years)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 10), date(2026, 2, 3)),
        (date(2026, 2, 3), date(2026, 2, 3)),
        (date(2026, 2, 4), date(2026, 5, 19)),
        (date(2026, 5, 20), date(2026, 9, 2)),
        (date(2026, 9, 3), date(2026, 11, 7)),
        (date(2026, 11, 8), date(2027, 2, 3)),
        (date(2026, 12, 31), date(2027, 2, 3)),
    ],
)
def test_presentation_day_is_the_first_on_or_after(day: date, expected: date) -> None:
    assert presentation_day(day) == expected


def test_w17_an_cuu_ward_january_2026() -> None:
    batch = {60: 3, 55: 2, 50: 2, 45: 2, 40: 3, 30: 17}
    members = [
        candidate(admitted_years_before(years, date(2026, 1, 1) + timedelta(days=i % 31)))
        for years, n in batch.items()
        for i in range(n)
    ]
    # Died 5/1/2026; 30 years would have been complete on 20/12/2026: posthumous, early.
    members.append(candidate(date(1996, 12, 20), died_on=date(2026, 1, 5)))
    # Not in January 2026: reached in December 2025, in February 2026, and one already given.
    members.append(candidate(date(1995, 12, 31)))
    members.append(candidate(date(1986, 2, 1)))
    members.append(candidate(date(1996, 1, 15), already_awarded={30}))
    # Died more than 12 months before the 30 years: no posthumous badge.
    members.append(candidate(date(1997, 3, 1), died_on=date(2026, 1, 20)))

    due = badges_due(members, date(2026, 1, 1), date(2026, 1, 31))

    living = [d for d in due if not d.posthumous]
    posthumous = [d for d in due if d.posthumous]
    assert count_by_milestone(living) == {60: 3, 55: 2, 50: 2, 45: 2, 40: 3, 30: 17}
    assert len(living) == 29
    assert [(d.milestone, d.early, d.reached_on) for d in posthumous] == [
        (30, True, date(2026, 12, 20))
    ]
    assert {d.presentation_day for d in due} == {date(2026, 2, 3)}


def test_w18_vinh_long_national_day_batch() -> None:
    batch = {60: 5, 55: 26, 50: 40}
    members = [
        candidate(admitted_years_before(years, date(2025, 5, 20) + timedelta(days=i)))
        for years, n in batch.items()
        for i in range(n)
    ]
    members.append(candidate(admitted_years_before(50, date(2025, 5, 19))))  # the 19/5 batch
    members.append(candidate(admitted_years_before(50, date(2025, 9, 3))))  # the 7/11 batch

    due = badges_due(members, date(2025, 5, 20), date(2025, 9, 2))

    assert count_by_milestone(due) == {60: 5, 55: 26, 50: 40}
    assert sum(count_by_milestone(due).values()) == 71
    assert {d.presentation_day for d in due} == {date(2025, 9, 2)}
    assert not any(d.early or d.posthumous for d in due)


def test_w20_thirty_year_badge_of_a_2015_decision() -> None:
    member = candidate(date(2015, 7, 26))
    due = badges_due([member], date(2045, 1, 1), date(2045, 12, 31))
    assert due == [
        BadgeDue(
            member.member_id,
            30,
            date(2045, 7, 26),
            date(2045, 9, 2),
            early=False,
            posthumous=False,
            eligible_on=date(2045, 7, 26),
        )
    ]


@pytest.mark.parametrize(
    ("milestone", "eligible", "shown"),
    [
        (30, date(2025, 6, 10), date(2025, 9, 2)),  # 12 months early up to 65 years
        (65, date(2025, 6, 10), date(2025, 9, 2)),
        (70, date(2024, 6, 10), date(2024, 9, 2)),  # 24 months early from 70 years
        (90, date(2024, 6, 10), date(2024, 9, 2)),
    ],
)
def test_the_seriously_ill_may_receive_a_badge_early(
    milestone: int, eligible: date, shown: date
) -> None:
    member = candidate(admitted_years_before(milestone, date(2026, 6, 10)), seriously_ill=True)
    due = [d for d in badges_due([member], date(2024, 1, 1), date(2026, 12, 31))]
    (badge,) = [d for d in due if d.milestone == milestone]
    assert (badge.eligible_on, badge.presentation_day, badge.early) == (eligible, shown, True)
    assert badge.reached_on == date(2026, 6, 10)


def test_an_early_badge_is_listed_in_the_period_of_its_eligible_day() -> None:
    member = candidate(admitted_years_before(30, date(2026, 6, 10)), seriously_ill=True)
    assert badges_due([member], date(2026, 1, 1), date(2026, 12, 31)) == []
    assert [d.milestone for d in badges_due([member], date(2025, 6, 1), date(2025, 6, 30))] == [30]


def test_posthumous_badge_after_the_milestone_but_before_presentation() -> None:
    member = candidate(admitted_years_before(40, date(2026, 1, 10)), died_on=date(2026, 1, 20))
    (badge,) = badges_due([member], date(2026, 1, 1), date(2026, 1, 31))
    assert (badge.milestone, badge.posthumous, badge.early) == (40, True, False)
    assert badge.eligible_on == date(2026, 1, 10)


@pytest.mark.parametrize(
    ("died_on", "listed"),
    [
        (date(2025, 1, 10), True),  # exactly 12 months before 10/1/2026
        (date(2025, 1, 9), False),
    ],
)
def test_posthumous_badge_at_most_twelve_months_early(died_on: date, listed: bool) -> None:
    member = candidate(admitted_years_before(30, date(2026, 1, 10)), died_on=died_on)
    due = badges_due([member], date(2024, 1, 1), date(2026, 12, 31))
    assert [(d.milestone, d.posthumous) for d in due] == ([(30, True)] if listed else [])


def test_missed_badges_are_listed_only_on_request() -> None:
    member = candidate(admitted_years_before(30, date(2020, 3, 1)))
    assert badges_due([member], date(2026, 1, 1), date(2026, 1, 31)) == []
    (badge,) = badges_due([member], date(2026, 1, 1), date(2026, 1, 31), include_missed=True)
    assert (badge.milestone, badge.presentation_day) == (30, date(2020, 5, 19))


def test_unknown_milestones_are_ignored() -> None:
    member = BadgeCandidate(1, {35: date(2026, 1, 5), 30: date(2026, 1, 6)})
    assert [d.milestone for d in badges_due([member], date(2026, 1, 1), date(2026, 1, 31))] == [30]


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(1940, 1, 1), max_value=date(2000, 12, 31)),
            st.booleans(),
            st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1))),
        ),
        max_size=8,
    ),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    st.integers(min_value=0, max_value=800),
    st.integers(min_value=0, max_value=800),
)
def test_consecutive_periods_list_each_badge_once(rows, start, first_len, second_len) -> None:
    members = [candidate(d, seriously_ill=ill, died_on=died) for d, ill, died in rows]
    middle = start + timedelta(days=first_len)
    end = middle + timedelta(days=second_len + 1)
    whole = badges_due(members, start, end)
    parts = badges_due(members, start, middle) + badges_due(
        members, middle + timedelta(days=1), end
    )
    assert sorted(whole, key=repr) == sorted(parts, key=repr)
    for badge in whole:
        assert badge.presentation_day >= badge.eligible_on
        assert (badge.presentation_day.day, badge.presentation_day.month) in {
            (3, 2),
            (19, 5),
            (2, 9),
            (7, 11),
        }


@given(
    st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31)),
    st.lists(st.integers(min_value=0, max_value=3000), max_size=3),
    st.booleans(),
    st.one_of(st.none(), st.integers(min_value=-800, max_value=800)),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
)
def test_no_badge_is_due_by_a_day_for_a_member_admitted_after_the_bound(
    decision, gaps, ill, died_after, end
) -> None:
    """The bound that spares reading most members' histories (watch.badges_for): whatever the
    gaps (they only push milestones later), illness or death, nobody first admitted after
    latest_first_decision(end) has a badge due on or before `end`."""
    delay = timedelta(days=sum(gaps))
    reached = {m: add_months(decision, 12 * m) + delay for m in MILESTONES}
    died_on = None if died_after is None else reached[30] + timedelta(days=died_after)
    member = BadgeCandidate(1, reached, seriously_ill=ill, died_on=died_on)
    due = badges_due([member], date(1900, 1, 1), end)
    if decision > latest_first_decision(end):
        assert due == []
    # And the bound is tight: a seriously ill member admitted on the bound with no gap has
    # a badge whose eligible day is the end itself.
    tight = latest_first_decision(end)
    sick = BadgeCandidate(2, {m: add_months(tight, 12 * m) for m in MILESTONES}, seriously_ill=True)
    assert any(d.eligible_on <= end for d in badges_due([sick], date(1900, 1, 1), end))
