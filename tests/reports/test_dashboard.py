"""The dashboard of a unit (issue 8 item 2): members and ages from the monthly aggregates on a
month's end and today, counted directly on other days (the same numbers), the year's admissions
and who they are (W1), the pipeline by stage with days in stage and overdue, the conversion from
the source pool, the cells that admitted nobody, the drill-down rows; the page and its scope."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ptdv.members import aggregates
from ptdv.members.models import EventKind, MemberEvent
from ptdv.members.services import correct_event
from ptdv.members.services.bulk import EventSpec
from ptdv.orgs.models import Org, OrgField, OrgKind
from ptdv.people.models import EthnicGroup, Person
from ptdv.pipeline.models import Stage
from ptdv.pipeline.services import add_to_pool
from ptdv.reports import dashboard
from tests.factories import TODAY, make_org, make_person, make_user, system_user
from tests.members.helpers import admitted, bulk_people, enter
from tests.pipeline.factories import make_candidate, open_test_case

FOUNDED = date(2000, 1, 1)


@pytest.fixture
def quang_tri(db):
    """W1's province: the units whose Q1 2024 admissions the source names, and the rest."""
    root = make_org(None, OrgKind.PROVINCE, "Đảng bộ tỉnh Quảng Trị", code="QT",
                    valid_from=FOUNDED)  # fmt: skip
    named = {}
    for code, name, n in (
        ("KCQ", "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh", 58),
        ("TP", "Đảng bộ huyện Triệu Phong", 46),
        ("DH", "Đảng bộ thành phố Đông Hà", 42),
        ("CL", "Đảng bộ huyện Cam Lộ", 41),
        ("VL", "Đảng bộ huyện Vĩnh Linh", 33),
        ("HH", "Đảng bộ huyện Hướng Hóa", 32),
        ("KH", "Các đảng bộ khác", 81),
    ):
        unit = make_org(root, OrgKind.DISTRICT, name, code=code, valid_from=FOUNDED)
        grassroots = make_org(unit, OrgKind.GRASSROOTS_COMMITTEE, f"Đảng bộ xã {code}",
                              code=f"{code}-X", valid_from=FOUNDED)  # fmt: skip
        cell = make_org(grassroots, OrgKind.CELL, f"Chi bộ thôn {code}", code=f"{code}-C",
                        valid_from=FOUNDED, field=OrgField.RESIDENTIAL)  # fmt: skip
        named[code] = (unit, cell, n)
    return root, named


def _w1(quang_tri):  # type: ignore[no-untyped-def]
    root, named = quang_tri
    people: list[Person] = []
    for _unit, cell, n in named.values():
        people += bulk_people([cell], n, birth=date(1990, 5, 1))
    ids = [p.pk for p in people]
    Person.objects.filter(pk__in=ids).update(sex="M")
    Person.objects.filter(pk__in=ids[:122]).update(sex="F")
    minority = EthnicGroup.objects.filter(is_minority=True).first()
    Person.objects.filter(pk__in=ids[100:130]).update(ethnic_group=minority)
    # 213 aged 18–30 on their admission day; the rest 33.
    Person.objects.filter(pk__in=ids[:213]).update(birth_date=date(2000, 2, 1))
    enter([(p, date(2024, 2, 1), admitted(p, date(2024, 2, 20), official=False)) for p in people])
    # Older members: admitted long ago, two of them born in 1960.
    old = bulk_people([named["KCQ"][1]], 4, birth=date(1960, 3, 1))
    Person.objects.filter(pk__in=[p.pk for p in old[2:]]).update(birth_date=date(1975, 8, 1))
    enter([(p, date(2005, 1, 1), admitted(p, date(2005, 1, 20))) for p in old])
    return root, named


