"""The demo's member history (issue 7 item 12): stories replay cleanly, use every kind of
event the registry knows, and keep every event inside the life of its cell."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q

from ptdv.demo import loader
from ptdv.members import aggregates
from ptdv.members.asof import figures
from ptdv.members.models import EventKind, MemberEvent, Membership, Rating
from ptdv.members.services import rebuild_membership, stats
from ptdv.orgs.models import Org, OrgKind
from tests.factories import TODAY


def test_the_demo_members_have_fifteen_years_of_consistent_history(db):
    loader.load_demo(seed=loader.DEFAULT_SEED, people=2400, today=TODAY)

    kinds = set(MemberEvent.objects.values_list("kind", flat=True))
    assert {
        EventKind.ADMITTED,
        EventKind.RECOGNISED,
        EventKind.TRANSFER_OUT,
        EventKind.TRANSFER_IN,
        EventKind.TEMP_OUT,
        EventKind.TEMP_BACK,
        EventKind.EXEMPT_START,
        EventKind.DIED,
        EventKind.PROBATION_DELETED,
    } <= kinds
    # Admissions in every year of the last fifteen.
    years = set(
        MemberEvent.objects.filter(kind__in=["admitted", "readmitted"]).values_list(
            "on__year", flat=True
        )
    )
    assert set(range(TODAY.year - 15, TODAY.year - 2)) <= years
    # An event happens in a cell that exists on its day (outside PTĐV: no cell roll).
    misplaced = MemberEvent.objects.filter(other_party="").filter(
        Q(on__lt=F("cell__valid_from")) | Q(cell__valid_to__lte=F("on"))
    )
    assert misplaced.count() == 0
    # The stored state is what the events replay to.
    sample = Membership.objects.order_by("pk")[:300]
    assert [m.pk for m in sample if rebuild_membership(m, today=TODAY)] == []
    # Ratings: at most one per member and year, nobody exempted rated, two weak years in a row
    # for somebody (the removal watch list has someone to show).
    assert Rating.objects.count() > 500
    assert not Rating.objects.filter(membership__exempted=True).exists()
    weak = Rating.objects.filter(level="not_completed").values_list("membership_id", flat=True)
    assert any(list(weak).count(m) == 2 for m in set(weak))
    assert Membership.objects.filter(status="left", left_kind="died").exists()
    assert Membership.objects.filter(joined_on__lt=date(2005, 1, 1)).exists()
    # The monthly aggregates (D39) the demo's writes kept — bulk entry, the pipeline's
    # recognitions, the 2025 reorganisation — are what a rebuild computes, and the province's
    # month-end count read from them is the direct one.
    assert stats.differences() == []
    province = Org.objects.get(kind=OrgKind.PROVINCE)
    for day in (date(2015, 12, 31), date(2025, 6, 30), date(2025, 7, 31)):
        direct = figures(province, day, breakdown=False)
        kept = aggregates.totals(province, day)
        assert (kept["total"], kept["official"], kept["exempted"]) == (
            direct.total,
            direct.official,
            direct.exempted,
        )
