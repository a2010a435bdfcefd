"""The dated tree (decision D28): spans kept by every write, read as of any day."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ptdv.orgs.models import Org, OrgKind, OrgSpan, span_segment
from ptdv.orgs.selectors import span_on, tree_on, unit_counts_on, units_under_on
from ptdv.orgs.services import (
    OrgInvalid,
    check_spans,
    create_org,
    dissolve_org,
    merge_units_tree,
    move_org,
    update_org,
)
from tests.factories import TODAY, make_org, system_user

JUN_30 = date(2025, 6, 30)
JUL_1 = date(2025, 7, 1)


def _spans(org):
    return list(
        OrgSpan.objects.filter(org=org)
        .order_by("valid_from")
        .values_list("name", "parent_id", "path", "valid_from", "valid_to")
    )


def _fresh(org):
    return Org.objects.get(pk=org.pk)


def _move(org, target, day, today=TODAY):
    org = _fresh(org)
    return move_org(
        org=org,
        new_parent=target,
        version=org.version,
        actor=system_user(),
        today=today,
        on_date=day,
    )


def _dissolve(org, day):
    org = _fresh(org)
    return dissolve_org(org=org, on_date=day, version=org.version, actor=system_user(), today=TODAY)


def _rename(org, name, day, today=TODAY):
    org = _fresh(org)
    return update_org(
        org=org,
        values={"name": name},
        version=org.version,
        actor=system_user(),
        today=today,
        effective_on=day,
    )


def _names(spans):
    return [s.name for s in spans]


@pytest.fixture
def quang_tri(db):
    """A province with district D holding commune C: C has a grassroots committee with two
    cells and a grassroots cell. On 1/7/2025 C moves under the province, D is dissolved."""
    province = make_org(None, OrgKind.PROVINCE, "Đảng bộ tỉnh Quảng Trị", code="QT",
                        valid_from=date(1989, 7, 1))  # fmt: skip
    district = make_org(province, OrgKind.DISTRICT, "Đảng bộ huyện Cam Lộ", code="HCL",
                        valid_from=date(1989, 7, 1))  # fmt: skip
    commune = make_org(district, OrgKind.COMMUNE, "Đảng bộ xã Cam Lộ", code="XCL",
                       valid_from=date(2000, 1, 1))  # fmt: skip
    school = make_org(commune, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ Trường THPT Cam Lộ",
                      code="THPTCL", valid_from=date(2005, 9, 1))  # fmt: skip
    make_org(school, OrgKind.CELL, "Chi bộ Tổ Toán", code="THPTCL-T", valid_from=date(2005, 9, 1))
    make_org(school, OrgKind.CELL, "Chi bộ Tổ Văn", code="THPTCL-V", valid_from=date(2005, 9, 1))
    make_org(commune, OrgKind.GRASSROOTS_CELL, "Chi bộ Trạm Y tế", code="TYT",
             valid_from=date(2008, 1, 1))  # fmt: skip
    return province, district, commune, school


def _reorganise(province, district, commune):
    _move(commune, province, JUL_1)
    _dissolve(district, JUL_1)


# --- the reference case: the 2025 abolition of the district level -------------------------


def test_reference_case_province_as_of_30_6_and_1_7_2025(quang_tri):
    province, district, commune, school = quang_tri
    _reorganise(province, district, commune)

    before = tree_on(province, JUN_30)
    after = tree_on(province, JUL_1)
    assert _names(before) == [
        "Đảng bộ huyện Cam Lộ",
        "Đảng bộ xã Cam Lộ",
        "Đảng bộ Trường THPT Cam Lộ",
        "Chi bộ Tổ Toán",
        "Chi bộ Tổ Văn",
        "Chi bộ Trạm Y tế",
    ]
    assert _names(after) == _names(before)[1:]
    commune_before = next(s for s in before if s.org_id == commune.pk)
    commune_after = next(s for s in after if s.org_id == commune.pk)
    assert (commune_before.parent_id, commune_before.depth) == (district.pk, 3)
    assert (commune_after.parent_id, commune_after.depth) == (province.pk, 2)
    cell_path = span_segment(province.pk) + span_segment(commune.pk) + span_segment(school.pk)
    assert all(s.path.startswith(cell_path) for s in after if s.kind == OrgKind.CELL)

    counts_before = unit_counts_on(province, JUN_30)
    counts_after = unit_counts_on(province, JUL_1)
    assert counts_before.by_kind[OrgKind.DISTRICT] == 1
    assert counts_after.by_kind[OrgKind.DISTRICT] == 0
    assert {k: v for k, v in counts_before.by_kind.items() if k != OrgKind.DISTRICT} == {
        k: v for k, v in counts_after.by_kind.items() if k != OrgKind.DISTRICT
    }
    assert (
        counts_after.grassroots_total,
        counts_after.grassroots_committees,
        counts_after.grassroots_cells,
        counts_after.cells,
        counts_after.sub_committees,
    ) == (2, 1, 1, 2, 0)
    assert counts_after.by_kind[OrgKind.PROVINCE] == 1  # the province counts itself

    assert span_on(district, JUN_30).name == "Đảng bộ huyện Cam Lộ"
    assert span_on(district, JUL_1) is None
    assert list(units_under_on(district, JUL_1)) == []
    assert unit_counts_on(district, JUN_30).by_kind[OrgKind.COMMUNE] == 1
    assert unit_counts_on(district, JUL_1).by_kind == dict.fromkeys(OrgKind.values, 0)
    assert check_spans() == []


def test_the_move_closes_every_span_of_the_subtree_on_the_day(quang_tri):
    province, district, commune, school = quang_tri
    _reorganise(province, district, commune)
    old = span_segment(province.pk) + span_segment(district.pk) + span_segment(commune.pk)
    new = span_segment(province.pk) + span_segment(commune.pk)
    assert _spans(school) == [
        ("Đảng bộ Trường THPT Cam Lộ", commune.pk, old + span_segment(school.pk),
         date(2005, 9, 1), JUL_1),
        ("Đảng bộ Trường THPT Cam Lộ", commune.pk, new + span_segment(school.pk), JUL_1, None),
    ]  # fmt: skip
    assert _spans(district) == [
        ("Đảng bộ huyện Cam Lộ", province.pk, span_segment(province.pk) + span_segment(district.pk),
         date(1989, 7, 1), JUL_1),
    ]  # fmt: skip
    # The live tree moved as before.
    assert _fresh(commune).get_parent() == province
    assert _fresh(commune).parent_name == "Đảng bộ tỉnh Quảng Trị"


def test_a_move_on_the_day_a_span_started_changes_it_in_place(quang_tri):
    province, district, commune, school = quang_tri
    _move(school, province, JUL_1)
    _move(school, commune, JUL_1)  # back again the same day
    assert [(p, f, t) for _n, p, _path, f, t in _spans(school)] == [
        (commune.pk, date(2005, 9, 1), JUL_1),
        (commune.pk, JUL_1, None),
    ]
    assert check_spans() == []


def test_move_defaults_to_today(quang_tri):
    province, district, commune, school = quang_tri
    _move(school, province, None)
    assert span_on(school, TODAY).parent_id == province.pk
    assert span_on(school, date(2026, 11, 20)).parent_id == commune.pk


# --- refusals ------------------------------------------------------------------------------


def _refused(call):
    before = list(OrgSpan.objects.order_by("pk").values_list())
    tree = list(Org.objects.order_by("pk").values_list("pk", "path", "version", "valid_to"))
    with pytest.raises(OrgInvalid) as exc:
        call()
    assert list(OrgSpan.objects.order_by("pk").values_list()) == before
    assert list(Org.objects.order_by("pk").values_list("pk", "path", "version", "valid_to")) == tree
    return exc.value


def test_move_refuses_a_future_date(quang_tri):
    province, _district, commune, _school = quang_tri
    error = _refused(lambda: _move(commune, province, date(2026, 11, 22)))
    assert error.field_errors == {"on_date": ["Ngày hiệu lực không thể ở tương lai."]}


def test_move_refuses_a_date_before_a_later_change_in_the_subtree(quang_tri):
    province, _district, commune, school = quang_tri
    make_org(school, OrgKind.CELL, "Chi bộ Tổ Anh", code="THPTCL-A", valid_from=date(2024, 9, 1))
    error = _refused(lambda: _move(commune, province, date(2024, 1, 1)))
    assert error.field_errors == {
        "on_date": [
            "Ngày hiệu lực không thể trước ngày 01/09/2024: Chi bộ Tổ Anh có thay đổi từ ngày đó."
        ]
    }


def test_move_refuses_a_date_before_the_units_own_last_change(quang_tri):
    province, _district, commune, _school = quang_tri
    _rename(commune, "Đảng bộ thị trấn Cam Lộ", date(2020, 1, 1))
    error = _refused(lambda: _move(commune, province, date(2019, 1, 1)))
    assert error.field_errors["on_date"][0].startswith(
        "Ngày hiệu lực không thể trước ngày 01/01/2020"
    )


def test_move_refuses_a_target_dissolved_or_not_yet_founded(quang_tri):
    province, district, commune, school = quang_tri
    new_commune = make_org(province, OrgKind.COMMUNE, "Đảng bộ xã Hiếu Giang", code="XHG",
                           valid_from=JUL_1)  # fmt: skip
    error = _refused(lambda: _move(school, new_commune, JUN_30))
    assert error.field_errors == {
        "on_date": ["Tổ chức đích Đảng bộ xã Hiếu Giang chưa thành lập vào ngày 30/06/2025."]
    }
    _reorganise(province, district, commune)
    error = _refused(lambda: _move(school, _fresh(district), JUL_1))
    assert error.field_errors == {"new_parent": ["Tổ chức đích đã giải thể."]}


def test_move_refuses_a_target_that_moved_after_the_date(quang_tri):
    province, district, commune, school = quang_tri
    other = make_org(district, OrgKind.COMMUNE, "Đảng bộ xã Cam Thủy", code="XCT")
    _move(other, province, JUL_1)
    error = _refused(lambda: _move(school, other, date(2025, 1, 1)))
    assert error.field_errors == {
        "on_date": [
            "Tổ chức đích Đảng bộ xã Cam Thủy đã được chuyển ngày 01/07/2025; "
            "ngày hiệu lực phải từ ngày đó."
        ]
    }


def test_move_refuses_under_itself_or_a_descendant(quang_tri):
    _province, _district, commune, school = quang_tri
    error = _refused(lambda: _move(commune, school, JUL_1))
    assert "new_parent" in error.field_errors
    error = _refused(lambda: _move(commune, commune, JUL_1))
    assert "new_parent" in error.field_errors


# --- rename --------------------------------------------------------------------------------


def test_rename_keeps_the_old_name_on_the_old_dates(quang_tri):
    province, _district, commune, school = quang_tri
    _rename(commune, "Đảng bộ thị trấn Cam Lộ", date(2024, 3, 1))
    assert span_on(commune, date(2024, 2, 29)).name == "Đảng bộ xã Cam Lộ"
    assert span_on(commune, date(2024, 3, 1)).name == "Đảng bộ thị trấn Cam Lộ"
    assert _names(tree_on(province, date(2024, 2, 29)))[1] == "Đảng bộ xã Cam Lộ"
    assert _names(tree_on(province, date(2024, 3, 1)))[1] == "Đảng bộ thị trấn Cam Lộ"
    # The units under it keep their one span: only the renamed unit changes.
    assert len(_spans(school)) == 1
    assert check_spans() == []


def test_rename_without_a_date_takes_effect_today_and_same_day_edits_stay_one_span(quang_tri):
    _province, _district, commune, _school = quang_tri
    _rename(commune, "Đảng bộ thị trấn Cam Lộ", None)
    _rename(commune, "Đảng bộ thị trấn Cam Lộ mới", None)
    assert [(n, f, t) for n, _p, _path, f, t in _spans(commune)] == [
        ("Đảng bộ xã Cam Lộ", date(2000, 1, 1), TODAY),
        ("Đảng bộ thị trấn Cam Lộ mới", TODAY, None),
    ]


def test_an_edit_that_changes_no_dated_attribute_writes_no_span(quang_tri):
    _province, _district, commune, _school = quang_tri
    org = _fresh(commune)
    update_org(org=org, values={"address": "Cam Lộ"}, version=org.version, actor=system_user())
    assert len(_spans(commune)) == 1


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2026, 11, 22), "Ngày hiệu lực không thể ở tương lai."),
        (
            date(1999, 12, 31),
            "Ngày hiệu lực không thể trước ngày 01/01/2000: đơn vị đã có thay đổi "
            "(thành lập, chuyển, đổi tên) từ ngày đó.",
        ),
    ],
)
def test_rename_refuses_a_date_in_the_future_or_before_the_current_span(quang_tri, day, message):
    _province, _district, commune, _school = quang_tri
    error = _refused(lambda: _rename(commune, "Đảng bộ thị trấn Cam Lộ", day))
    assert error.field_errors == {"effective_on": [message]}


def test_a_new_founding_day_moves_the_first_span(quang_tri):
    _province, _district, commune, _school = quang_tri
    org = _fresh(commune)
    update_org(
        org=org, values={"valid_from": date(1995, 1, 1)}, version=org.version, actor=system_user()
    )
    assert _spans(commune)[0][3] == date(1995, 1, 1)
    assert check_spans() == []


def test_a_kind_change_is_dated(quang_tri):
    _province, _district, _commune, school = quang_tri
    cell = Org.objects.get(code="TYT")
    update_org(org=cell, values={"kind": OrgKind.GRASSROOTS_COMMITTEE}, version=cell.version,
               actor=system_user(), today=TODAY, effective_on=date(2024, 1, 1))  # fmt: skip
    assert span_on(cell, date(2023, 12, 31)).kind == OrgKind.GRASSROOTS_CELL
    assert span_on(cell, date(2024, 1, 1)).kind == OrgKind.GRASSROOTS_COMMITTEE


# --- create, dissolve -----------------------------------------------------------------------


def test_a_unit_founded_before_its_parent_moved_follows_the_parent(quang_tri):
    province, district, commune, school = quang_tri
    _reorganise(province, district, commune)
    cell = make_org(school, OrgKind.CELL, "Chi bộ Tổ Sử", code="THPTCL-S",
                    valid_from=date(2010, 1, 1))  # fmt: skip
    assert [(f, t) for _n, _p, _path, f, t in _spans(cell)] == [
        (date(2010, 1, 1), JUL_1),
        (JUL_1, None),
    ]
    assert cell.pk in {s.org_id for s in units_under_on(district, JUN_30)}
    assert check_spans() == []


def test_dissolve_closes_the_span_on_the_day(quang_tri):
    _province, _district, _commune, school = quang_tri
    cell = Org.objects.get(code="THPTCL-T")
    _dissolve(cell, date(2024, 6, 1))
    assert span_on(cell, date(2024, 5, 31)) is not None
    assert span_on(cell, date(2024, 6, 1)) is None
    assert unit_counts_on(school, date(2024, 6, 1)).cells == 1
    assert unit_counts_on(school, date(2024, 5, 31)).cells == 2
    assert check_spans() == []


def test_dissolve_refuses_a_date_before_the_current_span(quang_tri):
    _province, _district, _commune, _school = quang_tri
    cell = Org.objects.get(code="THPTCL-T")
    _rename(cell, "Chi bộ Tổ Toán – Tin", date(2024, 1, 1))
    error = _refused(lambda: _dissolve(cell, date(2023, 6, 1)))
    assert error.field_errors == {
        "valid_to": [
            "Ngày giải thể không thể trước ngày 01/01/2024: đơn vị có thay đổi từ ngày đó."
        ]
    }


def test_a_unit_dissolved_on_its_founding_day_has_no_span(db):
    root = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="T", valid_from=date(2020, 1, 1))
    cell = make_org(root, OrgKind.GRASSROOTS_CELL, "Chi bộ", code="C", valid_from=date(2024, 1, 1))
    _dissolve(cell, date(2024, 1, 1))
    assert _spans(cell) == []
    assert check_spans() == []


# --- merge ----------------------------------------------------------------------------------


def test_merge_moves_the_children_and_dissolves_the_source(quang_tri):
    province, _district, commune, school = quang_tri
    other = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ Trường THCS Cam Lộ",
                     code="THCSCL", valid_from=date(2005, 9, 1))  # fmt: skip
    gone = make_org(school, OrgKind.CELL, "Chi bộ Tổ Hóa", code="THPTCL-H")
    _dissolve(gone, date(2022, 1, 1))
    day = date(2025, 9, 5)
    source = merge_units_tree(
        source=school, target=other, on_date=day, actor=system_user(), today=TODAY
    )
    assert source.valid_to == day
    assert [s.name for s in tree_on(other, day)] == ["Chi bộ Tổ Toán", "Chi bộ Tổ Văn"]
    assert tree_on(other, date(2025, 9, 4)) == []
    assert _names(tree_on(school, date(2025, 9, 4))) == ["Chi bộ Tổ Toán", "Chi bộ Tổ Văn"]
    assert span_on(school, day) is None
    assert _fresh(gone).get_parent() == school  # a unit gone before the merge stays put
    assert unit_counts_on(commune, day).cells == 0
    assert unit_counts_on(province, day).cells == 2
    assert check_spans() == []


def test_merge_refusals(quang_tri):
    province, district, commune, school = quang_tri
    actor = system_user()
    new_commune = make_org(province, OrgKind.COMMUNE, "Đảng bộ xã Hiếu Giang", code="XHG")
    closed = make_org(commune, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ cũ", code="CU")
    _dissolve(closed, date(2024, 1, 1))

    def merge(source, target, day=JUL_1):
        return lambda: merge_units_tree(
            source=_fresh(source), target=_fresh(target), on_date=day, actor=actor, today=TODAY
        )

    assert _refused(merge(school, school)).field_errors == {
        "target": ["Không thể hợp nhất một tổ chức vào chính nó."]
    }
    assert _refused(merge(commune, school)).field_errors == {
        "target": ["Tổ chức nhận Đảng bộ Trường THPT Cam Lộ nằm trong tổ chức bị hợp nhất "
                   "Đảng bộ xã Cam Lộ."]
    }  # fmt: skip
    assert _refused(merge(school, closed)).field_errors == {
        "target": ["Tổ chức nhận Đảng bộ cũ đã giải thể hoặc chưa thành lập vào ngày 01/07/2025."]
    }
    # Cells cannot sit directly under a commune.
    assert _refused(merge(school, new_commune)).field_errors == {
        "target": [
            "Chi bộ trực thuộc không thể trực thuộc Đảng bộ xã / phường / đặc khu (từ 1/7/2025).",
            "Chi bộ trực thuộc không thể trực thuộc Đảng bộ xã / phường / đặc khu (từ 1/7/2025).",
        ]
    }
    assert _refused(merge(school, commune, date(2026, 11, 22))).field_errors == {
        "on_date": ["Ngày hợp nhất không thể ở tương lai."]
    }


# --- check, backfill, command ---------------------------------------------------------------


def test_check_spans_reports_overlaps_holes_and_disagreements(quang_tri):
    _province, district, commune, school = quang_tri
    first = OrgSpan.objects.get(org=commune)
    first.valid_to = date(2020, 1, 1)
    first.save()
    OrgSpan.objects.create(org=commune, parent=district, path=first.path, depth=3,
                           name="Đảng bộ xã Cam Lộ", kind=OrgKind.COMMUNE,
                           valid_from=date(2021, 1, 1))  # fmt: skip
    OrgSpan.objects.filter(org=school).update(name="Tên khác")
    found = {(p.code, p.message) for p in check_spans()}
    assert found == {
        ("XCL", "Khoảng trống từ ngày 01/01/2020 đến trước ngày 01/01/2021."),
        (
            "THPTCL",
            "Giai đoạn hiện tại không khớp với cây tổ chức (vị trí, tên, cấp hoặc lĩnh vực).",
        ),
    }
    OrgSpan.objects.filter(org=commune, valid_from=date(2021, 1, 1)).update(
        valid_from=date(2019, 1, 1)
    )
    assert ("XCL", "Hai giai đoạn chồng lên nhau từ ngày 01/01/2019.") in {
        (p.code, p.message) for p in check_spans()
    }
    with pytest.raises(CommandError, match="Có 2 sai lệch"):
        call_command("check_spans")


def test_check_spans_command_on_a_consistent_tree(quang_tri, capsys):
    call_command("check_spans")
    assert capsys.readouterr().out == "Các giai đoạn tổ chức khớp với cây tổ chức.\n"


def test_the_backfill_migration_gives_every_unit_one_span_as_it_stands(quang_tri):
    from django.apps import apps

    province, district, commune, _school = quang_tri
    _reorganise(province, district, commune)
    expected = {
        org: _spans(org)[-1][1:3] for org in Org.objects.all()
    }  # parent and path of the last span
    OrgSpan.objects.all().delete()
    importlib.import_module("ptdv.orgs.migrations.0004_backfill_orgspans").backfill(apps, None)
    assert check_spans() == []
    for org in Org.objects.all():
        spans = _spans(org)
        assert len(spans) == 1
        assert spans[0][1:3] == expected[org]
        assert (spans[0][3], spans[0][4]) == (org.valid_from, org.valid_to)


# --- pages and API --------------------------------------------------------------------------


def test_move_page_takes_an_effective_date(cast):
    client = Client()
    client.force_login(cast.board_specialist)
    url = reverse("orgs:move", args=[cast.cell_a.pk])
    html = client.get(url).content.decode()
    assert "Ngày hiệu lực" in html
    assert timezone.localdate().strftime("%d/%m/%Y") in html
    data = {"new_parent": cast.other_grassroots.pk, "on_date": "01/07/2025", "version": 1}
    response = client.post(url, data)
    assert response.status_code == 302
    assert span_on(cast.cell_a, JUN_30).parent_id == cast.grassroots.pk
    assert span_on(cast.cell_a, JUL_1).parent_id == cast.other_grassroots.pk


def test_move_page_shows_the_date_refusal_on_the_field(cast):
    client = Client()
    client.force_login(cast.board_specialist)
    url = reverse("orgs:move", args=[cast.cell_a.pk])
    data = {"new_parent": cast.other_grassroots.pk, "on_date": "01/01/2019", "version": 1}
    response = client.post(url, data)
    assert response.status_code == 200
    assert (
        '<ul class="errorlist" id="id_on_date_error" role="alert"><li>Tổ chức đích Đảng bộ '
        "Công ty Cấp nước chưa thành lập vào ngày 01/01/2019.</li></ul>"
    ) in response.content.decode()
    assert _fresh(cast.cell_a).get_parent() == cast.grassroots


def test_dissolve_page_names_the_effective_date(cast):
    client = Client()
    client.force_login(cast.board_specialist)
    html = client.get(reverse("orgs:dissolve", args=[cast.cell_a.pk])).content.decode()
    assert "Ngày hiệu lực" in html


def test_api_move_accepts_an_effective_date(cast):
    client = Client()
    client.force_login(cast.board_specialist)
    response = client.post(
        f"/api/v1/orgs/{cast.cell_b.pk}/move",
        {"new_parent_id": cast.other_grassroots.pk, "version": 1, "on_date": "2025-07-01"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert span_on(cast.cell_b, JUN_30).parent_id == cast.grassroots.pk
    assert span_on(cast.cell_b, JUL_1).parent_id == cast.other_grassroots.pk


def test_api_move_refuses_a_future_date_naming_the_field(cast):
    client = Client()
    client.force_login(cast.board_specialist)
    response = client.post(
        f"/api/v1/orgs/{cast.cell_b.pk}/move",
        {"new_parent_id": cast.other_grassroots.pk, "version": 1, "on_date": "2999-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"on_date": ["Ngày hiệu lực không thể ở tương lai."]}


def test_create_org_opens_a_span_from_the_founding_day(db):
    root = create_org(
        parent=None,
        values={"name": "Tỉnh", "code": "T", "kind": OrgKind.PROVINCE, "valid_from": JUL_1},
        actor=system_user(),
        today=TODAY,
    )
    assert _spans(root) == [("Tỉnh", None, span_segment(root.pk), JUL_1, None)]