def test_w1_the_quarter_s_admissions_and_who_they_are(quang_tri):
    """W1: 333 admitted in Q1 2024; 122 women 36.64 %; 30 ethnic minority 9.01 %; 213 aged
    18–30 = 63.96 % ("64 %"); the bloc 58, Triệu Phong 46, Đông Hà 42, Cam Lộ 41, Vĩnh Linh 33,
    Hướng Hóa 32."""
    root, named = _w1(quang_tri)
    board = dashboard.build(root, day=date(2024, 3, 31), today=TODAY)

    assert board.from_aggregates  # a month's end
    assert board.admitted == 333
    shares = {s.label: (s.count, s.share) for s in board.composition}
    assert shares["Nữ"] == (122, Decimal("36.64"))
    assert shares["Dân tộc thiểu số"] == (30, Decimal("9.01"))
    assert shares["Tuổi 18–30"] == (213, Decimal("63.96"))
    by_name = {c.name: c.admitted for c in board.children}
    assert [by_name[named[code][0].name] for code in ("KCQ", "TP", "DH", "CL", "VL", "HH")] == [
        58, 46, 42, 41, 33, 32,
    ]  # fmt: skip
    assert board.members == {"total": 337, "official": 4, "probationary": 333, "exempted": 0,
                             "away": 0}  # fmt: skip
    assert (board.units.cells, board.units.grassroots_committees) == (7, 7)
    # Ages on 31/3/2024: 213 aged 24, 120 aged 33, two aged 64, two aged 48.
    assert board.ageing.count == 337
    assert board.ageing.aged_60 == 2
    assert board.ageing.average == Decimal("27.6")  # (213·24 + 120·33 + 2·64 + 2·48) / 337
    bloc = next(c for c in board.children if c.org_id == named["KCQ"][0].pk)
    assert (bloc.total, bloc.ageing.aged_60) == (62, 2)
    # The charts carry the same numbers in their data tables.
    drawn = dashboard.charts_of(board)
    admitted_rows = {row.label: row.cells[0] for row in drawn["admitted"].rows}
    assert admitted_rows[named["TP"][0].name] == "46"
    assert {row.label: row.cells[0] for row in drawn["composition"].rows}["Nữ"] == "36,6 %"
    assert not {"funnel", "stages"} & set(drawn)  # a past day: no pipeline


def test_a_day_the_aggregates_do_not_hold_is_counted_directly_with_the_same_numbers(
    quang_tri, monkeypatch
):
    root, _named = _w1(quang_tri)
    kept = dashboard.build(root, day=date(2024, 3, 31), today=TODAY)
    monkeypatch.setattr(aggregates, "answers", lambda day, today: False)
    direct = dashboard.build(root, day=date(2024, 3, 31), today=TODAY)
    assert not direct.from_aggregates
    assert (direct.members, direct.ageing) == (kept.members, kept.ageing)
    assert direct.children == kept.children
    # A mid-month day in the past: counted directly; the year's admissions so far.
    board = dashboard.build(root, day=date(2024, 2, 25), today=TODAY)
    assert not board.from_aggregates
    assert (board.members["total"], board.admitted) == (337, 333)
    assert board.funnel is None  # the pipeline is today's


