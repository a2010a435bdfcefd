"""Signals the tree sends to the apps above it (orgs imports none of them).

`paths_moved` is sent inside the transaction of a move, after the moved unit and everything
under it changed their path from the prefix `old` to the prefix `new` (keyword arguments): rows
that copy a unit's path (the pipeline's cases and lists, D48) rewrite theirs in the same
transaction, so a reader never sees the tree and the copies disagree.
"""

from __future__ import annotations

from django.dispatch import Signal

paths_moved = Signal()

__all__ = ["paths_moved"]
