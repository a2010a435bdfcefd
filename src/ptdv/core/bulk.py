"""Writing many rows at once: PostgreSQL's COPY, or bulk_create elsewhere.

Django's `bulk_create` builds a model instance per row and prepares every field of it, which
costs more than the database's own work at a million rows (the national benchmark's load spent
two thirds of its time there). `copy_rows` takes plain tuples for the columns the caller knows;
every other column gets its model default, prepared once for the batch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


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
    if connection.vendor != "postgresql":
        objs = model._default_manager.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows),
            batch_size=batch_size,
        )
        return [o.pk for o in objs] if with_ids else []
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
