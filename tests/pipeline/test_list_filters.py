"""The board page, the API board and the API case list share one case filter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ptdv.pipeline.models import Stage
from tests.factories import TODAY
from tests.pipeline.factories import make_candidate, open_test_case, walk_case_to


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ptdv.pipeline.views._today", lambda: TODAY)


@pytest.fixture
def cases(world):
    cast = world.cast
    actor = cast.board_specialist
    open_test_case(world.candidate, cast.cell_a, actor=actor)
    walked = open_test_case(make_candidate(cast.cell_a), cast.cell_a, actor=actor, source="other")
    # Cell vote in November 2024: the decision was due long before TODAY (overdue).
    walk_case_to(
        walked, Stage.CELL_APPROVED, members=world.members, authority=world.authority, actor=actor
    )
    open_test_case(cast.person_other, cast.other_cell, actor=actor, source="trade_union")


@pytest.mark.parametrize(
    "filters",
    [
        {"org": "province"},
        {"org": "grassroots"},
        {"org": "cell_a"},
        {"org": "cell_b"},
        {"org": "province", "source": "other"},
        {"org": "province", "source": "trade_union"},
        {"org": "province", "overdue": "true"},
        {"org": "grassroots", "source": "youth_union", "overdue": "true"},
    ],
    ids=str,
)
@pytest.mark.parametrize("who", ["board_specialist", "grassroots_officer"])
def test_board_page_and_api_count_and_list_the_same_cases(cases, world, client_for, who, filters):
    cast = world.cast
    query = dict(filters, org=getattr(cast, filters["org"]).pk)
    client = client_for(cast.users[who])

    page = client.get(reverse("pipeline:board"), query)
    if page.status_code == 404:  # a unit outside the user's scope: the API says the same
        assert client.get("/api/v1/board", query).status_code == 404
        return
    api_board = client.get("/api/v1/board", query).json()
    api_list = client.get("/api/v1/cases", query).json()["items"]

    columns = page.context["columns"]
    assert {c.stage: c.count for c in columns} == {
        c["stage"]: c["count"] for c in api_board["columns"]
    }
    page_ids = sorted(card.case_id for c in columns for card in c.cards)
    assert page_ids == sorted(row["id"] for row in api_list if row["outcome"] == "")


def test_the_shared_filters_select_something(cases, world, client_for):
    # The comparison above is not between empty lists only.
    client = client_for(world.cast.board_specialist)
    province = world.cast.province.pk

    assert len(client.get("/api/v1/cases", {"org": province}).json()["items"]) == 3
    overdue = client.get("/api/v1/cases", {"org": province, "overdue": "true"}).json()["items"]
    assert [row["source"] for row in overdue] == ["other"]
