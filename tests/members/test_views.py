"""Member pages: permission matrix over the cast, filters, timeline, forms, query counts, and
the party standing on the person pages."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from ptdv.access.models import AccessLog
from ptdv.members import services as registry
from ptdv.members.models import EventKind, MemberEvent, Membership, Standing
from ptdv.people.models import Religion
from tests.factories import TODAY, make_person, system_user

ALL_USERS = [
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
    "outsider",
    "nobody",
]
READ_CELL_A = {
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
}
RECORD_CELL_A = READ_CELL_A - {"viewer"}
DECIDE_CELL_A = RECORD_CELL_A - {"cell_secretary"}


def enter(person, cell, *, joined_on=date(2015, 6, 1), official_on=date(2016, 6, 1), **extra):
    return registry.enter_existing_member(
        person=person,
        cell=cell,
        decision_on=joined_on,
        joined_on=joined_on,
        official_on=official_on,
        actor=system_user(),
        today=TODAY,
        **extra,
    )


@pytest.fixture
def member(cast) -> Membership:
    """person_a (Lê Thị Hồng), official member of cell_a since 01/06/2016."""
    return enter(cast.person_a, cast.cell_a)


def _names_on(html: str) -> list[str]:
    return re.findall(r'<td><a href="/dang-vien/\d+/">([^<]+)</a></td>', html)


def _snapshot():
    return (
        list(Membership.objects.order_by("pk").values()),
        list(MemberEvent.objects.order_by("pk").values()),
    )


# --- the list ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ALL_USERS)
def test_list_reaches_users_with_member_view(client, cast, member, who):
    client.force_login(cast.users[who])
    response = client.get(reverse("members:list"))
    if who == "nobody":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    expected = ["Lê Thị Hồng"] if who in READ_CELL_A else []
    assert _names_on(response.content.decode()) == expected


def test_list_rows_show_the_columns_in_name_order(client, cast, member):
    enter(make_person(cast.cell_b, family_name="Trần", given_name="An"), cast.cell_b)
    enter(make_person(cast.cell_a, family_name="Vũ", given_name="Bình", sex="F"), cast.cell_a)
    client.force_login(cast.grassroots_officer)
    html = client.get(reverse("members:list")).content.decode()
    assert _names_on(html) == ["Trần Văn An", "Vũ Văn Bình", "Lê Thị Hồng"]
    row = unescape(re.search(r"<tr>\s*<td><a[^>]*>Lê Thị Hồng</a>.*?</tr>", html, re.S).group(0))
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells == [
        "Lê Thị Hồng",
        "17/05/1995",
        "Nữ",
        "Chi bộ Tổ Toán – Tin — Đảng bộ Trường THPT Đông Hà",
        "Đảng viên chính thức",
        "01/06/2015",
        "01/06/2016",
    ]


def _list(client, **params) -> list[str]:
    return _names_on(client.get(reverse("members:list"), params).content.decode())


def test_list_filters(client, cast, member):
    left = enter(make_person(cast.cell_b, family_name="Đỗ", given_name="Cường"), cast.cell_b)
    registry.record_event(
        membership=left, kind=EventKind.RESIGNED, on=date(2024, 1, 1), actor=None, today=TODAY
    )
    probationary = enter(
        make_person(
            cast.cell_b,
            family_name="Hà",
            given_name="Dung",
            sex="F",
            birth_date=date(1960, 3, 1),
            religion=Religion.objects.order_by("rank").first(),
        ),
        cast.cell_b,
        joined_on=date(2026, 1, 5),
        official_on=None,
    )
    registry.set_away_flag(
        membership=probationary, away=True, version=probationary.version, actor=None
    )
    client.force_login(cast.grassroots_officer)
    # By default the current members only.
    assert _list(client) == ["Hà Văn Dung", "Lê Thị Hồng"]
    assert _list(client, status="left") == ["Đỗ Văn Cường"]
    assert _list(client, status="all") == ["Đỗ Văn Cường", "Hà Văn Dung", "Lê Thị Hồng"]
    assert _list(client, status="probationary") == ["Hà Văn Dung"]
    assert _list(client, status="official") == ["Lê Thị Hồng"]
    assert _list(client, sex="F") == ["Hà Văn Dung", "Lê Thị Hồng"]
    assert _list(client, unit=cast.cell_a.pk) == ["Lê Thị Hồng"]
    assert _list(client, unit=cast.grassroots.pk) == ["Hà Văn Dung", "Lê Thị Hồng"]
    assert _list(client, q="hong") == ["Lê Thị Hồng"]
    # Born 17/05/1995: 31 on the day the suite runs (2026); born 01/03/1960: over 61.
    assert _list(client, age_band="31-35") == ["Lê Thị Hồng"]
    assert _list(client, age_band="61+") == ["Hà Văn Dung"]
    assert _list(client, age_band="18-30") == []
    code = Religion.objects.order_by("rank").first().code
    assert _list(client, religion=code) == ["Hà Văn Dung"]
    assert _list(client, ethnic_group="01") == ["Hà Văn Dung", "Lê Thị Hồng"]
    # Party age by the decision date: 01/06/2015 is 11 years, 05/01/2026 under one.
    assert _list(client, party_age_from=10) == ["Lê Thị Hồng"]
    assert _list(client, party_age_to=0) == ["Hà Văn Dung"]
    assert _list(client, party_age_from=11, party_age_to=11) == ["Lê Thị Hồng"]
    assert _list(client, away="1") == ["Hà Văn Dung"]
    assert _list(client, away="0") == ["Lê Thị Hồng"]


def test_list_with_a_unit_outside_the_scope_finds_nobody(client, cast, member):
    enter(cast.person_other, cast.other_cell)
    client.force_login(cast.grassroots_officer)
    response = client.get(reverse("members:list"), {"unit": cast.other_cell.pk})
    html = unescape(response.content.decode())
    assert _names_on(html) == []
    assert "Đơn vị: lựa chọn không có trong danh sách." in html


@pytest.mark.parametrize("extra_members", [1, 25])
def test_list_query_count_does_not_grow_with_rows(
    client, cast, django_assert_num_queries, extra_members
):
    for index in range(extra_members):
        enter(make_person(cast.cell_b, given_name=f"Bình{'h' * index}"), cast.cell_b)
    client.force_login(cast.grassroots_officer)
    # session, user, grants, the five reference lists of the filters, count, page rows, and
    # the session save (savepoint, update, release)
    with django_assert_num_queries(14):
        response = client.get(reverse("members:list"), {"q": "binh", "status": "official"})
    assert len(_names_on(response.content.decode())) == extra_members


def test_list_query_count_with_every_filter(client, cast, member, django_assert_num_queries):
    client.force_login(cast.grassroots_officer)
    params = {
        "q": "le hong",
        "unit": cast.cell_a.pk,
        "status": "all",
        "sex": "F",
        "age_band": "31-35",
        "ethnic_group": "01",
        "party_age_from": 5,
        "party_age_to": 20,
        "away": "0",
    }
    # as above: the chosen unit (looked up once for the picker and the filter) replaces the
    # picker's first units
    with django_assert_num_queries(14):
        response = client.get(reverse("members:list"), params)
    assert _names_on(response.content.decode()) == ["Lê Thị Hồng"]


def test_list_htmx_answers_the_results_region_only(client, cast, member):
    client.force_login(cast.viewer)
    response = client.get(reverse("members:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert _names_on(html) == ["Lê Thị Hồng"]
    assert "HX-Request" in response["Vary"]


# --- the member page ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ALL_USERS)
def test_member_page_matrix_and_the_read_is_logged(client, cast, member, who):
    client.force_login(cast.users[who])
    logs = AccessLog.objects.count()
    response = client.get(reverse("members:detail", args=[member.pk]))
    if who not in READ_CELL_A:
        assert response.status_code == 404
        assert AccessLog.objects.count() == logs
        return
    assert response.status_code == 200
    log = AccessLog.objects.get()
    assert (log.user, log.object_type, log.object_id, log.channel) == (
        cast.users[who],
        "membership",
        str(member.pk),
        "web",
    )
    html = response.content.decode()
    assert (f'href="/dang-vien/{member.pk}/ghi-su-kien/"' in html) == (who in RECORD_CELL_A)
    assert (f'href="/dang-vien/{member.pk}/the-dang-vien/"' in html) == (who in DECIDE_CELL_A)


def test_member_page_shows_dates_card_and_the_timeline(client, cast, member):
    registry.update_card(
        membership=member,
        card_number="79012345",
        card_issued_on=date(2017, 3, 2),
        dossier_number="LL-55",
        version=Membership.objects.get(pk=member.pk).version,
        actor=None,
    )
    client.force_login(cast.grassroots_officer)
    html = unescape(client.get(reverse("members:detail", args=[member.pk])).content.decode())
    assert "79012345" in html
    assert "(cấp ngày 02/03/2017)" in html
    assert "LL-55" in html
    assert f'href="/nhan-su/{cast.person_a.pk}/"' in html
    dates = re.findall(r'<div class="timeline-date">([^<]+)</div>', html)
    assert dates == ["01/06/2015", "01/06/2016"]
    assert "<strong>Kết nạp vào Đảng</strong>" in html
    assert "<strong>Công nhận đảng viên chính thức</strong>" in html


def test_corrected_event_is_struck_through_with_its_reason_and_voided_one_marked(
    client, cast, member
):
    m = Membership.objects.get(pk=member.pk)
    exempt = registry.record_event(
        membership=m, kind=EventKind.EXEMPT_START, on=date(2023, 1, 1), actor=None, today=TODAY
    )
    registry.correct_event(
        event=exempt,
        actor=cast.grassroots_officer,
        today=TODAY,
        reason="Sai ngày quyết định",
        version=Membership.objects.get(pk=m.pk).version,
        on=date(2023, 2, 1),
    )
    ended = registry.record_event(
        membership=m, kind=EventKind.EXEMPT_END, on=date(2024, 1, 1), actor=None, today=TODAY
    )
    registry.correct_event(
        event=ended,
        actor=cast.grassroots_officer,
        today=TODAY,
        reason="Ghi nhầm người",
        version=Membership.objects.get(pk=m.pk).version,
        void=True,
    )
    client.force_login(cast.grassroots_officer)
    html = unescape(client.get(reverse("members:detail", args=[m.pk])).content.decode())
    dates = re.findall(r'<div class="timeline-date">(.*?)</div>', html)
    assert dates == [
        "01/06/2015",
        "01/06/2016",
        "<del>01/01/2023</del>",
        "01/02/2023",
        "<del>01/01/2024</del>",
    ]
    assert "<del>Miễn công tác và sinh hoạt đảng</del>" in html
    assert "lý do: Sai ngày quyết định" in html
    assert "Đã hủy</span>" in html
    assert "lý do: Ghi nhầm người" in html
    # The status follows the correction: the exemption (from 01/02/2023) was never ended.
    assert "Đang được miễn công tác và sinh hoạt đảng" in html


# --- recording an event ------------------------------------------------------------------


@pytest.mark.parametrize("who", ALL_USERS)
def test_record_event_form_matrix_offers_kinds_by_action(client, cast, member, who):
    client.force_login(cast.users[who])
    response = client.get(reverse("members:event-record", args=[member.pk]))
    if who not in RECORD_CELL_A:
        assert response.status_code == 404
        return
    select = re.search(r'<select name="kind".*?</select>', response.content.decode(), re.S)
    kinds = re.findall(r'<option value="(\w+)"', select.group(0))
    if who in DECIDE_CELL_A:
        assert kinds == [
            "exempt_start",
            "exempt_end",
            "probation_deleted",
            "removed",
            "expelled",
            "resigned",
            "died",
        ]
    else:
        assert kinds == ["exempt_start", "exempt_end"]


def _event_post(member, **extra):
    data = {
        "kind": "exempt_start",
        "on": "15/03/2024",
        "ground": "",
        "document": "QĐ 12",
        "note": "",
        "version": Membership.objects.get(pk=member.pk).version,
    }
    data.update(extra)
    return data


def test_secretary_records_an_exemption(client, cast, member):
    client.force_login(cast.cell_secretary)
    response = client.post(reverse("members:event-record", args=[member.pk]), _event_post(member))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    event = MemberEvent.objects.get(membership=member, kind=EventKind.EXEMPT_START)
    assert (event.on, event.document, event.actor, event.cell_id) == (
        date(2024, 3, 15),
        "QĐ 12",
        cast.cell_secretary,
        cast.cell_a.pk,
    )
    assert Membership.objects.get(pk=member.pk).exempted is True


def test_secretary_cannot_record_an_exit(client, cast, member):
    client.force_login(cast.cell_secretary)
    before = _snapshot()
    response = client.post(
        reverse("members:event-record", args=[member.pk]), _event_post(member, kind="died")
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Sự kiện: lựa chọn không có trong danh sách." in html
    assert _snapshot() == before


def test_removal_without_ground_shows_the_error_on_the_ground_field(client, cast, member):
    client.force_login(cast.grassroots_officer)
    before = _snapshot()
    response = client.post(
        reverse("members:event-record", args=[member.pk]), _event_post(member, kind="removed")
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert re.search(
        r'id="id_ground_error" role="alert"><li>Phải chọn căn cứ xóa tên \(một trong năm '
        r"trường hợp\).</li>",
        html,
    )
    assert _snapshot() == before


def test_stale_version_shows_a_clear_message_and_writes_nothing(client, cast, member):
    client.force_login(cast.grassroots_officer)
    data = _event_post(member)
    registry.set_away_flag(membership=member, away=True, version=data["version"], actor=None)
    before = _snapshot()
    response = client.post(reverse("members:event-record", args=[member.pk]), data)
    assert response.status_code == 200
    assert "Bản ghi đã được người khác sửa và lưu trước bạn" in unescape(response.content.decode())
    assert _snapshot() == before


# --- correcting, the card, the away flag -------------------------------------------------------


@pytest.mark.parametrize("who", ALL_USERS)
def test_correct_page_matrix(client, cast, member, who):
    event = MemberEvent.objects.get(membership=member, kind=EventKind.RECOGNISED)
    client.force_login(cast.users[who])
    before = _snapshot()
    data = {"on": "01/07/2016", "reason": "Sai ngày", "version": member.version}
    response = client.post(reverse("members:event-correct", args=[event.pk]), data)
    if who not in DECIDE_CELL_A:
        assert response.status_code == 404
        assert _snapshot() == before
        return
    assert response.status_code == 302
    correction = MemberEvent.objects.get(supersedes=event)
    assert (correction.on, correction.reason, correction.actor) == (
        date(2016, 7, 1),
        "Sai ngày",
        cast.users[who],
    )
    assert Membership.objects.get(pk=member.pk).official_on == date(2016, 7, 1)


def test_correction_requires_a_reason(client, cast, member):
    event = MemberEvent.objects.get(membership=member, kind=EventKind.RECOGNISED)
    client.force_login(cast.grassroots_officer)
    before = _snapshot()
    response = client.post(
        reverse("members:event-correct", args=[event.pk]),
        {"void": "on", "reason": "", "version": member.version},
    )
    assert response.status_code == 200
    assert "Lý do sửa là bắt buộc." in unescape(response.content.decode())
    assert _snapshot() == before


@pytest.mark.parametrize("who", ALL_USERS)
def test_card_matrix(client, cast, member, who):
    client.force_login(cast.users[who])
    before = _snapshot()
    data = {
        "card_number": "79000001",
        "card_issued_on": "02/03/2017",
        "dossier_number": "LL-1",
        "version": member.version,
    }
    response = client.post(reverse("members:card", args=[member.pk]), data)
    if who not in DECIDE_CELL_A:
        assert response.status_code == 404
        assert _snapshot() == before
        return
    assert response.status_code == 302
    m = Membership.objects.get(pk=member.pk)
    assert (m.card_number, m.card_issued_on, m.dossier_number) == (
        "79000001",
        date(2017, 3, 2),
        "LL-1",
    )


def test_card_number_already_used_shows_on_its_field(client, cast, member):
    other = enter(cast.person_b, cast.cell_b)
    registry.update_card(
        membership=other,
        card_number="79000001",
        card_issued_on=date(2017, 1, 1),
        dossier_number="",
        version=other.version,
        actor=None,
    )
    client.force_login(cast.grassroots_officer)
    before = _snapshot()
    response = client.post(
        reverse("members:card", args=[member.pk]),
        {"card_number": "79000001", "card_issued_on": "02/03/2017", "version": member.version},
    )
    assert response.status_code == 200
    assert re.search(
        r'id="id_card_number_error" role="alert"><li>Số thẻ đảng viên 79000001 đã được dùng',
        unescape(response.content.decode()),
    )
    assert _snapshot() == before


@pytest.mark.parametrize("who", ALL_USERS)
def test_away_flag_matrix(client, cast, member, who):
    client.force_login(cast.users[who])
    before = _snapshot()
    response = client.post(
        reverse("members:away", args=[member.pk]), {"away": "on", "version": member.version}
    )
    if who not in RECORD_CELL_A:
        assert response.status_code == 404
        assert _snapshot() == before
        return
    assert response.status_code == 302
    assert Membership.objects.get(pk=member.pk).away_without_transfer is True


# --- entering an existing member -------------------------------------------------------------


def _enter_post(person, cell, **extra):
    data = {
        "person": person.pk,
        "cell": cell.pk,
        "decision_on": "20/05/2010",
        "joined_on": "01/06/2010",
        "official_on": "01/06/2011",
        "card_number": "79000777",
        "card_issued_on": "01/09/2011",
        "dossier_number": "LL-7",
    }
    data.update(extra)
    return data


def test_officer_enters_an_existing_member(client, cast):
    client.force_login(cast.grassroots_officer)
    search = client.get(reverse("members:enter"), {"q": "dung"})
    assert "Trần Văn Dũng" in unescape(search.content.decode())
    response = client.post(reverse("members:enter"), _enter_post(cast.person_b, cast.cell_b))
    m = Membership.objects.get(person=cast.person_b)
    assert response["Location"] == reverse("members:detail", args=[m.pk])
    assert (
        m.status,
        m.cell_id,
        m.decision_on,
        m.joined_on,
        m.official_on,
        m.card_number,
        m.card_issued_on,
        m.dossier_number,
    ) == (
        Standing.OFFICIAL,
        cast.cell_b.pk,
        date(2010, 5, 20),
        date(2010, 6, 1),
        date(2011, 6, 1),
        "79000777",
        date(2011, 9, 1),
        "LL-7",
    )


def test_entering_a_current_member_again_shows_the_error_on_the_person(client, cast, member):
    client.force_login(cast.grassroots_officer)
    before = _snapshot()
    response = client.post(reverse("members:enter"), _enter_post(cast.person_a, cast.cell_a))
    assert response.status_code == 200
    assert "Người này đang là đảng viên; không thể có hai lần vào Đảng cùng lúc." in unescape(
        response.content.decode()
    )
    assert _snapshot() == before


def test_a_refused_card_rolls_the_whole_entry_back(client, cast):
    client.force_login(cast.grassroots_officer)
    before = _snapshot()
    # A card for a probationary member is refused after the admission was written.
    response = client.post(
        reverse("members:enter"), _enter_post(cast.person_b, cast.cell_b, official_on="")
    )
    assert response.status_code == 200
    assert "Thẻ đảng viên chỉ cấp cho đảng viên chính thức" in unescape(response.content.decode())
    assert _snapshot() == before


@pytest.mark.parametrize("who", ALL_USERS)
def test_enter_page_matrix(client, cast, who):
    client.force_login(cast.users[who])
    response = client.get(reverse("members:enter"))
    allowed = DECIDE_CELL_A | {"outsider"}
    assert response.status_code == (200 if who in allowed else 404)


# --- the person pages and the navigation -----------------------------------------------------


def test_person_page_shows_the_standing_with_links(client, cast, member):
    client.force_login(cast.grassroots_officer)
    html = unescape(client.get(reverse("people:detail", args=[cast.person_a.pk])).content.decode())
    assert "<strong>Đảng viên chính thức</strong>" in html
    assert f'href="/dang-vien/{member.pk}/">Trang đảng viên</a>' in html
    html = unescape(client.get(reverse("people:detail", args=[cast.person_b.pk])).content.decode())
    assert "<strong>Quần chúng</strong>" in html
    assert "Trang đảng viên" not in html


def test_person_list_shows_the_standing_in_one_query(
    client, cast, member, django_assert_num_queries
):
    left = enter(cast.person_b, cast.cell_b)
    registry.record_event(
        membership=left, kind=EventKind.DIED, on=date(2024, 1, 1), actor=None, today=TODAY
    )
    client.force_login(cast.grassroots_officer)
    # session, user, grants, count, page rows, standings, unit filter options, session save (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("people:list"))
    html = unescape(response.content.decode())
    rows = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>\s*<td><a.*?</tr>", html, re.S)
    ]
    rows = [(r[0], r[5]) for r in rows]
    assert rows == [("Trần Văn Dũng", "Đã ra khỏi Đảng"), ("Lê Thị Hồng", "Đảng viên chính thức")]


@pytest.mark.parametrize("who", ALL_USERS)
def test_navigation_shows_members_to_users_with_member_view(client, cast, who):
    client.force_login(cast.users[who])
    html = client.get(reverse("core:home")).content.decode()
    assert ('href="/dang-vien/"' in html) == (who != "nobody")
