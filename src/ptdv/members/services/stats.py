"""Keeping the monthly aggregates (decision D39): every write that changes member periods, a
membership's admission, a unit's place in the tree or a person's attributes applies the
difference it makes to the `MemberStat` rows and their yearly sums (`MemberStatYear`), and to
the admission rows (`AdmissionStat`, D43), in its own transaction; `rebuild` recomputes them all
from the periods and the memberships.

The arithmetic is members.rules.stats (pure); this module loads its inputs in bulk — the
periods, the spans of their cells, the persons' attributes — and writes the rows with one
"insert or add" statement per batch, which both SQLite and PostgreSQL run atomically, so two
writers adding to the same row never lose an update.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ptdv.core.bulk import copy_rows, execute_rows
from ptdv.core.compare import mismatches
from ptdv.members.aggregates import folded_through, kept_levels, kept_stocks, packed_year
from ptdv.members.asof import admission_counts_by
from ptdv.members.models import (
    AdmissionStat,
    AdmissionStatYear,
    MemberPeriod,
    Membership,
    MemberStat,
    MemberStatBase,
    MemberStatYear,
    PackKind,
    StatPack,
)
from ptdv.members.rules import packs as packed
from ptdv.members.rules import stats as rules
from ptdv.members.rules.stats import (
    ADMISSION_MEASURES,
    DIMENSIONS,
    PERSON_VALUES,
    dims_of,
    month_end,
    month_of,
)
from ptdv.members.services import last_admissions, packs, treecounts
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


# A person as the aggregates read them: the dimensions' values and the birth date (the age at
# admission needs the day, the stock rows only the month).
PersonFacts = tuple[dict[str, str], date]
# A membership's admission as the aggregates read it: (person, cell, ceremony, decision).
AdmissionRow = tuple[int, int, date, date]


def _people(person_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    return {pid: dims for pid, (dims, _birth) in _persons(person_ids).items()}


def _persons(person_ids: Iterable[int]) -> dict[int, PersonFacts]:
    return {
        row["pk"]: (dims_of(row), row["birth_date"])
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
    levels = kept_levels()
    for person_id, cell_id, standing, exempted, temp_cell_id, start, stop in periods:
        facts = rules.PeriodFacts(cell_id, standing, exempted, temp_cell_id is not None,
                                  start, stop)  # fmt: skip
        total.update(
            rules.period_contributions(
                facts, spans.get(cell_id, []), people[person_id], SPAN_STEP, levels
            )
        )
    return total


def difference(before: Counter[rules.Key], after: Counter[rules.Key]) -> Counter[rules.Key]:
    """Return after − before, keeping negative and dropping zero entries."""
    delta = Counter(after)
    delta.subtract(before)
    return Counter({k: v for k, v in delta.items() if v})


_COLUMNS = rules.MEASURES
MonthRows = dict[tuple[int, date, str, str], list[int]]
YearRows = dict[tuple[int, int, str, str], list[int]]


def _upsert(table: str, period: str) -> str:
    return (
        f"INSERT INTO {table} (org_id, {period}, dim, value, {', '.join(_COLUMNS)}) VALUES "
        f"(%s, %s, %s, %s, {', '.join(['%s'] * len(_COLUMNS))}) ON CONFLICT (org_id, dim, "
        f"{period}, value) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in _COLUMNS)
    )


_UPSERT_MONTH = _upsert("members_memberstat", "month")
_UPSERT_YEAR = _upsert("members_memberstatyear", "year")


def _rows(delta: Counter[rules.Key]) -> MonthRows:
    rows: MonthRows = {}
    index = {m: i for i, m in enumerate(_COLUMNS)}
    for (org_id, month, dim, value, measure), n in delta.items():
        if measure in index:
            rows.setdefault((org_id, month, dim, value), [0] * len(_COLUMNS))[index[measure]] += n
    return {k: v for k, v in rows.items() if any(v)}


def _summed(rows: MonthRows, period: Callable[[date], Any]) -> dict[Any, list[int]]:
    """Return the monthly rows summed per unit, `period(month)`, dimension and value (a month
    whose period is None left out; zero sums dropped)."""
    sums: dict[Any, list[int]] = {}
    for (org_id, month, dim, value), counts in rows.items():
        when = period(month)
        if when is not None:
            kept = sums.setdefault((org_id, when, dim, value), [0] * len(_COLUMNS))
            for i, n in enumerate(counts):
                kept[i] += n
    return {k: v for k, v in sums.items() if any(v)}


def years_of(rows: MonthRows) -> YearRows:
    """Return the yearly rows: the monthly rows summed per calendar year (zero sums dropped)."""
    return _summed(rows, lambda month: month.year)


# Keyed like the other rows: (unit, through, dimension, value).
BaseRows = dict[tuple[int, date, str, str], list[int]]
_UPSERT_BASE = (
    f"INSERT INTO members_memberstatbase (org_id, through, dim, value, {', '.join(_COLUMNS)}) "
    f"VALUES (%s, %s, %s, %s, {', '.join(['%s'] * len(_COLUMNS))}) ON CONFLICT (org_id, dim, "
    "value) DO UPDATE SET "
    + ", ".join(f"{c} = members_memberstatbase.{c} + excluded.{c}" for c in _COLUMNS)
)


def bases_of(rows: MonthRows, through: date | None) -> BaseRows:
    """Return the base rows: the monthly rows up to and including the month `through`, summed
    per unit, dimension and value (zero sums dropped; none without a fold) — D46."""
    if through is None:
        return {}
    return _summed(rows, lambda month: through if month <= through else None)


_UPSERT_ADMISSIONS = (
    "INSERT INTO members_admissionstat (org_id, month, dim, value, admitted, age_days) VALUES "
    "(%s, %s, %s, %s, %s, %s) ON CONFLICT (org_id, month, dim, value) DO UPDATE SET "
    "admitted = members_admissionstat.admitted + excluded.admitted, "
    "age_days = members_admissionstat.age_days + excluded.age_days"
)
AdmissionRows = dict[tuple[int, date, str, str], list[int]]
_UPSERT_ADMISSION_YEARS = (
    "INSERT INTO members_admissionstatyear (org_id, year, dim, value, admitted, age_days) VALUES "
    "(%s, %s, %s, %s, %s, %s) ON CONFLICT (org_id, year, dim, value) DO UPDATE SET "
    "admitted = members_admissionstatyear.admitted + excluded.admitted, "
    "age_days = members_admissionstatyear.age_days + excluded.age_days"
)


def _admission_rows(delta: Counter[rules.Key]) -> AdmissionRows:
    rows: AdmissionRows = {}
    index = {m: i for i, m in enumerate(ADMISSION_MEASURES)}
    for (org_id, month, dim, value, measure), n in delta.items():
        if measure in index:
            rows.setdefault((org_id, month, dim, value), [0, 0])[index[measure]] += n
    return {k: v for k, v in rows.items() if any(v)}


def admission_years_of(rows: AdmissionRows) -> dict[tuple[int, int, str, str], list[int]]:
    """Return the yearly admission rows: the monthly ones summed per calendar year (D51; zero
    sums dropped)."""
    sums: dict[tuple[int, int, str, str], list[int]] = {}
    for (org_id, month, dim, value), counts in rows.items():
        kept = sums.setdefault((org_id, month.year, dim, value), [0] * len(counts))
        for i, n in enumerate(counts):
            kept[i] += n
    return {k: v for k, v in sums.items() if any(v)}


def apply(delta: Counter[rules.Key], *, batch_size: int = 2000) -> int:
    """Add the delta to the monthly and yearly rows and to the admission rows, monthly and
    yearly (creating them), drop the rows left at zero; return how many monthly rows were
    touched. Runs inside the caller's transaction."""
    admissions = _admission_rows(delta)
    rows = _rows(delta)
    if not rows and not admissions:
        return 0
    years = years_of(rows)
    zero = Q(**{c: 0 for c in _COLUMNS})
    touched = {k[0] for k in rows}
    batches: list[tuple[str, list[tuple[Any, ...]]]] = [
        (_UPSERT_MONTH, [(*key, *values) for key, values in rows.items()]),
        (_UPSERT_YEAR, [(*key, *values) for key, values in years.items()]),
        (_UPSERT_ADMISSIONS, [(*key, *values) for key, values in admissions.items()]),
        (
            _UPSERT_ADMISSION_YEARS,
            [(*key, *values) for key, values in admission_years_of(admissions).items()],
        ),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in batches:
            for i in range(0, len(params), batch_size):
                execute_rows(cursor, sql, params[i : i + batch_size])
        if rows:
            MemberStat.objects.filter(zero, org_id__in=touched).delete()
            MemberStatYear.objects.filter(zero, org_id__in=touched).delete()
            # After the monthly rows are written (a fold waits for this transaction, D46).
            bases = bases_of(rows, folded_through())
            if bases:
                params = [(*key, *values) for key, values in bases.items()]
                for i in range(0, len(params), batch_size):
                    execute_rows(cursor, _UPSERT_BASE, params[i : i + batch_size])
                MemberStatBase.objects.filter(zero, org_id__in=touched).delete()
        if admissions:
            admitting = {k[0] for k in admissions}
            AdmissionStat.objects.filter(admitted=0, age_days=0, org_id__in=admitting).delete()
            AdmissionStatYear.objects.filter(admitted=0, age_days=0, org_id__in=admitting).delete()
    return len(rows)


# --- what writes call -------------------------------------------------------------------------


def periods_of(membership_ids: Iterable[int]) -> list[PeriodRow]:
    return list(
        MemberPeriod.objects.filter(membership_id__in=list(membership_ids)).values_list(
            *PERIOD_VALUES
        )
    )


def admission_of(membership: Membership) -> list[AdmissionRow]:
    """Return the membership's admission as the aggregates count it (none for a membership
    that began by a transfer from outside PTĐV), from its columns as they are in memory."""
    if membership.admission_cell_id is None:
        return []
    return [(membership.person_id, membership.admission_cell_id, membership.joined_on,
             membership.decision_on)]  # fmt: skip


def admissions_of(memberships: Iterable[Membership]) -> list[AdmissionRow]:
    return [row for m in memberships for row in admission_of(m)]


def _admissions(condition: Q) -> list[AdmissionRow]:
    return list(
        Membership.objects.filter(condition, admission_cell__isnull=False).values_list(
            "person_id", "admission_cell_id", "joined_on", "decision_on"
        )
    )


def admission_contributions(
    rows: list[AdmissionRow],
    *,
    persons: dict[int, PersonFacts] | None = None,
    spans: dict[int, list[rules.SpanFacts]] | None = None,
) -> Counter[rules.Key]:
    """Return what the admissions add to the admission rows (inputs loaded unless given); the
    month is the ceremony's or the decision's, as PTDV_MEMBERS_ADMISSION_DATE says."""
    persons = persons if persons is not None else _persons(r[0] for r in rows)
    spans = spans if spans is not None else _spans(r[1] for r in rows)
    by_decision = admission_counts_by() == "decision"
    levels = kept_levels()
    total: Counter[rules.Key] = Counter()
    for person_id, cell_id, on, decision_on in rows:
        dims, birth = persons[person_id]
        fact = rules.AdmissionFacts(cell_id, on, decision_on if by_decision else on, birth)
        total.update(
            rules.admission_contributions(fact, spans.get(cell_id, []), dims, SPAN_STEP, levels)
        )
    return total


def membership_rewritten(
    periods: tuple[list[PeriodRow], list[PeriodRow]],
    admissions: tuple[list[AdmissionRow], list[AdmissionRow]],
    *,
    membership_id: int | None = None,
) -> None:
    """A membership's periods and admission were rewritten from its events (before, after
    each; the membership, not saved yet, named by its id if it has one): add what changed to
    the rows, in one write, and keep its cells' last admission (D49) when its admission was
    entered, corrected or withdrawn. The people and the cells' spans are read once for both."""
    (periods_before, periods_after), (admitted_before, admitted_after) = periods, admissions
    periods_changed = periods_before != periods_after
    admission_changed = admitted_before != admitted_after
    if not periods_changed and not admission_changed:
        return
    rows = periods_before + periods_after
    admitted = admitted_before + admitted_after
    persons = _persons({p[0] for p in rows} | {a[0] for a in admitted})
    spans = _spans({p[1] for p in rows} | {a[1] for a in admitted})
    people = {pid: dims for pid, (dims, _birth) in persons.items()}
    delta: Counter[rules.Key] = Counter()
    if periods_changed:
        delta.update(
            difference(
                contributions(periods_before, people=people, spans=spans),
                contributions(periods_after, people=people, spans=spans),
            )
        )
    if admission_changed:
        # (Other measures than the periods': the two deltas never share a key.)
        delta.update(
            difference(
                admission_contributions(admitted_before, persons=persons, spans=spans),
                admission_contributions(admitted_after, persons=persons, spans=spans),
            )
        )
    apply(delta)
    if admission_changed:
        last_admissions.refresh(
            (row[1] for row in admitted),
            membership_id=membership_id,
            admissions=[(row[1], row[2]) for row in admitted_after],
        )


def _everything(
    periods: list[PeriodRow], admissions: list[AdmissionRow], persons: dict[int, PersonFacts]
) -> Counter[rules.Key]:
    """Return what the periods and the admissions add (spans read now)."""
    people = {pid: dims for pid, (dims, _birth) in persons.items()}
    total = contributions(periods, people=people)
    total.update(admission_contributions(admissions, persons=persons))
    return total


@contextmanager
def tree_changing(path: str, day: date) -> Iterator[None]:
    """Around a change of the tree under a span path from a day on (a move, a dissolution): the
    periods of the cells that stood under it then, or later, and their admissions from that day
    on, are counted again with the new spans."""
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
    admitted = _admissions(Q(admission_cell_id__in=cells, joined_on__gte=day))
    persons = _persons({p[0] for p in affected} | {a[0] for a in admitted})
    before = _everything(affected, admitted, persons)
    yield
    apply(difference(before, _everything(affected, admitted, persons)))


def person_changed(person_id: int, before: PersonFacts, after: PersonFacts) -> None:
    """A person's attributes changed: their periods and admissions move from the old values to
    the new."""
    if before == after:
        return
    periods = list(MemberPeriod.objects.filter(person_id=person_id).values_list(*PERIOD_VALUES))
    admitted = _admissions(Q(person_id=person_id))
    if not periods and not admitted:
        return
    spans = _spans([p[1] for p in periods] + [a[1] for a in admitted])
    old = contributions(periods, people={person_id: before[0]}, spans=spans)
    old.update(admission_contributions(admitted, persons={person_id: before}, spans=spans))
    new = contributions(periods, people={person_id: after[0]}, spans=spans)
    new.update(admission_contributions(admitted, persons={person_id: after}, spans=spans))
    apply(difference(old, new))


def person_dims(person_id: int) -> PersonFacts | None:
    row = Person.objects.filter(pk=person_id).values(*PERSON_VALUES).first()
    return (dims_of(row), row["birth_date"]) if row else None


# --- rebuild and check ------------------------------------------------------------------------


def computed(*, chunk: int = 20000) -> MonthRows:
    """Return every monthly row as recomputed from the periods (current members and former
    ones)."""
    total: Counter[rules.Key] = Counter()
    ids = list(MemberPeriod.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), chunk):
        batch = list(
            MemberPeriod.objects.filter(pk__in=ids[i : i + chunk]).values_list(*PERIOD_VALUES)
        )
        total.update(contributions(batch))
    return _rows(total)


