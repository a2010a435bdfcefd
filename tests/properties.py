"""How many examples a property test that writes to the database draws, on either database."""

from __future__ import annotations

import os

# CI's PostgreSQL leg (.ci/run) sets PTDV_TEST_DATABASE_URL; the SQLite leg runs the whole suite.
ON_POSTGRESQL = os.environ.get("PTDV_TEST_DATABASE_URL", "").startswith("postgres")


def examples(n: int) -> int:
    """Return `n` on SQLite and a third of it (at least 5) on PostgreSQL. On PostgreSQL the
    examples check that the same SQL answers alike on the other database, which a few random
    histories do; the breadth of histories is drawn on SQLite, where an example costs a third as
    much (the PostgreSQL leg is CI's longest: every query there is a round trip to a server)."""
    return max(5, n // 3) if ON_POSTGRESQL else n
