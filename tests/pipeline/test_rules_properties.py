"""Properties of the rules engine and the working-day calendar (hypothesis); no database."""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from hypothesis import given, settings, target
from hypothesis import strategies as st

from ptdv.core.calendar import DAY_OFF, WORKING_DAY, build_calendar
from ptdv.pipeline import actions as A
from ptdv.pipeline import rules
from ptdv.pipeline.rules import CaseFacts
from tests.pipeline.test_rules import CAL, CELL, MEMBERS, ROLL, make_facts, with_steps

START = date(2024, 1, 2)
TODAY = date(2031, 1, 1)


@given(st.integers(min_value=1, max_value=500))
def test_threshold_agrees_with_exact_rational_arithmetic(eligible: int) -> None:
    required = rules.required_agree(eligible)
    assert Fraction(required, eligible) >= Fraction(2, 3)
    assert Fraction(required - 1, eligible) < Fraction(2, 3)
    assert required == math.ceil(Fraction(2, 3) * eligible)


@given(
    st.integers(min_value=1, max_value=500),
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=0, max_value=500),
)
def test_vote_passes_exactly_when_two_thirds_of_the_members_agree(
    eligible: int, present: int, agree: int
) -> None:
    result = rules.vote_result(eligible, present, agree)
    possible = agree <= present <= eligible
    assert result.passes is (possible and Fraction(agree, eligible) >= Fraction(2, 3))


def mandatory_groups(facts: CaseFacts) -> list[tuple[str, ...]]:
    """The steps every admission must contain, in order (a group may come in any order)."""
    committee = not facts.cell_is_grassroots
    groups: list[tuple[str, ...]] = [
        (A.COURSE,),
        (A.CANDIDATE_LISTED,),
        (A.APPLICATION, A.HISTORY),
        (A.VERIFY_REQUESTED,),
        (A.VERIFIED,),
        (A.INTRODUCED,),
        (A.OPINIONS,),
        (A.CELL_VOTE,),
    ]
    if facts.has_sub_committee and committee:
        groups.append((A.APPRAISAL,))
    if committee:
        groups.append((A.COMMITTEE_VOTE,))
    groups += [
        (A.DECISION,),
        (A.CEREMONY,),
        (A.NEW_MEMBER_COURSE, A.SELF_REVIEW, A.MENTOR_ASSESSMENT, A.PROBATION_OPINIONS),
        (A.RECOGNITION_CELL_VOTE,),
    ]
    if committee:
        groups.append((A.RECOGNITION_COMMITTEE_VOTE,))
    groups.append((A.RECOGNITION_DECISION,))
    return groups


def contains_in_order(actions: list[str], groups: list[tuple[str, ...]]) -> bool:
    position = -1
    for group in groups:
        found = []
        for action in group:
            later = [i for i, a in enumerate(actions) if a == action and i > position]
            if not later:
                return False
            found.append(later[0])
        position = max(found)
    return True


MANDATORY = {a for a in A.ACTIONS} - {
    A.OPEN,
    A.MENTOR_ASSIGNED,
    A.MENTOR_REPORT,
    A.OVER60_CONSENT,
    A.READMISSION_CONSENT,
    A.EXTENSION,
    A.CEREMONY_CONSENT,
    A.RECOGNITION_EXTENSION,
    A.TRANSFERRED,
    A.EXIT,
}
PEOPLE = [101, 102, 103, 201, 301, 999]


def step_data(draw: Any, action: str, day: date) -> dict[str, Any]:
    """Plausible data for a step: mostly valid, sometimes wrong (the rules must refuse it)."""
    valid = draw(st.sampled_from([True, True, True, False]))
    if action in rules.VOTE_ACTIONS:
        if valid:
            return {"eligible": ROLL, "present": ROLL, "agree": draw(st.sampled_from([1, 2, 3]))}
        eligible = draw(st.sampled_from([ROLL, 5, 0]))
        present = draw(st.integers(min_value=-1, max_value=eligible + 1))
        agree = draw(st.sampled_from([present, present - 1, 1, present + 1]))
        return {"eligible": eligible, "present": present, "agree": agree}
    if action in (A.COURSE, A.NEW_MEMBER_COURSE):
        return {"certificate_number": "1", "issuer": "TTCT", "issued_on": day}
    if action in (A.CANDIDATE_LISTED, A.MENTOR_ASSIGNED, A.CEREMONY):
        return {"mentor": 101 if valid else draw(st.sampled_from(PEOPLE))}
    if action == A.VERIFIED:
        return {"satisfactory": valid or draw(st.booleans())}
    if action == A.INTRODUCED:
        if valid:
            return {"mode": "two_members", "introducers": [101, 102], "worked_together_months": 12}
        mode = draw(st.sampled_from(["two_members", "youth_union", "trade_union"]))
        count = draw(st.sampled_from([1, 2]))
        return {
            "mode": mode,
            "introducers": draw(st.lists(st.sampled_from(PEOPLE), min_size=count, max_size=count)),
            "worked_together_months": draw(st.sampled_from([6, 12, 24])),
            "replacement": draw(st.booleans()),
            "resolution_number": draw(st.sampled_from(["", "3-NQ"])),
        }
    if action in (A.OPINIONS, A.PROBATION_OPINIONS):
        return {"favourable": valid or draw(st.booleans())}
    if action == A.APPRAISAL:
        return {"agrees": valid or draw(st.booleans())}
    if action == A.DECISION:
        received = day + timedelta(days=draw(st.integers(min_value=-1, max_value=3)))
        admitted = valid or draw(st.booleans())
        return {
            "decision_number": "1",
            "authority": 3,
            "received_on": received,
            "admitted": admitted,
        }
    if action == A.RECOGNITION_DECISION:
        recognised = valid or draw(st.booleans())
        return {"decision_number": "2", "authority": 3, "recognised": recognised}
    if action == A.EXIT:
        outcome = draw(st.sampled_from(["withdrawn", "rejected", "probation_deleted", "expired"]))
        return {"outcome": outcome, "reason": "x"}
    if action == A.TRANSFERRED:
        return {"to_cell": draw(st.sampled_from([CELL, 11])), "reason": "x"}
    return {}


