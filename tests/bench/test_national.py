"""The national benchmark's bulk load must keep producing the aggregates the services produce
(bench/national.py): its set-based aggregates against a recomputation by members.services.stats,
and against bulk_enter's own upserts on the same data."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.db import connection

from bench import national
from ptdv.members.models import MemberEvent, Membership
from ptdv.members.services import stats
from ptdv.orgs.models import Org, OrgSpan
from ptdv.pipeline.models import Case

TINY = national.Sizes(provinces=3, districts=3, grassroots=4, cells=8, members=300, cases=20)


@pytest.mark.django_db
def test_fast_load_writes_the_aggregates_a_rebuild_computes() -> None:
    national.generate(TINY, seed=7)

    assert stats.differences() == []
    assert Membership.objects.count() == 300
    assert Case.objects.count() == 20
    assert OrgSpan.objects.count() == 1 + 3 + 3 + 4 + 8


@pytest.mark.django_db
def test_set_based_aggregates_equal_those_bulk_enter_keeps() -> None:
    national.generate(TINY, seed=11, fast=False)
    kept = stats.stored()
    admitted = stats.stored_admissions()

    national.write_aggregates()

    assert stats.stored() == kept
    assert len(kept) > 1000
    assert stats.stored_admissions() == admitted
    assert len(admitted) > 500


def _loaded() -> Counter[tuple[Any, ...]]:
    """The loaded members as data: (cell, birth date, sex, the membership's events)."""
    events: dict[int, list[tuple[str, date, int]]] = {}
    for membership_id, kind, on, cell_id in MemberEvent.objects.order_by("pk").values_list(
        "membership_id", "kind", "on", "cell_id"
    ):
        events.setdefault(membership_id, []).append((kind, on, cell_id))
    return Counter(
        (p.person.org_id, p.person.birth_date, p.person.sex, tuple(events[p.pk]))
        for p in Membership.objects.select_related("person")
    )


@pytest.mark.django_db(transaction=True)
def test_a_load_on_both_cores_writes_each_chunk_once_and_the_aggregates_of_one_process(
    reference_lists: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On PostgreSQL outside a transaction: two processes enter the six chunks, the aggregates'
    # parts and the indexes are written on two connections (on SQLite, all in this process).
    monkeypatch.setenv("BENCH_LOAD_WORKERS", "2")
    assert national.load_workers() == (2 if connection.vendor == "postgresql" else 1)
    indexes = _indexes()
    country, _seconds = national.generate(TINY, seed=5, member_chunk=50, case_chunk=5)

    expected: Counter[tuple[Any, ...]] = Counter()
    for index, n in national.chunks(TINY.members, 50):
        for row, events in national.chunk_data(country, 5, index, n):
            expected[(row[0], row[8], row[7],
                      tuple((e.kind, e.on, e.cell_id) for e in events))] += 1  # fmt: skip
    assert len(national.chunks(TINY.members, 50)) == 6
    assert _loaded() == expected
    assert country.members == 300
    paths = dict(Org.objects.filter(pk__in=country.cells).values_list("pk", "path"))
    cases: Counter[tuple[Any, ...]] = Counter()
    for index, n in national.chunks(TINY.cases, 5):
        for row, case in national.case_data(country, paths, 5, index, n):
            cases[(row[8], *case)] += 1
    columns = national.CASE_COLUMNS[1:]
    assert len(national.chunks(TINY.cases, 5)) == 4
    assert (
        Counter(
            (birth, *values)
            for birth, *values in Case.objects.values_list("person__birth_date", *columns)
        )
        == cases
    )
    assert country.events == sum(len(k[3]) * n for k, n in expected.items())
    assert stats.differences() == []
    # The keys and indexes the load dropped (PostgreSQL) are all back.
    assert _indexes() == indexes


def _indexes() -> set[str]:
    tables = national.LOADED_TABLES + national.STAT_TABLES
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) UNION "
                           "SELECT conname FROM pg_constraint WHERE conrelid::regclass::text = "
                           "ANY(%s)", [tables, tables])  # fmt: skip
        else:
            marks = ", ".join("%s" for _ in tables)
            cursor.execute(f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name "
                           f"IN ({marks})", tables)  # fmt: skip
        return {name for (name,) in cursor.fetchall()}
