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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.conf import settings
from django.db.models import Case, F, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Substr

from ptdv.core import memo
from ptdv.members.aggregates.packed import (
    Parts,
    pack_admitted,
    pack_age_sums,
    pack_ages,
    pack_stock,
    years_on,
)
from ptdv.members.models import (
    AdmissionStat,
    AdmissionStatYear,
    MemberPeriod,
    MemberStat,
    MemberStatBase,
    MemberStatYear,
    PackKind,
    StatPack,
)
from ptdv.members.rules.stats import (
    BIRTH_PARTS,
    DEFAULT_LEVELS,
    DIMENSIONS,
    MEASURES,
    PERSON_VALUES,
    dims_of,
    month_end,
    month_of,
)
from ptdv.orgs.models import CELL_KINDS, SPAN_STEP, Org, OrgSpan

# (The tests read the parts a read adds up.)
_Parts = Parts
# {dimension: {value: {measure: count}}}; dimension "" value "" holds the unit's totals.
Stock = dict[str, dict[str, dict[str, int]]]
# The person's attributes, read through a period.
_PERSON = tuple(f"person__{name}" for name in PERSON_VALUES if name != "pk")


def kept_levels() -> int:
    """Return how many levels from the top of the tree keep aggregate rows (PTDV_STATS_LEVELS,
    default 3; the rows must be rebuilt after a change: `ptdv stats rebuild`)."""
    return int(getattr(settings, "PTDV_STATS_LEVELS", DEFAULT_LEVELS))


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
    kept, deep, cells = _split(list(units), day)
    result: dict[int, Stock] = {}
    _add_kept_stocks(result, kept, day, dims)
    # The totals alone need nothing of the person (a query with half the joins to plan).
    totals_only = dims is not None and set(dims) <= {""}
    person_fields = () if totals_only else _PERSON
    for counted in _counted(kept, deep, day, person_fields, cells):
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
    parts = _kept(kept, day, dims)
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
        for dim, value, found in entries:
            counts = _counts(result, org_id, dim, value)
            for m, n in zip(MEASURES, found, strict=True):
                counts[m] += n


def _add_counted(
    result: dict[int, Stock],
    counted: _Counted,
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
    kept, deep, cells = _split(list(units), day)
    end = month_end(month_of(day))
    result: dict[int, Counter[int]] = {}
    parts = _kept(kept, day, ("birth",))
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
    for counted in _counted(kept, deep, day, ("person__birth_date",), cells):
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
    age): what the dashboard's ageing needs."""
    kept, deep, cells = _split(list(units), day)
    end = month_end(month_of(day))
    sums: dict[int, list[int]] = {}
    _add_kept_age_sums(sums, kept, day)
    for counted in _counted(kept, deep, day, ("person__birth_date",), cells):
        _add_age(sums, counted, end)
    return {org_id: AgeSums(*found) for org_id, found in sums.items()}


def totals_and_ages(
    units: Iterable[int], day: date, *, spans: dict[int, tuple[str, str]] | None = None
) -> tuple[dict[int, Stock], dict[int, AgeSums]]:
    """Return `stocks(units, day, dims=("",))` and `age_sums(units, day)` together (the
    dashboard's members and ageing): the units below the kept levels are read once for both,
    three queries instead of six. `spans`: each unit's span path and kind on the day, when the
    caller has read them (the units not in it stood nowhere that day)."""
    kept, deep, cells = _split(list(units), day, spans)
    end = month_end(month_of(day))
    result: dict[int, Stock] = {}
    sums: dict[int, list[int]] = {}
    _add_kept_stocks(result, kept, day, ("",))
    _add_kept_age_sums(sums, kept, day)
    for counted in _counted(kept, deep, day, ("person__birth_date",), cells):
        _add_counted(result, counted, {"": ""}, ("",))
        _add_age(sums, counted, end)
    ages = {org_id: AgeSums(*found) for org_id, found in sums.items()}
    return _without_empty(result), ages


def _add_kept_age_sums(sums: dict[int, list[int]], kept: list[int], day: date) -> None:
    """Add the kept units' ages on the end of the day's month, summed per unit in the database,
    to `sums` ([count, years, aged 60 or over] per unit). From the rows of the year and the
    month of birth apart (D60: about 80 a unit instead of one per month of birth) and the
    months of birth of the one year that turns 60 in the end's year; from the packs' months of
    birth (remembered, D58)."""
    end = month_end(month_of(day))
    sixty = f"{end.year - 60:04d}"
    month = f"{end.month:02d}"
    parts = _kept(kept, day, ("birth", *BIRTH_PARTS))
    year = Q(dim="byear")
    for rows in parts.rows:  # type: QuerySet[Any]
        grouped = (
            rows.filter(
                Q(dim__in=BIRTH_PARTS)
                | Q(dim="birth", value__gte=f"{sixty}-01", value__lte=f"{sixty}-{month}")
            )  # fmt: skip
            .values_list("org_id")
            .annotate(
                n=Sum("total", filter=year),
                # The year of birth's first four characters: a value of every row (not cast
                # where it would not be a number).
                born=Sum(F("total") * Cast(Substr("value", 1, 4), IntegerField()), filter=year),
                late=Sum("total", filter=Q(dim="bmonth", value__gt=month)),
                older=Sum("total", filter=Q(dim="byear", value__lt=sixty)),
                sixty=Sum("total", filter=Q(dim="birth")),
            )
            .order_by()
        )
        for org_id, n, born, late, older, turned in grouped:
            count = int(n or 0)
            found = sums.setdefault(org_id, [0, 0, 0])
            found[0] += count
            # The age in full years: the end's year less the year of birth, less one for those
            # born in a later month of the year than the end's.
            found[1] += end.year * count - int(born or 0) - int(late or 0)
            found[2] += int(older or 0) + int(turned or 0)
    for org_id, summed in parts.derived(("age sums", end), partial(pack_age_sums, end)):
        found = sums.setdefault(org_id, [0, 0, 0])
        for i, n in enumerate(summed):
            found[i] += n


