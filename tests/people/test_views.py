"""People pages: permission matrix over the cast, forms in Vietnamese, htmx, query counts."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from ptdv.access.models import AccessLog
from ptdv.people.models import EthnicGroup, Person, Religion
from tests.core.test_text import NAMES_IN_ORDER, full_name, shuffled_names
from tests.factories import make_person

ALL_USERS = [
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
    "outsider",
    "nobody",
]


def _names_on(html: str) -> list[str]:
    return re.findall(r'<td><a href="/nhan-su/\d+/">([^<]+)</a></td>', html)


def _snapshot():
    return list(
        Person.objects.order_by("pk").values_list("pk", "org_id", "version", "given_name", "phone")
    )


def _form_data(**extra):
    data = {
        "family_name": "Hoàng",
        "middle_name": "Thị",
        "given_name": "Mai",
        "sex": "F",
        "birth_date": "17/05/1995",
        "ethnic_group": str(EthnicGroup.objects.get(code="01").pk),
        "religion": "",
        "national_id": "",
        "phone": "",
    }
    data.update(extra)
    return data


def _edit_data(person, **extra):
    data = _form_data(
        family_name=person.family_name,
        middle_name=person.middle_name,
        given_name=person.given_name,
        sex=person.sex,
        birth_date=person.birth_date.strftime("%d/%m/%Y"),
        national_id=person.national_id or "",
        version=str(person.version),
    )
    data.update(extra)
    return data


# --- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("administrator", ["Trần Văn Dũng", "Lê Thị Hồng", "Phạm Minh Tuấn"]),
        ("board_specialist", ["Trần Văn Dũng", "Lê Thị Hồng", "Phạm Minh Tuấn"]),
        ("grassroots_officer", ["Trần Văn Dũng", "Lê Thị Hồng"]),
        ("cell_secretary", ["Lê Thị Hồng"]),
        ("viewer", ["Trần Văn Dũng", "Lê Thị Hồng"]),
        ("outsider", ["Phạm Minh Tuấn"]),
    ],
)
def test_list_shows_exactly_the_people_in_scope(client, cast, user, expected):
    client.force_login(cast.users[user])
    response = client.get(reverse("people:list"))
    assert response.status_code == 200
    assert _names_on(response.content.decode()) == expected
    assert AccessLog.objects.count() == 0  # a list is not a dossier read


def test_list_is_404_for_a_user_without_any_grant(client, cast):
    client.force_login(cast.nobody)
    assert client.get(reverse("people:list")).status_code == 404


def test_list_masks_the_national_id_and_formats_dates(client, cast):
    client.force_login(cast.cell_secretary)
    html = client.get(reverse("people:list")).content.decode()
    assert "••••••••0123" in html
    assert "045195000123" not in html
    assert "17/05/1995" in html
    assert ">Nữ<" in html
    assert "Chi bộ Tổ Toán – Tin" in html
    assert "1 người" in html


def test_list_orders_by_vietnamese_name_order(client, cast):
    Person.objects.all().delete()
    for family, middle, given in shuffled_names():
        make_person(cast.cell_a, family_name=family, middle_name=middle, given_name=given)
    client.force_login(cast.cell_secretary)
    html = client.get(reverse("people:list")).content.decode()
    assert _names_on(html) == [full_name(p) for p in NAMES_IN_ORDER]
    assert "48 người" in html


def test_list_search_and_filters_through_the_query_string(client, cast):
    make_person(cast.cell_b, family_name="Hà", middle_name="Văn", given_name="Dụng")
    make_person(cast.cell_b, family_name="Phan", middle_name="Khánh", given_name="Duy")
    client.force_login(cast.grassroots_officer)
    url = reverse("people:list")
    assert _names_on(client.get(url, {"q": "dung"}).content.decode()) == [
        "Trần Văn Dũng",
        "Hà Văn Dụng",
    ]
    assert _names_on(client.get(url, {"q": "045195000123"}).content.decode()) == ["Lê Thị Hồng"]
    assert _names_on(client.get(url, {"org": cast.cell_a.pk}).content.decode()) == ["Lê Thị Hồng"]
    assert _names_on(client.get(url, {"sex": "F"}).content.decode()) == ["Lê Thị Hồng"]
    assert _names_on(client.get(url, {"minority": "1"}).content.decode()) == []


def test_list_with_a_unit_out_of_scope_finds_nobody(client, cast):
    client.force_login(cast.grassroots_officer)
    response = client.get(reverse("people:list"), {"org": cast.other_cell.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert _names_on(html) == []
    assert "Phân xưởng" not in html  # the unit's name does not leak either


def test_list_answers_htmx_with_the_results_region_only(client, cast):
    client.force_login(cast.grassroots_officer)
    response = client.get(reverse("people:list"), {"q": "hồng"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert _names_on(html) == ["Lê Thị Hồng"]
    assert "HX-Request" in response["Vary"]


def test_list_page_has_the_live_search_form(client, cast):
    client.force_login(cast.grassroots_officer)
    html = client.get(reverse("people:list")).content.decode()
    assert 'hx-get="/nhan-su/"' in html
    assert 'hx-target="#results"' in html
    assert 'hx-trigger="submit, input delay:350ms"' in html
    assert 'method="get" action="/nhan-su/"' in html  # works without JavaScript


def test_list_paginates_by_fifty(client, cast):
    for index in range(52):
        make_person(cast.cell_a, given_name=f"An{'h' * (index % 3)}", family_name="Lê")
    client.force_login(cast.cell_secretary)
    first = client.get(reverse("people:list")).content.decode()
    second = client.get(reverse("people:list"), {"page": 2}).content.decode()
    assert len(_names_on(first)) == 50
    assert len(_names_on(second)) == 3
    assert "53 người" in first
    assert "Trang 1 / 2" in first


@pytest.mark.parametrize("extra_people", [1, 30])
def test_list_query_count_does_not_grow_with_rows(
    client, cast, django_assert_num_queries, extra_people
):
    for index in range(extra_people):
        make_person(cast.cell_b, given_name=f"Bình{'h' * index}")
    client.force_login(cast.grassroots_officer)
    # session, user, grants, unit filter options, count, page rows, the page's party
    # standings (one query), and the session save (savepoint, update, release)
    with django_assert_num_queries(10):
        response = client.get(reverse("people:list"), {"q": "b"})
    assert len(_names_on(response.content.decode())) == extra_people


def test_list_query_count_with_every_filter(client, cast, django_assert_num_queries):
    client.force_login(cast.grassroots_officer)
    with django_assert_num_queries(10):
        response = client.get(
            reverse("people:list"),
            {"q": "le hong", "org": cast.cell_a.pk, "sex": "F", "minority": "0"},
        )
    assert _names_on(response.content.decode()) == ["Lê Thị Hồng"]


# --- dossier --------------------------------------------------------------------------------

DETAIL_ALLOWED = {
    "administrator": {"person_a", "person_b", "person_other"},
    "board_specialist": {"person_a", "person_b", "person_other"},
    "grassroots_officer": {"person_a", "person_b"},
    "cell_secretary": {"person_a"},
    "viewer": {"person_a", "person_b"},
    "outsider": {"person_other"},
    "nobody": set(),
}


@pytest.mark.parametrize("user", ALL_USERS)
@pytest.mark.parametrize("who", ["person_a", "person_b", "person_other"])
def test_dossier_permission_matrix_and_one_log_row_per_read(client, cast, user, who):
    person = getattr(cast, who)
    client.force_login(cast.users[user])
    response = client.get(reverse("people:detail", args=[person.pk]))
    if who in DETAIL_ALLOWED[user]:
        assert response.status_code == 200
        log = AccessLog.objects.get()
        assert (log.user, log.object_id, log.channel) == (cast.users[user], str(person.pk), "web")
    else:
        assert response.status_code == 404
        assert person.full_name not in response.content.decode()
        assert AccessLog.objects.count() == 0


def test_dossier_shows_the_grouped_record_and_the_full_national_id(client, cast):
    client.force_login(cast.cell_secretary)
    html = client.get(reverse("people:detail", args=[cast.person_a.pk])).content.decode()
    for heading in ("Thông tin cá nhân", "Học vấn – chuyên môn", "Đoàn thể", "Cư trú – liên hệ"):
        assert f"<h2>{heading}</h2>" in html
    assert "<dt>Số CCCD</dt><dd>045195000123</dd>" in html
    assert "<dt>Ngày sinh</dt><dd>17/05/1995</dd>" in html
    assert "<dt>Tôn giáo</dt><dd>Không</dd>" in html
    assert "<dt>Đoàn viên công đoàn</dt><dd>Không</dd>" in html
    assert f'href="/to-chuc/{cast.cell_a.pk}/"' in html
    assert f'href="/nhan-su/{cast.person_a.pk}/sua/"' in html
    assert f'href="/nhan-su/{cast.person_a.pk}/lich-su/"' in html


def test_dossier_for_a_viewer_offers_no_edit_move_or_history(client, cast):
    client.force_login(cast.viewer)
    html = client.get(reverse("people:detail", args=[cast.person_a.pk])).content.decode()
    assert "/sua/" not in html
    assert "/chuyen-don-vi/" not in html
    assert "/lich-su/" not in html


# --- create ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("administrator", 200),
        ("grassroots_officer", 200),
        ("cell_secretary", 200),
        ("viewer", 404),
        ("nobody", 404),
    ],
)
def test_create_page_permission(client, cast, user, status):
    client.force_login(cast.users[user])
    assert client.get(reverse("people:create")).status_code == status


def _radios(html: str, name: str) -> list[tuple[str, bool]]:
    """Return (value, checked) of the unit picker's radio buttons named name."""
    pattern = rf'<input type="radio" name="{name}" value="(\d*)"( checked)?>'
    return [(value, bool(checked)) for value, checked in re.findall(pattern, html)]


