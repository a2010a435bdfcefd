"""Pages and API share one filter per list: the same ids for the same filters."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ptdv.orgs.models import OrgKind
from ptdv.orgs.services import dissolve_org
from tests.factories import TODAY, make_org, make_person, system_user


def api_ids(response) -> list[int]:
    assert response.status_code == 200
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def dong_thanh(cast):
    return make_org(cast.province, OrgKind.COMMUNE, "Đảng bộ phường Đông Thanh", code="PDT")


def test_api_finds_a_unit_by_its_name_without_accents(cast, client_for, dong_thanh):
    client = client_for(cast.board_specialist)

    assert api_ids(client.get("/api/v1/orgs", {"q": "dong thanh"})) == [dong_thanh.pk]
    assert api_ids(client.get("/api/v1/orgs", {"q": "ĐÔNG THANH"})) == [dong_thanh.pk]
    assert api_ids(client.get("/api/v1/orgs", {"q": "dong thanh", "kind": "cell"})) == []


@pytest.mark.parametrize(
    "query", ["dong thanh", "dong", "chi bo", "CHI BỘ tổ", "thptdh-", "pdh", "toan tin", "xyz"]
)
@pytest.mark.parametrize("who", ["board_specialist", "grassroots_officer", "outsider"])
def test_tree_search_and_api_list_find_the_same_units(cast, client_for, dong_thanh, who, query):
    closed = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục", code="THPTDH-TD")
    dissolve_org(org=closed, on_date=date(2025, 1, 1), version=1, actor=system_user(), today=TODAY)
    client = client_for(getattr(cast, who))

    page = client.get(reverse("orgs:tree"), {"q": query, "show_dissolved": "1"})
    api = client.get("/api/v1/orgs", {"q": query, "page_size": 100})

    assert [org.pk for org in page.context["result"].units] == api_ids(api)


def test_tree_search_without_dissolved_units_matches_the_api_for_active_units(cast, client_for):
    closed = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục", code="THPTDH-TD")
    dissolve_org(org=closed, on_date=date(2025, 1, 1), version=1, actor=system_user(), today=TODAY)
    client = client_for(cast.board_specialist)

    page = client.get(reverse("orgs:tree"), {"q": "chi bo"})
    api = client.get("/api/v1/orgs", {"q": "chi bo", "active": "true"})

    page_ids = [org.pk for org in page.context["result"].units]
    assert closed.pk not in page_ids
    assert page_ids == api_ids(api)
    assert len(page_ids) == 3


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"q": "hong"},
        {"q": "le hong"},
        {"q": "dung"},
        {"q": "045195000"},
        {"sex": "F"},
        {"org": "cell_a"},
        {"org": "other_cell"},
        {"org": "grassroots", "q": "tuan"},
        {"org": "commune", "sex": "M"},
    ],
    ids=str,
)
@pytest.mark.parametrize("who", ["board_specialist", "viewer", "outsider"])
def test_people_page_and_api_list_find_the_same_people(cast, client_for, who, filters):
    make_person(cast.cell_b, family_name="Đặng", middle_name="Văn", given_name="Hồng")
    query = dict(filters)
    if "org" in query:
        query["org"] = getattr(cast, query["org"]).pk
    client = client_for(getattr(cast, who))

    page = client.get(reverse("people:list"), query)
    api = client.get("/api/v1/people", query)

    assert page.status_code == 200
    assert [p.pk for p in page.context["page"].object_list] == api_ids(api)
