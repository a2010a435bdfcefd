"""Pipeline reads: scoped case lists, the board, the due list and the case page."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.paginator import Paginator
from django.http import Http404

from ptdv.access.models import AccessLog
from ptdv.access.policy import Action, grants_of
from ptdv.pipeline import actions
from ptdv.pipeline.boards import board, stage_cards
from ptdv.pipeline.models import Case, Stage
from ptdv.pipeline.selectors import (
    OPEN_STAGES,
    case_page,
    cases_for_user,
    due_for_user,
    get_case,
)
from ptdv.pipeline.services import record_step
from tests.factories import TODAY
from tests.pipeline.factories import (
    make_candidate,
    make_cell_members,
    open_test_case,
    walk_case_to,
)

VISIBLE = {
    "administrator": ["a", "b", "other"],
    "board_specialist": ["a", "b", "other"],
    "grassroots_officer": ["a", "b"],
    "cell_secretary": ["a"],
    "viewer": ["a", "b"],
    "outsider": ["other"],
    "nobody": [],
}


@pytest.fixture
def cases(world):
    """Three cases: a (cell_a, approved by the cell, overdue), b (cell_b), other (other_cell)."""
    cast = world.cast
    a = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    walk_case_to(
        a,
        Stage.CELL_APPROVED,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )
    b = open_test_case(
        cast.person_b,
        cast.cell_b,
        actor=cast.board_specialist,
        source="trade_union",
        opened_on=date(2026, 10, 1),
    )
    other = open_test_case(
        cast.person_other, cast.other_cell, actor=cast.board_specialist, opened_on=date(2026, 11, 2)
    )
    return {"a": a, "b": b, "other": other}


def keys(qs, cases) -> list[str]:
    by_pk = {c.pk: k for k, c in cases.items()}
    return sorted(by_pk[c.pk] for c in qs)


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_cases_for_user_is_scoped(world, cases, who):
    qs = cases_for_user(world.cast.users[who], today=TODAY)

    assert keys(qs, cases) == VISIBLE[who]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"org": "grassroots"}, ["a", "b"]),
        ({"org": "cell_b"}, ["b"]),
        ({"stage": Stage.CELL_APPROVED}, ["a"]),
        ({"stage": Stage.SOURCE}, ["b", "other"]),
        ({"source": "trade_union"}, ["b"]),
        ({"overdue": True}, ["a"]),
        ({"q": "lan vo"}, ["a"]),
        ({"q": "dung"}, ["b"]),
        ({"q": "khong co ai"}, []),
    ],
)
def test_cases_for_user_filters(world, cases, filters, expected):
    if "org" in filters:
        filters["org"] = getattr(world.cast, filters["org"])

    qs = cases_for_user(world.cast.board_specialist, today=TODAY, **filters)

    assert keys(qs, cases) == expected


def test_cases_for_user_is_one_query(world, cases, django_assert_num_queries):
    user = world.cast.board_specialist
    grants_of(user)

    with django_assert_num_queries(1):
        rows = [(c.person.full_name, c.cell.name) for c in cases_for_user(user, today=TODAY)]

    # Vietnamese name order: by given name first.
    assert rows == [
        ("Trần Văn Dũng", "Chi bộ Tổ Văn – Sử"),
        ("Võ Thị Lan", "Chi bộ Tổ Toán – Tin"),
        ("Phạm Minh Tuấn", "Chi bộ Phân xưởng 1"),
    ]


def test_board_counts_and_cards(world, cases, django_assert_num_queries):
    user = world.cast.grassroots_officer
    grants_of(user)

    # The counts, the cards' ids (ranked from the path index), the cards' rows.
    with django_assert_num_queries(3):
        columns = board(user, today=TODAY)

    assert [c.stage for c in columns] == [s.value for s in OPEN_STAGES]
    assert {c.stage: c.count for c in columns if c.count} == {"source": 1, "cell_approved": 1}
    approved = next(c for c in columns if c.stage == "cell_approved")
    card = approved.cards[0]
    assert (
        card.person_name,
        card.cell_name,
        card.days_in_stage,
        card.next_due_on,
        card.next_due_rule,
        card.overdue,
    ) == (
        "Võ Thị Lan",
        "Chi bộ Tổ Toán – Tin",
        (TODAY - date(2024, 11, 25)).days,
        date(2025, 2, 25),
        "DECIDE-60WD",
        True,
    )
    source = next(c for c in columns if c.stage == "source")
    assert [(c.person_name, c.days_in_stage, c.overdue) for c in source.cards] == [
        ("Trần Văn Dũng", 51, False)
    ]


def test_board_filters_and_limits_cards(world, cases):
    user = world.cast.board_specialist
    for n in range(3):
        extra = open_test_case(
            make_candidate(world.cast.cell_b),
            world.cast.cell_b,
            actor=user,
            opened_on=date(2026, 11, 10 + n),
        )
        assert extra.stage == Stage.SOURCE

    columns = {c.stage: c for c in board(user, today=TODAY, per_column=2)}
    assert (columns["source"].count, len(columns["source"].cards), columns["source"].more) == (
        5,
        2,
        3,
    )
    # Without a deadline, the longest waiting come first.
    assert [Case.objects.get(pk=c.case_id).opened_on for c in columns["source"].cards] == [
        date(2026, 10, 1),
        date(2026, 11, 2),
    ]
    by_org = board(user, org=world.cast.grassroots, today=TODAY)
    assert sum(c.count for c in by_org) == 5
    assert sum(c.count for c in board(user, cell=world.cast.cell_a, today=TODAY)) == 1
    assert sum(c.count for c in board(user, source="trade_union", today=TODAY)) == 1
    assert {c.stage: c.count for c in board(user, overdue=True, today=TODAY) if c.count} == {
        "cell_approved": 1
    }


def test_a_stages_cards_page_through_all_its_cases_in_the_boards_order(
    world, cases, django_assert_num_queries
):
    user = world.cast.board_specialist
    for n in range(4):
        open_test_case(
            make_candidate(world.cast.cell_b),
            world.cast.cell_b,
            actor=user,
            opened_on=date(2026, 11, 10 + n),
        )
    first = {c.stage: c for c in board(user, today=TODAY, per_column=2)}["source"]
    listed = stage_cards(user, stage="source", today=TODAY)
    with django_assert_num_queries(1):
        assert len(listed) == first.count == 6
    every = list(listed)
    # The board's first cards are the list's first; every case once, the longest waiting first.
    assert every[:2] == first.cards
    assert len({c.case_id for c in every}) == 6
    opened = [Case.objects.get(pk=c.case_id).opened_on for c in every]
    assert opened == sorted(opened)
    pages = Paginator(stage_cards(user, stage="source", today=TODAY, count=6), 4)
    with django_assert_num_queries(2):  # a page is one query; the count was given
        seen = [*pages.page(1), *pages.page(2)]
    assert seen == every
    # A due day comes first, the soonest first; no due day last (the cached column set here).
    later, sooner = every[4].case_id, every[5].case_id
    Case.objects.filter(pk=later).update(next_due_on=date(2027, 1, 5))
    Case.objects.filter(pk=sooner).update(next_due_on=date(2026, 12, 1))
    reordered = [c.case_id for c in stage_cards(user, stage="source", today=TODAY)]
    assert reordered == [sooner, later, *(c.case_id for c in every[:4])]
    assert [c.case_id for c in board(user, today=TODAY, per_column=3)[0].cards] == reordered[:3]
    # Filtered like the board: the cells of the grassroots organisation, another stage.
    in_b = stage_cards(user, stage="source", cell=world.cast.cell_b, today=TODAY)
    assert {c.cell_name for c in in_b} == {world.cast.cell_b.name}
    assert [c.person_name for c in stage_cards(user, stage="cell_approved", today=TODAY)] == [
        "Võ Thị Lan"
    ]
    # Scoped: the cell secretary of cell A sees the one case of its cell.
    secretary = world.cast.cell_secretary
    assert len(stage_cards(secretary, stage="source", today=TODAY)) == 0
    assert [c.person_name for c in stage_cards(secretary, stage="cell_approved", today=TODAY)] == [
        "Võ Thị Lan"
    ]


def test_board_leaves_out_closed_cases(world, cases):
    cast = world.cast
    b = cases["b"]

    record_step(
        case=b,
        action=actions.EXIT,
        occurred_on=date(2026, 11, 3),
        data={"outcome": "dropped", "reason": "Không còn đủ điều kiện"},
        version=b.version,
        actor=cast.grassroots_officer,
        today=TODAY,
    )

    counts = {c.stage: c.count for c in board(cast.grassroots_officer, today=TODAY) if c.count}
    assert counts == {"cell_approved": 1}


@pytest.mark.parametrize(
    ("within", "expected"),
    [(0, ["a"]), (30, ["a"])],
)
def test_due_for_user_lists_due_and_overdue_cases(world, cases, within, expected):
    qs = due_for_user(world.cast.board_specialist, today=TODAY, within_days=within)

    assert keys(qs, cases) == expected


def test_due_for_user_orders_overdue_first_and_respects_the_window(world, cases):
    cast = world.cast
    b = open_test_case(make_candidate(cast.cell_b), cast.cell_b, actor=cast.board_specialist)
    walk_case_to(
        b,
        Stage.CELL_APPROVED,
        members=make_cell_members(cast.cell_b),
        authority=world.authority,
        actor=cast.board_specialist,
    )
    assert b.next_due_on == date(2025, 2, 25)
    # Same deadline: ties go by id, so the order is stable.
    assert [c.pk for c in due_for_user(cast.viewer, today=TODAY)] == [cases["a"].pk, b.pk]
    assert list(due_for_user(cast.viewer, today=date(2025, 1, 1), within_days=30)) == []
    assert len(due_for_user(cast.viewer, today=date(2025, 1, 1), within_days=60)) == 2
    assert list(due_for_user(cast.outsider, today=TODAY)) == []


def test_get_case_outside_scope_is_404(world, cases):
    assert get_case(world.cast.viewer, cases["a"].pk) == cases["a"]
    with pytest.raises(Http404):
        get_case(world.cast.outsider, cases["a"].pk)
    with pytest.raises(Http404):
        get_case(world.cast.viewer, cases["a"].pk, Action.CASE_RECORD)


def test_case_page_shows_steps_findings_forms_and_allowed_actions(world, cases):
    cast = world.cast
    case = get_case(cast.cell_secretary, cases["a"].pk)

    page = case_page(cast.cell_secretary, case, today=TODAY)

    assert [v.step.seq for v in page.steps] == list(range(1, 11))
    assert page.steps[1].label == "Hoàn thành lớp bồi dưỡng nhận thức về Đảng"
    assert page.steps[1].recorder == str(cast.board_specialist)
    assert page.steps[1].fields[1] == ("Ngày cấp", "20/09/2024")
    introduced = next(v for v in page.steps if v.step.action == actions.INTRODUCED)
    assert introduced.fields[1][1] == ", ".join(
        m.full_name for m in (world.members.introducer_1, world.members.introducer_2)
    )
    assert [(f.code, f.received) for f in page.forms] == [
        ("CN-NTVĐ", True),
        ("1-KNĐ", True),
        ("2-KNĐ", True),
        ("3-KNĐ", True),
        ("5-KNĐ", True),
        ("6-KNĐ", True),
    ]
    assert [(d.rule_id, d.due_on) for d in page.dues] == [("DECIDE-60WD", date(2025, 2, 25))]
    assert [f.rule_id for f in page.findings] == ["DECIDE-60WD"]
    assert [m.member_id for m in page.mentors] == [world.members.mentor.pk]
    # The cell secretary may record the cell's own steps only, never the committee's vote.
    codes = [a.code for a in page.next_actions]
    assert actions.COMMITTEE_VOTE not in codes
    assert actions.EXIT in codes
    board_codes = [a.code for a in case_page(cast.board_specialist, case, today=TODAY).next_actions]
    assert actions.COMMITTEE_VOTE in board_codes
    # Not the lý lịch: reading the case page is not logged.
    assert AccessLog.objects.count() == 0


def test_case_page_queries_do_not_grow_with_the_steps(world, cases, django_assert_max_num_queries):
    cast = world.cast
    user = cast.board_specialist
    grants_of(user)
    short = get_case(user, cases["b"].pk)
    long = get_case(user, cases["a"].pk)

    with django_assert_max_num_queries(12) as short_queries:
        case_page(user, short, today=TODAY)
    with django_assert_max_num_queries(12) as long_queries:
        case_page(user, long, today=TODAY)

    # The long case names people, a unit and more, so it may need the lookups the short lacks.
    assert len(long_queries.captured_queries) - len(short_queries.captured_queries) <= 1
