"""W4 (DOMAIN §7): Quảng Trị's members on 31/3/2018 — 44,482 members, built through the registry's
bulk path, read from the monthly aggregates by the members table and the dashboard (a month's
last day), and equal to the direct count of the periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ptdv.members.services.bulk import EventSpec
from ptdv.orgs.models import OrgKind
from ptdv.people.models import EthnicGroup, Person, Religion
from ptdv.reports import dashboard, tables
from ptdv.reports.rules import percent
from tests.factories import TODAY, make_org
from tests.members.helpers import admitted, bulk_people, enter

FOUNDED = date(1990, 1, 1)
DAY = date(2018, 3, 31)


def test_w4_the_province_on_31_3_2018(db):
    root = make_org(None, OrgKind.PROVINCE, "Đảng bộ tỉnh Quảng Trị", code="QT",
                    valid_from=FOUNDED)  # fmt: skip
    cells = []
    for i in range(4):
        grassroots = make_org(root, OrgKind.GRASSROOTS_COMMITTEE, f"Đảng bộ {i + 1}",
                              code=f"G{i}", valid_from=FOUNDED)  # fmt: skip
        cells += [make_org(grassroots, OrgKind.CELL, f"Chi bộ {i + 1}.{k + 1}", code=f"C{i}{k}",
                           valid_from=FOUNDED) for k in range(2)]  # fmt: skip
    people = bulk_people(cells, 44482, birth=date(1970, 6, 1))
    ids = [p.pk for p in people]

    def mark(start: int, n: int, **values: object) -> None:
        Person.objects.filter(pk__in=ids[start : start + n]).update(**values)

    # The attributes first (bulk updates skip the aggregates' save hook: entering comes after).
    mark(0, len(ids), sex="M")
    mark(0, 16076, sex="F")
    mark(5000, 3303, ethnic_group=EthnicGroup.objects.filter(is_minority=True).first())
    mark(9000, 120, religion=Religion.objects.first())
    mark(12000, 9724, youth_union_member=True)
    mark(20000, 8486, birth_date=date(1995, 1, 1))  # 23 on 31/3/2018
    mark(30000, 6893, birth_date=date(1985, 1, 1))  # 33
    histories = []
    for n, person in enumerate(people):
        if n < 2365:  # probationary: admitted within the year
            events = admitted(person, date(2017, 9, 1), official=False)
        else:
            events = admitted(person, date(2005, 5, 1))
            if 40000 <= n < 40000 + 2682:
                events.append(EventSpec("exempt_start", date(2016, 1, 1), person.org_id))
        histories.append((person, events[0].on, events))
    enter(histories)

    table = tables.build("members", root, day=DAY)
    total = table.total.values
    assert total["total"] == 44482
    assert (total["probationary"], total["women"], total["minority"]) == (2365, 16076, 3303)
    assert (total["religious"], total["youth_union"], total["exempted"]) == (120, 9724, 2682)
    assert (total["age:18–30"], total["age:31–35"]) == (8486, 6893)
    shares = table.shares()
    assert shares["probationary"] == Decimal("5.32")
    assert shares["women"] == Decimal("36.14")
    assert shares["minority"] == Decimal("7.43")  # the source truncates: 7.42
    assert percent(3303, 44482, mode="truncate") == Decimal("7.42")
    assert shares["religious"] == Decimal("0.27")
    assert shares["youth_union"] == Decimal("21.86")
    assert shares["exempted"] == Decimal("6.03")
    assert (shares["age:18–30"], shares["age:31–35"]) == (Decimal("19.08"), Decimal("15.50"))
    # The rows (one per grassroots organisation) add up; the direct count agrees.
    assert sum(r.values["total"] for r in table.rows) == 44482
    direct = tables.member_counts(tables.span_on(root, DAY).path, DAY)
    assert +direct == +tables.stock_counts([root.pk], DAY)[root.pk]
    # The dashboard reads the same.
    board = dashboard.build(root, day=DAY, today=TODAY)
    assert board.from_aggregates
    assert board.members["total"] == 44482
    assert (board.members["probationary"], board.members["exempted"]) == (2365, 2682)
