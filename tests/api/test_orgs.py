"""The orgs API: scope per user, filters, pagination, writes through the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from ptdv.access.models import Role
from ptdv.orgs.models import Org, OrgKind
from ptdv.orgs.services import dissolve_org
from tests.api.conftest import CAST
from tests.factories import TODAY, make_org, make_user, system_user

NOT_FOUND = {"detail": "Không tìm thấy."}
ALL = ["TU", "PDH", "THPTDH", "THPTDH-TT", "THPTDH-VS", "CTCN", "CTCN-PX1"]
VISIBLE = {
    "administrator": ALL,
    "board_specialist": ALL,
    "grassroots_officer": ["THPTDH", "THPTDH-TT", "THPTDH-VS"],
    "cell_secretary": ["THPTDH-TT"],
    "viewer": ["THPTDH", "THPTDH-TT", "THPTDH-VS"],
    "outsider": ["CTCN", "CTCN-PX1"],
    "nobody": [],
}
SEES_CELL_A = {
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
}
CREATES_UNDER_GRASSROOTS = {"administrator", "board_specialist", "grassroots_officer"}
MOVES = {"administrator", "board_specialist"}


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def org_state(org: Org) -> tuple:
    fresh = Org.objects.get(pk=org.pk)
    return (fresh.name, fresh.path, fresh.version, fresh.valid_to, fresh.numchild)


# --- list ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_list_shows_exactly_the_users_scope_in_tree_order(cast, client_for, who):
    response = client_for(cast.users[who]).get("/api/v1/orgs")

    assert response.status_code == 200
    assert codes(response) == VISIBLE[who]
    assert response.json()["count"] == len(VISIBLE[who])


def test_list_needs_authentication(cast):
    assert Client().get("/api/v1/orgs").status_code == 401


def test_list_item_shape(cast, client_for):
    response = client_for(cast.cell_secretary).get("/api/v1/orgs")

    assert response.json()["items"] == [
        {
            "id": cast.cell_a.pk,
            "parent_id": cast.grassroots.pk,
            "name": "Chi bộ Tổ Toán – Tin",
            "label": "Chi bộ Tổ Toán – Tin — Đảng bộ Trường THPT Đông Hà",
            "short_name": "",
            "code": "THPTDH-TT",
            "kind": "cell",
            "kind_label": "Chi bộ trực thuộc",
            "field": "other",
            "field_label": "Khác",
            "depth": 4,
            "children_count": 0,
            "valid_from": "2020-01-01",
            "valid_to": None,
            "version": 1,
        }
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("parent={grassroots}", ["THPTDH-TT", "THPTDH-VS"]),
        ("parent={commune}", ["THPTDH", "CTCN"]),
        ("parent={province}", ["PDH"]),
        ("under={grassroots}", ["THPTDH", "THPTDH-TT", "THPTDH-VS"]),
        ("under={other_grassroots}", ["CTCN", "CTCN-PX1"]),
        ("kind=cell", ["THPTDH-TT", "THPTDH-VS", "CTCN-PX1"]),
        ("kind=grassroots_committee", ["THPTDH", "CTCN"]),
        ("field=school", ["THPTDH"]),
        ("q=chi bộ", ["THPTDH-TT", "THPTDH-VS", "CTCN-PX1"]),
        ("q=CHI BỘ", ["THPTDH-TT", "THPTDH-VS", "CTCN-PX1"]),
        ("q=thptdh-", ["THPTDH-TT", "THPTDH-VS"]),
        ("q=Cấp nước", ["CTCN"]),
        ("q=đảng bộ", ["PDH", "THPTDH", "CTCN"]),
        ("q=ĐẢNG BỘ PHƯỜNG", ["PDH"]),
        ("q=toán tin", ["THPTDH-TT"]),
        ("q=dang", ["PDH", "THPTDH", "CTCN"]),  # accents are ignored, as on the tree page
        ("kind=cell&under={grassroots}", ["THPTDH-TT", "THPTDH-VS"]),
        ("parent=999999", []),
        ("under=999999", []),
    ],
)
def test_list_filters(cast, client_for, query, expected):
    ids = {
        k: getattr(cast, k).pk for k in ("province", "commune", "grassroots", "other_grassroots")
    }

    response = client_for(cast.board_specialist).get("/api/v1/orgs?" + query.format(**ids))

    assert response.status_code == 200
    assert codes(response) == expected
    assert response.json()["count"] == len(expected)


def test_list_filter_active(cast, client_for):
    closed = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục", code="THPTDH-TD")
    dissolve_org(org=closed, on_date=date(2025, 1, 1), version=1, actor=system_user(), today=TODAY)
    client = client_for(cast.grassroots_officer)

    active = client.get("/api/v1/orgs?active=true")
    inactive = client.get("/api/v1/orgs?active=false")

    assert codes(active) == ["THPTDH", "THPTDH-TT", "THPTDH-VS"]
    assert codes(inactive) == ["THPTDH-TD"]
    assert inactive.json()["items"][0]["valid_to"] == "2025-01-01"


def test_filters_never_widen_the_scope(cast, client_for):
    client = client_for(cast.grassroots_officer)

    assert codes(client.get(f"/api/v1/orgs?parent={cast.commune.pk}")) == ["THPTDH"]
    assert codes(client.get(f"/api/v1/orgs?under={cast.other_grassroots.pk}")) == []
    assert codes(client.get(f"/api/v1/orgs?under={cast.province.pk}")) == [
        "THPTDH",
        "THPTDH-TT",
        "THPTDH-VS",
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("page=1&page_size=3", ["TU", "PDH", "THPTDH"]),
        ("page=2&page_size=3", ["THPTDH-TT", "THPTDH-VS", "CTCN"]),
        ("page=3&page_size=3", ["CTCN-PX1"]),
        ("page=4&page_size=3", []),
    ],
)
def test_list_pagination_keeps_the_total(cast, client_for, page, expected):
    response = client_for(cast.board_specialist).get("/api/v1/orgs?" + page)

    assert codes(response) == expected
    assert response.json()["count"] == 7


def test_list_rejects_bad_filters_in_vietnamese(cast, client_for):
    response = client_for(cast.board_specialist).get("/api/v1/orgs?kind=chi_bo&active=maybe")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "Dữ liệu gửi lên chưa hợp lệ.",
        "errors": {
            "kind": ["Giá trị không nằm trong danh sách cho phép."],
            "active": ["Phải là true hoặc false."],
        },
    }


def test_list_query_count_does_not_grow_with_rows(cast, bearer, django_assert_num_queries):
    for n in range(5):
        make_org(cast.cell_a.get_parent(), OrgKind.CELL, f"Chi bộ {n}", code=f"EXTRA{n}")
    client = Client(headers=bearer(cast.board_specialist))
    client.get("/api/v1/health")  # nothing; the token's first use is recorded below
    client.get("/api/v1/me")

    # token, grants, count, page (parent ids come from a subquery in the same statement).
    with django_assert_num_queries(4):
        response = client.get("/api/v1/orgs")
    assert response.json()["count"] == 12

    # parent filter: one more to find the parent's path.
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/orgs?parent={cast.grassroots.pk}")
    assert response.json()["count"] == 7


# --- detail ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_detail_is_scoped(cast, client_for, who):
    response = client_for(cast.users[who]).get(f"/api/v1/orgs/{cast.cell_a.pk}")

    if who in SEES_CELL_A:
        assert response.status_code == 200
        assert response.json()["code"] == "THPTDH-TT"
    else:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


def test_detail_of_absent_org_looks_like_out_of_scope(cast, client_for):
    response = client_for(cast.viewer).get("/api/v1/orgs/999999")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_detail_anonymous_is_401(cast):
    assert Client().get(f"/api/v1/orgs/{cast.cell_a.pk}").status_code == 401


def test_detail_counts_children_and_lists_permissions(cast, client_for):
    closed = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ cũ", code="CU")
    dissolve_org(org=closed, on_date=date(2025, 1, 1), version=1, actor=system_user(), today=TODAY)

    body = client_for(cast.viewer).get(f"/api/v1/orgs/{cast.grassroots.pk}").json()

    assert body == {
        "id": cast.grassroots.pk,
        "parent_id": cast.commune.pk,
        "name": "Đảng bộ Trường THPT Đông Hà",
        "label": "Đảng bộ Trường THPT Đông Hà — Đảng bộ phường Đông Hà",
        "short_name": "",
        "code": "THPTDH",
        "kind": "grassroots_committee",
        "kind_label": "Đảng bộ cơ sở",
        "field": "school",
        "field_label": "Trường học",
        "depth": 3,
        "children_count": 3,
        "active_children_count": 2,
        "valid_from": "2020-01-01",
        "valid_to": None,
        "version": 1,
        "vested_superior_powers": False,
        "admission_delegated": False,
        "admission_delegated_from": None,
        "deciding_body": "",
        "address": "",
        "notes": "",
        "permissions": ["org.view", "person.view"],
    }
    assert "path" not in body


# --- create ----------------------------------------------------------------------------


def new_cell(parent: Org, **extra) -> dict:
    return {
        "parent_id": parent.pk,
        "name": "Chi bộ Tổ  Ngoại ngữ",
        "code": "thptdh-nn",
        "kind": "cell",
        "field": "school",
        "valid_from": "2024-09-01",
        **extra,
    }


@pytest.mark.parametrize("who", CAST)
def test_create_is_scoped(cast, client_for, who):
    response = client_for(cast.users[who]).post(
        "/api/v1/orgs", new_cell(cast.grassroots), content_type="application/json"
    )

    if who in CREATES_UNDER_GRASSROOTS:
        assert response.status_code == 201
        created = Org.objects.get(code="THPTDH-NN")
        assert created.get_parent() == cast.grassroots
        assert response.json()["id"] == created.pk
        assert response.json()["name"] == "Chi bộ Tổ Ngoại ngữ"
        assert response.json()["parent_id"] == cast.grassroots.pk
        assert response.json()["depth"] == 4
    else:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert Org.objects.count() == 7
        assert org_state(cast.grassroots)[-1] == 2


def test_create_anonymous_is_401(cast):
    response = Client().post(
        "/api/v1/orgs", new_cell(cast.grassroots), content_type="application/json"
    )

    assert response.status_code == 401
    assert Org.objects.count() == 7


def test_create_authority_fields_need_the_right(cast, client_for):
    payload = new_cell(
        cast.grassroots, admission_delegated=True, admission_delegated_from="2025-01-01"
    )

    response = client_for(cast.grassroots_officer).post(
        "/api/v1/orgs", payload, content_type="application/json"
    )

    message = "Bạn không có quyền đặt thẩm quyền kết nạp cho tổ chức này."
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "admission_delegated": [message],
        "admission_delegated_from": [message],
    }
    assert Org.objects.count() == 7


def test_board_specialist_sets_authority_on_create(cast, client_for):
    payload = {
        "parent_id": cast.commune.pk,
        "name": "Đảng bộ Bệnh viện",
        "code": "BV",
        "kind": "grassroots_committee",
        "field": "health",
        "valid_from": "2021-03-01",
        "admission_delegated": True,
        "admission_delegated_from": "2025-07-01",
        "deciding_body": "standing_committee",
    }

    response = client_for(cast.board_specialist).post(
        "/api/v1/orgs", payload, content_type="application/json"
    )

    assert response.status_code == 201
    org = Org.objects.get(code="BV")
    assert (org.admission_delegated, org.admission_delegated_from, org.deciding_body) == (
        True,
        date(2025, 7, 1),
        "standing_committee",
    )


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"kind": "province"},
            {"kind": ["Tỉnh ủy / Thành ủy không thể trực thuộc Đảng bộ cơ sở."]},
        ),
        ({"code": "tu"}, {"code": ["Mã tổ chức TU đã được dùng cho đơn vị khác."]}),
        ({"name": "   "}, {"name": ["Tên tổ chức là bắt buộc."]}),
    ],
)
def test_create_refuses_invalid_units_naming_the_field(cast, client_for, change, errors):
    response = client_for(cast.board_specialist).post(
        "/api/v1/orgs", new_cell(cast.grassroots, **change), content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json() == {"detail": "Thông tin tổ chức chưa hợp lệ.", "errors": errors}
    assert Org.objects.count() == 7


def test_create_reports_missing_and_malformed_fields(cast, client_for):
    payload = {"parent_id": cast.grassroots.pk, "kind": "cell", "valid_from": "21/11/2026"}

    response = client_for(cast.board_specialist).post(
        "/api/v1/orgs", {**payload, "colour": "red"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "name": ["Trường này là bắt buộc."],
        "code": ["Trường này là bắt buộc."],
        "valid_from": ["Ngày không hợp lệ (định dạng YYYY-MM-DD)."],
        "colour": ["Trường không được phép."],
    }


def test_create_refuses_malformed_json(cast, client_for):
    response = client_for(cast.board_specialist).post(
        "/api/v1/orgs", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Nội dung gửi lên không phải JSON hợp lệ."}


# --- update ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_update_is_scoped(cast, client_for, who):
    before = org_state(cast.cell_a)

    response = client_for(cast.users[who]).patch(
        f"/api/v1/orgs/{cast.cell_a.pk}",
        {"version": 1, "name": "Chi bộ Toán"},
        content_type="application/json",
    )

    if who in CREATES_UNDER_GRASSROOTS:
        assert response.status_code == 200
        assert response.json()["name"] == "Chi bộ Toán"
        assert response.json()["version"] == 2
        org = Org.objects.get(pk=cast.cell_a.pk)
        assert (org.name, org.version, org.code) == ("Chi bộ Toán", 2, "THPTDH-TT")
        assert org.history.latest().history_user == cast.users[who]
    else:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert org_state(cast.cell_a) == before


def test_update_anonymous_is_401(cast):
    response = Client().patch(
        f"/api/v1/orgs/{cast.cell_a.pk}",
        {"version": 1, "name": "X"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert Org.objects.get(pk=cast.cell_a.pk).name == "Chi bộ Tổ Toán – Tin"


def test_update_with_stale_version_is_409_and_writes_nothing(cast, client_for):
    client = client_for(cast.grassroots_officer)
    first = client.patch(
        f"/api/v1/orgs/{cast.cell_a.pk}",
        {"version": 1, "notes": "Đầu tiên"},
        content_type="application/json",
    )
    assert first.status_code == 200

    response = client.patch(
        f"/api/v1/orgs/{cast.cell_a.pk}",
        {"version": 1, "name": "Muộn"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Bản ghi đã được người khác sửa và lưu trước bạn (phiên bản hiện tại: 2). "
        "Hãy tải lại trang, xem thay đổi mới rồi nhập lại.",
        "current_version": 2,
    }
    org = Org.objects.get(pk=cast.cell_a.pk)
    assert (org.name, org.notes, org.version) == ("Chi bộ Tổ Toán – Tin", "Đầu tiên", 2)


def test_update_requires_version(cast, client_for):
    response = client_for(cast.board_specialist).patch(
        f"/api/v1/orgs/{cast.cell_a.pk}", {"name": "X"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"version": ["Trường này là bắt buộc."]}


def test_update_refuses_null_for_required_fields(cast, client_for):
    response = client_for(cast.board_specialist).patch(
        f"/api/v1/orgs/{cast.cell_a.pk}",
        {"version": 1, "name": None, "admission_delegated": None},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "name": ["Không được để trống."],
        "admission_delegated": ["Không được để trống."],
    }
    assert org_state(cast.cell_a)[2] == 1


def test_update_authority_needs_the_right(cast, client_for):
    response = client_for(cast.grassroots_officer).patch(
        f"/api/v1/orgs/{cast.grassroots.pk}",
        {"version": 1, "deciding_body": "standing_committee"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["deciding_body"]
    assert Org.objects.get(pk=cast.grassroots.pk).deciding_body == ""


def test_update_leaves_absent_fields_alone(cast, client_for):
    response = client_for(cast.board_specialist).patch(
        f"/api/v1/orgs/{cast.grassroots.pk}",
        {"version": 1, "short_name": "ĐB THPT", "deciding_body": "standing_committee"},
        content_type="application/json",
    )

    assert response.status_code == 200
    org = Org.objects.get(pk=cast.grassroots.pk)
    assert (org.short_name, org.deciding_body, org.name, org.field, org.kind) == (
        "ĐB THPT",
        "standing_committee",
        "Đảng bộ Trường THPT Đông Hà",
        "school",
        "grassroots_committee",
    )


# --- move ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_move_is_scoped(cast, client_for, who):
    before = org_state(cast.cell_b)

    response = client_for(cast.users[who]).post(
        f"/api/v1/orgs/{cast.cell_b.pk}/move",
        {"new_parent_id": cast.other_grassroots.pk, "version": 1},
        content_type="application/json",
    )

    if who in MOVES:
        assert response.status_code == 200
        assert response.json()["parent_id"] == cast.other_grassroots.pk
        assert response.json()["version"] == 2
        assert Org.objects.get(pk=cast.cell_b.pk).get_parent() == cast.other_grassroots
    else:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert org_state(cast.cell_b) == before


def test_move_into_a_unit_outside_the_users_reach_is_404(cast, client_for):
    local_board = make_user("bantochuc2", Role.BOARD_SPECIALIST, cast.grassroots)
    before = org_state(cast.cell_b)

    response = client_for(local_board).post(
        f"/api/v1/orgs/{cast.cell_b.pk}/move",
        {"new_parent_id": cast.other_grassroots.pk, "version": 1},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert org_state(cast.cell_b) == before


def test_move_into_own_subtree_is_refused(cast, client_for):
    response = client_for(cast.board_specialist).post(
        f"/api/v1/orgs/{cast.grassroots.pk}/move",
        {"new_parent_id": cast.cell_a.pk, "version": 1},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "new_parent_id": ["Đơn vị đích nằm trong chính tổ chức đang chuyển."]
    }


def test_move_with_stale_version_is_409(cast, client_for):
    before = org_state(cast.cell_b)

    response = client_for(cast.board_specialist).post(
        f"/api/v1/orgs/{cast.cell_b.pk}/move",
        {"new_parent_id": cast.other_grassroots.pk, "version": 7},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 1
    assert org_state(cast.cell_b) == before


def test_move_anonymous_is_401(cast):
    response = Client().post(
        f"/api/v1/orgs/{cast.cell_b.pk}/move",
        {"new_parent_id": cast.other_grassroots.pk, "version": 1},
        content_type="application/json",
    )

    assert response.status_code == 401


# --- dissolve --------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_dissolve_is_scoped(cast, client_for, who):
    empty = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục", code="THPTDH-TD")

    response = client_for(cast.users[who]).post(
        f"/api/v1/orgs/{empty.pk}/dissolve",
        {"on_date": "2025-01-01", "version": 1},
        content_type="application/json",
    )

    if who in MOVES:
        assert response.status_code == 200
        assert response.json()["valid_to"] == "2025-01-01"
        assert Org.objects.get(pk=empty.pk).valid_to == date(2025, 1, 1)
    else:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert org_state(empty) == ("Chi bộ Tổ Thể dục", empty.path, 1, None, 0)


def test_dissolve_refuses_a_unit_that_still_manages_people(cast, client_for):
    response = client_for(cast.board_specialist).post(
        f"/api/v1/orgs/{cast.cell_b.pk}/dissolve",
        {"on_date": "2025-01-01", "version": 1},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "valid_to": ["Còn 1 người đang được quản lý trong tổ chức này; hãy chuyển họ đi trước."]
    }
    assert Org.objects.get(pk=cast.cell_b.pk).valid_to is None


def test_dissolve_with_stale_version_is_409(cast, client_for):
    empty = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục", code="THPTDH-TD")

    response = client_for(cast.board_specialist).post(
        f"/api/v1/orgs/{empty.pk}/dissolve",
        {"on_date": "2025-01-01", "version": 2},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert Org.objects.get(pk=empty.pk).valid_to is None


def test_dissolve_anonymous_is_401(cast):
    response = Client().post(
        f"/api/v1/orgs/{cast.cell_b.pk}/dissolve",
        {"on_date": "2025-01-01", "version": 1},
        content_type="application/json",
    )

    assert response.status_code == 401


def test_create_under_a_dissolved_unit_names_parent_id(cast, client_for):
    closed = make_org(cast.grassroots, OrgKind.SUB_COMMITTEE, "Đảng bộ bộ phận cũ", code="BPC")
    dissolve_org(org=closed, on_date=date(2025, 1, 1), version=1, actor=system_user(), today=TODAY)

    response = client_for(cast.board_specialist).post(
        "/api/v1/orgs", new_cell(closed), content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"parent_id": ["Tổ chức cấp trên đã giải thể."]}
    assert Org.objects.filter(code="THPTDH-NN").count() == 0
