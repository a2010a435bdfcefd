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

import hashlib
import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

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


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


class Memo:
    """What reads derive from packs, remembered by the packs' content (D58): the key is the
    content itself, so whatever rewrites a pack, a remembered result is never stale; a past
    month end read again costs a lookup per unit instead of decoding and adding up a dozen packs
    for each. Bounded (the least recently used goes first) and safe across a server's threads.
    Results are shared: callers must not change them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._found: OrderedDict[tuple[Hashable, bytes], Any] = OrderedDict()
        self._lock = threading.Lock()

    def derived(
        self,
        data: Sequence[bytes | memoryview],
        purpose: Hashable,
        compute: Callable[[list[Pack]], T],
    ) -> T:
        """Return `compute` of the packs stored as `data` (decoded), remembered for this
        content, in any order, and purpose."""
        raws = [bytes(d) for d in data]
        digests = sorted(_digest(raw) for raw in raws)
        key = (purpose, digests[0] if len(digests) == 1 else _digest(b"".join(digests)))
        with self._lock:
            if key in self._found:
                self._found.move_to_end(key)
                found: T = self._found[key]
                return found
        result = compute([decode(raw) for raw in raws])
        with self._lock:
            self._found[key] = result
            while len(self._found) > self.size:
                self._found.popitem(last=False)
        return result

    def __len__(self) -> int:
        return len(self._found)

    def clear(self) -> None:
        with self._lock:
            self._found.clear()


__all__ = [
    "Memo",
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
