"""The packs of aggregate rows (D57), pure: a pack's text holds its counts exactly, packs add up
as the rows they replace do, and a pack and its opposite leave nothing."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from ptdv.members.rules import packs

entry = st.tuples(
    st.sampled_from(["", "sex", "birth", "ethnic"]),
    st.text(alphabet='01-MFé"\\:,{}', max_size=7),
    st.lists(st.integers(-5, 5), min_size=2, max_size=2),
)


def _counter(entries) -> dict:  # type: ignore[no-untyped-def]
    total: Counter = Counter()
    for dim, value, counts in entries:
        for i, n in enumerate(counts):
            total[(dim, value, i)] += n
    return {key: n for key, n in total.items() if n}  # negative counts kept


def test_a_pack_is_compact_sorted_json_without_zero_counts() -> None:
    pack = {"sex": {"M": [2, 1], "F": [0, 0]}, "": {"": [2, 1]}, "birth": {}}
    assert packs.text(pack) == '{"":{"":[2,1]},"sex":{"M":[2,1]}}'
    assert packs.decode(packs.encode(pack)) == {"": {"": [2, 1]}, "sex": {"M": [2, 1]}}
    assert packs.encode(pack) == packs.compress(packs.text(pack).encode())
    # The text a fold's SQL writes first (spaces, any order, uncompressed) reads the same.
    written = '{ "sex" : {"M": [2, 1]}, "": {"": [2,1]} }'
    assert packs.decode(written) == packs.decode(memoryview(written.encode()))
    assert packs.decode(written) == packs.decode(packs.encode(pack))


@given(st.lists(entry, max_size=30), st.lists(entry, max_size=30))
def test_packs_add_up_as_their_rows(first, second) -> None:  # type: ignore[no-untyped-def]
    a, b = packs.from_entries(first), packs.from_entries(second)
    both = packs.add(packs.decode(packs.encode(a)), packs.decode(packs.encode(b)))
    assert _counter(packs.entries(both)) == _counter(first + second)
    # Less itself, a pack holds nothing.
    assert packs.is_empty(packs.add(packs.decode(packs.encode(both)), both, -1))
    assert packs.text(packs.add(packs.from_entries(first), packs.from_entries(first), -1)) == "{}"


def test_the_memo_derives_once_per_content_and_purpose() -> None:
    memo = packs.Memo(3)
    calls: list[int] = []

    def total(found: list[packs.Pack]) -> int:
        calls.append(len(found))
        return sum(c[0] for pack in found for values in pack.values() for c in values.values())

    a = packs.encode({"": {"": [2, 1]}})
    b = packs.encode({"": {"": [5, 1]}})
    assert memo.derived([a], "total", total) == 2
    # The same content, read again (another object, a memoryview as PostgreSQL returns it):
    # remembered; the same text uncompressed is other content, derived again.
    assert memo.derived([memoryview(bytes(a))], "total", total) == 2
    assert calls == [1]
    assert memo.derived([b'{"":{"":[2,1]}}'], "total", total) == 2
    assert calls == [1, 1]
    # Several packs (a unit's year end and months) are one content, in any order.
    assert memo.derived([a, b], "total", total) == 7
    assert memo.derived([b, a], "total", total) == 7
    assert calls == [1, 1, 2]
    assert len(memo) == 3
    assert memo.derived([a], "total", total) == 2  # used again: the text's is now the oldest
    # Another purpose of the same content is derived apart; the least recently used went out
    # (the uncompressed text's), the others stayed.
    assert memo.derived([a], "keys", lambda found: sorted(found[0])) == [""]
    assert len(memo) == 3
    assert memo.derived([a], "total", total) == 2
    assert memo.derived([a, b], "total", total) == 7
    assert calls == [1, 1, 2]
    assert memo.derived([b'{"":{"":[2,1]}}'], "total", total) == 2
    assert calls == [1, 1, 2, 1]
    # A rewritten pack (new counts) is new content: never the old result.
    assert memo.derived([a, packs.encode({"": {"": [6, 1]}})], "total", total) == 8
    memo.clear()
    assert len(memo) == 0


@given(st.lists(st.lists(entry, max_size=8), min_size=1, max_size=12))
def test_remembered_results_are_those_derived_afresh(batches) -> None:  # type: ignore[no-untyped-def]
    memo = packs.Memo(4)
    stored = [packs.encode(packs.from_entries(batch)) for batch in batches]

    def summed(found: list[packs.Pack]) -> list:  # type: ignore[type-arg]
        return sorted(packs.entries(packs.add({}, packs.from_entries(
            e for pack in found for e in packs.entries(pack)))))  # fmt: skip

    for i in [*range(len(stored)), *range(len(stored))[::-1], 0, 0]:
        some = stored[: i + 1]
        fresh = summed([packs.decode(data) for data in some])
        assert memo.derived(some, "sum", summed) == fresh
        assert memo.derived(some[::-1], "sum", summed) == fresh
