"""Progress, forecast, cohort shares, conscripts and the children's split, read from the
registry (admissions placed by the dated tree) with pinned query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ptdv.members.asof import admissions
from ptdv.members.models import Membership
from ptdv.orgs.models import Org
from ptdv.orgs.services import move_org
from ptdv.people.models import Person
from ptdv.people.services import record_conscription
from ptdv.reports import dashboard
from ptdv.targets import selectors
from ptdv.targets.models import Metric
from ptdv.targets.selectors import TargetProgress
from tests.factories import TODAY, make_person, system_user
from tests.members.helpers import admitted, bulk_people, enter
from tests.targets.conftest import set_


def test_progress_of_the_year_with_forecast_and_risk(plan, django_assert_num_queries):
    # Sixteen: the admissions from the admission rows (the unit's spans, then the rows: D43);
    # the pace likewise for its whole months, from the events for the days before the first and
    # after the last (the unit's cells first: asof.events_in); the pipeline. Each read of the
    # admission rows first probes for rows and packs after its last month (D51: then the
    # year's sums), and reads the packs of its periods after the rows (D57).
    with django_assert_num_queries(12):
        result = selectors.progress(plan.cast.grassroots, year=2026, today=TODAY)
    # 4 admitted; pace 5 admissions over the 3 years before 21/11/2026 → 0.18 in 40 days.
    assert result == TargetProgress(
        target=10, achieved=4, percent=Decimal("40.00"), forecast=4, at_risk=True,
        reasons=["Dự báo 4/10 (40 %): thiếu 6 đảng viên"], period_label="năm 2026",
    )  # fmt: skip


def test_progress_with_the_admissions_counted_by_the_caller(plan, django_assert_num_queries):
    counted = selectors.progress(plan.cast.grassroots, year=2026, today=TODAY)
    # Twelve less the year's admissions (the unit's spans, the probe for later rows, the rows,
    # their packs): eight.
    with django_assert_num_queries(8):
        given = selectors.progress(plan.cast.grassroots, year=2026, today=TODAY, achieved=4)
    assert given == counted


def test_the_dashboards_target_is_the_target_pages_after_a_move(plan):
    """The dashboard passes the year's admissions it counted (reports.admissions) to the
    target's progress: the same count as the target's own (asof.admissions), a moved cell's
    admission staying where the cell stood that day."""
    cast = plan.cast
    move_org(org=cast.cell_b, new_parent=cast.other_grassroots, version=cast.cell_b.version,
             actor=system_user(), today=TODAY, on_date=date(2026, 10, 1))  # fmt: skip
    set_(cast.other_grassroots, 5)
    for unit in (cast.grassroots, cast.other_grassroots, cast.cell_b):
        board = dashboard.build(unit, day=TODAY, today=TODAY)
        assert board.target == selectors.progress(unit, year=2026, today=TODAY), unit.name
    assert dashboard.build(cast.grassroots, day=TODAY, today=TODAY).target.achieved == 4


def test_progress_is_none_without_a_target(cast):
    assert selectors.progress(cast.grassroots, year=2026, today=TODAY) is None


def test_a_cell_counts_only_its_own_admissions(plan):
    result = selectors.progress(plan.cast.cell_b, year=2026, today=TODAY)
    assert (result.target, result.achieved, result.percent) == (3, 1, Decimal("33.33"))


def test_an_admission_counts_where_its_cell_stood_that_day(plan):
    """Cell B moves to the other committee on 1/10/2026: its May admission stays with the
    committee it stood under then."""
    cast = plan.cast
    move_org(org=cast.cell_b, new_parent=cast.other_grassroots, version=cast.cell_b.version,
             actor=system_user(), today=TODAY, on_date=date(2026, 10, 1))  # fmt: skip
    assert selectors.progress(cast.grassroots, year=2026, today=TODAY).achieved == 4
    set_(cast.other_grassroots, 5)
    assert selectors.progress(cast.other_grassroots, year=2026, today=TODAY).achieved == 0


def test_the_split_shows_children_results_and_what_does_not_add_up(plan, django_assert_num_queries):
    with django_assert_num_queries(9):
        split = selectors.children_split(plan.cast.grassroots, 2026, 2026, today=TODAY)
    rows = [(r.name, int(r.target.value), r.achieved, r.percent, r.verdict) for r in split.rows]
    assert rows == [
        ("Chi bộ Tổ Toán – Tin", 6, 3, Decimal("50.00"), "Đang thực hiện"),
        ("Chi bộ Tổ Văn – Sử", 3, 1, Decimal("33.33"), "Đang thực hiện"),
    ]
    assert (split.parent_value, split.total, split.difference, split.missing) == (10, 9, -1, [])
    assert not split.adds_up


def test_the_split_of_kept_children_reads_the_admission_rows_and_places_moved_cells_by_the_day(
    plan,
):
    """The commune's children are grassroots committees at a kept level: their results come from
    the admission rows, no event read; once a cell moves between them in the year, from the
    events, each placed where its cell stands on the day (the same rule either way)."""
    cast = plan.cast
    set_(cast.commune, 20)
    with CaptureQueriesContext(connection) as queries:
        split = selectors.children_split(cast.commune, 2026, 2026, today=TODAY)
    assert not [q for q in queries.captured_queries if "members_memberevent" in q["sql"]]
    assert [(r.name, r.achieved) for r in split.rows] == [
        ("Đảng bộ Công ty Cấp nước", 0), ("Đảng bộ Trường THPT Đông Hà", 4)]  # fmt: skip
    cell_b = Org.objects.get(pk=cast.cell_b.pk)
    move_org(org=cell_b, new_parent=cast.other_grassroots, version=cell_b.version,
             actor=system_user(), today=TODAY, on_date=date(2026, 8, 1))  # fmt: skip
    split = selectors.children_split(cast.commune, 2026, 2026, today=TODAY)
    assert [(r.name, r.achieved) for r in split.rows] == [
        ("Đảng bộ Công ty Cấp nước", 1), ("Đảng bộ Trường THPT Đông Hà", 3)]  # fmt: skip


def test_a_child_without_a_target_is_named_and_verdicts_come_after_the_year(cast):
    set_(cast.grassroots, 4)
    set_(cast.cell_a, 4)
    split = selectors.children_split(cast.grassroots, 2026, 2026, today=date(2027, 1, 10))
    assert split.missing == ["Chi bộ Tổ Văn – Sử"]
    assert split.difference == 0
    assert not split.adds_up
    assert [r.verdict for r in split.rows] == ["Không hoàn thành", ""]


def test_cohort_shares_among_the_admitted(plan):
    cast = plan.cast
    # The admitted of 2026: three born 2000 in cell A, one born 1980 in cell B; women are the
    # even sequence numbers of the bulk helper — read them back rather than guess.
    people = Person.objects.filter(memberships__joined_on__year=2026)
    women = people.filter(sex="F").count()
    targets = [set_(cast.grassroots, 50, metric=m) for m in (Metric.WOMEN, Metric.YOUTH)]
    rows = selectors.unit_progress(cast.grassroots, targets, today=TODAY)
    assert [(r.target.metric, r.part, r.whole) for r in rows] == [
        (Metric.WOMEN, women, 4), (Metric.YOUTH, 3, 4)
    ]  # fmt: skip
    youth = rows[1]
    assert youth.achieved == Decimal("75.00")
    assert youth.reasons == []


def test_official_members_among_the_years_conscripts(plan):
    """Two conscripts in 2026 under the committee: one an official member on the day (1 of 2 =
    50 %); a 2025 conscript and one from the other committee do not count."""
    cast = plan.cast
    member = make_person(cast.cell_a, given_name="Quân")
    enter([(member, date(2019, 1, 10), admitted(member, date(2019, 2, 1)))])
    plain = make_person(cast.cell_b, given_name="Binh")
    early = make_person(cast.cell_b, given_name="Sớm")
    other = make_person(cast.other_cell, given_name="Khác")
    for person, day in (
        (member, date(2026, 2, 20)),
        (plain, date(2026, 2, 21)),
        (early, date(2025, 2, 20)),
        (other, date(2026, 2, 20)),
    ):
        record_conscription(person=person, entered_on=day, actor=system_user(), today=TODAY)
    target = set_(cast.grassroots, 1, metric=Metric.CONSCRIPTS)
    [row] = selectors.unit_progress(cast.grassroots, [target], today=TODAY)
    assert (row.part, row.whole, row.achieved, row.reasons) == (1, 2, Decimal("50.00"), [])
    assert Membership.objects.get(person=member).official_on == date(2020, 2, 1)


def test_a_term_target_counts_every_year_of_the_term(plan):
    cast = plan.cast
    set_(cast.grassroots, 100, start=2025, end=2030)
    [row] = selectors.unit_progress(
        cast.grassroots, selectors.targets_of(cast.grassroots, 2025, 2030), today=TODAY
    )
    assert row.achieved == 5
    assert row.reasons[0].startswith("Dự báo ")


def test_progress_report_json_shape(plan):
    report = selectors.progress_report(plan.cast.grassroots, 2026, 2026, today=TODAY)
    assert report["period"] == {"start_year": 2026, "end_year": 2026, "label": "năm 2026"}
    [item] = report["targets"]
    assert (item["target"], item["achieved"], item["percent"]) == (10, 4, "40.00")
    assert item["forecast"]["total"] == 4
    assert report["split"] == {"parent": 10, "children_total": 9, "difference": -1,
                               "missing": [], "adds_up": False}  # fmt: skip


@pytest.mark.parametrize(
    "today",
    [TODAY, date(2026, 3, 1), date(2026, 3, 2), date(2026, 5, 1), date(2026, 6, 30),
     date(2026, 3, 20), date(2028, 6, 1), date(2029, 3, 1), date(2029, 3, 10),
     date(2025, 6, 1)],
)  # fmt: skip
def test_the_pace_from_the_admission_rows_equals_the_events_count(plan, today):
    """The pace's window is whole months up to today (read from the rows alone): the same
    count as the events of those days, whatever day today is (on a month's first day, or the
    day after, when the three years begin or end on an admission)."""
    unit = plan.cast.grassroots
    on = date(2026, 3, 1)  # the window's first day three years later: counted then
    if on <= today:  # no event is ever dated after today
        [person] = bulk_people([plan.cast.cell_a], 1)
        enter([(person, date(2026, 2, 1), admitted(person, on, official=False))])
    since, last = selectors.pace_window(today)
    assert since == date(today.year - selectors.config()["pace_years"], today.month, 1)
    assert last == today
    expected = admissions(unit, since, today).count()

    found = selectors.pace(unit, today=today)
    assert (found.admissions, found.days) == (expected, (today - since).days + 1)


def test_the_pace_reads_no_event(plan):
    """Whole months up to today: the admission rows answer, the events are not read."""
    with CaptureQueriesContext(connection) as queries:
        selectors.pace(plan.cast.grassroots, today=TODAY)
    assert not [q for q in queries.captured_queries if "members_memberevent" in q["sql"]]
