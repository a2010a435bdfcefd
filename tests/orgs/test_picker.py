"""Units named with their parent, and the searchable unit picker (issue 6 §6, decision D23)."""

from __future__ import annotations

import importlib
import re
from html import unescape

import pytest
from django.apps import apps
from django.urls import reverse

from ptdv.orgs import selectors
from ptdv.orgs.models import Org, OrgKind
from ptdv.orgs.services import move_org, update_org
from tests.factories import TODAY, make_org

PICKER = reverse("orgs:picker")
HTMX = {"HTTP_HX_REQUEST": "true"}
PEOPLE = selectors.UNIT_SOURCES["people"]


@pytest.fixture
def namesakes(cast):
    """Two "Chi bộ Khu phố 2": one under Đông Hà (the cast's commune), one under Đông Thanh."""
    dong_thanh = make_org(cast.province, OrgKind.COMMUNE, "Đảng bộ phường Đông Thanh", code="PDT")
    in_dong_ha = make_org(cast.commune, OrgKind.GRASSROOTS_CELL, "Chi bộ Khu phố 2", code="DH-KP2")
    in_dong_thanh = make_org(dong_thanh, OrgKind.GRASSROOTS_CELL, "Chi bộ Khu phố 2", code="DT-KP2")
    return dong_thanh, in_dong_ha, in_dong_thanh


def _labels(units: list[Org]) -> list[str]:
    return [u.label for u in units]


def _options(html: str, name: str = "org") -> list[tuple[str, str, bool]]:
    pattern = rf'<input type="radio" name="{name}" value="(\d*)"( checked)?> <span>([^<]*)</span>'
    found = re.findall(pattern, html)
    return [(value, unescape(text), bool(checked)) for value, checked, text in found]


# --- the label and the stored search words ------------------------------------------------------


def test_a_unit_is_labelled_with_its_parent_and_a_root_with_its_name(cast, namesakes):
    _dong_thanh, in_dong_ha, in_dong_thanh = namesakes
    assert in_dong_ha.label == "Chi bộ Khu phố 2 — Đảng bộ phường Đông Hà"
    assert in_dong_thanh.label == "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh"
    assert cast.province.label == "Tỉnh ủy Quảng Trị"
    # Each word once, after a space: " word" finds the words starting with it.
    assert Org.objects.get(pk=in_dong_thanh.pk).search_text == (
        " chi bo khu pho 2 dt kp2 dang phuong dong thanh"
    )


def test_renaming_a_unit_renames_it_in_its_children_labels(cast):
    update_org(org=cast.grassroots, values={"name": "Đảng bộ Trường Lê Lợi"}, version=1,
               actor=cast.board_specialist)  # fmt: skip
    cell = Org.objects.get(pk=cast.cell_a.pk)
    assert cell.label == "Chi bộ Tổ Toán – Tin — Đảng bộ Trường Lê Lợi"
    assert "truong le loi" in cell.search_text
    assert cell.version == 1  # a derived column, not an edit of the cell
    assert Org.history.filter(id=cell.pk).count() == 1  # type: ignore[attr-defined]


def test_moving_a_unit_gives_it_its_new_parent_in_its_label(cast):
    move_org(org=cast.cell_a, new_parent=cast.other_grassroots, version=1,
             actor=cast.board_specialist, today=TODAY)  # fmt: skip
    moved = Org.objects.get(pk=cast.cell_a.pk)
    assert moved.label == "Chi bộ Tổ Toán – Tin — Đảng bộ Công ty Cấp nước"
    assert "cong ty cap nuoc" in moved.search_text


def test_the_migration_fills_the_derived_columns_of_existing_units(cast, namesakes):
    Org.objects.update(parent_name="", search_text="")
    migration = importlib.import_module("ptdv.orgs.migrations.0002_org_parent_name_search_text")
    migration.fill(apps, None)
    expected = {o.pk: (o.parent_name, o.search_text) for o in namesakes}
    filled = {o.pk: (o.parent_name, o.search_text) for o in Org.objects.filter(pk__in=expected)}
    assert filled == expected
    assert Org.objects.get(pk=cast.province.pk).parent_name == ""


