"""Where a read of the aggregates finds its figures (decisions D39, D46, D57): which units keep
rows and which are counted from their periods (`split`), which rows and packs add up to the kept
units' stock on a day (`kept`), and the periods of the units below the kept levels, placed under
the units they count for (`counted`). The package's reads (`members.aggregates`) add them up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet

from ptdv.core import memo
from ptdv.members.aggregates.packed import Parts
from ptdv.members.models import (
    MemberPeriod,
    MemberStat,
    MemberStatBase,
    MemberStatYear,
    PackKind,
    StatPack,
)
from ptdv.members.rules.stats import DEFAULT_LEVELS, DIMENSIONS, month_of
from ptdv.orgs.models import CELL_KINDS, SPAN_STEP, OrgSpan


def kept_levels() -> int:
    """Return how many levels from the top of the tree keep aggregate rows (PTDV_STATS_LEVELS,
    default 3; the rows must be rebuilt after a change: `ptdv stats rebuild`)."""
    return int(getattr(settings, "PTDV_STATS_LEVELS", DEFAULT_LEVELS))


def split(
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


def kept(ids: list[int], day: date, dims: tuple[str, ...] | None = None) -> Parts:
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
        if nothing_after(ids, month, dims):
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
        if nothing_after(ids, month, dims):
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


def nothing_after(ids: list[int], month: date, dims: tuple[str, ...] | None) -> bool:
    """Return whether no unit has a monthly row of the dimensions, or a monthly pack, after the
    month in its year (one probe per unit and dimension of the key's index)."""
    return none_after(MemberStat, PackKind.MONTH, ids, month,
                       dim__in=DIMENSIONS if dims is None else dims)  # fmt: skip


def none_after(model: Any, kind: str, ids: list[int], month: date, **condition: Any) -> bool:
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
class Counted:
    unit: int
    measures: tuple[str, ...]
    person: dict[str, Any]


def _in_force(day: date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def counted(
    kept: list[int],
    deep: dict[int, str],
    day: date,
    person_fields: tuple[str, ...],
    deep_cells: set[int],
) -> Iterator[Counted]:
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
            yield Counted(unit, tuple(measures), person)


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
