"""The connection's settings on each database (settings.py; decisions D45, D61)."""

from __future__ import annotations

from django.db import connection


def test_the_connection_is_set_up_for_short_reads(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # No JIT compiling of the aggregate reads (D45), no parallel workers started (D61).
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
        else:
            # Readers go on while one writer writes.
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"


def test_a_sqlite_connection_leaves_the_planner_its_statistics(tmp_path, django_db_blocker,  # type: ignore[no-untyped-def]
                                                               monkeypatch):  # fmt: skip
    """SQLite plans without statistics until something analyses the tables: a connection runs
    `PRAGMA optimize` as it closes (ptdv.core.sqlite; at most once a minute per process), which
    analyses the tables it read."""
    from django.db.utils import ConnectionHandler

    from ptdv.core.sqlite import base

    monkeypatch.setattr(base, "_last_optimized", float("-inf"))

    with django_db_blocker.unblock():  # a database of its own, not the tests'
        name = str(tmp_path / "planner.sqlite3")
        handler = ConnectionHandler({"default": {"ENGINE": "ptdv.core.sqlite", "NAME": name}})
        first = handler["default"]
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, path TEXT, open INTEGER)")
            cursor.execute("CREATE INDEX cases_path ON cases (path)")
            cursor.executemany("INSERT INTO cases (path, open) VALUES (%s, %s)",
                               [(f"{i % 50:04d}", 1) for i in range(500)])  # fmt: skip
            cursor.execute(
                "SELECT count(*) FROM cases WHERE path >= %s AND path < %s", ["0001", "0002"]
            )
            assert cursor.fetchone()[0] == 10
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone()[0] == 0
        first.close()
        again = ConnectionHandler({"default": {"ENGINE": "ptdv.core.sqlite", "NAME": name}})[
            "default"
        ]
        with again.cursor() as cursor:
            cursor.execute("SELECT tbl, idx, stat FROM sqlite_stat1")
            assert ("cases", "cases_path", "500 10") in cursor.fetchall()
            # Within the minute, another close leaves a new table unanalysed; after it, not.
            cursor.execute("CREATE TABLE pool (id INTEGER PRIMARY KEY, path TEXT)")
            cursor.execute("CREATE INDEX pool_path ON pool (path)")
            cursor.executemany("INSERT INTO pool (path) VALUES (%s)", [("0001",)] * 30)
            cursor.execute("SELECT count(*) FROM pool WHERE path = %s", ["0001"])
        again.close()

        def analysed() -> set[str]:
            third = ConnectionHandler({"default": {"ENGINE": "ptdv.core.sqlite", "NAME": name}})
            with third["default"].cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pool WHERE path = %s", ["0001"])
                cursor.execute("SELECT tbl FROM sqlite_stat1")
                found = {row[0] for row in cursor.fetchall()}
            third["default"].close()
            return found

        assert "pool" not in analysed()
        monkeypatch.setattr(base, "_last_optimized", float("-inf"))
        analysed()
        assert "pool" in analysed()
