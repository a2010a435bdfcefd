"""A unit whose year target is at risk reaches the alerts digest (D42) of those who see it, and
no one else's."""

from __future__ import annotations

from ptdv.alerts.selectors import digest_for
from tests.factories import TODAY


def _targets(digest):  # type: ignore[no-untyped-def]
    return {a.item.unit: a.item for a in digest.alerts if a.item.source == "targets.at_risk"}


def test_targets_at_risk_are_in_the_digest_of_those_who_see_the_unit(plan):
    cast = plan.cast
    officer = _targets(digest_for(cast.grassroots_officer, today=TODAY, within_days=30))
    # The committee: 4 admitted of 10 with 40 days left; the cells: 3 of 6 and 1 of 3.
    assert cast.grassroots.name in officer
    item = officer[cast.grassroots.name]
    assert item.at_risk
    assert "Dự báo 4/10 (40 %): thiếu 6 đảng viên" in item.what
    assert cast.cell_a.name in officer
    # Outside the unit's subtree: nothing of it.
    assert _targets(digest_for(cast.outsider, today=TODAY, within_days=30)) == {}
    secretary = _targets(digest_for(cast.cell_secretary, today=TODAY, within_days=30))
    assert cast.grassroots.name not in secretary
