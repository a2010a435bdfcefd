"""Each cell's last admission, kept (decision D49): the latest ceremony day among the
memberships admitted in the cell (`Membership.admission_cell`, D43), one `LastAdmission` row per
cell that ever admitted anyone, with the three admission days before it (D63).

The idle cells (members.idle) read it: a cell whose last admission is on or before the day
needs nothing else — idle when that admission is before the years looked at, active otherwise
— so today's count over the country's 300,000 cells joins one row per cell instead of searching
each cell's admissions. On a past day, the cell's latest admission on or before the day is
usually one of the earlier days (D63); only a cell whose four latest admission days all came
after the day is still searched.

Kept by every write of an admission (members.services.stats.membership_rewritten and the bulk
entry), in its transaction; `ptdv stats rebuild` recomputes it and `--check` compares.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction

from ptdv.core.compare import mismatches
from ptdv.members.models import EARLIER_DAYS, LastAdmission
from ptdv.members.rules.treecounts import KEPT_DAYS, latest_days
from ptdv.members.services import treecounts
from ptdv.orgs.models import Org

# A row's admission days, latest first: the last and the three before it (D63).
_DAY_FIELDS = ("on", *EARLIER_DAYS)
assert len(_DAY_FIELDS) == KEPT_DAYS
# Each cell's admission days, each day once, ranked from the latest: the memberships' rows
# (optionally narrowed by the {where} clause) read once, on both databases.
_RANKED = (
    "SELECT cell, day, ROW_NUMBER() OVER (PARTITION BY cell ORDER BY day DESC) AS r FROM ("
    "SELECT DISTINCT admission_cell_id AS cell, joined_on AS day FROM members_membership "
    "WHERE admission_cell_id IS NOT NULL{where}) d"
)

Days = tuple[date, ...]  # latest first, each once, at most KEPT_DAYS


def computed(
    cell_ids: Iterable[int] | None = None, *, excluding: int | None = None
) -> dict[int, Days]:
    """Return each cell's latest admission days from the memberships (every cell, or these;
    without the membership `excluding`)."""
    where, params = "", []
    if cell_ids is not None:
        cells = sorted(set(cell_ids))
        if not cells:
            return {}
        where += f" AND admission_cell_id IN ({', '.join(['%s'] * len(cells))})"
        params += cells
    if excluding is not None:
        where += " AND id <> %s"
        params.append(excluding)
    found: dict[int, list[date]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT cell, day FROM ({_RANKED.format(where=where)}) x WHERE r <= %s "
            "ORDER BY cell, r",
            [*params, KEPT_DAYS],
        )
        for cell, day in cursor.fetchall():
            found.setdefault(cell, []).append(_date(day))
    return {cell: tuple(days) for cell, days in found.items()}


def _date(value: date | str) -> date:
    # SQLite returns the dates of a raw query as text.
    return value if isinstance(value, date) else date.fromisoformat(value)


def _fields(days: Days) -> dict[str, date | None]:
    return dict(zip(_DAY_FIELDS, [*days, *[None] * (KEPT_DAYS - len(days))], strict=True))


def stored() -> dict[int, Days]:
    return {
        cell: tuple(d for d in days if d is not None)
        for cell, *days in LastAdmission.objects.values_list("cell_id", *_DAY_FIELDS)
    }


def refresh(
    cell_ids: Iterable[int],
    *,
    membership_id: int | None = None,
    admissions: Iterable[tuple[int, date]] = (),
) -> None:
    """The admissions made in these cells changed: recompute their latest admission days. A
    write whose membership is not saved yet gives its id and its admissions as (cell, day): the
    stored row of that membership is replaced by them. The cells' rows are locked first
    (PostgreSQL), so that two writers admitting in one cell at the same time read each other's
    admission and neither leaves the earlier day behind."""
    cells = sorted(set(cell_ids))
    if not cells:
        return
    admissions = list(admissions)
    with transaction.atomic():
        list(Org.objects.select_for_update().filter(pk__in=cells).order_by("pk").values("pk"))
        latest = computed(cells, excluding=membership_id)
        for cell, day in admissions:
            latest[cell] = latest_days([*latest.get(cell, ()), day])
        LastAdmission.objects.filter(cell_id__in=[c for c in cells if c not in latest]).delete()
        LastAdmission.objects.bulk_create(
            [LastAdmission(cell_id=cell, **_fields(days)) for cell, days in latest.items()],
            update_conflicts=True,
            unique_fields=["cell"],
            update_fields=list(_DAY_FIELDS),
        )
        # The day each cell has been quiet since, its earlier days and all its admission days
        # follow (D52, D66), with the same unsaved membership's admissions.
        treecounts.refresh(cells, membership_id=membership_id, admissions=admissions)


def rebuild() -> int:
    """Replace every row by the recomputation, in one statement; return how many cells."""
    picked = ", ".join(
        f"MAX(CASE WHEN r = {rank} THEN day END)" for rank in range(1, KEPT_DAYS + 1)
    )
    columns = ", ".join(f'"{name}"' for name in _DAY_FIELDS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_lastadmission")
        cursor.execute(
            f"INSERT INTO members_lastadmission (cell_id, {columns}) "
            f"SELECT cell, {picked} FROM ({_RANKED.format(where='')}) x WHERE r <= %s "
            "GROUP BY cell",
            [KEPT_DAYS],
        )
        return int(cursor.rowcount)


def differences(limit: int = 20) -> list[str]:
    """Return up to `limit` cells whose kept admission days differ from the memberships'."""
    return mismatches(
        computed(),
        stored(),
        lambda cell, kept, recomputed: (
            f"chi bộ {cell}: những ngày kết nạp cuối lưu {_days(kept)}, tính lại "
            f"{_days(recomputed)}"
        ),
        limit=limit,
    )


def _days(days: Days | None) -> str:
    return ", ".join(f"{day:%d/%m/%Y}" for day in days) if days else "không có"


__all__ = [
    "KEPT_DAYS",
    "computed",
    "differences",
    "latest_days",
    "rebuild",
    "refresh",
    "stored",
]
