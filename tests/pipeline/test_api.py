"""The pipeline API: scoped cases, steps through the rules (422), versions (409), board, due."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ptdv.people.models import Person
from ptdv.pipeline import actions
from ptdv.pipeline.models import Case, Certificate, Mentor, Stage, Step
from tests.pipeline.factories import (
    make_candidate,
    open_test_case,
    path_steps,
    registry_row,
    walk_case_to,
)
from tests.properties import examples

CAST = (
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
    "outsider",
    "nobody",
)
SEES_CELL_A = {
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
}
RECORDS_CELL_A = SEES_CELL_A - {"viewer"}
NOT_FOUND = {"detail": "Không tìm thấy."}


def post(client: Client, url: str, body: dict[str, Any]):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def snapshot() -> tuple[Any, ...]:
    return (
        list(Case.objects.order_by("pk").values()),
        list(Step.objects.order_by("pk").values()),
        list(Mentor.objects.order_by("pk").values()),
        list(Certificate.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
    )


@pytest.fixture
def case(world) -> Case:
    return open_test_case(world.candidate, world.cast.cell_a, actor=world.cast.board_specialist)


def course_body(version: int) -> dict[str, Any]:
    return {
        "action": actions.COURSE,
        "occurred_on": "2024-09-20",
        "version": version,
        "data": {
            "certificate_number": "NT-77",
            "issued_on": "20/09/2024",
            "issuer": "Trung tâm Chính trị thành phố Đông Hà",
        },
    }


# --- list and detail -------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_list_shows_exactly_the_users_scope(world, case, client_for, who):
    other = open_test_case(
        world.cast.person_other, world.cast.other_cell, actor=world.cast.board_specialist
    )
    expected = {
        "administrator": [case.pk, other.pk],
        "board_specialist": [case.pk, other.pk],
        "outsider": [other.pk],
        "nobody": [],
    }.get(who, [case.pk])

    response = client_for(world.cast.users[who]).get("/api/v1/cases")

    assert response.status_code == 200
    assert sorted(item["id"] for item in response.json()["items"]) == sorted(expected)


def test_list_anonymous_is_401(world, case):
    assert Client().get("/api/v1/cases").status_code == 401
    assert Client().get(f"/api/v1/cases/{case.pk}").status_code == 401
    assert Client().get("/api/v1/board").status_code == 401
    assert Client().get("/api/v1/due").status_code == 401
    before = snapshot()
    assert post(Client(), f"/api/v1/cases/{case.pk}/steps", course_body(1)).status_code == 401
    assert snapshot() == before


def test_list_item_and_filters(world, case, bearer, django_assert_num_queries):
    client = Client(headers=bearer(world.cast.grassroots_officer))
    client.get("/api/v1/cases")  # the token's first use is recorded here

    with django_assert_num_queries(4):  # token, grants, count, page
        response = client.get("/api/v1/cases?stage=source&source=youth_union&q=lan")

    assert response.json() == {
        "count": 1,
        "items": [
            {
                "id": case.pk,
                "version": 1,
                "person_id": world.candidate.pk,
                "person_name": "Võ Thị Lan",
                "cell_id": world.cast.cell_a.pk,
                "cell_name": "Chi bộ Tổ Toán – Tin",
                "cell_label": "Chi bộ Tổ Toán – Tin — Đảng bộ Trường THPT Đông Hà",
                "source": "youth_union",
                "is_readmission": False,
                "opened_on": "2024-09-09",
                "stage": "source",
                "stage_label": "Tạo nguồn",
                "stage_since": "2024-09-09",
                "outcome": "",
                "closed_on": None,
                "next_due_on": None,
                "next_due_rule": "",
            }
        ],
    }
    assert client.get("/api/v1/cases?overdue=true").json()["count"] == 0
    assert client.get(f"/api/v1/cases?org={world.cast.cell_b.pk}").json()["count"] == 0
    # A unit outside the user's scope is not found, like any other object.
    assert client.get(f"/api/v1/cases?org={world.cast.other_cell.pk}").status_code == 404


@pytest.mark.parametrize("who", CAST)
def test_detail_in_scope_or_404(world, case, client_for, who):
    response = client_for(world.cast.users[who]).get(f"/api/v1/cases/{case.pk}")

    if who in SEES_CELL_A:
        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["stage"], body["version"]) == (case.pk, "source", 1)
        assert [(s["seq"], s["action"]) for s in body["steps"]] == [(1, actions.OPEN)]
        # A viewer may record nothing, so no next action is offered.
        expected = [] if who == "viewer" else [actions.COURSE]
        assert [a["action"] for a in body["next_actions"]][:1] == expected
    else:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


# --- opening a case --------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_open_a_case(world, client_for, who):
    body = {
        "person_id": world.candidate.pk,
        "cell_id": world.cast.cell_a.pk,
        "source": "trade_union",
        "opened_on": "2026-11-02",
    }
    before = snapshot()

    response = post(client_for(world.cast.users[who]), "/api/v1/cases", body)

    if who in RECORDS_CELL_A:
        assert response.status_code == 201
        created = Case.objects.get()
        assert response.json()["id"] == created.pk
        assert (created.person_id, created.stage, created.source, created.opened_on) == (
            world.candidate.pk,
            "source",
            "trade_union",
            date(2026, 11, 2),
        )
    else:
        assert response.status_code == 404
        assert snapshot() == before


def test_open_a_second_case_is_422(world, case, client_for):
    body = {
        "person_id": world.candidate.pk,
        "cell_id": world.cast.cell_a.pk,
        "source": "trade_union",
        "opened_on": "2026-11-02",
    }

    response = post(client_for(world.cast.cell_secretary), "/api/v1/cases", body)

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "person": ["Võ Thị Lan đang có một hồ sơ phát triển đảng viên chưa kết thúc."]
    }


# --- recording steps -------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_record_a_step_in_scope_or_404(world, case, client_for, who):
    before = snapshot()

    response = post(
        client_for(world.cast.users[who]), f"/api/v1/cases/{case.pk}/steps", course_body(1)
    )

    if who in RECORDS_CELL_A:
        assert response.status_code == 201
        body = response.json()
        assert (body["stage"], body["version"], body["stage_since"]) == ("trained", 2, "2024-09-20")
        assert body["steps"][-1]["data"] == {
            "certificate_number": "NT-77",
            "issued_on": "2024-09-20",
            "issuer": "Trung tâm Chính trị thành phố Đông Hà",
        }
        assert body["steps"][-1]["documents"] == ["CN-NTVĐ"]
    else:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert snapshot() == before


def test_a_step_the_user_may_not_record_is_404(world, case, client_for):
    walk_case_to(
        case,
        stop_before=actions.DECISION,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    day, data = next(
        (d, x)
        for _s, a, d, x in path_steps(world.members, authority=world.authority, eligible=4)
        if a == actions.DECISION
    )
    body = {"action": actions.DECISION, "occurred_on": day, "data": data, "version": case.version}
    before = snapshot()

    for who in ("cell_secretary", "grassroots_officer"):
        response = post(client_for(world.cast.users[who]), f"/api/v1/cases/{case.pk}/steps", body)
        assert response.status_code == 404
    assert snapshot() == before
    assert (
        post(
            client_for(world.cast.board_specialist), f"/api/v1/cases/{case.pk}/steps", body
        ).status_code
        == 201
    )


def test_a_step_out_of_order_is_422_with_findings(world, case, client_for):
    body = {
        "action": actions.CELL_VOTE,
        "occurred_on": "2024-11-25",
        "version": 1,
        "data": {"eligible": 4, "present": 4, "agree": 4},
    }
    before = snapshot()

    response = post(client_for(world.cast.cell_secretary), f"/api/v1/cases/{case.pk}/steps", body)

    assert response.status_code == 422
    payload = response.json()
    assert set(payload) == {"detail", "findings"}
    assert payload["detail"].startswith("Không thể ghi nhận bước này: ")
    first = payload["findings"][0]
    assert set(first) == {"rule_id", "severity", "message", "reference"}
    assert first["severity"] == "block"
    assert first["reference"]
    assert snapshot() == before


def test_invalid_step_data_is_422_with_field_errors(world, case, client_for):
    body = course_body(1)
    body["data"]["issued_on"] = "hôm qua"

    response = post(client_for(world.cast.cell_secretary), f"/api/v1/cases/{case.pk}/steps", body)

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "issued_on": ["Ngày cấp: ngày không hợp lệ (viết dd/mm/yyyy, ví dụ 17/05/2025)."]
    }


def test_a_stale_version_is_409(world, case, client_for):
    client = client_for(world.cast.cell_secretary)
    assert post(client, f"/api/v1/cases/{case.pk}/steps", course_body(1)).status_code == 201
    before = snapshot()

    exit_body = {
        "action": actions.EXIT,
        "occurred_on": "2024-10-01",
        "version": 1,
        "data": {"outcome": "withdrawn", "reason": "Rút đơn"},
    }
    response = post(client, f"/api/v1/cases/{case.pk}/steps", exit_body)

    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert snapshot() == before


def test_preview_answers_findings_and_writes_nothing(world, case, client_for):
    client = client_for(world.cast.cell_secretary)
    before = snapshot()

    blocked = post(
        client,
        f"/api/v1/cases/{case.pk}/steps/preview",
        {
            "action": actions.CELL_VOTE,
            "occurred_on": "2024-11-25",
            "data": {"eligible": 4, "present": 4, "agree": 4},
        },
    )
    fine = post(client, f"/api/v1/cases/{case.pk}/steps/preview", course_body(1))

    assert blocked.status_code == 200
    assert blocked.json()["blocked"] is True
    assert blocked.json()["findings"][0]["severity"] == "block"
    assert fine.status_code == 200
    assert fine.json()["blocked"] is False
    assert snapshot() == before
    outsider = post(
        client_for(world.cast.outsider), f"/api/v1/cases/{case.pk}/steps/preview", course_body(1)
    )
    assert outsider.status_code == 404


def test_whole_path_through_the_api_ends_official_with_three_dates(world, case, client_for):
    client = client_for(world.cast.board_specialist)
    version = case.version

    for _stage, action, day, data in path_steps(
        world.members, authority=world.authority, eligible=4
    ):
        response = post(
            client,
            f"/api/v1/cases/{case.pk}/steps",
            {"action": action, "occurred_on": day, "data": data, "version": version},
        )
        assert response.status_code == 201, (action, response.json())
        version = response.json()["version"]

    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert (body["stage"], body["outcome"], body["closed_on"], body["next_due_on"]) == (
        "official",
        "official",
        "2026-04-10",
        None,
    )
    assert (
        body["decision_on"],
        body["ceremony_on"],
        body["official_on"],
        body["recognition_decision_on"],
    ) == (
        "2025-01-10",
        "2025-02-10",
        "2026-02-10",
        "2026-04-10",
    )
    assert body["next_actions"] == []
    assert body["due"] == []
    assert len(body["steps"]) == 20
    person = Person.objects.get(pk=world.candidate.pk)
    assert registry_row(person)[::3] == ("official", date(2026, 2, 10))


# --- board and due list ----------------------------------------------------------------


def test_board_counts_per_stage(world, case, client_for):
    second = open_test_case(
        make_candidate(world.cast.cell_b), world.cast.cell_b, actor=world.cast.board_specialist
    )
    walk_case_to(
        case,
        Stage.CELL_APPROVED,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    assert second.stage == "source"

    body = client_for(world.cast.viewer).get("/api/v1/board").json()

    assert body["total"] == 2
    assert [c["stage"] for c in body["columns"]][:3] == ["source", "trained", "candidate"]
    assert {c["stage"]: c["count"] for c in body["columns"] if c["count"]} == {
        "source": 1,
        "cell_approved": 1,
    }
    assert (
        client_for(world.cast.viewer)
        .get(f"/api/v1/board?org={world.cast.cell_b.pk}")
        .json()["total"]
        == 1
    )
    assert client_for(world.cast.outsider).get("/api/v1/board").json()["total"] == 0
    assert (
        client_for(world.cast.outsider).get(f"/api/v1/board?org={world.cast.cell_b.pk}").status_code
        == 404
    )


def test_due_list_overdue_first(world, case, client_for):
    walk_case_to(
        case,
        Stage.CELL_APPROVED,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    open_test_case(
        make_candidate(world.cast.cell_b), world.cast.cell_b, actor=world.cast.board_specialist
    )

    body = client_for(world.cast.viewer).get("/api/v1/due?within_days=10").json()

    assert [(i["id"], i["next_due_on"], i["next_due_rule"]) for i in body["items"]] == [
        (case.pk, "2025-02-25", "DECIDE-60WD")
    ]
    assert client_for(world.cast.outsider).get("/api/v1/due").json()["count"] == 0
    assert client_for(world.cast.viewer).get("/api/v1/due?within_days=-1").status_code == 422


def test_due_list_query_count_is_pinned(world, case, bearer, django_assert_num_queries):
    walk_case_to(
        case,
        Stage.CELL_APPROVED,
        members=world.members,
        authority=world.authority,
        actor=world.cast.board_specialist,
    )
    for _n in range(3):
        other = open_test_case(
            make_candidate(world.cast.cell_b), world.cast.cell_b, actor=world.cast.board_specialist
        )
        assert other.next_due_on is None
    client = Client(headers=bearer(world.cast.viewer))
    client.get("/api/v1/due")  # the token's first use is recorded here

    with django_assert_num_queries(4):  # token, grants, count, page
        response = client.get("/api/v1/due")

    assert response.json()["count"] == 1


# --- property: no path to "official" skips a mandatory step ----------------------------

# Every step on the path of a cell under a grassroots committee is mandatory for recognition.
MANDATORY = frozenset(
    {
        actions.COURSE,
        actions.CANDIDATE_LISTED,
        actions.APPLICATION,
        actions.HISTORY,
        actions.VERIFY_REQUESTED,
        actions.VERIFIED,
        actions.INTRODUCED,
        actions.OPINIONS,
        actions.CELL_VOTE,
        actions.COMMITTEE_VOTE,
        actions.DECISION,
        actions.CEREMONY,
        actions.NEW_MEMBER_COURSE,
        actions.SELF_REVIEW,
        actions.MENTOR_ASSESSMENT,
        actions.PROBATION_OPINIONS,
        actions.RECOGNITION_CELL_VOTE,
        actions.RECOGNITION_COMMITTEE_VOTE,
        actions.RECOGNITION_DECISION,
    }
)
PATH_LENGTH = 19


@st.composite
def step_sequences(draw: st.DrawFn) -> list[tuple[int, bool]]:
    """Return (index into the path, failing vote?) pairs: the path with a few steps skipped,
    neighbours swapped, steps repeated and failing votes mixed in. Empty lists are drawn
    often, so many sequences are the whole path and do reach "official"."""
    skipped = draw(st.lists(st.integers(0, PATH_LENGTH - 1), max_size=3, unique=True))
    order = [i for i in range(PATH_LENGTH) if i not in skipped]
    for i in draw(st.lists(st.integers(0, len(order) - 2), max_size=2)):
        order[i], order[i + 1] = order[i + 1], order[i]
    for index in draw(st.lists(st.integers(0, PATH_LENGTH - 1), max_size=3)):
        order.insert(draw(st.integers(0, len(order))), index)
    failing = set(draw(st.lists(st.integers(0, len(order) - 1), max_size=2)))
    return [(index, n in failing) for n, index in enumerate(order)]


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=step_sequences())
def test_no_sequence_of_api_calls_reaches_official_skipping_a_mandatory_step(
    world, client_for, sequence
):
    cast = world.cast
    person = make_candidate(cast.cell_a)
    case = open_test_case(person, cast.cell_a, actor=cast.board_specialist)
    path = path_steps(world.members, authority=world.authority, eligible=4)
    assert len(path) == PATH_LENGTH
    client = client_for(cast.administrator)
    version = case.version

    for index, failing in sequence:
        _stage, action, day, data = path[index]
        data = dict(data)
        if failing and "agree" in data:
            data["agree"] = 0
        response = post(
            client,
            f"/api/v1/cases/{case.pk}/steps",
            {"action": action, "occurred_on": day, "data": data, "version": version},
        )
        assert response.status_code in (201, 422), response.json()
        if response.status_code == 201:
            version = response.json()["version"]

    case.refresh_from_db()
    recorded = list(Step.objects.filter(case=case).order_by("seq").values_list("action", "data"))
    event("official" if case.stage == Stage.OFFICIAL else "not official")
    if case.stage == Stage.OFFICIAL:
        assert MANDATORY <= {a for a, _d in recorded}
        # The votes that count passed.
        for vote in (
            actions.CELL_VOTE,
            actions.COMMITTEE_VOTE,
            actions.RECOGNITION_CELL_VOTE,
            actions.RECOGNITION_COMMITTEE_VOTE,
        ):
            assert any(a == vote and d["agree"] > 0 for a, d in recorded)
        assert case.official_on == date(2026, 2, 10)
    else:
        assert registry_row(person)[0] != "official"
