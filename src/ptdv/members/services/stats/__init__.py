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

from ptdv.core.bulk import execute_rows
from ptdv.members.aggregates import folded_through, kept_levels
from ptdv.members.asof import admission_counts_by
from ptdv.members.models import (
    AdmissionStat,
    AdmissionStatYear,
    MemberPeriod,
    Membership,
    MemberStat,
    MemberStatBase,
    MemberStatYear,
)
from ptdv.members.rules import stats as rules
from ptdv.members.rules.stats import (
    ADMISSION_MEASURES,
    DIMENSIONS,
    PERSON_VALUES,
    dims_of,
)
from ptdv.members.services import last_admissions
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


# The recomputation, the check and the fold, in their own module (it reads the helpers above).
from ptdv.members.services.stats import rebuild as _rebuild  # noqa: E402

computed = _rebuild.computed
computed_admissions = _rebuild.computed_admissions
default_fold = _rebuild.default_fold
differences = _rebuild.differences
fold = _rebuild.fold
rebuild = _rebuild.rebuild
stored = _rebuild.stored
stored_admission_years = _rebuild.stored_admission_years
stored_admissions = _rebuild.stored_admissions
stored_bases = _rebuild.stored_bases
stored_years = _rebuild.stored_years

__all__ = ["DIMENSIONS", "apply", "contributions", "rebuild"]
