"""The audit's rule gaps (issue 6 §5) through the services: what is written, what is refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ptdv.core.calendar import build_calendar
from ptdv.pipeline import actions
from ptdv.pipeline.models import Case, Stage, Step
from ptdv.pipeline.rules import Severity
from ptdv.pipeline.services import (
    TransitionBlocked,
    expected_authority,
    preview_step,
    record_step,
)
from tests.factories import TODAY
from tests.pipeline.factories import make_candidate, open_test_case, path_steps, walk_case_to
from tests.pipeline.test_services import snapshot

# The test path's cell resolution is dated 25/11/2024 (a Monday); the decision 10/01/2025.
MEETING = date(2024, 11, 25)


def _step(case: Case, action: str, day: date, data: dict[str, Any], actor) -> Step:
    return record_step(
        case=case,
        action=action,
        occurred_on=day,
        data=data,
        version=case.version,
        actor=actor,
        today=TODAY,
    )


def _path(world) -> dict[str, tuple[date, dict[str, Any]]]:
    rows = path_steps(world.members, authority=world.authority, eligible=4)
    return {action: (day, data) for _stage, action, day, data in rows}


def _walk(world, case: Case, stop_before: str) -> Case:
    return walk_case_to(
        case,
        stop_before=stop_before,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )


@pytest.mark.parametrize(
    ("birth_date", "over_60"),
    [
        (date(1964, 11, 25), False),  # exactly 60 on the meeting day, over 60 at the decision
        (date(1964, 11, 24), True),  # 60 and one day at the meeting
    ],
)
def test_the_meeting_date_judges_age_for_the_consent_and_the_deciding_level(
    world, birth_date: date, over_60: bool
) -> None:
    cast = world.cast
    person = make_candidate(cast.cell_a, birth_date=birth_date)
    case = _walk(
        world, open_test_case(person, cast.cell_a, actor=cast.board_specialist), actions.DECISION
    )
    day, data = _path(world)[actions.DECISION]
    expected = cast.province if over_60 else world.authority
    org, _body = expected_authority(case, day)
    assert org == expected
    if over_60:
        before = snapshot()
        with pytest.raises(TransitionBlocked) as exc:
            _step(case, actions.DECISION, day, data, cast.board_specialist)
        assert sorted(f.rule_id for f in exc.value.findings if f.blocks) == ["AGE-MAX", "AUTHORITY"]
        assert snapshot() == before
    else:
        # The commune decides: no consent needed, no AUTHORITY refusal (issue 6 §5).
        _step(case, actions.DECISION, day, data, cast.board_specialist)
        case.refresh_from_db()
        assert (case.stage, case.decision_on) == (Stage.DECIDED, date(2025, 1, 10))


def test_an_extension_after_the_deadline_is_refused_and_nothing_is_written(world) -> None:
    cast = world.cast
    case = _walk(
        world,
        open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist),
        actions.DECISION,
    )
    case.refresh_from_db()
    due = case.next_due_on
    assert (case.next_due_rule, due) == (
        "DECIDE-60WD",
        build_calendar([2024, 2025]).add_working_days(MEETING, 60),
    )
    late = build_calendar([2025]).add_working_days(due, 1)
    before = snapshot()

    with pytest.raises(TransitionBlocked) as exc:
        _step(case, actions.EXTENSION, late, {"reason": "Chờ xác minh"}, cast.board_specialist)

    assert [f.rule_id for f in exc.value.findings if f.blocks] == ["DECIDE-60WD"]
    assert snapshot() == before
    # On the last day it is still accepted, and it moves the due date by 30 working days.
    _step(case, actions.EXTENSION, due, {"reason": "Chờ xác minh"}, cast.board_specialist)
    case.refresh_from_db()
    assert case.next_due_on == build_calendar([2024, 2025]).add_working_days(MEETING, 90)


def test_a_certificate_issued_after_the_meeting_refuses_the_vote(world) -> None:
    cast = world.cast
    case = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    day, data = _path(world)[actions.COURSE]
    _step(case, actions.COURSE, day, {**data, "issued_on": "2024-11-26"}, cast.board_specialist)
    _walk(world, case, actions.CELL_VOTE)
    vote_day, vote = _path(world)[actions.CELL_VOTE]
    before = snapshot()

    with pytest.raises(TransitionBlocked) as exc:
        _step(case, actions.CELL_VOTE, vote_day, vote, cast.cell_secretary)

    [finding] = [f for f in exc.value.findings if f.blocks]
    assert finding.rule_id == "CERT-VALID"
    assert "cấp ngày 26/11/2024, sau ngày chi bộ xét (25/11/2024)" in finding.message
    assert snapshot() == before


def test_a_step_on_a_sunday_is_recorded_with_a_warning(world) -> None:
    cast = world.cast
    case = _walk(
        world,
        open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist),
        actions.CELL_VOTE,
    )
    _day, vote = _path(world)[actions.CELL_VOTE]
    sunday = date(2024, 11, 24)

    findings = preview_step(
        case=case, action=actions.CELL_VOTE, occurred_on=sunday, data=vote, today=TODAY
    )

    # The vote's own information (passes 4/4) and the day off; nothing blocks.
    assert [(f.rule_id, f.severity) for f in findings] == [
        ("VOTE-CELL", Severity.INFO),
        ("WORKING-DAY", Severity.WARN),
    ]
    assert findings[1].message.startswith("Chủ nhật 24/11/2024 là ngày nghỉ")
    _step(case, actions.CELL_VOTE, sunday, vote, cast.cell_secretary)
    case.refresh_from_db()
    assert (case.stage, case.stage_since) == (Stage.CELL_APPROVED, sunday)
