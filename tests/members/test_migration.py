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
