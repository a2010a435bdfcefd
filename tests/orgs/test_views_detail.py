"""The unit page: facts, admission authority, sub-units, people, actions; scoped."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ptdv.orgs.models import OrgKind
from ptdv.orgs.services import dissolve_org, update_org
from tests.factories import TODAY, make_org


def _detail(org):
    return reverse("orgs:detail", args=[org.pk])


def _get(client, user, url, **data):
    client.force_login(user)
    return client.get(url, data)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("administrator", 200),
        ("board_specialist", 200),
        ("grassroots_officer", 200),
        ("viewer", 200),
        # A grant covers its unit's subtree only: the cell secretary cannot open the
        # grassroots committee above their cell.
        ("cell_secretary", 404),
        ("outsider", 404),
        ("nobody", 404),
    ],
)
def test_grassroots_page_is_scoped(client, cast, who, status):
    assert _get(client, cast.users[who], _detail(cast.grassroots)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("cell_secretary", 200), ("viewer", 200), ("outsider", 404), ("nobody", 404)],
)
def test_cell_page_is_scoped(client, cast, who, status):
    assert _get(client, cast.users[who], _detail(cast.cell_a)).status_code == status


def test_unknown_unit_is_404(client, cast):
    assert _get(client, cast.administrator, "/to-chuc/999999/").status_code == 404


def test_breadcrumb_links_only_ancestors_in_scope(client, cast):
    html = _get(client, cast.grassroots_officer, _detail(cast.cell_a)).content.decode()
    assert (
        "<li>Tỉnh ủy Quảng Trị</li><li>Đảng bộ phường Đông Hà</li>"
        f'<li><a href="/to-chuc/{cast.grassroots.pk}/">Đảng bộ Trường THPT Đông Hà</a></li>'
    ) in html
    assert f'href="/to-chuc/{cast.commune.pk}/"' not in html
    assert '<li aria-current="page">Chi bộ Tổ Toán – Tin</li>' in html


def test_facts_are_shown_with_dates_as_dd_mm_yyyy(client, cast):
    update_org(
        org=cast.grassroots,
        values={
            "address": "Số 2 Lê Lợi, Đông Hà",
            "admission_delegated": True,
            "admission_delegated_from": date(2025, 7, 1),
        },
        version=1,
        actor=cast.board_specialist,
    )
    html = _get(client, cast.viewer, _detail(cast.grassroots)).content.decode()
    for fact in [
        "<dt>Mã tổ chức</dt><dd>THPTDH</dd>",
        "<dt>Cấp tổ chức</dt><dd>Đảng bộ cơ sở</dd>",
        "<dt>Lĩnh vực, loại hình</dt><dd>Trường học</dd>",
        "<dt>Thành lập ngày</dt><dd>01/01/2020</dd>",
        "<dt>Giải thể ngày</dt><dd>—</dd>",
        "<dt>Địa chỉ</dt><dd>Số 2 Lê Lợi, Đông Hà</dd>",
        "<dt>Được giao quyền cấp trên cơ sở</dt><dd>Không</dd>",
        "<dt>Ủy quyền kết nạp đảng viên</dt><dd>Có, hiệu lực từ 01/07/2025</dd>",
    ]:
        assert fact in html
    # The delegation is in force today: the committee decides itself.
    assert "<p><strong>Đảng bộ Trường THPT Đông Hà</strong></p>" not in html
    assert (
        f'<p><strong><a href="/to-chuc/{cast.grassroots.pk}/">Đảng bộ Trường THPT Đông Hà'
        "</a></strong></p>\n  <p>Tập thể đảng ủy cơ sở (được ủy quyền) "
        '<span class="badge">được ủy quyền</span></p>'
    ) in html


def test_admission_authority_defaults_to_the_superior_out_of_scope_as_plain_text(client, cast):
    html = _get(client, cast.cell_secretary, _detail(cast.cell_a)).content.decode()
    assert "<p><strong>Đảng bộ phường Đông Hà</strong></p>\n  <p>Ban thường vụ</p>" in html
    html = _get(client, cast.board_specialist, _detail(cast.cell_a)).content.decode()
    assert (
        f'<p><strong><a href="/to-chuc/{cast.commune.pk}/">Đảng bộ phường Đông Hà</a>'
        "</strong></p>\n  <p>Ban thường vụ</p>"
    ) in html


def test_sub_units_with_counts_and_people_link(client, cast):
    make_org(cast.grassroots, OrgKind.SUB_COMMITTEE, "Đảng bộ bộ phận Khối 10", code="K10")
    html = _get(client, cast.board_specialist, _detail(cast.commune)).content.decode()
    assert "2 trực thuộc trực tiếp · 6 đơn vị trong toàn bộ" in html
    assert (
        f'<td><a href="/to-chuc/{cast.grassroots.pk}/">Đảng bộ Trường THPT Đông Hà</a></td>\n'
        '      <td class="hide-sm">Đảng bộ cơ sở</td>\n'
        '      <td class="num">3</td><td class="num">3</td>'
    ) in html
    assert f'3 người trong toàn bộ đơn vị. <a href="/nhan-su/?org={cast.commune.pk}">' in html


def test_dissolved_sub_units_are_hidden_unless_asked(client, cast):
    gone = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Sinh", code="SINH")
    dissolve_org(org=gone, on_date=date(2025, 6, 30), version=1, actor=cast.board_specialist,
                 today=TODAY)  # fmt: skip
    html = _get(client, cast.viewer, _detail(cast.grassroots)).content.decode()
    assert "Chi bộ Tổ Sinh" not in html
    assert "2 trực thuộc trực tiếp · 2 đơn vị trong toàn bộ" in html
    html = _get(client, cast.viewer, _detail(cast.grassroots), show_dissolved="1").content.decode()
    assert (
        f'<td class="dissolved"><a href="/to-chuc/{gone.pk}/">Chi bộ Tổ Sinh</a> '
        '<span class="badge badge-grey">Đã giải thể 30/06/2025</span></td>'
    ) in html
    assert "3 trực thuộc trực tiếp · 3 đơn vị trong toàn bộ" in html


def _action_labels(html):
    start = html.index('<div class="pagehead">')
    head = html[start : html.index("</div>", start)]
    labels = []
    for label in [
        "Thêm đơn vị trực thuộc",
        "Sửa thông tin",
        "Chuyển đơn vị",
        "Giải thể</a>",
        "Lịch sử thay đổi",
    ]:
        if label in head:
            labels.append(label.removesuffix("</a>"))
    return labels


@pytest.mark.parametrize(
    ("who", "unit", "expected"),
    [
        ("board_specialist", "grassroots", ["Thêm đơn vị trực thuộc", "Sửa thông tin",
                                            "Chuyển đơn vị", "Giải thể", "Lịch sử thay đổi"]),
        ("administrator", "grassroots", ["Thêm đơn vị trực thuộc", "Sửa thông tin",
                                         "Chuyển đơn vị", "Giải thể", "Lịch sử thay đổi"]),
        ("grassroots_officer", "grassroots", ["Thêm đơn vị trực thuộc", "Sửa thông tin",
                                              "Lịch sử thay đổi"]),
        ("viewer", "grassroots", []),
        ("cell_secretary", "cell_a", ["Lịch sử thay đổi"]),
        # A cell cannot hold sub-units: no "add" button even for the board.
        ("board_specialist", "cell_a", ["Sửa thông tin", "Chuyển đơn vị", "Giải thể",
                                        "Lịch sử thay đổi"]),
    ],
)  # fmt: skip
def test_action_buttons_follow_the_policy(client, cast, who, unit, expected):
    html = _get(client, cast.users[who], _detail(getattr(cast, unit))).content.decode()
    assert _action_labels(html) == expected


def test_dissolved_unit_offers_no_create_move_or_dissolve(client, cast):
    gone = make_org(cast.grassroots, OrgKind.SUB_COMMITTEE, "Đảng bộ bộ phận cũ", code="BPCU")
    dissolve_org(org=gone, on_date=date(2025, 6, 30), version=1, actor=cast.board_specialist,
                 today=TODAY)  # fmt: skip
    html = _get(client, cast.board_specialist, _detail(gone)).content.decode()
    assert _action_labels(html) == ["Sửa thông tin", "Lịch sử thay đổi"]


def test_unit_page_query_count_is_pinned(client, cast, django_assert_num_queries):
    for n in range(5):
        make_org(cast.grassroots, OrgKind.CELL, f"Chi bộ {n}")
    client.force_login(cast.board_specialist)
    # session, user, grants, unit, ancestors, children, child counts, people count, and the
    # session save (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release)
    with django_assert_num_queries(11):
        response = client.get(_detail(cast.grassroots))
    assert "7 trực thuộc trực tiếp · 7 đơn vị trong toàn bộ" in response.content.decode()
