"""Reads remembered for the length of a read-only block: a page whose parts each ask the same
question of the database (the tree's changes since a day, the base rows' last month …) asks it
once inside `reading()`.

Only for a block that writes nothing: a change made inside it would not be seen by a read
remembered before it. Outside any block `once` reads every time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

# The answers of the block in progress, by key (None: no block).
_ANSWERS: ContextVar[dict[Hashable, Any] | None] = ContextVar("memo_answers", default=None)


@contextmanager
def reading() -> Iterator[None]:
    """Remember `once`'s answers until the block ends (a block inside another shares its
    answers: the outer one's end forgets them)."""
    if _ANSWERS.get() is not None:
        yield
        return
    token = _ANSWERS.set({})
    try:
        yield
    finally:
        _ANSWERS.reset(token)


def once(key: Hashable, read: Callable[[], T]) -> T:
    """Return `read()`, read once per key inside a `reading()` block. An answer that is mutable
    is shared: callers that change it must copy it."""
    answers = _ANSWERS.get()
    if answers is None:
        return read()
    if key not in answers:
        answers[key] = read()
    found: T = answers[key]
    return found


__all__ = ["once", "reading"]
