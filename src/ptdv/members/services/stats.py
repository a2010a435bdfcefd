"""Keeping the monthly aggregates (decision D39): every write that changes member periods, a
unit's place in the tree or a person's attributes applies the difference it makes to the
`MemberStat` rows, in its own transaction; `rebuild` recomputes them all from the periods.

The arithmetic is members.rules.stats (pure); this module loads its inputs in bulk — the
periods, the spans of their cells, the persons' attributes — and writes the rows with one
"insert or add" statement per batch, which both SQLite and PostgreSQL run atomically, so two
writers adding to the same row never lose an update.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from ptdv.members.models import MemberPeriod, MemberStat
from ptdv.members.rules import stats as rules
from ptdv.orgs.models import SPAN_STEP, OrgSpan
from ptdv.people.models import Person

# A period as the aggregates read it: (person, cell, standing, exempted, temp cell, from, to).
PeriodRow = tuple[int, int, str, bool, int | None, date, date | None]
PERIOD_VALUES = (
    "person_id",
    "cell_id",
    "standing",
    "exempted",
    "temp_cell_id",
    "valid_from",
    "valid_to",
)
# The person's attributes the aggregates split by (dimension -> value).
PERSON_VALUES = (
    "pk",
    "sex",
    "birth_date",
    "ethnic_group__code",
    "ethnic_group__is_minority",
    "religion__code",
    "youth_union_member",
    "trade_union_member",
    "education__code",
    "qualification__code",
    "theory_level__code",
    "occupation__code",
)
DIMENSIONS = (
    "",
    "sex",
    "birth",
    "ethnic",
    "minority",
    "religion",
    "religious",
    "youth",
    "trade",
    "education",
    "qualification",
    "theory",
    "occupation",
)


def _flag(value: object) -> str:
    return "1" if value else "0"


def dims_of(row: dict[str, Any]) -> dict[str, str]:
    """Return the person's value in each dimension ("" is the all-members row)."""
    birth: date = row["birth_date"]
    return {
        "": "",
        "sex": row["sex"],
        "birth": f"{birth.year:04d}-{birth.month:02d}",
        "ethnic": row["ethnic_group__code"] or "",
        "minority": _flag(row["ethnic_group__is_minority"]),
        "religion": row["religion__code"] or "",
        "religious": _flag(row["religion__code"]),
        "youth": _flag(row["youth_union_member"]),
        "trade": _flag(row["trade_union_member"]),
        "education": row["education__code"] or "",
        "qualification": row["qualification__code"] or "",
        "theory": row["theory_level__code"] or "",
        "occupation": row["occupation__code"] or "",
    }


def _people(person_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    return {
        row["pk"]: dims_of(row)
        for row in Person.objects.filter(pk__in=set(person_ids)).values(*PERSON_VALUES)
    }


def _spans(cell_ids: Iterable[int]) -> dict[int, list[rules.SpanFacts]]:
    result: dict[int, list[rules.SpanFacts]] = defaultdict(list)
    rows = OrgSpan.objects.filter(org_id__in=set(cell_ids)).values_list(
        "org_id", "valid_from", "valid_to", "path"
    )
    for org_id, start, stop, path in rows.order_by("org_id", "valid_from"):
        result[org_id].append(rules.SpanFacts(start, stop, path))
    return result


def contributions(
    periods: list[PeriodRow],
    *,
    people: dict[int, dict[str, str]] | None = None,
    spans: dict[int, list[rules.SpanFacts]] | None = None,
) -> Counter[rules.Key]:
    """Return what the periods add to the rows (inputs loaded unless given)."""
    people = people if people is not None else _people(p[0] for p in periods)
    spans = spans if spans is not None else _spans(p[1] for p in periods)
    total: Counter[rules.Key] = Counter()
    for person_id, cell_id, standing, exempted, temp_cell_id, start, stop in periods:
        facts = rules.PeriodFacts(cell_id, standing, exempted, temp_cell_id is not None,
                                  start, stop)  # fmt: skip
        total.update(
            rules.period_contributions(facts, spans.get(cell_id, []), people[person_id], SPAN_STEP)
        )
    return total


def difference(before: Counter[rules.Key], after: Counter[rules.Key]) -> Counter[rules.Key]:
    """Return after − before, keeping negative and dropping zero entries."""
    delta = Counter(after)
    delta.subtract(before)
    return Counter({k: v for k, v in delta.items() if v})


_COLUMNS = rules.MEASURES
_UPSERT = (
    "INSERT INTO members_memberstat (org_id, month, dim, value, {cols}) VALUES (%s, %s, %s, %s, "
    "{marks}) ON CONFLICT (org_id, dim, month, value) DO UPDATE SET {adds}"
).format(
    cols=", ".join(_COLUMNS),
    marks=", ".join(["%s"] * len(_COLUMNS)),
    adds=", ".join(f"{c} = members_memberstat.{c} + excluded.{c}" for c in _COLUMNS),
)


def _rows(delta: Counter[rules.Key]) -> dict[tuple[int, date, str, str], list[int]]:
    rows: dict[tuple[int, date, str, str], list[int]] = {}
    index = {m: i for i, m in enumerate(_COLUMNS)}
    for (org_id, month, dim, value, measure), n in delta.items():
        rows.setdefault((org_id, month, dim, value), [0] * len(_COLUMNS))[index[measure]] += n
    return {k: v for k, v in rows.items() if any(v)}


def apply(delta: Counter[rules.Key], *, batch_size: int = 2000) -> int:
    """Add the delta to the rows (creating them), drop the rows left at zero; return how many
    rows were touched. Runs inside the caller's transaction."""
    rows = _rows(delta)
    if not rows:
        return 0
    params: list[tuple[Any, ...]] = [(*key, *values) for key, values in rows.items()]
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(params), batch_size):
            cursor.executemany(_UPSERT, params[i : i + batch_size])
        zero = Q(**{c: 0 for c in _COLUMNS})
        touched = {k[0] for k in rows}
        MemberStat.objects.filter(zero, org_id__in=touched).delete()
    return len(rows)


