"""GET /api/v1/reference/{list}: any logged-in user; codes are what people fields take."""

from __future__ import annotations

import pytest
from django.test import Client

from ptdv.people.models import Occupation
from tests.api.conftest import CAST


@pytest.mark.parametrize("who", CAST)
def test_every_logged_in_user_reads_reference_lists(cast, client_for, who):
    response = client_for(cast.users[who]).get("/api/v1/reference/education-levels")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "chua_tot_nghiep_tieu_hoc", "name": "Chưa tốt nghiệp tiểu học"},
        {"code": "tieu_hoc", "name": "Tốt nghiệp tiểu học"},
        {"code": "thcs", "name": "Tốt nghiệp trung học cơ sở"},
        {"code": "thpt", "name": "Tốt nghiệp trung học phổ thông"},
    ]


@pytest.mark.parametrize(
    ("name", "count", "first"),
    [
        ("ethnic-groups", 54, {"code": "01", "name": "Kinh"}),
        ("religions", 16, {"code": "phat_giao", "name": "Phật giáo"}),
        (
            "education-levels",
            4,
            {"code": "chua_tot_nghiep_tieu_hoc", "name": "Chưa tốt nghiệp tiểu học"},
        ),
        ("qualifications", 7, {"code": "chua_dao_tao", "name": "Chưa qua đào tạo"}),
        ("theory-levels", 5, {"code": "chua_co", "name": "Chưa qua đào tạo"}),
        (
            "occupations",
            13,
            {"code": "cong_chuc", "name": "Cán bộ, công chức cơ quan nhà nước từ cấp tỉnh, huyện"},
        ),
    ],
)
def test_each_list(cast, bearer, name, count, first):
    response = Client(headers=bearer(cast.nobody)).get(f"/api/v1/reference/{name}")

    assert response.status_code == 200
    assert len(response.json()) == count
    assert response.json()[0] == first


def test_inactive_entries_are_not_offered(cast, client_for):
    Occupation.objects.filter(code="khac").update(is_active=False)

    codes = [i["code"] for i in client_for(cast.viewer).get("/api/v1/reference/occupations").json()]

    assert len(codes) == 12
    assert "khac" not in codes


def test_unknown_list_is_404(cast, client_for):
    response = client_for(cast.viewer).get("/api/v1/reference/planets")

    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}


def test_anonymous_is_401(db):
    assert Client().get("/api/v1/reference/religions").status_code == 401


def test_reference_list_query_count(cast, bearer, django_assert_num_queries):
    client = Client(headers=bearer(cast.viewer))
    client.get("/api/v1/me")  # records the token's first use

    # token, list: reference lists need no grant lookup.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/reference/ethnic-groups")
    assert len(response.json()) == 54
