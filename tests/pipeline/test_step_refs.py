"""Ids in step data are looked up where the actor may reach, and absent ids answer alike.

Mentors and introducers must be people of the case's cell; a receiving cell one the user may
record cases in; a course one of the user's scope or organised above the cell. Anything else
gets the message an absent id gets (services, API and pages; preview and record), and no
fact about a person outside the user's scope reaches the rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from ptdv.pipeline import actions
from ptdv.pipeline.models import Case, Certificate, Mentor, Step, TrainingBatch
from ptdv.pipeline.services import StepInvalid, member_facts, preview_step, record_step
from tests.factories import TODAY
from tests.pipeline.factories import make_member, open_test_case, walk_case_to

ABSENT = 987_654
MENTOR = "Đảng viên chính thức được phân công giúp đỡ"
INTRODUCERS = "Đảng viên chính thức giới thiệu"


@dataclass
class Outside:
    member_b: Any  # official member of cell_b (same grassroots, another cell)
    member_other: Any  # official member of other_cell (outside every cell_a user's scope)
    batch_other: TrainingBatch  # organised by the other grassroots organisation
    batch_up: TrainingBatch  # organised by the commune, above cell_a
    batch_new_member: TrainingBatch  # above cell_a, but a course for new members


def _batch(organiser: Any, name: str, kind: str = TrainingBatch.Kind.AWARENESS) -> TrainingBatch:
    return TrainingBatch.objects.create(
        kind=kind,
        name=name,
        organiser=organiser,
        issuer="Trung tâm Chính trị",
        starts_on=date(2024, 9, 16),
        ends_on=date(2024, 9, 20),
    )


@pytest.fixture
def outside(world) -> Outside:
    cast = world.cast
    return Outside(
        member_b=make_member(cast.cell_b),
        member_other=make_member(cast.other_cell),
        batch_other=_batch(cast.other_grassroots, "Lớp Công ty Cấp nước"),
        batch_up=_batch(cast.commune, "Lớp phường Đông Hà"),
        batch_new_member=_batch(cast.commune, "Lớp đảng viên mới", TrainingBatch.Kind.NEW_MEMBER),
    )


@pytest.fixture
def case(world) -> Case:
    return open_test_case(world.candidate, world.cast.cell_a, actor=world.cast.board_specialist)


def _walk(world, case: Case, stop_before: str) -> None:
    walk_case_to(
        case,
        stop_before=stop_before,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Case.objects.order_by("pk").values()),
        list(Step.objects.order_by("pk").values()),
        list(Mentor.objects.order_by("pk").values()),
        list(Certificate.objects.order_by("pk").values()),
    )


def _attempt(mode: str, case: Case, action: str, day: date, data: dict[str, Any], actor) -> Any:
    if mode == "preview":
        return preview_step(
            case=case, action=action, occurred_on=day, data=data, actor=actor, today=TODAY
        )
    return record_step(
        case=case,
        action=action,
        occurred_on=day,
        data=data,
        version=case.version,
        actor=actor,
        today=TODAY,
    )


def _person(world, outside: Outside, name: str) -> int:
    return {
        "person_b": world.cast.person_b.pk,  # a non-member of cell_b
        "member_b": outside.member_b.pk,
        "member_other": outside.member_other.pk,
        "absent": ABSENT,
    }[name]


# --- services ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["preview", "record"])
@pytest.mark.parametrize("who", ["cell_secretary", "board_specialist"])
@pytest.mark.parametrize("target", ["person_b", "member_b", "member_other", "absent"])
def test_a_mentor_outside_the_cell_is_not_found_like_an_absent_id(
    world, outside, case, mode, who, target
):
    _walk(world, case, actions.CANDIDATE_LISTED)
    pk = _person(world, outside, target)
    before = _snapshot()

    with pytest.raises(StepInvalid) as exc:
        _attempt(
            mode,
            case,
            actions.CANDIDATE_LISTED,
            date(2024, 10, 7),
            {"mentor": pk},
            world.cast.users[who],
        )

    # Even the board specialist, who may see them, may not name a member of another cell.
    assert exc.value.field_errors == {
        "mentor": [f"{MENTOR}: không tìm thấy người có mã {pk} trong chi bộ quản lý hồ sơ."]
    }
    assert _snapshot() == before


def test_an_official_member_of_the_cell_is_the_mentor(world, case):
    _walk(world, case, actions.CANDIDATE_LISTED)
    secretary = world.cast.cell_secretary
    data = {"mentor": world.members.mentor.pk}

    findings = _attempt(
        "preview", case, actions.CANDIDATE_LISTED, date(2024, 10, 7), data, secretary
    )
    _attempt("record", case, actions.CANDIDATE_LISTED, date(2024, 10, 7), data, secretary)

    assert [f for f in findings if f.blocks] == []
    assert Mentor.objects.get(case=case).member_id == world.members.mentor.pk


@pytest.mark.parametrize("mode", ["preview", "record"])
@pytest.mark.parametrize("target", ["person_b", "member_b", "member_other", "absent"])
def test_an_introducer_outside_the_cell_is_not_found_like_an_absent_id(
    world, outside, case, mode, target
):
    _walk(world, case, actions.INTRODUCED)
    pk = _person(world, outside, target)
    data = {
        "mode": "two_members",
        "introducers": [world.members.introducer_1.pk, pk],
        "worked_together_months": 24,
    }
    before = _snapshot()

    with pytest.raises(StepInvalid) as exc:
        _attempt(
            mode, case, actions.INTRODUCED, date(2024, 11, 18), data, world.cast.cell_secretary
        )

    assert exc.value.field_errors == {
        "introducers": [
            f"{INTRODUCERS}: không tìm thấy người có mã {pk} trong chi bộ quản lý hồ sơ."
        ]
    }
    assert _snapshot() == before


@pytest.mark.parametrize("mode", ["preview", "record"])
@pytest.mark.parametrize("target", ["other_cell", "other_grassroots", "absent"])
def test_a_receiving_cell_outside_the_recording_scope_is_not_found(world, case, mode, target):
    pk = ABSENT if target == "absent" else getattr(world.cast, target).pk
    before = _snapshot()

    with pytest.raises(StepInvalid) as exc:
        _attempt(
            mode,
            case,
            actions.TRANSFERRED,
            date(2024, 9, 10),
            {"to_cell": pk, "reason": "Chuyển công tác"},
            world.cast.grassroots_officer,
        )

    assert exc.value.field_errors == {
        "to_cell": [f"Chi bộ nhận: không tìm thấy chi bộ có mã {pk}."]
    }
    assert _snapshot() == before


@pytest.mark.parametrize("mode", ["preview", "record"])
def test_a_receiving_unit_in_scope_that_is_no_cell_is_named_so(world, case, mode):
    with pytest.raises(StepInvalid) as exc:
        _attempt(
            mode,
            case,
            actions.TRANSFERRED,
            date(2024, 9, 10),
            {"to_cell": world.cast.grassroots.pk, "reason": "Chuyển công tác"},
            world.cast.grassroots_officer,
        )

    assert exc.value.field_errors == {"to_cell": ["Chi bộ nhận phải là một chi bộ đang hoạt động."]}


def test_a_receiving_cell_in_scope_is_previewed_without_error(world, case):
    findings = _attempt(
        "preview",
        case,
        actions.TRANSFERRED,
        date(2024, 9, 10),
        {"to_cell": world.cast.cell_b.pk, "reason": "Chuyển công tác"},
        world.cast.grassroots_officer,
    )

    assert [f for f in findings if f.blocks] == []


def _course(batch: int) -> dict[str, Any]:
    return {
        "certificate_number": "NT-501",
        "issued_on": "2024-09-20",
        "issuer": "Trung tâm Chính trị",
        "batch": batch,
    }


@pytest.mark.parametrize("mode", ["preview", "record"])
@pytest.mark.parametrize("target", ["batch_other", "absent"])
def test_a_course_outside_scope_is_not_found_like_an_absent_one(world, outside, case, mode, target):
    pk = ABSENT if target == "absent" else getattr(outside, target).pk
    before = _snapshot()

    with pytest.raises(StepInvalid) as exc:
        _attempt(
            mode, case, actions.COURSE, date(2024, 9, 20), _course(pk), world.cast.cell_secretary
        )

    assert exc.value.field_errors == {"batch": [f"Lớp: không tìm thấy lớp có mã {pk}."]}
    assert _snapshot() == before


def test_a_course_organised_above_the_cell_is_recorded(world, outside, case):
    secretary = world.cast.cell_secretary
    data = _course(outside.batch_up.pk)

    findings = _attempt("preview", case, actions.COURSE, date(2024, 9, 20), data, secretary)
    _attempt("record", case, actions.COURSE, date(2024, 9, 20), data, secretary)

    assert [f for f in findings if f.blocks] == []
    assert Certificate.objects.get(person=world.candidate).batch_id == outside.batch_up.pk


@pytest.mark.parametrize("mode", ["preview", "record"])
def test_a_course_of_the_wrong_kind_is_refused_on_preview_too(world, outside, case, mode):
    with pytest.raises(StepInvalid) as exc:
        _attempt(
            mode,
            case,
            actions.COURSE,
            date(2024, 9, 20),
            _course(outside.batch_new_member.pk),
            world.cast.cell_secretary,
        )

    assert exc.value.field_errors == {
        "batch": ["Lớp “Lớp đảng viên mới” không phải lớp bồi dưỡng nhận thức về đảng."]
    }


def test_member_facts_leave_out_people_outside_the_users_scope(world, outside, case):
    ids = [outside.member_b.pk, outside.member_other.pk]

    secretary = member_facts(case, {}, extra_ids=ids, user=world.cast.cell_secretary)
    officer = member_facts(case, {}, extra_ids=ids, user=world.cast.grassroots_officer)
    board = member_facts(case, {}, extra_ids=ids, user=world.cast.board_specialist)

    cell_members = {
        world.members.mentor.pk,
        world.members.introducer_1.pk,
        world.members.introducer_2.pk,
        world.members.probation_mentor.pk,
    }
    assert set(secretary) == cell_members
    assert set(officer) == cell_members | {outside.member_b.pk}
    assert set(board) == cell_members | {outside.member_b.pk, outside.member_other.pk}


# --- API and pages -----------------------------------------------------------------------

# field -> (who records it, action, date, data with the id under test)
_FIELDS = {
    "mentor": (
        "cell_secretary",
        actions.CANDIDATE_LISTED,
        "2024-10-07",
        lambda w, pk: {"mentor": pk},
    ),
    "introducers": (
        "cell_secretary",
        actions.INTRODUCED,
        "2024-11-18",
        lambda w, pk: {
            "mode": "two_members",
            "introducers": [w.members.introducer_1.pk, pk],
            "worked_together_months": 24,
        },
    ),
    "to_cell": (
        "grassroots_officer",
        actions.TRANSFERRED,
        "2024-09-10",
        lambda w, pk: {"to_cell": pk, "reason": "Chuyển công tác"},
    ),
    "batch": ("cell_secretary", actions.COURSE, "2024-09-20", lambda w, pk: _course(pk)),
}


def _outside_id(world, outside: Outside, field: str) -> int:
    if field == "to_cell":
        return int(world.cast.other_cell.pk)
    if field == "batch":
        return outside.batch_other.pk
    return int(outside.member_other.pk)


def _same_answer(real: Any, absent: Any, pk: int) -> bool:
    """Return whether two answers are equal once the absent id is read as the real one."""

    def clean(content: bytes) -> str:
        text = content.decode()
        text = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", text)
        text = re.sub(r"(x-csrftoken&quot;: &quot;|x-csrftoken\": \")[^&\"]*", r"\1", text)
        return re.sub(r'(nonce=")[^"]*', r"\1", text)

    return clean(real.content) == re.sub(rf"(?<!\d){ABSENT}(?!\d)", str(pk), clean(absent.content))


@pytest.mark.parametrize("endpoint", ["steps", "steps/preview"])
@pytest.mark.parametrize("field", sorted(_FIELDS))
def test_api_answers_an_out_of_scope_id_as_an_absent_one(
    world, outside, case, client_for, field, endpoint
):
    who, action, day, make = _FIELDS[field]
    _walk(world, case, action)
    client = client_for(world.cast.users[who])
    pk = _outside_id(world, outside, field)

    def send(ref: int) -> Any:
        body = {
            "action": action,
            "occurred_on": day,
            "data": make(world, ref),
            "version": case.version,
        }
        return client.post(
            f"/api/v1/cases/{case.pk}/{endpoint}", json.dumps(body), content_type="application/json"
        )

    before = _snapshot()
    real, absent = send(pk), send(ABSENT)

    assert real.status_code == absent.status_code == 422
    assert list(real.json()["errors"]) == [field]
    assert f"mã {pk}" in real.json()["errors"][field][0]
    assert _same_answer(real, absent, pk)
    assert _snapshot() == before


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "record"])
@pytest.mark.parametrize("field", sorted(_FIELDS))
def test_page_answers_an_out_of_scope_id_as_an_absent_one(
    client, world, outside, case, field, preview
):
    who, action, day, make = _FIELDS[field]
    _walk(world, case, action)
    client.force_login(world.cast.users[who])
    pk = _outside_id(world, outside, field)
    url = reverse("pipeline:case-step", args=[case.pk]) + f"?action={action}"

    def send(ref: int) -> Any:
        form = {"occurred_on": day, "version": case.version, "note": "", **make(world, ref)}
        if preview:
            form["preview"] = "1"
        return client.post(url, form)

    before = _snapshot()
    real, absent = send(pk), send(ABSENT)

    assert real.status_code == absent.status_code == 200
    assert "lựa chọn không có trong danh sách" in real.content.decode()
    assert _same_answer(real, absent, pk)
    assert _snapshot() == before