def test_create_page_offers_only_active_units_in_scope_and_preselects(client, cast):
    client.force_login(cast.grassroots_officer)
    html = client.get(reverse("people:create")).content.decode()
    offered = [value for value, _checked in _radios(html, "org")]
    assert offered == [str(o.pk) for o in (cast.grassroots, cast.cell_a, cast.cell_b)]
    html = client.get(reverse("people:create"), {"org": cast.cell_b.pk}).content.decode()
    assert _radios(html, "org") == [(str(cast.cell_b.pk), True)]
    assert 'placeholder="dd/mm/yyyy"' in html


def test_reference_selects_list_active_items_by_rank_and_religion_may_be_none(client, cast):
    Religion.objects.filter(code="cao_dai").update(is_active=False)
    client.force_login(cast.cell_secretary)
    html = client.get(reverse("people:create")).content.decode()
    religion = html.split('name="religion"')[1].split("</select>")[0]
    assert '<option value="" selected>Không</option>' in religion
    names = [unescape(n) for n in re.findall(r'<option value="\d+">([^<]+)</option>', religion)]
    expected = list(
        Religion.objects.filter(is_active=True)
        .order_by("rank", "name")
        .values_list("name", flat=True)
    )
    assert names == expected
    assert "Cao Đài" not in names


