"""Each cell's last admission, kept (decision D49): the latest ceremony day among the
memberships admitted in the cell (`Membership.admission_cell`, D43), one `LastAdmission` row per
cell that ever admitted anyone.

The idle cells (members.idle) read it: a cell whose last admission is on or before the day
needs nothing else — idle when that admission is before the years looked at, active otherwise
— so today's count over the country's 300,000 cells joins one row per cell instead of searching
each cell's admissions. Only a cell whose last admission came after the day (a past day) is
still searched.

Kept by every write of an admission (members.services.stats.membership_rewritten and the bulk
entry), in its transaction; `ptdv stats rebuild` recomputes it and `--check` compares.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import Max

from ptdv.core.compare import mismatches
from ptdv.members.models import LastAdmission, Membership
from ptdv.members.services import treecounts
from ptdv.orgs.models import Org


def computed(
    cell_ids: Iterable[int] | None = None, *, excluding: int | None = None
) -> dict[int, date]:
    """Return each cell's last admission from the memberships (every cell, or these; without
    the membership `excluding`)."""
    admitted = Membership.objects.filter(admission_cell__isnull=False)
    if cell_ids is not None:
        admitted = admitted.filter(admission_cell_id__in=list(cell_ids))
    if excluding is not None:
        admitted = admitted.exclude(pk=excluding)
    return dict(
        admitted.values("admission_cell_id")
        .annotate(last=Max("joined_on"))
        .order_by()
        .values_list("admission_cell_id", "last")
    )


def stored() -> dict[int, date]:
    return dict(LastAdmission.objects.values_list("cell_id", "on"))


def refresh(
    cell_ids: Iterable[int],
    *,
    membership_id: int | None = None,
    admissions: Iterable[tuple[int, date]] = (),
) -> None:
    """The admissions made in these cells changed: recompute their last admission. A write
    whose membership is not saved yet gives its id and its admissions as (cell, day): the
    stored row of that membership is replaced by them. The cells' rows are locked first
    (PostgreSQL), so that two writers admitting in one cell at the same time read each other's
    admission and neither leaves the earlier day behind."""
    cells = sorted(set(cell_ids))
    if not cells:
        return
    with transaction.atomic():
        list(Org.objects.select_for_update().filter(pk__in=cells).order_by("pk").values("pk"))
        last = computed(cells, excluding=membership_id)
        for cell, day in admissions:
            if cell not in last or last[cell] < day:
                last[cell] = day
        LastAdmission.objects.filter(cell_id__in=[c for c in cells if c not in last]).delete()
        LastAdmission.objects.bulk_create(
            [LastAdmission(cell_id=cell, on=day) for cell, day in last.items()],
            update_conflicts=True,
            unique_fields=["cell"],
            update_fields=["on"],
        )
        # The day each cell has been quiet since follows (D52).
        treecounts.refresh(cells)


def rebuild() -> int:
    """Replace every row by the recomputation, in one statement; return how many cells."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_lastadmission")
        cursor.execute(
            'INSERT INTO members_lastadmission (cell_id, "on") SELECT admission_cell_id, '
            "MAX(joined_on) FROM members_membership WHERE admission_cell_id IS NOT NULL "
            "GROUP BY admission_cell_id"
        )
        return int(cursor.rowcount)


def differences(limit: int = 20) -> list[str]:
    """Return up to `limit` cells whose kept last admission differs from the memberships'."""
    return mismatches(
        computed(),
        stored(),
        lambda cell, kept, recomputed: (
            f"chi bộ {cell}: lần kết nạp cuối lưu {_day(kept)}, tính lại {_day(recomputed)}"
        ),
        limit=limit,
    )


def _day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "không có"


__all__ = ["computed", "differences", "rebuild", "refresh", "stored"]
