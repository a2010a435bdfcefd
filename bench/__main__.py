"""`make bench`: indexed scope and search queries against their full-scan baselines.

Builds a synthetic tree and N people in a throw-away database (SQLite file in a temp dir, or the
PostgreSQL database given by PTDV_BENCH_DATABASE_URL), bulk-inserted (bench/ is the one place
allowed to bypass the services), then times each query several times and prints the median,
with the ratio to a deliberately unindexed baseline doing the same job.

    make bench                      # 20,000 people on SQLite, then the national benchmark
    BENCH_PEOPLE=200000 make bench  # the scale of the figures in docs/decisions.md
    BENCH_PEOPLE=1000000 make bench
    BENCH_SCALE=1 make bench        # the national benchmark at full scale (bench/national.py)
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path


def _setup_django(tmp: Path) -> None:
    os.environ["PTDV_VAR_DIR"] = str(tmp)
    url = os.environ.get("PTDV_BENCH_DATABASE_URL")
    os.environ["DATABASE_URL"] = url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptdv.settings")
    sqlite_file = url.removeprefix("sqlite:///") if url and url.startswith("sqlite:") else None
    if sqlite_file and os.environ.get("BENCH_REUSE") != "1":
        # A SQLite file named to be kept (BENCH_REUSE=1 times it again): a fresh one otherwise.
        for suffix in ("", "-wal", "-shm"):
            Path(sqlite_file + suffix).unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    if url and not sqlite_file and os.environ.get("BENCH_REUSE") != "1":
        # A fresh schema rather than `flush`: flush also empties the reference lists that the
        # migrations load (ethnic groups …), and migrate would not load them again. Not when
        # the run is to time the country already loaded (BENCH_REUSE=1).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", interactive=False, verbosity=0)


def _median_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    fn()  # warm the cache
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _build(n_people: int, seed: int) -> dict[str, object]:
    from django.db import transaction

    from ptdv.core.text import fold, name_sort_key, search_terms
    from ptdv.orgs.models import Org, OrgKind
    from ptdv.people.models import EthnicGroup, Person, PersonNameToken

    rng = random.Random(seed)
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
                "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
    middles = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thu", "Thanh", "Quốc", "Xuân"]
    givens = ["An", "Anh", "Bình", "Chi", "Dũng", "Dung", "Duy", "Đức", "Giang", "Hà", "Hải",
              "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai",
              "Minh", "Nam", "Nga", "Ngọc", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
              "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến"]  # fmt: skip
    t0 = time.perf_counter()
    with transaction.atomic():
        root = Org.add_root(name="Tỉnh ủy (bench)", code="B", kind=OrgKind.PROVINCE)
        cells: list[Org] = []
        communes = []
        for c in range(60):
            commune = root.add_child(name=f"Đảng bộ xã {c}", code=f"B{c}", kind=OrgKind.COMMUNE)
            communes.append(commune)
            for g in range(10):
                gr = commune.add_child(
                    name=f"Đảng bộ {c}-{g}", code=f"B{c}-{g}", kind=OrgKind.GRASSROOTS_COMMITTEE
                )
                for k in range(8):
                    cells.append(
                        gr.add_child(
                            name=f"Chi bộ {c}-{g}-{k}", code=f"B{c}-{g}-{k}", kind=OrgKind.CELL
                        )
                    )
        kinh = EthnicGroup.objects.get(code="01")
        batch: list[Person] = []
        tokens: list[tuple[int, list[str]]] = []
        for i in range(n_people):
            fam, mid, giv = rng.choice(families), rng.choice(middles), rng.choice(givens)
            full = f"{fam} {mid} {giv}"
            batch.append(
                Person(
                    org=cells[i % len(cells)], family_name=fam, middle_name=mid, given_name=giv,
                    full_name=full, name_folded=fold(full), sort_key=name_sort_key(fam, mid, giv),
                    sex="M" if i % 2 else "F",
                    birth_date=date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
                    ethnic_group=kinh,
                )
            )  # fmt: skip
            if len(batch) == 5000 or i == n_people - 1:
                created = Person.objects.bulk_create(batch)
                PersonNameToken.objects.bulk_create(
                    [
                        PersonNameToken(person=p, token=w)
                        for p in created
                        for w in search_terms(p.full_name)
                    ],
                    ignore_conflicts=True,
                )
                batch = []
        del tokens
        # Cases: one for every tenth person, spread over the stages, with cached due dates
        # (what the services store), to time the board and the due list.
        from ptdv.pipeline import stagecounts
        from ptdv.pipeline.models import Case, Stage

        stages = [s.value for s in Stage if s != Stage.EXITED]
        today = date(2026, 11, 21)
        cases = []
        for i, pk in enumerate(Person.objects.values_list("pk", flat=True)[: n_people // 10]):
            cases.append(
                Case(
                    person_id=pk, cell=cells[i % len(cells)], cell_path=cells[i % len(cells)].path,
                    source="youth_union",
                    opened_on=date(2025, 1, 1), stage=stages[i % len(stages)],
                    stage_since=date(2025, 6, 1),
                    next_due_on=date.fromordinal(today.toordinal() - 200 + rng.randrange(400)),
                    next_due_rule="DECIDE-60WD",
                )
            )  # fmt: skip
        Case.objects.bulk_create(cases, batch_size=5000)
        stagecounts.rebuild()  # the counts per unit and stage (D50), as the services keep them
    from bench import asof

    asof.add_spans(root)
    registry = asof.build_members(cells, rng)
    return {
        "root": root,
        "commune": communes[7],
        "seconds": time.perf_counter() - t0,
        "registry": registry,
    }


def main() -> int:
    n_people = int(os.environ.get("BENCH_PEOPLE", "20000"))
    with tempfile.TemporaryDirectory(prefix="ptdv-bench-") as tmp:
        _setup_django(Path(tmp))
        from django.db import connection

        from ptdv.core.text import prefix_upper_bound
        from ptdv.orgs.models import Org
        from ptdv.people.models import Person, PersonNameToken

        built = _build(n_people, seed=2025)
        commune: Org = built["commune"]  # type: ignore[assignment]
        print(f"PTĐV bench on {connection.vendor}: {Org.objects.count():,} units, "
              f"{Person.objects.count():,} people (built in {built['seconds']:.1f} s)")  # fmt: skip

        def scoped_count() -> int:
            return Person.objects.filter(
                org__path__gte=commune.path, org__path__lt=prefix_upper_bound(commune.path)
            ).count()

        def scoped_count_like() -> int:
            return Person.objects.filter(org__path__startswith=commune.path).count()

        def search(words: list[str]) -> list[int]:
            qs = Person.objects.all()
            for w in words:
                qs = qs.filter(
                    pk__in=PersonNameToken.objects.filter(
                        token__gte=w, token__lt=prefix_upper_bound(w)
                    ).values("person_id")
                )
            return list(qs.order_by("sort_key", "pk").values_list("pk", flat=True)[:50])

        def search_scan(words: list[str]) -> list[int]:
            qs = Person.objects.all()
            for w in words:
                qs = qs.filter(name_folded__contains=w)
            return list(qs.order_by("sort_key", "pk").values_list("pk", flat=True)[:50])

        def first_page() -> list[int]:
            return list(Person.objects.order_by("sort_key", "pk").values_list("pk", flat=True)[:50])

        def first_page_python_sort() -> list[int]:
            rows = list(Person.objects.values_list("pk", "full_name"))
            rows.sort(key=lambda r: r[1])
            return [r[0] for r in rows[:50]]

        from django.db.models import Count

        from ptdv.pipeline.models import Case

        today = date(2026, 11, 21)

        def board_counts() -> list[tuple[str, int]]:
            qs = Case.objects.filter(
                outcome="",
                cell__path__gte=commune.path,
                cell__path__lt=prefix_upper_bound(commune.path),
            )
            return list(qs.values_list("stage").annotate(n=Count("pk")).order_by())

        def board_counts_python() -> dict[str, int]:
            counts: dict[str, int] = {}
            for stage, path in Case.objects.values_list("stage", "cell__path"):
                if path.startswith(commune.path):
                    counts[stage] = counts.get(stage, 0) + 1
            return counts

        def overdue_first_page() -> list[int]:
            qs = Case.objects.filter(outcome="", next_due_on__lt=today).order_by("next_due_on")
            return list(qs.values_list("pk", flat=True)[:50])

        def overdue_python() -> list[int]:
            rows = [(d, pk) for pk, d in Case.objects.values_list("pk", "next_due_on") if d < today]
            return [pk for _d, pk in sorted(rows)[:50]]

        rows = [
            ("people under one commune (count)", scoped_count, scoped_count_like, "LIKE prefix"),
            ("search 'nguyen van dung'", lambda: search(["nguyen", "van", "dung"]),
             lambda: search_scan(["nguyen", "van", "dung"]), "contains scan"),
            ("search 'khanh' (rare word)", lambda: search(["khanh"]),
             lambda: search_scan(["khanh"]), "contains scan"),
            ("first page in Vietnamese order", first_page, first_page_python_sort,
             "sort in Python"),
            ("board counts for one commune", board_counts, board_counts_python,
             "count in Python"),
            ("overdue cases, first page", overdue_first_page, overdue_python,
             "filter in Python"),
        ]  # fmt: skip
        registry = built["registry"]
        print(f"registry: {registry['members']:,} members, {registry['events']:,} events "
              f"(15 years; entered in {registry['seconds']:.1f} s)")  # fmt: skip
        from bench import asof

        rows += asof.rows(built["root"], commune)
        print(f"{'query':40} {'ms':>9} {'baseline ms':>12} {'ratio':>7}  baseline")
        for label, fn, base, base_label in rows:
            ms, base_ms = _median_ms(fn), _median_ms(base, repeat=3)
            print(f"{label:40} {ms:9.2f} {base_ms:12.2f} {base_ms / ms:6.1f}x  {base_label}")
        print("query plan of the as-of member count:")
        print(asof.explain(built["root"]))
    # The national benchmark in its own process: its own throw-away database (or a fresh flush of
    # the PostgreSQL one), BENCH_SCALE from the environment.
    sys.stdout.flush()
    return subprocess.call([sys.executable, "-m", "bench.national"])


if __name__ == "__main__":
    sys.exit(main())
