"""Party age (tuổi đảng), DOMAIN §4 (decision D31).

Party age counts from the FIRST admission decision (24-QĐ/TW item 4.5; 01-HD/TW 2021), minus
every stretch without party activity: transfer gaps inside a membership (`Replay.gaps`, an
open gap running while the member is in transit) and the time between leaving one membership
(removal, expulsion, resignation, deletion from the probationary list) and the decision of the
next (re-admission). After the last exit (death included) party age stops.

Gaps are deducted as calendar durations — "trừ 1 năm", not "trừ 366 ngày" — by moving the start
forward by each gap's months and days (W21: since 1/10/1989 with the gap 1/10/1995–1/10/1996,
30 years on 1/10/2020, not on 1/10/2019). A milestone completed before a gap begins is not moved
by it. Month ends follow `dates.add_months`: a decision of 29/2/2016 completes 30 years on
28/2/2046, the last day of February.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ptdv.members.rules.dates import add_months, duration, months_between, shift
from ptdv.members.rules.replay import Kind, Replay

Gap = tuple[date, date | None]


@dataclass(frozen=True)
class MembershipHistory:
    """One membership (one admission) as party age needs it; `gaps` from `Replay.gaps`."""

    decision_on: date
    joined_on: date
    left_on: date | None = None
    gaps: Sequence[Gap] = field(default_factory=tuple)
    died: bool = False


def membership_history(decision_on: date, result: Replay) -> MembershipHistory:
    """Return the history of one membership from its admission decision (kept on the
    membership, not in the events) and the replay of its events."""
    state = result.state
    return MembershipHistory(
        decision_on=decision_on,
        joined_on=state.started_on or decision_on,
        left_on=state.left_on,
        gaps=tuple(result.gaps),
        died=state.left_kind == Kind.DIED,
    )


def _gaps(histories: Sequence[MembershipHistory], *, stop_at_exit: bool = True) -> list[Gap]:
    """Return every stretch not counted, in order; with `stop_at_exit` the last exit is an
    open gap (party age stops there)."""
    ordered = sorted(histories, key=lambda h: h.decision_on)
    gaps: list[Gap] = []
    for i, history in enumerate(ordered):
        gaps.extend(g for g in history.gaps if g[1] is None or g[1] > g[0])
        if history.left_on is None:
            continue
        if i + 1 < len(ordered):
            following = ordered[i + 1].decision_on
            if following > history.left_on:
                gaps.append((history.left_on, following))
        elif stop_at_exit:
            gaps.append((history.left_on, None))
    return sorted(gaps, key=lambda g: g[0])


def _first_decision(histories: Sequence[MembershipHistory]) -> date | None:
    return min((h.decision_on for h in histories), default=None)


def _completes(start: date, gaps: list[Gap], months: int) -> date | None:
    """Return the day `months` of party age are complete (None: never, an open gap first).

    Strictly increasing in `months`: a milestone pushed past a gap lands after the gap's
    start, which is after every milestone completed before it.
    """
    counted_from = start
    for gap_start, gap_end in gaps:
        candidate = add_months(counted_from, months)
        if candidate <= gap_start:
            return candidate
        if gap_end is None:
            return None
        counted_from = shift(counted_from, *duration(gap_start, gap_end))
    return add_months(counted_from, months)


def seniority_start(histories: Sequence[MembershipHistory], on: date | None = None) -> date | None:
    """Return the first admission decision moved forward by every gap, the day party age would
    count from without interruption (None without memberships).

    An open transfer gap runs to `on`; without `on` the start is not known yet (None). The last
    exit does not move the start: party age stops there (see `party_age`).
    """
    start = _first_decision(histories)
    if start is None:
        return None
    for gap_start, gap_end in _gaps(histories, stop_at_exit=False):
        if on is not None and gap_start >= on:
            break
        end = gap_end if on is None or (gap_end is not None and gap_end <= on) else on
        if end is None:
            return None
        start = shift(start, *duration(gap_start, end))
    return start


def party_age(histories: Sequence[MembershipHistory], on: date) -> tuple[int, int]:
    """Return the party age on `on` as (full years, remaining full months); (0, 0) before the
    first decision. Frozen during a gap and after the last exit (death included)."""
    start = _first_decision(histories)
    if start is None or on < start:
        return (0, 0)
    gaps = _gaps(histories)
    # Gaps only push milestones later, so the months from the first decision bound the age;
    # `_completes` is increasing (None = never), so a binary search finds the last one ≤ on.
    low, high = 0, months_between(start, on)
    while low < high:
        middle = (low + high + 1) // 2
        day = _completes(start, gaps, middle)
        if day is not None and day <= on:
            low = middle
        else:
            high = middle - 1
    years, months = divmod(low, 12)
    return years, months


def reaches(
    histories: Sequence[MembershipHistory], years: int, *, posthumous: bool = False
) -> date | None:
    """Return the day the member completes `years` of party age; None when the member left for
    good (or is in an open transfer gap) before completing them.

    `posthumous=True` answers for a member who died: the day the years would have been complete
    had the member lived (a posthumous badge may be given up to 12 months early, DOMAIN §5.5).
    """
    start = _first_decision(histories)
    if start is None:
        return None
    last = max(histories, key=lambda h: h.decision_on)
    stop = not (posthumous and last.died)
    return _completes(start, _gaps(histories, stop_at_exit=stop), years * 12)
