"""Reads of the monthly aggregates (decision D39): a unit's members on a month's last day, or
today, split by any dimension of the person, from a few hundred small rows whatever the number
of members. Units above the cells read their rows; a cell's own members (it keeps no rows) are
counted from its periods in force on the day, in the same call.

Any other day is not in the aggregates (they know month ends): `answers(day, today)` says
whether a day can be read here; members.asof answers every day by scanning the periods.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Substr

from ptdv.members.models import MemberPeriod, MemberStat, MemberStatYear
from ptdv.members.rules.stats import MEASURES, PERSON_VALUES, dims_of, month_end, month_of
from ptdv.orgs.models import Org

# {dimension: {value: {measure: count}}}; dimension "" value "" holds the unit's totals.
Stock = dict[str, dict[str, dict[str, int]]]
# The person's attributes, read through a period.
_PERSON = tuple(f"person__{name}" for name in PERSON_VALUES if name != "pk")


def answers(day: date, today: date) -> bool:
    """Return whether the aggregates hold the members of this day: a month's last day, or
    today (no event is ever dated in the future, so today's count is the month's end count)."""
    return day == month_end(month_of(day)) or day == today


def stocks(
    units: Iterable[int], day: date, *, dims: tuple[str, ...] | None = None
) -> dict[int, Stock]:
    """Return the members of each unit (by id) on the day (see `answers`) by dimension and
    value: three queries whatever the number of units (the yearly sums before the day's year,
    its months up to the day's, and the members counted in the units themselves)."""
    ids = list(units)
    result: dict[int, Stock] = {}
    for rows in _kept(ids, day):  # type: QuerySet[Any]
        if dims is not None:
            rows = rows.filter(dim__in=dims)
        grouped = (
            rows.values("org_id", "dim", "value")
            .annotate(**{m: Sum(m) for m in MEASURES})
            .order_by()
        )
        for row in grouped:
            unit = result.setdefault(row["org_id"], {})
            counts = unit.setdefault(row["dim"], {}).setdefault(
                row["value"], dict.fromkeys(MEASURES, 0)
            )
            for m in MEASURES:
                counts[m] += int(row[m] or 0)
    _add_own_members(result, ids, day, dims)
    for unit in result.values():
        for values in unit.values():
            for value in [v for v, counts in values.items() if not any(counts.values())]:
                del values[value]
    return result


def _kept(ids: list[int], day: date) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """Return the rows that add up to the units' stock on the day: the yearly sums of the years
    before the day's, and the monthly rows of its own year up to the day's month."""
    month = month_of(day)
    return (
        MemberStatYear.objects.filter(org_id__in=ids, year__lt=day.year),
        MemberStat.objects.filter(
            org_id__in=ids, month__gte=month.replace(month=1), month__lte=month
        ),
    )


def _own_periods(units: list[int], day: date) -> QuerySet[MemberPeriod]:
    """Return the periods in force on the day counted in the units themselves."""
    return MemberPeriod.objects.filter(cell_id__in=units, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def _add_own_members(
    result: dict[int, Stock], units: list[int], day: date, dims: tuple[str, ...] | None
) -> None:
    """Add the members counted in the units themselves (cells keep no aggregate rows: a cell's
    periods in force on the day are a few dozen, read with their persons in one query)."""
    periods = _own_periods(units, day).values(
        "cell_id", "standing", "exempted", "temp_cell_id", *_PERSON
    )
    for row in periods:
        person = {name: row[f"person__{name}"] for name in PERSON_VALUES if name != "pk"}
        measures = ["total", row["standing"]]
        if row["exempted"]:
            measures.append("exempted")
        if row["temp_cell_id"] is not None:
            measures.append("away")
        unit = result.setdefault(row["cell_id"], {})
        for dim, value in dims_of(person).items():
            if dims is not None and dim not in dims:
                continue
            counts = unit.setdefault(dim, {}).setdefault(value, dict.fromkeys(MEASURES, 0))
            for measure in measures:
                counts[measure] += 1


def ages(units: Iterable[int], day: date) -> dict[int, Counter[int]]:
    """Return the members of each unit on the day (see `answers`) by age in full years at the
    end of the day's month (exact from the month of birth: everyone's birthday of that month has
    passed by then). The age is computed in SQL, so a unit returns one row per age rather than
    one per month of birth: three queries whatever the number of units."""
    ids = list(units)
    end = month_end(month_of(day))
    result: dict[int, Counter[int]] = {}
    for rows in _kept(ids, day):  # type: QuerySet[Any]
        grouped = (
            rows.filter(dim="birth")
            .annotate(
                born=Cast(Substr("value", 1, 4), IntegerField()),
                born_month=Cast(Substr("value", 6, 2), IntegerField()),
            )
            .annotate(
                age=Value(end.year)
                - F("born")
                - Case(When(born_month__gt=end.month, then=Value(1)), default=Value(0))
            )
            .values_list("org_id", "age")
            .annotate(n=Sum("total"))
            .order_by()
        )
        for org_id, age, n in grouped:
            if n:
                result.setdefault(org_id, Counter())[age] += n
    births = _own_periods(ids, day).values_list("cell_id", "person__birth_date")
    for cell_id, born in births:
        age = end.year - born.year - (1 if born.month > end.month else 0)
        result.setdefault(cell_id, Counter())[age] += 1
    return {org_id: +counts for org_id, counts in result.items()}


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
