"""Reads of the monthly aggregates (decision D39): a unit's members on a month's last day, or
today, split by any dimension of the person, from a few hundred small rows whatever the number
of members.

The top levels of the tree (`kept_levels()`: the nation, the provinces, the districts) read their
rows, plus any members counted in the unit itself. The units further down keep no rows: their
members are a few dozen to a few hundred periods, counted directly from the periods in force on
the day, in one query for all of them.

Any other day is not in the aggregates (they know month ends): `answers(day, today)` says
whether a day can be read here; members.asof answers every day by scanning the periods.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Substr

from ptdv.members.aggregates import reading
from ptdv.members.aggregates.packed import (
    Parts,
    pack_admitted,
    pack_age_sums,
    pack_ages,
    pack_stock,
    years_on,
)
from ptdv.members.aggregates.reading import folded_through as folded_through  # (re-exported)
from ptdv.members.aggregates.reading import kept_levels as kept_levels  # (re-exported)
from ptdv.members.aggregates.reading import packed_year as packed_year  # (re-exported)
from ptdv.members.models import (
    AdmissionStat,
    AdmissionStatYear,
    PackKind,
)
from ptdv.members.rules import packs
from ptdv.members.rules.stats import (
    BIRTH_PARTS,
    MEASURES,
    PERSON_VALUES,
    dims_of,
    month_end,
    month_of,
)
from ptdv.orgs.models import SPAN_STEP, Org, OrgSpan

# (The tests read the parts a read adds up.)
_Parts = Parts
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
    value: four queries whatever the number of units (the yearly sums before the day's year,
    its months up to the day's, the members counted in the units themselves, the members of
    the units below the kept levels)."""
    kept, deep, cells = reading.split(list(units), day)
    result: dict[int, Stock] = {}
    _add_kept_stocks(result, kept, day, dims)
    # The totals alone need nothing of the person (a query with half the joins to plan).
    totals_only = dims is not None and set(dims) <= {""}
    person_fields = () if totals_only else _PERSON
    for counted in reading.counted(kept, deep, day, person_fields, cells):
        _add_counted(result, counted, {"": ""} if totals_only else dims_of(counted.person), dims)
    return _without_empty(result)


def kept_stocks(units: Iterable[int], day: date) -> dict[int, Stock]:
    """Return each unit's stock at the end of the day's month from its aggregate rows and packs
    alone (not the members of the unit itself, nor the units below the kept levels, which have
    no rows): what a fold writes as the base (D46)."""
    result: dict[int, Stock] = {}
    _add_kept_stocks(result, list(units), day, None)
    return _without_empty(result)


def _add_kept_stocks(
    result: dict[int, Stock], kept: list[int], day: date, dims: tuple[str, ...] | None
) -> None:
    """Add the kept units' rows and packs of the dimensions (None: all) up to the day to
    `result`."""
    parts = reading.kept(kept, day, dims)
    for rows in parts.rows:  # type: QuerySet[Any]
        if dims is not None:
            rows = rows.filter(dim__in=dims)
        grouped = (
            rows.values_list("org_id", "dim", "value")
            .annotate(*(Sum(m) for m in MEASURES))
            .order_by()
        )
        for org_id, dim, value, *sums in grouped:
            counts = _counts(result, org_id, dim, value)
            for m, n in zip(MEASURES, sums, strict=True):
                counts[m] += int(n or 0)
    # All the dimensions are the fold's read of every unit: not remembered.
    stock_of = partial(pack_stock, dims)
    for org_id, entries in parts.derived(("stock", dims), stock_of, remember=dims is not None):
        _add_packed(result, org_id, entries)


def _add_packed(
    result: dict[int, Stock], org_id: int, entries: Iterable[tuple[str, str, list[int]]]
) -> None:
    """Add a unit's packs added up (`pack_stock`'s dimension, value, counts) to `result`."""
    for dim, value, found in entries:
        counts = _counts(result, org_id, dim, value)
        for m, n in zip(MEASURES, found, strict=True):
            counts[m] += n


def _add_counted(
    result: dict[int, Stock],
    counted: reading.Counted,
    person: dict[str, str],
    dims: tuple[str, ...] | None,
) -> None:
    """Add one counted period's measures to its unit, under each of the person's values."""
    for dim, value in person.items():
        if dims is None or dim in dims:
            counts = _counts(result, counted.unit, dim, value)
            for measure in counted.measures:
                counts[measure] += 1