def computed_admissions(*, chunk: int = 20000) -> AdmissionRows:
    """Return every admission row as recomputed from the memberships."""
    total: Counter[rules.Key] = Counter()
    ids = list(
        Membership.objects.filter(admission_cell__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for i in range(0, len(ids), chunk):
        total.update(admission_contributions(_admissions(Q(pk__in=ids[i : i + chunk]))))
    return _admission_rows(total)


def _stored(model: Any, period: str, columns: tuple[str, ...] = _COLUMNS) -> dict[Any, list[int]]:
    rows = model.objects.values_list("org_id", period, "dim", "value", *columns)
    return {(r[0], r[1], r[2], r[3]): list(r[4:]) for r in rows}


def _with(
    kept: dict[Any, list[int]], found: Iterable[tuple[int, Any, packed.Pack]]
) -> dict[Any, list[int]]:
    """Return the rows with the packs' counts added to those of the same keys (the packs'
    periods as `found` gives them), the keys left at zero dropped."""
    total = {key: list(counts) for key, counts in kept.items()}
    for org_id, period, pack in found:
        for dim, value, counts in packed.entries(pack):
            have = total.setdefault((org_id, period, dim, value), [0] * len(counts))
            for i, n in enumerate(counts):
                have[i] += n
    return {key: counts for key, counts in total.items() if any(counts)}


def _year_changes() -> Iterator[tuple[int, int, packed.Pack]]:
    """Yield the change of each unit's stock over each packed year: its year-end pack less the
    one before (a missing pack: no members then)."""
    last = packed_year()
    ends: dict[int, dict[int, packed.Pack]] = defaultdict(dict)
    for org_id, period, pack in packs.packs_of(PackKind.YEAR_END):
        ends[org_id][period.year] = pack
    for org_id, years in ends.items():
        for year in range(min(years), (last or 0) + 1):
            change = packed.add({}, years.get(year, {}))
            yield org_id, year, packed.add(change, years.get(year - 1, {}), -1)


def stored_admissions() -> AdmissionRows:
    """Return the admission rows as kept: the rows and the packs (D57)."""
    return _with(_stored(AdmissionStat, "month", ADMISSION_MEASURES),
                 packs.packs_of(PackKind.ADMISSIONS))  # fmt: skip


def stored_admission_years() -> dict[tuple[int, int, str, str], list[int]]:
    return _with(
        _stored(AdmissionStatYear, "year", ADMISSION_MEASURES),
        ((o, p.year, pack) for o, p, pack in packs.packs_of(PackKind.ADMISSION_YEAR)),
    )


def stored() -> MonthRows:
    return _with(_stored(MemberStat, "month"), packs.packs_of(PackKind.MONTH))


def stored_years() -> YearRows:
    return _with(_stored(MemberStatYear, "year"), _year_changes())


def stored_bases() -> BaseRows:
    return _stored(MemberStatBase, "through")


def differences(limit: int = 20) -> list[str]:
    """Return up to `limit` rows (monthly, yearly, admissions, base, then the cells' last
    admissions and the tree's counts) where the stored aggregates differ from a recomputation."""
    want = computed()
    bases = bases_of(want, folded_through())
    admitted = computed_admissions()
    problems: list[str] = []
    checks: tuple[tuple[dict[Any, list[int]], dict[Any, list[int]], str], ...] = (
        (want, stored(), "tháng {:%m/%Y}"),
        (years_of(want), stored_years(), "năm {}"),
        (admitted, stored_admissions(), "kết nạp tháng {:%m/%Y}"),
        (admission_years_of(admitted), stored_admission_years(), "kết nạp năm {}"),
        (bases, stored_bases(), "đến hết tháng {:%m/%Y}"),
    )
    for wanted, have, when in checks:

        def describe(key: Any, kept: Any, recomputed: Any, when: str = when) -> str:
            org_id, period, dim, value = key
            return (f"đơn vị {org_id}, {when.format(period)}, {dim or 'tổng'}={value}: "
                    f"lưu {kept}, tính lại {recomputed}")  # fmt: skip

        problems += mismatches(wanted, have, describe, limit=limit - len(problems),
                               order=lambda k: (k[0], k[2], k[1], k[3]))  # fmt: skip
    problems += last_admissions.differences(limit - len(problems))
    return problems + treecounts.differences(limit - len(problems))


def _replace(
    model: Any,
    period: str,
    kept: dict[Any, list[int]],
    batch_size: int,
    columns: tuple[str, ...] = _COLUMNS,
) -> None:
    model.objects.all().delete()
    model.objects.bulk_create(
        (
            model(
                org_id=org_id,
                dim=dim,
                value=value,
                **{period: when},
                **dict(zip(columns, values, strict=True)),
            )  # fmt: skip
            for (org_id, when, dim, value), values in kept.items()
        ),
        batch_size=batch_size,
    )


def default_fold(today: date) -> date:
    """Return the month a fold defaults to: December of the year before today's, so that every
    day of this year is read from the base and this year's months (D46)."""
    return date(today.year - 1, 12, 1)


def rebuild(*, batch_size: int = 5000, through: date | None = None) -> int:
    """Replace every aggregate row (and the cells' last admissions, the tree's counts) by the
    recomputation, the base folded through `through` (default: `default_fold` of today) and
    the rows packed as a fold packs them (D57); return how many monthly rows were computed."""
    rows = computed()
    admissions = computed_admissions()
    through = month_of(through or default_fold(timezone.localdate()))
    with transaction.atomic():
        StatPack.objects.all().delete()
        _replace(MemberStat, "month", rows, batch_size)
        _replace(MemberStatYear, "year", years_of(rows), batch_size)
        _replace(AdmissionStat, "month", admissions, batch_size, ADMISSION_MEASURES)
        _replace(AdmissionStatYear, "year", admission_years_of(admissions), batch_size,
                 ADMISSION_MEASURES)  # fmt: skip
        _replace(MemberStatBase, "through", bases_of(rows, through), batch_size)
        last_admissions.rebuild()
        treecounts.rebuild()
        packs.pack(through)  # as a fold leaves them (D57)
    return len(rows)


def fold(through: date) -> int:
    """Move the rows of the months up to `through`'s, and the yearly rows of the years up to
    its year, into packs (D57), then recompute the base rows as the stock at the end of that
    month (D46); return how many base rows. Writers wait (PostgreSQL: the aggregate rows are
    locked against writes until the fold commits), so no write is counted twice or lost. A
    fold through a year before the last one packed is refused (`packs.FoldRefused`)."""
    through = month_of(through)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(model._meta.db_table for model in packs.PACKED_TABLES)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        # First: on SQLite this takes the database's write lock for the whole fold.
        MemberStatBase.objects.all().delete()
        packs.pack(through)
        units = set(StatPack.objects.values_list("org_id", flat=True).distinct())
        for model in packs.PACKED_TABLES:
            units.update(model.objects.values_list("org_id", flat=True).distinct())
        stock = kept_stocks(sorted(units), month_end(through))
        rows = [
            (org_id, through, dim, value, *(counts[m] for m in _COLUMNS))
            for org_id, dims in stock.items()
            for dim, values in dims.items()
            for value, counts in values.items()
        ]
        copy_rows(MemberStatBase, ["org_id", "through", "dim", "value", *_COLUMNS], rows)
        return len(rows)


__all__ = ["DIMENSIONS", "apply", "contributions", "rebuild"]
