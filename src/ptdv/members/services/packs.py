"""Moving the aggregate rows into packs (decision D57): a fold (`ptdv stats fold`, members.
services.stats.fold) moves every monthly row (members' and admissions'), and the yearly rows of
the years up to its month's, into one `StatPack` per unit and period; later writes add rows
beside them, which the next fold moves in. The arithmetic of a pack is members.rules.packs
(pure).

The first fold of a database (no pack of the kind yet: after a load, a rebuild or the upgrade
that brought the packs) builds the packs of the monthly rows in SQL and compresses them after;
later folds, which move a month or two of rows, add them in Python. The year-end packs are the
running sums of the yearly rows, built in Python one unit at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import groupby
from typing import Any

from django.db import connection

from ptdv.core.bulk import copy_rows
from ptdv.members.aggregates import packed_year
from ptdv.members.models import (
    AdmissionStat,
    AdmissionStatYear,
    MemberStat,
    MemberStatYear,
    PackKind,
    StatPack,
)
from ptdv.members.rules import packs as rules
from ptdv.members.rules.stats import ADMISSION_MEASURES, MEASURES

# The tables a fold packs (PostgreSQL locks them against writers first), in the order the
# writes take them (members.services.stats.apply).
PACKED_TABLES = (MemberStat, MemberStatYear, AdmissionStat, AdmissionStatYear)


class FoldRefused(ValueError):
    """A fold through a year before the last year already packed (the reads of the years in
    between would miss their rows): rebuild first."""


def pack(through: date) -> int:
    """Move every monthly row (members' and admissions'), and the yearly rows of the years up
    to `through`'s year, into packs; return how many rows moved. Runs in the caller's
    transaction, which keeps writers out (members.services.stats.fold)."""
    return pack_months() + pack_years(through)


def pack_months() -> int:
    """Move every monthly row, members' and admissions', into packs; return how many."""
    moved = _pack_changes(PackKind.MONTH, MemberStat, "month", MEASURES, None)
    return moved + _pack_changes(PackKind.ADMISSIONS, AdmissionStat, "month", ADMISSION_MEASURES,
                                 None)  # fmt: skip


def pack_years(through: date) -> int:
    """Move the yearly rows of the years up to `through`'s year, admissions' and members' (as
    year-end packs), into packs; return how many. A year before the last one packed is refused
    (`FoldRefused`)."""
    year = through.year
    last = packed_year()
    if last is not None and last > year:
        raise FoldRefused(
            f"Số liệu đã được nén đến hết năm {last}: không thể cộng dồn đến một tháng của năm "
            f"{year}. Hãy tính lại toàn bộ (ptdv stats rebuild) trước."
        )
    moved = _pack_changes(PackKind.ADMISSION_YEAR, AdmissionStatYear, "year",
                          ADMISSION_MEASURES, year)  # fmt: skip
    return moved + _pack_year_ends(year, last)


def _when(period: str, value: Any) -> date:
    return date(value, 1, 1) if period == "year" else value


def _pack_changes(
    kind: str, model: Any, period: str, measures: tuple[str, ...], limit: int | None
) -> int:
    """Move the rows of the model (changes or flows: a pack is their sum) of the periods up to
    `limit` (a year; None: all) into packs of the kind; return how many rows moved."""
    moving = model.objects.filter(**({} if limit is None else {f"{period}__lte": limit}))
    if not StatPack.objects.filter(kind=kind).exists():
        count = pack_in_sql(kind, model, period, measures, limit)
    else:
        count = _pack_in_python(kind, period, measures, moving)
    moving.delete()
    return count


def _pack_in_python(kind: str, period: str, measures: tuple[str, ...], moving: Any) -> int:
    """Add the rows to their units' packs (read, added, written back; a pack left at zero is
    deleted)."""
    added: dict[tuple[int, date], rules.Pack] = {}
    count = 0
    for org_id, when, dim, value, *counts in moving.values_list(
        "org_id", period, "dim", "value", *measures
    ):
        rules.add(added.setdefault((org_id, _when(period, when)), {}), {dim: {value: counts}})
        count += 1
    if not added:
        return 0
    orgs = {org_id for org_id, _when_ in added}
    periods = {when for _org, when in added}
    kept = {
        (p.org_id, p.period): p
        for p in StatPack.objects.filter(kind=kind, org_id__in=orgs, period__in=periods)
    }
    _write(kind, added, kept)
    return count


def _write(
    kind: str, packs: dict[tuple[int, date], rules.Pack], kept: dict[tuple[int, date], StatPack]
) -> None:
    """Add each pack to the kept one of its key (or create it); delete those left empty."""
    changed, created, emptied = [], [], []
    for key, pack in packs.items():
        old = kept.get(key)
        if old is not None:
            pack = rules.add(rules.decode(old.data), pack)
        if rules.is_empty(pack):
            if old is not None:
                emptied.append(old.pk)
            continue
        text = rules.encode(pack)
        if old is None:
            created.append(StatPack(org_id=key[0], kind=kind, period=key[1], data=text))
        else:
            old.data = text
            changed.append(old)
    StatPack.objects.filter(pk__in=emptied).delete()
    StatPack.objects.bulk_update(changed, ["data"], batch_size=500)
    StatPack.objects.bulk_create(created, batch_size=500)


def pack_in_sql(
    kind: str, model: Any, period: str, measures: tuple[str, ...], limit: int | None
) -> int:
    """Write the packs of the model's rows of the periods up to `limit` (None: all) when no
    pack of the kind exists, and return how many rows they hold: each unit and period's text
    built in SQL (its dimensions, then joined), compressed here and copied in. The rows stay
    (the caller deletes them; the bench's load runs this for two kinds side by side)."""
    postgres = connection.vendor == "postgresql"
    quote = "to_json({})::text" if postgres else "json_quote({})"
    join = "string_agg({}, ',')" if postgres else "group_concat({}, ',')"
    when = (
        period
        if period == "month"
        else ("make_date(year, 1, 1)" if postgres else "printf('%%04d-01-01', year)")
    )
    counts = " || ',' || ".join(f"r.{m}" for m in measures)
    where = "" if limit is None else f"WHERE r.{period} <= %s"
    params = [] if limit is None else [limit]
    value = f"{quote.format('r.value')} || ':[' || {counts} || ']'"
    sql = (
        f"SELECT org_id, p, '{{' || {join.format('d')} || '}}' FROM ("
        f"SELECT r.org_id, {when} AS p, {quote.format('r.dim')} || ':{{' || "
        f"{join.format(value)} || '}}' AS d FROM {model._meta.db_table} r {where} "
        f"GROUP BY r.org_id, {when}, r.dim) x GROUP BY org_id, p"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table} r {where}", params)
        count = int(cursor.fetchone()[0])
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            copy_rows(StatPack, ("org_id", "kind", "period", "data"),
                      [(org_id, kind, _day(when_), rules.compress(text.encode()))
                       for org_id, when_, text in batch])  # fmt: skip
    return count


def _day(value: date | str) -> date:
    """Return a period as SQLite or PostgreSQL gives it back from the SQL (text or date)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _pack_year_ends(year: int, last: int | None) -> int:
    """Fold the yearly rows of the years up to `year` into the year-end packs (each the stock
    at a year's end: the last packed year's pack, plus every row up to the year), carry the
    units without rows to the new years, and delete the rows; return how many rows moved."""
    rows = (
        MemberStatYear.objects.filter(year__lte=year)
        .order_by("org_id", "year")
        .values_list("org_id", "year", "dim", "value", *MEASURES)
    )
    count = 0
    created: list[StatPack] = []
    rewritten: set[int] = set()
    for org_id, found in groupby(rows.iterator(chunk_size=20000), key=lambda r: r[0]):
        by_year: dict[int, rules.Pack] = {}
        for _org, when, dim, value, *counts in found:
            rules.add(by_year.setdefault(when, {}), {dim: {value: counts}})
            count += 1
        created += _year_ends(org_id, by_year, year, last)
        rewritten.add(org_id)
        if len(created) >= 2000:
            StatPack.objects.bulk_create(created, batch_size=500)
            created = []
    if last is not None and year > last:
        created += _carried(last, year, rewritten)
    StatPack.objects.bulk_create(created, batch_size=500)
    MemberStatYear.objects.filter(year__lte=year).delete()
    return count


def _year_ends(
    org_id: int, by_year: dict[int, rules.Pack], year: int, last: int | None
) -> list[StatPack]:
    """Return the unit's new year-end packs from its first year with rows (or the first year
    after the last packed one) to `year`: each the old pack of the year (of the last packed
    year, after it) plus the rows up to it, an empty one too. The old packs of those years are
    deleted."""
    first = min(by_year)
    if last is not None:
        first = min(first, last + 1)
    old: dict[int, bytes | memoryview] = {}
    if last is not None:
        kept = StatPack.objects.filter(
            kind=PackKind.YEAR_END, org_id=org_id, period__gte=date(min(first, last), 1, 1)
        )
        old = {p.year: data for p, data in kept.values_list("period", "data")}
        kept.filter(period__gte=date(first, 1, 1)).delete()
    running: rules.Pack = {}
    made: list[StatPack] = []
    for y in range(first, year + 1):
        rules.add(running, by_year.get(y, {}))
        before = y if last is None else min(y, last)
        stock = rules.add(rules.decode(old[before]) if before in old else {}, running)
        # Written when empty too ("{}"): the last year packed is that of the last pack.
        made.append(StatPack(org_id=org_id, kind=PackKind.YEAR_END, period=date(y, 1, 1),
                             data=rules.encode(stock)))  # fmt: skip
    return made


def _carried(last: int, year: int, rewritten: Iterable[int]) -> list[StatPack]:
    """Return the last packed year's packs of the units without rows, copied to each year up
    to `year` (their stock did not change)."""
    skip = set(rewritten)
    kept = StatPack.objects.filter(kind=PackKind.YEAR_END, period=date(last, 1, 1))
    return [
        StatPack(org_id=org_id, kind=PackKind.YEAR_END, period=date(y, 1, 1), data=bytes(data))
        for org_id, data in kept.exclude(org_id__in=skip).values_list("org_id", "data")
        for y in range(last + 1, year + 1)
    ]


def packs_of(kind: str) -> Iterator[tuple[int, date, rules.Pack]]:
    """Yield every pack of the kind: (unit, period, its counts)."""
    for org_id, period, data in StatPack.objects.filter(kind=kind).values_list(
        "org_id", "period", "data"
    ):
        yield org_id, period, rules.decode(data)


__all__ = [
    "PACKED_TABLES",
    "FoldRefused",
    "pack",
    "pack_in_sql",
    "pack_months",
    "pack_years",
    "packs_of",
]
