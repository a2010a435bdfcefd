"""Admissions of a period for the tables and the dashboard (DOMAIN §6.2, issue 8): by column
key (counting), each member's age taken on the day of admission, for a unit and per child unit
as the children stood on the period's last day.

Read from the admission rows (members.aggregates.admissions, decision D43) when they answer,
else from the events (members.asof)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ptdv.members import aggregates, asof
from ptdv.members.models import MemberEvent
from ptdv.members.rules.stats import SpanFacts, unit_ids
from ptdv.members.rules.stats import span_on as stats_span_on
from ptdv.orgs.models import SPAN_STEP, Org, OrgSpan
from ptdv.orgs.selectors import span_on
from ptdv.people.models import Person
from ptdv.reports import counting

# What an admission's person is read with: the birth date and the columns counted.
_PERSON_FIELDS = ("birth_date", *(f.removeprefix("person__") for f in counting.PERSON_FIELDS))


def _admitted(events: QuerySet[MemberEvent]) -> list[dict[str, Any]]:
    """Return each admission's day ("on"), cell ("cell_id") and person's values (keyed as
    counting.add_person reads them: "person__sex" …): the events first, then their people, in
    two small queries. One query joining the events to the people and to their five reference
    lists cost PostgreSQL 12 ms of planning for a cell's page (0.4 ms to run), even when the
    cell admitted nobody, as most cells in most years."""
    found = list(events.values_list("on", "cell_id", "membership__person_id"))
    if not found:
        return []
    people = {
        row.pop("pk"): {f"person__{key}": value for key, value in row.items()}
        for row in Person.objects.filter(pk__in={p for _on, _cell, p in found}).values(
            "pk", *_PERSON_FIELDS
        )
    }
    return [{"on": on, "cell_id": cell, **people[person]} for on, cell, person in found]


def admission_counts(
    unit: Org,
    since: date,
    day: date,
    children: dict[str, int] | None = None,
    *,
    today: date | None = None,
    child_totals: bool = False,
    path: str | None = None,
) -> tuple[Counter[str], dict[int | None, Counter[str]]]:
    """Return the unit's admissions in [since, day] by column key, each member's age taken on
    the day of admission (with the sum of ages for the average), and the same per child unit:
    `children` maps each child's span path on the day to its id; an admission goes to the child
    its cell stands under on the day (None: a cell no longer under the unit then).

    Read from the admission rows (D43) when they answer (whole months, the unit and its
    children among the kept levels; `today`, by default the clock's, says whether a day that is
    not a month's last is today), with the admissions of the cells that moved in the period
    placed again by the day; otherwise from the events, in one query. With `child_totals`
    (the dashboard's column of admissions per unit below) the children's counts from the rows
    may hold their "total" alone. `path`: the unit's span path on the day, when the caller has
    read it."""
    children = children or {}
    today = today or timezone.localdate()
    kept = _admissions_kept(unit, since, day, children, today, child_totals=child_totals, path=path)
    if kept is not None:
        return kept
    return from_events(unit, since, day, children)


def from_events(
    unit: Org, since: date, day: date, children: dict[str, int]
) -> tuple[Counter[str], dict[int | None, Counter[str]]]:
    """Return `admission_counts` read from the events (one query)."""
    place = _placer(unit, day, children)
    total: Counter[str] = Counter()
    by_child: dict[int | None, Counter[str]] = {}
    for row in _admitted(asof.admissions(unit, since, day)):
        birth = row["person__birth_date"]
        for counts in (total, by_child.setdefault(place(row["cell_id"]), Counter())):
            _add_admission(counts, row, row["on"], birth, 1)
    return total, by_child


def _add_admission(
    counts: Counter[str], row: dict[str, Any], on: date, birth: date, n: int
) -> None:
    counting.add_person(counts, row, n, counting.band(birth, on))
    counts["age_days"] += n * (on - birth).days


def _admission_keys(found: aggregates.Admitted | None) -> Counter[str]:
    """Return the column keys of admissions read from the admission rows."""
    counts: Counter[str] = Counter()
    if found is None:
        return counts
    flags = {("sex", "F"): "women", **{(dim, "1"): key for dim, key in counting.FLAG_DIMS}}
    lists = {dim: prefix for prefix, dim in counting.LIST_DIMS.items()}
    for (dim, value), n in found.counts.items():
        if dim == "":
            counts["total"] += n
        elif (dim, value) in flags:
            counts[flags[(dim, value)]] += n
        elif dim == "age":
            counts[f"age:{counting.age_band(int(value))}"] += n
        elif dim in lists:
            counts[f"{lists[dim]}:{value}"] += n
    counts["age_days"] += found.age_days
    return +counts


def _admissions_kept(
    unit: Org,
    since: date,
    day: date,
    children: dict[str, int],
    today: date,
    *,
    child_totals: bool = False,
    path: str | None = None,
) -> tuple[Counter[str], dict[int | None, Counter[str]]] | None:
    """Return `admission_counts` from the admission rows, or None when they cannot answer.

    The rows place an admission by where its cell stood on the ceremony day, the table by where
    it stands on the last day: the two differ only for the cells that moved in the period, whose
    admissions are read from the events and moved from the one child to the other."""
    if unit.depth > aggregates.kept_levels():
        # Below the kept levels now (a cell, a grassroots committee): no rows to read, and the
        # events answer alike (without the probe of its spans over the period).
        return None
    found = aggregates.admissions(
        [unit.pk, *children.values()],
        since,
        day,
        today,
        totals=children.values() if child_totals else (),
    )
    if found is None:
        return None
    total = _admission_keys(found.get(unit.pk))
    by_child: dict[int | None, Counter[str]] = {
        child: _admission_keys(found.get(child)) for child in children.values()
    }
    # What no child counts: the admissions in the unit itself (a unit without children, or a
    # cell standing directly among the kept levels) and, below, those of the cells that moved.
    unplaced = Counter(total)
    if path is None:
        root = span_on(unit, day)
        path = root.path if root else None
    moved = asof.moved_cells(path, since, day) if path else set()
    if moved:
        _place_again(unit, since, day, children, moved, by_child, unplaced)
    for child in children.values():
        unplaced.subtract(by_child[child])
    by_child[None] = unplaced + by_child.get(None, Counter())
    return total, {k: +v for k, v in by_child.items() if k is not None or +v}


def _place_again(
    unit: Org,
    since: date,
    day: date,
    children: dict[str, int],
    moved: set[int],
    by_child: dict[int | None, Counter[str]],
    unplaced: Counter[str],
) -> None:
    """Take the admissions of the cells that moved in the period out of what the rows count
    (each child the cell stood under on the ceremony day, and the unit's total) and place them
    as the table does: under the child the cell stands under on the day (None: no child, or
    not under the unit then), counting only those made under the unit."""
    events = _admitted(asof.admissions_in_cells(moved, since, day))
    if not events:
        return
    spans: dict[int, list[SpanFacts]] = {}
    for org_id, start, stop, path in (
        OrgSpan.objects.filter(org_id__in={e["cell_id"] for e in events})
        .order_by("valid_from")
        .values_list("org_id", "valid_from", "valid_to", "path")
    ):
        spans.setdefault(org_id, []).append(SpanFacts(start, stop, path))
    levels = aggregates.kept_levels()
    place = _placer(unit, day, children)
    child_ids = set(children.values())
    for row in events:
        then = stats_span_on(spans.get(row["cell_id"], []), row["on"])
        ids = unit_ids(then.path, SPAN_STEP)[:levels] if then else []
        birth, on = row["person__birth_date"], row["on"]
        for counted in child_ids.intersection(ids):
            _add_admission(by_child[counted], row, on, birth, -1)
        if unit.pk in ids:
            _add_admission(unplaced, row, on, birth, -1)
            target = by_child.setdefault(place(row["cell_id"]), Counter())
            _add_admission(target, row, on, birth, 1)


def _placer(unit: Org, day: date, children: dict[str, int]) -> Any:
    """Return cell id -> the id of the child (by span path on the day) it stands under."""
    if not children:
        # No child to place under (a cell's page): nothing to read.
        return lambda _cell_id: None
    root = span_on(unit, day)
    spans = asof.paths_on(root.path, day) if root else {}
    width = (len(root.path) + SPAN_STEP) if root else 0

    def place(cell_id: int) -> int | None:
        path = spans.get(cell_id)
        return children.get(path[:width]) if path is not None else None

    return place
