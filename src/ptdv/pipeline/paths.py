"""The cells' paths copied on the pipeline's rows (decision D48), kept equal to the tree's.

A case and a list entry carry their cell's path (`models.CellPathed`) so that the rows under a
unit are one range of their own table. The copy is taken when a row is saved with a new cell;
when a branch of the tree moves, `moved` rewrites the copies under it in the move's transaction.
`stale` counts the rows whose copy disagrees with the tree (none, unless a write bypassed both).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, Substr

from ptdv.core.text import prefix_upper_bound
from ptdv.orgs.models import Org
from ptdv.pipeline import stagecounts
from ptdv.pipeline.models import Case, PoolEntry

MODELS: tuple[type[Case], type[PoolEntry]] = (Case, PoolEntry)


def under(path: str) -> Q:
    """Return the condition for a case or a list entry under the unit with this tree path: one
    range of the row's own copy, the index the readers use."""
    return Q(cell_path__gte=path, cell_path__lt=prefix_upper_bound(path))


def moved(sender: Any, *, old: str, new: str, **_kwargs: Any) -> None:
    """Rewrite the copied paths under `old` to start with `new` (paths_moved's receiver)."""
    if old == new:
        return
    stagecounts.moved(old, new, under(old))  # before the copies change (D50)
    for model in MODELS:
        model.objects.filter(under(old)).update(
            cell_path=Concat(Value(new), Substr(F("cell_path"), len(old) + 1))
        )


def refresh() -> int:
    """Copy every row's cell path from the tree again; return how many rows changed (a repair
    after a write that bypassed the services; migration pipeline 0003 does the same with its
    historical models)."""
    changed = 0
    for model in MODELS:
        path = Subquery(Org.objects.filter(pk=OuterRef("cell_id")).values("path")[:1])
        changed += model.objects.exclude(cell_path=path).update(cell_path=path)
    return changed


def stale() -> int:
    """Return how many rows' copied path differs from their cell's path in the tree."""
    return sum(model.objects.exclude(cell_path=F("cell__path")).count() for model in MODELS)


__all__ = ["MODELS", "moved", "refresh", "stale"]
