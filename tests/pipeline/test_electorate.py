"""VOTE-ELECTORATE through the services: the registry decides who may vote (issue 7 item 7)."""

from __future__ import annotations

from datetime import date

import pytest

from ptdv.members import services as registry
from ptdv.members.models import CommitteeMember, EventKind, Membership
from ptdv.pipeline import actions
from ptdv.pipeline.models import Step
from ptdv.pipeline.services import TransitionBlocked
from tests.factories import TODAY, system_user
from tests.pipeline.factories import make_member, open_test_case, path_steps, walk_case_to
from tests.pipeline.test_services import snapshot, step


@pytest.fixture
def case(world):
    return open_test_case(world.candidate, world.cast.cell_a, actor=world.cast.board_specialist)


def _cell_vote(world):
    [(day, data)] = [
        (d, x)
        for _s, a, d, x in path_steps(world.members, authority=world.authority, eligible=4)
        if a == actions.CELL_VOTE
    ]
    return day, data


def test_an_understated_electorate_no_longer_lets_a_vote_pass(world, case):
    # 4 official members on the cell's roll; "eligible" typed as 3 and 2 agree would be 2/3 of
    # 3: refused, naming both numbers, and nothing is written.
    walk_case_to(
        case,
        stop_before=actions.CELL_VOTE,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    day, data = _cell_vote(world)
    before = snapshot()

    with pytest.raises(TransitionBlocked) as exc:
        step(
            case,
            actions.CELL_VOTE,
            day,
            {**data, "eligible": 3, "present": 3, "agree": 2},
            world.cast.cell_secretary,
        )

    [finding] = [f for f in exc.value.findings if f.blocks]
    assert finding.rule_id == "VOTE-ELECTORATE"
    assert "nhập vào (3)" in finding.message
    assert f"ngày {day:%d/%m/%Y} (4)" in finding.message
    assert snapshot() == before
    # The real electorate: 4, of whom 2 agreeing is a recorded failed vote, 3 passes.
    step(
        case,
        actions.CELL_VOTE,
        day,
        {**data, "eligible": 4, "present": 4, "agree": 2},
        world.cast.cell_secretary,
    )
    assert Step.objects.filter(case=case, action=actions.CELL_VOTE).count() == 1


def test_the_electorate_is_the_roll_on_the_meeting_day(world, case):
    walk_case_to(
        case,
        stop_before=actions.CELL_VOTE,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    day, data = _cell_vote(world)
    # A member exempted from activity before the meeting is not counted (default setting);
    # one admitted to the cell after the meeting day is not counted either.
    exempted = Membership.objects.get(person=world.members.introducer_1)
    registry.record_event(
        membership=exempted,
        kind=EventKind.EXEMPT_START,
        on=date(2020, 1, 1),
        actor=system_user(),
        today=TODAY,
    )
    make_member(world.cast.cell_a, official_on=date(2026, 1, 1), given_name="Muộn")

    with pytest.raises(TransitionBlocked):
        step(case, actions.CELL_VOTE, day, data, world.cast.cell_secretary)
    step(
        case,
        actions.CELL_VOTE,
        day,
        {**data, "eligible": 3, "present": 3, "agree": 3},
        world.cast.cell_secretary,
    )
    assert Step.objects.filter(case=case, action=actions.CELL_VOTE).count() == 1


def test_a_committee_vote_counts_the_recorded_seats(world, case):
    walk_case_to(
        case,
        stop_before=actions.COMMITTEE_VOTE,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    [(day, data)] = [
        (d, x)
        for _s, a, d, x in path_steps(world.members, authority=world.authority, eligible=4)
        if a == actions.COMMITTEE_VOTE
    ]
    for name in ("Ánh", "Bảo", "Cúc", "Duy", "Giang"):
        seat = make_member(world.cast.cell_b, given_name=name)
        CommitteeMember.objects.create(
            org=world.cast.grassroots,
            person=seat,
            role=CommitteeMember.Role.MEMBER,
            started_on=date(2020, 1, 1),
        )
    before = snapshot()

    with pytest.raises(TransitionBlocked) as exc:
        step(case, actions.COMMITTEE_VOTE, day, data, world.cast.grassroots_officer)

    [finding] = [f for f in exc.value.findings if f.blocks]
    assert finding.rule_id == "VOTE-ELECTORATE"
    assert f"({data['eligible']})" in finding.message
    assert "(5)" in finding.message
    assert snapshot() == before
    step(
        case,
        actions.COMMITTEE_VOTE,
        day,
        {**data, "eligible": 5, "present": 5, "agree": 5},
        world.cast.grassroots_officer,
    )
    assert Step.objects.filter(case=case, action=actions.COMMITTEE_VOTE).count() == 1
