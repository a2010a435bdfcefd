"""The connection's settings on each database (settings.py; decision D45)."""

from __future__ import annotations

from django.db import connection


def test_the_connection_is_set_up_for_short_reads(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # No JIT compiling of the aggregate reads (D45).
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
        else:
            # Readers go on while one writer writes.
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
