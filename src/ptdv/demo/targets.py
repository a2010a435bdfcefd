"""Demo targets (D40): the province and the units directly under it get a "new members" target
for the current year, drawn from each unit's pace this year (its admissions so far, over the part
of the year gone; the three years before when it has none yet), a little above it for every third
unit so the demo shows units at risk beside units on track; the province's target is the sum of
its units' (so the split adds up). The province also gets shares of women and young members for
the year and a count for the 2020–2025 congress term.

Set through `targets.services.set_target`, so each target has its history row like one an
officer set.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ptdv.access.models import User
from ptdv.members.asof import admissions
from ptdv.orgs.models import Org
from ptdv.targets.models import Metric
from ptdv.targets.services import set_target

TERM = (2020, 2025)


def _expected(unit: Org, today: date) -> float:
    """Return the unit's admissions this year at its pace so far (or its yearly average over
    the three years before, when it has admitted nobody yet this year)."""
    start = date(today.year, 1, 1)
    so_far = admissions(unit, start, today).count()
    if so_far:
        return so_far * 365 / ((today - start).days + 1)
    before = admissions(unit, date(today.year - 3, 1, 1), start - timedelta(days=1)).count()
    return before / 3


def _target_for(unit: Org, today: date) -> int:
    factor = 1.25 if unit.pk % 3 == 0 else 0.95  # every third unit stretched: at risk
    return max(1, round(_expected(unit, today) * factor))


def create_demo_targets(*, root: Org, actor: User, today: date) -> int:
    """Set the demo's targets under root; return how many were set."""
    year = today.year
    children = list(Org.objects.subtree(root).filter(depth=root.depth + 1).active_on(today))
    values = {c.pk: _target_for(c, today) for c in children}

    def put(unit: Org, metric: str, value: int, start: int = year, end: int = year) -> None:
        set_target(unit=unit, start_year=start, end_year=end, metric=metric,
                   value=Decimal(value), version=None, actor=actor, today=today)  # fmt: skip

    # The parent first: its children's split is checked against it.
    put(root, Metric.NEW_MEMBERS, sum(values.values()))
    for child in children:
        put(child, Metric.NEW_MEMBERS, values[child.pk])
    put(root, Metric.WOMEN, 40)
    put(root, Metric.YOUTH, 60)
    term = admissions(root, date(TERM[0], 1, 1), date(TERM[1], 12, 31)).count()
    put(root, Metric.NEW_MEMBERS, max(1, round(term * 1.05)), *TERM)
    return len(children) + 4
