"""The targets' items for the alerts digest (D42): the units in the user's scope whose
"new members" target of the year is at risk (D40's forecast falls short, or nobody admitted)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ptdv.access import policy
from ptdv.access.policy import Action
from ptdv.alerts.rules import Item
from ptdv.targets import selectors
from ptdv.targets.models import Metric, Target


def at_risk_items(user: Any, today: date) -> Iterator[Item]:
    """Yield one at-risk item per unit in scope whose year target is at risk (about seven
    queries per unit holding a target of the year: a province has a few dozen)."""
    targets = (
        policy.scope(user, Target.objects.all(), Action.MEMBER_VIEW)
        .filter(start_year=today.year, end_year=today.year, metric=Metric.NEW_MEMBERS)
        .filter(unit__valid_to__isnull=True)
        .select_related("unit")
        .order_by("unit__path")
    )
    for target in targets:
        progress = selectors.progress(target.unit, year=today.year, today=today)
        if progress is None or not progress.at_risk:
            continue
        yield Item(
            source="targets.at_risk",
            key=str(target.pk),
            topic=_("Chỉ tiêu kết nạp"),
            subject="",
            unit=target.unit.name,
            what="; ".join(progress.reasons),
            due_on=date(today.year, 12, 31),
            url=reverse("targets:unit", args=[target.unit_id]) + f"?ky={today.year}",
            at_risk=True,
        )
