"""Comparing a kept answer with its recomputation (`ptdv stats rebuild --check`, `ptdv pipeline
recompute`): the keys whose values differ, each described for the operator."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def mismatches(
    want: Mapping[K, V],
    have: Mapping[K, V],
    describe: Callable[[K, V | None, V | None], str],
    *,
    limit: int,
    order: Callable[[K], Any] | None = None,
) -> list[str]:
    """Return up to `limit` descriptions `describe(key, stored, recomputed)` of the keys, in
    `order`, where `have` (stored) differs from `want` (recomputed); a key missing on one side
    is None there."""
    found: list[str] = []
    keys: list[Any] = [*set(want) | set(have)]
    for key in sorted(keys, key=order):
        if len(found) >= limit:
            break
        if want.get(key) != have.get(key):
            found.append(describe(key, have.get(key), want.get(key)))
    return found


__all__ = ["mismatches"]