def _add_age(sums: dict[int, list[int]], counted: _Counted, end: date) -> None:
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
        after = _none_after(AdmissionStat, PackKind.ADMISSIONS, ids, month)
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


def _split(
    ids: list[int], day: date, known: dict[int, tuple[str, str]] | None = None
) -> tuple[list[int], dict[int, str], set[int]]:
    """Return the units that keep rows, with their span path on the day those below the kept
    levels, and which of these are cells (a unit that did not exist on the day counts nothing
    either way). `known`: the units' spans on the day (path, kind), when the caller has them."""
    limit = kept_levels() * SPAN_STEP
    if known is None:
        spans = list(
            OrgSpan.objects.on(day).filter(org_id__in=ids).values_list("org_id", "path", "kind")
        )
    else:
        spans = [(org_id, *known[org_id]) for org_id in ids if org_id in known]
    paths = {org_id: path for org_id, path, _kind in spans}
    deep = {org_id: path for org_id, path in paths.items() if len(path) > limit}
    cells = {org_id for org_id, _path, kind in spans if kind in CELL_KINDS and org_id in deep}
    return [org_id for org_id in ids if org_id in paths and org_id not in deep], deep, cells


def folded_through() -> date | None:
    """Return the last month the base rows hold (D46; None: no base rows); read once inside
    `memo.reading()`."""
    return memo.once(
        "folded through", lambda: MemberStatBase.objects.values_list("through", flat=True).first()
    )


def _kept(ids: list[int], day: date, dims: tuple[str, ...] | None = None) -> Parts:
    """Return the rows and packs that add up to the units' stock on the day (of the dimensions
    `dims`, None: all). From the base (D46) when the day's month is not before it: the base,
    the monthly rows and packs after it (of the base's year and of the day's), and the yearly
    sums of any whole year between. Otherwise the stock at the end of the year before the
    day's (its year-end packs, D57, and the yearly rows up to it) and the monthly rows and
    packs of its own year up to the day's month.

    The day's year is read from its yearly sums instead of its months when none of the units
    has a row of that year after the day's month (D51): today, and any month end of a year
    whose later months changed nothing — one row per value instead of up to twelve."""
    if not ids:
        return Parts()
    month = month_of(day)
    year_start = month.replace(month=1)
    through = folded_through()
    if through is None or month < through:
        # The year-end packs reach the base's year (a fold packs up to it); without a base, the
        # last year packed. A year after them is in its rows alone.
        last = through.year if through is not None else packed_year()
        if _nothing_after(ids, month, dims):
            return Parts(
                (MemberStatYear.objects.filter(org_id__in=ids, year__lte=day.year),),
                _year_end(min(day.year, last or 0)),
                tuple(ids),
            )
        return Parts(
            (
                MemberStatYear.objects.filter(org_id__in=ids, year__lt=day.year),
                MemberStat.objects.filter(org_id__in=ids, month__gte=year_start, month__lte=month),
            ),
            _year_end(min(day.year - 1, last or 0))
            | Q(kind=PackKind.MONTH, period__gte=year_start, period__lte=month),
            tuple(ids),
        )
    # The months after the base up to the day's (after, up to), as one or two ranges.
    spans = [(through, month)]
    last_year = month.year - 1
    if through.year < month.year:
        december = date(through.year, 12, 1)
        if _nothing_after(ids, month, dims):
            spans = [(through, december)]
            last_year = month.year
        else:
            spans = [(through, december), (date(month.year - 1, 12, 1), month)]
    # A span with no month after the base (today in the base's next year, D51: the months
    # are all in the year's sums) reads nothing: no query for it.
    spans = [(after, upto) for after, upto in spans if after < upto]
    rows: list[QuerySet[Any]] = [MemberStatBase.objects.filter(org_id__in=ids)]
    packed: Q | None = None
    if spans:
        months = Q(pk__in=[])
        packed = Q(pk__in=[])
        for after, upto in spans:
            months |= Q(month__gt=after, month__lte=upto)
            packed |= Q(kind=PackKind.MONTH, period__gt=after, period__lte=upto)
        rows.append(MemberStat.objects.filter(months, org_id__in=ids))
    if last_year > through.year:
        # (Not packed: a fold packs the years up to its own.)
        # One year (today's, in the usual case) as an equality, not a range: the key's index
        # (org, dim, year, value) then bounds the value too (the month-of-birth rows of the
        # one year turning 60: 3.3 → 0.4 ms for the nation and its provinces).
        years = (
            Q(year=last_year)
            if last_year == through.year + 1
            else Q(year__gt=through.year, year__lte=last_year)
        )
        rows.append(MemberStatYear.objects.filter(years, org_id__in=ids))
    return Parts(tuple(rows), packed, tuple(ids))


