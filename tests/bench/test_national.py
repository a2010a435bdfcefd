"""The national benchmark's bulk load must keep producing the aggregates the services produce
(bench/national.py): its set-based aggregates against a recomputation by members.services.stats,
and against bulk_enter's own upserts on the same data."""

from __future__ import annotations

import pytest

from bench import national
from ptdv.members.models import Membership
from ptdv.members.services import stats
from ptdv.orgs.models import OrgSpan
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