def _without_empty(result: dict[int, Stock]) -> dict[int, Stock]:
    """Return the stocks without the values whose measures are all zero."""
    for unit in result.values():
        for values in unit.values():
            for value in [v for v, counts in values.items() if not any(counts.values())]:
                del values[value]
    return result


def ages(units: Iterable[int], day: date) -> dict[int, Counter[int]]:
    """Return the members of each unit on the day (see `answers`) by age in full years at the
    end of the day's month (exact from the month of birth: everyone's birthday of that month has
    passed by then). The age is computed in SQL, so a unit returns one row per age rather than
    one per month of birth."""
    kept, deep, cells = reading.split(list(units), day)
    end = month_end(month_of(day))
    result: dict[int, Counter[int]] = {}
    parts = reading.kept(kept, day, ("birth",))
    for rows in parts.rows:  # type: QuerySet[Any]
        grouped = (
            _with_age(rows.filter(dim="birth"), end)
            .values_list("org_id", "age")
            .annotate(n=Sum("total"))
            .order_by()
        )
        for org_id, age, n in grouped:
            if n:
                result.setdefault(org_id, Counter())[age] += n
    for org_id, found in parts.derived(("ages", end), partial(pack_ages, end)):
        unit = result.setdefault(org_id, Counter())
        for age, n in found:
            unit[age] += n
    for counted in reading.counted(kept, deep, day, ("person__birth_date",), cells):
        born: date = counted.person["birth_date"]
        result.setdefault(counted.unit, Counter())[years_on(born.year, born.month, end)] += 1
    return {org_id: +counts for org_id, counts in result.items()}


@dataclass(frozen=True)
class AgeSums:
    """A unit's members on a day: how many, the sum of their ages in full years, how many are
    60 or over."""

    count: int = 0
    years: int = 0
    aged_60: int = 0


def age_sums(units: Iterable[int], day: date) -> dict[int, AgeSums]:
    """Return `ages` summed per unit in the database (one row per unit instead of one per
    age): what the dashboard's ageing needs (read with the totals: `totals_and_ages`)."""
    return totals_and_ages(units, day)[1]


def totals_and_ages(
    units: Iterable[int], day: date, *, spans: dict[int, tuple[str, str]] | None = None
) -> tuple[dict[int, Stock], dict[int, AgeSums]]:
    """Return `stocks(units, day, dims=("",))` and each unit's ages summed (`ages` summed per
    unit) together (the dashboard's members and ageing): each part of the kept units' rows and
    packs is read once for both, and so are the periods of the units below the kept levels (at
    full scale the nation's page of today: three queries instead of five). `spans`: each unit's
    span path and kind on the day, when the caller has read them (the units not in it stood
    nowhere that day)."""
    kept, deep, cells = reading.split(list(units), day, spans)
    end = month_end(month_of(day))
    result: dict[int, Stock] = {}
    sums: dict[int, list[int]] = {}
    _add_kept_totals_and_age_sums(result, sums, kept, day)
    for counted in reading.counted(kept, deep, day, ("person__birth_date",), cells):
        _add_counted(result, counted, {"": ""}, ("",))
        _add_age(sums, counted, end)
    ages = {org_id: AgeSums(*found) for org_id, found in sums.items()}
    return _without_empty(result), ages


