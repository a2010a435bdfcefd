"""Writing many rows at once: PostgreSQL's COPY, SQLite's executemany.

Django's `bulk_create` builds a model instance per row and prepares every field of it, which
costs more than the database's own work at a million rows (the national benchmark's load spent
two thirds of its time there). `copy_rows` takes plain tuples for the columns the caller knows;
every other column gets its model default, prepared once for the batch. On SQLite the values
are bound as they are, except the columns whose Python values the database does not store as
they are (dates, times, decimals, JSON …), prepared by their field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

# The fields whose values SQLite binds as they are (ints, text, bools, keys): no preparing.
_AS_THEY_ARE = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "PositiveBigIntegerField", "CharField", "TextField", "SlugField", "EmailField",
    "BooleanField", "ForeignKey", "OneToOneField",
})  # fmt: skip


def _defaults(model: type[models.Model], given: Sequence[str]) -> tuple[list[str], list[Any]]:
    """The other concrete columns (not the key) with the value bulk_create would give them."""
    now = timezone.now()
    names, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        value = now if auto else f.get_default()
        names.append(f.column)
        values.append(f.get_db_prep_save(value, connection))
    return names, values


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    with_ids: bool = False,
    batch_size: int = 5000,
) -> list[int]:
    """Insert the rows of values for `columns` (attribute names, e.g. "cell_id"); the other
    columns take their defaults. With `with_ids`, return the new primary keys in row order
    (reserved from the table's sequence first on PostgreSQL). Runs in the caller's transaction;
    no signals, no `save()`, as bulk_create."""
    if not rows:
        return []
    if connection.vendor == "sqlite":
        return _insert_rows(model, columns, rows, with_ids=with_ids, batch_size=batch_size)
    meta = model._meta
    fields = {f.attname: f for f in meta.concrete_fields}
    names, constants = _defaults(model, columns)
    given = [fields[c].column for c in columns]
    ids: list[int] = []
    with connection.cursor() as cursor:
        if with_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            given.insert(0, meta.pk.column)
        quoted = ", ".join(connection.ops.quote_name(c) for c in [*given, *names])
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({quoted}) FROM STDIN"
        tail = tuple(constants)
        # Each value as it is: the choices (TextChoices, StrEnum …) are str or int, which
        # psycopg dumps as their value.
        with cursor.cursor.copy(sql) as copy:
            if with_ids:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row, *tail))
            else:
                for row in rows:
                    copy.write_row((*row, *tail))
    return ids


def _preparer(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """Return how to turn the field's Python value into what SQLite stores (None: as it is)."""
    if field.get_internal_type() in _AS_THEY_ARE:
        return None

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare


def _insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    with_ids: bool,
    batch_size: int,
) -> list[int]:
    """SQLite: one INSERT run for every row (executemany); the new keys, when wanted, taken
    after the table's highest (its AUTOINCREMENT sequence included) in the write transaction
    (settings: IMMEDIATE), so no other writer takes them in between."""
    meta = model._meta
    fields = {f.attname: f for f in meta.concrete_fields}
    names, constants = _defaults(model, columns)
    given = [fields[c].column for c in columns]
    prepare = [(i, f) for i, c in enumerate(columns) if (f := _preparer(fields[c])) is not None]
    tail = tuple(constants)
    table = connection.ops.quote_name(meta.db_table)
    ids: list[int] = []
    with transaction.atomic(), connection.cursor() as cursor:
        if with_ids:
            pk = connection.ops.quote_name(meta.pk.column)
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT MAX({pk}) FROM {table}), 0), "
                "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [meta.db_table],
            )
            first = int(cursor.fetchone()[0]) + 1
            ids = list(range(first, first + len(rows)))
            given.insert(0, meta.pk.column)
        quoted = ", ".join(connection.ops.quote_name(c) for c in [*given, *names])
        marks = ", ".join(["%s"] * (len(given) + len(names)))
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
        for start in range(0, len(rows), batch_size):
            batch = []
            for n, row in enumerate(rows[start : start + batch_size], start):
                values = list(row)
                for i, prep in prepare:
                    values[i] = prep(values[i])
                batch.append((ids[n], *values, *tail) if with_ids else (*values, *tail))
            cursor.executemany(sql, batch)
    return ids


_ONE_ROW = re.compile(r"VALUES \((%s(?:, %s)*)\)")


def execute_rows(cursor: Any, sql: str, rows: Sequence[Sequence[Any]], *, most: int = 1000) -> None:
    """Run a one-row `INSERT … VALUES (%s, …) …` (an upsert too) for every row, with as many rows
    per statement as the database's limit on parameters allows (up to `most`): what
    `executemany` would do, in a statement per batch instead of one per row. The rows of one
    call must not share a conflict key (PostgreSQL refuses an upsert touching a row twice)."""
    if not rows:
        return
    found = _ONE_ROW.search(sql)
    if found is None:
        raise ValueError(f"not a one-row VALUES statement: {sql[:80]}")
    width = len(rows[0])
    limit = connection.features.max_query_params or width * most
    per = max(1, min(most, limit // width))
    group = f"({found.group(1)})"
    for i in range(0, len(rows), per):
        batch = rows[i : i + per]
        values = "VALUES " + ", ".join([group] * len(batch))
        cursor.execute(
            sql[: found.start()] + values + sql[found.end() :], [v for row in batch for v in row]
        )
