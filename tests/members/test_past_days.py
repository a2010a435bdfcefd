"""A past day of a unit at the top of the tree from its kept counts and facts (D63), against a
plain count: the idle cells (for the usual years, from the idle stretches counted, D66; for
others, each cell's four latest admission days kept, the search when all four came after the
day) and the units by kind, with cells moved, founded and dissolved after
some of the days (read from their spans)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from ptdv.core import memo
from ptdv.members.asof import unit_counts, units_on
from ptdv.members.idle import idle_cells
from ptdv.members.models import LastAdmission, Membership, UnitFacts
from ptdv.members.rules.dates import years_before
from ptdv.members.rules.treecounts import IDLE_YEARS
from ptdv.members.services import last_admissions, treecounts
from ptdv.members.treecounts import changed_since
from ptdv.orgs.models import CELL_KINDS, SPAN_STEP, OrgKind, OrgSpan
from ptdv.orgs.selectors import span_on
from ptdv.orgs.services import dissolve_org, move_org
from tests.factories import TODAY, make_org, system_user
from tests.members.helpers import admitted, bulk_people, enter

pytestmark = pytest.mark.django_db

A_DAYS = [date(2019, 3, 1), date(2020, 3, 1), date(2021, 3, 1), date(2022, 3, 1),
          date(2023, 3, 1), date(2024, 3, 1)]  # fmt: skip
MOVED_ON = date(2023, 1, 1)


@pytest.fixture
def country(reference_lists):  # type: ignore[no-untyped-def]
    """The nation, a province, two grassroots organisations; cell A admitted on six days (two
    people on the last), B never, C once and moved from G2 to G1 on 01/01/2023."""
    start = date(2000, 1, 1)
    nation = make_org(None, OrgKind.CENTRAL, "Trung ương", code="TW", valid_from=start)
    province = make_org(nation, OrgKind.PROVINCE, "Tỉnh", code="P", valid_from=start)
    g1 = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 1", code="G1", valid_from=start)
    g2 = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 2", code="G2", valid_from=start)
    a = make_org(g1, OrgKind.CELL, "Chi bộ A", code="A", valid_from=start)
    make_org(g1, OrgKind.CELL, "Chi bộ B", code="B", valid_from=start)
    c = make_org(g2, OrgKind.CELL, "Chi bộ C", code="C", valid_from=start)
    days = [*A_DAYS, A_DAYS[-1]]
    in_a = bulk_people([a], len(days))
    in_c = bulk_people([c], 1)
    enter([(p, d.replace(day=1, month=1), admitted(p, d)) for p, d in zip(in_a, days, strict=True)]
          + [(in_c[0], date(2020, 5, 1), admitted(in_c[0], date(2020, 6, 1)))])  # fmt: skip
    c.refresh_from_db()
    move_org(org=c, new_parent=g1, version=c.version, actor=system_user(), today=TODAY,
             on_date=MOVED_ON)  # fmt: skip
    # A cell founded in 2021 and one dissolved in 2022 (a grassroots cell, another kind).
    make_org(g2, OrgKind.CELL, "Chi bộ D", code="D", valid_from=date(2021, 7, 1))
    e = make_org(province, OrgKind.GRASSROOTS_CELL, "Chi bộ cơ sở E", code="E", valid_from=start)
    dissolve_org(org=e, on_date=date(2022, 5, 1), version=e.version, actor=system_user(),
                 today=TODAY)  # fmt: skip
    return {"nation": nation, "province": province, "a": a, "c": c}


def _plain(path: str, day: date, years: int) -> dict[str, tuple[int, int]]:
    """Cells and idle cells per unit below, counted from each cell's admissions."""
    since = years_before(day, years)
    found: dict[str, list[int]] = {}
    for span in units_on(path, day).filter(kind__in=CELL_KINDS).select_related("org"):
        if span.org.valid_from > since:
            continue
        active = Membership.objects.filter(
            admission_cell_id=span.org_id, joined_on__gt=since, joined_on__lte=day
        ).exists()
        counts = found.setdefault(span.path[: len(path) + SPAN_STEP], [0, 0])
        counts[0] += 1
        counts[1] += not active
    return {child: (n, idle) for child, (n, idle) in found.items()}


def test_the_kept_days_are_the_four_latest_each_once(country) -> None:  # type: ignore[no-untyped-def]
    row = LastAdmission.objects.get(cell=country["a"])
    assert (row.on, row.earlier_1, row.earlier_2, row.earlier_3) == tuple(reversed(A_DAYS[2:]))
    facts = UnitFacts.objects.get(org=country["a"])
    assert (facts.earlier_1, facts.earlier_2, facts.earlier_3) == tuple(reversed(A_DAYS[2:5]))
    # Its idle stretches for three years (D66): none, it admitted every year since 2019, but
    # the one from its founding in 2000 to its first admission, and the one after its last.
    assert facts.idle == "2003-01-01/2019-03-01 2027-03-01/"
    assert last_admissions.differences() == []
    assert last_admissions.latest_days([date(2020, 1, 1)] * 3) == (date(2020, 1, 1),)


@pytest.mark.parametrize("unit", ["nation", "province"])
@pytest.mark.parametrize("stretched", [1, 2])
def test_a_past_days_idle_cells_from_the_facts_equal_a_plain_count(
    country, unit, stretched
) -> None:  # type: ignore[no-untyped-def]
    """With the idle stretches kept under the top level (the default) or the top two."""
    with override_settings(PTDV_IDLE_STRETCH_LEVELS=stretched):
        treecounts.rebuild()
        _past_days_equal_a_plain_count(country[unit], stretched)