def _totals_and_age_sums_sql(rows: QuerySet[Any], end: date) -> tuple[str, list[Any]]:
    """Return the SQL and parameters of one read of the rows `rows` selects (a part of the kept
    rows) that sums, per unit, the totals (dimension "") and the rows the age sums on `end` (a
    month's end) need (D60) — the years and the months of birth apart, and the months of birth
    of the one year that turns 60 in the end's year up to the end's month — in the order
    `_add_age_sums` adds them: n, born, late, older, sixty.

    The rows are chosen by Django; the sums are written here, as CASEs both databases run
    alike: as thirteen filtered `Sum`s they took Django longer to build and write than the
    database to run (stop 35: ≈ 1.3 ms of a 1.8 ms read at full scale, twice a page)."""
    sixty = f"{end.year - 60:04d}"
    age_rows = Q(dim__in=BIRTH_PARTS) | Q(
        dim="birth", value__gte=f"{sixty}-01", value__lte=f"{sixty}-{end.month:02d}"
    )
    inner, inner_params = (
        rows.filter(Q(dim="") | age_rows)
        .values_list("org_id", "dim", "value", *MEASURES)
        .order_by()
        .query.sql_with_params()
    )
    totals = [f"SUM(CASE WHEN r.dim = '' THEN r.{m} ELSE 0 END)" for m in MEASURES]
    ages = [
        "SUM(CASE WHEN r.dim = 'byear' THEN r.total ELSE 0 END)",
        # The year of birth: the value's first four characters (cast only where it is a year).
        "SUM(CASE WHEN r.dim = 'byear' THEN r.total * CAST(SUBSTR(r.value, 1, 4) AS INTEGER) "
        "ELSE 0 END)",
        "SUM(CASE WHEN r.dim = 'bmonth' AND r.value > %s THEN r.total ELSE 0 END)",
        "SUM(CASE WHEN r.dim = 'byear' AND r.value < %s THEN r.total ELSE 0 END)",
        "SUM(CASE WHEN r.dim = 'birth' THEN r.total ELSE 0 END)",
    ]
    sql = f"SELECT r.org_id, {', '.join(totals + ages)} FROM ({inner}) r GROUP BY r.org_id"
    return sql, [f"{end.month:02d}", sixty, *inner_params]


def _add_age_sums(sums: dict[int, list[int]], org_id: int, end: date, *found: Any) -> None:
    """Add a unit's summed age rows (`_totals_and_age_sums_sql`'s n, born, late, older, sixty) to
    `sums` ([count, years, aged 60 or over] per unit)."""
    n, born, late, older, turned = (int(x or 0) for x in found)
    summed = sums.setdefault(org_id, [0, 0, 0])
    summed[0] += n
    # The age in full years: the end's year less the year of birth, less one for those born in
    # a later month of the year than the end's.
    summed[1] += end.year * n - born - late
    summed[2] += older + turned


def _add_kept_totals_and_age_sums(
    result: dict[int, Stock], sums: dict[int, list[int]], kept: list[int], day: date
) -> None:
    """Add the kept units' totals (`_add_kept_stocks` of the dimension "") to `result` and their
    ages on the end of the day's month, summed per unit in the database, to `sums`. In one read
    of each part's rows: the totals, the years and the months of birth apart (D60: about 80
    rows a unit instead of one per month of birth) and the months of birth of the one year
    that turns 60 in the end's year; and in one of its packs (remembered, D58)."""
    end = month_end(month_of(day))
    parts = reading.kept(kept, day, ("", "birth", *BIRTH_PARTS))
    for rows in parts.rows:  # type: QuerySet[Any]
        with connection.cursor() as cursor:
            cursor.execute(*_totals_and_age_sums_sql(rows, end))
            grouped = cursor.fetchall()
        for org_id, *found in grouped:
            totals = found[: len(MEASURES)]
            if any(totals):
                counts = _counts(result, org_id, "", "")
                for m, n in zip(MEASURES, totals, strict=True):
                    counts[m] += int(n or 0)
            _add_age_sums(sums, org_id, end, *found[len(MEASURES) :])

    def both(unit_packs: list[packs.Pack]) -> tuple[Any, tuple[int, int, int]]:
        return pack_stock(("",), unit_packs), pack_age_sums(end, unit_packs)

    for org_id, (entries, summed) in parts.derived(("totals and age sums", end), both):
        _add_packed(result, org_id, entries)
        found = sums.setdefault(org_id, [0, 0, 0])
        for i, n in enumerate(summed):
            found[i] += n


def _add_age(sums: dict[int, list[int]], counted: reading.Counted, end: date) -> None:
    """Add one counted period's age in full years on `end` (a month's end) to its unit."""
    born: date = counted.person["birth_date"]
    age = years_on(born.year, born.month, end)
    found = sums.setdefault(counted.unit, [0, 0, 0])
    found[0] += 1
    found[1] += age
    found[2] += 1 if age >= 60 else 0


def _with_age(rows: QuerySet[Any], end: date) -> QuerySet[Any]:
    """Return the birth rows annotated with the age in full years on `end` (a month's end)."""
    annotated: QuerySet[Any] = rows.annotate(
        born=Cast(Substr("value", 1, 4), IntegerField()),
        born_month=Cast(Substr("value", 6, 2), IntegerField()),
    ).annotate(
        age=Value(end.year)
        - F("born")
        - Case(When(born_month__gt=end.month, then=Value(1)), default=Value(0))
    )
    return annotated


