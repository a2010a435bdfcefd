"""Reads of people: search, filters, scope, and the index the name search uses."""

from __future__ import annotations

import pytest
from django.db import connection

from ptdv.access.models import AccessLog
from ptdv.orgs.selectors import UNIT_SOURCES, units_matching
from ptdv.people.models import EthnicGroup, Person
from ptdv.people.selectors import (
    PersonFilters,
    duplicate_is_visible,
    get_dossier,
    matching_query,
    people_for_user,
)
from tests.factories import TODAY, make_person


@pytest.fixture
def names(cast):
    """A few look-alike names in cell_b (the grassroots officer's scope)."""
    for family, middle, given in [
        ("Nguyễn", "Văn", "Dũng"),
        ("Hà", "Văn", "Dụng"),
        ("Lê", "Thị", "Dung"),
        ("Phan", "Khánh", "Duy"),
        ("Ngô", "Minh", "Đức"),
        ("Đặng", "Văn", "Nam"),
    ]:
        make_person(cast.cell_b, family_name=family, middle_name=middle, given_name=given)
    return cast


def _found(user, **filters):
    return list(people_for_user(user, PersonFilters(**filters)).values_list("full_name", flat=True))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("nguyen van dung", ["Nguyễn Văn Dũng"]),
        ("Nguyễn Văn Dũng", ["Nguyễn Văn Dũng"]),
        ("Dung", ["Lê Thị Dung", "Nguyễn Văn Dũng", "Trần Văn Dũng", "Hà Văn Dụng"]),
        ("dũng", ["Lê Thị Dung", "Nguyễn Văn Dũng", "Trần Văn Dũng", "Hà Văn Dụng"]),
        ("đức", ["Ngô Minh Đức"]),
        ("duc", ["Ngô Minh Đức"]),
        (
            "du",
            [
                "Lê Thị Dung",
                "Nguyễn Văn Dũng",
                "Trần Văn Dũng",
                "Hà Văn Dụng",
                "Phan Khánh Duy",
                "Ngô Minh Đức",
            ],
        ),  # fmt: skip
        ("dang nam", ["Đặng Văn Nam"]),
        ("van d", ["Nguyễn Văn Dũng", "Trần Văn Dũng", "Hà Văn Dụng", "Đặng Văn Nam"]),
        ("nguyen   dung van", ["Nguyễn Văn Dũng"]),
        ("dungx", []),
        (
            "",
            [
                "Lê Thị Dung",
                "Nguyễn Văn Dũng",
                "Trần Văn Dũng",
                "Hà Văn Dụng",
                "Phan Khánh Duy",
                "Ngô Minh Đức",
                "Lê Thị Hồng",
                "Đặng Văn Nam",
            ],
        ),  # fmt: skip
    ],
)
def test_name_search_is_accent_insensitive_by_word_prefix(names, q, expected):
    assert _found(names.board_specialist, q=q, org=names.grassroots) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("045195000123", ["Lê Thị Hồng"]),
        ("045 195 000 123", ["Lê Thị Hồng"]),
        ("045195000", ["Lê Thị Hồng"]),  # the beginning of the number
        ("0451950001", ["Lê Thị Hồng"]),
        ("045195000124", []),
        ("045196", []),  # too short for a number: a name word, which nobody has
    ],
)
def test_national_id_search_matches_exactly_or_by_beginning(names, q, expected):
    assert _found(names.board_specialist, q=q) == expected


@pytest.mark.parametrize(
    ("user", "q", "expected"),
    [
        ("outsider", "dung", []),
        ("outsider", "045195000123", []),
        ("outsider", "tuan", ["Phạm Minh Tuấn"]),
        ("cell_secretary", "dung", []),
        ("cell_secretary", "hong", ["Lê Thị Hồng"]),
        ("grassroots_officer", "tuan", []),
        ("nobody", "hong", []),
        ("viewer", "tran dung", ["Trần Văn Dũng"]),
    ],
)
def test_search_never_finds_people_out_of_scope(names, user, q, expected):
    assert _found(names.users[user], q=q) == expected


def test_unit_filter_covers_the_whole_subtree(names):
    officer = names.grassroots_officer
    assert _found(officer, org=names.cell_a) == ["Lê Thị Hồng"]
    assert len(_found(officer, org=names.grassroots)) == 8
    # A unit outside the scope adds no one: the scope still applies.
    assert _found(officer, org=names.other_cell) == []


def test_sex_and_minority_filters(names):
    tay = EthnicGroup.objects.get(name="Tày")
    make_person(names.cell_a, family_name="Nông", middle_name="Thị", given_name="Xuân",
                sex="F", ethnic_group=tay)  # fmt: skip
    officer = names.grassroots_officer
    assert _found(officer, sex="F") == ["Lê Thị Hồng", "Nông Thị Xuân"]
    assert _found(officer, minority=True) == ["Nông Thị Xuân"]
    assert len(_found(officer, minority=False)) == 8


