"""Django's SQLite backend, plus what SQLite asks of an application for its query planner: run
`PRAGMA optimize` before closing a connection (https://sqlite.org/lang_analyze.html). It
analyses the tables whose statistics are missing or out of date among those the connection
read, and is otherwise cheap.

Without statistics SQLite guesses: on the cases of a province it preferred the index of the
open cases by due day (every open case of the country) to the range of the province's own tree
path, and a province's board and funnel read every open case (at scale 0.02, 40 ms of the board
page's 68 ms of SQL; 4 ms with statistics). PostgreSQL's autovacuum keeps its own.

At most once a minute per process (`OPTIMIZE_EVERY`): the server's connections live ten minutes
(CONN_MAX_AGE), but a test run closes one after every request.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time

from django.db.backends.sqlite3 import base

OPTIMIZE_EVERY = 60.0  # seconds
_last_optimized = float("-inf")  # time.monotonic() of this process's last run


class DatabaseWrapper(base.DatabaseWrapper):
    def close(self) -> None:
        global _last_optimized
        now = time.monotonic()
        if (self.connection is not None and not self.closed_in_transaction
                and now - _last_optimized >= OPTIMIZE_EVERY):  # fmt: skip
            _last_optimized = now
            # The statistics are a help, never a condition: a connection closes whatever they do
            # (e.g. a database another writer holds locked).
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute("PRAGMA optimize")
        super().close()