@dataclass
class Admitted:
    """A unit's admissions of a period from the admission rows (D43): by dimension and value
    (dimension "" value "" is all of them; "age" is the age in full years on the ceremony day),
    and the sum of their ages in days."""

    counts: Counter[tuple[str, str]]
    age_days: int = 0

    @property
    def total(self) -> int:
        return self.counts[("", "")]


def admissions(
    units: Iterable[int], since: date, day: date, today: date, *, totals: Iterable[int] = ()
) -> dict[int, Admitted] | None:
    """Return each unit's admissions of [since, day] from the admission rows (one grouped query
    over at most a row per month, dimension and value), or None when the rows cannot answer:
    the period is not whole months (from a month's first day to a month's last day or today),
    or a unit stood below the kept levels at some time in the period. The units of `totals`
    (among `units`) are read without their dimensions: their counts hold ("", "") alone."""
    ids = list(units)
    only_totals = set(totals)
    if since.day != 1 or not answers(day, today) or since > day:
        return None
    limit = kept_levels() * SPAN_STEP
    paths = (
        OrgSpan.objects.filter(org_id__in=ids, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=since))
        .values_list("path", flat=True)
    )
    if any(len(path) > limit for path in paths):
        return None
    result = {org_id: Admitted(Counter()) for org_id in ids}
    wanted = Q(org_id__in=[i for i in ids if i not in only_totals])
    if only_totals:
        wanted |= Q(org_id__in=only_totals, dim="")
    parts = _admission_rows(ids, since, month_of(day))
    for rows in parts.rows:  # type: QuerySet[Any]
        grouped = (
            rows.filter(wanted)
            .values_list("org_id", "dim", "value")
            .annotate(n=Sum("admitted"), days=Sum("age_days"))
            .order_by()
        )
        for org_id, dim, value, n, days in grouped:
            found = result[org_id]
            if n:
                found.counts[(dim, value)] += int(n)
            found.age_days += int(days or 0)
    for org_id, (counted, days) in parts.derived("admitted", pack_admitted):
        found = result[org_id]
        if org_id in only_totals:
            found.counts[("", "")] += counted.get(("", ""), 0)
        else:
            found.counts.update(counted)
        found.age_days += days
    return result


def _admission_rows(ids: list[int], since: date, month: date) -> Parts:
    """Return the admission rows and packs that add up to the months from `since` to `month`
    (first days): the months of a year the period begins inside, the yearly sums (D51) of the
    whole years, and the last year's months up to `month` — or its yearly sums, when none of
    the units has a row of that year after `month`."""
    rows: list[QuerySet[Any]] = []
    kept = Q(pk__in=[])
    first_year = since.year
    if since.month > 1:
        last = month if since.year == month.year else date(since.year, 12, 1)
        rows.append(AdmissionStat.objects.filter(org_id__in=ids, month__gte=since, month__lte=last))
        kept |= Q(kind=PackKind.ADMISSIONS, period__gte=since, period__lte=last)
        first_year += 1
    if first_year <= month.year:
        after = reading.none_after(AdmissionStat, PackKind.ADMISSIONS, ids, month)
        whole = month.year if after else month.year - 1
        if whole >= first_year:
            rows.append(
                AdmissionStatYear.objects.filter(
                    org_id__in=ids, year__gte=first_year, year__lte=whole
                )
            )
            kept |= Q(kind=PackKind.ADMISSION_YEAR, period__gte=date(first_year, 1, 1),
                      period__lte=date(whole, 1, 1))  # fmt: skip
        if whole < month.year:
            start = date(month.year, 1, 1)
            rows.append(
                AdmissionStat.objects.filter(org_id__in=ids, month__gte=start, month__lte=month)
            )
            kept |= Q(kind=PackKind.ADMISSIONS, period__gte=start, period__lte=month)
    return Parts(tuple(rows), kept, tuple(ids))


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


# --- internals --------------------------------------------------------------------------------


def _counts(result: dict[int, Stock], org_id: int, dim: str, value: str) -> dict[str, int]:
    unit = result.setdefault(org_id, {})
    return unit.setdefault(dim, {}).setdefault(value, dict.fromkeys(MEASURES, 0))
