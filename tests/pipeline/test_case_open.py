"""Opening a case with a past date and as a re-admission, from the page and the API."""

from __future__ import annotations

import json
from datetime import date
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from ptdv.members.models import Membership
from ptdv.people.models import Person
from ptdv.pipeline import actions
from ptdv.pipeline.models import Case, PoolEntry, Stage
from ptdv.pipeline.services import add_to_pool, preview_step, record_step
from tests.factories import TODAY
from tests.pipeline.factories import (
    make_candidate,
    make_former_member,
    path_steps,
    registry_row,
)
from tests.pipeline.test_services import snapshot

URL = "pipeline:case-open"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ptdv.pipeline.views._today", lambda: TODAY)


def _entry(world: Any, person: Person) -> PoolEntry:
    return add_to_pool(
        cell=world.cast.cell_a,
        person=person,
        source="youth_union",
        listed_on=date(2024, 9, 2),
        proposed_by="Chi đoàn",
        notes="",
        actor=world.cast.cell_secretary,
        today=TODAY,
    )


def test_the_pool_links_to_the_opening_form(client, world) -> None:
    entry = _entry(world, world.candidate)
    client.force_login(world.cast.cell_secretary)
    html = client.get(reverse("pipeline:pool") + f"?cell={world.cast.cell_a.pk}").content.decode()
    assert f'href="{reverse(URL)}?pool_entry={entry.pk}"' in html

    response = client.get(reverse(URL) + f"?pool_entry={entry.pk}")

    assert response.status_code == 200
    form = response.context["form"]
    assert (form["opened_on"].value(), form["source"].value()) == (TODAY, "youth_union")
    page = unescape(response.content.decode())
    assert "Lập hồ sơ phát triển đảng viên" in page
    assert "Quá trình đảng viên trước đây (chỉ khi kết nạp lại)" in page
    assert Case.objects.count() == 0  # a GET never opens a case


@pytest.mark.parametrize("who", ["viewer", "outsider", "nobody"])
def test_the_opening_form_is_404_outside_the_recording_scope(client, world, who) -> None:
    entry = _entry(world, world.candidate)
    client.force_login(world.cast.users[who])
    assert client.get(reverse(URL) + f"?pool_entry={entry.pk}").status_code == 404
    query = f"?person={world.candidate.pk}&cell={world.cast.cell_a.pk}"
    assert client.get(reverse(URL) + query).status_code == 404


def test_a_back_dated_case_accepts_the_earlier_steps(client, world) -> None:
    entry = _entry(world, world.candidate)
    client.force_login(world.cast.cell_secretary)

    response = client.post(
        reverse(URL), {"pool_entry": entry.pk, "source": "youth_union", "opened_on": "09/09/2024"}
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.opened_on, case.stage, case.stage_since) == (
        date(2024, 9, 9),
        Stage.SOURCE,
        date(2024, 9, 9),
    )
    # The course of 20/09/2024 (before today) is accepted: no DATE-ORDER against today.
    rows = path_steps(world.members, authority=world.authority, eligible=4)
    _stage, action, day, data = rows[0]
    record_step(
        case=case,
        action=action,
        occurred_on=day,
        data=data,
        version=case.version,
        actor=world.cast.cell_secretary,
        today=TODAY,
    )
    case.refresh_from_db()
    assert case.stage == Stage.TRAINED


def test_an_opening_date_in_the_future_is_refused_on_its_field(client, world) -> None:
    entry = _entry(world, world.candidate)
    client.force_login(world.cast.cell_secretary)

    response = client.post(reverse(URL), {"pool_entry": entry.pk, "opened_on": "22/11/2026"})

    assert response.status_code == 200
    assert response.context["form"].errors["opened_on"] == [
        "Ngày lập hồ sơ không được sau hôm nay."
    ]
    assert Case.objects.count() == 0


