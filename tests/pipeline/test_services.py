"""Pipeline services: the pool, opening a case, recording steps and their side effects."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.http import Http404

from ptdv.access.policy import Action
from ptdv.core.calendar import build_calendar
from ptdv.core.errors import DomainError, StaleVersion
from ptdv.people.models import Person
from ptdv.pipeline import actions, rules
from ptdv.pipeline.models import (
    Case,
    Certificate,
    Mentor,
    Outcome,
    PoolEntry,
    PoolReview,
    PoolReviewItem,
    Stage,
    Step,
    TrainingBatch,
)
from ptdv.pipeline.rules import Severity
from ptdv.pipeline.services import (
    StepInvalid,
    TransitionBlocked,
    add_to_pool,
    case_facts,
    open_case,
    preview_step,
    record_step,
    record_step_with_state,
    required_action,
    review_pool,
)
from tests.factories import TODAY, make_person
from tests.pipeline.factories import (
    make_candidate,
    make_former_member,
    make_member,
    open_test_case,
    path_steps,
    registry_row,
    walk_case_to,
)


def snapshot() -> tuple[Any, ...]:
    """Return every row the pipeline services may write (to prove nothing was written)."""
    return (
        list(Case.objects.order_by("pk").values()),
        list(Step.objects.order_by("pk").values()),
        list(Mentor.objects.order_by("pk").values()),
        list(Certificate.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        list(PoolEntry.objects.order_by("pk").values()),
        Case.history.count(),  # type: ignore[attr-defined]
        Person.history.count(),  # type: ignore[attr-defined]
    )


def step(case: Case, action: str, day: date, data: dict[str, Any], actor) -> Step:
    return record_step(
        case=case,
        action=action,
        occurred_on=day,
        data=data,
        version=case.version,
        actor=actor,
        today=TODAY,
    )


def steps_of(world) -> dict[str, tuple[date, dict[str, Any]]]:
    rows = path_steps(world.members, authority=world.authority, eligible=4)
    return {action: (day, data) for _stage, action, day, data in rows}


@pytest.fixture
def case(world) -> Case:
    return open_test_case(world.candidate, world.cast.cell_a, actor=world.cast.board_specialist)


# --- the pool --------------------------------------------------------------------------


def test_add_to_pool_records_an_active_entry(cast):
    entry = add_to_pool(
        cell=cast.cell_a,
        person=cast.person_a,
        source="youth_union",
        listed_on=date(2026, 10, 1),
        proposed_by="  Đoàn   trường ",
        notes="Bí thư chi đoàn",
        actor=cast.cell_secretary,
        today=TODAY,
    )

    row = PoolEntry.objects.get()
    assert (row.pk, row.cell_id, row.person_id, row.source, row.listed_on, row.status) == (
        entry.pk,
        cast.cell_a.pk,
        cast.person_a.pk,
        "youth_union",
        date(2026, 10, 1),
        "active",
    )
    assert (row.proposed_by, row.notes) == ("Đoàn trường", "Bí thư chi đoàn")
    assert row.history.get().history_user == cast.cell_secretary


def test_add_to_pool_refuses_a_person_active_in_another_cells_pool(cast):
    add_to_pool(
        cell=cast.cell_b,
        person=cast.person_a,
        source="other",
        listed_on=TODAY,
        proposed_by="",
        notes="",
        actor=cast.grassroots_officer,
        today=TODAY,
    )

    with pytest.raises(DomainError) as exc:
        add_to_pool(
            cell=cast.cell_a,
            person=cast.person_a,
            source="other",
            listed_on=TODAY,
            proposed_by="",
            notes="",
            actor=cast.grassroots_officer,
            today=TODAY,
        )

    assert exc.value.field_errors == {
        "person": ["Lê Thị Hồng đang có trong danh sách quần chúng ưu tú của Chi bộ Tổ Văn – Sử."]
    }
    assert PoolEntry.objects.count() == 1


def test_add_to_pool_refuses_a_unit_that_is_not_a_cell(cast):
    with pytest.raises(DomainError) as exc:
        add_to_pool(
            cell=cast.grassroots,
            person=cast.person_a,
            source="other",
            listed_on=TODAY,
            proposed_by="",
            notes="",
            actor=cast.grassroots_officer,
            today=TODAY,
        )

    assert exc.value.field_errors == {"cell": ["Chỉ chi bộ mới có danh sách quần chúng ưu tú."]}
    assert PoolEntry.objects.count() == 0


def test_add_to_pool_refuses_a_party_member(world):
    member = world.members.mentor

    with pytest.raises(DomainError) as exc:
        add_to_pool(
            cell=world.cast.cell_a,
            person=member,
            source="other",
            listed_on=TODAY,
            proposed_by="",
            notes="",
            actor=world.cast.cell_secretary,
            today=TODAY,
        )

    assert list(exc.value.field_errors) == ["person"]
    assert "đã là đảng viên" in exc.value.field_errors["person"][0]
    assert PoolEntry.objects.count() == 0


@pytest.fixture
def pool(cast):
    second = make_person(cast.cell_a, given_name="Bảo")
    entries = [
        add_to_pool(
            cell=cast.cell_a,
            person=p,
            source="trade_union",
            listed_on=date(2026, 9, 1),
            proposed_by="",
            notes="",
            actor=cast.cell_secretary,
            today=TODAY,
        )
        for p in (cast.person_a, second)
    ]
    return entries


def test_review_pool_keeps_one_and_drops_the_other_with_its_reason(cast, pool):
    keep, drop = pool

    review = review_pool(
        cell=cast.cell_a,
        month=date(2026, 11, 15),
        decisions={keep.pk: (True, ""), drop.pk: (False, "Chuyển công tác")},
        actor=cast.cell_secretary,
        today=TODAY,
    )

    assert (review.month, review.reviewed_on, review.reviewed_by) == (
        date(2026, 11, 1),
        TODAY,
        cast.cell_secretary,
    )
    assert sorted(PoolReviewItem.objects.values_list("entry_id", "keep", "reason")) == sorted(
        [(keep.pk, True, ""), (drop.pk, False, "Chuyển công tác")]
    )
    assert PoolEntry.objects.get(pk=keep.pk).status == "active"
    dropped = PoolEntry.objects.get(pk=drop.pk)
    assert (dropped.status, dropped.dropped_on, dropped.drop_reason, dropped.version) == (
        "dropped",
        TODAY,
        "Chuyển công tác",
        2,
    )


def test_review_pool_drop_without_reason_writes_nothing(cast, pool):
    keep, drop = pool

    with pytest.raises(DomainError) as exc:
        review_pool(
            cell=cast.cell_a,
            month=date(2026, 11, 1),
            decisions={keep.pk: (True, ""), drop.pk: (False, "  ")},
            actor=cast.cell_secretary,
            today=TODAY,
        )

    assert exc.value.field_errors == {
        f"reason_{drop.pk}": ["Cần ghi lý do đưa Nguyễn Văn Bảo ra khỏi danh sách."]
    }
    assert PoolReview.objects.count() == 0
    assert set(PoolEntry.objects.values_list("status", flat=True)) == {"active"}


def test_review_pool_once_per_cell_and_month(cast, pool):
    decisions = {e.pk: (True, "") for e in pool}
    review_pool(
        cell=cast.cell_a,
        month=date(2026, 11, 3),
        decisions=decisions,
        actor=cast.cell_secretary,
        today=TODAY,
    )

    with pytest.raises(DomainError) as exc:
        review_pool(
            cell=cast.cell_a,
            month=date(2026, 11, 20),
            decisions=decisions,
            actor=cast.cell_secretary,
            today=TODAY,
        )

    assert exc.value.field_errors == {"month": ["Chi bộ đã rà soát danh sách tháng 11/2026."]}
    assert PoolReview.objects.count() == 1


def test_review_pool_takes_only_the_cells_active_entries(cast, pool):
    other = add_to_pool(
        cell=cast.cell_b,
        person=cast.person_b,
        source="other",
        listed_on=TODAY,
        proposed_by="",
        notes="",
        actor=cast.grassroots_officer,
        today=TODAY,
    )
    decisions = {e.pk: (True, "") for e in pool} | {other.pk: (True, "")}

    with pytest.raises(DomainError) as exc:
        review_pool(
            cell=cast.cell_a,
            month=TODAY,
            decisions=decisions,
            actor=cast.cell_secretary,
            today=TODAY,
        )

    assert exc.value.field_errors == {
        "decisions": [f"Mục {other.pk} không thuộc danh sách đang theo dõi của chi bộ."]
    }
    assert PoolReview.objects.count() == 0


# --- opening a case --------------------------------------------------------------------


def test_open_case_from_the_pool_appends_the_open_step(world):
    cast = world.cast
    entry = add_to_pool(
        cell=cast.cell_a,
        person=world.candidate,
        source="youth_union",
        listed_on=date(2024, 8, 1),
        proposed_by="Đoàn trường",
        notes="",
        actor=cast.cell_secretary,
        today=TODAY,
    )

    case = open_case(
        person=world.candidate,
        cell=cast.cell_a,
        source="youth_union",
        opened_on=date(2024, 9, 9),
        actor=cast.cell_secretary,
        today=TODAY,
        pool_entry=entry,
    )

    row = Case.objects.get()
    assert (row.pk, row.person_id, row.cell_id, row.source, row.opened_on, row.pool_entry_id) == (
        case.pk,
        world.candidate.pk,
        cast.cell_a.pk,
        "youth_union",
        date(2024, 9, 9),
        entry.pk,
    )
    assert (row.stage, row.stage_since, row.outcome, row.closed_on, row.version) == (
        Stage.SOURCE,
        date(2024, 9, 9),
        "",
        None,
        1,
    )
    assert list(Step.objects.values_list("seq", "action", "occurred_on", "recorded_by")) == [
        (1, actions.OPEN, date(2024, 9, 9), cast.cell_secretary.pk)
    ]
    assert PoolEntry.objects.get().status == PoolEntry.Status.IN_CASE


def test_open_case_refuses_a_second_open_case(world, case):
    with pytest.raises(DomainError) as exc:
        open_test_case(world.candidate, world.cast.cell_b, actor=world.cast.board_specialist)

    assert exc.value.field_errors == {
        "person": ["Võ Thị Lan đang có một hồ sơ phát triển đảng viên chưa kết thúc."]
    }
    assert Case.objects.count() == 1


def test_open_case_refuses_a_party_member(world):
    with pytest.raises(DomainError) as exc:
        open_test_case(world.members.mentor, world.cast.cell_a, actor=world.cast.cell_secretary)

    assert list(exc.value.field_errors) == ["person"]
    assert Case.objects.count() == 0


def test_open_case_refuses_a_former_member_unless_readmission(world):
    cast = world.cast
    former = make_candidate(cast.cell_a)
    make_former_member(former, joined_on=date(2010, 5, 1), left_on=date(2019, 5, 1), reason="other")

    with pytest.raises(DomainError) as exc:
        open_test_case(former, cast.cell_a, actor=cast.cell_secretary)
    assert list(exc.value.field_errors) == ["is_readmission"]
    with pytest.raises(DomainError):
        open_test_case(world.candidate, cast.cell_a, actor=cast.cell_secretary, is_readmission=True)
    assert Case.objects.count() == 0

    case = open_test_case(former, cast.cell_a, actor=cast.cell_secretary, is_readmission=True)
    assert Case.objects.get().pk == case.pk
    assert case.is_readmission is True


@pytest.mark.parametrize(
    ("who", "cell", "person"),
    [
        ("cell_secretary", "cell_b", "candidate"),  # cell outside the user's scope
        ("outsider", "cell_a", "candidate"),
        ("viewer", "cell_a", "candidate"),  # may see, may not record
        ("cell_secretary", "cell_a", "person_other"),  # person the user cannot see
    ],
)
def test_open_case_outside_scope_is_not_found(world, who, cell, person):
    cast = world.cast
    target = world.candidate if person == "candidate" else cast.person_other

    with pytest.raises(Http404):
        open_test_case(target, getattr(cast, cell), actor=cast.users[who])
    assert Case.objects.count() == 0


def test_open_case_refuses_a_unit_that_is_not_a_cell(world):
    with pytest.raises(DomainError) as exc:
        open_test_case(world.candidate, world.cast.grassroots, actor=world.cast.grassroots_officer)

    assert list(exc.value.field_errors) == ["cell"]


# --- permissions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "action"),
    [
        (
            code,
            {
                "record": Action.CASE_RECORD,
                "committee": Action.CASE_COMMITTEE,
                "decide": Action.CASE_DECIDE,
            }[spec.permission],
        )
        for code, spec in actions.ACTIONS.items()
    ],
)
def test_required_action_maps_every_catalogue_permission(code, action):
    assert required_action(code) == action


def test_recording_a_decision_needs_the_deciding_role(world, case):
    walk_case_to(
        case,
        stop_before=actions.DECISION,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    day, data = steps_of(world)[actions.DECISION]
    before = snapshot()

    for who in ("cell_secretary", "grassroots_officer", "viewer", "outsider"):
        with pytest.raises(Http404):
            step(case, actions.DECISION, day, data, world.cast.users[who])
    assert snapshot() == before


# --- step data validation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {},
            {
                "certificate_number": ["Số giấy chứng nhận là bắt buộc."],
                "issued_on": ["Ngày cấp là bắt buộc."],
                "issuer": ["Nơi cấp là bắt buộc."],
            },
        ),
        (
            {"certificate_number": "A1", "issued_on": "31/02/2024", "issuer": "TTCT"},
            {"issued_on": ["Ngày cấp: ngày không hợp lệ (viết dd/mm/yyyy, ví dụ 17/05/2025)."]},
        ),
        (
            {
                "certificate_number": "A1",
                "issued_on": "2024-09-20",
                "issuer": "TTCT",
                "batch": 999999,
            },
            {"batch": ["Lớp: không tìm thấy lớp có mã 999999."]},
        ),
        (
            {"certificate_number": "A1", "issued_on": "2024-09-20", "issuer": "TTCT", "grade": "A"},
            {"grade": ["Trường “grade” không thuộc bước này."]},
        ),
    ],
)
def test_step_data_errors_name_the_field(world, case, data, errors):
    before = snapshot()

    with pytest.raises(StepInvalid) as exc:
        step(case, actions.COURSE, date(2024, 9, 20), data, world.cast.board_specialist)

    assert exc.value.field_errors == errors
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"eligible": 4, "present": -1, "agree": 3},
            {"present": ["Số có mặt phải là số nguyên không âm."]},
        ),
        (
            {"eligible": "bốn", "present": 4, "agree": True},
            {
                "eligible": [
                    "Số đảng viên chính thức / ủy viên có quyền biểu quyết phải là số nguyên "
                    "không âm."
                ],
                "agree": ["Số tán thành phải là số nguyên không âm."],
            },
        ),
    ],
)
def test_vote_numbers_must_be_whole_numbers(world, case, data, errors):
    with pytest.raises(StepInvalid) as exc:
        step(case, actions.CELL_VOTE, date(2024, 11, 25), data, world.cast.board_specialist)

    assert exc.value.field_errors == errors


def test_people_and_choices_in_step_data_are_checked(world, case):
    walk_case_to(
        case,
        stop_before=actions.INTRODUCED,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    data = {
        "mode": "three_members",
        "introducers": [world.members.introducer_1.pk, 999999],
        "worked_together_months": 24,
    }

    with pytest.raises(StepInvalid) as exc:
        step(case, actions.INTRODUCED, date(2024, 11, 18), data, world.cast.board_specialist)

    assert exc.value.field_errors == {
        "mode": [
            "Hình thức giới thiệu: giá trị “three_members” không nằm trong danh sách cho phép."
        ],
        "introducers": [
            "Đảng viên chính thức giới thiệu: không tìm thấy người có mã 999999 trong chi bộ "
            "quản lý hồ sơ."
        ],
    }


def test_dates_in_step_data_take_the_vietnamese_form_and_are_stored_iso(world, case):
    step(
        case,
        actions.COURSE,
        date(2024, 9, 20),
        {"certificate_number": "NT-1", "issued_on": "20/09/2024", "issuer": "TTCT Đông Hà"},
        world.cast.board_specialist,
    )

    assert Step.objects.get(seq=2).data == {
        "certificate_number": "NT-1",
        "issued_on": "2024-09-20",
        "issuer": "TTCT Đông Hà",
    }


def test_an_unknown_action_is_refused(world, case):
    with pytest.raises(StepInvalid) as exc:
        step(case, "pipeline.case.teleported", TODAY, {}, world.cast.board_specialist)
    assert exc.value.field_errors == {
        "action": ["Bước “pipeline.case.teleported” không có trong danh mục các bước."]
    }
    with pytest.raises(StepInvalid):
        step(case, actions.OPEN, TODAY, {}, world.cast.board_specialist)


# --- side effects ----------------------------------------------------------------------


def test_course_records_an_awareness_certificate(world, case):
    batch = TrainingBatch.objects.create(
        kind="awareness",
        name="Lớp NTVĐ khóa 3/2024",
        organiser=world.cast.commune,
        issuer="Trung tâm Chính trị Đông Hà",
        starts_on=date(2024, 9, 16),
        ends_on=date(2024, 9, 20),
    )

    created = step(
        case,
        actions.COURSE,
        date(2024, 9, 20),
        {
            "certificate_number": "NT-0457",
            "issued_on": "2024-09-20",
            "issuer": "Trung tâm Chính trị Đông Hà",
            "batch": batch.pk,
        },
        world.cast.board_specialist,
    )

    cert = Certificate.objects.get()
    assert (cert.person_id, cert.kind, cert.batch_id, cert.number, cert.issued_on, cert.issuer) == (
        world.candidate.pk,
        "awareness",
        batch.pk,
        "NT-0457",
        date(2024, 9, 20),
        "Trung tâm Chính trị Đông Hà",
    )
    assert (created.seq, created.documents, created.recorded_by) == (
        2,
        ["CN-NTVĐ"],
        world.cast.board_specialist,
    )
    case.refresh_from_db()
    assert (case.stage, case.stage_since, case.version) == (Stage.TRAINED, date(2024, 9, 20), 2)


def test_a_certificate_number_cannot_be_given_twice(world, case):
    other = open_test_case(
        make_candidate(world.cast.cell_a), world.cast.cell_a, actor=world.cast.board_specialist
    )
    data = {"certificate_number": "NT-1", "issued_on": "2024-09-20", "issuer": "TTCT"}
    step(other, actions.COURSE, date(2024, 9, 20), data, world.cast.board_specialist)
    before = snapshot()

    with pytest.raises(StepInvalid) as exc:
        step(case, actions.COURSE, date(2024, 9, 20), data, world.cast.board_specialist)

    assert exc.value.field_errors == {
        "certificate_number": ["Số giấy chứng nhận NT-1 của TTCT đã được ghi cho một người khác."]
    }
    assert snapshot() == before


def test_mentors_follow_listing_reassignment_and_ceremony(world, case):
    cast, members = world.cast, world.members
    walk_case_to(
        case,
        Stage.CANDIDATE,
        members=members,
        authority=world.authority,
        actor=cast.board_specialist,
    )
    replacement = make_member(cast.cell_a, given_name="Hà")
    step(
        case,
        actions.MENTOR_ASSIGNED,
        date(2024, 10, 10),
        {"mentor": replacement.pk, "reason": "Đồng chí Bình đi học"},
        cast.cell_secretary,
    )
    walk_case_to(
        case,
        Stage.PROBATION,
        members=members,
        authority=world.authority,
        actor=cast.board_specialist,
        eligible=members.count + 1,  # Hà is on the roll too now (VOTE-ELECTORATE)
    )

    assert list(
        Mentor.objects.order_by("pk").values_list("member_id", "phase", "assigned_on", "ended_on")
    ) == [
        (members.mentor.pk, "candidate", date(2024, 10, 7), date(2024, 10, 10)),
        (replacement.pk, "candidate", date(2024, 10, 10), date(2025, 2, 10)),
        (members.probation_mentor.pk, "probation", date(2025, 2, 10), None),
    ]


def test_decision_sets_the_decision_dates(world, case):
    walk_case_to(
        case,
        Stage.DECIDED,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )

    case.refresh_from_db()
    assert (case.stage, case.decision_on, case.decision_received_on, case.ceremony_on) == (
        Stage.DECIDED,
        date(2025, 1, 10),
        date(2025, 1, 13),
        None,
    )


def test_ceremony_makes_the_person_a_probationary_member(world, case):
    walk_case_to(
        case,
        Stage.PROBATION,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )

    case.refresh_from_db()
    assert (case.stage, case.stage_since, case.ceremony_on, case.probation_ends_on) == (
        Stage.PROBATION,
        date(2025, 2, 10),
        date(2025, 2, 10),
        date(2026, 2, 10),
    )
    person = Person.objects.get(pk=world.candidate.pk)
    assert (*registry_row(person), person.org_id) == (
        "probationary",
        date(2025, 1, 10),
        date(2025, 2, 10),
        None,
        None,
        "",
        world.cast.cell_a.pk,
    )
    assert case.membership.cell_id == world.cast.cell_a.pk
    assert person.history.first().history_user == world.cast.board_specialist


def test_whole_path_ends_official_with_the_three_dates(world, case):
    walk_case_to(
        case,
        Stage.OFFICIAL,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )

    case.refresh_from_db()
    assert (case.stage, case.outcome, case.closed_on, case.next_due_on, case.next_due_rule) == (
        Stage.OFFICIAL,
        Outcome.OFFICIAL,
        date(2026, 4, 10),
        None,
        "",
    )
    # Decision, ceremony, official = ceremony + 12 months although recognised two months late.
    assert (case.decision_on, case.ceremony_on, case.official_on, case.recognition_decision_on) == (
        date(2025, 1, 10),
        date(2025, 2, 10),
        date(2026, 2, 10),
        date(2026, 4, 10),
    )
    person = Person.objects.get(pk=world.candidate.pk)
    assert registry_row(person) == (
        "official",
        date(2025, 1, 10),
        date(2025, 2, 10),
        date(2026, 2, 10),
        None,
        "",
    )
    # The registry holds the story as events: admitted at the ceremony, official 12 months on.
    assert list(case.membership.events.values_list("kind", "on")) == [
        ("admitted", date(2025, 2, 10)),
        ("recognised", date(2026, 2, 10)),
    ]
    assert Step.objects.filter(case=case).count() == 20
    assert list(Step.objects.filter(case=case).values_list("seq", flat=True)) == list(range(1, 21))
    assert case.version == 20
    assert Certificate.objects.filter(person=person).count() == 2
    assert Mentor.objects.filter(case=case, ended_on__isnull=True).count() == 0


def test_recognition_refused_deletes_the_probationary_member(world, case):
    walk_case_to(
        case,
        stop_before=actions.RECOGNITION_DECISION,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )

    step(
        case,
        actions.RECOGNITION_DECISION,
        date(2026, 4, 10),
        {"decision_number": "89-QĐ/ĐU", "authority": world.authority.pk, "recognised": False},
        world.cast.board_specialist,
    )

    case.refresh_from_db()
    assert (case.outcome, case.closed_on, case.official_on, case.next_due_on) == (
        Outcome.PROBATION_DELETED,
        date(2026, 4, 10),
        None,
        None,
    )
    person = Person.objects.get(pk=world.candidate.pk)
    assert registry_row(person) == (
        "left",
        date(2025, 1, 10),
        date(2025, 2, 10),
        None,
        date(2026, 4, 10),
        "probation_deleted",
    )


def test_exit_closes_the_case(world, case):
    walk_case_to(
        case,
        Stage.CANDIDATE,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )

    step(
        case,
        actions.EXIT,
        date(2024, 12, 2),
        {"outcome": "withdrawn", "reason": "Xin rút đơn vì lý do gia đình"},
        world.cast.cell_secretary,
    )

    case.refresh_from_db()
    assert (case.stage, case.outcome, case.closed_on, case.next_due_on) == (
        Stage.EXITED,
        Outcome.WITHDRAWN,
        date(2024, 12, 2),
        None,
    )
    assert Mentor.objects.get().ended_on == date(2024, 12, 2)
    assert registry_row(world.candidate) == ("", None, None, None, None, "")
    # A closed case takes no more steps; the person may have a new case.
    with pytest.raises(TransitionBlocked):
        step(case, actions.APPLICATION, date(2024, 12, 3), {}, world.cast.cell_secretary)
    open_test_case(
        world.candidate,
        world.cast.cell_a,
        actor=world.cast.cell_secretary,
        opened_on=date(2025, 1, 6),
    )
    assert Case.objects.filter(person=world.candidate).count() == 2


def test_transfer_moves_the_case_and_keeps_its_history(world, case):
    cast = world.cast
    walk_case_to(
        case,
        Stage.DOSSIER,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )
    steps_before = list(Step.objects.filter(case=case).values_list("seq", "action"))

    step(
        case,
        actions.TRANSFERRED,
        date(2024, 10, 20),
        {"to_cell": cast.cell_b.pk, "reason": "Chuyển tổ chuyên môn"},
        cast.grassroots_officer,
    )

    case.refresh_from_db()
    assert (case.cell_id, case.stage, case.outcome) == (cast.cell_b.pk, Stage.DOSSIER, "")
    assert case.cell_path == cast.cell_b.path  # the scope follows the case (D48)
    assert list(Step.objects.filter(case=case).values_list("seq", "action")) == [
        *steps_before,
        (len(steps_before) + 1, actions.TRANSFERRED),
    ]
    assert Mentor.objects.get().ended_on == date(2024, 10, 20)
    assert [h.cell_id for h in case.history.order_by("history_id")][-2:] == [
        cast.cell_a.pk,
        cast.cell_b.pk,
    ]


def test_a_transfer_leaves_the_state_to_a_replay_in_the_new_cell(world, case):
    cast = world.cast
    walk_case_to(
        case,
        Stage.DOSSIER,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )

    _step, state = record_step_with_state(
        case=case,
        action=actions.TRANSFERRED,
        occurred_on=date(2024, 10, 20),
        data={"to_cell": cast.cell_b.pk, "reason": "Chuyển tổ chuyên môn"},
        version=case.version,
        actor=cast.grassroots_officer,
        today=TODAY,
    )

    # The earlier steps now read cell B's facts: only a replay says what they amount to there.
    assert state is None
    assert case.cell_id == cast.cell_b.pk


@pytest.mark.parametrize("target", ["other_cell", "grassroots", "cell_a"])
def test_transfer_only_to_another_cell_in_scope(world, case, target):
    before = snapshot()

    with pytest.raises(StepInvalid) as exc:
        step(
            case,
            actions.TRANSFERRED,
            date(2024, 9, 10),
            {"to_cell": getattr(world.cast, target).pk, "reason": "x"},
            world.cast.grassroots_officer,
        )

    assert list(exc.value.field_errors) == ["to_cell"]
    assert snapshot() == before


# --- the rules refuse: nothing written -------------------------------------------------


def test_a_step_out_of_order_is_blocked_and_writes_nothing(world, case):
    before = snapshot()

    with pytest.raises(TransitionBlocked) as exc:
        step(
            case,
            actions.CELL_VOTE,
            date(2024, 11, 25),
            {"eligible": 4, "present": 4, "agree": 4},
            world.cast.board_specialist,
        )

    assert exc.value.findings
    assert exc.value.findings[0].severity == Severity.BLOCK
    assert all(f.rule_id and f.message and f.reference for f in exc.value.findings)
    assert snapshot() == before


def test_an_impossible_vote_is_blocked_and_writes_nothing(world, case):
    walk_case_to(
        case,
        stop_before=actions.CELL_VOTE,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    before = snapshot()

    with pytest.raises(TransitionBlocked) as exc:
        step(
            case,
            actions.CELL_VOTE,
            date(2024, 11, 25),
            {"eligible": 4, "present": 3, "agree": 4},
            world.cast.board_specialist,
        )

    assert exc.value.findings[0].blocks
    assert snapshot() == before


def test_a_mentor_who_is_not_an_official_member_of_the_cell_is_blocked(world, case):
    walk_case_to(
        case,
        stop_before=actions.CANDIDATE_LISTED,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    before = snapshot()

    with pytest.raises(TransitionBlocked):
        step(
            case,
            actions.CANDIDATE_LISTED,
            date(2024, 10, 7),
            # A non-member of the case's own cell (one of another cell is not found: see
            # test_step_refs.py).
            {"mentor": world.cast.person_a.pk},
            world.cast.cell_secretary,
        )

    assert snapshot() == before


def test_preview_tells_the_findings_and_writes_nothing(world, case):
    before = snapshot()

    findings = preview_step(
        case=case,
        action=actions.CELL_VOTE,
        occurred_on=date(2024, 11, 25),
        data={"eligible": 4, "present": 4, "agree": 4},
        actor=world.cast.board_specialist,
        today=TODAY,
    )

    assert any(f.blocks for f in findings)
    day, data = steps_of(world)[actions.COURSE]
    assert not any(
        f.blocks
        for f in preview_step(
            case=case,
            action=actions.COURSE,
            occurred_on=day,
            data=data,
            actor=world.cast.board_specialist,
            today=TODAY,
        )
    )
    assert snapshot() == before


# --- versions and concurrency ----------------------------------------------------------


def test_a_stale_version_is_refused_and_writes_nothing(world, case):
    day, data = steps_of(world)[actions.COURSE]
    before = snapshot()

    with pytest.raises(StaleVersion) as exc:
        record_step(
            case=case,
            action=actions.COURSE,
            occurred_on=day,
            data=data,
            version=7,
            actor=world.cast.board_specialist,
            today=TODAY,
        )

    assert exc.value.current_version == 1
    assert snapshot() == before


def test_two_steps_from_the_same_version_the_second_is_stale(world, case):
    day, data = steps_of(world)[actions.COURSE]
    record_step(
        case=case,
        action=actions.COURSE,
        occurred_on=day,
        data=data,
        version=1,
        actor=world.cast.board_specialist,
        today=TODAY,
    )
    before = snapshot()

    with pytest.raises(StaleVersion) as exc:
        record_step(
            case=case,
            action=actions.EXIT,
            occurred_on=day,
            data={"outcome": "withdrawn", "reason": "Rút đơn"},
            version=1,
            actor=world.cast.cell_secretary,
            today=TODAY,
        )

    assert exc.value.current_version == 2
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_steps_exactly_one_wins(reference_lists, world):
    cast = world.cast
    case = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    day, data = steps_of(world)[actions.COURSE]
    calls = [
        dict(action=actions.COURSE, data=data, actor=cast.board_specialist),
        dict(
            action=actions.EXIT,
            data={"outcome": "withdrawn", "reason": "Rút đơn"},
            actor=cast.cell_secretary,
        ),
    ]
    results: list[str] = []

    def run(call: dict[str, Any], barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                # Bounds only a hang; both threads reach the barrier at once on any machine.
                barrier.wait(timeout=300)
            record_step(
                case=Case.objects.get(pk=case.pk), occurred_on=day, version=1, today=TODAY, **call
            )
            results.append("ok")
        except StaleVersion:
            results.append("stale")
        except Exception as exc:  # shown by the assertion below
            results.append(repr(exc))
        finally:
            if barrier is not None:
                close_old_connections()
                connection.close()

    if connection.vendor == "postgresql":
        # Two threads, two connections: the row lock serialises them; the loser sees the
        # version the winner wrote.
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=run, args=(c, barrier)) for c in calls]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)  # a loaded machine is slow, never this slow: a hang fails here
        assert not any(t.is_alive() for t in threads)
    else:
        # SQLite serialises writers on the database; the same calls one after the other.
        for c in calls:
            run(c, None)

    assert sorted(results) == ["ok", "stale"]
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.version == 2
    assert Step.objects.filter(case=case).count() == 2


# --- paths: over 60, failed votes, deadlines ------------------------------------------


def test_over_60_needs_the_provinces_written_consent_before_the_decision(world):
    cast = world.cast
    elder = make_candidate(cast.cell_a, birth_date=date(1960, 1, 1))
    case = open_test_case(elder, cast.cell_a, actor=cast.board_specialist)
    walk_case_to(
        case,
        stop_before=actions.DECISION,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )
    cell_vote = Step.objects.get(case=case, action=actions.CELL_VOTE)
    assert case.stage == Stage.COMMITTEE_APPROVED  # the vote warned, it did not block
    assert cell_vote.occurred_on == date(2024, 11, 25)
    day, data = steps_of(world)[actions.DECISION]
    before = snapshot()

    with pytest.raises(TransitionBlocked) as exc:
        step(case, actions.DECISION, day, data, cast.board_specialist)
    # No consent yet, and over 60 the province level decides, not the commune (DOMAIN §1.2.5).
    assert sorted(f.rule_id for f in exc.value.findings if f.blocks) == ["AGE-MAX", "AUTHORITY"]
    assert snapshot() == before

    step(
        case,
        actions.OVER60_CONSENT,
        date(2024, 12, 20),
        {"document_number": "45-CV/TU"},
        cast.board_specialist,
    )
    step(
        case, actions.DECISION, day, {**data, "authority": cast.province.pk}, cast.board_specialist
    )
    case.refresh_from_db()
    assert (case.stage, case.decision_on) == (Stage.DECIDED, date(2025, 1, 10))


def test_a_failed_cell_vote_is_recorded_and_a_later_one_passes(world, case):
    cast = world.cast
    walk_case_to(
        case,
        stop_before=actions.CELL_VOTE,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )

    step(
        case,
        actions.CELL_VOTE,
        date(2024, 11, 25),
        {"eligible": 4, "present": 4, "agree": 2},
        cast.cell_secretary,
    )
    case.refresh_from_db()
    assert (case.stage, case.stage_since, case.next_due_on) == (
        Stage.OPINIONS,
        date(2024, 11, 20),
        None,
    )

    step(
        case,
        actions.CELL_VOTE,
        date(2024, 12, 23),
        {"eligible": 4, "present": 4, "agree": 3},
        cast.cell_secretary,
    )
    case.refresh_from_db()
    assert (case.stage, case.stage_since) == (Stage.CELL_APPROVED, date(2024, 12, 23))
    assert list(
        Step.objects.filter(case=case, action=actions.CELL_VOTE).values_list("data", flat=True)
    ) == [
        {"eligible": 4, "present": 4, "agree": 2},
        {"eligible": 4, "present": 4, "agree": 3},
    ]


def test_deadlines_are_stored_on_the_case_in_working_days(world, case):
    walk_case_to(
        case,
        Stage.CELL_APPROVED,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    case.refresh_from_db()
    # 60 working days from the cell resolution of 25/11/2024, across Tết 2025 (27/1–31/1).
    assert (case.next_due_on, case.next_due_rule) == (date(2025, 2, 25), "DECIDE-60WD")

    walk_case_to(
        case,
        Stage.DECIDED,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    case.refresh_from_db()
    # 30 working days from receiving the decision (13/1/2025), Tết again in between.
    assert (case.next_due_on, case.next_due_rule) == (date(2025, 3, 3), "CEREMONY-30WD")

    walk_case_to(
        case,
        Stage.PROBATION,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    case.refresh_from_db()
    # The end of probation (10/02/2026) is a milestone, not a deadline: the cached next due is
    # the cell's recognition review, 30 working days later across Tết 2026 (16-20/02).
    assert (case.next_due_on, case.next_due_rule) == (date(2026, 3, 31), "RECOG-30WD")
    dues = rules.due_dates(case_facts(case), calendar=build_calendar([2025, 2026]))
    assert [(d.rule_id, d.due_on, d.deadline) for d in dues] == [
        ("PROBATION-END", date(2026, 2, 10), False),
        ("RECOG-30WD", date(2026, 3, 31), True),
    ]


def test_the_decision_must_come_from_the_committee_the_tree_names(world):
    """AUTHORITY (DOMAIN §1.2): by default the commune's standing committee decides for the
    school's cells; once the school's committee is delegated the power, it decides itself."""
    from ptdv.orgs.services import update_org
    from tests.factories import system_user

    cast = world.cast
    person = make_candidate(cast.cell_a)
    case = open_test_case(person, cast.cell_a, actor=cast.board_specialist)
    walk_case_to(
        case,
        stop_before=actions.DECISION,
        members=world.members,
        authority=world.authority,
        actor=cast.board_specialist,
    )
    day, data = steps_of(world)[actions.DECISION]
    before = snapshot()
    with pytest.raises(TransitionBlocked) as exc:
        step(
            case,
            actions.DECISION,
            day,
            {**data, "authority": cast.province.pk},
            cast.board_specialist,
        )
    blocks = [f for f in exc.value.findings if f.blocks]
    assert [f.rule_id for f in blocks] == ["AUTHORITY"]
    assert "Ban thường vụ Đảng bộ phường Đông Hà" in blocks[0].message
    assert snapshot() == before

    # Delegation effective before the decision date: now the school's committee decides.
    update_org(
        org=cast.grassroots,
        values={"admission_delegated": True, "admission_delegated_from": date(2024, 12, 1)},
        version=cast.grassroots.version,
        actor=system_user(),
    )
    with pytest.raises(TransitionBlocked) as exc:
        step(
            case,
            actions.DECISION,
            day,
            {**data, "authority": cast.commune.pk},
            cast.board_specialist,
        )
    assert "Đảng bộ Trường THPT Đông Hà" in [f for f in exc.value.findings if f.blocks][0].message
    step(
        case,
        actions.DECISION,
        day,
        {**data, "authority": cast.grassroots.pk},
        cast.board_specialist,
    )
    case.refresh_from_db()
    assert case.stage == Stage.DECIDED
