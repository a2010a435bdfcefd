"""The people API: scoped lists with search, logged dossier reads, writes via the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from ptdv.access.models import AccessLog
from ptdv.orgs.models import OrgKind
from ptdv.orgs.services import dissolve_org
from ptdv.people.models import EthnicGroup, Person, PersonNameToken, Religion
from tests.api.conftest import CAST
from tests.factories import TODAY, make_org, make_person, system_user

NOT_FOUND = {"detail": "Không tìm thấy."}
VISIBLE = {
    "administrator": ["Trần Văn Dũng", "Lê Thị Hồng", "Phạm Minh Tuấn"],
    "board_specialist": ["Trần Văn Dũng", "Lê Thị Hồng", "Phạm Minh Tuấn"],
    "grassroots_officer": ["Trần Văn Dũng", "Lê Thị Hồng"],
    "cell_secretary": ["Lê Thị Hồng"],
    "viewer": ["Trần Văn Dũng", "Lê Thị Hồng"],
    "outsider": ["Phạm Minh Tuấn"],
    "nobody": [],
}
READS_PERSON_A = {
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
}
EDITS_PERSON_A = {"administrator", "board_specialist", "grassroots_officer", "cell_secretary"}


def names(response) -> list[str]:
    return [item["full_name"] for item in response.json()["items"]]


def person_state(person: Person) -> tuple:
    fresh = Person.objects.get(pk=person.pk)
    return (fresh.full_name, fresh.version, fresh.job_title, fresh.national_id, fresh.org_id)


# --- list ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_list_shows_exactly_the_users_scope_in_name_order(cast, client_for, who):
    response = client_for(cast.users[who]).get("/api/v1/people")

    assert response.status_code == 200
    assert names(response) == VISIBLE[who]
    assert response.json()["count"] == len(VISIBLE[who])


def test_list_anonymous_is_401(cast):
    assert Client().get("/api/v1/people").status_code == 401


def test_list_masks_the_national_id_and_logs_nothing(cast, client_for):
    response = client_for(cast.cell_secretary).get("/api/v1/people")

    assert response.json()["items"] == [
        {
            "id": cast.person_a.pk,
            "full_name": "Lê Thị Hồng",
            "sex": "F",
            "birth_date": "1995-05-17",
            "org_id": cast.cell_a.pk,
            "org_name": "Chi bộ Tổ Toán – Tin",
            "org_label": "Chi bộ Tổ Toán – Tin — Đảng bộ Trường THPT Đông Hà",
            "national_id_masked": "********0123",
        }
    ]
    assert "045195000123" not in response.content.decode()
    assert AccessLog.objects.count() == 0


@pytest.fixture
def more_people(cast):
    make_person(cast.cell_a, family_name="Nguyễn", middle_name="Thị", given_name="Hương",
                sex="F", birth_date=date(2001, 3, 4))  # fmt: skip
    make_person(cast.cell_b, family_name="Hoàng", middle_name="", given_name="Dung",
                other_names="Út", birth_date=date(1988, 12, 31))  # fmt: skip
    make_person(cast.other_cell, family_name="Đặng", middle_name="Văn", given_name="Hồng",
                birth_date=date(1970, 1, 1))  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=hong", ["Đặng Văn Hồng", "Lê Thị Hồng"]),
        ("q=Hồng", ["Đặng Văn Hồng", "Lê Thị Hồng"]),
        ("q=hong le", ["Lê Thị Hồng"]),
        ("q=HƯ", ["Nguyễn Thị Hương"]),
        ("q=dung", ["Hoàng Dung", "Trần Văn Dũng"]),
        ("q=dang", ["Đặng Văn Hồng"]),
        ("q=ut", ["Hoàng Dung"]),
        ("q=045 195 000 123", ["Lê Thị Hồng"]),
        ("q=045195000", ["Lê Thị Hồng"]),
        ("q=xyz", []),
        ("org={grassroots}", ["Hoàng Dung", "Trần Văn Dũng", "Lê Thị Hồng", "Nguyễn Thị Hương"]),
        ("org={cell_b}", ["Hoàng Dung", "Trần Văn Dũng"]),
        ("org={other_cell}&q=hong", ["Đặng Văn Hồng"]),
        ("org=999999", []),
        ("sex=F", ["Lê Thị Hồng", "Nguyễn Thị Hương"]),
        (
            "birth_year_from=1990",
            ["Trần Văn Dũng", "Lê Thị Hồng", "Nguyễn Thị Hương", "Phạm Minh Tuấn"],
        ),
        ("birth_year_to=1988", ["Hoàng Dung", "Đặng Văn Hồng"]),
        (
            "birth_year_from=1988&birth_year_to=1995",
            ["Hoàng Dung", "Trần Văn Dũng", "Lê Thị Hồng", "Phạm Minh Tuấn"],
        ),
        ("birth_year_from=2001&birth_year_to=2001", ["Nguyễn Thị Hương"]),
    ],
)
def test_list_filters(cast, more_people, client_for, query, expected):
    ids = {k: getattr(cast, k).pk for k in ("grassroots", "cell_b", "other_cell")}

    response = client_for(cast.board_specialist).get("/api/v1/people?" + query.format(**ids))

    assert response.status_code == 200
    assert names(response) == expected
    assert response.json()["count"] == len(expected)


def test_filters_never_widen_the_scope(cast, more_people, client_for):
    client = client_for(cast.cell_secretary)

    assert names(client.get("/api/v1/people?q=hong")) == ["Lê Thị Hồng"]
    assert names(client.get(f"/api/v1/people?org={cast.grassroots.pk}")) == []
    assert names(client.get(f"/api/v1/people?org={cast.other_cell.pk}")) == []


def test_list_pagination_keeps_the_total(cast, more_people, client_for):
    client = client_for(cast.board_specialist)

    first = client.get("/api/v1/people?page=1&page_size=4")
    second = client.get("/api/v1/people?page=2&page_size=4")

    assert names(first) == ["Hoàng Dung", "Trần Văn Dũng", "Đặng Văn Hồng", "Lê Thị Hồng"]
    assert names(second) == ["Nguyễn Thị Hương", "Phạm Minh Tuấn"]
    assert first.json()["count"] == second.json()["count"] == 6


def test_list_rejects_bad_filters_in_vietnamese(cast, client_for):
    response = client_for(cast.board_specialist).get(
        "/api/v1/people?sex=X&birth_year_from=1800&page_size=0"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "sex": ["Giá trị không nằm trong danh sách cho phép."],
        "birth_year_from": ["Phải lớn hơn hoặc bằng 1900."],
        "page_size": ["Phải lớn hơn hoặc bằng 1."],
    }


def test_list_query_count_does_not_grow_with_rows(
    cast, more_people, bearer, django_assert_num_queries
):
    client = Client(headers=bearer(cast.board_specialist))
    client.get("/api/v1/me")  # records the token's first use

    # token, grants, count, page.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/people")
    assert response.json()["count"] == 6

    # search adds no query (token ranges are subqueries); the org filter adds one.
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/people?q=hong&org={cast.grassroots.pk}")
    assert names(response) == ["Lê Thị Hồng"]


# --- detail ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_detail_is_scoped_and_each_read_is_logged_once(cast, client_for, who):
    response = client_for(cast.users[who]).get(f"/api/v1/people/{cast.person_a.pk}")

    if who in READS_PERSON_A:
        assert response.status_code == 200
        assert response.json()["national_id"] == "045195000123"
        log = AccessLog.objects.get()
        assert (log.user, log.kind, log.object_type, log.object_id, log.channel) == (
            cast.users[who],
            "read",
            "person",
            str(cast.person_a.pk),
            "api",
        )
        assert log.object_label == "Lê Thị Hồng"
    else:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert AccessLog.objects.count() == 0


def test_detail_anonymous_is_401(cast):
    assert Client().get(f"/api/v1/people/{cast.person_a.pk}").status_code == 401
    assert AccessLog.objects.count() == 0


def test_detail_of_absent_person_looks_like_out_of_scope(cast, client_for):
    response = client_for(cast.viewer).get("/api/v1/people/999999")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_every_detail_call_is_logged(cast, bearer):
    client = Client(headers=bearer(cast.viewer))

    client.get(f"/api/v1/people/{cast.person_a.pk}")
    client.get(f"/api/v1/people/{cast.person_a.pk}")
    client.get(f"/api/v1/people/{cast.person_b.pk}")

    logged = AccessLog.objects.order_by("pk").values_list("object_id", "channel", "user__username")
    assert list(logged) == [
        (str(cast.person_a.pk), "api", "xem"),
        (str(cast.person_a.pk), "api", "xem"),
        (str(cast.person_b.pk), "api", "xem"),
    ]


def test_detail_returns_the_full_record(cast, client_for):
    body = client_for(cast.viewer).get(f"/api/v1/people/{cast.person_a.pk}").json()

    stored = Person.objects.get(pk=cast.person_a.pk)
    encode = DjangoJSONEncoder().default
    assert body.pop("created_at") == encode(stored.created_at)
    assert body.pop("updated_at") == encode(stored.updated_at)
    assert body == {
        "id": cast.person_a.pk,
        "version": 1,
        "org": {
            "id": cast.cell_a.pk,
            "name": "Chi bộ Tổ Toán – Tin",
            "label": "Chi bộ Tổ Toán – Tin — Đảng bộ Trường THPT Đông Hà",
        },
        "full_name": "Lê Thị Hồng",
        "family_name": "Lê",
        "middle_name": "Thị",
        "given_name": "Hồng",
        "other_names": "",
        "sex": "F",
        "birth_date": "1995-05-17",
        "ethnic_group": {"code": "01", "name": "Kinh"},
        "religion": None,
        "education": None,
        "qualification": None,
        "theory_level": None,
        "occupation": None,
        "job_title": "",
        "youth_union_member": False,
        "trade_union_member": False,
        "home_town": "",
        "birth_place": "",
        "residence": "",
        "current_address": "",
        "national_id": "045195000123",
        "phone": "",
        "email": "",
        "notes": "",
    }


# --- create ----------------------------------------------------------------------------


def new_person(org, **extra) -> dict:
    return {
        "org_id": org.pk,
        "family_name": "Võ",
        "middle_name": "Thị Thu",
        "given_name": "Hà",
        "sex": "F",
        "birth_date": "2000-01-02",
        "ethnic_group": "01",
        "religion": "phat_giao",
        "education": "thpt",
        "national_id": "045300001234",
        "phone": "+84 912 345 678",
        **extra,
    }


@pytest.mark.parametrize("who", CAST)
def test_create_is_scoped(cast, client_for, who):
    response = client_for(cast.users[who]).post(
        "/api/v1/people", new_person(cast.cell_a), content_type="application/json"
    )

    if who in EDITS_PERSON_A:
        assert response.status_code == 201
        person = Person.objects.get(national_id="045300001234")
        assert response.json()["id"] == person.pk
        assert (person.full_name, person.org, person.phone) == (
            "Võ Thị Thu Hà",
            cast.cell_a,
            "0912345678",
        )
        assert (person.ethnic_group.code, person.religion.code, person.education.code) == (
            "01",
            "phat_giao",
            "thpt",
        )
        assert response.json()["religion"] == {"code": "phat_giao", "name": "Phật giáo"}
        assert sorted(
            PersonNameToken.objects.filter(person=person).values_list("token", flat=True)
        ) == [
            "ha",
            "thi",
            "thu",
            "vo",
        ]
        assert person.history.get().history_user == cast.users[who]
    else:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert Person.objects.count() == 3


def test_create_anonymous_is_401(cast):
    response = Client().post(
        "/api/v1/people", new_person(cast.cell_a), content_type="application/json"
    )

    assert response.status_code == 401
    assert Person.objects.count() == 3


def test_create_with_unknown_codes_names_each_field(cast, client_for):
    payload = new_person(cast.cell_a, ethnic_group="99", occupation="phi_cong")

    response = client_for(cast.cell_secretary).post(
        "/api/v1/people", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": "Hồ sơ chưa hợp lệ, hãy sửa các trường được đánh dấu.",
        "errors": {
            "ethnic_group": ["Không có mã “99” trong danh mục dân tộc."],
            "occupation": ["Không có mã “phi_cong” trong danh mục nghề nghiệp, thành phần xã hội."],
        },
    }
    assert Person.objects.count() == 3


def test_create_refuses_inactive_reference_codes(cast, client_for):
    Religion.objects.filter(code="phat_giao").update(is_active=False)

    response = client_for(cast.cell_secretary).post(
        "/api/v1/people", new_person(cast.cell_a), content_type="application/json"
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["religion"]


def test_create_reports_service_validation_in_vietnamese(cast, client_for):
    payload = new_person(cast.cell_a, given_name="H4", national_id="045200001234", phone="123")

    response = client_for(cast.cell_secretary).post(
        "/api/v1/people", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "given_name": ["Tên chỉ được chứa chữ cái và dấu cách."],
        "national_id": [
            "Chữ số thứ tư của số CCCD (2) ứng với giới tính nam, khác giới tính đã khai."
        ],
        "phone": [
            "Số điện thoại không đúng định dạng: di động gồm 10 chữ số bắt đầu bằng 03, 05, "
            "07, 08, 09; cố định gồm 11 chữ số bắt đầu bằng 02 (có thể viết +84 thay cho số 0)."
        ],
    }


def test_create_reports_missing_fields(cast, client_for):
    response = client_for(cast.cell_secretary).post(
        "/api/v1/people",
        {"org_id": cast.cell_a.pk, "family_name": "Võ", "sex": "X", "email": "khong-phai-thu"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "given_name": ["Trường này là bắt buộc."],
        "sex": ["Giá trị không nằm trong danh sách cho phép."],
        "birth_date": ["Trường này là bắt buộc."],
        "ethnic_group": ["Trường này là bắt buộc."],
    }


def test_create_checks_email(cast, client_for):
    response = client_for(cast.cell_secretary).post(
        "/api/v1/people",
        new_person(cast.cell_a, email="khong-phai-thu"),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"email": ["Địa chỉ thư điện tử không hợp lệ."]}


def test_create_with_duplicate_national_id_does_not_reveal_the_holder(cast, client_for):
    response = client_for(cast.outsider).post(
        "/api/v1/people",
        new_person(cast.other_cell, national_id="045195000123", birth_date="1995-05-17"),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "national_id": ["Số CCCD 045195000123 đã có trong hệ thống."]
    }
    assert "Hồng" not in response.content.decode()
    assert Person.objects.count() == 3


# --- update ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_update_is_scoped(cast, client_for, who):
    before = person_state(cast.person_a)

    response = client_for(cast.users[who]).patch(
        f"/api/v1/people/{cast.person_a.pk}",
        {"version": 1, "job_title": "Giáo viên Toán", "religion": "cong_giao"},
        content_type="application/json",
    )

    if who in EDITS_PERSON_A:
        assert response.status_code == 200
        assert response.json()["version"] == 2
        person = Person.objects.get(pk=cast.person_a.pk)
        assert (person.job_title, person.religion.code, person.version) == (
            "Giáo viên Toán",
            "cong_giao",
            2,
        )
        assert person.full_name == "Lê Thị Hồng"
        # The response carries the whole record: it counts as a dossier read.
        assert AccessLog.objects.get().user == cast.users[who]
    else:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert person_state(cast.person_a) == before
        assert AccessLog.objects.count() == 0


def test_update_anonymous_is_401(cast):
    response = Client().patch(
        f"/api/v1/people/{cast.person_a.pk}",
        {"version": 1, "job_title": "X"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert Person.objects.get(pk=cast.person_a.pk).job_title == ""


def test_update_with_stale_version_is_409_and_writes_nothing(cast, client_for):
    client = client_for(cast.cell_secretary)
    client.patch(
        f"/api/v1/people/{cast.person_a.pk}",
        {"version": 1, "job_title": "Giáo viên"},
        content_type="application/json",
    )

    response = client.patch(
        f"/api/v1/people/{cast.person_a.pk}",
        {"version": 1, "given_name": "Hoa"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    person = Person.objects.get(pk=cast.person_a.pk)
    assert (person.given_name, person.job_title, person.version) == ("Hồng", "Giáo viên", 2)
    assert sorted(
        PersonNameToken.objects.filter(person=person).values_list("token", flat=True)
    ) == [
        "hong",
        "le",
        "thi",
    ]


def test_update_with_duplicate_national_id_is_422_naming_the_field(cast, client_for):
    response = client_for(cast.board_specialist).patch(
        f"/api/v1/people/{cast.person_b.pk}",
        {"version": 1, "national_id": "045195000123", "sex": "F"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "national_id": ["Số CCCD 045195000123 đã có trong hệ thống."]
    }
    assert person_state(cast.person_b)[1:4] == (1, "", None)


def test_update_renames_and_refreshes_search(cast, client_for):
    client = client_for(cast.cell_secretary)

    response = client.patch(
        f"/api/v1/people/{cast.person_a.pk}",
        {"version": 1, "given_name": "Hoa", "middle_name": None},
        content_type="application/json",
    )

    assert response.json()["full_name"] == "Lê Hoa"
    assert names(client.get("/api/v1/people?q=hoa")) == ["Lê Hoa"]
    assert names(client.get("/api/v1/people?q=hong")) == []


def test_update_refuses_null_for_required_fields(cast, client_for):
    response = client_for(cast.cell_secretary).patch(
        f"/api/v1/people/{cast.person_a.pk}",
        {"version": 1, "birth_date": None, "ethnic_group": None, "youth_union_member": None},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "birth_date": ["Không được để trống."],
        "ethnic_group": ["Không được để trống."],
        "youth_union_member": ["Không được để trống."],
    }
    assert person_state(cast.person_a)[1] == 1


def test_update_clears_optional_references_with_null(cast, client_for):
    person = make_person(cast.cell_a, religion=Religion.objects.get(code="cao_dai"))

    response = client_for(cast.cell_secretary).patch(
        f"/api/v1/people/{person.pk}",
        {"version": 1, "religion": None, "ethnic_group": "04"},
        content_type="application/json",
    )

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.religion is None
    assert person.ethnic_group == EthnicGroup.objects.get(code="04")


def test_create_in_a_dissolved_unit_names_org_id(cast, client_for):
    closed = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ cũ", code="CU")
    dissolve_org(org=closed, on_date=date(2025, 1, 1), version=1, actor=system_user(), today=TODAY)

    response = client_for(cast.board_specialist).post(
        "/api/v1/people", new_person(closed), content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"org_id": ["Đơn vị đã giải thể."]}
    assert Person.objects.count() == 3