def test_list_rows_carry_only_the_last_four_digits_of_the_national_id(cast):
    row = people_for_user(cast.cell_secretary, PersonFilters()).get()
    assert row.national_id_last4 == "0123"
    assert "national_id" in row.get_deferred_fields()


def test_get_dossier_logs_the_read(cast):
    person = get_dossier(cast.viewer, cast.person_b.pk)
    log = AccessLog.objects.get()
    assert (log.user, log.kind, log.object_type, log.object_id, log.object_label) == (
        cast.viewer,
        AccessLog.Kind.READ,
        "person",
        str(person.pk),
        "Trần Văn Dũng",
    )


def test_get_dossier_out_of_scope_is_404_and_not_logged(cast):
    from django.http import Http404

    with pytest.raises(Http404):
        get_dossier(cast.outsider, cast.person_b.pk)
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize(
    ("user", "visible"),
    [("grassroots_officer", True), ("cell_secretary", True), ("outsider", False)],
)
def test_duplicate_is_visible_only_inside_the_view_scope(cast, user, visible):
    assert duplicate_is_visible(cast.users[user], "045 195 000 123", exclude_pk=None) is visible
    # The record itself is not a duplicate of itself.
    assert (
        duplicate_is_visible(cast.users[user], "045195000123", exclude_pk=cast.person_a.pk) is False
    )


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(row[-1] for row in cursor.fetchall())
        # PostgreSQL: fresh statistics, and sequential scans priced out, as on a large table
        # (on a few test rows a full scan is always cheapest and would say nothing).
        cursor.execute("ANALYZE people_person")
        cursor.execute("ANALYZE people_personnametoken")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("q", ["dung", "nguyen dung"])
def test_name_search_reads_tokens_through_the_token_index(names, q):
    for index in range(30):
        make_person(names.cell_a, given_name=["An", "Bình", "Hoa"][index % 3])
    plan = _plan(matching_query(Person.objects.all(), q).order_by("sort_key", "pk"))
    words = q.split()
    if connection.vendor == "sqlite":
        # Every word is one range search of the token index; the token table is never scanned.
        token_lines = [line for line in plan.splitlines() if "U0 " in line]
        assert token_lines == [
            "SEARCH U0 USING COVERING INDEX people_token_token (token>? AND token<?)"
        ] * len(words), plan
        assert "SCAN people_personnametoken" not in plan, plan
    else:
        assert connection.vendor == "postgresql"
        # The search starts from a range of the token index. With several words the planner
        # may check the other words per found person through a person_id index: no scan.
        lines = plan.replace("(token)::text", "token").replace("::text", "").splitlines()
        at = next(i for i, line in enumerate(lines) if "Index Scan on people_token_token" in line
                  or "Index Only Scan using people_token_token" in line)  # fmt: skip
        assert "Index Cond: ((token >= 'dung') AND (token < 'dunh'))" in lines[at + 1], plan
        assert "Seq Scan" not in plan, plan


def test_unit_filter_options_are_the_scope_in_tree_order(cast):
    # The 500-unit select became the unit picker (decision D23): with nothing typed it offers
    # the first units of the scope in tree order; a unit outside the scope is never offered
    # (tests/orgs/test_picker.py and tests/people/test_views_unit_picker.py).
    people = UNIT_SOURCES["people"]
    found = units_matching(cast.grassroots_officer, "", source=people, today=TODAY)
    assert found == ([cast.grassroots, cast.cell_a, cast.cell_b], False)
    found = units_matching(cast.grassroots_officer, "phan xuong", source=people, today=TODAY)
    assert found == ([], False)


def test_several_reference_lists_read_in_one_query_in_their_own_order(
    db, django_assert_num_queries
):
    from ptdv.people.models import EducationLevel, Occupation, Qualification, TheoryLevel
    from ptdv.people.selectors import reference_items, reference_lists

    Occupation.objects.create(code="z_cu", name="Nghề đã bỏ", rank=0, is_active=False)
    Occupation.objects.create(code="a_moi", name="Ảnh viện", rank=0)  # first by rank
    Qualification.objects.create(code="q_cung_hang", name="Đại học", rank=1)  # a tie in rank
    models = [EducationLevel, Qualification, TheoryLevel, Occupation]
    with django_assert_num_queries(1):
        found = reference_lists(models)
    assert found == [[(i.code, i.name) for i in reference_items(m)] for m in models]
    assert ("z_cu", "Nghề đã bỏ") not in found[3]
    assert found[3][0] == ("a_moi", "Ảnh viện")
    assert all(found)
    assert reference_lists([]) == []
