"""The standard statistical tables (issue 8 item 3): built from registry events through the bulk
path, read through `reports.tables`, the command line and the Excel file."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from ptdv.members import asof
from ptdv.members.models import EventKind, Membership
from ptdv.members.services import record_event
from ptdv.orgs.models import OrgKind
from ptdv.orgs.services import dissolve_org, move_org
from ptdv.people.models import EthnicGroup, Person, Religion
from ptdv.reports import tables
from tests.factories import make_org, system_user
from tests.members.helpers import admitted, bulk_people, enter

FOUNDED = date(2000, 1, 1)


@pytest.fixture
def province(db):
    root = make_org(None, OrgKind.PROVINCE, "Đảng bộ tỉnh Bình Thuận", code="BT",
                    valid_from=FOUNDED)  # fmt: skip
    north = make_org(root, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ Công an tỉnh", code="CA",
                     valid_from=FOUNDED)  # fmt: skip
    south = make_org(root, OrgKind.GRASSROOTS_CELL, "Chi bộ Sở Y tế", code="YT",
                     valid_from=FOUNDED)  # fmt: skip
    cells = [
        make_org(north, OrgKind.CELL, f"Chi bộ Phòng {i}", code=f"CA{i}", valid_from=FOUNDED)
        for i in range(3)
    ]
    return root, north, south, cells


def _mark(people: list[Person], n: int, **values: object) -> None:
    Person.objects.filter(pk__in=[p.pk for p in people[:n]]).update(**values)


def test_w2_new_members_of_2017_and_their_shares(province):
    """W2: 1,932 admitted to 23/11/2017; 930 women 48.14 %; 112 ethnic minority 5.80 %;
    112 religious 5.80 %; 1,214 Youth Union 62.84 %."""
    root, north, south, cells = province
    people = bulk_people([*cells, south], 1932, birth=date(1995, 6, 1))
    Person.objects.filter(pk__in=[p.pk for p in people]).update(sex="M")
    _mark(people, 930, sex="F")
    minority = EthnicGroup.objects.filter(is_minority=True).first()
    _mark(people[500:], 112, ethnic_group=minority)
    _mark(people[1000:], 112, religion=Religion.objects.first())
    _mark(people[200:], 1214, youth_union_member=True)
    day = date(2017, 3, 1)
    enter([(p, date(2017, 2, 20), admitted(p, day, official=False)) for p in people])
    # Admitted the year before: not in the table.
    [early] = bulk_people([south], 1)
    enter([(early, date(2016, 5, 1), admitted(early, date(2016, 5, 20)))])

    table = tables.build("new-members", root, since=date(2017, 1, 1), day=date(2017, 11, 23))

    assert table.total.values["total"] == 1932
    assert table.total.values["average_age"] == Decimal("21.7")  # born 1/6/1995, admitted 1/3/2017
    shares = table.shares()
    assert (shares["women"], shares["minority"], shares["religious"], shares["youth_union"]) == (
        Decimal("48.14"),
        Decimal("5.80"),
        Decimal("5.80"),
        Decimal("62.84"),
    )
    assert shares["age:18–30"] == Decimal("100.00")
    # One row per unit under the province, adding up to the total.
    assert [r.name for r in table.rows] == ["Chi bộ Sở Y tế", "Đảng bộ Công an tỉnh"]
    assert sum(r.values["total"] for r in table.rows) == 1932
    assert table.rows[0].values["total"] == 483  # every fourth person: the Sở Y tế cell
    assert table.notes == []
    # The command prints the same table as JSON.
    out = StringIO()
    call_command("stats", "table", "new-members", "BT", "--from", "2017-01-01",
                 "--to", "2017-11-23", "--json", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["total"]["values"]["total"] == 1932
    assert data["shares"]["women"] == "48.14"
    assert data["title"] == "Đảng viên mới kết nạp phân theo đặc điểm"


def test_a_truncating_deployment_prints_what_the_sources_print(province, settings):
    root, _north, south, _cells = province
    people = bulk_people([south], 152, birth=date(1990, 1, 1))
    Person.objects.filter(pk__in=[p.pk for p in people]).update(sex="M")
    _mark(people, 73, sex="F")  # W8: 73 of 152 women, printed 48.02 %
    enter([(p, date(2009, 3, 1), admitted(p, date(2009, 3, 20), official=False)) for p in people])
    settings.PTDV_REPORTS_ROUNDING = "truncate"
    table = tables.build("new-members", root, since=date(2009, 1, 1), day=date(2009, 12, 31))
    assert table.shares()["women"] == Decimal("48.02")
    settings.PTDV_REPORTS_ROUNDING = "round"
    assert table.shares()["women"] == Decimal("48.03")


def test_rows_follow_the_tree_of_the_last_day_and_add_up_to_the_total(province):
    """A cell moved from one unit to another in the middle of the year brings its admissions of
    the whole year to the unit it stands under on the last day."""
    root, north, south, cells = province
    moved = cells[0]
    people = bulk_people([moved], 4)
    enter([(p, date(2024, 2, 1), admitted(p, date(2024, 2, 20), official=False)) for p in people])
    target = make_org(root, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ Phòng Cảnh sát",
                      code="PCS", valid_from=FOUNDED)  # fmt: skip
    move_org(org=moved, new_parent=target, version=moved.version, actor=system_user(),
             today=date(2024, 12, 31), on_date=date(2024, 7, 1))  # fmt: skip
    late = bulk_people([moved], 1)
    enter([(p, date(2024, 8, 1), admitted(p, date(2024, 8, 20), official=False)) for p in late])

    table = tables.build("new-members", root, since=date(2024, 1, 1), day=date(2024, 12, 31))
    by_name = {r.name: r.values["total"] for r in table.rows}
    assert by_name == {"Chi bộ Sở Y tế": 0, "Đảng bộ Công an tỉnh": 0, "Đảng bộ Phòng Cảnh sát": 5}
    assert (
        table.total.values["total"]
        == 5
        == asof.figures(root, date(2024, 12, 31), since=date(2024, 1, 1)).admitted
    )
    # Members on the day: the same placement.
    members = tables.build("members", root, day=date(2024, 12, 31))
    assert {r.name: r.values["total"] for r in members.rows}["Đảng bộ Phòng Cảnh sát"] == 5
    assert members.total.values["probationary"] == 5
    # Before the move the cell stood under the police committee.
    before = tables.build("members", root, day=date(2024, 6, 30))
    assert {r.name: r.values["total"] for r in before.rows}["Đảng bộ Công an tỉnh"] == 4


def test_members_and_organisations_on_a_day(province):
    root, north, south, cells = province
    old = bulk_people([cells[1]], 3, birth=date(1950, 1, 1))
    young = bulk_people([south], 2, birth=date(2000, 1, 1))
    enter([(p, date(1990, 1, 1), admitted(p, date(1990, 2, 1))) for p in old])
    enter([(p, date(2024, 1, 1), admitted(p, date(2024, 2, 1), official=False)) for p in young])
    record_event(membership=Membership.objects.get(person=old[0]), kind=EventKind.EXEMPT_START,
                 on=date(2020, 1, 1), actor=system_user(), today=date(2024, 12, 31))  # fmt: skip

    table = tables.build("members", root, day=date(2024, 12, 31))
    total = table.total.values
    assert (total["total"], total["official"], total["probationary"], total["exempted"]) == (
        5, 3, 2, 1,
    )  # fmt: skip
    assert total["age:71+"] == 3
    assert total["age:18–30"] == 2

    orgs = tables.build("organisations", root, day=date(2024, 12, 31), since=date(2024, 1, 1))
    assert orgs.total.values == {
        "grassroots_total": 2,
        "grassroots_committees": 1,
        "grassroots_cells": 1,
        "sub_committees": 0,
        "cells": 3,
        "members": 5,
        "admitting": 1,  # only Sở Y tế admitted in 2024
    }
    assert orgs.shares()["admitting"] == Decimal("50.00")
    police = next(r for r in orgs.rows if r.name == "Đảng bộ Công an tỉnh")
    assert (police.values["cells"], police.values["members"], police.values["admitting"]) == (
        3, 3, 0,
    )  # fmt: skip


def test_a_unit_before_it_existed_has_no_table(province):
    root, *_ = province
    table = tables.build("members", root, day=date(1999, 12, 31))
    assert table.exists is False
    out = StringIO()
    with pytest.raises(Exception, match="chưa có hoặc không còn"):
        call_command("stats", "table", "members", "BT", "--to", "1999-12-31", stdout=out)


def test_events_placed_in_a_dissolved_cell_get_their_own_row(province):
    root, north, south, cells = province
    people = bulk_people([cells[2]], 2)
    enter([(p, date(2024, 2, 1), admitted(p, date(2024, 2, 20), official=False)) for p in people])
    for p in people:
        record_event(membership=Membership.objects.get(person=p), kind=EventKind.TRANSFER_OUT,
                     on=date(2024, 5, 1), other_party="Tỉnh ủy Ninh Thuận",
                     actor=system_user(), today=date(2024, 12, 31))  # fmt: skip
    Person.objects.filter(pk__in=[p.pk for p in people]).update(org=south)  # their files left too
    cell = cells[2]
    cell.refresh_from_db()
    dissolve_org(org=cell, on_date=date(2024, 6, 1), version=cell.version, actor=system_user(),
                 today=date(2024, 12, 31))  # fmt: skip
    table = tables.build("new-members", root, since=date(2024, 1, 1), day=date(2024, 12, 31))
    assert table.total.values["total"] == 2
    assert [r.values["total"] for r in table.rows if r.org_id is None] == [2]


def test_the_tables_of_today_are_read_from_the_aggregates(province, django_assert_num_queries):
    """Today (not a month's last day) the members and organisations tables read the aggregates
    (a national members table of today counted 5.6 M periods directly: 143 s at full scale),
    and say the same as the direct count of the same day, ages included: the age in full years
    at the end of the day's month, on both paths."""
    root, north, south, cells = province
    today = date(2026, 11, 21)
    # 30 on the day itself, 31 by the end of November: counted in the 31–35 band.
    turning = bulk_people([cells[0]], 2, birth=date(1995, 11, 25))
    others = bulk_people([cells[1], south], 4, birth=date(1970, 6, 1))
    enter([(p, date(2020, 1, 1), admitted(p, date(2020, 2, 1))) for p in turning + others])
    enter([(p, date(2026, 3, 1), admitted(p, date(2026, 4, 1), official=False))
           for p in bulk_people([south], 2, birth=date(2001, 2, 2))])  # fmt: skip

    for kind in ("members", "organisations"):
        since = None if kind == "members" else date(2026, 1, 1)
        kept = tables.build(kind, root, day=today, since=since, today=today)
        # The same day, counted directly (it is neither a month's last day nor today then).
        direct = tables.build(kind, root, day=today, since=since, today=date(2026, 12, 6))
        assert [(r.org_id, r.values) for r in kept.rows] == [
            (r.org_id, r.values) for r in direct.rows
        ]
        assert kept.total.values == direct.total.values
    members = tables.build("members", root, day=today, today=today)
    assert members.total.values["total"] == 8
    assert (members.total.values["age:31–35"], members.total.values["age:18–30"]) == (2, 2)
    assert members.notes == ["Độ tuổi tính theo tuổi tròn đến cuối tháng (30/11/2026)."]
    orgs = tables.build("organisations", root, day=today, since=date(2026, 1, 1), today=today)
    assert (orgs.total.values["members"], orgs.total.values["admitting"]) == (8, 1)
    assert {r.name: r.values["admitting"] for r in orgs.rows} == {
        "Chi bộ Sở Y tế": 1,
        "Đảng bộ Công an tỉnh": 0,
    }

    # The rows of today from the aggregates in a fixed number of queries, however many rows
    # (each read of the rows reads the packs of the same periods too: D57; the four reference
    # lists of the columns in one).
    with django_assert_num_queries(16):
        tables.build("members", root, day=today, today=today)
    make_org(root, OrgKind.GRASSROOTS_CELL, "Chi bộ Sở Tài chính", code="TC", valid_from=FOUNDED)
    with django_assert_num_queries(16):
        assert len(tables.build("members", root, day=today, today=today).rows) == 3
