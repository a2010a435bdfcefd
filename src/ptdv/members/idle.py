"""Cells that admitted nobody for years (issue 8: "many residential cells have admitted nobody
for years"), for any unit on any day.

A cell is counted when it stood under the unit on the day and existed for all the years looked
at; it is idle when no admission in force was made in it in those years (the membership's
admission cell and ceremony day, D43: a corrected admission counts on its corrected day, a
member who came from outside PTĐV is nobody's admission).

The answer has two parts, so that it stays one grouped query at any size (today, at the top of
the tree, a read of the tree's counts, D52):
- counts per unit directly under the chosen one (how many cells, how many idle), read with each
  cell's kept last admission and the three admission days before it (D49, D63): the latest of
  them on or before the day says whether the cell admitted anyone in the years looked at; only
  a cell whose four kept days all came after the day has its admissions of the years searched.
  A past day reads the tree's facts (D52: one row per cell with its path now) for the cells
  whose spans did not change since, and the spans on the day of the few that did;
- the list of idle cells (residential first, then those idle longest) with each one's last
  admission, only when the unit has at most `list_limit()` cells: a list of the country's tens
  of thousands of cells helps nobody, its per-province counts lead to the provinces' lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr

from ptdv.core.text import prefix_upper_bound
from ptdv.members.asof import units_on
from ptdv.members.models import EARLIER_DAYS, Membership, UnitFacts
from ptdv.members.rules.dates import years_before
from ptdv.members.rules.treecounts import (
    FOUNDED,
    IDLE_YEARS,
    QUIET,
    admitted_after,
    decode_stretches,
    idle_in,
    idle_on,
)
from ptdv.members.treecounts import (
    answers,
    cell_counts,
    changed_since,
    idle_years_kept,
    kept_levels,
    stretch_levels,
)
from ptdv.orgs.models import CELL_KINDS, SPAN_STEP, OrgField, OrgSpan

# How many years without an admission put a cell on the list, unless the user chooses.
IDLE_YEARS_DEFAULT = IDLE_YEARS
# Above this many cells the page gives counts per unit below instead of the list.
LIST_LIMIT_DEFAULT = 1000
# A cell's latest admission days, latest first: through its span (the kept last admission and
# the days before it, D49, D63), or in the tree's facts (its quiet day: the later of its
# founding and its last admission; a cell counted here was founded before the years looked at).
_SPAN_DAYS = ("org__last_admission__on", *(f"org__last_admission__{f}" for f in EARLIER_DAYS))
_FACT_DAYS = ("quiet", *EARLIER_DAYS)


def list_limit() -> int:
    """Return how many cells a unit may have for its idle cells to be listed one by one
    (PTDV_IDLE_LIST_LIMIT, default 1,000; above it, counts per unit below)."""
    return int(getattr(settings, "PTDV_IDLE_LIST_LIMIT", LIST_LIMIT_DEFAULT))


@dataclass(frozen=True)
class IdleCell:
    """A cell that admitted nobody in the years looked at."""

    org_id: int
    name: str
    residential: bool
    last_admission: date | None  # None: no admission in the registry
    founded: date


@dataclass(frozen=True)
class IdleChild:
    """A unit directly under the chosen one: its cells looked at and how many are idle."""

    org_id: int
    name: str
    counted: int
    idle: int


@dataclass
class IdleCells:
    """The idle cells under a unit on a day: how many of how many, per unit below, and the
    cells themselves when there are few enough (`listed`)."""

    years: int = IDLE_YEARS_DEFAULT
    counted: int = 0
    idle: int = 0
    children: list[IdleChild] = field(default_factory=list)
    cells: list[IdleCell] = field(default_factory=list)
    listed: bool = True
    limit: int = LIST_LIMIT_DEFAULT


def idle_cells(
    root_path: str,
    day: date,
    years: int,
    *,
    limit: int | None = None,
    today: date | None = None,
    root_kind: str | None = None,
) -> IdleCells:
    """Return the cells under the path on the day that admitted nobody in the `years` years up
    to the day, among those that existed for all of them: one grouped query, one for the names
    of the units below, and two for the list (see the module's docstring). With `today` given,
    the counts of a unit at the top of the tree today are read from the tree's counts (D52),
    and any other day's from the tree's facts (D63). `root_kind`, the kind of the unit at the
    path on the day when the caller knows it: a cell is answered from its own row."""
    since = years_before(day, years)
    result = IdleCells(years, limit=list_limit() if limit is None else limit)
    cells = units_on(root_path, day).filter(kind__in=CELL_KINDS, org__valid_from__lte=since)
    child_path = len(root_path) + SPAN_STEP
    one_cell = root_kind in CELL_KINDS
    if one_cell:
        # No unit stands under a cell: it is the only cell looked at.
        per_child = _one_cell(cells, root_path, day, since)
    elif today is not None and _kept(root_path, day, today):
        kept = cell_counts(root_path, len(root_path) // SPAN_STEP, since)
        per_child = {child: [n[FOUNDED], n[QUIET]] for child, n in kept.items() if n[FOUNDED]}
    else:
        # A past day of a unit at the top of the tree (the nation, a province): tens of
        # thousands of cells, read from the idle stretches kept for the usual years (D66) or
        # else the tree's facts; a smaller unit reads its spans.
        depth = len(root_path) // SPAN_STEP
        top = today is not None and depth <= kept_levels()
        facts = None
        stretched = today is not None and depth <= stretch_levels() and years == idle_years_kept()
        if stretched and not _is_cell(root_path, day, root_kind):
            facts = _from_stretches(root_path, day, since)
        if top and facts is None:
            facts = _from_facts(root_path, day, since)
        per_child = (
            facts
            if facts is not None
            else _grouped(cells, child_path, _admitted_in(day, since, _SPAN_DAYS))
        )
    result.counted = sum(c for c, _i in per_child.values())
    result.idle = sum(i for _c, i in per_child.values())
    if not result.counted:
        return result
    spans = (
        units_on(root_path, day)
        .filter(path__in=[p for p in per_child if len(p) == child_path])
        .order_by("name", "org_id")
        .values_list("org_id", "name", "path")
    )
    result.children = [IdleChild(org_id, name, *per_child[path]) for org_id, name, path in spans]
    result.listed = result.counted <= result.limit
    if result.listed and result.idle:
        # A cell of its own is the idle one; otherwise the idle among the cells.
        idle = (
            cells.filter(path=root_path)
            if one_cell
            else cells.annotate(active=_admitted_in(day, since, _SPAN_DAYS)).filter(active=False)
        )
        result.cells = _listed(idle, day)
    return result


def _grouped(cells: QuerySet[Any], child_path: int, admitted: Case) -> dict[str, list[int]]:
    """Return [cells, idle cells] per unit below (the path's first `child_path` characters)."""
    # Grouped by the unit below alone (a few hundred groups: PostgreSQL hashes them).
    rows = (
        cells.annotate(child=Substr("path", 1, child_path), active=admitted)
        .values_list("child")
        .annotate(n=Count("pk"), idle=Count("pk", filter=Q(active=False)))
        .order_by()
    )
    return {child: [n, idle] for child, n, idle in rows}


def _one_cell(cells: QuerySet[Any], path: str, day: date, since: date) -> dict[str, list[int]]:
    """Return the count of a unit that is itself a cell, keyed as `_grouped` keys it: its row
    and kept days read plainly and the rule applied here (`admitted_after`), its admissions
    searched only when the kept days cannot tell. The grouped query's expression, a dozen
    conditions through two joins, costs Django more to write than PostgreSQL to run (3.8 → 1.4
    ms for a cell at full scale)."""
    row = cells.filter(path=path).values_list("org_id", *_SPAN_DAYS).first()
    if row is None:
        return {}
    org_id, *latest = row
    admitted = admitted_after(latest, since, day)
    if admitted is None:
        admitted = Membership.objects.filter(
            admission_cell_id=org_id, joined_on__gt=since, joined_on__lte=day
        ).exists()
    return {path: [1, 0 if admitted else 1]}


def _is_cell(path: str, day: date, kind: str | None) -> bool:
    """Return whether the unit at the path on the day is a cell (its kind, when the caller
    knows it, or its span's)."""
    if kind is None:
        kind = units_on(path, day).filter(path=path).values_list("kind", flat=True).first()
    return kind in CELL_KINDS


def _from_stretches(root_path: str, day: date, since: date) -> dict[str, list[int]] | None:
    """Return the counts per unit below from the tree's counts (D66): per unit below, the cells
    founded by `since` and the idle stretches begun less those ended by the day, a few rows
    each, for the cells that stand now where they stood on the day; the few whose spans changed
    since are taken away as the counts have them now (their facts) and counted from their spans
    on the day. None when too many changed."""
    changed = changed_since(root_path, day)
    if changed is None:
        return None
    child_path = len(root_path) + SPAN_STEP
    kept = cell_counts(root_path, len(root_path) // SPAN_STEP, since, day)
    per_child = {child: [n[FOUNDED], idle_on(n)] for child, n in kept.items()}
    if changed:
        now = UnitFacts.objects.filter(
            org_id__in=changed,
            path__gte=root_path,
            path__lt=prefix_upper_bound(root_path),
            kind__in=CELL_KINDS,
        )
        for path, founded, idle in now.values_list("path", "founded", "idle"):
            counts = per_child.setdefault(path[:child_path], [0, 0])
            counts[0] -= founded <= since
            counts[1] -= idle_in(decode_stretches(idle), day)
        _add(per_child, _moved(root_path, day, since, changed, child_path))
    return {child: counts for child, counts in per_child.items() if counts[0]}


def _moved(
    root_path: str, day: date, since: date, changed: set[int], child_path: int
) -> dict[str, list[int]]:
    """Return the counts per unit below of the changed cells, from their spans on the day."""
    moved = units_on(root_path, day).filter(
        kind__in=CELL_KINDS, org__valid_from__lte=since, org_id__in=changed
    )
    return _grouped(moved, child_path, _admitted_in(day, since, _SPAN_DAYS))


def _add(per_child: dict[str, list[int]], more: dict[str, list[int]]) -> None:
    for child, (n, idle) in more.items():
        counts = per_child.setdefault(child, [0, 0])
        counts[0] += n
        counts[1] += idle


def _from_facts(root_path: str, day: date, since: date) -> dict[str, list[int]] | None:
    """Return the counts per unit below from the tree's facts (D52, D63): one row per cell that
    stands now, with its path, founding day, quiet day and earlier admission days, for the cells
    whose spans did not change since the day (their path then is their path now); the few that
    changed are counted from their spans on the day. None when too many changed (the spans are
    then read for all)."""
    changed = changed_since(root_path, day)
    if changed is None:
        return None
    child_path = len(root_path) + SPAN_STEP
    cells = UnitFacts.objects.filter(
        path__gte=root_path,
        path__lt=prefix_upper_bound(root_path),
        kind__in=CELL_KINDS,
        founded__lte=since,
    )
    per_child = _grouped(
        cells.exclude(org_id__in=changed) if changed else cells,
        child_path,
        _admitted_in(day, since, _FACT_DAYS),
    )
    if changed:
        _add(per_child, _moved(root_path, day, since, changed, child_path))
    return per_child


def _kept(root_path: str, day: date, today: date) -> bool:
    """Return whether the tree's counts (D52) answer for the unit at the path (not a cell
    itself: a cell counts only under the units above it)."""
    if not answers(len(root_path) // SPAN_STEP, day, today):
        return False
    own = OrgSpan.objects.filter(path=root_path, valid_to__isnull=True)
    return not own.filter(kind__in=CELL_KINDS).exists()


def _admitted_in(day: date, since: date, latest: tuple[str, ...]) -> Case:
    """Return whether a cell admitted anyone after `since` up to the day, from the fields that
    hold its latest admission days, latest first (null: no such day): the first of them on or
    before the day answers (D49, D63); a cell whose kept days all came after the day has its
    admissions of those years searched. The SQL of `rules.treecounts.admitted_after`."""
    searched = Membership.objects.filter(
        admission_cell_id=OuterRef("org_id"), joined_on__gt=since, joined_on__lte=day
    )
    whens = []
    for name in latest:
        whens += [
            When(**{f"{name}__isnull": True}, then=Value(False)),
            When(**{f"{name}__lte": since}, then=Value(False)),
            When(**{f"{name}__lte": day}, then=Value(True)),
        ]
    return Case(*whens, default=Exists(searched), output_field=BooleanField())


def _listed(idle_cells: QuerySet[OrgSpan], day: date) -> list[IdleCell]:
    """Return the idle cells one by one with their last admission up to the day."""
    idle = {
        row["org_id"]: row
        for row in idle_cells.values("org_id", "name", "org__valid_from", "org__field")
    }
    last = dict(
        Membership.objects.filter(admission_cell_id__in=list(idle), joined_on__lte=day)
        .values("admission_cell_id")
        .annotate(last=Max("joined_on"))
        .values_list("admission_cell_id", "last")
    )
    found = [
        IdleCell(
            org_id,
            row["name"],
            row["org__field"] == OrgField.RESIDENTIAL,
            last.get(org_id),
            row["org__valid_from"],
        )  # fmt: skip
        for org_id, row in idle.items()
    ]
    found.sort(key=lambda c: (not c.residential, c.last_admission or date.min, c.name.lower()))
    return found


__all__ = ["IDLE_YEARS_DEFAULT", "IdleCell", "IdleCells", "IdleChild", "idle_cells", "list_limit"]
