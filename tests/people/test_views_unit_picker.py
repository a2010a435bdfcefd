"""People pages name units with their parent and pick them by search (decision D23)."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from ptdv.orgs.models import OrgKind
from ptdv.people.models import Person
from tests.factories import make_org, make_person

CELL_A = "Chi bộ Tổ Toán – Tin — Đảng bộ Trường THPT Đông Hà"
LIST = reverse("people:list")


def _get(client, user, url, params=None) -> str:
    client.force_login(user)
    response = client.get(url, params or {})
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_list_and_dossier_name_the_unit_with_its_parent(client, cast):
    html = _get(client, cast.grassroots_officer, LIST)
    assert f"<td>{CELL_A}</td>" in html
    html = _get(client, cast.grassroots_officer, reverse("people:detail", args=[cast.person_a.pk]))
    assert f">{CELL_A}</a>" in html


def test_namesake_units_are_told_apart_and_found_without_accents(client, cast):
    dong_thanh = make_org(cast.province, OrgKind.COMMUNE, "Đảng bộ phường Đông Thanh", code="PDT")
    kp2_dh = make_org(cast.commune, OrgKind.GRASSROOTS_CELL, "Chi bộ Khu phố 2", code="DH-KP2")
    kp2_dt = make_org(dong_thanh, OrgKind.GRASSROOTS_CELL, "Chi bộ Khu phố 2", code="DT-KP2")
    make_person(kp2_dh, family_name="Đỗ", middle_name="Văn", given_name="Hà")
    make_person(kp2_dt, family_name="Đỗ", middle_name="Văn", given_name="Thanh")
    html = _get(client, cast.board_specialist, LIST, {"org_q": "khu pho 2 dong thanh"})
    radios = re.findall(r'name="org" value="(\d*)"[^>]*> <span>([^<]*)</span>', html)
    assert radios == [
        ("", "Tất cả đơn vị"),
        (str(kp2_dt.pk), "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh"),
    ]
    html = _get(client, cast.board_specialist, LIST, {"org": kp2_dt.pk})
    assert "Đỗ Văn Thanh" in html
    assert "Đỗ Văn Hà" not in html


def test_filter_by_a_unit_outside_the_scope_answers_like_an_absent_one(client, cast):
    outside = _get(client, cast.grassroots_officer, LIST, {"org": cast.other_cell.pk})
    absent = _get(client, cast.grassroots_officer, LIST, {"org": 999_999})
    message = "Đơn vị: lựa chọn không có trong danh sách."
    assert message in outside
    assert message in absent
    assert "0 người" in outside
    assert "Phân xưởng" not in outside


def test_create_in_a_unit_outside_the_scope_is_refused_like_an_absent_one(client, cast):
    before = Person.objects.count()
    client.force_login(cast.cell_secretary)
    data = {"family_name": "Ngô", "given_name": "Mai", "sex": "F", "birth_date": "17/05/1995",
            "ethnic_group": "", "education": ""}  # fmt: skip
    message = "Đơn vị quản lý: lựa chọn không có trong danh sách."
    for org in (cast.cell_b.pk, 999_999):
        response = client.post(reverse("people:create"), {**data, "org": org})
        html = unescape(response.content.decode())
        assert message in html
        assert "Tổ Văn – Sử" not in html
    assert Person.objects.count() == before


def test_the_filter_picker_stays_small_whatever_the_number_of_units(client, cast):
    for n in range(40):
        make_org(cast.grassroots, OrgKind.CELL, f"Chi bộ Tổ {n:02d}", code=f"T{n:02d}")
    html = _get(client, cast.grassroots_officer, LIST)
    # "All units" and the first 20 in tree order, then a hint to type more.
    assert html.count('type="radio" name="org"') == 21
    assert "hãy gõ thêm chữ để thu hẹp" in html
    assert '<select name="org"' not in html