def test_cells_that_admitted_nobody_residential_first(quang_tri):
    root, named = quang_tri
    # Triệu Phong's cell admitted someone in 2025; Đông Hà's in 2021 (idle for 3 years by
    # 21/11/2026); an office cell founded in 2010 never admitted anyone; a cell founded in 2025
    # is too young to be listed.
    [a] = bulk_people([named["TP"][1]], 1)
    [b] = bulk_people([named["DH"][1]], 1)
    # (Its decision is of 2/1/2023: the ceremony corrected below may not precede it.)
    enter([(a, date(2023, 1, 2), admitted(a, date(2025, 3, 10), official=False)),
           (b, date(2021, 3, 1), admitted(b, date(2021, 3, 10)))])  # fmt: skip
    office = make_org(named["KCQ"][0], OrgKind.GRASSROOTS_CELL, "Chi bộ Sở Tài chính",
                      code="STC", valid_from=date(2010, 1, 1))  # fmt: skip
    make_org(named["KCQ"][0], OrgKind.GRASSROOTS_CELL, "Chi bộ mới", code="NEW",
             valid_from=date(2025, 1, 1))  # fmt: skip

    board = dashboard.build(root, day=TODAY, today=TODAY, idle_years=3)

    idle = board.idle_cells
    assert idle.listed
    names = [c.name for c in idle.cells]
    assert named["TP"][1].name not in names
    assert "Chi bộ mới" not in names
    assert names[-1] == office.name  # not residential: after every residential cell
    assert all(c.residential for c in idle.cells[:-1])
    dh = next(c for c in idle.cells if c.org_id == named["DH"][1].pk)
    assert dh.last_admission == date(2021, 3, 10)
    # Never admitted comes before admitted long ago, among residential cells.
    assert names.index(named["DH"][1].name) == len(names) - 2
    assert (idle.counted, idle.idle) == (8, 7)
    # Per unit below: Khối's two cells (its residential one and the office) are idle, Triệu
    # Phong's one is not.
    per_child = {c.org_id: (c.counted, c.idle) for c in idle.children}
    assert per_child[named["KCQ"][0].pk] == (2, 2)
    assert per_child[named["TP"][0].pk] == (1, 0)
    assert [c.name for c in idle.children] == sorted(c.name for c in idle.children)
    # Six years: Đông Hà's 2021 admission counts.
    six = dashboard.build(root, day=TODAY, today=TODAY, idle_years=6)
    assert named["DH"][1].pk not in [c.org_id for c in six.idle_cells.cells]
    assert six.idle_cells.idle == 6

    # Triệu Phong's admission was recorded on the wrong day: corrected to 10/01/2023, its cell
    # has admitted nobody in three years, and the replaced day no longer counts.
    event = MemberEvent.objects.get(membership__person=a, kind=EventKind.ADMITTED)
    correct_event(event=event, actor=system_user(), today=TODAY, reason="Sai ngày",
                  version=event.membership.version, on=date(2023, 1, 10))  # fmt: skip
    again = dashboard.build(root, day=TODAY, today=TODAY, idle_years=3)
    tp = next(c for c in again.idle_cells.cells if c.org_id == named["TP"][1].pk)
    assert tp.last_admission == date(2023, 1, 10)
    # On a day before the corrected date, the cell had never admitted anyone.
    early = dashboard.build(root, day=date(2022, 12, 31), today=TODAY, idle_years=3)
    tp = next(c for c in early.idle_cells.cells if c.org_id == named["TP"][1].pk)
    assert tp.last_admission is None


def test_a_member_admitted_outside_ptdv_is_not_the_cells_admission(quang_tri):
    root, named = quang_tri
    [a] = bulk_people([named["VL"][1]], 1)
    # Admitted in 2025 by a party organisation outside PTĐV (the army's), then joined this cell.
    enter([(a, date(2025, 3, 1), [EventSpec("admitted", date(2025, 3, 10), named["VL"][1].pk,
                                            other_party="Đảng ủy Quân sự tỉnh")])])  # fmt: skip
    board = dashboard.build(root, day=TODAY, today=TODAY, idle_years=3)
    assert named["VL"][1].pk in [c.org_id for c in board.idle_cells.cells]


def test_a_unit_with_more_cells_than_the_limit_gives_counts_per_unit_below(
    client, quang_tri, settings
):
    root, named = quang_tri
    [a] = bulk_people([named["TP"][1]], 1)
    enter([(a, date(2025, 3, 1), admitted(a, date(2025, 3, 10)))])
    settings.PTDV_IDLE_LIST_LIMIT = 6  # the province has 7 cells

    board = dashboard.build(root, day=TODAY, today=TODAY, idle_years=3)

    idle = board.idle_cells
    assert not idle.listed
    assert idle.cells == []
    assert (idle.counted, idle.idle) == (7, 6)
    assert {c.org_id: (c.counted, c.idle) for c in idle.children} == {
        unit.pk: (1, 0 if code == "TP" else 1) for code, (unit, _c, _n) in named.items()
    }
    officer = make_user("bantochuc", "board_specialist", root)
    client.force_login(officer)
    html = client.get(
        reverse("reports:dashboard", args=[root.pk]), {"day": "21/11/2026", "years": 3}
    ).content.decode()
    assert "6 trên 7 chi bộ." in html
    assert "Đơn vị có hơn 6 chi bộ: danh sách từng chi bộ xem ở từng đơn vị trực thuộc." in html
    child = reverse("reports:dashboard", args=[named["DH"][0].pk])
    assert f'href="{child}?day=21%2F11%2F2026&amp;years=3"' in html
    assert reverse("orgs:detail", args=[named["DH"][1].pk]) not in html  # no list of cells
    # A district under the limit lists its cell.
    below = client.get(
        reverse("reports:dashboard", args=[named["DH"][0].pk]), {"years": 3}
    ).content.decode()
    assert reverse("orgs:detail", args=[named["DH"][1].pk]) in below


