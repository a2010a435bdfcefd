"""The members API: the roll (same filter as the page), a member with events, entering an
existing member, recording and correcting events, the card; 404 out of scope, 422 with
Vietnamese field messages, 409 on a stale version."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from ptdv.access.models import AccessLog
from ptdv.access.services import create_api_token
from ptdv.members import services as registry
from ptdv.members.models import EventKind, MemberEvent, Membership, Standing
from tests.factories import TODAY, make_person
from tests.members.test_views import DECIDE_CELL_A, READ_CELL_A, RECORD_CELL_A, enter

CAST = (
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
    "outsider",
    "nobody",
)


@pytest.fixture
def member(cast) -> Membership:
    return enter(cast.person_a, cast.cell_a)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client: Client, method: str, path: str, body: dict) -> object:
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def _snapshot():
    return (
        list(Membership.objects.order_by("pk").values()),
        list(MemberEvent.objects.order_by("pk").values()),
    )


def names(response) -> list[str]:
    assert response.status_code == 200
    return [item["full_name"] for item in response.json()["items"]]


# --- list --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_list_is_scoped(cast, member, who):
    enter(cast.person_other, cast.other_cell)
    response = _client(cast.users[who]).get("/api/v1/members")
    expected = {
        "administrator": ["Lê Thị Hồng", "Phạm Minh Tuấn"],
        "board_specialist": ["Lê Thị Hồng", "Phạm Minh Tuấn"],
        "outsider": ["Phạm Minh Tuấn"],
        "nobody": [],
    }.get(who, ["Lê Thị Hồng"])
    assert names(response) == expected


def test_list_row(cast, member):
    response = _client(cast.viewer).get("/api/v1/members")
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "id": member.pk,
                "person_id": cast.person_a.pk,
                "full_name": "Lê Thị Hồng",
                "birth_date": "1995-05-17",
                "sex": "F",
                "cell_id": cast.cell_a.pk,
                "cell_label": "Chi bộ Tổ Toán – Tin — Đảng bộ Trường THPT Đông Hà",
                "status": "official",
                "status_label": "Đảng viên chính thức",
                "joined_on": "2015-06-01",
                "official_on": "2016-06-01",
                "left_on": None,
                "away_without_transfer": False,
            }
        ],
    }


def test_list_rejects_an_unknown_age_band_in_vietnamese(cast, member):
    response = _client(cast.viewer).get("/api/v1/members", {"age_band": "10-17"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["age_band"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"q": "hong"},
        {"status": "left"},
        {"status": "all"},
        {"status": "probationary"},
        {"sex": "F"},
        {"age_band": "31-35"},
        {"age_band": "61+"},
        {"ethnic_group": "01"},
        {"party_age_from": 10},
        {"party_age_to": 0},
        {"unit": "cell_b"},
        {"unit": "other_cell"},
        {"away": "1"},
    ],
    ids=str,
)
@pytest.mark.parametrize("who", ["board_specialist", "viewer", "outsider"])
def test_page_and_api_list_find_the_same_members(cast, member, who, filters):
    left = enter(make_person(cast.cell_b, family_name="Đỗ", given_name="Cường"), cast.cell_b)
    registry.record_event(
        membership=left, kind=EventKind.DIED, on=date(2024, 1, 1), actor=None, today=TODAY
    )
    young = enter(
        make_person(cast.cell_b, family_name="Hà", given_name="Dung", birth_date=date(1960, 3, 1)),
        cast.cell_b,
        joined_on=date(2026, 1, 5),
        official_on=None,
    )
    registry.set_away_flag(membership=young, away=True, version=young.version, actor=None)
    enter(cast.person_other, cast.other_cell)
    params = dict(filters)
    if "unit" in params:
        params["unit"] = getattr(cast, params["unit"]).pk
    client = _client(cast.users[who])
    page = client.get(reverse("members:list"), {**params, "away": params.get("away", "")})
    api = client.get("/api/v1/members", {**params, "page_size": 100})
    page_names = re.findall(
        r'<td><a href="/dang-vien/\d+/">([^<]+)</a></td>', page.content.decode()
    )
    assert page_names == names(api)


def test_list_query_count_does_not_grow_with_rows(cast, django_assert_num_queries):
    for index in range(12):
        enter(make_person(cast.cell_b, given_name=f"Bình{'h' * index}"), cast.cell_b)
    _token, secret = create_api_token(user=cast.board_specialist, name="kiểm thử")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    client.get("/api/v1/me")  # records the token's first use
    # token, grants, count, page.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/members", {"q": "binh", "sex": "M", "age_band": "31-35"})
    assert response.json()["count"] == 12
    # the unit filter adds one (the unit looked up in the scope).
    with django_assert_num_queries(5):
        response = client.get("/api/v1/members", {"unit": cast.grassroots.pk})
    assert response.json()["count"] == 12


# --- detail --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_detail_matrix_logs_the_read(cast, member, who):
    response = _client(cast.users[who]).get(f"/api/v1/members/{member.pk}")
    if who not in READ_CELL_A:
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy."}
        assert not AccessLog.objects.exists()
        return
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["official_on"], body["case_id"]) == (
        member.pk,
        "official",
        "2016-06-01",
        None,
    )
    assert [(e["kind"], e["on"], e["supersedes_id"]) for e in body["events"]] == [
        ("admitted", "2015-06-01", None),
        ("recognised", "2016-06-01", None),
    ]
    log = AccessLog.objects.get()
    assert (log.user, log.object_type, log.object_id, log.channel) == (
        cast.users[who],
        "membership",
        str(member.pk),
        "api",
    )


# --- record ----------------------------------------------------------------------------------


def _event(member, **extra) -> dict:
    body = {"kind": "exempt_start", "on": "2024-03-15", "document": "QĐ 12", "version": 0}
    body["version"] = Membership.objects.get(pk=member.pk).version
    body.update(extra)
    return body


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("kind", ["exempt_start", "died"])
def test_record_matrix(cast, member, who, kind):
    allowed = RECORD_CELL_A if kind == "exempt_start" else DECIDE_CELL_A
    before = _snapshot()
    response = _send(
        _client(cast.users[who]),
        "POST",
        f"/api/v1/members/{member.pk}/events",
        _event(member, kind=kind),
    )
    if who not in allowed:
        assert response.status_code == 404
        assert _snapshot() == before
        return
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["on"], body["document"], body["recorded_by"]) == (
        kind,
        "2024-03-15",
        "QĐ 12",
        str(cast.users[who]),
    )
    m = Membership.objects.get(pk=member.pk)
    assert (m.exempted, m.status) == (
        (True, Standing.OFFICIAL) if kind == "exempt_start" else (False, Standing.LEFT)
    )


def test_removal_without_ground_is_422_on_the_field(cast, member):
    before = _snapshot()
    response = _send(
        _client(cast.grassroots_officer),
        "POST",
        f"/api/v1/members/{member.pk}/events",
        _event(member, kind="removed"),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "ground": ["Phải chọn căn cứ xóa tên (một trong năm trường hợp)."]
    }
    assert _snapshot() == before


def test_stale_version_is_409(cast, member):
    body = _event(member)
    registry.set_away_flag(membership=member, away=True, version=body["version"], actor=None)
    before = _snapshot()
    response = _send(
        _client(cast.cell_secretary), "POST", f"/api/v1/members/{member.pk}/events", body
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == body["version"] + 1
    assert _snapshot() == before


# --- correct ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_correct_matrix(cast, member, who):
    event = MemberEvent.objects.get(membership=member, kind=EventKind.RECOGNISED)
    before = _snapshot()
    response = _send(
        _client(cast.users[who]),
        "POST",
        f"/api/v1/member-events/{event.pk}/correct",
        {"on": "2016-07-01", "reason": "Sai ngày", "version": member.version},
    )
    if who not in DECIDE_CELL_A:
        assert response.status_code == 404
        assert _snapshot() == before
        return
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["on"], body["supersedes_id"], body["reason"]) == (
        "recognised",
        "2016-07-01",
        event.pk,
        "Sai ngày",
    )
    assert Membership.objects.get(pk=member.pk).official_on == date(2016, 7, 1)


def test_correct_without_reason_is_422(cast, member):
    event = MemberEvent.objects.get(membership=member, kind=EventKind.RECOGNISED)
    before = _snapshot()
    response = _send(
        _client(cast.grassroots_officer),
        "POST",
        f"/api/v1/member-events/{event.pk}/correct",
        {"void": True, "reason": " ", "version": member.version},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": ["Phải ghi lý do sửa."]}
    assert _snapshot() == before


# --- card ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_card_matrix(cast, member, who):
    before = _snapshot()
    response = _send(
        _client(cast.users[who]),
        "PATCH",
        f"/api/v1/members/{member.pk}/card",
        {
            "card_number": "79000001",
            "card_issued_on": "2017-03-02",
            "dossier_number": "LL-1",
            "version": member.version,
        },
    )
    if who not in DECIDE_CELL_A:
        assert response.status_code == 404
        assert _snapshot() == before
        return
    assert response.status_code == 200
    body = response.json()
    assert (body["card_number"], body["card_issued_on"], body["dossier_number"]) == (
        "79000001",
        "2017-03-02",
        "LL-1",
    )


def test_card_number_already_used_is_422_on_the_field(cast, member):
    other = enter(cast.person_b, cast.cell_b)
    registry.update_card(
        membership=other,
        card_number="79000001",
        card_issued_on=date(2017, 1, 1),
        dossier_number="",
        version=other.version,
        actor=None,
    )
    before = _snapshot()
    response = _send(
        _client(cast.grassroots_officer),
        "PATCH",
        f"/api/v1/members/{member.pk}/card",
        {"card_number": "79000001", "card_issued_on": "2017-03-02", "version": member.version},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "card_number": ["Số thẻ đảng viên 79000001 đã được dùng cho một đảng viên khác."]
    }
    assert _snapshot() == before


# --- enter -----------------------------------------------------------------------------------


def _entry(person, cell, **extra) -> dict:
    body = {
        "person_id": person.pk,
        "cell_id": cell.pk,
        "decision_on": "2010-05-20",
        "joined_on": "2010-06-01",
        "official_on": "2011-06-01",
        "card_number": "79000777",
        "card_issued_on": "2011-09-01",
        "dossier_number": "LL-7",
    }
    body.update(extra)
    return body


@pytest.mark.parametrize("who", CAST)
def test_enter_matrix(cast, who):
    before = _snapshot()
    response = _send(
        _client(cast.users[who]), "POST", "/api/v1/members", _entry(cast.person_b, cast.cell_b)
    )
    if who not in DECIDE_CELL_A:
        assert response.status_code == 404
        assert _snapshot() == before
        return
    assert response.status_code == 201
    body = response.json()
    m = Membership.objects.get(person=cast.person_b)
    assert (body["id"], body["status"], body["card_number"], body["cell"]["id"]) == (
        m.pk,
        "official",
        "79000777",
        cast.cell_b.pk,
    )
    assert [e["kind"] for e in body["events"]] == ["admitted", "recognised"]


def test_enter_a_current_member_is_422_on_person_id(cast, member):
    before = _snapshot()
    response = _send(
        _client(cast.grassroots_officer),
        "POST",
        "/api/v1/members",
        _entry(cast.person_a, cast.cell_a),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "person_id": ["Người này đang là đảng viên; không thể có hai lần vào Đảng cùng lúc."]
    }
    assert _snapshot() == before


def test_enter_in_a_unit_that_is_not_a_cell_is_422_on_cell_id(cast):
    before = _snapshot()
    response = _send(
        _client(cast.grassroots_officer),
        "POST",
        "/api/v1/members",
        _entry(cast.person_b, cast.grassroots),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "cell_id": [
            "“Đảng bộ Trường THPT Đông Hà” không phải chi bộ; đảng viên sinh hoạt ở chi bộ."
        ]
    }
    assert _snapshot() == before


def test_a_refused_card_rolls_the_whole_entry_back(cast):
    before = _snapshot()
    response = _send(
        _client(cast.grassroots_officer),
        "POST",
        "/api/v1/members",
        _entry(cast.person_b, cast.cell_b, official_on=None),
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["card_number"]
    assert _snapshot() == before


@pytest.mark.parametrize("who", CAST)
def test_flags_are_set_by_the_cell_and_hidden_from_others(cast, member, who):
    before = _snapshot()
    body = {"away_without_transfer": True, "seriously_ill": True, "version": member.version}
    response = _send(_client(cast.users[who]), "PATCH", f"/api/v1/members/{member.pk}/flags", body)
    if who not in RECORD_CELL_A:
        assert response.status_code == 404
        assert _snapshot() == before
        return
    assert response.status_code == 200
    data = response.json()
    assert (data["away_without_transfer"], data["seriously_ill"]) == (True, True)
    assert data["version"] == member.version + 2  # one change per flag, each in the history
    # Unmark one; omitting the other leaves it.
    again = _send(_client(cast.users[who]), "PATCH", f"/api/v1/members/{member.pk}/flags",
                  {"seriously_ill": False, "version": data["version"]})  # fmt: skip
    assert (again.json()["away_without_transfer"], again.json()["seriously_ill"]) == (True, False)


def test_a_left_member_cannot_be_flagged(cast, member):
    registry.record_event(membership=member, kind=EventKind.DIED, on=date(2026, 11, 1),
                          actor=None, today=TODAY)  # fmt: skip
    member.refresh_from_db()
    response = _send(_client(cast.cell_secretary), "PATCH", f"/api/v1/members/{member.pk}/flags",
                     {"seriously_ill": True, "version": member.version})  # fmt: skip
    assert response.status_code == 422
    assert "đã ra khỏi Đảng" in json.dumps(response.json(), ensure_ascii=False)
