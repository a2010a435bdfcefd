"""National-scale benchmark (issue 8 item 6): a synthetic country, its member figures read from the
monthly aggregates (D39) against DuckDB scanning a Parquet export of the raw periods, measured in
the same run.

    BENCH_SCALE=0.001 .venv/bin/python -m bench.national      # what `make bench` runs (CI)
    BENCH_SCALE=1 make bench                                   # the full country, by hand
    PTDV_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_nat ...   # on PostgreSQL
    PTDV_BENCH_DATABASE_URL=sqlite:////var/tmp/bench.sqlite3 ...   # SQLite, the file kept

Scale 1.0 is the country of DESIGN.md: 5.6 M members, 60 k grassroots organisations, 300 k cells,
1.2 M cases, 15 years of events, under 63 provinces. The tree (nation → provinces → districts →
grassroots → cells) and its spans are bulk-inserted the way orgs.services would write them; people
are copied in (core.bulk.copy_rows: COPY on PostgreSQL); memberships, events and periods go
through the registry's own bulk entry (members.services.bulk.bulk_enter, the services' replay),
and the aggregates are written once, set-based (write_aggregates), equal to the services' own;
the run checks them against a full recomputation (`ptdv stats rebuild --check`) while the data is
small enough (BENCH_CHECK_MEMBERS, 20,000 members by default). Cases are bare Case rows at every
open stage with their cached due dates; their steps are not written (the board reads cases only).
On PostgreSQL the load uses every core (D56): the members and the cases are entered a chunk at a
time by one process per core (`in_processes`), the aggregates' parts and the indexes are written
side by side on one connection per core (`side_by_side`).
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 21)
DAY = date(2025, 12, 31)  # the month end the figures are read on (a year's table)
FIRST = date(2011, 1, 1)  # 15 years of events before TODAY


@dataclass(frozen=True)
class Sizes:
    provinces: int
    districts: int
    grassroots: int
    cells: int
    members: int
    cases: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        """Return the sizes at a scale factor (1.0: the whole country)."""
        provinces = 63
        districts = max(provinces, round(700 * scale))
        grassroots = max(districts, round(60_000 * scale))
        return cls(
            provinces=provinces,
            districts=districts,
            grassroots=grassroots,
            cells=max(grassroots, round(300_000 * scale)),
            members=max(1, round(5_600_000 * scale)),
            cases=round(1_200_000 * scale),
        )


@dataclass
class Country:
    nation: Any
    provinces: list[int]
    cells: list[int]
    members: int = 0
    events: int = 0
    cases: int = 0


# --- the tree ---------------------------------------------------------------------------------


def build_tree(sizes: Sizes) -> Country:
    """Bulk-insert the tree with treebeard's paths, and one open span per unit (as create_org):
    copied in level by level (core.bulk.copy_rows), each unit's count of children known before
    it is written."""
    from ptdv.core.bulk import copy_rows
    from ptdv.orgs.models import Org, OrgKind, OrgSpan, span_segment

    since = date(2000, 1, 1)
    levels: list[tuple[str, str, int]] = [  # (kind, name, how many at this level)
        (OrgKind.PROVINCE, "Tỉnh ủy", sizes.provinces),
        (OrgKind.DISTRICT, "Huyện ủy", sizes.districts),
        (OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ", sizes.grassroots),
        (OrgKind.CELL, "Chi bộ", sizes.cells),
    ]
    nation = Org(name="Ban Chấp hành Trung ương (bench)", code="VN", kind=OrgKind.CENTRAL,
                 path=Org._get_path(None, 1, 1), depth=1, numchild=sizes.provinces,
                 valid_from=since)  # fmt: skip
    nation.save()
    # (id, path, depth, name, code, span path) of each unit of the level above.
    parents = [(nation.pk, nation.path, 1, nation.name, nation.code, span_segment(nation.pk))]
    spans = [(nation.pk, None, parents[0][5], 1, nation.name, nation.kind, since)]
    level_ids: list[list[int]] = []
    for level, (kind, label, count) in enumerate(levels):
        below = levels[level + 1][2] if level + 1 < len(levels) else 0
        rows, made = [], []
        for (parent_id, path, depth, name, code, span_path), n in zip(
            parents, _spread(count, len(parents)), strict=True
        ):
            for k in range(n):
                child_code, child_path = f"{code}-{k + 1}", Org._get_path(path, depth + 1, k + 1)
                made.append((parent_id, child_path, depth + 1, f"{label} {child_code}",
                             child_code, span_path, name))  # fmt: skip
        # Children spread evenly: the i-th unit of a level gets the i-th share of the next.
        for made_row, children in zip(made, _spread(below, len(made)), strict=True):
            _parent, child_path, child_depth, child_name, child_code, _span, parent_name = made_row
            rows.append((child_name, child_code, kind, since, child_path, child_depth, children,
                         parent_name))  # fmt: skip
        ids = copy_rows(Org, ORG_COLUMNS, rows, with_ids=True, batch_size=5000)
        next_parents = []
        for pk, (parent_id, child_path, child_depth, child_name, child_code, span_path, _p) in zip(
            ids, made, strict=True
        ):
            own_span = span_path + span_segment(pk)
            spans.append((pk, parent_id, own_span, child_depth, child_name, kind, since))
            next_parents.append((pk, child_path, child_depth, child_name, child_code, own_span))
        level_ids.append(ids)
        parents = next_parents
    copy_rows(OrgSpan, SPAN_COLUMNS, spans, batch_size=5000)
    return Country(nation=nation, provinces=level_ids[0], cells=level_ids[-1])


def _spread(count: int, among: int) -> list[int]:
    """Return how many of `count` units each of `among` parents gets, spread evenly."""
    return [count // among + (i < count % among) for i in range(among)] if among else []


ORG_COLUMNS = ("name", "code", "kind", "valid_from", "path", "depth", "numchild", "parent_name")
SPAN_COLUMNS = ("org_id", "parent_id", "path", "depth", "name", "kind", "valid_from")


# --- people and members -----------------------------------------------------------------------

FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLES = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thu", "Thanh", "Quốc", "Xuân"]
GIVENS = ["An", "Anh", "Bình", "Chi", "Dũng", "Dung", "Duy", "Đức", "Giang", "Hà", "Hải", "Hạnh",
          "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam",
          "Nga", "Ngọc", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang",
          "Trung", "Tuấn", "Vân", "Việt", "Yến"]  # fmt: skip


class PeopleMaker:
    """Random people with every attribute the aggregates split by."""

    # Full name, folded name and sort key per (family, middle, given) name: a few thousand,
    # computed once per process.
    names: dict[tuple[str, str, str], tuple[str, str, str]] = {}

    def __init__(self, rng: random.Random) -> None:
        from ptdv.people import models as people

        self.rng = rng
        self.kinh = people.EthnicGroup.objects.get(code="01").pk
        self.minorities = list(
            people.EthnicGroup.objects.exclude(code="01").values_list("pk", flat=True)
        )
        self.lists = {
            name: list(model.objects.values_list("pk", flat=True))
            for name, model in (("religion", people.Religion),
                                ("education", people.EducationLevel),
                                ("qualification", people.Qualification),
                                ("theory_level", people.TheoryLevel),
                                ("occupation", people.Occupation))
        }  # fmt: skip

    def _pick(self, name: str, none_share: float) -> int | None:
        if not self.lists[name] or self.rng.random() < none_share:
            return None
        return self.rng.choice(self.lists[name])

    def _names(self, fam: str, mid: str, giv: str) -> tuple[str, str, str]:
        """Full name, folded name and sort key (a few thousand combinations, computed once)."""
        from ptdv.core.text import fold, name_sort_key

        key = (fam, mid, giv)
        if key not in self.names:
            full = f"{fam} {mid} {giv}"
            self.names[key] = (full, fold(full), name_sort_key(fam, mid, giv))
        return self.names[key]

    def make(self, cell_ids: list[int], *, young: bool) -> list[tuple[Any, ...]]:
        """Return one row of PERSON_COLUMNS per cell id given."""
        rng, result = self.rng, []
        for cell in cell_ids:
            fam, mid, giv = rng.choice(FAMILIES), rng.choice(MIDDLES), rng.choice(GIVENS)
            full, folded, sort_key = self._names(fam, mid, giv)
            born = date(1990 if young else 1945, 1, 1) + timedelta(
                days=rng.randrange((15 if young else 45) * 365)
            )
            minority = bool(self.minorities) and rng.random() < 0.12
            result.append(
                (cell, fam, mid, giv, full, folded, sort_key,
                 "F" if rng.random() < 0.38 else "M", born,
                 rng.choice(self.minorities) if minority else self.kinh,
                 self._pick("religion", 0.9), self._pick("education", 0.05),
                 self._pick("qualification", 0.2), self._pick("theory_level", 0.3),
                 self._pick("occupation", 0.1), rng.random() < 0.25, rng.random() < 0.45)
            )  # fmt: skip
        return result


def insert_people(rows: list[Any]) -> list[int]:
    """Copy in people (rows of PERSON_COLUMNS, as PeopleMaker.make gives them); return their
    ids in order."""
    from ptdv.core.bulk import copy_rows
    from ptdv.people.models import Person

    return copy_rows(Person, PERSON_COLUMNS, rows, with_ids=True, batch_size=5000)


PERSON_COLUMNS = (
    "org_id", "family_name", "middle_name", "given_name", "full_name", "name_folded", "sort_key",
    "sex", "birth_date", "ethnic_group_id", "religion_id", "education_id", "qualification_id",
    "theory_level_id", "occupation_id", "youth_union_member", "trade_union_member",
)  # fmt: skip


def story(rng: random.Random, cell: int, cells: list[int]) -> list[Any]:
    """Return one member's events over the 15 years (as bench/asof.py, transfers anywhere)."""
    from ptdv.members.rules.dates import official_date
    from ptdv.members.services.bulk import EventSpec

    joined = FIRST + timedelta(days=rng.randrange((TODAY - FIRST).days))
    events = [EventSpec("admitted", joined, cell)]
    official = official_date(joined)
    if official <= TODAY:
        events.append(EventSpec("recognised", official, cell))
    day = max(official, joined) + timedelta(days=rng.randrange(30, 1500))
    draw = rng.random()
    if day >= TODAY:
        return events
    if draw < 0.10:
        target = rng.choice(cells)
        arrive = day + timedelta(days=rng.randrange(5, 40))
        if target != cell and arrive < TODAY:
            events += [EventSpec("transfer_out", day, cell, other_cell_id=target),
                       EventSpec("transfer_in", arrive, target)]  # fmt: skip
    elif draw < 0.15:
        events.append(EventSpec("exempt_start", day, cell))
    elif draw < 0.17:
        back = day + timedelta(days=rng.randrange(90, 360))
        host = rng.choice(cells)
        if back < TODAY and host != cell:
            events += [EventSpec("temp_out", day, cell, other_cell_id=host),
                       EventSpec("temp_back", back, cell)]  # fmt: skip
    elif draw < 0.20 and official <= day:
        events.append(EventSpec("died", day, cell))
    return events


