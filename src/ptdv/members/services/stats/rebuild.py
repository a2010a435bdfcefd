"""The aggregates recomputed from the periods and the memberships, compared with what is kept
(`ptdv stats rebuild`, `--check`), and folded (`ptdv stats fold`): decisions D39, D46, D57."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ptdv.core.bulk import copy_rows
from ptdv.core.compare import mismatches
from ptdv.members.aggregates import folded_through, kept_stocks, packed_year
from ptdv.members.models import (
    AdmissionStat,
    AdmissionStatYear,
    MemberPeriod,
    Membership,
    MemberStat,
    MemberStatBase,
    MemberStatYear,
    PackKind,
    StatPack,
)
from ptdv.members.rules import packs as packed
from ptdv.members.rules import stats as rules
from ptdv.members.rules.stats import (
    ADMISSION_MEASURES,
    month_end,
    month_of,
)
from ptdv.members.services import last_admissions, packs, treecounts
from ptdv.members.services.stats import (
    _COLUMNS,
    PERIOD_VALUES,
    AdmissionRows,
    BaseRows,
    MonthRows,
    YearRows,
    _admission_rows,
    _admissions,
    _rows,
    admission_contributions,
    admission_years_of,
    bases_of,
    contributions,
    years_of,
)


def computed(*, chunk: int = 20000) -> MonthRows:
    """Return every monthly row as recomputed from the periods (current members and former
    ones)."""
    total: Counter[rules.Key] = Counter()
    ids = list(MemberPeriod.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), chunk):
        batch = list(
            MemberPeriod.objects.filter(pk__in=ids[i : i + chunk]).values_list(*PERIOD_VALUES)
        )
        total.update(contributions(batch))
    return _rows(total)


def computed_admissions(*, chunk: int = 20000) -> AdmissionRows:
    """Return every admission row as recomputed from the memberships."""
    total: Counter[rules.Key] = Counter()
    ids = list(
        Membership.objects.filter(admission_cell__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for i in range(0, len(ids), chunk):
        total.update(admission_contributions(_admissions(Q(pk__in=ids[i : i + chunk]))))
    return _admission_rows(total)


def _stored(model: Any, period: str, columns: tuple[str, ...] = _COLUMNS) -> dict[Any, list[int]]:
    rows = model.objects.values_list("org_id", period, "dim", "value", *columns)
    return {(r[0], r[1], r[2], r[3]): list(r[4:]) for r in rows}


def _with(
    kept: dict[Any, list[int]], found: Iterable[tuple[int, Any, packed.Pack]]
) -> dict[Any, list[int]]:
    """Return the rows with the packs' counts added to those of the same keys (the packs'
    periods as `found` gives them), the keys left at zero dropped."""
    total = {key: list(counts) for key, counts in kept.items()}
    for org_id, period, pack in found:
        for dim, value, counts in packed.entries(pack):
            have = total.setdefault((org_id, period, dim, value), [0] * len(counts))
            for i, n in enumerate(counts):
                have[i] += n
    return {key: counts for key, counts in total.items() if any(counts)}


def _year_changes() -> Iterator[tuple[int, int, packed.Pack]]:
    """Yield the change of each unit's stock over each packed year: its year-end pack less the
    one before (a missing pack: no members then)."""
    last = packed_year()
    ends: dict[int, dict[int, packed.Pack]] = defaultdict(dict)
    for org_id, period, pack in packs.packs_of(PackKind.YEAR_END):
        ends[org_id][period.year] = pack
    for org_id, years in ends.items():
        for year in range(min(years), (last or 0) + 1):
            change = packed.add({}, years.get(year, {}))
            yield org_id, year, packed.add(change, years.get(year - 1, {}), -1)


def stored_admissions() -> AdmissionRows:
    """Return the admission rows as kept: the rows and the packs (D57)."""
    return _with(_stored(AdmissionStat, "month", ADMISSION_MEASURES),
                 packs.packs_of(PackKind.ADMISSIONS))  # fmt: skip


def stored_admission_years() -> dict[tuple[int, int, str, str], list[int]]:
    return _with(
        _stored(AdmissionStatYear, "year", ADMISSION_MEASURES),
        ((o, p.year, pack) for o, p, pack in packs.packs_of(PackKind.ADMISSION_YEAR)),
    )


def stored() -> MonthRows:
    return _with(_stored(MemberStat, "month"), packs.packs_of(PackKind.MONTH))


def stored_years() -> YearRows:
    return _with(_stored(MemberStatYear, "year"), _year_changes())


def stored_bases() -> BaseRows:
    return _stored(MemberStatBase, "through")


def differences(limit: int = 20) -> list[str]:
    """Return up to `limit` rows (monthly, yearly, admissions, base, then the cells' last
    admissions and the tree's counts) where the stored aggregates differ from a recomputation."""
    want = computed()
    bases = bases_of(want, folded_through())
    admitted = computed_admissions()
    problems: list[str] = []
    checks: tuple[tuple[dict[Any, list[int]], dict[Any, list[int]], str], ...] = (
        (want, stored(), "tháng {:%m/%Y}"),
        (years_of(want), stored_years(), "năm {}"),
        (admitted, stored_admissions(), "kết nạp tháng {:%m/%Y}"),
        (admission_years_of(admitted), stored_admission_years(), "kết nạp năm {}"),
        (bases, stored_bases(), "đến hết tháng {:%m/%Y}"),
    )
    for wanted, have, when in checks:

        def describe(key: Any, kept: Any, recomputed: Any, when: str = when) -> str:
            org_id, period, dim, value = key
            return (f"đơn vị {org_id}, {when.format(period)}, {dim or 'tổng'}={value}: "
                    f"lưu {kept}, tính lại {recomputed}")  # fmt: skip

        problems += mismatches(wanted, have, describe, limit=limit - len(problems),
                               order=lambda k: (k[0], k[2], k[1], k[3]))  # fmt: skip
    problems += last_admissions.differences(limit - len(problems))
    return problems + treecounts.differences(limit - len(problems))


def _replace(
    model: Any,
    period: str,
    kept: dict[Any, list[int]],
    batch_size: int,
    columns: tuple[str, ...] = _COLUMNS,
) -> None:
    model.objects.all().delete()
    model.objects.bulk_create(
        (
            model(
                org_id=org_id,
                dim=dim,
                value=value,
                **{period: when},
                **dict(zip(columns, values, strict=True)),
            )  # fmt: skip
            for (org_id, when, dim, value), values in kept.items()
        ),
        batch_size=batch_size,
    )


def default_fold(today: date) -> date:
    """Return the month a fold defaults to: December of the year before today's, so that every
    day of this year is read from the base and this year's months (D46)."""
    return date(today.year - 1, 12, 1)


def rebuild(*, batch_size: int = 5000, through: date | None = None) -> int:
    """Replace every aggregate row (and the cells' last admissions, the tree's counts) by the
    recomputation, the base folded through `through` (default: `default_fold` of today) and
    the rows packed as a fold packs them (D57); return how many monthly rows were computed."""
    rows = computed()
    admissions = computed_admissions()
    through = month_of(through or default_fold(timezone.localdate()))
    with transaction.atomic():
        StatPack.objects.all().delete()
        _replace(MemberStat, "month", rows, batch_size)
        _replace(MemberStatYear, "year", years_of(rows), batch_size)
        _replace(AdmissionStat, "month", admissions, batch_size, ADMISSION_MEASURES)
        _replace(AdmissionStatYear, "year", admission_years_of(admissions), batch_size,
                 ADMISSION_MEASURES)  # fmt: skip
        _replace(MemberStatBase, "through", bases_of(rows, through), batch_size)
        last_admissions.rebuild()
        treecounts.rebuild()
        packs.pack(through)  # as a fold leaves them (D57)
    return len(rows)


def fold(through: date) -> int:
    """Move the rows of the months up to `through`'s, and the yearly rows of the years up to
    its year, into packs (D57), then recompute the base rows as the stock at the end of that
    month (D46); return how many base rows. Writers wait (PostgreSQL: the aggregate rows are
    locked against writes until the fold commits), so no write is counted twice or lost. A
    fold through a year before the last one packed is refused (`packs.FoldRefused`)."""
    through = month_of(through)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(model._meta.db_table for model in packs.PACKED_TABLES)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        # First: on SQLite this takes the database's write lock for the whole fold.
        MemberStatBase.objects.all().delete()
        packs.pack(through)
        units = set(StatPack.objects.values_list("org_id", flat=True).distinct())
        for model in packs.PACKED_TABLES:
            units.update(model.objects.values_list("org_id", flat=True).distinct())
        stock = kept_stocks(sorted(units), month_end(through))
        rows = [
            (org_id, through, dim, value, *(counts[m] for m in _COLUMNS))
            for org_id, dims in stock.items()
            for dim, values in dims.items()
            for value, counts in values.items()
        ]
        copy_rows(MemberStatBase, ["org_id", "through", "dim", "value", *_COLUMNS], rows)
        return len(rows)