def test_create_saves_and_redirects_to_the_dossier(client, cast):
    client.force_login(cast.cell_secretary)
    response = client.post(
        reverse("people:create"),
        _form_data(org=cast.cell_a.pk, birth_date="1995-05-17", phone="+84 912 345 678"),
    )
    person = Person.objects.get(given_name="Mai")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert (person.org, person.birth_date.isoformat(), person.phone) == (
        cast.cell_a,
        "1995-05-17",
        "0912345678",
    )
    assert person.history.get().history_user == cast.cell_secretary


def test_create_in_a_unit_out_of_scope_is_refused_and_nothing_is_written(client, cast):
    before = _snapshot()
    client.force_login(cast.cell_secretary)
    response = client.post(reverse("people:create"), _form_data(org=cast.cell_b.pk))
    assert response.status_code == 200
    assert "Đơn vị quản lý: lựa chọn không có trong danh sách." in response.content.decode()
    assert _snapshot() == before


def test_create_by_a_viewer_is_404_and_nothing_is_written(client, cast):
    before = _snapshot()
    client.force_login(cast.viewer)
    response = client.post(reverse("people:create"), _form_data(org=cast.cell_a.pk))
    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"given_name": ""}, "Tên là bắt buộc."),
        ({"birth_date": "31/02/1995"}, "Ngày sinh phải viết theo dạng ngày/tháng/năm"),
        ({"birth_date": "01/01/2030"}, "Ngày sinh không thể ở tương lai."),
        ({"ethnic_group": ""}, "Dân tộc là bắt buộc."),
        ({"national_id": "04519500"}, "Số CCCD phải gồm đúng 12 chữ số (đang có 8 ký tự)."),
        ({"phone": "12345"}, "Số điện thoại không đúng định dạng"),
        ({"family_name": "Hoàng2"}, "Họ chỉ được chứa chữ cái và dấu cách."),
    ],
)
def test_form_errors_are_in_vietnamese_and_name_the_field(client, cast, extra, message):
    before = _snapshot()
    client.force_login(cast.cell_secretary)
    response = client.post(reverse("people:create"), _form_data(org=cast.cell_a.pk, **extra))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'class="field has-error' in html
    assert 'value="Hoàng' in html  # the input is kept
    assert _snapshot() == before


