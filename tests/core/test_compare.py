"""core.compare.mismatches: the keys whose kept value differs from the recomputed one, described
in order, at most `limit` of them, a key missing on one side read as None."""

from __future__ import annotations

from ptdv.core.compare import mismatches


def _describe(key: str, kept: int | None, recomputed: int | None) -> str:
    return f"{key}: {kept} → {recomputed}"


def test_only_differing_keys_in_order_with_missing_sides_as_none() -> None:
    want = {"a": 1, "b": 2, "c": 3}
    have = {"a": 1, "b": 5, "d": 4}
    assert mismatches(want, have, _describe, limit=10) == [
        "b: 5 → 2", "c: None → 3", "d: 4 → None"]  # fmt: skip
    assert mismatches(want, have, _describe, limit=10, order=lambda k: -ord(k)) == [
        "d: 4 → None", "c: None → 3", "b: 5 → 2"]  # fmt: skip


def test_at_most_limit_and_nothing_when_equal() -> None:
    want, have = {k: 1 for k in "abcde"}, {}
    assert len(mismatches(want, have, _describe, limit=2)) == 2
    assert mismatches(want, have, _describe, limit=0) == []
    assert mismatches(want, dict(want), _describe, limit=5) == []
