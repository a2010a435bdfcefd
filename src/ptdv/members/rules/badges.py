"""Party badges (huy hiệu Đảng), DOMAIN §5.5 (decision D31).

Milestones of party age: 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85 and 90 years. Badges are
presented on 3/2, 19/5, 2/9 or 7/11 (01-HD/TW 2021 §18). A seriously ill member may receive a
30–65-year badge up to 12 months early and a 70–90-year badge up to 24 months early; a member
who died up to 12 months before reaching a milestone may receive it posthumously.

A badge is listed in the period that holds its *eligible* day — the day the member reaches the
milestone, or the earliest day it may be given (the early and posthumous cases) — so
consecutive periods list every badge exactly once ("who reaches which badge in a period",
issue 7 item 4). `presentation_day` is the first presentation day on or after the eligible day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ptdv.members.rules.dates import add_months

MILESTONES = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
# (day, month) of the presentation days: Party founding, Hồ Chí Minh's birthday, National Day,
# October Revolution.
PRESENTATION_DAYS = ((3, 2), (19, 5), (2, 9), (7, 11))
# How early a seriously ill member may receive a badge: 12 months up to 65 years, 24 from 70.
ILL_EARLY_MONTHS_UP_TO_65 = 12
ILL_EARLY_MONTHS_FROM_70 = 24
POSTHUMOUS_EARLY_MONTHS = 12
REFERENCE = "Hướng dẫn 01-HD/TW (28/9/2021), mục 18"


@dataclass(frozen=True)
class BadgeCandidate:
    """A member and the day each milestone is (or, for the dead, would have been) reached —
    `seniority.reaches(..., posthumous=True)` for a member who died."""

    member_id: int
    reached: Mapping[int, date]
    seriously_ill: bool = False
    died_on: date | None = None
    already_awarded: frozenset[int] | set[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class BadgeDue:
    member_id: int
    milestone: int
    reached_on: date
    presentation_day: date
    early: bool
    posthumous: bool
    eligible_on: date  # the earliest day it may be given: the period it is listed in


def presentation_day(on_or_after: date) -> date:
    """Return the first presentation day (3/2, 19/5, 2/9, 7/11) on or after the given day."""
    for year in (on_or_after.year, on_or_after.year + 1):
        for day, month in PRESENTATION_DAYS:
            candidate = date(year, month, day)
            if candidate >= on_or_after:
                return candidate
    raise AssertionError("unreachable: 3/2 of the next year always follows")


def ill_early_months(milestone: int) -> int:
    return ILL_EARLY_MONTHS_FROM_70 if milestone >= 70 else ILL_EARLY_MONTHS_UP_TO_65


def _eligible_on(candidate: BadgeCandidate, milestone: int, reached_on: date) -> date | None:
    """Return the earliest day the badge may be given, None when it may not be given."""
    died_on = candidate.died_on
    if died_on is not None and died_on < reached_on:
        # Posthumous, up to 12 months early: the member died at most 12 months before.
        if died_on < add_months(reached_on, -POSTHUMOUS_EARLY_MONTHS):
            return None
        return died_on
    if candidate.seriously_ill and died_on is None:
        return add_months(reached_on, -ill_early_months(milestone))
    return reached_on


def latest_first_decision(period_end: date) -> date:
    """Return the latest first admission decision that can give a badge due by period_end:
    gaps only push a milestone later, and the earliest a badge may be given is 12 or 24 months
    before it (ill, posthumous). A member admitted later needs no party-age history read."""
    months = min(m * 12 - max(ill_early_months(m), POSTHUMOUS_EARLY_MONTHS) for m in MILESTONES)
    return add_months(period_end, -months)


def badges_due(
    members: Iterable[BadgeCandidate],
    period_start: date,
    period_end: date,
    *,
    include_missed: bool = False,
) -> list[BadgeDue]:
    """Return the badges not yet awarded whose eligible day falls in [period_start,
    period_end], ordered by member and milestone. `include_missed` also lists those whose
    eligible day came before the period (never awarded: the watch list of badges due)."""
    due: list[BadgeDue] = []
    for candidate in members:
        for milestone in sorted(candidate.reached):
            if milestone not in MILESTONES or milestone in candidate.already_awarded:
                continue
            reached_on = candidate.reached[milestone]
            eligible = _eligible_on(candidate, milestone, reached_on)
            if eligible is None or eligible > period_end:
                continue
            if eligible < period_start and not include_missed:
                continue
            shown = presentation_day(eligible)
            due.append(
                BadgeDue(
                    member_id=candidate.member_id,
                    milestone=milestone,
                    reached_on=reached_on,
                    presentation_day=shown,
                    early=shown < reached_on,
                    posthumous=candidate.died_on is not None and candidate.died_on <= shown,
                    eligible_on=eligible,
                )
            )
    return sorted(due, key=lambda d: (d.member_id, d.milestone))


def count_by_milestone(dues: Iterable[BadgeDue]) -> dict[int, int]:
    """Return how many badges of each milestone, highest milestone first (as lists print)."""
    counts = Counter(d.milestone for d in dues)
    return {m: counts[m] for m in sorted(counts, reverse=True)}
