"""The tree browser and its htmx children fragment."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ptdv.orgs.models import Org, OrgKind
from ptdv.orgs.services import dissolve_org
from tests.factories import TODAY, make_org, make_user

TREE = reverse("orgs:tree")
HTMX = {"HTTP_HX_REQUEST": "true"}


def _get(client, user, url, **extra):
    client.force_login(user)
    return client.get(url, **extra)


@pytest.mark.parametrize(
    ("who", "roots"),
    [
        ("administrator", ["Tỉnh ủy Quảng Trị"]),
        ("board_specialist", ["Tỉnh ủy Quảng Trị"]),
        ("grassroots_officer", ["Đảng bộ Trường THPT Đông Hà"]),
        ("viewer", ["Đảng bộ Trường THPT Đông Hà"]),
        ("cell_secretary", ["Chi bộ Tổ Toán – Tin"]),
        ("outsider", ["Đảng bộ Công ty Cấp nước"]),
    ],
)
def test_tree_starts_at_the_users_grants(client, cast, who, roots):
    response = _get(client, cast.users[who], TREE)
    assert response.status_code == 200
    html = response.content.decode()
    shown = [o.name for o in Org.objects.order_by("path") if f">{o.name}</a>" in html]
    assert shown == roots


def test_tree_without_any_grant_is_404(client, cast):
    assert _get(client, cast.nobody, TREE).status_code == 404


def test_tree_shows_counts_and_toggles(client, cast):
    html = _get(client, cast.board_specialist, TREE).content.decode()
    assert "1 trực thuộc · 6 đơn vị cấp dưới" in html
    # The toggle is a link to the unit page; with htmx it loads the sub-units lazily.
    root = cast.province.pk
    assert (
        f'<a id="toggle-{root}" class="toggle" role="button" href="/to-chuc/{root}/" '
        f'hx-get="/to-chuc/{root}/truc-thuoc/" hx-target="#children-{root}" '
        f'hx-swap="outerHTML" aria-controls="children-{root}" aria-expanded="false"'
    ) in html
    assert f'<ul id="children-{root}" hidden></ul>' in html


def test_a_unit_without_sub_units_has_no_toggle(client, cast):
    html = _get(client, cast.cell_secretary, TREE).content.decode()
    assert '<span class="leaf" aria-hidden="true">·</span>' in html
    assert 'class="toggle"' not in html


def test_tree_query_count_is_pinned(client, cast, django_assert_num_queries):
    for n in range(5):
        make_org(cast.commune, OrgKind.GRASSROOTS_CELL, f"Chi bộ cơ sở {n}")
    make_org(None, OrgKind.PROVINCE, "Tỉnh ủy Quảng Bình", code="TUQB")
    admin = make_user("sieuquantri", is_superuser=True)
    client.force_login(admin)
    # session read, user, roots, root counts (one GROUP BY for both roots), and the session
    # save (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release)
    with django_assert_num_queries(7):
        response = client.get(TREE)
    html = response.content.decode()
    assert "1 trực thuộc · 11 đơn vị cấp dưới" in html
    assert "0 trực thuộc · 0 đơn vị cấp dưới" in html
    client.force_login(cast.board_specialist)
    with django_assert_num_queries(8):  # the same, plus the user's grants
        client.get(TREE)


def test_tree_hides_dissolved_units_unless_asked(client, cast):
    gone = make_org(cast.province, OrgKind.COMMUNE, "Đảng bộ xã Cũ", code="XACU")
    dissolve_org(org=gone, on_date=date(2025, 6, 30), version=1, actor=cast.board_specialist,
                 today=TODAY)  # fmt: skip
    html = _get(client, cast.board_specialist, TREE).content.decode()
    assert "1 trực thuộc · 6 đơn vị cấp dưới" in html
    html = client.get(TREE, {"show_dissolved": "1"}).content.decode()
    assert "2 trực thuộc · 7 đơn vị cấp dưới" in html
    assert 'name="show_dissolved" value="1" checked' in html
    # The toggle keeps the filter when it loads the sub-units.
    assert f'hx-get="/to-chuc/{cast.province.pk}/truc-thuoc/?show_dissolved=1"' in html
    url = reverse("orgs:children", args=[cast.province.pk])
    html = client.get(url, **HTMX).content.decode()
    assert "Đảng bộ xã Cũ" not in html
    html = client.get(url, {"show_dissolved": "1"}, **HTMX).content.decode()
    assert '<div class="node dissolved">' in html
    assert f'<a href="/to-chuc/{gone.pk}/">Đảng bộ xã Cũ</a>' in html
    assert "Đã giải thể 30/06/2025" in html


def test_tree_search_is_accent_insensitive_and_scoped(client, cast):
    html = _get(client, cast.grassroots_officer, TREE, data={"q": "dong ha"}).content.decode()
    assert "Kết quả tìm kiếm: 1 đơn vị" in html
    assert f'<a href="/to-chuc/{cast.grassroots.pk}/">Đảng bộ Trường THPT Đông Hà</a>' in html
    assert "Đảng bộ phường Đông Hà" not in html  # above the officer's grant
    html = _get(client, cast.outsider, TREE, data={"q": "toán"}).content.decode()
    assert "Kết quả tìm kiếm: 0 đơn vị" in html
    assert "Không tìm thấy đơn vị nào trong phạm vi của bạn." in html


def test_children_fragment_returns_the_list_of_sub_units(client, cast):
    url = reverse("orgs:children", args=[cast.grassroots.pk])
    response = _get(client, cast.viewer, url, **HTMX)
    assert response.status_code == 200
    assert "HX-Request" in [v.strip() for v in response["Vary"].split(",")]
    html = response.content.decode()
    assert html.startswith(f'<ul id="children-{cast.grassroots.pk}"><li>')
    assert html.count("<li>") == 2
    assert f'<a href="/to-chuc/{cast.cell_a.pk}/">Chi bộ Tổ Toán – Tin</a>' in html
    assert "0 trực thuộc · 0 đơn vị cấp dưới" in html
    # The toggle turns into "collapse", swapped out of band.
    assert 'aria-expanded="true"' in html
    assert 'hx-swap-oob="true"' in html
    assert "<html" not in html


def test_children_fragment_collapses_without_loading(client, cast, django_assert_num_queries):
    url = reverse("orgs:children", args=[cast.grassroots.pk])
    client.force_login(cast.viewer)
    with django_assert_num_queries(7):  # session, user, grants, the unit, session save (3)
        response = client.get(url, {"collapse": "1"}, **HTMX)
    html = response.content.decode()
    assert html.startswith(f'<ul id="children-{cast.grassroots.pk}" hidden></ul>')
    assert 'aria-expanded="false"' in html


def test_children_fragment_query_count_is_pinned(client, cast, django_assert_num_queries):
    url = reverse("orgs:children", args=[cast.commune.pk])
    client.force_login(cast.board_specialist)
    # session, user, grants, unit, children, counts, session save (3)
    with django_assert_num_queries(9):
        response = client.get(url, **HTMX)
    assert response.content.decode().count("<li>") == 2


def test_children_fragment_without_htmx_goes_to_the_unit_page(client, cast):
    response = _get(client, cast.viewer, reverse("orgs:children", args=[cast.grassroots.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/to-chuc/{cast.grassroots.pk}/"


@pytest.mark.parametrize("who", ["cell_secretary", "outsider", "nobody"])
def test_children_fragment_out_of_scope_is_404(client, cast, who):
    url = reverse("orgs:children", args=[cast.grassroots.pk])
    assert _get(client, cast.users[who], url, **HTMX).status_code == 404


def test_tree_of_a_superuser_starts_at_every_root(client, cast):
    make_org(None, OrgKind.PROVINCE, "Tỉnh ủy Quảng Bình", code="TUQB")
    admin = make_user("sieuquantri", is_superuser=True)
    html = _get(client, admin, TREE).content.decode()
    assert html.count('<div class="node">') == 2
    assert ">Tỉnh ủy Quảng Trị</a>" in html
    assert ">Tỉnh ủy Quảng Bình</a>" in html