def test_the_pipeline_by_stage_with_days_in_stage_overdue_and_sources(quang_tri):
    root, named = quang_tri
    cell = named["CL"][1]
    officer = make_user("bantochuc", "board_specialist", root)
    people = [make_candidate(cell) for _ in range(4)]
    entries = [
        add_to_pool(cell=cell, person=p, source=source, listed_on=date(2024, 5, 1),
                    proposed_by="Chi đoàn", notes="", actor=officer, today=TODAY)
        for p, source in zip(people, ["youth_union", "youth_union", "militia", "militia"],
                             strict=True)
    ]  # fmt: skip
    for p, entry, opened in zip(people[:3], entries[:3],
                                [date(2026, 11, 1), date(2026, 11, 11), date(2026, 10, 1)],
                                strict=True):  # fmt: skip
        open_test_case(p, cell, actor=officer, opened_on=opened, pool_entry=entry,
                       source=entry.source)  # fmt: skip

    board = dashboard.build(root, day=TODAY, today=TODAY)

    assert board.funnel is not None
    stages = {row.stage: row for row in board.funnel}
    opened = stages[Stage.SOURCE]
    assert opened.count == 3
    assert opened.median_days == Decimal("20.0")  # 10, 20 and 51 days
    assert sum(row.count for row in board.funnel) == 3
    assert board.pool == 1  # the fourth is still on the list
    sources = {row.source: row for row in board.sources}
    assert (sources["youth_union"].listed, sources["youth_union"].cases) == (2, 2)
    assert (sources["militia"].listed, sources["militia"].cases) == (2, 1)
    assert (sources["militia"].admitted, sources["militia"].conversion) == (0, Decimal("0.00"))
    assert board.overdue_cases == sum(row.overdue for row in board.funnel)
    funnel = dashboard.charts_of(board)["funnel"]
    assert [row.cells[0] for row in funnel.rows] == ["4", "3", "0"]
    assert board.overdue_transfers == 0


def test_a_unit_not_yet_founded_has_no_dashboard(quang_tri):
    root, _named = quang_tri
    assert not dashboard.build(root, day=date(1999, 12, 31), today=TODAY).exists


def test_month_ends_for_the_quick_choices():
    assert dashboard.month_ends(date(2026, 3, 15), 3) == [
        date(2026, 2, 28), date(2026, 1, 31), date(2025, 12, 31),
    ]  # fmt: skip


# --- the page ---------------------------------------------------------------------------------


