"""Packed aggregate rows (decision D57): pure, no database.

A pack holds what many aggregate rows of one unit and one period hold — each dimension's values
and their counts — as one value: the JSON text `{"dim": {"value": [count, …]}}` (dimension ""
value "" is the unit's totals), compressed with zlib. A row's header and index entry cost more
than its counts: a unit's month of changes as one value instead of a few hundred rows is most
of the aggregates' storage saved, the same on both databases.

The counts are added position by position; a pack and the rows of the same keys add up (a write
after a fold adds rows beside the packs, the next fold moves them in), so a read sums both.
A fold's SQL writes the text uncompressed and compresses it after; `decode` reads both.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator

# {dimension: {value: [count per measure]}}
Pack = dict[str, dict[str, list[int]]]
Entry = tuple[str, str, list[int]]


def text(pack: Pack) -> str:
    """Return the pack's JSON text (keys sorted, no spaces, values whose counts are all zero
    left out) — the same text for the same counts."""
    kept = {
        dim: {value: counts for value, counts in sorted(values.items()) if any(counts)}
        for dim, values in sorted(pack.items())
    }
    return json.dumps({dim: values for dim, values in kept.items() if values},
                      separators=(",", ":"), ensure_ascii=False)  # fmt: skip


def encode(pack: Pack) -> bytes:
    """Return the pack as stored: its text, compressed."""
    return compress(text(pack).encode())


def compress(raw: bytes) -> bytes:
    """Return a pack's text (UTF-8) as stored."""
    return zlib.compress(raw, 6)


def decode(data: bytes | memoryview | str) -> Pack:
    """Return the pack a stored value holds: compressed (`encode`) or the text itself, as a
    fold's SQL first writes it."""
    raw = bytes(data) if not isinstance(data, str) else data.encode()
    found: Pack = json.loads(raw if raw[:1] == b"{" else zlib.decompress(raw))
    return found


def add(into: Pack, pack: Pack, sign: int = 1) -> Pack:
    """Add `sign` times each count of `pack` to `into` (missing values start at zero) and
    return `into`."""
    for dim, values in pack.items():
        mine = into.setdefault(dim, {})
        for value, counts in values.items():
            kept = mine.get(value)
            if kept is None:
                mine[value] = [sign * n for n in counts]
            else:
                for i, n in enumerate(counts):
                    kept[i] += sign * n
    return into


def from_entries(entries: Iterable[Entry]) -> Pack:
    """Return the pack of (dimension, value, counts) entries, those of one key added."""
    pack: Pack = {}
    for dim, value, counts in entries:
        add(pack, {dim: {value: list(counts)}})
    return pack


def entries(pack: Pack) -> Iterator[Entry]:
    """Yield the pack's (dimension, value, counts), the all-zero ones left out."""
    for dim, values in pack.items():
        for value, counts in values.items():
            if any(counts):
                yield dim, value, counts


def is_empty(pack: Pack) -> bool:
    """Return whether every count of the pack is zero."""
    return not any(True for _ in entries(pack))


__all__ = [
    "Pack",
    "add",
    "compress",
    "decode",
    "encode",
    "entries",
    "from_entries",
    "is_empty",
    "text",
]
