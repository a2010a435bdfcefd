"""Reads of the tree: range queries, counts without N+1, scoped search."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ptdv.access.models import Role
from ptdv.orgs import selectors
from ptdv.orgs.models import Org, OrgKind
from ptdv.orgs.services import dissolve_org
from tests.factories import TODAY, make_org, make_user


def _counts(nodes):
    return {n.org.code: (n.children_count, n.subtree_count) for n in nodes}


def test_subtree_is_one_range_query_on_the_path(cast):
    qs = Org.objects.subtree(cast.grassroots)
    with CaptureQueriesContext(connection) as ctx:
        codes = sorted(qs.values_list("code", flat=True))
    assert codes == ["THPTDH", "THPTDH-TT", "THPTDH-VS"]
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"].upper()
    assert '"PATH" >=' in sql
    assert '"PATH" <' in sql
    assert "LIKE" not in sql


def test_with_counts_counts_children_and_subtree_in_one_query(cast, django_assert_num_queries):
    orgs = [cast.commune, cast.grassroots, cast.other_grassroots]
    with django_assert_num_queries(2):  # two depths present: one GROUP BY query each
        nodes = selectors.with_counts(orgs, show_dissolved=False)
    assert _counts(nodes) == {"PDH": (2, 5), "THPTDH": (2, 2), "CTCN": (1, 1)}
    with django_assert_num_queries(1):
        nodes = selectors.with_counts(orgs[1:], show_dissolved=False)
    assert _counts(nodes) == {"THPTDH": (2, 2), "CTCN": (1, 1)}


def test_with_counts_leaves_out_dissolved_units_unless_asked(cast):
    gone = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ đã giải thể", code="GONE")
    dissolve_org(org=gone, on_date=date(2025, 1, 1), version=1, actor=cast.board_specialist,
                 today=TODAY)  # fmt: skip
    assert _counts(selectors.with_counts([cast.province], show_dissolved=False)) == {"TU": (1, 6)}
    assert _counts(selectors.with_counts([cast.grassroots], show_dissolved=False)) == {
        "THPTDH": (2, 2)
    }
    assert _counts(selectors.with_counts([cast.grassroots], show_dissolved=True)) == {
        "THPTDH": (3, 3)
    }
    children = selectors.children_of([cast.grassroots], show_dissolved=False)
    assert [o.code for o in children[cast.grassroots.pk]] == ["THPTDH-TT", "THPTDH-VS"]
    children = selectors.children_of([cast.grassroots], show_dissolved=True)
    assert [o.code for o in children[cast.grassroots.pk]] == ["THPTDH-TT", "THPTDH-VS", "GONE"]


def test_tree_for_user_lists_the_roots_with_counts(cast, django_assert_num_queries):
    cast.board_specialist.refresh_from_db()  # no grants cached yet
    with django_assert_num_queries(3):  # grants, roots, root counts
        nodes = selectors.tree_for_user(cast.board_specialist, show_dissolved=False)
    assert [(n.org.code, n.children_count, n.subtree_count) for n in nodes] == [("TU", 1, 6)]


def test_children_of_several_parents_is_one_query(cast, django_assert_num_queries):
    parents = [cast.province, cast.grassroots, cast.other_grassroots]
    with django_assert_num_queries(1):
        children = selectors.children_of(parents, show_dissolved=False)
    assert {pk: [o.code for o in units] for pk, units in children.items()} == {
        cast.province.pk: ["PDH"],
        cast.grassroots.pk: ["THPTDH-TT", "THPTDH-VS"],
        cast.other_grassroots.pk: ["CTCN-PX1"],
    }


def test_tree_roots_start_at_the_grants_without_nesting(cast):
    from ptdv.access.services import grant_role

    grant_role(user=cast.cell_secretary, role=Role.VIEWER, org=cast.other_cell, actor=None)
    grant_role(user=cast.grassroots_officer, role=Role.VIEWER, org=cast.cell_a, actor=None)
    cast.cell_secretary.refresh_from_db()
    cast.grassroots_officer.refresh_from_db()
    roots = selectors.tree_roots(cast.cell_secretary, show_dissolved=False)
    assert [o.code for o in roots] == ["THPTDH-TT", "CTCN-PX1"]
    roots = selectors.tree_roots(cast.grassroots_officer, show_dissolved=False)
    assert [o.code for o in roots] == ["THPTDH"]
    assert selectors.tree_roots(cast.nobody, show_dissolved=False) == []


def test_tree_roots_of_a_superuser_are_the_roots_of_the_tree(cast):
    second = make_org(None, OrgKind.PROVINCE, "Tỉnh ủy Quảng Bình", code="TUQB")
    admin = make_user("sieuquantri", is_superuser=True)
    assert [o.code for o in selectors.tree_roots(admin, show_dissolved=False)] == ["TU", "TUQB"]
    assert second.depth == 1


def test_search_units_ignores_accents_and_case_and_stays_in_scope(cast):
    result = selectors.search_units(cast.board_specialist, "dong HA", show_dissolved=False)
    assert [o.code for o in result.units] == ["PDH", "THPTDH"]
    assert result.truncated is False
    result = selectors.search_units(cast.board_specialist, "thptdh-tt", show_dissolved=False)
    assert [o.code for o in result.units] == ["THPTDH-TT"]
    result = selectors.search_units(cast.board_specialist, "Toán tin", show_dissolved=False)
    assert [o.code for o in result.units] == ["THPTDH-TT"]
    assert selectors.search_units(cast.outsider, "toan", show_dissolved=False).units == []
    assert selectors.search_units(cast.board_specialist, " - ", show_dissolved=False).units == []


def test_search_units_hides_dissolved_unless_asked(cast):
    gone = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Toán cũ", code="GONE")
    dissolve_org(org=gone, on_date=date(2025, 1, 1), version=1, actor=cast.board_specialist,
                 today=TODAY)  # fmt: skip
    hidden = selectors.search_units(cast.board_specialist, "toan", show_dissolved=False)
    shown = selectors.search_units(cast.board_specialist, "toan", show_dissolved=True)
    assert [o.code for o in hidden.units] == ["THPTDH-TT"]
    assert [o.code for o in shown.units] == ["THPTDH-TT", "GONE"]


def test_search_units_is_bounded(cast, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_RESULT_LIMIT", 1)
    result = selectors.search_units(cast.board_specialist, "dang bo", show_dissolved=False)
    assert ([o.code for o in result.units], result.truncated) == (["PDH"], True)
    monkeypatch.setattr(selectors, "SEARCH_SCAN_LIMIT", 2)
    result = selectors.search_units(cast.board_specialist, "chi bo", show_dissolved=False)
    assert (result.units, result.truncated) == ([], True)


def test_ancestors_and_people_count(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.ancestors_of(cast.cell_a) == [cast.province, cast.commune, cast.grassroots]
    assert selectors.ancestors_of(cast.province) == []
    assert selectors.people_count(cast.commune) == 3
    assert selectors.people_count(cast.grassroots) == 2
    assert selectors.people_count(cast.cell_b) == 1


def test_move_candidates_are_allowed_kinds_in_scope_outside_the_subtree(cast):
    candidates = selectors.move_candidates(cast.board_specialist, cast.grassroots, today=TODAY)
    assert [o.code for o in candidates] == ["TU", "CTCN"]
    candidates = selectors.move_candidates(cast.board_specialist, cast.cell_a, today=TODAY)
    assert [o.code for o in candidates] == ["CTCN"]
    # The outsider's ORG_MOVE scope is empty (a grassroots officer may not move units).
    assert list(selectors.move_candidates(cast.outsider, cast.other_cell, today=TODAY)) == []


def test_org_facts_and_kinds_of_children(cast):
    facts = selectors.org_facts(cast.grassroots)
    assert (facts.id, facts.name, facts.kind, facts.admission_delegated) == (
        cast.grassroots.pk,
        "Đảng bộ Trường THPT Đông Hà",
        OrgKind.GRASSROOTS_COMMITTEE,
        False,
    )
    assert selectors.kinds_of_children(cast.grassroots) == {OrgKind.CELL}
    assert selectors.kinds_of_children(cast.cell_a) == set()
