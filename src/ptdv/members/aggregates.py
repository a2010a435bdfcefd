"""Reads of the monthly aggregates (decision D39): a unit's members on a month's last day, or
today, split by any dimension of the person, from a few hundred small rows whatever the number
of members.

Any other day is not in the aggregates (they know month ends): `answers(day, today)` says
whether a day can be read here; members.asof answers every day by scanning the periods.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Sum

from ptdv.members.models import MemberStat
from ptdv.members.rules.stats import MEASURES, month_end, month_of
from ptdv.orgs.models import Org

# {dimension: {value: {measure: count}}}; dimension "" value "" holds the unit's totals.
Stock = dict[str, dict[str, dict[str, int]]]


def answers(day: date, today: date) -> bool:
    """Return whether the aggregates hold the members of this day: a month's last day, or
    today (no event is ever dated in the future, so today's count is the month's end count)."""
    return day == month_end(month_of(day)) or day == today


def stocks(
    units: Iterable[int], day: date, *, dims: tuple[str, ...] | None = None
) -> dict[int, Stock]:
    """Return the members of each unit (by id) on the day (see `answers`) by dimension and
    value: one grouped query whatever the number of units."""
    rows = MemberStat.objects.filter(org_id__in=list(units), month__lte=month_of(day))
    if dims is not None:
        rows = rows.filter(dim__in=dims)
    result: dict[int, Stock] = {}
    grouped = (
        rows.values("org_id", "dim", "value").annotate(**{m: Sum(m) for m in MEASURES}).order_by()
    )
    for row in grouped:
        counts = {m: int(row[m] or 0) for m in MEASURES}
        if any(counts.values()):
            unit = result.setdefault(row["org_id"], {})
            unit.setdefault(row["dim"], {})[row["value"]] = counts
    return result


def stock(unit: Org, day: date, *, dims: tuple[str, ...] | None = None) -> Stock:
    """Return the unit's members on the day (see `answers`) by dimension and value."""
    return stocks([unit.pk], day, dims=dims).get(unit.pk, {})


def totals(unit: Org, day: date) -> dict[str, int]:
    """Return the unit's member counts on the day (total, official, probationary, exempted,
    away): one grouped read of the all-members rows."""
    return stock(unit, day, dims=("",)).get("", {}).get("", dict.fromkeys(MEASURES, 0))


def month_end_day(day: date) -> bool:
    """Return whether the day is a month's last day (the aggregates hold its ages exactly too:
    a person's age on a month's last day follows from the month of birth)."""
    return day == month_end(month_of(day))
