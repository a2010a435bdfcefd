"""The figures page and API of a unit (issue 7 items 10–11)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from ptdv.members.asof import child_figures
from tests.members.helpers import admitted, bulk_people, enter


def _members(cast) -> None:  # type: ignore[no-untyped-def]
    a = bulk_people([cast.cell_a], 3, birth=date(1990, 1, 1))
    b = bulk_people([cast.cell_b], 2, birth=date(1960, 1, 1))
    enter(
        [(p, date(2020, 12, 1), admitted(p, date(2021, 1, 4))) for p in a]
        + [(p, date(2024, 12, 1), admitted(p, date(2025, 1, 6), official=False)) for p in b]
    )


def test_the_page_shows_the_figures_on_the_chosen_day_with_the_children(
    client, cast, django_assert_num_queries
):
    _members(cast)
    client.force_login(cast.viewer)
    url = reverse("members:figures", args=[cast.grassroots.pk])

    # A fixed number of queries, whatever the number of members (checked again below); the
    # admissions and recognitions each read the unit's cells first (a list when few).
    with django_assert_num_queries(34):
        response = client.get(url, {"day": "30/06/2025", "since": "01/01/2025"})

    assert response.status_code == 200
    f = response.context["f"]
    assert (f.total, f.official, f.probationary, f.admitted) == (5, 3, 2, 2)
    text = response.content.decode()
    assert "Từ 01/01/2025 đến 30/06/2025 kết nạp 2 đảng viên; tổng số 5 đảng viên" in text
    assert [(c.name, c.total, c.official) for c in response.context["children"]] == [
        (cast.cell_a.name, 3, 3),
        (cast.cell_b.name, 2, 0),
    ]
    # Before anyone was admitted: nobody.
    response = client.get(url, {"day": "01/01/2020"})
    assert response.context["f"].total == 0
    _members(cast)
    # The same reads; the session, saved by the first page, is not saved again within minutes
    # (access.middleware.SessionMiddleware): three queries fewer.
    with django_assert_num_queries(31):
        response = client.get(url, {"day": "30/06/2025", "since": "01/01/2025"})
    assert response.context["f"].total == 10


def test_a_period_start_after_the_day_is_refused_on_its_field(client, cast):
    client.force_login(cast.viewer)
    response = client.get(
        reverse("members:figures", args=[cast.grassroots.pk]),
        {"day": "30/06/2025", "since": "01/07/2025"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["since"] == ["Ngày đầu kỳ phải trước ngày lấy số liệu."]


def test_the_api_gives_the_same_figures_and_hides_other_units(client, cast):
    _members(cast)
    client.force_login(cast.cell_secretary)
    url = f"/api/v1/units/{cast.cell_a.pk}/figures"

    body = client.get(url, {"date": "2025-06-30", "since": "2021-01-01"}).json()

    assert body["members"] == {
        "total": 3,
        "official": 3,
        "probationary": 0,
        "exempted": 0,
        "temporarily_away": 0,
        "temporarily_here": 0,
    }
    assert body["admitted"] == 3
    assert body["breakdown"]["age_band"] == {"31–35": 3}
    assert client.get(f"/api/v1/units/{cast.other_cell.pk}/figures").status_code == 404
    assert client.get("/api/v1/units/999999/figures").status_code == 404
    refused = client.get(url, {"date": "2025-06-30", "since": "2025-07-01"})
    assert refused.status_code == 422


def test_children_are_placed_as_they_stood(cast):
    _members(cast)
    rows = child_figures(cast.commune, date(2025, 6, 30))
    assert sorted((r.name, r.total) for r in rows) == sorted(
        [(cast.grassroots.name, 5), (cast.other_grassroots.name, 0)]
    )


def test_an_admission_counts_on_the_ceremony_or_on_the_decision_as_configured(cast, settings):
    from ptdv.members.asof import figures

    [p] = bulk_people([cast.cell_a], 1)
    enter([(p, date(2024, 12, 20), admitted(p, date(2025, 1, 10), official=False))])
    year_2024 = (cast.cell_a, date(2024, 12, 31))

    assert figures(*year_2024, since=date(2024, 1, 1)).admitted == 0
    settings.PTDV_MEMBERS_ADMISSION_DATE = "decision"
    assert figures(*year_2024, since=date(2024, 1, 1)).admitted == 1
    assert figures(cast.cell_a, date(2025, 12, 31), since=date(2025, 1, 1)).admitted == 0
