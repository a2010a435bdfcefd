"""A person's enlistments (nhập ngũ) on the dossier: recorded and removed by those who may edit
the person, refused in Vietnamese when wrong, absent for everyone else, and kept in history."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ptdv.people.models import Conscription
from tests.people.test_views import ALL_USERS, EDIT_ALLOWED


def _rows():
    return list(
        Conscription.objects.order_by("pk").values_list("person_id", "org_id", "entered_on")
    )


def test_an_editor_records_a_conscription_shown_on_the_dossier(client, cast):
    client.force_login(cast.cell_secretary)
    url = reverse("people:conscription", args=[cast.person_a.pk])
    form = client.get(url).content.decode()
    assert "Ngày nhập ngũ" in form
    assert cast.person_a.org.label in form

    response = client.post(url, {"entered_on": "20/02/2026", "notes": "Đợt 1 năm 2026"})

    assert response.status_code == 302
    assert _rows() == [(cast.person_a.pk, cast.person_a.org_id, date(2026, 2, 20))]
    record = Conscription.objects.get()
    assert record.history.get().history_user == cast.cell_secretary
    dossier = client.get(response["Location"]).content.decode()
    assert "Đã ghi nhận" in dossier
    assert "nhập ngũ ngày 20/02/2026" in dossier
    assert "Đợt 1 năm 2026" in dossier
    assert reverse("people:conscription_remove", args=[record.pk]) in dossier


@pytest.mark.parametrize(
    ("entered_on", "message"),
    [
        ("", "Ngày nhập ngũ là bắt buộc."),
        ("31/02/2026", "Ngày nhập ngũ phải viết theo dạng ngày/tháng/năm"),
        ("01/01/2099", "Ngày nhập ngũ không thể sau hôm nay."),
        ("01/01/1990", "Ngày nhập ngũ không thể trước ngày sinh."),
    ],
)
def test_a_wrong_day_is_refused_naming_the_field(client, cast, entered_on, message):
    client.force_login(cast.cell_secretary)
    url = reverse("people:conscription", args=[cast.person_a.pk])
    response = client.post(url, {"entered_on": entered_on})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _rows() == []


def test_the_same_day_twice_is_refused(client, cast):
    client.force_login(cast.cell_secretary)
    url = reverse("people:conscription", args=[cast.person_a.pk])
    assert client.post(url, {"entered_on": "20/02/2026"}).status_code == 302
    again = client.post(url, {"entered_on": "20/02/2026"})
    assert "Đã ghi nhận người này nhập ngũ ngày 20/02/2026." in again.content.decode()
    assert len(_rows()) == 1


@pytest.mark.parametrize("user", ALL_USERS)
def test_only_those_who_may_edit_the_person_record_or_remove(client, cast, user):
    from ptdv.people.services import record_conscription
    from tests.factories import TODAY, system_user

    record = record_conscription(person=cast.person_a, entered_on=date(2025, 9, 1),
                                 actor=system_user(), today=TODAY)  # fmt: skip
    client.force_login(cast.users[user])
    add = reverse("people:conscription", args=[cast.person_a.pk])
    remove = reverse("people:conscription_remove", args=[record.pk])
    posted = client.post(add, {"entered_on": "20/02/2026"})
    statuses = (client.get(add).status_code, posted.status_code, client.get(remove).status_code)
    if "person_a" in EDIT_ALLOWED[user]:
        assert statuses == (200, 302, 200)
        assert len(_rows()) == 2
    else:
        assert statuses == (404, 404, 404)
        assert len(_rows()) == 1


def test_removal_needs_a_reason_and_keeps_who_and_why(client, cast):
    from ptdv.people.services import record_conscription
    from tests.factories import TODAY, system_user

    record = record_conscription(person=cast.person_a, entered_on=date(2025, 9, 1),
                                 actor=system_user(), today=TODAY)  # fmt: skip
    client.force_login(cast.cell_secretary)
    url = reverse("people:conscription_remove", args=[record.pk])
    refused = client.post(url, {"reason": "  "})
    assert "Lý do xóa là bắt buộc." in refused.content.decode()
    assert len(_rows()) == 1

    response = client.post(url, {"reason": "Ghi nhầm người"})

    assert response.status_code == 302
    assert _rows() == []
    gone = Conscription.history.filter(id=record.pk).latest("history_date")
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == (
        "-",
        cast.cell_secretary,
        "Ghi nhầm người",
    )


def test_another_persons_conscription_answers_as_absent(client, cast):
    from ptdv.people.services import record_conscription
    from tests.factories import TODAY, system_user

    other = record_conscription(person=cast.person_other, entered_on=date(2025, 9, 1),
                                actor=system_user(), today=TODAY)  # fmt: skip
    client.force_login(cast.cell_secretary)  # may edit person_a, not person_other
    url = reverse("people:conscription_remove", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert len(_rows()) == 1