def chunk_data(country: Country, seed: int, index: int, n: int) -> list[tuple[Any, list[Any]]]:
    """Return chunk `index` of the members: `n` people (rows of PERSON_COLUMNS) with the events
    of each one's membership. Its randomness is its own (seeded by the run's seed and the
    chunk's index), so the data is the same whichever process loads which chunk."""
    rng = random.Random(f"{seed}-members-{index}")
    rows = PeopleMaker(rng).make([rng.choice(country.cells) for _ in range(n)], young=False)
    return [(row, story(rng, row[0], country.cells)) for row in rows]


def _member_chunk(
    country: Country, seed: int, index: int, n: int, *, aggregates: bool
) -> tuple[int, int]:
    """Insert chunk `index` of the members (`chunk_data`) with their histories; return
    (members, events)."""
    from ptdv.members.services.bulk import HistorySpec, bulk_enter

    data = chunk_data(country, seed, index, n)
    ids = insert_people([row for row, _e in data])
    histories = [
        HistorySpec(person_id=pk, sort_key=row[6], decision_on=events[0].on - timedelta(days=21),
                    events=events)
        for pk, (row, events) in zip(ids, data, strict=True)
    ]  # fmt: skip
    bulk_enter(histories, actor=None, today=TODAY, batch_size=5000, aggregates=aggregates)
    return n, sum(len(events) for _row, events in data)


# The task that the forked processes of `in_processes` run (copied by the fork, not pickled).
_FORKED: dict[str, Any] = {}


def _forked(item: Any) -> Any:
    return _FORKED["task"](item)