def test_the_page_reads_in_a_fixed_number_of_queries(client, quang_tri,
                                                     django_assert_max_num_queries):  # fmt: skip
    root, named = _w1(quang_tri)
    user = make_user("bantochuc.tinh", "board_specialist", root)
    client.force_login(user)
    url = reverse("reports:dashboard", args=[root.pk])
    with django_assert_max_num_queries(40):
        response = client.get(url, {"day": "31/03/2024"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đảng viên và tổ chức đảng ngày 31/03/2024" in html
    assert "kết nạp 333 đảng viên" in html
    assert "Đảng bộ huyện Triệu Phong" in html
    assert reverse("reports:dashboard", args=[named["TP"][0].pk]) in html  # drill-down
    assert html.count("<svg") >= 4  # members, admissions, composition, ageing
    # Twice the members, the same number of queries: nothing is read per member or per row.
    more = bulk_people([named["HH"][1]], 300)
    enter([(p, date(2024, 2, 1), admitted(p, date(2024, 2, 20), official=False)) for p in more])
    with django_assert_max_num_queries(40):
        assert client.get(url, {"day": "31/03/2024"}).status_code == 200


@pytest.mark.parametrize("day", [TODAY, date(2024, 3, 31), date(2024, 3, 15)])
def test_the_build_asks_the_database_no_question_twice(quang_tri, day):
    """The parts' shared questions (the tree's changes since the day, the base rows' last
    month …) are read once per build (core.memo), today, on a month end and another day."""
    root, _named = _w1(quang_tri)
    with CaptureQueriesContext(connection) as queries:
        dashboard.build(root, day=day, today=TODAY)
    sent = [q["sql"] for q in queries.captured_queries]
    assert sorted(sql for sql in set(sent) if sent.count(sql) > 1) == []
    # Outside a build each part asks again.
    assert aggregates.folded_through() == aggregates.folded_through()


def test_the_page_refuses_a_future_day_and_bad_years_in_vietnamese(client, quang_tri):
    root, _named = quang_tri
    client.force_login(make_user("bantochuc.tinh", "board_specialist", root))
    url = reverse("reports:dashboard", args=[root.pk])
    response = client.get(url, {"day": (TODAY + timedelta(days=400)).strftime("%d/%m/%Y")})
    assert response.status_code == 400
    assert "Không xem được số liệu của một ngày trong tương lai." in response.content.decode()
    response = client.get(url, {"years": "0"})
    assert response.status_code == 400
    assert "Số năm phải từ 1 đến 20." in response.content.decode()


def test_a_cell_secretary_sees_only_their_cell(client, quang_tri):
    root, named = quang_tri
    cell = named["VL"][1]
    client.force_login(make_user("bithu", "cell_editor", cell))
    assert client.get(reverse("reports:dashboard", args=[cell.pk])).status_code == 200
    other = named["HH"][1]
    assert client.get(reverse("reports:dashboard", args=[other.pk])).status_code == 404
    assert client.get(reverse("reports:dashboard", args=[root.pk])).status_code == 404
    missing = Org.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("reports:dashboard", args=[missing])).status_code == 404


def test_the_unit_page_links_to_its_dashboard(client, quang_tri):
    root, _named = quang_tri
    client.force_login(make_user("bantochuc.tinh", "board_specialist", root))
    html = client.get(reverse("orgs:detail", args=[root.pk])).content.decode()
    assert reverse("reports:dashboard", args=[root.pk]) in html


def test_make_person_keeps_the_aggregates(quang_tri):
    """A person edited through the services after admission moves between the aggregates'
    values (the save signal); the dashboard's ages follow."""
    root, named = quang_tri
    cell = named["VL"][1]
    person = make_person(cell, birth_date=date(1990, 1, 1))
    enter([(person, date(2020, 1, 1), [EventSpec("admitted", date(2020, 1, 10), cell.pk)])])
    from ptdv.people.services import update_person

    person.refresh_from_db()
    update_person(person=person, values={"birth_date": date(1950, 1, 1)}, version=person.version,
                  actor=system_user(), today=TODAY)  # fmt: skip
    board = dashboard.build(root, day=TODAY, today=TODAY)
    assert board.ageing.aged_60 == 1


def test_a_cells_dashboard_of_today_reads_in_a_fixed_number_of_queries(
    quang_tri, django_assert_num_queries
):
    """A cell below the kept levels: no units under it to list or count, its members and ages
    in one read of its periods (no search of the tree under it), its year's admissions from its
    own events (no search of cells under it, no placing under children it has not), no
    reference lists and no people of admissions when nobody was admitted in the year; as many
    queries with more members and more of the year's admissions."""
    root, named = quang_tri
    cell = named["TP"][1]
    first = bulk_people([cell], 5)
    enter([(p, date(2010, 2, 1), admitted(p, date(2010, 3, 1))) for p in first])
    # Two of them list the cell as idle; its admission rows are not probed (below the kept
    # levels: reports.admissions reads its events at once), nor its span again for its members.
    with django_assert_num_queries(12):
        board = dashboard.build(cell, day=TODAY, today=TODAY)
    assert (board.members["total"], board.admitted) == (5, 0)
    assert board.ageing.count == 5
    assert board.children == []
    assert board.units.by_kind == {cell.kind: 1}
    assert [c.org_id for c in board.idle_cells.cells] == [cell.pk]
    assert all(not items for items in board.lists.values())
    more = bulk_people([cell], 7)
    enter([(p, date(2026, 2, 1), admitted(p, date(2026, 3, 1), official=False)) for p in more])
    # Not idle any more; the four reference lists behind the year's lists are read (in one
    # query), and the people admitted in the year after their events
    # (reports.admissions._admitted).
    with django_assert_num_queries(12):
        board = dashboard.build(cell, day=TODAY, today=TODAY)
    assert (board.members["total"], board.admitted) == (12, 7)
    assert not board.idle_cells.cells
    assert board.lists["Nghề nghiệp, thành phần"]
