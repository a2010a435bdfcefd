"""Create, edit, move, dissolve and history pages: scoped, versioned, PRG."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from ptdv.access.models import AccessLog
from ptdv.orgs.models import DecidingBody, Org, OrgKind
from ptdv.orgs.services import update_org
from tests.factories import make_org


def _url(name, org):
    return reverse(f"orgs:{name}", args=[org.pk])


def _snapshot():
    return list(
        Org.objects.order_by("pk").values_list(
            "pk", "path", "name", "kind", "version", "valid_to", "admission_delegated"
        )
    )


def _post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def _org_data(**extra):
    data = {
        "name": "Chi bộ Tổ Hóa – Sinh",
        "code": "THPTDH-HS",
        "kind": OrgKind.CELL,
        "field": "school",
        "valid_from": "01/09/2024",
    }
    data.update(extra)
    return data


def _edit_data(org, **extra):
    data = {
        "name": org.name,
        "short_name": org.short_name,
        "code": org.code,
        "kind": org.kind,
        "field": org.field,
        "valid_from": org.valid_from.strftime("%d/%m/%Y"),
        "address": org.address,
        "notes": org.notes,
        "version": org.version,
    }
    data.update(extra)
    return data


# --- create -------------------------------------------------------------------------------


def test_create_adds_a_sub_unit_and_redirects_to_it(client, cast):
    response = _post(client, cast.grassroots_officer, _url("create", cast.grassroots), _org_data())
    org = Org.objects.get(code="THPTDH-HS")
    assert response.status_code == 302
    assert response["Location"] == f"/to-chuc/{org.pk}/"
    assert (org.name, org.kind, org.valid_from, org.depth) == (
        "Chi bộ Tổ Hóa – Sinh",
        OrgKind.CELL,
        date(2024, 9, 1),
        4,
    )
    assert org.path.startswith(cast.grassroots.path)
    assert org.history.get().history_user == cast.grassroots_officer


def test_create_accepts_the_html_date_input_format(client, cast):
    _post(client, cast.board_specialist, _url("create", cast.grassroots),
          _org_data(valid_from="2024-09-01"))  # fmt: skip
    assert Org.objects.get(code="THPTDH-HS").valid_from == date(2024, 9, 1)


def test_create_form_offers_only_kinds_allowed_under_the_parent(client, cast):
    client.force_login(cast.board_specialist)
    html = client.get(_url("create", cast.grassroots)).content.decode()
    start = html.index('<select name="kind"')
    options = html[start : html.index("</select>", start)]
    assert options.count("<option") == 4
    for label in ["Đảng bộ cơ sở", "Chi bộ cơ sở", "Đảng bộ bộ phận", "Chi bộ trực thuộc"]:
        assert f">{label}</option>" in options
    assert 'placeholder="dd/mm/yyyy"' in html
    assert 'name="admission_delegated"' in html


def test_create_refuses_a_kind_not_allowed_here(client, cast):
    before = _snapshot()
    response = _post(client, cast.board_specialist, _url("create", cast.grassroots),
                     _org_data(kind=OrgKind.COMMUNE))  # fmt: skip
    assert response.status_code == 200
    assert (
        "<li>Cấp tổ chức này không thể trực thuộc tổ chức cấp trên của nó.</li>"
        in response.content.decode()
    )
    assert _snapshot() == before


def test_create_shows_the_services_refusal_on_the_field(client, cast):
    before = _snapshot()
    response = _post(client, cast.board_specialist, _url("create", cast.grassroots),
                     _org_data(code="thptdh-tt"))  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "<li>Mã tổ chức THPTDH-TT đã được dùng cho đơn vị khác.</li>" in html
    assert 'value="Chi bộ Tổ Hóa – Sinh"' in html  # the form is kept as typed
    assert _snapshot() == before


def test_create_rejects_a_badly_typed_date(client, cast):
    response = _post(client, cast.board_specialist, _url("create", cast.grassroots),
                     _org_data(valid_from="31/02/2024"))  # fmt: skip
    assert "Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/07/2025." in response.content.decode()
    assert not Org.objects.filter(code="THPTDH-HS").exists()


def test_create_ignores_authority_fields_without_the_permission(client, cast):
    client.force_login(cast.grassroots_officer)
    html = client.get(_url("create", cast.grassroots)).content.decode()
    assert 'name="admission_delegated"' not in html
    assert 'name="deciding_body"' not in html
    data = _org_data(
        kind=OrgKind.GRASSROOTS_COMMITTEE,
        code="DBMOI",
        admission_delegated="on",
        admission_delegated_from="01/07/2025",
        deciding_body=DecidingBody.FULL_COMMITTEE,
        vested_superior_powers="on",
    )
    client.post(_url("create", cast.grassroots), data)
    org = Org.objects.get(code="DBMOI")
    assert (
        org.admission_delegated,
        org.admission_delegated_from,
        org.deciding_body,
        org.vested_superior_powers,
    ) == (False, None, "", False)


def test_create_sets_authority_fields_with_the_permission(client, cast):
    data = _org_data(
        kind=OrgKind.GRASSROOTS_COMMITTEE,
        code="DBMOI",
        admission_delegated="on",
        admission_delegated_from="01/07/2025",
    )
    _post(client, cast.board_specialist, _url("create", cast.commune), data)
    org = Org.objects.get(code="DBMOI")
    assert (org.admission_delegated, org.admission_delegated_from) == (True, date(2025, 7, 1))


@pytest.mark.parametrize("who", ["viewer", "cell_secretary", "outsider", "nobody"])
def test_create_out_of_permission_is_404_and_nothing_changes(client, cast, who):
    before = _snapshot()
    response = _post(client, cast.users[who], _url("create", cast.grassroots), _org_data())
    assert response.status_code == 404
    assert client.get(_url("create", cast.grassroots)).status_code == 404
    assert _snapshot() == before


def test_create_under_a_cell_is_404(client, cast):
    client.force_login(cast.board_specialist)
    assert client.get(_url("create", cast.cell_a)).status_code == 404


# --- edit ---------------------------------------------------------------------------------


def test_edit_saves_and_redirects(client, cast):
    data = _edit_data(cast.cell_a, name="Chi bộ Toán – Tin học", valid_from="2019-09-05")
    response = _post(client, cast.grassroots_officer, _url("edit", cast.cell_a), data)
    assert response.status_code == 302
    assert response["Location"] == f"/to-chuc/{cast.cell_a.pk}/"
    org = Org.objects.get(pk=cast.cell_a.pk)
    assert (org.name, org.valid_from, org.version) == (
        "Chi bộ Toán – Tin học",
        date(2019, 9, 5),
        2,
    )


def test_edit_form_posts_the_version_and_shows_dates_as_dd_mm_yyyy(client, cast):
    client.force_login(cast.grassroots_officer)
    html = client.get(_url("edit", cast.cell_a)).content.decode()
    assert '<input type="hidden" name="version" value="1" id="id_version">' in html
    assert 'name="valid_from" value="01/01/2020"' in html


def test_edit_with_a_stale_version_keeps_the_form_and_writes_nothing(client, cast):
    update_org(org=cast.cell_a, values={"address": "Phòng 2"}, version=1,
               actor=cast.board_specialist)  # fmt: skip
    before = _snapshot()
    data = _edit_data(cast.cell_a, name="Tên tôi vừa gõ", version=1)
    response = _post(client, cast.grassroots_officer, _url("edit", cast.cell_a), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Bản ghi đã được người khác sửa và lưu trước bạn (phiên bản hiện tại: 2). "
        "Hãy tải lại trang, xem thay đổi mới rồi nhập lại."
    ) in html
    assert 'value="Tên tôi vừa gõ"' in html
    assert _snapshot() == before


def test_edit_ignores_posted_authority_fields_without_the_permission(client, cast):
    data = _edit_data(
        cast.grassroots,
        admission_delegated="on",
        admission_delegated_from="01/07/2025",
        deciding_body=DecidingBody.FULL_COMMITTEE,
    )
    response = _post(client, cast.grassroots_officer, _url("edit", cast.grassroots), data)
    assert response.status_code == 302
    org = Org.objects.get(pk=cast.grassroots.pk)
    assert (org.admission_delegated, org.deciding_body, org.version) == (False, "", 1)


def test_edit_sets_authority_with_the_permission(client, cast):
    data = _edit_data(
        cast.grassroots,
        admission_delegated="on",
        admission_delegated_from="01/07/2025",
        deciding_body=DecidingBody.FULL_COMMITTEE,
    )
    _post(client, cast.board_specialist, _url("edit", cast.grassroots), data)
    org = Org.objects.get(pk=cast.grassroots.pk)
    assert (org.admission_delegated, org.admission_delegated_from, org.deciding_body) == (
        True,
        date(2025, 7, 1),
        DecidingBody.FULL_COMMITTEE,
    )


def test_edit_delegation_without_a_date_is_refused_on_the_field(client, cast):
    data = _edit_data(cast.grassroots, admission_delegated="on")
    response = _post(client, cast.board_specialist, _url("edit", cast.grassroots), data)
    assert "<li>Cần ghi ngày ủy quyền kết nạp có hiệu lực.</li>" in response.content.decode()
    assert Org.objects.get(pk=cast.grassroots.pk).admission_delegated is False


def test_edit_offers_only_kinds_that_fit_parent_and_children(client, cast):
    client.force_login(cast.board_specialist)
    html = client.get(_url("edit", cast.grassroots)).content.decode()
    start = html.index('<select name="kind"')
    options = html[start : html.index("</select>", start)]
    # Under a commune: committee or grassroots cell; only a committee can hold its cells.
    assert options.count("<option") == 1
    assert ">Đảng bộ cơ sở</option>" in options


@pytest.mark.parametrize("who", ["viewer", "cell_secretary", "outsider", "nobody"])
def test_edit_out_of_permission_is_404_and_nothing_changes(client, cast, who):
    before = _snapshot()
    data = _edit_data(cast.grassroots, name="Bị sửa trộm")
    response = _post(client, cast.users[who], _url("edit", cast.grassroots), data)
    assert response.status_code == 404
    assert _snapshot() == before


# --- move ---------------------------------------------------------------------------------


def test_move_lists_candidates_outside_the_subtree(client, cast):
    client.force_login(cast.board_specialist)
    html = client.get(_url("move", cast.grassroots)).content.decode()
    # The unit picker offers the province and the other committee (with its parent's name).
    offered = re.findall(
        r'<input type="radio" name="new_parent" value="(\d+)"> <span>([^<]*)</span>', html
    )
    assert offered == [
        (str(cast.province.pk), "Tỉnh ủy Quảng Trị"),
        (str(cast.other_grassroots.pk), "Đảng bộ Công ty Cấp nước — Đảng bộ phường Đông Hà"),
    ]


def test_move_moves_the_subtree(client, cast):
    data = {"new_parent": cast.other_grassroots.pk, "version": 1}
    response = _post(client, cast.board_specialist, _url("move", cast.cell_a), data)
    assert response.status_code == 302
    org = Org.objects.get(pk=cast.cell_a.pk)
    assert org.path.startswith(cast.other_grassroots.path)
    assert org.version == 2


def test_move_under_its_own_descendant_is_refused(client, cast):
    before = _snapshot()
    data = {"new_parent": cast.cell_a.pk, "version": 1}
    response = _post(client, cast.board_specialist, _url("move", cast.grassroots), data)
    assert response.status_code == 200
    assert (
        "<li>Tổ chức đích không hợp lệ hoặc ngoài phạm vi của bạn.</li>"
        in response.content.decode()
    )
    assert _snapshot() == before


def test_move_with_a_stale_version_is_refused(client, cast):
    update_org(org=cast.cell_a, values={"address": "Phòng 2"}, version=1,
               actor=cast.board_specialist)  # fmt: skip
    before = _snapshot()
    data = {"new_parent": cast.other_grassroots.pk, "version": 1}
    response = _post(client, cast.board_specialist, _url("move", cast.cell_a), data)
    assert "phiên bản hiện tại: 2" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["grassroots_officer", "viewer", "cell_secretary", "outsider"])
def test_move_out_of_permission_is_404_and_nothing_changes(client, cast, who):
    before = _snapshot()
    data = {"new_parent": cast.other_grassroots.pk, "version": 1}
    response = _post(client, cast.users[who], _url("move", cast.cell_a), data)
    assert response.status_code == 404
    assert _snapshot() == before


# --- dissolve -----------------------------------------------------------------------------


def test_dissolve_an_empty_unit(client, cast):
    empty = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục", code="TD")
    data = {"valid_to": "30/06/2025", "version": 1}
    response = _post(client, cast.board_specialist, _url("dissolve", empty), data)
    assert response.status_code == 302
    assert Org.objects.get(pk=empty.pk).valid_to == date(2025, 6, 30)


def test_dissolve_page_asks_for_confirmation(client, cast):
    client.force_login(cast.board_specialist)
    html = client.get(_url("dissolve", cast.cell_a)).content.decode()
    assert 'data-confirm="Ghi nhận giải thể “Chi bộ Tổ Toán – Tin”?"' in html
    assert '<button class="btn btn-danger">Giải thể</button>' in html


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("cell_a", "Còn 1 người đang được quản lý trong tổ chức này; hãy chuyển họ đi trước."),
        (
            "grassroots",
            "Còn 2 tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể chúng trước.",
        ),
    ],
)
def test_dissolve_is_refused_while_people_or_sub_units_remain(client, cast, unit, message):
    before = _snapshot()
    data = {"valid_to": "30/06/2025", "version": 1}
    response = _post(client, cast.board_specialist, _url("dissolve", getattr(cast, unit)), data)
    assert response.status_code == 200
    assert f"<li>{message}</li>" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["grassroots_officer", "viewer", "cell_secretary", "outsider"])
def test_dissolve_out_of_permission_is_404_and_nothing_changes(client, cast, who):
    empty = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục", code="TD")
    before = _snapshot()
    data = {"valid_to": "30/06/2025", "version": 1}
    response = _post(client, cast.users[who], _url("dissolve", empty), data)
    assert response.status_code == 404
    assert _snapshot() == before


# --- history ------------------------------------------------------------------------------


def test_history_page_lists_changes_and_logs_the_read(client, cast):
    update_org(org=cast.cell_a, values={"name": "Chi bộ Toán – Tin học"}, version=1,
               actor=cast.grassroots_officer)  # fmt: skip
    client.force_login(cast.cell_secretary)
    response = client.get(_url("history", cast.cell_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Lịch sử thay đổi: Chi bộ Toán – Tin học</h1>" in html
    assert f'<a href="/to-chuc/{cast.cell_a.pk}/">‹ Chi bộ Toán – Tin học</a>' in html
    assert (
        "<td><del>Chi bộ Tổ Toán – Tin</del></td><td><ins>Chi bộ Toán – Tin học</ins></td>" in html
    )
    log = AccessLog.objects.get()
    assert (log.user, log.kind) == (cast.cell_secretary, AccessLog.Kind.HISTORY)


@pytest.mark.parametrize("who", ["viewer", "outsider", "nobody"])
def test_history_without_permission_is_404_and_not_logged(client, cast, who):
    client.force_login(cast.users[who])
    assert client.get(_url("history", cast.cell_a)).status_code == 404
    assert AccessLog.objects.count() == 0


def test_superuser_creates_a_root_unit_on_an_empty_database(client, db):
    from ptdv.access.models import User

    admin = User.objects.create_superuser(username="root", password="mat-khau-thu-nghiem")
    client.force_login(admin)
    tree = client.get(reverse("orgs:tree"))
    assert tree.status_code == 200
    assert reverse("orgs:create-root") in tree.content.decode()
    response = client.post(
        reverse("orgs:create-root"),
        {
            "name": "Đảng bộ tỉnh Hà Tĩnh",
            "code": "ht",
            "kind": OrgKind.PROVINCE,
            "field": "other",
            "valid_from": "01/07/2025",
            "deciding_body": "",
        },
    )
    org = Org.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:detail", kwargs={"org_id": org.pk})
    assert (org.name, org.code, org.kind, org.depth) == (
        "Đảng bộ tỉnh Hà Tĩnh",
        "HT",
        "province",
        1,
    )
    assert org.history.get().history_user == admin


def test_only_a_superuser_may_create_a_root(client, cast):
    before = Org.objects.count()
    client.force_login(cast.administrator)  # administrator role, but not the deployment superuser
    assert client.get(reverse("orgs:create-root")).status_code == 404
    response = client.post(
        reverse("orgs:create-root"),
        {"name": "X", "code": "X", "kind": OrgKind.PROVINCE, "valid_from": "01/07/2025"},
    )
    assert response.status_code == 404
    assert Org.objects.count() == before
    assert reverse("orgs:create-root") not in client.get(reverse("orgs:tree")).content.decode()