def test_a_readmission_records_the_earlier_membership_and_the_rule_judges_it(client, world) -> None:
    person = make_candidate(world.cast.cell_a, given_name="Thu")
    client.force_login(world.cast.cell_secretary)

    response = client.post(
        reverse(URL),
        {
            "person": person.pk,
            "cell": world.cast.cell_a.pk,
            "source": "other",
            "opened_on": "09/09/2024",
            "is_readmission": "on",
            "party_joined_on": "03/02/2010",
            "party_left_on": "15/03/2022",
            "party_left_reason": "resigned_hardship",
        },
    )

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.is_readmission is True
    # The earlier membership is in the registry, held outside its rolls (no cell known).
    assert registry_row(person) == (
        "left",
        date(2010, 2, 3),
        date(2010, 2, 3),
        date(2011, 2, 3),
        date(2022, 3, 15),
        "resigned",
    )
    earlier = Membership.objects.get(person=person)
    assert list(earlier.events.values_list("kind", "cause")) == [
        ("admitted", ""),
        ("recognised", ""),
        ("resigned", "resigned_hardship"),
    ]
    assert not earlier.periods.exists()
    # READMIT now judges the application by the day the person left: 36 months not yet passed.
    findings = preview_step(
        case=case,
        action=actions.APPLICATION,
        occurred_on=date(2024, 10, 14),
        data={},
        today=TODAY,
    )
    assert any(
        f.rule_id == "READMIT" and "kể từ ngày ra khỏi Đảng (15/03/2022)" in f.message
        for f in findings
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"is_readmission": "on"},
            "party_left_on",
            "Lê Văn Thu chưa được ghi nhận là đã ra khỏi Đảng: hãy nhập ngày ra khỏi Đảng để lập "
            "hồ sơ kết nạp lại.",
        ),
        (
            {"party_left_on": "15/03/2022"},
            "is_readmission",
            "Quá trình đảng viên trước đây chỉ ghi khi lập hồ sơ kết nạp lại.",
        ),
        (
            {"is_readmission": "on", "party_left_on": "10/09/2024"},
            "party_left_on",
            "Ngày ra khỏi Đảng không được sau ngày lập hồ sơ.",
        ),
        (
            {
                "is_readmission": "on",
                "party_left_on": "15/03/2022",
                "party_joined_on": "15/03/2022",
            },
            "party_joined_on",
            "Ngày vào Đảng lần trước phải trước ngày ra khỏi Đảng.",
        ),
    ],
)
def test_wrong_readmission_facts_are_refused_on_their_field(
    client, world, values, field, message
) -> None:
    person = make_candidate(
        world.cast.cell_a, family_name="Lê", middle_name="Văn", given_name="Thu"
    )
    client.force_login(world.cast.cell_secretary)
    before = snapshot()

    response = client.post(
        reverse(URL),
        {
            "person": person.pk,
            "cell": world.cast.cell_a.pk,
            "source": "other",
            "opened_on": "09/09/2024",
            **values,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert snapshot() == before


def test_recorded_membership_facts_are_never_overwritten(world, client_for) -> None:
    person = make_candidate(world.cast.cell_a, given_name="Vân")
    make_former_member(
        person, joined_on=date(2008, 5, 19), left_on=date(2019, 1, 4), reason="other"
    )
    body = {
        "person_id": person.pk,
        "cell_id": world.cast.cell_a.pk,
        "source": "other",
        "opened_on": "2024-09-09",
        "is_readmission": True,
        "party_left_on": "2020-03-01",
    }
    before = snapshot()
    client = client_for(world.cast.cell_secretary)

    response = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "party_left_on": [
            "Hồ sơ của Hoàng Thị Vân đã ghi ngày ra khỏi Đảng là 04/01/2019; thông tin nhập khác."
        ]
    }
    assert snapshot() == before
    # The same facts open the case and the registry is left as it was.
    body = {**body, "party_left_on": "2019-01-04", "party_joined_on": "2008-05-19"}
    response = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert registry_row(person) == (
        "left",
        date(2008, 5, 19),
        date(2008, 5, 19),
        date(2009, 5, 19),
        date(2019, 1, 4),
        "removed",
    )
    assert Membership.objects.filter(person=person).count() == 1
    assert Case.objects.get().opened_on == date(2024, 9, 9)


def test_the_api_refuses_an_unknown_reason(world, client_for) -> None:
    person = make_candidate(world.cast.cell_a, given_name="Yến")
    body = {
        "person_id": person.pk,
        "cell_id": world.cast.cell_a.pk,
        "source": "other",
        "opened_on": "2024-09-09",
        "is_readmission": True,
        "party_left_on": "2020-03-01",
        "party_left_reason": "bored",
    }
    client = client_for(world.cast.cell_secretary)
    response = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "party_left_reason": ["Lý do ra khỏi Đảng không nằm trong danh sách."]
    }
    assert Case.objects.count() == 0
