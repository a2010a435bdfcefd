"""The replay of a membership's events: state, periods on the rolls, gaps and refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.members.rules.replay import Event, Kind, Period, Place, replay

TODAY = date(2026, 12, 1)
A, B, C = 11, 12, 13


def ev(pk: int, kind: Kind, on: date, cell: int = A, **kw: object) -> Event:
    return Event(pk=pk, kind=kind, on=on, cell_id=cell, **kw)  # type: ignore[arg-type]


def test_admitted_recognised_died_gives_two_periods_and_the_exit() -> None:
    result = replay(
        [
            ev(1, Kind.ADMITTED, date(2000, 3, 20)),
            ev(2, Kind.RECOGNISED, date(2001, 3, 20)),
            ev(3, Kind.DIED, date(2020, 1, 5)),
        ],
        today=TODAY,
    )
    assert result.refusals == []
    assert result.periods == [
        Period(A, "probationary", False, None, date(2000, 3, 20), date(2001, 3, 20)),
        Period(A, "official", False, None, date(2001, 3, 20), date(2020, 1, 5)),
    ]
    s = result.state
    assert (s.standing, s.place, s.left_on, s.left_kind, s.official_on) == (
        "left",
        Place.GONE,
        date(2020, 1, 5),
        "died",
        date(2001, 3, 20),
    )


def test_a_transfer_leaves_a_gap_between_the_rolls() -> None:
    result = replay(
        [
            ev(1, Kind.ADMITTED, date(2010, 1, 10)),
            ev(2, Kind.RECOGNISED, date(2011, 1, 10)),
            ev(3, Kind.TRANSFER_OUT, date(2015, 5, 4), other_cell_id=B),
            ev(4, Kind.TRANSFER_IN, date(2015, 6, 1), cell=B),
        ],
        today=TODAY,
    )
    assert result.periods[-2:] == [
        Period(A, "official", False, None, date(2011, 1, 10), date(2015, 5, 4)),
        Period(B, "official", False, None, date(2015, 6, 1), None),
    ]
    assert result.gaps == [(date(2015, 5, 4), date(2015, 6, 1))]
    assert (result.state.cell_id, result.state.place) == (B, Place.ROLL)


def test_in_transit_the_gap_is_open_and_the_member_is_on_no_roll() -> None:
    result = replay(
        [
            ev(1, Kind.ADMITTED, date(2010, 1, 10)),
            ev(2, Kind.TRANSFER_OUT, date(2015, 5, 4), other_cell_id=B),
            ev(3, Kind.NOT_PRESENTED, date(2015, 7, 1)),
        ],
        today=TODAY,
    )
    assert result.periods == [
        Period(A, "probationary", False, None, date(2010, 1, 10), date(2015, 5, 4))
    ]
    assert result.gaps == [(date(2015, 5, 4), None)]
    assert result.state.place == Place.TRANSIT


def test_temporary_transfer_and_exemption_keep_the_member_at_home() -> None:
    result = replay(
        [
            ev(1, Kind.ADMITTED, date(2010, 1, 10)),
            ev(2, Kind.RECOGNISED, date(2011, 1, 10)),
            ev(3, Kind.TEMP_OUT, date(2012, 2, 1), other_cell_id=C),
            ev(4, Kind.TEMP_BACK, date(2012, 9, 1)),
            ev(5, Kind.EXEMPT_START, date(2020, 1, 1)),
        ],
        today=TODAY,
    )
    assert result.periods == [
        Period(A, "probationary", False, None, date(2010, 1, 10), date(2011, 1, 10)),
        Period(A, "official", False, None, date(2011, 1, 10), date(2012, 2, 1)),
        Period(A, "official", False, C, date(2012, 2, 1), date(2012, 9, 1)),
        Period(A, "official", False, None, date(2012, 9, 1), date(2020, 1, 1)),
        Period(A, "official", True, None, date(2020, 1, 1), None),
    ]
    assert result.gaps == []


def test_from_and_to_outside_ptdv() -> None:
    result = replay(
        [
            ev(1, Kind.ADMITTED, date(1990, 1, 10), other_party="Đảng bộ tỉnh X"),
            ev(2, Kind.RECOGNISED, date(1991, 1, 10)),
            ev(3, Kind.TRANSFER_IN, date(2005, 3, 1), cell=B, other_party="Đảng bộ tỉnh X"),
            ev(4, Kind.TRANSFER_OUT, date(2019, 3, 1), other_party="Đảng bộ tỉnh Y"),
        ],
        today=TODAY,
    )
    assert result.refusals == []
    assert result.periods == [
        Period(B, "official", False, None, date(2005, 3, 1), date(2019, 3, 1))
    ]
    # Outside PTĐV the member is still a member: no gap in party age.
    assert result.gaps == []
    assert (result.state.place, result.state.standing) == (Place.OUTSIDE, "official")


def test_a_correction_supersedes_and_a_void_cancels() -> None:
    events = [
        ev(1, Kind.ADMITTED, date(2010, 1, 10)),
        ev(2, Kind.RECOGNISED, date(2011, 1, 10)),
        ev(3, Kind.EXEMPT_START, date(2015, 1, 1)),
        ev(4, Kind.ADMITTED, date(2010, 2, 10), supersedes_id=1),
        ev(5, Kind.VOIDED, date(2015, 1, 1), supersedes_id=3),
    ]
    result = replay(events, today=TODAY)
    assert [e.pk for e in result.effective] == [4, 2]
    assert result.periods == [
        Period(A, "probationary", False, None, date(2010, 2, 10), date(2011, 1, 10)),
        Period(A, "official", False, None, date(2011, 1, 10), None),
    ]


def test_same_day_out_and_in_is_ordered_out_first_and_leaves_no_period_of_zero_days() -> None:
    day = date(2025, 7, 1)
    result = replay(
        [
            ev(1, Kind.ADMITTED, date(2010, 1, 10)),
            ev(3, Kind.TRANSFER_IN, day, cell=B),  # recorded in either order
            ev(2, Kind.TRANSFER_OUT, day, other_cell_id=B),
        ],
        today=TODAY,
    )
    assert result.refusals == []
    assert result.periods == [
        Period(A, "probationary", False, None, date(2010, 1, 10), day),
        Period(B, "probationary", False, None, day, None),
    ]
    assert result.gaps == [(day, day)]


@pytest.mark.parametrize(
    ("events", "code"),
    [
        ([ev(1, Kind.RECOGNISED, date(2011, 1, 1))], "ORDER-FIRST"),
        (
            [ev(1, Kind.ADMITTED, date(2010, 1, 1)), ev(2, Kind.ADMITTED, date(2010, 2, 1))],
            "ORDER-ENTRY",
        ),
        (
            [
                ev(1, Kind.ADMITTED, date(2010, 1, 1)),
                ev(2, Kind.RECOGNISED, date(2011, 1, 1)),
                ev(3, Kind.RECOGNISED, date(2011, 2, 1)),
            ],
            "ORDER-RECOGNISED",
        ),
        (
            [
                ev(1, Kind.ADMITTED, date(2010, 1, 1)),
                ev(2, Kind.DIED, date(2012, 1, 1)),
                ev(3, Kind.TRANSFER_OUT, date(2013, 1, 1), other_cell_id=B),
            ],
            "ORDER-GONE",
        ),
        (
            [ev(1, Kind.ADMITTED, date(2010, 1, 1)), ev(2, Kind.EXPELLED, date(2010, 6, 1))],
            "ORDER-PROBATIONARY-EXIT",
        ),
        (
            [
                ev(1, Kind.ADMITTED, date(2010, 1, 1)),
                ev(2, Kind.TRANSFER_OUT, date(2010, 6, 1), other_cell_id=A),
            ],
            "TRANSFER-SAME",
        ),
        (
            [ev(1, Kind.ADMITTED, date(2010, 1, 1)), ev(2, Kind.TRANSFER_IN, date(2010, 6, 1))],
            "ORDER-TRANSFER-IN",
        ),
        (
            [ev(1, Kind.ADMITTED, date(2010, 1, 1)), ev(2, Kind.TEMP_BACK, date(2010, 6, 1))],
            "ORDER-TEMP-BACK",
        ),
        (
            [ev(1, Kind.ADMITTED, date(2010, 1, 1)), ev(2, Kind.EXEMPT_END, date(2010, 6, 1))],
            "ORDER-EXEMPT-END",
        ),
        (
            [
                ev(1, Kind.ADMITTED, date(2010, 1, 1)),
                ev(2, Kind.RECOGNISED, date(2011, 1, 1)),
                ev(3, Kind.PROBATION_DELETED, date(2011, 6, 1)),
            ],
            "ORDER-PROBATION",
        ),
        ([ev(1, Kind.ADMITTED, TODAY + timedelta(days=1))], "FUTURE"),
    ],
)
def test_events_out_of_order_are_refused_naming_the_event(events: list[Event], code: str) -> None:
    result = replay(events, today=TODAY)
    assert [r.code for r in result.refusals] == [code]
    assert result.refusals[0].event_pk == events[-1].pk
    assert result.refusals[0].message  # a Vietnamese sentence for the form


_KINDS = [k for k in Kind if k not in (Kind.VOIDED,)]


@given(
    st.lists(
        st.tuples(st.sampled_from(_KINDS), st.integers(0, 6000), st.sampled_from([A, B, C])),
        min_size=1,
        max_size=14,
    )
)
def test_periods_never_overlap_and_lie_inside_the_membership(raw) -> None:  # type: ignore[no-untyped-def]
    start = date(2000, 1, 1)
    events = [ev(1, Kind.ADMITTED, start)] + [
        ev(i + 2, kind, start + timedelta(days=days), cell=cell, other_cell_id=cell)
        for i, (kind, days, cell) in enumerate(raw)
    ]
    result = replay(events, today=date(2030, 1, 1))
    ordered = sorted(result.periods, key=lambda p: p.valid_from)
    for before, after in zip(ordered, ordered[1:], strict=False):
        assert before.valid_to is not None
        assert before.valid_to <= after.valid_from
    for period in result.periods:
        assert period.valid_from >= start
        assert period.valid_to is None or period.valid_to > period.valid_from
    gone = result.state.left_on
    if gone is not None:
        assert all(p.valid_to is not None and p.valid_to <= gone for p in result.periods)
    # Refused events never change the outcome: replaying only the accepted ones agrees.
    refused = {r.event_pk for r in result.refusals}
    again = replay([e for e in events if e.pk not in refused], today=date(2030, 1, 1))
    assert again.periods == result.periods
    assert again.refusals == []