@settings(max_examples=200, deadline=None)
@given(st.data(), st.booleans(), st.booleans())
def test_no_accepted_sequence_reaches_official_skipping_a_mandatory_step(
    data: st.DataObject, grassroots: bool, sub: bool
) -> None:
    facts = make_facts(
        [(A.OPEN, START, {})],
        cell_is_grassroots=grassroots,
        has_sub_committee=sub,
        birth_date=date(1990, 6, 1),
    )
    day = START
    stage = rules.derive_stage(facts)[0]
    for _ in range(data.draw(st.integers(min_value=10, max_value=120))):
        if rules.outcome_of(facts):
            break
        # Mostly steps that may move the case on (path steps not yet recorded, and votes, which
        # may need another attempt), sometimes any allowed step, sometimes anything at all.
        next_codes = rules.next_actions(facts)
        recorded = {s.action for s in facts.steps}
        advancing = [
            c
            for c in next_codes
            if c in MANDATORY and (c not in recorded or c in rules.VOTE_ACTIONS)
        ]
        pool_kind = data.draw(st.sampled_from(["advance"] * 7 + ["next"] * 2 + ["any"]))
        pool = {"advance": advancing, "next": next_codes}.get(pool_kind) or list(A.ACTIONS)
        action = data.draw(st.sampled_from(pool))
        gap = data.draw(st.sampled_from([0, 1, 1, 3, 7, 20, 30, 370, -1]))
        day = day + timedelta(days=gap)
        values = step_data(data.draw, action, day)
        findings = rules.check_step(
            facts, action, day, values, today=TODAY, calendar=CAL, members=MEMBERS
        )
        if any(f.blocks for f in findings):
            continue
        facts = with_steps(facts, [(action, day, values)])
        new_stage = rules.derive_stage(facts)[0]
        # Monotonic: the stage never goes back (EXITED is last in the order).
        assert rules.stage_index(new_stage) >= rules.stage_index(stage)
        if new_stage != stage:
            # Only a path step (or an exit) moves the stage: never a report, a consent, an
            # extension or a transfer.
            assert action in MANDATORY | {A.EXIT}
        stage = new_stage
    target(float(rules.stage_index(stage) if stage != rules.EXITED else 0))
    actions = [s.action for s in facts.steps]
    if stage == rules.OFFICIAL:
        assert contains_in_order(actions, mandatory_groups(facts))
        # The admission vote of the cell itself passed (no escalation at the cell).
        cell_votes = [s for s in facts.steps if s.action == A.CELL_VOTE]
        assert any(rules.vote_result(**dict(s.data)).passes for s in cell_votes)
        assert rules.outcome_of(facts) == rules.OUTCOME_OFFICIAL
    dates = [s.occurred_on for s in facts.steps]
    assert dates == sorted(dates)


# --- the working-day calendar --------------------------------------------------------------

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2028, 12, 31))
OVERRIDES = st.lists(
    st.tuples(
        st.dates(min_value=date(2020, 1, 1), max_value=date(2029, 12, 31)),
        st.sampled_from([DAY_OFF, WORKING_DAY]),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(DAYS, st.integers(min_value=0, max_value=300), OVERRIDES)
def test_add_working_days_lands_on_a_working_day_and_counts_back(
    start: date, n: int, overrides: list[tuple[date, str]]
) -> None:
    calendar = build_calendar(range(2019, 2031), overrides)
    end = calendar.add_working_days(start, n)
    if n >= 1:
        assert calendar.is_working_day(end)
        assert end > start
    else:
        assert end == start
    assert calendar.working_days_between(start, end) == n
    assert calendar.working_days_between(end, start) == -n
    assert calendar.add_working_days(start, n + 1) > end


@settings(max_examples=100, deadline=None)
@given(DAYS, st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=120))
def test_add_working_days_composes(start: date, m: int, n: int) -> None:
    assert CAL.add_working_days(CAL.add_working_days(start, m), n) == CAL.add_working_days(
        start, m + n
    )