def _year_end(year: int) -> Q:
    """Return the year-end packs of the year (none before year 1: nothing packed)."""
    return Q(kind=PackKind.YEAR_END, period=date(year, 1, 1)) if year > 0 else Q(pk__in=[])


def packed_year() -> int | None:
    """Return the last year whose year-end packs exist (None: no pack yet; D57); read once
    inside `memo.reading()`."""
    return memo.once("packed year", _packed_year)


def _packed_year() -> int | None:
    last = StatPack.objects.filter(kind=PackKind.YEAR_END).aggregate(p=Max("period"))["p"]
    return None if last is None else int(last.year)


def _nothing_after(ids: list[int], month: date, dims: tuple[str, ...] | None) -> bool:
    """Return whether no unit has a monthly row of the dimensions, or a monthly pack, after the
    month in its year (one probe per unit and dimension of the key's index)."""
    return _none_after(MemberStat, PackKind.MONTH, ids, month,
                       dim__in=DIMENSIONS if dims is None else dims)  # fmt: skip


def _none_after(model: Any, kind: str, ids: list[int], month: date, **condition: Any) -> bool:
    """Return whether none of the units has a row of the model (monthly rows), or a pack of the
    kind, after the month in its year (the year's sums then hold its months up to it: D51)."""
    if month.month == 12:
        return True
    end = date(month.year + 1, 1, 1)
    later = model.objects.filter(org_id__in=ids, month__gt=month, month__lt=end, **condition)
    packed = StatPack.objects.filter(org_id__in=ids, kind=kind, period__gt=month, period__lt=end)
    # One probe of both (UNION ALL: the first row found ends it).
    return not later.values_list("org_id").union(packed.values_list("org_id"), all=True).exists()


@dataclass(frozen=True)
class _Counted:
    unit: int
    measures: tuple[str, ...]
    person: dict[str, Any]


def _in_force(day: date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def _counted(
    kept: list[int],
    deep: dict[int, str],
    day: date,
    person_fields: tuple[str, ...],
    deep_cells: set[int],
) -> Iterator[_Counted]:
    """Yield, per period in force on the day, each unit it counts for directly: the kept units'
    own members (members whose cell is the unit itself) and every member under a deep unit
    (`deep_cells`: those of them that are cells, which no unit stands under)."""
    fields = ("cell_id", "standing", "exempted", "temp_cell_id", *person_fields)
    places: dict[int, list[int]] = {org_id: [org_id] for org_id in kept}
    condition = Q(cell_id__in=kept)
    if deep and set(deep) <= deep_cells:
        # Only cells: each counts its own members' periods, no search of the tree under it.
        places.update({org_id: [org_id] for org_id in deep})
        condition |= Q(cell_id__in=list(deep))
    elif deep:
        # One query under the deep units' common ancestor, each period placed by its cell's path.
        common = _common_prefix(list(deep.values()))
        spans = OrgSpan.objects.on(day)
        cells = dict((spans.under(common) if common else spans).values_list("org_id", "path"))
        by_path = {path: org_id for org_id, path in deep.items()}
        depths = sorted({len(path) for path in deep.values()})
        for cell_id, path in cells.items():
            found = [by_path[path[:d]] for d in depths if path[:d] in by_path]
            if found:
                places.setdefault(cell_id, []).extend(found)
        condition |= Q(cell_id__in=[c for c in cells if c in places])
    if not places:
        return
    for row in MemberPeriod.objects.filter(_in_force(day)).filter(condition).values(*fields):
        measures = ["total", row["standing"]]
        if row["exempted"]:
            measures.append("exempted")
        if row["temp_cell_id"] is not None:
            measures.append("away")
        person = {name.removeprefix("person__"): row[name] for name in person_fields}
        for unit in places.get(row["cell_id"], []):
            yield _Counted(unit, tuple(measures), person)


def _common_prefix(paths: list[str]) -> str:
    """Return the longest span path that all the paths start with (whole steps)."""
    first = min(paths)
    last = max(paths)
    size = 0
    while (
        size + SPAN_STEP <= min(len(first), len(last))
        and first[: size + SPAN_STEP] == last[: size + SPAN_STEP]
    ):
        size += SPAN_STEP
    return first[:size]
