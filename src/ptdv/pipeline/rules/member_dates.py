"""The dates a case keeps for its member (DOMAIN §4), derived from the steps.

The services cache them on the case (decision, its receipt, ceremony, end of probation,
official date, recognition decision); `ptdv pipeline recompute` rebuilds them with this same
function, so the cache and its rebuild cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ptdv.pipeline import actions as A
from ptdv.pipeline.actions import OUTCOME_OFFICIAL
from ptdv.pipeline.rules.base import (
    CaseFacts,
    RulesConfig,
    _bool,
    _date,
    official_date,
)
from ptdv.pipeline.rules.state import CaseState, _state


@dataclass(frozen=True)
class MemberDates:
    decision_on: date | None = None
    decision_received_on: date | None = None
    ceremony_on: date | None = None
    probation_ends_on: date | None = None  # PROBATION-END: ceremony + 12 months
    official_on: date | None = None  # RECOG-DATE: the same day, however late the decision
    recognition_decision_on: date | None = None


def member_dates(
    facts: CaseFacts, *, config: RulesConfig, state: CaseState | None = None
) -> MemberDates:
    """Return the member's dates the accepted steps establish (a refusal establishes none)."""
    p = _state(facts, state, config)
    admitted = [s for s in p.seen.get(A.DECISION, ()) if _bool(s.data.get("admitted"), True)]
    decision = admitted[-1] if admitted else None
    ceremony_on = p.ceremony_on
    end = official_date(ceremony_on, config=config) if ceremony_on else None
    recognised = p.outcome == OUTCOME_OFFICIAL
    return MemberDates(
        decision_on=decision.occurred_on if decision else None,
        decision_received_on=_date(decision.data.get("received_on")) if decision else None,
        ceremony_on=ceremony_on,
        probation_ends_on=end,
        official_on=end if recognised else None,
        recognition_decision_on=p.since if recognised else None,
    )
