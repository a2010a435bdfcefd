"""Keeping the tree's counts for its top units (decision D52; the arithmetic is
members.rules.treecounts): the units by kind under each kept unit, and the cells under each
unit directly below one by founding day and by the day they have been quiet since — so the
nation's dashboard of today reads a few thousand rows instead of the country's 360,000 spans.

Every change of what a unit counts with goes through `refresh(org_ids)`, in its write's
transaction: it reads the units' facts now (current span, founding day, last admission), takes
the difference from the facts kept in `UnitFacts` and adds it with one "insert or add"
statement per row, which SQLite and PostgreSQL both run atomically (the reads:
members.treecounts). Its callers: the tree's
writes (orgs.signals.units_changed: a unit created, moved with its subtree, dissolved, its kind
or founding day changed) and the cells' last admission (members.services.last_admissions).
A deleted unit takes its count away (post_delete of its facts). `rebuild` recomputes every row;
`differences` compares them with the recomputation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from django.db import connection, transaction

from ptdv.core.compare import mismatches
from ptdv.members.models import (
    EARLIER_DAYS,
    CellCount,
    Membership,
    UnitCount,
    UnitFacts,
)
from ptdv.members.rules import treecounts as rules
from ptdv.members.rules.treecounts import CellKey, UnitKey
from ptdv.members.treecounts import idle_years_kept, kept_levels, stretch_levels
from ptdv.orgs.models import CELL_KINDS, SPAN_STEP, Org, OrgSpan

# How many units one statement reads or writes.
CHUNK = 2000
# The units changed inside `deferred()` blocks, waiting for their one refresh (None: none open).
_PENDING: ContextVar[set[int] | None] = ContextVar("treecounts_pending", default=None)


# --- writes -----------------------------------------------------------------------------------


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def facts_of(
    org_ids: Iterable[int] | None = None,
    *,
    membership_id: int | None = None,
    admissions: Iterable[tuple[int, date]] = (),
) -> dict[int, rules.UnitFacts]:
    """Return the facts of these units (None: every unit) as the tree stands now; a unit with
    no current span (dissolved) has none. A write whose membership is not saved yet gives its
    id and its admissions as (cell, day), as to `last_admissions.refresh`: they replace the
    stored row's."""
    years = idle_years_kept()
    pending: dict[int, list[date]] = {}
    for cell, day in admissions:
        pending.setdefault(cell, []).append(day)
    result: dict[int, rules.UnitFacts] = {}
    groups: Iterable[list[int] | None] = [None] if org_ids is None else _chunks(sorted(org_ids))
    for ids in groups:
        spans = OrgSpan.objects.filter(valid_to__isnull=True)
        stored = Membership.objects.filter(admission_cell_id__isnull=False, joined_on__isnull=False)
        if ids is not None:
            spans = spans.filter(org_id__in=ids)
            stored = stored.filter(admission_cell_id__in=ids)
        if membership_id is not None:
            stored = stored.exclude(pk=membership_id)
        admitted = {cell: list(days) for cell, days in pending.items()}
        for cell, day in stored.values_list("admission_cell_id", "joined_on").distinct():
            admitted.setdefault(cell, []).append(day)
        for org_id, path, kind, founded in spans.values_list(
            "org_id", "path", "kind", "org__valid_from"
        ):
            # The last admission and the days before it, as LastAdmission keeps them (D49,
            # D63), from the same days.
            on, *earlier = rules.latest_days(admitted.get(org_id, ())) or (None,)
            result[org_id] = rules.facts(
                path, kind, founded, on, cell=kind in CELL_KINDS, earlier=tuple(earlier),
                admitted=admitted.get(org_id, ()), idle_years=years,
            )  # fmt: skip
    return result


def _stored_facts(org_ids: list[int]) -> dict[int, rules.UnitFacts]:
    result = {}
    for ids in _chunks(org_ids):
        for org_id, path, kind, founded, quiet, idle, *earlier in UnitFacts.objects.filter(
            org_id__in=ids
        ).values_list("org_id", "path", "kind", "founded", "quiet", "idle", *EARLIER_DAYS):
            result[org_id] = rules.UnitFacts(
                path, kind, founded, quiet, _present(earlier), rules.decode_stretches(idle)
            )
    return result


def _present(days: list[date | None]) -> tuple[date, ...]:
    """Return a row's earlier admission days without the empty ones."""
    return tuple(day for day in days if day is not None)