# --- units_matching -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("khu pho 2 dong thanh", ["Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh"]),
        ("KHU PHỐ 2", ["Chi bộ Khu phố 2 — Đảng bộ phường Đông Hà",
                       "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh"]),
        ("dong thanh", ["Đảng bộ phường Đông Thanh — Tỉnh ủy Quảng Trị",
                        "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh"]),
        ("dt-kp2", ["Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh"]),
        ("kp2", ["Chi bộ Khu phố 2 — Đảng bộ phường Đông Hà",
                 "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh"]),
        ("khu pho 2 dong ha", ["Chi bộ Khu phố 2 — Đảng bộ phường Đông Hà"]),  # not "Thanh"
        ("phuong dong tha", ["Đảng bộ phường Đông Thanh — Tỉnh ủy Quảng Trị",
                           "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh"]),
        ("khu pho 9", []),
    ],
)  # fmt: skip
def test_search_ignores_accents_and_case_and_matches_the_parent_name(
    cast, namesakes, query, expected, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the user's grants, the matches
        units, more = selectors.units_matching(
            cast.administrator, query, source=PEOPLE, today=TODAY
        )
    assert (_labels(units), more) == (expected, False)


def test_search_stays_inside_the_users_scope(cast, namesakes):
    units, _more = selectors.units_matching(
        cast.grassroots_officer, "chi bo", source=PEOPLE, today=TODAY
    )
    assert [u.pk for u in units] == [cast.cell_a.pk, cast.cell_b.pk]
    assert selectors.units_matching(
        cast.grassroots_officer, "khu pho 2", source=PEOPLE, today=TODAY
    ) == ([], False)


def test_search_stops_at_the_limit_and_says_there_are_more(cast):
    for n in range(25):
        make_org(cast.grassroots, OrgKind.CELL, f"Chi bộ Tổ {n:02d}", code=f"T{n:02d}")
    units, more = selectors.units_matching(cast.board_specialist, "chi bo to", source=PEOPLE,
                                           today=TODAY)  # fmt: skip
    assert (len(units), more) == (selectors.PICKER_LIMIT, True)
    units, more = selectors.units_matching(cast.board_specialist, "chi bo to 24",
                                           source=PEOPLE, today=TODAY)  # fmt: skip
    assert (_labels(units), more) == (["Chi bộ Tổ 24 — Đảng bộ Trường THPT Đông Hà"], False)


def test_a_cell_source_offers_cells_only_and_an_anchored_one_the_cells_under_it(cast, namesakes):
    cells = selectors.UNIT_SOURCES["cells"]
    units, _ = selectors.units_matching(
        cast.board_specialist, "dong thanh", source=cells, today=TODAY
    )
    assert [u.pk for u in units] == [namesakes[2].pk]  # not the commune itself
    under = selectors.UNIT_SOURCES["cells-under"]
    units, _ = selectors.units_matching(
        cast.board_specialist, "", source=under, anchor=cast.grassroots, today=TODAY
    )
    assert [u.pk for u in units] == [cast.cell_a.pk, cast.cell_b.pk]


# --- the search endpoint ------------------------------------------------------------------------


def test_endpoint_answers_htmx_with_labelled_radios(client, cast, namesakes):
    _dong_thanh, _in_dong_ha, in_dong_thanh = namesakes
    client.force_login(cast.board_specialist)
    response = client.get(
        PICKER, {"source": "people", "field": "org", "org_q": "khu pho 2 dong thanh"}, **HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert _options(response.content.decode()) == [
        (str(in_dong_thanh.pk), "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh", False)
    ]
    assert "HX-Request" in response["Vary"]


def test_endpoint_keeps_the_checked_unit_first_and_offers_all_when_the_field_may_be_blank(
    client, cast, namesakes
):
    _dong_thanh, in_dong_ha, in_dong_thanh = namesakes
    client.force_login(cast.board_specialist)
    html = client.get(
        PICKER,
        {"source": "people", "field": "org", "org_q": "dong thanh", "org": in_dong_ha.pk,
         "blank": "1"},
        **HTMX,
    ).content.decode()  # fmt: skip
    assert [(value, checked) for value, _text, checked in _options(html)] == [
        ("", False),
        (str(in_dong_ha.pk), True),
        (str(namesakes[0].pk), False),
        (str(in_dong_thanh.pk), False),
    ]


def test_endpoint_never_shows_a_unit_outside_the_scope_even_when_named(client, cast, namesakes):
    client.force_login(cast.grassroots_officer)
    html = client.get(
        PICKER,
        {"source": "people", "field": "org", "org_q": "khu pho", "org": namesakes[2].pk},
        **HTMX,
    ).content.decode()
    assert _options(html) == []
    assert "Khu phố" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"source": "nothing"},
        {"source": "cells-under"},  # no anchor
        {"source": "cells-under", "anchor": "abc"},
    ],
)
def test_endpoint_refuses_unknown_sources_and_anchors(client, cast, params):
    client.force_login(cast.board_specialist)
    assert client.get(PICKER, params, **HTMX).status_code == 404


def test_endpoint_anchor_outside_the_scope_answers_like_an_absent_one(client, cast):
    client.force_login(cast.grassroots_officer)
    out = client.get(PICKER, {"source": "cells-under", "anchor": cast.other_cell.pk}, **HTMX)
    absent = client.get(PICKER, {"source": "cells-under", "anchor": 999_999}, **HTMX)
    assert (out.status_code, absent.status_code) == (404, 404)
    # Equal but for the CSRF token and the page's own address (in the text-size form).
    token = re.compile(r'csrftoken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"|anchor=\d+')
    assert token.sub("", out.content.decode()) == token.sub("", absent.content.decode())


def test_endpoint_without_htmx_is_a_plain_page(client, cast, namesakes):
    client.force_login(cast.board_specialist)
    html = client.get(PICKER, {"source": "people", "org_q": "dong thanh"}).content.decode()
    assert "<html" in html
    assert "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh" in html


def test_endpoint_query_count(client, cast, namesakes, django_assert_num_queries):
    client.force_login(cast.board_specialist)
    # session, user, grants, the checked unit, the matches, the session save (3)
    with django_assert_num_queries(8):
        client.get(
            PICKER,
            {"source": "people", "field": "org", "org_q": "khu pho", "org": namesakes[1].pk},
            **HTMX,
        )
