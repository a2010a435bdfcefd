"""The cell's page for meetings, dues and ratings: who may record what (404 otherwise)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from ptdv.members import services as registry
from ptdv.members.models import Absence, CellMeeting, DuesPayment, Rating
from tests.factories import TODAY, make_person, system_user


def _member(cast, name):  # type: ignore[no-untyped-def]
    return registry.enter_existing_member(
        person=make_person(cast.cell_a, given_name=name), cell=cast.cell_a,
        decision_on=date(2020, 1, 2), joined_on=date(2020, 1, 20),
        official_on=date(2021, 1, 20), actor=system_user(), today=TODAY,
    )  # fmt: skip


def test_the_cell_records_a_meeting_and_dues_and_the_committee_rates(client, cast):
    a, b = _member(cast, "Hoa"), _member(cast, "Khoa")
    url = reverse("members:activity", args=[cast.cell_a.pk])
    client.force_login(cast.cell_secretary)

    response = client.post(url, {"form": "meeting", "held_on": "10/11/2026",
                                 f"m{a.pk}": "absent", f"m{b.pk}": "present"})  # fmt: skip
    assert response.status_code == 302
    meeting = CellMeeting.objects.get(cell=cast.cell_a)
    assert list(
        Absence.objects.filter(meeting=meeting).values_list("membership_id", "with_reason")
    ) == [(a.pk, False)]
    response = client.post(url, {"form": "dues", "membership": b.pk, "paid_through": "15/10/2026"})
    assert response.status_code == 302
    assert DuesPayment.objects.filter(membership=b).latest("month").month == date(2026, 10, 1)
    # Ratings are the committee's: the cell secretary gets 404 and nothing is written.
    rating = {"form": "rating", "year": "2025", f"r{a.pk}": "good"}
    assert client.post(url, rating).status_code == 404
    assert not Rating.objects.exists()
    client.force_login(cast.grassroots_officer)
    assert client.post(url, rating).status_code == 302
    assert Rating.objects.get().level == "good"
    # A second rating of the year is refused on its field, on the page.
    response = client.post(url, rating)
    assert response.status_code == 200
    assert "mỗi năm chỉ một lần" in str(response.context["rating"].errors["year"])


def test_a_viewer_or_an_outsider_cannot_record(client, cast):
    a = _member(cast, "Hoa")
    url = reverse("members:activity", args=[cast.cell_a.pk])
    client.force_login(cast.viewer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"form": "meeting", "held_on": "10/11/2026",
                             f"m{a.pk}": "absent"}).status_code == 404  # fmt: skip
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404
    assert not CellMeeting.objects.exists()


def test_the_api_records_meetings_dues_and_ratings_with_the_same_rights(client, cast):
    a = _member(cast, "Hoa")
    base = f"/api/v1/units/{cast.cell_a.pk}"
    client.force_login(cast.cell_secretary)

    meeting = client.post(f"{base}/meetings", {"held_on": "2026-11-10", "absent": {a.pk: True}},
                          content_type="application/json")  # fmt: skip
    assert meeting.status_code == 201
    assert Absence.objects.get().with_reason is True
    dues = client.post(f"{base}/dues", {"membership_id": a.pk, "paid_through": "2026-10-01"},
                       content_type="application/json")  # fmt: skip
    assert dues.status_code == 201
    ratings = {"year": 2025, "levels": {a.pk: "good"}}
    assert (
        client.post(f"{base}/ratings", ratings, content_type="application/json").status_code == 404
    )
    client.force_login(cast.grassroots_officer)
    assert (
        client.post(f"{base}/ratings", ratings, content_type="application/json").status_code == 201
    )
    again = client.post(f"{base}/ratings", ratings, content_type="application/json")
    assert again.status_code == 422
    assert Rating.objects.count() == 1