def _counts(
    units: Iterable[rules.UnitFacts | None],
) -> tuple[Counter[UnitKey], Counter[CellKey]]:
    levels, stretched = kept_levels(), stretch_levels()
    by_kind: Counter[UnitKey] = Counter()
    cells: Counter[CellKey] = Counter()
    for unit in units:
        by_kind.update(rules.unit_contributions(unit, SPAN_STEP, levels))
        cells.update(rules.cell_contributions(unit, SPAN_STEP, levels, stretched))
    return by_kind, cells


_UNIT_UPSERT = (
    "INSERT INTO members_unitcount (path, kind, n) VALUES (%s, %s, %s) "
    "ON CONFLICT (path, kind) DO UPDATE SET n = members_unitcount.n + excluded.n"
)
_CELL_UPSERT = (
    "INSERT INTO members_cellcount (depth, grain, day, path, what, n) "
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (depth, grain, day, path, what) "
    "DO UPDATE SET n = members_cellcount.n + excluded.n"
)
_UNIT_ZERO = "DELETE FROM members_unitcount WHERE path = %s AND kind = %s AND n = 0"
_CELL_ZERO = (
    "DELETE FROM members_cellcount WHERE depth = %s AND grain = %s AND day = %s AND path = %s "
    "AND what = %s AND n = 0"
)


