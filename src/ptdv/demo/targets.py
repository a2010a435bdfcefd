"""Demo targets (D40): the province and the units directly under it get a "new members" target
for the current year, drawn from what each admitted the year before (+10 %, at least 1), the
province's being the sum of its units' (so the split adds up); the province also gets shares of
women and young members for the year and a count for the 2020–2025 congress term.

Set through `targets.services.set_target`, so each target has its history row like one an
officer set.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ptdv.access.models import User
from ptdv.members.asof import admissions
from ptdv.orgs.models import Org
from ptdv.targets.models import Metric
from ptdv.targets.services import set_target

TERM = (2020, 2025)


def _last_year(unit: Org, year: int) -> int:
    return admissions(unit, date(year - 1, 1, 1), date(year - 1, 12, 31)).count()


def create_demo_targets(*, root: Org, actor: User, today: date) -> int:
    """Set the demo's targets under root; return how many were set."""
    year = today.year
    children = list(Org.objects.subtree(root).filter(depth=root.depth + 1).active_on(today))
    values = {c.pk: max(1, round(_last_year(c, year) * 1.1)) for c in children}

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
