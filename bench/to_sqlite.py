"""Copy a country that a benchmark run loaded into a SQLite file, to time SQLite's reads at full
scale (issue 8: "on both databases").

SQLite loads on one core (its single writer): a tenth of the country took 1,102 s in stop 27,
so the whole of it would take three hours or more, beyond a working session. The reads do not
depend on how the rows came in, so the benchmark can load the country on PostgreSQL (both cores)
and copy it here: the same rows, ids and aggregates, in the schema `ptdv migrate` makes on
SQLite, with SQLite's own indexes and statistics. What this does not measure is a SQLite bulk
load of the whole country (stated beside the figures in docs/benchmarks.md).

    PTDV_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_nat \\
        .venv/bin/python -m bench.to_sqlite /path/to/nation.sqlite3
    PTDV_BENCH_DATABASE_URL=sqlite:////path/to/nation.sqlite3 BENCH_REUSE=1 BENCH_SCALE=1 \\
        .venv/bin/python -m bench.national

The copy: a fresh file migrated by a `ptdv migrate` of its own (the same migrations, so the same
tables), emptied of what the migrations loaded (the reference lists come over with their ids),
its secondary indexes dropped, every table's rows read through Django's connection (a
server-side cursor on PostgreSQL) and inserted in batches, the indexes built again, `ANALYZE`.
Values are written as Django's SQLite backend writes them (dates and times as ISO text in UTC,
decimals as text, JSON as text, UUIDs as 32 hex digits, durations as microseconds).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

BATCH = 20_000


def migrate(target: Path) -> None:
    """Create the SQLite file with the project's schema (a `migrate` in a process of its own,
    whose only database is the file)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{target}"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "ptdv.settings")
    env.setdefault("PTDV_VAR_DIR", tempfile.mkdtemp(prefix="ptdv-copy-"))
    subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env,
                   check=True)  # fmt: skip


def _sqlite_value(value: Any) -> Any:
    """Return a value read from the source as Django's SQLite backend stores it."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(" ")
    if isinstance(value, date | clock):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return value.hex
    if isinstance(value, timedelta):
        return value // timedelta(microseconds=1)
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _converter(sample: Sequence[Any]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """Return what converts a row, from a first row: the columns whose values need converting
    (a column that is NULL there is converted value by value, as any may need it)."""
    plain = (int, float, str, bool, bytes)
    needs = [i for i, v in enumerate(sample) if v is None or not isinstance(v, plain)]
    if not needs:
        return tuple
    converted = set(needs)

    def convert(row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(_sqlite_value(v) if i in converted else v for i, v in enumerate(row))

    return convert


def _rows(table: str, columns: list[str], batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """Yield the table's rows in batches, read through Django's connection (on PostgreSQL a
    server-side cursor: a table of 12 M rows is never held whole)."""
    from django.db import connection

    select = f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {table}"
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        cursor = connection.connection.cursor(name=f"copy_{table}")
        cursor.itersize = batch
    else:
        cursor = connection.cursor()
    try:
        cursor.execute(select)
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


def copy_into(
    target: Path, *, batch: int = BATCH, say: Callable[[str], None] = print
) -> dict[str, int]:
    """Copy every table of Django's database into the migrated SQLite file `target`; return the
    rows copied per table. Read inside one transaction (one snapshot of the source)."""
    from django.db import transaction

    lite = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF",
                   "cache_size = -1000000", "temp_store = MEMORY"):  # fmt: skip
        lite.execute(f"PRAGMA {pragma}")
    tables = [name for (name,) in lite.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name <> 'django_migrations' ORDER BY name")]  # fmt: skip
    indexes = lite.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        lite.execute(f'DROP INDEX "{name}"')
    copied: dict[str, int] = {}
    with transaction.atomic():
        for table in tables:
            t0 = time.perf_counter()
            columns = [row[1] for row in lite.execute(f'PRAGMA table_info("{table}")')]
            marks = ", ".join("?" * len(columns))
            names = ", ".join(f'"{c}"' for c in columns)
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
            lite.execute("BEGIN")
            lite.execute(f'DELETE FROM "{table}"')
            n = 0
            convert: Callable[[Sequence[Any]], tuple[Any, ...]] | None = None
            for rows in _rows(table, columns, batch):
                convert = convert or _converter(rows[0])
                lite.executemany(insert, [convert(row) for row in rows])
                n += len(rows)
            lite.execute("COMMIT")
            copied[table] = n
            if n >= 100_000:
                say(f"  {table}: {n:,} rows in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    for _name, sql in indexes:
        lite.execute(sql)
    say(f"  {len(indexes)} indexes in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    lite.execute("ANALYZE")
    say(f"  ANALYZE in {time.perf_counter() - t0:.1f} s")
    lite.close()
    return copied


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    target = Path(sys.argv[1]).resolve()
    url = os.environ.get("PTDV_BENCH_DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("PTDV_BENCH_DATABASE_URL must name the PostgreSQL database to copy")
        return 2
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptdv.settings")
    os.environ.setdefault("PTDV_VAR_DIR", tempfile.mkdtemp(prefix="ptdv-copy-"))
    t0 = time.perf_counter()
    migrate(target)
    print(f"schema: {time.perf_counter() - t0:.1f} s")
    import django

    django.setup()
    t0 = time.perf_counter()
    copied = copy_into(target)
    size = target.stat().st_size / 2**30
    print(f"copied {sum(copied.values()):,} rows of {len(copied)} tables into {target} in "
          f"{time.perf_counter() - t0:.1f} s ({size:.1f} GiB)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