# --- what writes call -------------------------------------------------------------------------


def periods_of(membership_ids: Iterable[int]) -> list[PeriodRow]:
    return list(
        MemberPeriod.objects.filter(membership_id__in=list(membership_ids)).values_list(
            *PERIOD_VALUES
        )
    )


def periods_replaced(before: list[PeriodRow], after: list[PeriodRow]) -> None:
    """A membership's periods were rewritten: add what changed."""
    if before == after:
        return
    apply(difference(contributions(before), contributions(after)))


@contextmanager
def tree_changing(path: str, day: date) -> Iterator[None]:
    """Around a change of the tree under a span path from a day on (a move, a dissolution): the
    periods of the cells that stood under it then, or later, are counted again with the new
    spans."""
    cells = set(
        OrgSpan.objects.under(path)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list("org_id", flat=True)
    )
    affected = list(
        MemberPeriod.objects.filter(cell_id__in=cells)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list(*PERIOD_VALUES)
    )
    people = _people(p[0] for p in affected)
    before = contributions(affected, people=people)
    yield
    apply(difference(before, contributions(affected, people=people)))


def person_changed(person_id: int, before: dict[str, str], after: dict[str, str]) -> None:
    """A person's attributes changed: their periods move from the old values to the new."""
    if before == after:
        return
    periods = list(MemberPeriod.objects.filter(person_id=person_id).values_list(*PERIOD_VALUES))
    if not periods:
        return
    spans = _spans(p[1] for p in periods)
    old = contributions(periods, people={person_id: before}, spans=spans)
    new = contributions(periods, people={person_id: after}, spans=spans)
    apply(difference(old, new))


def person_dims(person_id: int) -> dict[str, str] | None:
    row = Person.objects.filter(pk=person_id).values(*PERSON_VALUES).first()
    return dims_of(row) if row else None


# --- rebuild and check ------------------------------------------------------------------------


def computed(*, chunk: int = 20000) -> dict[tuple[int, date, str, str], list[int]]:
    """Return every row as recomputed from the periods (current members and former ones)."""
    total: Counter[rules.Key] = Counter()
    ids = list(MemberPeriod.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), chunk):
        batch = list(
            MemberPeriod.objects.filter(pk__in=ids[i : i + chunk]).values_list(*PERIOD_VALUES)
        )
        total.update(contributions(batch))
    return _rows(total)


def stored() -> dict[tuple[int, date, str, str], list[int]]:
    return {
        (r[0], r[1], r[2], r[3]): list(r[4:])
        for r in MemberStat.objects.values_list("org_id", "month", "dim", "value", *_COLUMNS)
    }


def differences(limit: int = 20) -> list[str]:
    """Return up to `limit` rows where the stored aggregates differ from a recomputation."""
    want, have = computed(), stored()
    problems = []
    for key in sorted(set(want) | set(have), key=lambda k: (k[0], k[2], k[1], k[3])):
        if want.get(key) != have.get(key):
            org_id, month, dim, value = key
            problems.append(
                f"đơn vị {org_id}, tháng {month:%m/%Y}, {dim or 'tổng'}={value}: "
                f"lưu {have.get(key)}, tính lại {want.get(key)}"
            )
            if len(problems) >= limit:
                break
    return problems


def rebuild(*, batch_size: int = 5000) -> int:
    """Replace every aggregate row by the recomputation; return how many rows."""
    rows = computed()
    with transaction.atomic():
        MemberStat.objects.all().delete()
        MemberStat.objects.bulk_create(
            (
                MemberStat(
                    org_id=org_id,
                    month=month,
                    dim=dim,
                    value=value,
                    **dict(zip(_COLUMNS, values, strict=True)),
                )  # fmt: skip
                for (org_id, month, dim, value), values in rows.items()
            ),
            batch_size=batch_size,
        )
    return len(rows)


__all__ = ["DIMENSIONS", "apply", "contributions", "rebuild"]