def in_processes(task: Callable[[Any], Any], items: list[Any], workers: int) -> list[Any]:
    """Return [task(item) for item in items], with `workers` above one in that many forked
    processes: the parent's connections are closed first, each process opens its own, and each
    task writes in its own transactions (so never inside a test's: see load_workers)."""
    if workers <= 1 or len(items) <= 1:
        return [task(item) for item in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    connections.close_all()
    _FORKED["task"] = task
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return list(pool.map(_forked, items))
    finally:
        _FORKED.clear()


def chunks(total: int, chunk: int) -> list[tuple[int, int]]:
    """Return (index, how many) of each chunk of `total` members (or cases)."""
    return [(i, min(chunk, total - start))
            for i, start in enumerate(range(0, total, chunk))]  # fmt: skip


def load_workers() -> int:
    """Return how many processes enter the members (BENCH_LOAD_WORKERS; default: one per core
    on PostgreSQL, whose COPYs from several connections run side by side; one on SQLite, which
    has a single writer; one inside a transaction)."""
    if not _beside_possible():
        return 1
    default = os.cpu_count() or 1
    return max(1, int(os.environ.get("BENCH_LOAD_WORKERS", default)))


def build_members(
    country: Country,
    sizes: Sizes,
    seed: int,
    *,
    aggregates: bool,
    chunk: int = 10_000,
    workers: int = 1,
) -> None:
    """Insert the members' people, then enter their histories through bulk_enter (memberships,
    events, periods, and the aggregates when `aggregates`), a chunk at a time, in `workers`
    processes (`in_processes`)."""
    done = in_processes(
        lambda item: _member_chunk(country, seed, *item, aggregates=aggregates),
        chunks(sizes.members, chunk),
        workers,
    )
    country.members += sum(n for n, _e in done)
    country.events += sum(e for _n, e in done)


CASE_COLUMNS = ("person_id", "cell_id", "cell_path", "source", "opened_on", "stage",
                "stage_since", "next_due_on", "next_due_rule")  # fmt: skip


def build_cases(country: Country, sizes: Sizes, seed: int, *, chunk: int = 20_000,
                workers: int = 1) -> None:  # fmt: skip
    """Insert open cases spread over the stages, with their people (steps not written), a chunk
    at a time in `workers` processes (`in_processes`), each chunk seeded by its index."""
    from ptdv.orgs.models import Org

    # Each case carries its cell's path (D48), as the services copy it.
    paths = dict(Org.objects.filter(pk__in=country.cells).values_list("pk", "path"))
    country.cases += sum(
        in_processes(
            lambda item: _case_chunk(country, paths, seed, *item),
            chunks(sizes.cases, chunk),
            workers,
        )
    )
    # The counts per unit and stage (D50), as the services keep them, in one pass.
    from ptdv.pipeline import stagecounts

    stagecounts.rebuild()


def case_data(
    country: Country, paths: dict[int, str], seed: int, index: int, n: int
) -> list[tuple[Any, list[Any]]]:
    """Return chunk `index` of the cases: `n` people (rows of PERSON_COLUMNS), each with the
    values of CASE_COLUMNS but the person. Seeded by the run's seed and the chunk's index."""
    from ptdv.pipeline.models import Source, Stage

    rng = random.Random(f"{seed}-cases-{index}")
    stages = [s.value for s in Stage if s not in (Stage.EXITED, Stage.PROBATION)]
    sources = [s.value for s in Source]
    rows = PeopleMaker(rng).make([rng.choice(country.cells) for _ in range(n)], young=True)
    result = []
    for row in rows:
        cell_id, opened = row[0], TODAY - timedelta(days=rng.randrange(30, 730))
        case = [cell_id, paths[cell_id], rng.choice(sources), opened, rng.choice(stages),
                opened + timedelta(days=rng.randrange((TODAY - opened).days)),
                TODAY + timedelta(days=rng.randrange(-200, 200)), "DECIDE-60WD"]  # fmt: skip
        result.append((row, case))
    return result


def _case_chunk(country: Country, paths: dict[int, str], seed: int, index: int, n: int) -> int:
    """Insert chunk `index` of the cases (`case_data`) with their people; return how many."""
    from ptdv.core.bulk import copy_rows
    from ptdv.pipeline.models import Case

    data = case_data(country, paths, seed, index, n)
    ids = insert_people([row for row, _c in data])
    copy_rows(Case, CASE_COLUMNS, [(pk, *case) for pk, (_row, case) in zip(ids, data, strict=True)],
              batch_size=5000)  # fmt: skip
    return n


def generate(
    sizes: Sizes,
    *,
    seed: int = 2025,
    fast: bool = True,
    member_chunk: int = 10_000,
    case_chunk: int = 20_000,
) -> tuple[Country, dict[str, float]]:
    """Build the whole dataset in the current database; return it and the seconds per step.
    `fast`: the aggregates are written once at the end, set-based (write_aggregates), instead of
    by bulk_enter batch after batch (the services' way). On PostgreSQL the load runs as a
    restore does (`bulk_loading`): the secondary indexes and the foreign keys of the tables it
    fills are dropped first and built again at the end."""
    from django.db import connection, transaction

    from ptdv.members.services import stats

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    with transaction.atomic():
        country = build_tree(sizes)
    seconds["tree"] = time.perf_counter() - t0
    with bulk_loading(LOADED_TABLES + (STAT_TABLES if fast else [])) as timing:
        t0 = time.perf_counter()
        build_members(country, sizes, seed, aggregates=not fast, chunk=member_chunk,
                      workers=load_workers())  # fmt: skip
        seconds["members"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        if fast:
            write_aggregates()
        seconds["aggregates"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        build_cases(country, sizes, seed, chunk=case_chunk, workers=load_workers())
        seconds["cases"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        if fast:
            pack_rows(stats.default_fold(TODAY))
        seconds["pack"] = time.perf_counter() - t0
    seconds["indexes"] = timing["restore"]
    # The monthly `ptdv stats fold` of a deployment (D46): the base through December of the
    # year before TODAY's, so the figures of DAY (31/12/2025) are read from the base alone; the
    # rows packed (D57).
    t0 = time.perf_counter()
    stats.fold(stats.default_fold(TODAY))
    seconds["fold"] = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load (PostgreSQL 13+ vacuums a table after enough
        # inserts): the statistics for the planner, and the visibility map without which an
        # index-only scan (the idle cells' probes) still visits the table for every row.
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            # (Inside a test's transaction, where VACUUM cannot run: the statistics alone.)
            if not connection.in_atomic_block:
                # The fold moved most of the aggregate rows into packs (D57): their tables are
                # rewritten without the space the moved rows held.
                cursor.execute(f"VACUUM (FULL) {', '.join(ROW_TABLES)}")
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        seconds["vacuum"] = time.perf_counter() - t0
    else:
        # What the first connection to close after the load does on SQLite (`PRAGMA optimize`,
        # ptdv.core.sqlite): the planner's statistics of the tables it read — here all of them.
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds["vacuum"] = time.perf_counter() - t0
    return country, seconds


# Filled by the load: their secondary indexes and foreign keys wait until it ends (PostgreSQL).
LOADED_TABLES = ["people_person", "members_membership", "members_memberevent",
                 "members_memberperiod", "pipeline_case"]  # fmt: skip
# Filled set-based when the load is fast (bulk_enter's own upserts need their unique keys).
STAT_TABLES = ["members_memberstat", "members_memberstatyear", "members_admissionstat"]
# The tables of aggregate rows a fold moves into packs, and the base it rewrites.
ROW_TABLES = [*STAT_TABLES, "members_admissionstatyear", "members_memberstatbase"]


@contextmanager
def bulk_loading(tables: list[str]) -> Iterator[dict[str, float]]:
    """On PostgreSQL, load as pg_restore does: drop the foreign keys, the unique constraints
    and the other secondary indexes of the tables (their primary keys stay), then build them
    again from their own definitions (which checks every key and every unique index against the
    loaded rows), with the session's memory for sorts raised. Yields a dict that gets the
    rebuild's seconds."""
    from django.db import connection

    timing = {"restore": 0.0}
    if connection.vendor != "postgresql":
        yield timing
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype IN ('f', 'u')"
            " AND conrelid::regclass::text = ANY(%s) ORDER BY contype",  # the foreign keys first
            [tables],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid::regclass::text = ANY(%s) AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield timing
    finally:
        t0 = time.perf_counter()
        # Each table's indexes and unique keys, a table per connection side by side (as
        # `pg_restore --jobs` does), largest tables first; then the foreign keys, one after the
        # other (each locks two tables: side by side, two of them can deadlock).
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, pg_relation_size(oid) FROM pg_class WHERE "
                           "relname = ANY(%s)", [tables])  # fmt: skip
            size = dict(cursor.fetchall())
        by_table: dict[str, list[str]] = {}
        for table, definition in [
            *((_table_of(d), d) for _n, d in indexes),
            *(
                (t, f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}')
                for t, n, d in keys
                if not d.startswith("FOREIGN KEY")
            ),
        ]:
            by_table.setdefault(table, []).append(definition)  # fmt: skip
        side_by_side([
            lambda statements=statements: _execute_all(
                ["SET LOCAL maintenance_work_mem = '1GB'", *statements])
            for _t, statements in sorted(by_table.items(), key=lambda kv: -size.get(kv[0], 0))
        ])  # fmt: skip
        _execute_all([f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}'
                      for t, n, d in keys if d.startswith("FOREIGN KEY")])  # fmt: skip
        timing["restore"] = time.perf_counter() - t0


def _beside_possible() -> bool:
    """Return whether other connections may write beside this one: on PostgreSQL (SQLite has a
    single writer), outside a transaction (a test's, which other connections cannot see)."""
    from django.db import connection

    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _table_of(index_definition: str) -> str:
    """Return the table of a `CREATE INDEX … ON [ONLY] schema.table USING …` definition."""
    target = index_definition.split(" ON ", 1)[1].removeprefix("ONLY ").split(" ", 1)[0]
    return target.removeprefix("public.")


def _execute_all(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def side_by_side(tasks: list[Callable[[], None]]) -> None:
    """Run the tasks, each in a transaction: on PostgreSQL outside a transaction, on one
    connection per core side by side (threads: the work is the server's), in the order given
    as connections come free; otherwise one after the other on this connection, in one
    transaction (a test's, which other connections could not see)."""
    from django.db import transaction

    if not _beside_possible():
        with transaction.atomic():
            for task in tasks:
                task()
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        for done in [pool.submit(_on_own_connection, task) for task in tasks]:
            done.result()


def _on_own_connection(task: Callable[[], None]) -> None:
    """Run one task of side_by_side in a thread: its own connection, its own transaction."""
    from django.db import connection, transaction

    try:
        with transaction.atomic():
            task()
    finally:
        connection.close()


# --- the fast bulk path: aggregates written once, set-based -----------------------------------


def _flag(expr: str) -> str:
    return f"CASE WHEN {expr} THEN '1' ELSE '0' END"


def _person_dims(birth: str) -> list[tuple[str, str, str]]:
    """Return (dimension, value expression, source) for every dimension of a person x in
    members.rules.stats.dims_of, the month of birth given as an expression; the age, an
    admission's, stands beside them with an empty value (the admissions' writer fills it)."""
    people = "people_person x JOIN people_ethnicgroup e ON e.id = x.ethnic_group_id"
    lists = {"religion": ("people_religion", "religion_id"),
             "education": ("people_educationlevel", "education_id"),
             "qualification": ("people_qualification", "qualification_id"),
             "theory": ("people_theorylevel", "theory_level_id"),
             "occupation": ("people_occupation", "occupation_id")}  # fmt: skip
    dims = [("''", "''", people), ("'sex'", "x.sex", people), ("'birth'", birth, people),
            ("'byear'", f"substr({birth}, 1, 4)", people),
            ("'bmonth'", f"substr({birth}, 6, 2)", people),
            ("'age'", "''", people), ("'ethnic'", "e.code", people),
            ("'minority'", _flag("e.is_minority"), people),
            ("'religious'", _flag("x.religion_id IS NOT NULL"), people),
            ("'youth'", _flag("x.youth_union_member"), people),
            ("'trade'", _flag("x.trade_union_member"), people)]  # fmt: skip
    for dim, (table, column) in lists.items():
        dims.append((f"'{dim}'", "coalesce(r.code, '')",
                     f"{people} LEFT JOIN {table} r ON r.id = x.{column}"))  # fmt: skip
    return dims


def _dims_sql(dims: list[tuple[str, str, str]], where: str = "") -> str:
    return " UNION ALL ".join(
        f"SELECT x.id AS person_id, {d} AS dim, {v} AS value FROM {src}{where}"
        for d, v, src in dims
    )


@dataclass(frozen=True)
class StockPart:
    """Some of the stock rows: those of the dimensions, of the people born from `born_from`
    (a "YYYY-MM" month, inclusive) to `born_to` (exclusive); "" leaves that end open."""

    dims: tuple[str, ...]
    born_from: str = ""
    born_to: str = ""

    def _born(self, month: str) -> list[str]:
        """Return the tests that the month of birth (an expression, "YYYY-MM") is in the part."""
        tests = [f"{month} >= '{self.born_from}'"] if self.born_from else []
        return tests + ([f"{month} < '{self.born_to}'"] if self.born_to else [])

    def people_sql(self, birth: str) -> str:
        """Return the condition on the people (a WHERE clause, or "") given the expression of
        their month of birth."""
        tests = self._born(birth)
        return f" WHERE {' AND '.join(tests)}" if tests else ""

    def label(self) -> str:
        if self.born_from or self.born_to:
            return f"birth {self.born_from or '…'}–{self.born_to or '…'}"
        return "/".join(d or "all" for d in self.dims)

    def rows_sql(self) -> str:
        """Return the condition on the stock rows of the part (after WHERE)."""
        dims = f"dim IN ({', '.join(repr(d) for d in self.dims)})"
        return " AND ".join([dims, *self._born("value")])


def stock_parts() -> list[StockPart]:
    """Return the parts of the stock rows that write_aggregates computes side by side, the
    longest first: the month of birth (two thirds of the rows) in two halves by year of birth,
    then the other dimensions in two groups."""
    from ptdv.members.rules.stats import DIMENSIONS

    others = tuple(d for d in DIMENSIONS if d != "birth")
    return [
        StockPart(("birth",), born_to=BIRTH_SPLIT),
        StockPart(("birth",), born_from=BIRTH_SPLIT),
        StockPart(others[0::2]),
        StockPart(others[1::2]),
    ]


# The seconds of each part of the last write_aggregates.
PART_SECONDS: dict[str, float] = {}

# Where the month of birth is split (the members' births spread from 1945 to 1990).
BIRTH_SPLIT = "1968-01"


# The set-based rows are stored month by month (then unit, dimension, value), the order a live
# system writes them in as the months go by: a read of a few months then finds its rows together
# on disk, as it would in a deployment, not scattered by the order of a hash aggregate.
IN_WRITING_ORDER = "ORDER BY 2, 1, 3, 4"


def _aggregates_sql(vendor: str, max_depth: int, part: StockPart | None = None) -> str:
    """Return the INSERT … SELECT that computes every MemberStat row from the periods, spans and
    people, following members.rules.stats: a period counts under each span of its cell that it
    overlaps, +1 in the month of the later start and −1 in the month of the earlier end (the
    month after the last month end it covers), for every unit on the span path above the cell
    among the kept levels (the units below keep no rows) and every dimension of the person."""
    from ptdv.members.rules.stats import DIMENSIONS, MEASURES
    from ptdv.orgs.models import SPAN_STEP

    if vendor == "postgresql":
        month = "CAST(date_trunc('month', {}) AS date)"
        birth = "to_char(x.birth_date, 'YYYY-MM')"
    else:
        month = "date({}, 'start of month')"
        birth = "strftime('%Y-%m', x.birth_date)"
    start = "CASE WHEN p.valid_from > s.valid_from THEN p.valid_from ELSE s.valid_from END"
    stop = ("CASE WHEN p.valid_to IS NULL THEN s.valid_to WHEN s.valid_to IS NULL THEN p.valid_to "
            "WHEN p.valid_to < s.valid_to THEN p.valid_to ELSE s.valid_to END")  # fmt: skip

    dims = [(d, v, src) for d, v, src in _person_dims(birth) if d.strip("'") in DIMENSIONS]
    assert {d.strip("'") for d, _v, _s in dims} == set(DIMENSIONS)
    dim_sql = (
        _dims_sql(dims)
        if part is None
        else _dims_sql([t for t in dims if t[0].strip("'") in part.dims], part.people_sql(birth))
    )
    from ptdv.members.aggregates import kept_levels

    top = min(max_depth, kept_levels())
    levels = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, top + 1))
    flags = ("CASE WHEN p.standing = 'official' THEN 1 ELSE 0 END AS official, "
             "CASE WHEN p.standing = 'probationary' THEN 1 ELSE 0 END AS probationary, "
             "CASE WHEN p.exempted THEN 1 ELSE 0 END AS exempted, "
             "CASE WHEN p.temp_cell_id IS NOT NULL THEN 1 ELSE 0 END AS away")  # fmt: skip
    carried = "person_id, anc, official, probationary, exempted, away"
    sums = ", ".join(f"SUM(c.sign{'' if m == 'total' else ' * c.' + m}) AS {m}" for m in MEASURES)
    rolled = ", ".join(f"SUM(g.{m})" for m in MEASURES)
    # `anc`: the span path of the kept units above the cell (at most `top` of them). Grouped by
    # it first, then rolled up to each level: one pass over people × dimensions, not one a level.
    above = f"length(s.path) - {SPAN_STEP}"
    anc = (f"substr(s.path, 1, CASE WHEN {above} < {top * SPAN_STEP} THEN {above} "
           f"ELSE {top * SPAN_STEP} END)")  # fmt: skip
    seg = (f"(SELECT * FROM (SELECT p.person_id, {anc} AS anc, {flags}, "
           f"{month.format(start)} AS first, {month.format(stop)} AS after "
           f"FROM members_memberperiod p JOIN orgs_orgspan s ON s.org_id = p.cell_id) o "
           f"WHERE after IS NULL OR first < after) seg")  # fmt: skip
    unit = f"CAST(substr(g.anc, (l.k - 1) * {SPAN_STEP} + 1, {SPAN_STEP}) AS INTEGER)"
    return (
        f"WITH g AS MATERIALIZED (SELECT c.anc, c.month, d.dim, d.value, {sums} FROM ("
        f"SELECT {carried}, first AS month, 1 AS sign FROM {seg} "
        f"UNION ALL SELECT {carried}, after AS month, -1 AS sign FROM {seg} "
        f"WHERE after IS NOT NULL) c "
        f"JOIN ({dim_sql}) d ON d.person_id = c.person_id "
        f"GROUP BY c.anc, c.month, d.dim, d.value) "
        f"INSERT INTO members_memberstat (org_id, month, dim, value, {', '.join(MEASURES)}) "
        f"SELECT {unit}, g.month, g.dim, g.value, {rolled} FROM g "
        f"JOIN ({levels}) l ON length(g.anc) >= l.k * {SPAN_STEP} "
        f"GROUP BY {unit}, g.month, g.dim, g.value "
        f"HAVING {' OR '.join(f'{r} <> 0' for r in rolled.split(', '))} {IN_WRITING_ORDER}"
    )


def write_aggregates() -> int:
    """Replace every aggregate row and pack by the set-based computation (rows: the fold packs
    them), the cells' last admissions
    (D49) and the tree's counts (D52) by theirs; return how many monthly rows. On PostgreSQL
    outside a transaction, the parts (the stock rows of each group of dimensions, the admission
    rows: independent of each other) run side by side (`side_by_side`)."""
    from django.db import transaction
    from django.db.models import Max

    from ptdv.members.models import (
        AdmissionStat,
        AdmissionStatYear,
        MemberStat,
        MemberStatBase,
        MemberStatYear,
        StatPack,
    )
    from ptdv.orgs.models import OrgSpan

    depth = OrgSpan.objects.aggregate(d=Max("depth"))["d"] or 1
    stocks = [(part.label(), lambda part=part: _write_stock_rows(depth, part))
              for part in stock_parts()]  # fmt: skip
    # The longest first: the admission rows, then the two halves of the month of birth.
    named = [("admissions", lambda: _write_admission_rows(depth)), *stocks]
    PART_SECONDS.clear()

    def timed(label: str, write: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            t0 = time.perf_counter()
            write()
            PART_SECONDS[label] = time.perf_counter() - t0

        return run

    parts = [timed(label, write) for label, write in named]
    with transaction.atomic():
        for model in (MemberStatBase, MemberStat, MemberStatYear, AdmissionStat,
                      AdmissionStatYear, StatPack):  # fmt: skip
            model.objects.all().delete()  # (the base is folded again by generate())
    side_by_side(parts)
    return MemberStat.objects.count()


def pack_rows(through: date) -> None:
    """Pack the aggregate rows as the fold through `through` does (D57), before their tables'
    keys are built, side by side (`side_by_side`): the members' monthly rows; the admissions'
    monthly rows, then the yearly ones as members.services.packs moves them. The monthly rows'
    tables are emptied after (every monthly row goes into a pack). The fold that follows finds
    nothing left to pack and writes the base."""
    from django.db import connection

    from ptdv.members.models import AdmissionStat, MemberStat, PackKind
    from ptdv.members.rules.stats import ADMISSION_MEASURES, MEASURES
    from ptdv.members.services import packs

    def members() -> None:
        packs.pack_in_sql(PackKind.MONTH, MemberStat, "month", MEASURES, None)

    def admissions_and_years() -> None:
        packs.pack_in_sql(PackKind.ADMISSIONS, AdmissionStat, "month", ADMISSION_MEASURES, None)
        packs.pack_years(through)

    side_by_side([members, admissions_and_years])
    with connection.cursor() as cursor:
        for model in (MemberStat, AdmissionStat):
            table = model._meta.db_table
            # TRUNCATE leaves no dead rows behind (SQLite has no TRUNCATE).
            postgres = connection.vendor == "postgresql"
            cursor.execute(f"TRUNCATE {table}" if postgres else f"DELETE FROM {table}")


def _write_stock_rows(depth: int, part: StockPart) -> None:
    """Write the monthly stock rows of the part and their yearly sums."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '1GB'")
        cursor.execute(_aggregates_sql(connection.vendor, depth, part))
        cursor.execute(_years_sql(connection.vendor, part))


def _write_admission_rows(depth: int) -> None:
    """Write the admission rows, their yearly sums, the cells' last admissions and the tree's
    counts."""
    from django.db import connection

    from ptdv.members.services import last_admissions, treecounts

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '1GB'")
        cursor.execute(_admissions_sql(connection.vendor, depth))
        cursor.execute(_admission_years_sql(connection.vendor))
        last_admissions.rebuild()
        treecounts.rebuild()


def _admissions_sql(vendor: str, max_depth: int) -> str:
    """Return the INSERT … SELECT of every AdmissionStat row from the memberships' admissions,
    following members.rules.stats.admission_contributions: each admission counts for every kept
    unit on its cell's span path on the ceremony day (the cell too), in the month of the day the
    setting counts it on, by the person's dimensions and the age in full years on the ceremony
    day; the all-admissions row sums the ages in days."""
    from ptdv.members.aggregates import kept_levels
    from ptdv.members.asof import admission_counts_by
    from ptdv.members.rules.stats import ADMISSION_DIMENSIONS
    from ptdv.orgs.models import SPAN_STEP

    counted = "m.decision_on" if admission_counts_by() == "decision" else "m.joined_on"
    if vendor == "postgresql":
        month = f"CAST(date_trunc('month', {counted}) AS date)"
        year, monthday = "CAST(extract(year FROM {}) AS INTEGER)", "to_char({}, 'MM-DD')"
        days = "(m.joined_on - x.birth_date)"
        text = "CAST(a.age AS VARCHAR)"
    else:
        month = f"date({counted}, 'start of month')"
        year, monthday = "CAST(strftime('%Y', {}) AS INTEGER)", "strftime('%m-%d', {})"
        days = "CAST(julianday(m.joined_on) - julianday(x.birth_date) AS INTEGER)"
        text = "CAST(a.age AS TEXT)"
    age = (f"{year.format('m.joined_on')} - {year.format('x.birth_date')} - CASE WHEN "
           f"{monthday.format('m.joined_on')} < {monthday.format('x.birth_date')} THEN 1 "
           f"ELSE 0 END")  # fmt: skip

    dims = [(d, v, src) for d, v, src in _person_dims("''") if d.strip("'") in ADMISSION_DIMENSIONS]
    assert {d.strip("'") for d, _v, _s in dims} == set(ADMISSION_DIMENSIONS)
    dim_sql = _dims_sql(dims)
    top = min(max_depth, kept_levels())
    levels = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, top + 1))
    value = f"CASE WHEN d.dim = 'age' THEN {text} ELSE d.value END"
    # `anc`: the span path of the kept units from the top to the cell (the cell too when it
    # stands among them). Grouped by it first, then rolled up to each level (as the stock rows).
    anc = (f"substr(s.path, 1, CASE WHEN length(s.path) < {top * SPAN_STEP} THEN length(s.path) "
           f"ELSE {top * SPAN_STEP} END)")  # fmt: skip
    unit = f"CAST(substr(g.anc, (l.k - 1) * {SPAN_STEP} + 1, {SPAN_STEP}) AS INTEGER)"
    return (
        f"WITH g AS MATERIALIZED (SELECT a.anc, a.month, d.dim, {value} AS value, "
        "COUNT(*) AS admitted, SUM(CASE WHEN d.dim = '' THEN a.days ELSE 0 END) AS days FROM ("
        f"SELECT m.person_id, {anc} AS anc, {month} AS month, {age} AS age, {days} AS days "
        "FROM members_membership m JOIN people_person x ON x.id = m.person_id "
        "JOIN orgs_orgspan s ON s.org_id = m.admission_cell_id "
        "AND s.valid_from <= m.joined_on AND (s.valid_to IS NULL OR s.valid_to > m.joined_on) "
        "WHERE m.admission_cell_id IS NOT NULL) a "
        f"JOIN ({dim_sql}) d ON d.person_id = a.person_id "
        f"GROUP BY a.anc, a.month, d.dim, {value}) "
        "INSERT INTO members_admissionstat (org_id, month, dim, value, admitted, age_days) "
        f"SELECT {unit}, g.month, g.dim, g.value, CAST(SUM(g.admitted) AS INTEGER), "
        "CAST(SUM(g.days) AS BIGINT) FROM g "
        f"JOIN ({levels}) l ON length(g.anc) >= l.k * {SPAN_STEP} "
        f"GROUP BY {unit}, g.month, g.dim, g.value {IN_WRITING_ORDER}"
    )


def _years_sql(vendor: str, part: StockPart | None = None) -> str:
    """Return the INSERT … SELECT of the yearly sums from the monthly rows (of the part, None:
    all)."""
    from ptdv.members.rules.stats import MEASURES

    year = (
        "CAST(extract(year FROM month) AS INTEGER)"
        if vendor == "postgresql"
        else "CAST(strftime('%Y', month) AS INTEGER)"
    )
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    return (
        f"INSERT INTO members_memberstatyear (org_id, year, dim, value, {', '.join(MEASURES)}) "
        f"SELECT org_id, {year}, dim, value, {sums} FROM members_memberstat "
        + ("" if part is None else f"WHERE {part.rows_sql()} ")
        + f"GROUP BY org_id, {year}, dim, value HAVING "
        + " OR ".join(f"SUM({m}) <> 0" for m in MEASURES)
        + f" {IN_WRITING_ORDER}"
    )


def _admission_years_sql(vendor: str) -> str:
    """Return the INSERT … SELECT of the admission rows' yearly sums (D51)."""
    year = (
        "CAST(extract(year FROM month) AS INTEGER)"
        if vendor == "postgresql"
        else "CAST(strftime('%Y', month) AS INTEGER)"
    )
    return (
        "INSERT INTO members_admissionstatyear (org_id, year, dim, value, admitted, age_days) "
        f"SELECT org_id, {year}, dim, value, SUM(admitted), SUM(age_days) FROM "
        f"members_admissionstat GROUP BY org_id, {year}, dim, value "
        f"HAVING SUM(admitted) <> 0 OR SUM(age_days) <> 0 {IN_WRITING_ORDER}"
    )


# --- storage ----------------------------------------------------------------------------------


def storage(tables: list[str]) -> dict[str, tuple[int, int]]:
    """Return (rows, bytes with indexes) per table: SQLite's dbstat, PostgreSQL's
    pg_total_relation_size."""
    from django.db import connection

    result = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (our own table names)
            rows = cursor.fetchone()[0]
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            else:
                cursor.execute(
                    "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN "
                    "(SELECT name FROM sqlite_master WHERE tbl_name = %s)",
                    [table],
                )
            result[table] = (rows, int(cursor.fetchone()[0]))
    return result


def pack_sizes() -> list[tuple[str, int, int]]:
    """Return each kind of pack (D57) with how many and the bytes their texts take as stored
    (PostgreSQL: compressed)."""
    from django.db import connection

    size = ("pg_column_size(data)" if connection.vendor == "postgresql"
            else "length(CAST(data AS BLOB))")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, count(*), coalesce(sum({size}), 0) FROM members_statpack "
                       "GROUP BY kind ORDER BY kind")  # fmt: skip
        return [(kind, int(n), int(total)) for kind, n, total in cursor.fetchall()]


def stat_rows_by(what: str) -> list[tuple[str, int]]:
    """Return the aggregate rows per unit kind or per dimension, most first."""
    from django.db.models import Count

    from ptdv.members.models import MemberStat
    from ptdv.orgs.models import Org

    if what == "kind":
        kinds = dict(Org.objects.values_list("pk", "kind"))
        per_unit = MemberStat.objects.values_list("org_id").annotate(n=Count("pk")).order_by()
        counts: Counter[str] = Counter()
        for org_id, n in per_unit:
            counts[kinds[org_id]] += n
        return counts.most_common()
    rows = MemberStat.objects.values_list("dim").annotate(n=Count("pk")).order_by("-n")
    return [(dim, n) for dim, n in rows]


# --- the DuckDB reference ---------------------------------------------------------------------

EXPORTS = {
    # name: (SQL over the application's tables, DuckDB column types)
    "periods": ("SELECT person_id, cell_id, standing, exempted, temp_cell_id, valid_from, valid_to "
                "FROM members_memberperiod",
                "person_id BIGINT, cell_id BIGINT, standing VARCHAR, exempted BOOLEAN, "
                "temp_cell_id BIGINT, valid_from DATE, valid_to DATE"),
    "events": ('SELECT e.membership_id, m.person_id, e.kind, e."on", e.cell_id, e.other_cell_id '
               "FROM members_memberevent e JOIN members_membership m ON m.id = e.membership_id",
               "membership_id BIGINT, person_id BIGINT, kind VARCHAR, on_day DATE, "
               "cell_id BIGINT, other_cell_id BIGINT"),
    "spans": ("SELECT org_id, path, depth, valid_from, valid_to FROM orgs_orgspan",
              "org_id BIGINT, path VARCHAR, depth INTEGER, valid_from DATE, valid_to DATE"),
    "people": ("SELECT p.id, p.sex, p.birth_date, e.is_minority, p.religion_id, "
               "p.youth_union_member, p.trade_union_member, ed.code, q.code, t.code, o.code "
               "FROM people_person p JOIN people_ethnicgroup e ON e.id = p.ethnic_group_id "
               "LEFT JOIN people_educationlevel ed ON ed.id = p.education_id "
               "LEFT JOIN people_qualification q ON q.id = p.qualification_id "
               "LEFT JOIN people_theorylevel t ON t.id = p.theory_level_id "
               "LEFT JOIN people_occupation o ON o.id = p.occupation_id",
               "id BIGINT, sex VARCHAR, birth_date DATE, minority BOOLEAN, religion_id BIGINT, "
               "youth BOOLEAN, trade BOOLEAN, education VARCHAR, qualification VARCHAR, "
               "theory VARCHAR, occupation VARCHAR"),
    "cases": ("SELECT c.id, c.cell_id, c.stage, c.outcome, c.stage_since, c.next_due_on, "
              "p.full_name FROM pipeline_case c JOIN people_person p ON p.id = c.person_id",
              "id BIGINT, cell_id BIGINT, stage VARCHAR, outcome VARCHAR, stage_since DATE, "
              "next_due_on DATE, person_name VARCHAR"),
    # The names a board card shows (the cell's, with its parent's).
    "units": ("SELECT id, name, parent_name FROM orgs_org",
              "id BIGINT, name VARCHAR, parent_name VARCHAR"),
}  # fmt: skip


def export_parquet(folder: Path) -> Any:
    """Write each export as Parquet (rows streamed from the database to CSV, converted by
    DuckDB's COPY) and return a DuckDB connection with one view per file."""
    import duckdb
    from django.db import connection

    duck = duckdb.connect()
    duck.execute("SET threads = 2")
    for name, (sql, types) in EXPORTS.items():
        columns = [c.strip().split(" ") for c in types.split(",")]
        text = folder / f"{name}.csv"
        with connection.cursor() as cursor, text.open("w", newline="") as out:
            cursor.execute(sql)
            writer = csv.writer(out)
            while rows := cursor.fetchmany(50_000):
                writer.writerows(
                    [tuple(_csv_value(v) for v in row) for row in rows]  # booleans as 0/1
                )
        spec = ", ".join(f"'{c}': '{t}'" for c, t in columns)
        target = folder / f"{name}.parquet"
        duck.execute(
            f"COPY (SELECT * FROM read_csv('{text}', header=false, columns={{{spec}}}, "
            f"nullstr='')) TO '{target}' (FORMAT parquet)"
        )
        text.unlink()
        duck.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{target}')")
    return duck


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    return value


def _in_force(alias: str, day: date) -> str:
    return (f"{alias}.valid_from <= DATE '{day}' AND ({alias}.valid_to IS NULL "
            f"OR {alias}.valid_to > DATE '{day}')")  # fmt: skip


def duck_totals(duck: Any, span_path: str, day: date) -> dict[str, int]:
    """The aggregates' `totals` answered by scanning: periods in force whose cell stood under
    the span path on the day."""
    row = duck.execute(
        "SELECT count(*), count(*) FILTER (p.standing = 'official'), "
        "count(*) FILTER (p.standing = 'probationary'), count(*) FILTER (p.exempted), "
        "count(*) FILTER (p.temp_cell_id IS NOT NULL) "
        f"FROM periods p JOIN spans s ON s.org_id = p.cell_id AND {_in_force('s', day)} "
        f"WHERE {_in_force('p', day)} AND starts_with(s.path, ?)",
        [span_path],
    ).fetchone()
    return dict(zip(("total", "official", "probationary", "exempted", "away"), row, strict=True))


def duck_members_table(
    duck: Any, span_path: str, day: date, *, by_child: bool = True
) -> dict[str, dict[str, int]]:
    """The members table of the unit (a row per child unit, by child span path; or the unit's
    own row) by scanning."""
    from ptdv.members.asof import AGE_BANDS, band_label

    width = len(span_path) + (8 if by_child else 0)
    bands = " ".join(
        f"WHEN age >= {low}" + (f" AND age <= {high}" if high is not None else "")
        + f" THEN 'age:{band_label(low, high)}'"
        for low, high in AGE_BANDS
    )  # fmt: skip
    base = (
        f"WITH m AS (SELECT substr(s.path, 1, {width}) AS child, p.standing, p.exempted, x.*, "
        f"date_sub('year', x.birth_date, DATE '{day}') AS age FROM periods p "
        f"JOIN spans s ON s.org_id = p.cell_id AND {_in_force('s', day)} "
        f"JOIN people x ON x.id = p.person_id "
        f"WHERE {_in_force('p', day)} AND starts_with(s.path, '{span_path}') "
        f"AND length(s.path) >= {width}) "
    )
    result: dict[str, dict[str, int]] = {}
    flags = duck.execute(
        base + "SELECT child, count(*), count(*) FILTER (standing = 'official'), "
        "count(*) FILTER (standing = 'probationary'), count(*) FILTER (exempted), "
        "count(*) FILTER (sex = 'F'), count(*) FILTER (minority), "
        "count(*) FILTER (religion_id IS NOT NULL), count(*) FILTER (youth), "
        "count(*) FILTER (trade) FROM m GROUP BY child"
    ).fetchall()
    keys = ("total", "official", "probationary", "exempted", "women", "minority", "religious",
            "youth_union", "trade_union")  # fmt: skip
    for child, *values in flags:
        result[child] = dict(zip(keys, values, strict=True))
    grouped = duck.execute(
        base + f"SELECT child, 'education:' || coalesce(education, ''), "
        f"'qualification:' || coalesce(qualification, ''), "
        f"'theory_level:' || coalesce(theory, ''), 'occupation:' || coalesce(occupation, ''), "
        f"CASE {bands} ELSE 'age:<18' END, count(*) "
        f"FROM m GROUP BY GROUPING SETS ((child, 2), (child, 3), (child, 4), (child, 5), "
        f"(child, 6))"
    ).fetchall()
    for child, *values, n in grouped:
        key = next(v for v in values if v is not None)
        result[child][key] = result[child].get(key, 0) + n
    return result


def duck_admissions(duck: Any, span_path: str, since: date, day: date) -> dict[str, dict[str, int]]:
    """The new-members table of the unit (a row per child unit, by child span path) by
    scanning: admissions of [since, day] placed by their cell's span on their day, split by
    the person's characteristics and the age on the day of admission."""
    width = len(span_path) + 8
    rows = duck.execute(
        f"SELECT substr(s.path, 1, {width}) AS child, count(*), "
        "count(*) FILTER (x.sex = 'F'), count(*) FILTER (x.minority), "
        "count(*) FILTER (x.religion_id IS NOT NULL), count(*) FILTER (x.youth), "
        "count(*) FILTER (x.trade), sum(date_sub('year', x.birth_date, e.on_day)), "
        "'education:' || coalesce(x.education, ''), 'occupation:' || coalesce(x.occupation, '') "
        "FROM events e JOIN spans s ON s.org_id = e.cell_id AND s.valid_from <= e.on_day "
        "AND (s.valid_to IS NULL OR s.valid_to > e.on_day) JOIN people x ON x.id = e.person_id "
        "WHERE e.kind IN ('admitted', 'readmitted') AND e.on_day BETWEEN ? AND ? "
        "AND starts_with(s.path, ?) AND length(s.path) >= ? "
        "GROUP BY GROUPING SETS ((child), (child, 9), (child, 10))",
        [since, day, span_path, width],
    ).fetchall()
    keys = ("total", "women", "minority", "religious", "youth_union", "trade_union", "age_sum")
    result: dict[str, dict[str, int]] = {}
    for child, *values, education, occupation in rows:
        counts = result.setdefault(child, {})
        if education is None and occupation is None:
            counts.update(zip(keys, values, strict=True))
        else:
            counts[education or occupation] = values[0]
    return result


def duck_board(
    duck: Any, span_path: str, per_column: int, stages: list[str]
) -> dict[str, tuple[int, list[tuple[Any, ...]]]]:
    """The board's answer (`pipeline.boards.board`) by scanning: each stage's open cases under
    the span path today, and its first cards (overdue and soonest due, then longest waiting)
    with the person's and the cell's names. (An open case's outcome is the empty text, which
    the CSV step reads back as NULL: before stop 30 this scan asked for '' and found no case.)"""
    rows = duck.execute(
        "WITH open AS (SELECT c.* FROM cases c JOIN spans s ON s.org_id = c.cell_id "
        f"AND {_in_force('s', TODAY)} WHERE coalesce(c.outcome, '') = '' AND c.stage IN "
        f"({', '.join('?' for _s in stages)}) AND starts_with(s.path, ?)), "
        "ranked AS (SELECT *, row_number() OVER (PARTITION BY stage ORDER BY next_due_on "
        "NULLS LAST, stage_since, id) AS r, count(*) OVER (PARTITION BY stage) AS n FROM open) "
        "SELECT r.stage, r.n, r.id, r.person_name, u.name, u.parent_name, r.stage_since, "
        "r.next_due_on FROM ranked r JOIN units u ON u.id = r.cell_id "
        "WHERE r.r <= ? ORDER BY r.stage, r.r",
        [*stages, span_path, per_column],
    ).fetchall()
    result: dict[str, tuple[int, list[tuple[Any, ...]]]] = {}
    for stage, n, *card in rows:
        result.setdefault(stage, (n, []))[1].append(tuple(card))
    return result


def board_cards(columns: list[Any]) -> dict[str, tuple[int, list[tuple[Any, ...]]]]:
    """The board's stages with open cases: their counts and cards as (case, person's name,
    cell's name and its parent's, due day), the fields `duck_board` gives too."""
    return {
        column.stage: (
            column.count,
            [(c.case_id, c.person_name, c.cell_label, c.next_due_on) for c in column.cards],
        )  # fmt: skip
        for column in columns
        if column.count
    }


def duck_board_cards(
    found: dict[str, tuple[int, list[tuple[Any, ...]]]],
) -> dict[str, tuple[int, list[tuple[Any, ...]]]]:
    """`duck_board`'s answer in `board_cards`' terms."""
    return {
        stage: (n, [(pk, person, f"{cell} — {parent}" if parent else cell, due)
                    for pk, person, cell, parent, _since, due in cards])
        for stage, (n, cards) in found.items()
    }  # fmt: skip


# --- the run ----------------------------------------------------------------------------------


def _median_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _board_client(province: Any) -> Any:
    """Return a test client logged in as a board specialist of the province."""
    from django.conf import settings
    from django.test import Client

    from ptdv.access.models import RoleGrant, User

    # WhiteNoise warns that the throw-away var/ has no collected static files: not needed here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user, _new = User.objects.get_or_create(username="bench.board")  # (BENCH_REUSE: there)
    RoleGrant.objects.get_or_create(user=user, role="board_specialist", org=province)
    client = Client()
    client.force_login(user)
    return client


def _leader_client(nation: Any) -> Any:
    """Return a test client logged in as a viewer of the whole country (the dashboards)."""
    from django.test import Client

    from ptdv.access.models import RoleGrant, User

    user, _new = User.objects.get_or_create(username="bench.leader")
    RoleGrant.objects.get_or_create(user=user, role="viewer", org=nation)
    client = Client()
    client.force_login(user)
    return client


def _targets(units: list[tuple[Any, int]], leader: Any) -> list[str]:
    """Set each unit's new-members target for TODAY's year (through the service: the nation's
    and a province's, so their dashboards of today show the progress and forecast) and return
    the URLs of their target pages."""
    from decimal import Decimal

    from django.urls import reverse

    from ptdv.access.models import User
    from ptdv.targets.models import Target
    from ptdv.targets.services import set_target

    actor, _new = User.objects.get_or_create(username="bench.targets")
    urls = []
    for unit, value in units:
        if not Target.objects.filter(unit=unit, start_year=TODAY.year).exists():
            set_target(unit=unit, start_year=TODAY.year, end_year=TODAY.year,
                       metric="new_members", value=Decimal(value), version=None, actor=actor,
                       today=TODAY)  # fmt: skip
        url = reverse("targets:unit", args=[unit.pk]) + f"?ky={TODAY.year}"
        response = leader.get(url)
        assert response.status_code == 200, (url, response.status_code)
        urls.append(url)
    return urls


def loaded() -> Country:
    """Return the country a previous run loaded (BENCH_REUSE=1: time the questions again on the
    same database, e.g. after a change of the reads or a fold)."""
    from django.db.models import Max

    from ptdv.members.models import MemberEvent, Membership
    from ptdv.orgs.models import Org
    from ptdv.pipeline.models import Case

    units = Org.objects.order_by("pk")  # in the order build_tree wrote them
    deepest = units.aggregate(d=Max("depth"))["d"]
    return Country(
        nation=units.get(depth=1),
        provinces=list(units.filter(depth=2).values_list("pk", flat=True)),
        cells=list(units.filter(depth=deepest).values_list("pk", flat=True)),
        members=Membership.objects.count(),
        events=MemberEvent.objects.count(),
        cases=Case.objects.count(),
    )


def run(scale: float, folder: Path) -> list[str]:
    """Generate, check, time; return the report lines (also printed as they come)."""
    from django.db import connection
    from django.urls import reverse

    from ptdv.access.models import User
    from ptdv.members import aggregates
    from ptdv.members.services import stats
    from ptdv.orgs.models import Org, OrgSpan
    from ptdv.pipeline import boards
    from ptdv.pipeline.selectors import OPEN_STAGES
    from ptdv.reports import tables

    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    sizes = Sizes.at(scale)
    fast = os.environ.get("BENCH_LOAD", "fast") != "services"
    reuse = os.environ.get("BENCH_REUSE") == "1"
    t0 = time.perf_counter()
    country, seconds = (loaded(), {}) if reuse else generate(sizes, fast=fast)
    load = time.perf_counter() - t0
    say(f"PTĐV national bench on {connection.vendor}, BENCH_SCALE={scale:g}: "
        f"{sizes.provinces} provinces, {sizes.districts:,} districts, {sizes.grassroots:,} "
        f"grassroots, {sizes.cells:,} cells; {country.members:,} members with "
        f"{country.events:,} events (15 years), {country.cases:,} open cases")  # fmt: skip
    if reuse:
        say("bulk load: none (BENCH_REUSE=1: the country already in the database)")
    elif fast:
        how = (f"members through bulk_enter {seconds['members']:.1f} s, aggregates set-based "
               f"{seconds['aggregates']:.1f} s")  # fmt: skip
    else:
        how = f"members through bulk_enter with its aggregates {seconds['members']:.1f} s"
    if not reuse:
        say(f"bulk load {load:.1f} s: tree {seconds['tree']:.1f} s, {how}, cases "
            f"{seconds['cases']:.1f} s, packs {seconds.get('pack', 0):.1f} s, indexes and keys "
            f"{seconds['indexes']:.1f} s, fold {seconds['fold']:.1f} s, vacuum "
            f"{seconds.get('vacuum', 0):.1f} s")  # fmt: skip
    if PART_SECONDS:
        side = "side by side" if connection.vendor == "postgresql" else "one after the other"
        say(f"aggregates' parts ({side}): " + ", ".join(
            f"{label} {sec:.1f} s" for label, sec in PART_SECONDS.items()))  # fmt: skip
    limit = int(os.environ.get("BENCH_CHECK_MEMBERS", "20000"))
    if country.members <= limit:
        t0 = time.perf_counter()
        problems = stats.differences()
        verdict = "ok" if not problems else "DIFFERENT: " + "; ".join(problems[:3])
        say(f"aggregates check: {verdict} (ptdv stats rebuild --check, "
            f"{time.perf_counter() - t0:.1f} s)")  # fmt: skip
        if problems:
            raise SystemExit(1)
    else:
        say(f"aggregates check: skipped ({country.members:,} members > BENCH_CHECK_MEMBERS="
            f"{limit:,}; the check recomputes every period in Python)")  # fmt: skip
    kept_tables = ["members_admissionstatyear", "members_lastadmission", "members_unitfacts",
                   "members_unitcount", "members_cellcount"]  # fmt: skip
    sizes_now = storage(["members_memberstat", "members_memberstatyear", "members_admissionstat",
                         "members_memberstatbase", "members_statpack", "members_memberevent",
                         "members_memberperiod", *kept_tables])  # fmt: skip
    month_rows, month_bytes = sizes_now["members_memberstat"]
    year_rows, year_bytes = sizes_now["members_memberstatyear"]
    admission_rows, admission_bytes = sizes_now["members_admissionstat"]
    base_rows, base_bytes = sizes_now["members_memberstatbase"]
    pack_rows, pack_bytes = sizes_now["members_statpack"]
    other_rows = sum(sizes_now[t][0] for t in kept_tables)
    other_bytes = sum(sizes_now[t][1] for t in kept_tables)
    stat_rows = month_rows + year_rows + admission_rows + base_rows + pack_rows + other_rows
    stat_bytes = (month_bytes + year_bytes + admission_bytes + base_bytes + pack_bytes
                  + other_bytes)  # fmt: skip
    event_rows, event_bytes = sizes_now["members_memberevent"]
    period_rows, period_bytes = sizes_now["members_memberperiod"]
    say(f"storage: aggregates {stat_rows:,} rows {stat_bytes / 2**20:,.1f} MiB ({month_rows:,} "
        f"monthly {month_bytes / 2**20:,.1f} MiB, {year_rows:,} yearly {year_bytes / 2**20:,.1f} "
        f"MiB, {admission_rows:,} admissions {admission_bytes / 2**20:,.1f} MiB, {base_rows:,} "
        f"base {base_bytes / 2**20:,.1f} MiB, {pack_rows:,} packs {pack_bytes / 2**20:,.1f} MiB, "
        f"{other_rows:,} other kept rows (admissions by year, last admissions, the tree's "
        f"counts) {other_bytes / 2**20:,.1f} MiB); events "
        f"{event_rows:,} rows {event_bytes / 2**20:,.1f} MiB; periods {period_rows:,} rows "
        f"{period_bytes / 2**20:,.1f} MiB; aggregates / events = {stat_bytes / event_bytes:.0%} "
        f"of the bytes, {stat_rows / event_rows:.0%} of the rows (goal ≤ 25 %)")  # fmt: skip
    pipeline = storage(["pipeline_stagecount", "pipeline_case"])
    (count_rows, count_bytes), (case_rows, case_bytes) = pipeline.values()
    say(f"the pipeline's kept counts (D50, D69): {count_rows:,} rows {count_bytes / 2**20:,.1f} "
        f"MiB beside the cases' {case_rows:,} rows {case_bytes / 2**20:,.1f} MiB "
        f"({count_bytes / case_bytes:.0%} of the bytes)")  # fmt: skip
    say("packs by kind (count, stored bytes of their texts): " + ", ".join(
        f"{kind} {n:,} {size / 2**20:,.1f} MiB" for kind, n, size in pack_sizes()))  # fmt: skip
    say(
        "monthly aggregate rows left after the fold by level: "
        + ", ".join(f"{k} {n:,}" for k, n in stat_rows_by("kind"))
        + "; by dimension: "
        + ", ".join(f"{k or 'all'} {n:,}" for k, n in stat_rows_by("dim"))
    )
    t0 = time.perf_counter()
    duck = export_parquet(folder)
    parquet = sum(f.stat().st_size for f in folder.glob("*.parquet"))
    say(f"parquet export: {time.perf_counter() - t0:.1f} s, {parquet / 2**20:,.1f} MiB")

    nation = country.nation
    province = Org.objects.get(pk=country.provinces[0])
    cell = Org.objects.get(pk=country.cells[len(country.cells) // 2])
    paths = dict(OrgSpan.objects.filter(org__in=[nation, province, cell])
                 .values_list("org_id", "path"))  # fmt: skip

    # The answers must agree before their times mean anything.
    for unit in (nation, province, cell):
        kept, scanned = aggregates.totals(unit, DAY), duck_totals(duck, paths[unit.pk], DAY)
        assert kept == scanned, (unit.code, kept, scanned)
    table = tables.build("members", nation, day=DAY)
    scanned_table = duck_members_table(duck, paths[nation.pk], DAY)
    child_paths = dict(OrgSpan.objects.filter(org__in=[r.org_id for r in table.rows])
                       .values_list("org_id", "path"))  # fmt: skip
    for row in table.rows:
        want = scanned_table.get(child_paths[row.org_id], {})
        got = {k: v for k, v in row.values.items() if isinstance(v, int) and v}
        assert got == {k: v for k, v in want.items() if v}, (row.name, got, want)
    client = _board_client(province)
    board_url = reverse("pipeline:board")
    response = client.get(board_url)
    assert response.status_code == 200, response.status_code
    board_user = User.objects.get(username="bench.board")
    board_stages = [s.value for s in OPEN_STAGES]  # the board's columns
    ours = board_cards(boards.board(board_user, org=province, today=TODAY))

    def duck_province_board() -> dict[str, tuple[int, list[tuple[Any, ...]]]]:
        return duck_board(duck, paths[province.pk], boards.BOARD_CARDS, board_stages)

    theirs = duck_board_cards(duck_province_board())
    assert ours == theirs, (ours, theirs)
    leader = _leader_client(nation)
    since = DAY.replace(month=1, day=1)
    new_table = tables.build("new-members", nation, since=since, day=DAY)
    scanned_new = duck_admissions(duck, paths[nation.pk], since, DAY)
    for row in new_table.rows:
        want = scanned_new.get(child_paths[row.org_id], {})
        assert row.values.get("total", 0) == want.get("total", 0), (row.org_id, row.values, want)
        assert row.values.get("women", 0) == want.get("women", 0), (row.org_id, row.values, want)
    nation_target_url, target_url = _targets([(nation, 180_000), (province, 900)], leader)

    def dashboard(unit: Any, *, on: date | None = DAY) -> Callable[[], object]:
        """The unit's dashboard on a day, or as a user first opens it (today: the pipeline's
        funnel and the overdue items too)."""
        url = reverse("reports:dashboard", args=[unit.pk])
        url += f"?day={on:%Y-%m-%d}" if on else ""

        def get() -> object:
            response = leader.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    say("answers agree: aggregates = DuckDB scan for the nation, a province, a cell, every row "
        "of the national members table, and every row's admissions and women in the national "
        "new-members table of 2025; a province's board (counts and cards) = DuckDB's")  # fmt: skip

    rows: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        ("national member figures (totals)", lambda: aggregates.totals(nation, DAY),
         lambda: duck_totals(duck, paths[nation.pk], DAY)),
        ("province member figures (totals)", lambda: aggregates.totals(province, DAY),
         lambda: duck_totals(duck, paths[province.pk], DAY)),
        ("cell member figures (totals)", lambda: aggregates.totals(cell, DAY),
         lambda: duck_totals(duck, paths[cell.pk], DAY)),
        ("national dashboard (HTTP)", dashboard(nation),
         lambda: duck_members_table(duck, paths[nation.pk], DAY)),
        ("province dashboard (HTTP)", dashboard(province),
         lambda: duck_members_table(duck, paths[province.pk], DAY)),
        ("cell dashboard (HTTP)", dashboard(cell),
         lambda: duck_members_table(duck, paths[cell.pk], DAY, by_child=False)),
        ("national dashboard today (HTTP)", dashboard(nation, on=None),
         lambda: duck_members_table(duck, paths[nation.pk], TODAY)),
        ("province dashboard today (HTTP)", dashboard(province, on=None),
         lambda: duck_members_table(duck, paths[province.pk], TODAY)),
        ("province composition (all dimensions)", lambda: aggregates.stock(province, DAY),
         lambda: duck_members_table(duck, paths[province.pk], DAY)),
        ("national members table, 31/12/2025", lambda: tables.build("members", nation, day=DAY),
         lambda: duck_members_table(duck, paths[nation.pk], DAY)),
        ("national new-members table, 2025", lambda: tables.build("new-members", nation,
         since=since, day=DAY), lambda: duck_admissions(duck, paths[nation.pk], since, DAY)),
        ("target page of the nation, 2026 (HTTP)", lambda: leader.get(nation_target_url),
         lambda: duck_admissions(duck, paths[nation.pk], TODAY.replace(month=1, day=1),
                                 TODAY)),
        ("target page of a province, 2026 (HTTP)", lambda: leader.get(target_url),
         lambda: duck_admissions(duck, paths[province.pk], TODAY.replace(month=1, day=1),
                                 TODAY)),
        ("board of a province (its reads)", lambda: boards.board(board_user, org=province,
         today=TODAY), duck_province_board),
        ("board page of a province (HTTP)", lambda: client.get(board_url), duck_province_board),
    ]  # fmt: skip
    say(f"{'question':40} {'ms':>9} {'DuckDB ms':>10} {'ratio':>7}")
    for label, fn, base in rows:
        ms, base_ms = _median_ms(fn), _median_ms(base, repeat=5)
        say(f"{label:40} {ms:9.2f} {base_ms:10.2f} {base_ms / ms:6.1f}x")
    duck.close()
    return lines


def main() -> int:
    from bench.__main__ import _setup_django

    scale = float(os.environ.get("BENCH_SCALE", "0.001"))
    with tempfile.TemporaryDirectory(prefix="ptdv-national-") as tmp:
        _setup_django(Path(tmp))
        run(scale, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
