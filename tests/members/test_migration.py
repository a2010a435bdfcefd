"""The party standing kept on Person (D16) moves into the registry (members 0002), and what
the later migrations derive from it (the aggregates, each cell's last admission)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("people", "0003_party_status"), ("members", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_person_columns_become_memberships_events_and_periods(reference_lists) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Org = apps.get_model("orgs", "Org")
    Person = apps.get_model("people", "Person")
    EthnicGroup = apps.get_model("people", "EthnicGroup")
    kinh = EthnicGroup.objects.get(name="Kinh")
    cell = Org.objects.create(
        name="Chi bộ Khu phố 1", code="KP1", kind="cell", path="0001", depth=1, numchild=0
    )

    def person(name: str, **party: object) -> int:
        return Person.objects.create(
            org=cell,
            family_name="Nguyễn",
            given_name=name,
            full_name=f"Nguyễn {name}",
            name_folded=name.lower(),
            sort_key=name.lower(),
            sex="M",
            birth_date=date(1970, 1, 1),
            ethnic_group=kinh,
            **party,
        ).pk

    official = person(
        "An",
        party_status="official",
        party_decision_on=date(2000, 3, 1),
        party_joined_on=date(2000, 3, 20),
        party_official_on=date(2001, 3, 20),
    )
    probationary = person(
        "Bình",
        party_status="probationary",
        party_decision_on=date(2025, 9, 1),
        party_joined_on=date(2025, 9, 20),
    )
    former = person(
        "Chi",
        party_status="former",
        party_decision_on=date(1990, 5, 1),
        party_joined_on=date(1990, 5, 19),
        party_official_on=date(1991, 5, 19),
        party_left_on=date(2010, 6, 1),
        party_left_reason="resigned_hardship",
    )
    never = person("Dũng")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from ptdv.members.models import MemberEvent, MemberPeriod, Membership

    rows = {
        m.person_id: (m.status, m.decision_on, m.joined_on, m.official_on, m.left_on, m.left_kind)
        for m in Membership.objects.all()
    }
    assert rows == {
        official: ("official", date(2000, 3, 1), date(2000, 3, 20), date(2001, 3, 20), None, ""),
        probationary: ("probationary", date(2025, 9, 1), date(2025, 9, 20), None, None, ""),
        former: (
            "left",
            date(1990, 5, 1),
            date(1990, 5, 19),
            date(1991, 5, 19),
            date(2010, 6, 1),
            "resigned",
        ),
    }
    assert never not in rows
    assert list(
        MemberEvent.objects.filter(membership__person_id=former)
        .order_by("on")
        .values_list("kind", "on", "cause")
    ) == [
        ("admitted", date(1990, 5, 19), ""),
        ("recognised", date(1991, 5, 19), ""),
        ("resigned", date(2010, 6, 1), "resigned_hardship"),
    ]
    assert list(
        MemberPeriod.objects.filter(person_id=former)
        .order_by("valid_from")
        .values_list("standing", "valid_from", "valid_to")
    ) == [
        ("probationary", date(1990, 5, 19), date(1991, 5, 19)),
        ("official", date(1991, 5, 19), date(2010, 6, 1)),
    ]
    # The later migrations recompute what the registry keeps from it: every aggregate row and
    # each cell's last admission (members 0011) equal a recomputation.
    from ptdv.members.models import LastAdmission
    from ptdv.members.services import stats

    assert stats.differences() == []
    assert dict(LastAdmission.objects.values_list("cell_id", "on")) == {cell.pk: date(2025, 9, 20)}


@pytest.mark.django_db(transaction=True)
def test_the_admission_years_and_the_tree_counts_are_filled_on_an_upgrade(reference_lists) -> None:
    """Members 0013 fills the admission rows' yearly sums (D51) and 0018 the tree's counts and
    facts (D52, D63; moved there from 0012) of a database that has the rest: back to 0011,
    forward again."""
    from ptdv.members.models import AdmissionStatYear, CellCount, UnitFacts
    from ptdv.members.services import stats
    from ptdv.orgs.models import OrgKind
    from tests.factories import make_org
    from tests.members.helpers import admitted, bulk_people, enter

    province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P", valid_from=date(2000, 1, 1))
    grassroots = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ", code="G",
                          valid_from=date(2000, 1, 1))  # fmt: skip
    cell = make_org(grassroots, OrgKind.CELL, "Chi bộ", code="C", valid_from=date(2005, 1, 1))
    people = bulk_people([cell], 6)
    enter([(p, date(2015 + i, 1, 5), admitted(p, date(2015 + i, 2, 1)))
           for i, p in enumerate(people)])  # fmt: skip
    years = AdmissionStatYear.objects.count()
    assert years
    assert CellCount.objects.exists()
    executor = MigrationExecutor(connection)
    executor.migrate([("members", "0011_last_admission")])
    executor.loader.build_graph()
    executor.migrate([("members", "0013_admission_years")])
    assert AdmissionStatYear.objects.count() == years
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert UnitFacts.objects.count() == 3
    assert CellCount.objects.exists()
    assert stats.differences() == []


@pytest.mark.django_db(transaction=True)
def test_the_tree_counts_of_one_level_gain_the_second_on_an_upgrade(reference_lists) -> None:
    """The tree's counts of a database kept at one level (the default before D54) are rebuilt
    for the two levels kept now on an upgrade (by 0014, since by 0018, which also fills D63's
    days)."""
    from django.test import override_settings

    from ptdv.members.models import CellCount
    from ptdv.members.services import treecounts
    from ptdv.orgs.models import OrgKind
    from tests.factories import make_org
    from tests.members.helpers import admitted, bulk_people, enter

    with override_settings(PTDV_TREE_COUNT_LEVELS=1):
        nation = make_org(None, OrgKind.CENTRAL, "Trung ương", code="TW",
                          valid_from=date(2000, 1, 1))  # fmt: skip
        province = make_org(nation, OrgKind.PROVINCE, "Tỉnh", code="P",
                            valid_from=date(2000, 1, 1))  # fmt: skip
        grassroots = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ", code="G",
                              valid_from=date(2000, 1, 1))  # fmt: skip
        cell = make_org(grassroots, OrgKind.CELL, "Chi bộ", code="C", valid_from=date(2005, 1, 1))
        people = bulk_people([cell], 2)
        enter([(p, date(2015, 1, 5), admitted(p, date(2015, 2, 1))) for p in people])
        assert set(CellCount.objects.values_list("depth", flat=True)) == {2}
    assert treecounts.differences() != []  # two levels are kept now: the second one is missing
    executor = MigrationExecutor(connection)
    executor.migrate([("members", "0013_admission_years")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert set(CellCount.objects.values_list("depth", flat=True)) == {2, 3}
    assert treecounts.differences() == []


@pytest.mark.django_db(transaction=True)
def test_the_year_and_month_of_birth_apart_are_filled_on_an_upgrade(reference_lists) -> None:
    """Members 0017 gives the stock rows and packs of a database the year and the month of
    birth apart (D60), summed from its months of birth: back to 0016 (they go), forward again
    (the rows and packs are as the writes keep them; the ages read from them agree)."""
    from ptdv.members import aggregates
    from ptdv.members.models import MemberStat, MemberStatBase, MemberStatYear, StatPack
    from ptdv.members.rules import packs
    from ptdv.members.services import stats
    from ptdv.orgs.models import OrgKind
    from tests.factories import make_org
    from tests.members.helpers import admitted, bulk_people, enter

    province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P", valid_from=date(2000, 1, 1))
    grassroots = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ", code="G",
                          valid_from=date(2000, 1, 1))  # fmt: skip
    cell = make_org(grassroots, OrgKind.CELL, "Chi bộ", code="C", valid_from=date(2005, 1, 1))
    people = [p for k in range(6) for p in bulk_people([cell], 1, birth=date(1960 + k, 2 + k, 1))]
    enter([(p, date(2015 + i, 1, 5), admitted(p, date(2015 + i, 2, 1)))
           for i, p in enumerate(people)])  # fmt: skip
    stats.fold(date(2018, 6, 1))  # packs and base rows, and monthly rows after them
    day = date(2026, 10, 31)
    ages = aggregates.age_sums([province.pk], day)
    assert ages[province.pk].count == 6
    tables = (MemberStat, MemberStatYear, MemberStatBase)
    kept = [sorted(t.objects.filter(dim="byear").values_list("org_id", "value", "total"))
            for t in tables]  # fmt: skip
    assert kept[1]  # the yearly rows after the fold
    assert kept[2]  # the base rows

    def parts_in_packs() -> int:
        return sum(1 for p in StatPack.objects.all() if "byear" in packs.decode(p.data))

    assert parts_in_packs() > 0
    executor = MigrationExecutor(connection)
    executor.migrate([("members", "0016_stat_packs")])
    assert not any(t.objects.filter(dim__in=["byear", "bmonth"]).exists() for t in tables)
    assert parts_in_packs() == 0
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert [sorted(t.objects.filter(dim="byear").values_list("org_id", "value", "total"))
            for t in tables] == kept  # fmt: skip
    assert parts_in_packs() > 0
    assert stats.differences() == []
    assert aggregates.age_sums([province.pk], day) == ages


@pytest.mark.django_db(transaction=True)
def test_the_earlier_admission_days_are_filled_on_an_upgrade(reference_lists) -> None:
    """Members 0018 gives each cell's kept last admission, and its facts in the tree's counts,
    the three admission days before it (D63): back to 0017 (they go), forward again."""
    from ptdv.members.models import LastAdmission, UnitFacts
    from ptdv.members.services import stats
    from ptdv.orgs.models import OrgKind
    from tests.factories import make_org
    from tests.members.helpers import admitted, bulk_people, enter

    province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P", valid_from=date(2000, 1, 1))
    grassroots = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ", code="G",
                          valid_from=date(2000, 1, 1))  # fmt: skip
    cell = make_org(grassroots, OrgKind.CELL, "Chi bộ", code="C", valid_from=date(2005, 1, 1))
    # Six admissions on five days (two on one ceremony day).
    days = [date(2015, 2, 1), date(2016, 2, 1), date(2017, 2, 1), date(2018, 2, 1),
            date(2019, 2, 1), date(2019, 2, 1)]  # fmt: skip
    people = bulk_people([cell], len(days))
    enter(
        [(p, day.replace(month=1), admitted(p, day)) for p, day in zip(people, days, strict=True)]
    )
    fields = ("on", "earlier_1", "earlier_2", "earlier_3")
    want = (date(2019, 2, 1), date(2018, 2, 1), date(2017, 2, 1), date(2016, 2, 1))
    assert LastAdmission.objects.values_list(*fields).get(cell=cell) == want
    assert UnitFacts.objects.values_list(*fields[1:]).get(org=cell) == want[1:]
    executor = MigrationExecutor(connection)
    executor.migrate([("members", "0017_birth_parts")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert LastAdmission.objects.values_list(*fields).get(cell=cell) == want
    assert UnitFacts.objects.values_list(*fields[1:]).get(org=cell) == want[1:]
    assert UnitFacts.objects.get(org=province).earlier_1 is None  # not a cell
    assert stats.differences() == []
    if connection.vendor == "postgresql":  # the statistics of the facts' grouping key, again
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_statistic_ext WHERE stxname = 'members_unitfacts_child'"
            )
            assert cursor.fetchone() == (1,)