def test_duplicate_national_id_names_the_other_record_only_inside_the_scope(client, cast):
    client.force_login(cast.grassroots_officer)
    html = client.post(
        reverse("people:create"), _form_data(org=cast.cell_b.pk, national_id="045195000123")
    ).content.decode()
    assert "hồ sơ của Lê Thị Hồng, sinh 17/05/1995" in html

    client.force_login(cast.outsider)
    html = client.post(
        reverse("people:create"),
        _form_data(org=cast.other_cell.pk, national_id="045195000123"),
    ).content.decode()
    assert "Số CCCD 045195000123 đã có trong hệ thống." in html
    assert "Lê Thị Hồng" not in html
    assert Person.objects.filter(national_id="045195000123").count() == 1


# --- edit -----------------------------------------------------------------------------------

EDIT_ALLOWED = {
    "administrator": {"person_a", "person_b", "person_other"},
    "board_specialist": {"person_a", "person_b", "person_other"},
    "grassroots_officer": {"person_a", "person_b"},
    "cell_secretary": {"person_a"},
    "viewer": set(),
    "outsider": {"person_other"},
    "nobody": set(),
}


@pytest.mark.parametrize("user", ALL_USERS)
@pytest.mark.parametrize("who", ["person_a", "person_other"])
def test_edit_permission_matrix(client, cast, user, who):
    person = getattr(cast, who)
    before = _snapshot()
    client.force_login(cast.users[user])
    url = reverse("people:edit", args=[person.pk])
    get = client.get(url)
    post = client.post(url, _edit_data(person, phone="0912345678"))
    if who in EDIT_ALLOWED[user]:
        assert (get.status_code, post.status_code) == (200, 302)
        person.refresh_from_db()
        assert (person.phone, person.version) == ("0912345678", 2)
    else:
        assert (get.status_code, post.status_code) == (404, 404)
        assert person.full_name not in get.content.decode()
        assert _snapshot() == before


def test_edit_form_shows_current_values_in_day_month_year(client, cast):
    client.force_login(cast.cell_secretary)
    html = client.get(reverse("people:edit", args=[cast.person_a.pk])).content.decode()
    assert 'value="17/05/1995"' in html
    assert 'value="045195000123"' in html
    assert 'name="version" value="1"' in html


