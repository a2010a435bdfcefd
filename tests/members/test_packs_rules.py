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
