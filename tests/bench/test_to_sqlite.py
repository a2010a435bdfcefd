"""The copy of a loaded country into a SQLite file (bench/to_sqlite.py), which lets the benchmark
time SQLite's reads at full scale: every row of every model reads back through Django's SQLite
backend as it reads from the database copied (dates, times, decimals, JSON, bytes alike), and
the copy's aggregates answer what the source's answer. Runs on both databases (the source is the
test database)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connections
from django.db.utils import load_backend

from bench import national, to_sqlite

COPY = "copy"


@pytest.fixture
def copied(tmp_path: Path) -> Iterator[Path]:
    """The tiny country generated in the test database and copied into a SQLite file, opened
    as the database alias `copy`."""
    national.generate(national.Sizes(provinces=2, districts=2, grassroots=3, cells=6,
                                     members=120, cases=12), seed=5)  # fmt: skip
    target = tmp_path / "copy.sqlite3"
    to_sqlite.migrate(target)
    to_sqlite.copy_into(target, batch=50, say=lambda _line: None)
    # Opened as Django opens a database, under an alias of this test alone (not in the
    # settings: a connection made here, which the test's isolation leaves alone).
    settings_dict = {**connections["default"].settings_dict, "ENGINE": "ptdv.core.sqlite",
                     "NAME": str(target), "OPTIONS": {}}  # fmt: skip
    wrapper = load_backend("ptdv.core.sqlite").DatabaseWrapper(settings_dict, COPY)
    setattr(connections._connections, COPY, wrapper)
    try:
        yield target
    finally:
        wrapper.close()
        delattr(connections._connections, COPY)


@pytest.mark.django_db
def test_every_row_of_every_model_reads_back_alike(copied: Path) -> None:
    compared = 0
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        source = list(model._base_manager.order_by("pk").values_list())
        copy = list(model._base_manager.using(COPY).order_by("pk").values_list())
        assert copy == source, model._meta.label
        compared += len(source)
    assert compared > 1_000