def _past_days_equal_a_plain_count(org, stretched: int) -> None:  # type: ignore[no-untyped-def]
    # The 1st of March: an admission day of A, as the day itself and as the years' start.
    days = [
        date(year, month, d)
        for year in range(2019, 2026)
        for month, d in ((2, 28), (3, 1), (9, 28))
    ]
    for day in days:
        path = span_on(org, day).path
        for years in (1, 3):
            with CaptureQueriesContext(connection) as read:
                found = idle_cells(path, day, years, today=TODAY)
            # The idle stretches kept for the usual years (D66), or else the facts, were read
            # (not every cell's span), the moved cell from its spans.
            counts = years == IDLE_YEARS and org.depth <= stretched
            kept = "members_cellcount" if counts else "members_unitfacts"
            assert any(kept in q["sql"] for q in read.captured_queries), (day, years)
            spans = dict(units_on(path, day).values_list("org_id", "path"))
            got = {spans[c.org_id]: (c.counted, c.idle) for c in found.children}
            plain = _plain(path, day, years)
            assert got == {p: v for p, v in plain.items() if len(p) > len(path)}, (day, years)
            assert (found.counted, found.idle) == (
                sum(n for n, _i in plain.values()),
                sum(i for _n, i in plain.values()),
            )
            # And the same as the spans' own reading.
            again = idle_cells(path, day, years)
            assert (again.counted, again.idle) == (found.counted, found.idle)


@pytest.mark.parametrize("cell", ["a", "c"])
def test_a_cell_of_its_own_from_its_row_equals_a_plain_count(country, cell) -> None:  # type: ignore[no-untyped-def]
    """A cell's own dashboard (`root_kind`): its row and kept days, the rule in Python, the
    search when its four kept days all came after the day (A in 2019–2021), and the same idle
    cells listed as the grouped query lists them."""
    org = country[cell]
    for day in [date(year, month, d) for year in range(2019, 2026)
                for month, d in ((2, 28), (3, 1), (9, 28))]:  # fmt: skip
        span = span_on(org, day)
        for years in (1, 3):
            found = idle_cells(span.path, day, years, today=TODAY, root_kind=span.kind)
            plain = _plain(span.path, day, years)
            assert (found.counted, found.idle) == (
                sum(n for n, _i in plain.values()),
                sum(i for _n, i in plain.values()),
            ), (cell, day, years)
            grouped = idle_cells(span.path, day, years, today=TODAY)
            assert (found.counted, found.idle, found.children, found.cells) == (
                grouped.counted, grouped.idle, grouped.children, grouped.cells
            )  # fmt: skip


@pytest.mark.parametrize("unit", ["nation", "province"])
def test_a_past_days_units_by_kind_from_the_counts_equal_the_spans(country, unit) -> None:  # type: ignore[no-untyped-def]
    org = country[unit]
    days = [date(year, month, 1) for year in range(2019, 2027) for month in (1, 5, 7)]
    for day in [*days, date(2022, 4, 30), date(2021, 6, 30), date(2022, 12, 31)]:
        path = span_on(org, day).path
        with CaptureQueriesContext(connection) as read:
            found = unit_counts(path, day, today=TODAY)
        # The kept counts were read (not every span under the unit).
        assert any("members_unitcount" in q["sql"] for q in read.captured_queries)
        assert found == unit_counts(path, day), day
        plain: dict[str, int] = {}
        for kind in units_on(path, day).values_list("kind", flat=True):
            plain[kind] = plain.get(kind, 0) + 1
        assert found.by_kind == plain, day


def test_the_units_changed_since_a_day_are_read_once_inside_a_reading_block(country) -> None:  # type: ignore[no-untyped-def]
    path = span_on(country["nation"], date(2022, 1, 1)).path
    with CaptureQueriesContext(connection) as outside:
        first = changed_since(path, date(2022, 1, 1))
        assert changed_since(path, date(2022, 1, 1)) == first
    assert len(outside.captured_queries) == 2
    assert first  # C moved, D founded, E dissolved since
    with memo.reading(), CaptureQueriesContext(connection) as inside:
        kept = changed_since(path, date(2022, 1, 1))
        assert kept == first
        kept.clear()  # the caller's own copy
        assert changed_since(path, date(2022, 1, 1)) == first
        assert changed_since(path, date(2023, 6, 1)) != first  # another day: read
    assert len(inside.captured_queries) == 2


def test_the_units_changed_in_a_period_are_those_whose_spans_began_or_ended_in_it(country) -> None:  # type: ignore[no-untyped-def]
    """`changed_ids` (one query, a union of the two days' index ranges, the path tested as a
    prefix) finds what a plain look at every span finds: the units under the path with a span
    that began or ended in (after, through], any day after when `through` is None."""
    spans = list(OrgSpan.objects.values_list("org_id", "path", "valid_from", "valid_to"))
    paths = [span_on(country[k], TODAY).path for k in ("nation", "province", "a", "c")]
    days = [date(1999, 1, 1), date(2021, 7, 1), date(2022, 4, 30), date(2022, 5, 1),
            date(2022, 12, 31), date(2023, 1, 1), TODAY]  # fmt: skip
    seen_some = False
    for path in paths:
        for after in days:
            for through in [None, *(d for d in days if d > after)]:
                want = {
                    org_id
                    for org_id, span_path, start, end in spans
                    if span_path.startswith(path)
                    and any(
                        d is not None and d > after and (through is None or d <= through)
                        for d in (start, end)
                    )
                }
                assert OrgSpan.objects.changed_ids(after, through, under=path) == want
                seen_some = seen_some or bool(want)
    assert seen_some
    # Outside the path: the cell moved into G1 is not under the province's sibling paths.
    assert OrgSpan.objects.changed_ids(date(2022, 12, 31), under=paths[2]) == set()
