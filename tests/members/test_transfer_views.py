"""Transfer pages, API and "Việc cần làm" items (decision D34): both sides, scoped."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from ptdv.core.calendar import load_calendar
from ptdv.members.models import MemberEvent, Membership, Transfer
from ptdv.members.services import enter_existing_member
from ptdv.members.services import transfers as svc
from tests.factories import TODAY, make_person, system_user

EVERYONE = ["administrator", "board_specialist", "grassroots_officer", "cell_secretary",
            "viewer", "outsider", "nobody"]  # fmt: skip


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("members.transfer_views", "members.transfer_api", "pipeline.views"):
        monkeypatch.setattr(f"ptdv.{module}._today", lambda: TODAY)


def _member(cell: Any, given: str = "Hồng") -> Membership:
    person = make_person(cell, family_name="Lê", middle_name="Thị", given_name=given)
    return enter_existing_member(
        person=person, cell=cell, decision_on=date(2010, 1, 5), joined_on=date(2010, 1, 10),
        official_on=date(2011, 1, 10), actor=system_user(), today=TODAY,
    )  # fmt: skip


def _start(member: Membership, actor: Any, **kw: Any) -> Transfer:
    values = {"kind": "permanent", "trigger_on": date(2026, 11, 2)} | kw
    return svc.start_transfer(membership=member, actor=actor, today=TODAY, **values).transfer


def _sent(cast: Any, to_cell: Any, letter_on: date = date(2026, 11, 16)) -> Transfer:
    """A transfer from cell_a to `to_cell` whose letter was issued on `letter_on`."""
    t = _start(_member(cast.cell_a), cast.board_specialist, to_cell=to_cell)
    return svc.issue_letter(
        transfer=t, letter_on=letter_on, letter_number="9", actor=cast.cell_secretary,
        today=TODAY, version=t.version,
    )  # fmt: skip


def _state() -> list[tuple[Any, ...]]:
    return [
        *Transfer.objects.order_by("pk").values_list("pk", "state", "version"),
        *MemberEvent.objects.order_by("pk").values_list("pk", "kind"),
    ]


# --- the permission matrix -----------------------------------------------------------------

# Transfer cell_a → other_cell (another grassroots organisation): who sees it, who acts.
SEES = {"administrator", "board_specialist", "grassroots_officer", "cell_secretary", "viewer",
        "outsider"}  # fmt: skip
SENDS = {"administrator", "board_specialist", "grassroots_officer", "cell_secretary"}
RECEIVES = {"administrator", "board_specialist", "outsider"}


@pytest.mark.parametrize("who", EVERYONE)
def test_transfer_page_is_seen_by_both_sides_with_each_sides_next_step(client, cast, who) -> None:
    t = _start(_member(cast.cell_a), cast.board_specialist, to_cell=cast.other_cell)
    client.force_login(cast.users[who])
    response = client.get(reverse("transfers:detail", kwargs={"transfer_id": t.pk}))
    if who not in SEES:
        assert response.status_code == 404
        return
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Lê Thị Hồng" in html
    assert "Hạn làm thủ tục chuyển</dt><dd>" + f"{t.letter_due_on:%d/%m/%Y}" in html
    letter_url = reverse("transfers:issue-letter", kwargs={"transfer_id": t.pk})
    assert (letter_url in html) == (who in SENDS)
    if who not in SENDS:
        assert "Chờ chi bộ chuyển đi cấp giấy giới thiệu." in html


@pytest.mark.parametrize("who", EVERYONE)
def test_accept_is_the_receiving_sides_and_a_denial_changes_nothing(client, cast, who) -> None:
    t = _sent(cast, cast.other_cell)
    client.force_login(cast.users[who])
    before = _state()
    url = reverse("transfers:accept", kwargs={"transfer_id": t.pk})
    response = client.post(url, {"accepted_on": "20/11/2026", "version": t.version})
    if who in RECEIVES:
        assert response.status_code == 302
        assert Transfer.objects.get(pk=t.pk).state == "accepted"
        membership = Membership.objects.get(pk=t.membership_id)
        assert membership.cell_id == cast.other_cell.pk
    else:
        assert response.status_code == 404
        assert _state() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_issue_letter_is_the_sending_sides(client, cast, who) -> None:
    t = _start(_member(cast.cell_a), cast.board_specialist, to_cell=cast.other_cell)
    client.force_login(cast.users[who])
    before = _state()
    url = reverse("transfers:issue-letter", kwargs={"transfer_id": t.pk})
    response = client.post(
        url, {"letter_on": "16/11/2026", "letter_number": "12", "version": t.version}
    )
    if who in SENDS:
        assert response.status_code == 302
        sent = Transfer.objects.get(pk=t.pk)
        assert (sent.state, sent.letter_on, sent.letter_number) == (
            "sent",
            date(2026, 11, 16),
            "12",
        )
    else:
        assert response.status_code == 404
        assert _state() == before


def test_a_step_the_state_does_not_allow_sends_back_to_the_transfer(client, cast) -> None:
    t = _start(_member(cast.cell_a), cast.board_specialist, to_cell=cast.other_cell)
    client.force_login(cast.outsider)
    before = _state()
    url = reverse("transfers:accept", kwargs={"transfer_id": t.pk})
    response = client.post(url, {"accepted_on": "20/11/2026", "version": t.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("transfers:detail", kwargs={"transfer_id": t.pk})
    assert _state() == before


def test_stale_step_form_is_refused_with_a_message(client, cast) -> None:
    t = _start(_member(cast.cell_a), cast.cell_secretary, outside_party="Đảng bộ tỉnh khác")
    client.force_login(cast.cell_secretary)
    url = reverse("transfers:cancel", kwargs={"transfer_id": t.pk})
    response = client.post(url, {"version": t.version - 1})
    assert response.status_code == 200
    assert "Bản ghi đã được người khác sửa và lưu trước bạn" in unescape(response.content.decode())
    assert Transfer.objects.get(pk=t.pk).state == "started"


# --- start ----------------------------------------------------------------------------------


def test_start_page_creates_the_transfer_and_shows_the_due_date(client, cast) -> None:
    m = _member(cast.cell_a)
    client.force_login(cast.grassroots_officer)
    url = reverse("transfers:start", kwargs={"membership_id": m.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"kind": "permanent", "to_cell": cast.cell_b.pk, "trigger_on": "03/03/2025",
         "reason": "Chuyển công tác", "version": m.version},
        follow=True,
    )  # fmt: skip
    t = Transfer.objects.get()
    assert (t.from_cell_id, t.to_cell_id, t.letter_due_on) == (
        cast.cell_a.pk,
        cast.cell_b.pk,
        date(2025, 5, 29),
    )
    html = unescape(response.content.decode())
    assert "Đã bắt đầu chuyển sinh hoạt; hạn làm thủ tục: 29/05/2025." in html


def test_start_page_refuses_a_cell_out_of_reach_like_an_absent_one(client, cast) -> None:
    m = _member(cast.cell_a)
    client.force_login(cast.cell_secretary)
    url = reverse("transfers:start", kwargs={"membership_id": m.pk})
    form = {"kind": "permanent", "trigger_on": "03/03/2025", "version": m.version}
    unseen = unescape(client.post(url, {**form, "to_cell": cast.cell_b.pk}).content.decode())
    absent = unescape(client.post(url, {**form, "to_cell": 987654321}).content.decode())
    message = "Chi bộ chuyển đến không hợp lệ hoặc ngoài phạm vi của bạn."
    assert message in unseen
    assert message in absent
    assert Transfer.objects.count() == 0


def test_start_page_warns_about_a_short_temporary_transfer(client, cast) -> None:
    m = _member(cast.cell_a)
    client.force_login(cast.grassroots_officer)
    url = reverse("transfers:start", kwargs={"membership_id": m.pk})
    response = client.post(
        url,
        {"kind": "temporary", "to_cell": cast.cell_b.pk, "trigger_on": "02/11/2026",
         "planned_end_on": "02/12/2026", "purpose": "work", "version": m.version},
        follow=True,
    )  # fmt: skip
    html = unescape(response.content.decode())
    assert "TEMP-TRANSFER" in html
    assert Transfer.objects.get().kind == "temporary"


# --- the unit's lists -----------------------------------------------------------------------


def test_receiving_unit_lists_incoming_transfers_of_members_still_in_the_sending_cell(
    client, cast, django_assert_num_queries
) -> None:
    _sent(cast, cast.other_cell)
    client.force_login(cast.outsider)
    url = reverse("transfers:unit-list", kwargs={"org_id": cast.other_grassroots.pk})
    # session, user, grants, the unit, outgoing, incoming (with person and cells), the
    # session save (3)
    with django_assert_num_queries(9):
        response = client.get(url)
    html = unescape(response.content.decode())
    incoming = re.search(r'class="card transfers-in".*?</section>', html, re.S)
    outgoing = re.search(r'class="card transfers-out".*?</section>', html, re.S)
    assert incoming is not None
    assert outgoing is not None
    assert "Lê Thị Hồng" in incoming.group(0)
    assert "Không có." in outgoing.group(0)
    _sent(cast, cast.other_cell)
    with django_assert_num_queries(6):  # the session, saved by the first page, not again (3 fewer)
        client.get(url)
    # The sending side's unit is not the outsider's.
    url = reverse("transfers:unit-list", kwargs={"org_id": cast.grassroots.pk})
    assert client.get(url).status_code == 404


# --- Việc cần làm ---------------------------------------------------------------------------


def _letter_presented_by(days_from: int, days_to: int) -> date:
    calendar = load_calendar(TODAY.year - 1, TODAY.year + 1)
    day = TODAY
    while True:
        due = calendar.add_working_days(day, 30)
        if due <= TODAY + timedelta(days=days_to) and due >= TODAY + timedelta(days=days_from):
            return day
        day -= timedelta(days=1)


def _todo_rows(client: Any) -> dict[str, list[str]]:
    html = unescape(client.get(reverse("pipeline:todo")).content.decode())
    return {
        key: re.findall(r'<td><a href="/chuyen-sinh-hoat/\d+/">([^<]+)</a></td>\s*<td>[^<]*</td>'
                        r'\s*<td class="hide-sm">[^<]*</td>\s*<td>([^<]+)</td>', body)
        for key, body in re.findall(
            r'<section class="card todo-group todo-(\w+)".*?>(.*?)</section>', html, re.S
        )
    }  # fmt: skip


def test_todo_lists_each_sides_transfer_due_dates(client, cast, django_assert_num_queries) -> None:
    # Sending side: a letter overdue (trigger 3/8/2026 + 60 working days is before today).
    late = _member(cast.cell_a, "Lan")
    _start(late, cast.board_specialist, to_cell=cast.other_cell, trigger_on=date(2026, 8, 3))
    # Receiving side: a letter to present within 7 days.
    soon = _sent(cast, cast.other_cell, letter_on=_letter_presented_by(1, 7))
    # Home cell: a temporary transfer past its planned end (its letter's presentation too).
    away = _member(cast.cell_a, "Mai")
    t = _start(away, cast.grassroots_officer, kind="temporary", to_cell=cast.cell_b,
               trigger_on=date(2026, 3, 2), planned_end_on=date(2026, 9, 1))  # fmt: skip
    svc.issue_letter(transfer=t, letter_on=date(2026, 3, 2), letter_number="", today=TODAY,
                     actor=cast.cell_secretary, version=t.version)  # fmt: skip
    client.force_login(cast.cell_secretary)
    letter = "Làm thủ tục chuyển sinh hoạt trong 60 ngày làm việc"
    present = "Đảng viên xuất trình giấy giới thiệu trong 30 ngày làm việc"
    back = "Chuyển sinh hoạt tạm thời đến ngày dự kiến trở về"
    assert _todo_rows(client) == {
        "overdue": [("Lê Thị Mai", back), ("Lê Thị Lan", letter)],
        "week": [],
        "month": [],
    }
    client.force_login(cast.outsider)
    assert _todo_rows(client) == {
        "overdue": [],
        "week": [(soon.membership.person.full_name, present)],
        "month": [],
    }
    client.force_login(cast.grassroots_officer)
    assert _todo_rows(client)["overdue"] == [
        ("Lê Thị Mai", present),
        ("Lê Thị Mai", back),
        ("Lê Thị Lan", letter),
    ]
    # session, user, grants, due cases, due transfers (one query); the session, saved by the
    # pages before, is not saved again within minutes (access.middleware.SessionMiddleware)
    with django_assert_num_queries(5):
        client.get(reverse("pipeline:todo"))


# --- API ------------------------------------------------------------------------------------


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_api_runs_the_flow_with_422_409_and_404(client, cast) -> None:
    m = _member(cast.cell_a)
    client.force_login(cast.board_specialist)
    body = {"membership_id": m.pk, "version": m.version, "kind": "permanent",
            "to_cell_id": cast.other_cell.pk, "trigger_on": "2025-03-03"}  # fmt: skip
    refused = _post(client, "/api/v1/transfers", {**body, "to_cell_id": cast.cell_a.pk})
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["to_cell"]
    created = _post(client, "/api/v1/transfers", body)
    assert created.status_code == 201
    out = created.json()
    assert (out["state"], out["letter_due_on"], out["to_cell_id"]) == (
        "started",
        "2025-05-29",
        cast.other_cell.pk,
    )
    assert [s["code"] for s in out["next_steps"]] == ["issue-letter", "cancel"]
    tid = out["id"]
    letter = {"version": out["version"], "letter_on": "2025-06-02", "letter_number": "5"}
    sent = _post(client, f"/api/v1/transfers/{tid}/letter", letter)
    assert sent.status_code == 200
    assert (sent.json()["state"], sent.json()["present_due_on"]) == ("sent", "2025-07-14")
    stale = _post(client, f"/api/v1/transfers/{tid}/letter", letter)
    assert stale.status_code == 409
    # The receiving side's steps; the cell secretary (sending side only) gets 404 on them.
    client.force_login(cast.cell_secretary)
    accept = {"version": sent.json()["version"], "accepted_on": "2025-06-16"}
    assert _post(client, f"/api/v1/transfers/{tid}/accept", accept).status_code == 404
    client.force_login(cast.outsider)
    detail = client.get(f"/api/v1/transfers/{tid}").json()
    assert [s["code"] for s in detail["next_steps"]] == ["accept", "not-presented"]
    listed = client.get(
        "/api/v1/transfers", {"org": cast.other_grassroots.pk, "direction": "incoming"}
    ).json()
    assert [(r["id"], r["person_name"]) for r in listed["items"]] == [(tid, "Lê Thị Hồng")]
    accepted = _post(client, f"/api/v1/transfers/{tid}/accept", accept)
    assert (accepted.status_code, accepted.json()["state"]) == (200, "accepted")
    # Once accepted, the member is the receiving cell's: the sending cell still sees the record.
    client.force_login(cast.cell_secretary)
    assert client.get(f"/api/v1/transfers/{tid}").json()["next_steps"] == []


def test_api_list_pins_its_query_count(client, cast, django_assert_num_queries) -> None:
    _sent(cast, cast.other_cell)
    client.force_login(cast.board_specialist)
    params = {"org": cast.grassroots.pk, "direction": "outgoing"}
    # session, user, grants, the unit, page (with person and cells), count, the session save (3)
    with django_assert_num_queries(9):
        first = client.get("/api/v1/transfers", params).json()
    _sent(cast, cast.cell_b)
    with django_assert_num_queries(6):  # the session, saved by the first page, not again (3 fewer)
        second = client.get("/api/v1/transfers", params).json()
    assert (first["count"], second["count"]) == (1, 2)
