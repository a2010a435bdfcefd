"""core.memo: a read-only block's reads answered once per key."""

from __future__ import annotations

from ptdv.core import memo


class Reads:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> list[int]:
        self.count += 1
        return [self.count]


def test_outside_a_block_every_call_reads() -> None:
    read = Reads()
    assert memo.once("k", read) == [1]
    assert memo.once("k", read) == [2]


def test_inside_a_block_each_key_is_read_once_and_forgotten_at_its_end() -> None:
    read, other = Reads(), Reads()
    with memo.reading():
        assert memo.once("k", read) == [1]
        assert memo.once("k", read) == [1]
        assert memo.once(("other", 1), other) == [1]
        assert memo.once(("other", 2), other) == [2]
    assert (read.count, other.count) == (1, 2)
    with memo.reading():
        assert memo.once("k", read) == [2]  # a new block reads again


def test_a_block_inside_another_shares_its_answers_until_the_outer_one_ends() -> None:
    read = Reads()
    with memo.reading():
        memo.once("k", read)
        with memo.reading():
            assert memo.once("k", read) == [1]
            memo.once("inner", read)
        assert memo.once("inner", read) == [2]  # the inner block's end forgot nothing
    assert memo.once("k", read) == [3]