def apply(by_kind: Counter[UnitKey], cells: Counter[CellKey]) -> None:
    """Add the deltas to the rows (creating them) and drop the rows left at zero (by their
    keys: one index probe each). The rows are written in key order, so two writers that share
    rows lock them in the same order (PostgreSQL) and never wait for each other in a circle."""
    units = sorted((*key, n) for key, n in by_kind.items() if n)
    rows = sorted(
        (len(path) // SPAN_STEP, grain, day, path, what, n)
        for (path, what, grain, day), n in cells.items()
        if n
    )
    if not units and not rows:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if units:
            cursor.executemany(_UNIT_UPSERT, units)
            cursor.executemany(_UNIT_ZERO, [row[:-1] for row in units])
        if rows:
            cursor.executemany(_CELL_UPSERT, rows)
            cursor.executemany(_CELL_ZERO, [row[:-1] for row in rows])


def refresh(
    org_ids: Iterable[int],
    *,
    membership_id: int | None = None,
    admissions: Iterable[tuple[int, date]] = (),
) -> None:
    """What these units count with may have changed (their span, kind, founding day,
    admissions): add the difference between their kept facts and their facts now (with an
    unsaved membership's admissions, see `facts_of`). The units' rows are locked first
    (PostgreSQL), so two writers of one unit do not both add."""
    ids = sorted(set(org_ids))
    if not ids:
        return
    with transaction.atomic():
        for chunk in _chunks(ids):
            list(Org.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values("pk"))
        before = _stored_facts(ids)
        after = facts_of(ids, membership_id=membership_id, admissions=admissions)
        changed = [i for i in ids if before.get(i) != after.get(i)]
        if not changed:
            return
        old = _counts(before.get(i) for i in changed)
        new = _counts(after.get(i) for i in changed)
        apply(rules.difference(old[0], new[0]), rules.difference(old[1], new[1]))
        gone = [i for i in changed if i not in after]
        for chunk in _chunks(gone):
            # Without post_delete (`deleted`): their count was just taken away.
            UnitFacts.objects.filter(org_id__in=chunk)._raw_delete(UnitFacts.objects.db)
        UnitFacts.objects.bulk_create(
            [_row(i, after[i]) for i in changed if i in after],
            update_conflicts=True,
            unique_fields=["org"],
            update_fields=["path", "kind", "founded", "quiet", "idle", *EARLIER_DAYS],
            batch_size=CHUNK,
        )


def _row(org_id: int, unit: rules.UnitFacts) -> UnitFacts:
    earlier = [*unit.earlier, *[None] * (len(EARLIER_DAYS) - len(unit.earlier))]
    return UnitFacts(org_id=org_id, path=unit.path, kind=unit.kind, founded=unit.founded,
                     quiet=unit.quiet, idle=rules.encode_stretches(unit.idle),
                     **dict(zip(EARLIER_DAYS, earlier, strict=True)))  # fmt: skip


@contextmanager
def deferred() -> Iterator[None]:
    """Refresh the units the tree's writes change inside the block once, at its end, instead
    of once per write: for a whole tree written at once (the demo's 380 units). The block must
    run inside the transaction that commits the writes (the counts are then brought up to date
    in it, as every write's are) and must not read the counts before its end. If it raises,
    nothing is refreshed: the transaction is to be rolled back."""
    outer = _PENDING.get()
    pending: set[int] = set()
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    if outer is not None:
        outer.update(pending)  # a block inside another: the outer one refreshes
    else:
        refresh(pending)


def units_changed(sender: Any, org_ids: Iterable[int], **_kwargs: Any) -> None:
    """orgs.signals.units_changed's receiver (inside `deferred()`: noted for its end)."""
    pending = _PENDING.get()
    if pending is not None:
        pending.update(org_ids)
        return
    refresh(org_ids)


def deleted(sender: Any, instance: UnitFacts, **_kwargs: Any) -> None:
    """post_delete's receiver: a unit deleted from the tree (its facts go with it) counts no
    more. (`refresh` deletes the facts of a dissolved unit without the signal, having taken
    its count away itself.)"""
    unit = rules.UnitFacts(instance.path, instance.kind, instance.founded, instance.quiet,
                           idle=rules.decode_stretches(instance.idle))  # fmt: skip
    # (Its earlier admission days count for nothing.)
    by_kind, cells = _counts([unit])
    apply(rules.difference(by_kind, Counter()), rules.difference(cells, Counter()))


# --- rebuild and check ------------------------------------------------------------------------


def computed() -> tuple[dict[UnitKey, int], dict[CellKey, int]]:
    """Return every row as recomputed from the tree and the last admissions."""
    by_kind, cells = _counts(facts_of().values())
    return +by_kind, +cells


def stored() -> tuple[dict[UnitKey, int], dict[CellKey, int]]:
    by_kind = {(p, k): n for p, k, n in UnitCount.objects.values_list("path", "kind", "n")}
    cells = {
        (p, w, g, d): n
        for p, w, g, d, n in CellCount.objects.values_list("path", "what", "grain", "day", "n")
    }
    return by_kind, cells


def rebuild() -> int:
    """Replace the facts and every row by the recomputation; return how many units."""
    found = facts_of()
    by_kind, cells = _counts(found.values())
    with transaction.atomic():
        UnitFacts.objects.all()._raw_delete(UnitFacts.objects.db)
        UnitCount.objects.all().delete()
        CellCount.objects.all().delete()
        # Written in the order they are read (by path; by the counts' key), so that a read
        # of many rows finds them on few pages.
        UnitFacts.objects.bulk_create(
            [_row(i, u) for i, u in sorted(found.items(), key=lambda item: item[1].path)],
            batch_size=CHUNK,
        )
        UnitCount.objects.bulk_create(
            [UnitCount(path=p, kind=k, n=n) for (p, k), n in by_kind.items() if n],
            batch_size=CHUNK,
        )
        CellCount.objects.bulk_create(
            [
                CellCount(depth=len(p) // SPAN_STEP, path=p, what=w, grain=g, day=d, n=n)
                for (p, w, g, d), n in sorted(
                    cells.items(), key=lambda row: (len(row[0][0]), row[0][2], row[0][3], row[0][0])
                )
                if n
            ],
            batch_size=CHUNK,
        )
    return len(found)


def differences(limit: int = 20) -> list[str]:
    """Return up to `limit` rows where the kept counts differ from a recomputation."""
    want, have = computed(), stored()
    grains = {rules.YEAR: "năm", rules.MONTH: "tháng", rules.DAY: "ngày"}

    def describe_unit(key: UnitKey, kept: int | None, recomputed: int | None) -> str:
        return f"đơn vị {key[0]}, cấp {key[1]}: lưu {kept}, tính lại {recomputed}"

    def describe_cell(key: CellKey, kept: int | None, recomputed: int | None) -> str:
        path, what, grain, day = key
        label = {rules.FOUNDED: "thành lập", rules.QUIET: "không kết nạp từ",
                 rules.IDLE_FROM: "bắt đầu không kết nạp",
                 rules.IDLE_TO: "kết nạp lại"}.get(what, what)  # fmt: skip
        when = {rules.YEAR: f"{day:%Y}", rules.MONTH: f"{day:%m/%Y}"}.get(grain, f"{day:%d/%m/%Y}")
        return (f"đơn vị {path}, chi bộ {label} {grains[grain]} {when}: lưu {kept}, "
                f"tính lại {recomputed}")  # fmt: skip

    problems = mismatches(want[0], have[0], describe_unit, limit=limit)
    return problems + mismatches(want[1], have[1], describe_cell, limit=limit - len(problems))


__all__ = ["computed", "differences", "facts_of", "rebuild", "refresh", "stored"]
