"""Signals the tree sends to the apps above it (orgs imports none of them).

`paths_moved` is sent inside the transaction of a move, after the moved unit and everything
under it changed their path from the prefix `old` to the prefix `new` (keyword arguments): rows
that copy a unit's path (the pipeline's cases and lists, D48) rewrite theirs in the same
transaction, so a reader never sees the tree and the copies disagree.

`units_changed` is sent inside the transaction of a write that changes which units stand in
the tree now, where or of what kind (a creation, a move — with every unit under the moved one —,
a dissolution, a change of kind or founding day), with the ids of those units (`org_ids`): the
counts kept for the top of the tree (D52) are brought up to date in the same transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

paths_moved = Signal()
units_changed = Signal()

__all__ = ["paths_moved", "units_changed"]
