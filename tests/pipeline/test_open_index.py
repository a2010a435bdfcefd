"""The open cases under a unit and the cases decided under it are read from their indexes
alone on both databases: the columns the reads need are key columns (Django writes INCLUDE
columns on PostgreSQL only), and the open cases' index leads with the outcome rather than being
partial, which SQLite's planner, given statistics, passed over for the ORM's `outcome = ?`."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.db.models import Count, Q

from ptdv.pipeline import paths
from ptdv.pipeline.models import Case, Outcome
from tests.pipeline.factories import make_candidate, open_test_case

pytestmark = pytest.mark.django_db


def _reads_alone(queryset, index: str) -> bool:  # type: ignore[no-untyped-def]
    """Return whether the query is answered from the index alone: SQLite's plan, with the
    statistics of ANALYZE, says so; on PostgreSQL (whose plan for a test's few pages reads the
    table), the index holds every column the query names."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            return f"COVERING INDEX {index} " in plan
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        [(definition,)] = cursor.fetchall()
    named = set(re.findall(r'"pipeline_case"\."(\w+)"', sql))
    return all(re.search(rf"\b{column}\b", definition) for column in named)


def test_the_cases_under_a_unit_are_read_from_their_indexes_alone(world) -> None:  # type: ignore[no-untyped-def]
    for n in range(30):
        person = make_candidate(world.cast.cell_b)
        open_test_case(
            person, world.cast.cell_b, actor=world.cast.board_specialist,
            opened_on=date(2026, 10, 1 + n),
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # (SQLite's planner is the one that needed the statistics)
    under = Case.objects.filter(paths.under(world.cast.grassroots.path))
    funnel = (
        under.filter(outcome=Outcome.OPEN)
        .values_list("stage", "stage_since")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(next_due_on__lt=date(2026, 11, 1))))
        .order_by()
    )
    assert _reads_alone(funnel, "pipeline_case_path_open")
    pipeline = (
        under.filter(outcome=Outcome.OPEN, stage__in=["committee_approved", "decided"])
        .values_list("stage", "next_due_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert _reads_alone(pipeline, "pipeline_case_path_open")
    # The pass-through's read of every case decided under the unit
    # (targets.selectors.forecast._decided).
    passed = under.filter(decision_on__gte=date(2023, 1, 1)).values_list(
        "outcome", "closed_on", "ceremony_on"
    )
    assert _reads_alone(passed, "pipeline_case_path")