def test_edit_form_keeps_a_retired_reference_item_the_person_already_has(client, cast):
    tay = EthnicGroup.objects.get(name="Tày")
    person = make_person(cast.cell_a, given_name="Xuân", ethnic_group=tay)
    EthnicGroup.objects.filter(pk=tay.pk).update(is_active=False)
    client.force_login(cast.cell_secretary)
    html = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    assert f'<option value="{tay.pk}" selected>Tày</option>' in html
    create_html = client.get(reverse("people:create")).content.decode()
    assert ">Tày</option>" not in create_html


def test_edit_with_a_stale_version_keeps_the_input_and_explains(client, cast):
    client.force_login(cast.cell_secretary)
    url = reverse("people:edit", args=[cast.person_a.pk])
    assert client.post(url, _edit_data(cast.person_a, job_title="Giáo viên")).status_code == 302
    before = _snapshot()
    response = client.post(url, _edit_data(cast.person_a, job_title="Tổ trưởng chuyên môn"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bản ghi đã được người khác sửa và lưu trước bạn (phiên bản hiện tại: 2)." in html
    assert 'value="Tổ trưởng chuyên môn"' in html
    assert _snapshot() == before


# --- move -----------------------------------------------------------------------------------


def test_move_to_another_unit_in_scope(client, cast):
    client.force_login(cast.grassroots_officer)
    url = reverse("people:move", args=[cast.person_a.pk])
    html = client.get(url).content.decode()
    offered = [value for value, _checked in _radios(html, "org")]
    assert offered == [str(cast.grassroots.pk), str(cast.cell_b.pk)]  # not its current unit
    response = client.post(url, {"org": cast.cell_b.pk, "version": 1, "reason": "Chuyển tổ"})
    assert response.status_code == 302
    cast.person_a.refresh_from_db()
    assert (cast.person_a.org, cast.person_a.version) == (cast.cell_b, 2)


def test_move_out_of_the_editors_scope_is_refused(client, cast):
    before = _snapshot()
    client.force_login(cast.cell_secretary)
    response = client.post(
        reverse("people:move", args=[cast.person_a.pk]), {"org": cast.cell_b.pk, "version": 1}
    )
    assert response.status_code == 200
    assert "Chuyển sang đơn vị: lựa chọn không có trong danh sách." in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("user", ["viewer", "outsider", "nobody"])
def test_move_is_404_without_edit_rights_on_the_person(client, cast, user):
    before = _snapshot()
    client.force_login(cast.users[user])
    url = reverse("people:move", args=[cast.person_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"org": cast.cell_b.pk, "version": 1}).status_code == 404
    assert _snapshot() == before


def test_move_with_a_stale_version_changes_nothing(client, cast):
    before = _snapshot()
    client.force_login(cast.grassroots_officer)
    response = client.post(
        reverse("people:move", args=[cast.person_a.pk]), {"org": cast.cell_b.pk, "version": 5}
    )
    assert "Bản ghi đã được người khác sửa và lưu trước bạn" in response.content.decode()
    assert _snapshot() == before


# --- history --------------------------------------------------------------------------------

HISTORY_ALLOWED = {
    "administrator": True,
    "board_specialist": True,
    "grassroots_officer": True,
    "cell_secretary": True,
    "viewer": False,
    "outsider": False,
    "nobody": False,
}


@pytest.mark.parametrize("user", ALL_USERS)
def test_history_permission_matrix(client, cast, user):
    client.force_login(cast.users[user])
    response = client.get(reverse("people:history", args=[cast.person_a.pk]))
    if HISTORY_ALLOWED[user]:
        assert response.status_code == 200
        assert "Lịch sử thay đổi: Lê Thị Hồng" in response.content.decode()
        assert AccessLog.objects.get().kind == AccessLog.Kind.HISTORY
    else:
        assert response.status_code == 404
        assert AccessLog.objects.count() == 0


def test_history_shows_who_changed_what(client, cast):
    client.force_login(cast.cell_secretary)
    client.post(
        reverse("people:edit", args=[cast.person_a.pk]),
        _edit_data(cast.person_a, job_title="Giáo viên Toán"),
    )
    html = client.get(reverse("people:history", args=[cast.person_a.pk])).content.decode()
    assert "Giáo viên Toán" in html
    assert "bithu" in html
