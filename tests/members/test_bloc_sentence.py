"""The sentence every report speaks, rebuilt from events (issue 7, "Done means"):

"by 30/10/2022 the bloc has admitted 113 members, bringing its total to 3,947 members in 89
grassroots organisations: 47 chi bộ cơ sở and 42 đảng bộ cơ sở with 235 chi bộ trực thuộc".
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from ptdv.members.services.bulk import EventSpec
from ptdv.orgs.models import OrgKind
from tests.factories import make_org
from tests.members.helpers import admitted, bulk_people, enter

DAY = date(2022, 10, 30)
FOUNDED = date(2000, 1, 1)


@pytest.fixture
def bloc(db):
    province = make_org(None, OrgKind.PROVINCE, "Đảng bộ tỉnh Quảng Trị", code="QT",
                        valid_from=FOUNDED)  # fmt: skip
    bloc = make_org(province, OrgKind.BLOC, "Đảng bộ Khối các cơ quan tỉnh", code="KCQ",
                    valid_from=FOUNDED)  # fmt: skip
    other = make_org(province, OrgKind.GRASSROOTS_CELL, "Chi bộ Ngoài khối", code="NK",
                     valid_from=FOUNDED)  # fmt: skip
    cells = [
        make_org(
            bloc,
            OrgKind.GRASSROOTS_CELL,
            f"Chi bộ cơ sở số {i}",
            code=f"CBCS{i}",
            valid_from=FOUNDED,
        )  # fmt: skip
        for i in range(47)
    ]
    for i in range(42):
        committee = make_org(bloc, OrgKind.GRASSROOTS_COMMITTEE, f"Đảng bộ cơ sở số {i}",
                             code=f"DBCS{i}", valid_from=FOUNDED)  # fmt: skip
        # 25 committees with 6 cells and 17 with 5: 235 chi bộ trực thuộc.
        for j in range(6 if i < 25 else 5):
            cells.append(
                make_org(
                    committee,
                    OrgKind.CELL,
                    f"Chi bộ {i}.{j}",
                    code=f"CB{i}-{j}",
                    valid_from=FOUNDED,
                )  # fmt: skip
            )
    return bloc, cells, other


def _history(bloc_cells, other):
    base = bulk_people(bloc_cells, 3834)
    new = bulk_people(bloc_cells, 113)
    histories = []
    for i, p in enumerate(base):
        ceremony = date(2000, 6, 1) + timedelta(days=(i * 7) % 7500)  # up to 2020
        events = admitted(p, ceremony)
        if i in (0, 1):  # temporarily active elsewhere: still counted here
            events.append(EventSpec("temp_out", date(2022, 5, 1), p.org_id, other_cell_id=other.pk))
        if i == 2:  # exempted from activity: still a member here
            events.append(EventSpec("exempt_start", date(2021, 1, 1), p.org_id))
        histories.append((p, ceremony - timedelta(days=21), events))
    for i, p in enumerate(new):
        ceremony = date(2022, 1, 1) + timedelta(days=(i * 3) % 302)  # 1/1 .. 29/10/2022
        histories.append((p, ceremony - timedelta(days=21), admitted(p, ceremony, official=False)))
    # Noise that must not count on 30/10/2022.
    dead = bulk_people(bloc_cells, 5)
    for p in dead:
        histories.append(
            (p, date(2009, 12, 1), [*admitted(p, date(2010, 1, 4)),
                                    EventSpec("died", date(2021, 3, 1), p.org_id)])
        )  # fmt: skip
    removed = bulk_people(bloc_cells, 3)
    for p in removed:
        histories.append(
            (p, date(2009, 12, 1), [*admitted(p, date(2010, 1, 4)),
                                    EventSpec("removed", date(2022, 5, 2), p.org_id,
                                              ground="absent_unpaid")])
        )  # fmt: skip
    [late] = bulk_people(bloc_cells, 1)
    histories.append((late, date(2022, 10, 10), admitted(late, date(2022, 10, 31), official=False)))
    moved = bulk_people(bloc_cells, 2)
    for p in moved:
        histories.append(
            (p, date(2009, 12, 1), [*admitted(p, date(2010, 1, 4)),
                                    EventSpec("transfer_out", date(2022, 3, 1), p.org_id,
                                              other_cell_id=other.pk),
                                    EventSpec("transfer_in", date(2022, 3, 20), other.pk)])
        )  # fmt: skip
    [visitor] = bulk_people([other], 1)
    histories.append(
        (visitor, date(2009, 12, 1), [*admitted(visitor, date(2010, 1, 4)),
                                      EventSpec("temp_out", date(2022, 6, 1), other.pk,
                                                other_cell_id=bloc_cells[0].pk)])
    )  # fmt: skip
    enter(histories)


def test_the_bloc_sentence_comes_out_of_the_events_exactly(bloc):
    unit, cells, other = bloc
    _history(cells, other)

    out = StringIO()
    call_command("stats", "asof", "KCQ", "2022-10-30", "--from", "2022-01-01", "--json", stdout=out)
    figures = json.loads(out.getvalue())

    assert figures["admitted"] == 113
    assert figures["members"]["total"] == 3947
    assert figures["members"]["official"] == 3834
    assert figures["members"]["probationary"] == 113
    assert figures["members"]["exempted"] == 1
    assert figures["members"]["temporarily_away"] == 2
    assert figures["members"]["temporarily_here"] == 1
    organisations = figures["organisations"]
    assert organisations["grassroots_total"] == 89
    assert organisations["grassroots_cells"] == 47
    assert organisations["grassroots_committees"] == 42
    assert organisations["cells"] == 235

    text = StringIO()
    call_command("stats", "asof", "KCQ", "2022-10-30", "--from", "2022-01-01", stdout=text)
    assert "3.947 đảng viên" in text.getvalue()
    assert "89 tổ chức cơ sở đảng (47 chi bộ cơ sở, 42 đảng bộ cơ sở)" in text.getvalue()
    assert "235 chi bộ trực thuộc" in text.getvalue()
    assert "kết nạp 113" in text.getvalue()
    # The day after, the late admission counts; the period's admissions then are 114.
    after = StringIO()
    call_command(
        "stats", "asof", "KCQ", "2022-10-31", "--from", "2022-01-01", "--json", stdout=after
    )
    assert json.loads(after.getvalue())["admitted"] == 114
    assert json.loads(after.getvalue())["members"]["total"] == 3948
