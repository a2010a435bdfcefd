"""W3 (DOMAIN §7): Ninh Thuận to 30/6/2022 — 288 admitted, 35.34 % of the year's target; police 21
= 105 %, Ninh Phước 52 = 50.98 %, military 5 = 50 %, border guard 4 = 50 %, Ninh Sơn 13 = 17.33 %
— built through the targets service and the registry's bulk path, read from the "admissions
against target" table (page, Excel's source, command) and the dashboard's progress."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from ptdv.orgs.models import OrgKind
from ptdv.reports import dashboard, tables
from ptdv.targets.models import Metric
from ptdv.targets.services import set_target
from tests.factories import TODAY, make_org, system_user
from tests.members.helpers import admitted, bulk_people, enter

FOUNDED = date(2000, 1, 1)
DAY = date(2022, 6, 30)
# (code, name, target, admitted by 30/6/2022)
UNITS = (
    ("CA", "Đảng bộ Công an tỉnh", 20, 21),
    ("NP", "Đảng bộ huyện Ninh Phước", 102, 52),
    ("QS", "Đảng bộ Quân sự tỉnh", 10, 5),
    ("BP", "Đảng bộ Bộ đội Biên phòng tỉnh", 8, 4),
    ("NS", "Đảng bộ huyện Ninh Sơn", 75, 13),
    ("KH", "Các đảng bộ còn lại", 600, 193),
)


def _target(unit, value):  # type: ignore[no-untyped-def]
    return set_target(unit=unit, start_year=2022, end_year=2022, metric=Metric.NEW_MEMBERS,
                      value=Decimal(value), version=None, actor=system_user(),
                      today=date(2022, 1, 10))  # fmt: skip


def test_w3_admissions_against_target_on_30_6_2022(db):
    root = make_org(None, OrgKind.PROVINCE, "Đảng bộ tỉnh Ninh Thuận", code="NT",
                    valid_from=FOUNDED)  # fmt: skip
    _target(root, 815)
    histories = []
    for code, name, target, n in UNITS:
        unit = make_org(root, OrgKind.GRASSROOTS_COMMITTEE, name, code=code, valid_from=FOUNDED)
        cell = make_org(unit, OrgKind.CELL, f"Chi bộ {code}", code=f"{code}-1", valid_from=FOUNDED)
        _target(unit, target)
        for person in bulk_people([cell], n, birth=date(1998, 1, 1)):
            histories.append((person, date(2022, 3, 1), admitted(person, date(2022, 3, 20),
                                                                 official=False)))  # fmt: skip
    # Admitted in July: after the day, not counted.
    late = make_org(root, OrgKind.GRASSROOTS_CELL, "Chi bộ Sở Tư pháp", code="TP",
                    valid_from=FOUNDED)  # fmt: skip
    for person in bulk_people([late], 3):
        histories.append((person, date(2022, 7, 1), admitted(person, date(2022, 7, 5),
                                                             official=False)))  # fmt: skip
    enter(histories)

    table = tables.build("targets", root, day=DAY)

    assert table.total.values == {"target": 815, "admitted": 288, "percent": Decimal("35.34")}
    rows = {r.name: r.values for r in table.rows}
    assert rows["Đảng bộ Công an tỉnh"]["percent"] == Decimal("105.00")
    assert rows["Đảng bộ huyện Ninh Phước"]["percent"] == Decimal("50.98")
    assert rows["Đảng bộ Quân sự tỉnh"]["percent"] == Decimal("50.00")
    assert rows["Đảng bộ Bộ đội Biên phòng tỉnh"]["percent"] == Decimal("50.00")
    assert rows["Đảng bộ huyện Ninh Sơn"]["percent"] == Decimal("17.33")
    assert rows["Chi bộ Sở Tư pháp"] == {"target": None, "admitted": 0, "percent": None}
    assert table.notes == ["Chưa giao chỉ tiêu: Chi bộ Sở Tư pháp."]
    # The command prints the same table.
    out = StringIO()
    call_command("stats", "table", "targets", "NT", "--to", "2022-06-30", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["total"]["values"] == {"target": 815, "admitted": 288, "percent": "35.34"}
    # The dashboard of that day: 288 / 815 with a forecast, at risk.
    board = dashboard.build(root, day=DAY, today=TODAY)
    assert board.target is not None
    assert (board.target.target, board.target.achieved) == (815, 288)
    assert board.target.percent == Decimal("35.34")
    drawn = dashboard.charts_of(board)["progress"]
    assert "288" in drawn.svg
    assert "815" in drawn.svg
