"""As-of figures: members and organisations of any unit's subtree on any day (issue 7 item 10).

One module for pages, the API, the command line and the coming reports. Everything is placed
where it stood on the day asked (the dated tree, decision D28): a unit's subtree on day D is the
spans in force on D under the unit's own span path on D; a member counts where their period in
force on D places them (decision D30). Admissions and recognitions in a period are placed where
their cell stood on the event's day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from ptdv.core import memo
from ptdv.core.text import prefix_upper_bound
from ptdv.members import treecounts
from ptdv.members.models import EventKind, MemberEvent, MemberPeriod, Membership, Standing
from ptdv.members.rules.dates import years_before
from ptdv.orgs.models import CELL_KINDS, SPAN_STEP, Org, OrgKind, OrgSpan
from ptdv.orgs.selectors import span_on

# Age bands of the statistical reports: 18–30, 31–35, then 5-year bands (DOMAIN §6.2).
AGE_BANDS: tuple[tuple[int, int | None], ...] = (
    (18, 30),
    (31, 35),
    (36, 40),
    (41, 45),
    (46, 50),
    (51, 55),
    (56, 60),
    (61, 65),
    (66, 70),
    (71, None),
)

# The person's attributes the figures are split by, as (key, ORM path of the value).
BREAKDOWNS: dict[str, str] = {
    "sex": "person__sex",
    "ethnic_group": "person__ethnic_group__name",
    "religion": "person__religion__name",
    "education": "person__education__name",
    "theory_level": "person__theory_level__name",
    "occupation": "person__occupation__name",
}


def band_label(low: int, high: int | None) -> str:
    return f"{low}–{high}" if high is not None else f"{low}+"


def age_band_expression(day: date, prefix: str = "person__") -> Case:
    """Return an SQL expression naming the age band of a person on `day` (full years)."""
    whens = []
    for low, high in AGE_BANDS:
        # Age ≥ low ⇔ born on or before day − low years; age ≤ high ⇔ born after
        # day − (high + 1) years.
        condition = Q(**{f"{prefix}birth_date__lte": years_before(day, low)})
        if high is not None:
            condition &= Q(**{f"{prefix}birth_date__gt": years_before(day, high + 1)})
        whens.append(When(condition, then=Value(band_label(low, high))))
    return Case(*whens, default=Value("<18"), output_field=CharField())


@dataclass
class UnitCounts:
    grassroots_committees: int = 0  # đảng bộ cơ sở
    grassroots_cells: int = 0  # chi bộ cơ sở
    sub_committees: int = 0  # đảng bộ bộ phận
    cells: int = 0  # chi bộ trực thuộc
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def grassroots_total(self) -> int:
        return self.grassroots_committees + self.grassroots_cells


@dataclass
class Figures:
    """What a report says of a unit on a day; `since` opens the period of the flows."""

    unit_id: int
    unit_name: str
    day: date
    since: date | None
    exists: bool = True
    total: int = 0
    official: int = 0
    probationary: int = 0
    exempted: int = 0
    temporarily_away: int = 0  # counted here, active elsewhere for now
    temporarily_here: int = 0  # active here for now, counted in their home unit elsewhere
    units: UnitCounts = field(default_factory=UnitCounts)
    admitted: int = 0
    recognised: int = 0
    breakdown: dict[str, dict[str, int]] = field(default_factory=dict)
    admitted_breakdown: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "unit": {"id": self.unit_id, "name": self.unit_name},
            "date": self.day.isoformat(),
            "from": self.since.isoformat() if self.since else None,
            "exists": self.exists,
            "members": {
                "total": self.total,
                "official": self.official,
                "probationary": self.probationary,
                "exempted": self.exempted,
                "temporarily_away": self.temporarily_away,
                "temporarily_here": self.temporarily_here,
            },
            "organisations": {
                "grassroots_total": self.units.grassroots_total,
                "grassroots_committees": self.units.grassroots_committees,
                "grassroots_cells": self.units.grassroots_cells,
                "sub_committees": self.units.sub_committees,
                "cells": self.units.cells,
                "by_kind": self.units.by_kind,
            },
            "admitted": self.admitted,
            "recognised": self.recognised,
            "breakdown": self.breakdown,
            "admitted_breakdown": self.admitted_breakdown,
        }


def units_on(root_path: str, day: date) -> QuerySet[OrgSpan]:
    """Return the spans of every unit under (and including) the path on the day."""
    return OrgSpan.objects.on(day).under(root_path)


def paths_on(root_path: str, day: date) -> dict[int, str]:
    """Return the path on the day of every unit under (and including) the path, by id; read once
    inside `memo.reading()` (a page whose parts each place cells under units). Shared: not to
    be changed by the caller."""
    return memo.once(
        ("paths on", root_path, day),
        lambda: dict(units_on(root_path, day).values_list("org_id", "path")),
    )


def periods_on(root_path: str, day: date) -> QuerySet[MemberPeriod]:
    """Return the member periods in force on the day whose cell stood under the path."""
    cells = units_on(root_path, day).values("org_id")
    return MemberPeriod.objects.filter(valid_from__lte=day, cell_id__in=cells).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def unit_counts(root_path: str, day: date, *, today: date | None = None) -> UnitCounts:
    """Return the units under the path on the day (itself included) by kind: at the top of the
    tree (`today` given) from the tree's counts — today's (D52), a past day's corrected by the
    units whose spans changed since (D63) —, else counted from the spans."""
    depth = len(root_path) // SPAN_STEP
    if today is not None and treecounts.answers(depth, day, today):
        return units_by_kind(treecounts.unit_counts(root_path))
    if today is not None and depth <= treecounts.kept_levels():
        found = treecounts.unit_counts_on(root_path, day)
        if found is not None:
            return units_by_kind(found)
    rows = units_on(root_path, day).values("kind").annotate(n=Count("pk")).order_by()
    return units_by_kind({row["kind"]: row["n"] for row in rows})


def units_by_kind(by_kind: dict[str, int]) -> UnitCounts:
    """Return the unit counts the reports name, from the number of units of each kind."""
    return UnitCounts(
        grassroots_committees=by_kind.get(OrgKind.GRASSROOTS_COMMITTEE, 0),
        grassroots_cells=by_kind.get(OrgKind.GRASSROOTS_CELL, 0),
        sub_committees=by_kind.get(OrgKind.SUB_COMMITTEE, 0),
        cells=by_kind.get(OrgKind.CELL, 0),
        by_kind=by_kind,
    )


def _split(
    qs: QuerySet[MemberPeriod] | QuerySet[Membership], day: date, prefix: str
) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for key, path in BREAKDOWNS.items():
        rows = qs.values(path).annotate(n=Count("pk")).order_by()
        result[key] = {str(row[path] or ""): row["n"] for row in rows}
    rows = (
        qs.annotate(band=age_band_expression(day, prefix))
        .values("band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result["age_band"] = {row["band"]: row["n"] for row in rows}
    return result


def admission_counts_by() -> str:
    """Return which date counts an admission in a period: the ceremony (the ADMITTED event,
    default) or the admission decision. DOMAIN §8 q10 leaves it open; the setting decides."""
    return getattr(settings, "PTDV_MEMBERS_ADMISSION_DATE", "ceremony")


def _root_spans(unit: Org, since: date, day: date) -> list[OrgSpan]:
    return list(
        OrgSpan.objects.filter(org=unit, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=since))
        .order_by("valid_from")
    )


def _placed(path: str) -> Exists:
    """Return "the event's cell stood under `path` on the event's day" as a subquery."""
    return Exists(
        OrgSpan.objects.filter(
            org_id=OuterRef("cell_id"),
            path__gte=path,
            valid_from__lte=OuterRef("on"),
        )
        .filter(path__lt=prefix_upper_bound(path))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("on")))
    )


# Up to how many cells a unit's events are looked up by a list of ids rather than a subquery.
FEW_CELLS = 2000


def events_in(unit: Org, kinds: Iterable[str], since: date, day: date) -> QuerySet[MemberEvent]:
    """Return the events in force of the kinds, dated in [since, day], that happened in a
    cell standing under the unit on their day (the unit's own place may have moved)."""
    condition = Q(pk__in=[])
    for span in _root_spans(unit, since, day):
        start = max(since, span.valid_from)
        end = day if span.valid_to is None else min(day, span.valid_to - timedelta(days=1))
        if start > end:
            continue
        if span.kind in CELL_KINDS:
            # A cell has no unit under it (orgs.models.ALLOWED_PARENT_KINDS): the events of the
            # span's window made in the cell itself, with no search of the cells under it.
            condition |= Q(kind__in=list(kinds), on__gte=start, on__lte=end, cell_id=unit.pk)
            continue
        # The cells that stood under the path at some time in the window: the events are
        # looked up among those cells only (an index range), then placed exactly by their day.
        cells: Any = (
            OrgSpan.objects.under(span.path)
            .filter(valid_from__lte=end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
            .values("org_id")
        )
        # A few cells as a list of ids: PostgreSQL then seeks each cell's events by index
        # instead of reading the whole country's events of the window first.
        few = list(cells.values_list("org_id", flat=True)[: FEW_CELLS + 1])
        if len(few) <= FEW_CELLS:
            cells = few
        condition |= Q(
            Q(kind__in=list(kinds), on__gte=start, on__lte=end, cell_id__in=cells),
            _placed(span.path),
        )
    # "Not replaced by a correction" as NOT EXISTS: PostgreSQL estimates the equivalent left
    # join as one row and then joins every event of the country before filtering (0.8 s).
    replaced = MemberEvent.objects.filter(supersedes=OuterRef("pk"))
    return MemberEvent.objects.filter(condition).filter(~Exists(replaced), other_party="")


def figures(unit: Org, day: date, *, since: date | None = None, breakdown: bool = True) -> Figures:
    """Return the unit's figures on the day (and the flows of [since, day] when given)."""
    result = Figures(unit.pk, unit.name, day, since)
    root = span_on(unit, day)
    if root is None:
        result.exists = False
        return result
    result.unit_name = root.name
    periods = periods_on(root.path, day)
    totals = periods.aggregate(
        total=Count("pk"),
        official=Count("pk", filter=Q(standing=Standing.OFFICIAL)),
        probationary=Count("pk", filter=Q(standing=Standing.PROBATIONARY)),
        exempted=Count("pk", filter=Q(exempted=True)),
        away=Count("pk", filter=Q(temp_cell__isnull=False)),
    )
    result.total = totals["total"]
    result.official = totals["official"]
    result.probationary = totals["probationary"]
    result.exempted = totals["exempted"]
    result.temporarily_away = totals["away"]
    here = units_on(root.path, day).values("org_id")
    result.temporarily_here = (
        MemberPeriod.objects.filter(valid_from__lte=day, temp_cell_id__in=here)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .exclude(cell_id__in=here)
        .count()
    )
    result.units = unit_counts(root.path, day)
    if breakdown:
        result.breakdown = _split(periods, day, "person__")
    if since is not None:
        admitted = _admissions(unit, since, day)
        result.admitted = admitted.count()
        result.recognised = events_in(unit, [EventKind.RECOGNISED], since, day).count()
        if breakdown:
            memberships = Membership.objects.filter(pk__in=admitted.values("membership_id"))
            result.admitted_breakdown = _split(memberships, day, "person__")
    return result


def admissions(unit: Org, since: date, day: date) -> QuerySet[MemberEvent]:
    """Return the admissions (and re-admissions) of [since, day] placed under the unit, counted
    on the day the setting names (PTDV_MEMBERS_ADMISSION_DATE)."""
    return _admissions(unit, since, day)


def moved_cells(path: str, since: date, day: date) -> set[int]:
    """Return the units under the span path whose place changed in (since, day]: a span that
    began or ended then (one query: `OrgSpanQuerySet.changed_ids`)."""
    return OrgSpan.objects.changed_ids(since, day, under=path)


def admissions_in_cells(cells: Iterable[int], since: date, day: date) -> QuerySet[MemberEvent]:
    """Return the admissions (and re-admissions) of [since, day] made in these cells, wherever
    the cells stood, counted on the day the setting names."""
    entry = [EventKind.ADMITTED, EventKind.READMITTED]
    replaced = MemberEvent.objects.filter(supersedes=OuterRef("pk"))
    events = MemberEvent.objects.filter(kind__in=entry, cell_id__in=list(cells), other_party="")
    events = events.filter(~Exists(replaced))
    if admission_counts_by() == "decision":
        return events.filter(membership__decision_on__gte=since, membership__decision_on__lte=day)
    return events.filter(on__gte=since, on__lte=day)


def _admissions(unit: Org, since: date, day: date) -> QuerySet[MemberEvent]:
    entry = [EventKind.ADMITTED, EventKind.READMITTED]
    if admission_counts_by() == "decision":
        # Counted on the decision day, placed where the admitting cell stood on the ceremony.
        widened = events_in(unit, entry, since, day + timedelta(days=366))
        return widened.filter(membership__decision_on__gte=since, membership__decision_on__lte=day)
    return events_in(unit, entry, since, day)


@dataclass(frozen=True)
class ChildFigures:
    """One child unit as it stood on the day, with its members then."""

    org_id: int
    name: str
    kind: str
    total: int
    official: int
    probationary: int


def child_figures(unit: Org, day: date) -> list[ChildFigures]:
    """Return the unit's children on the day with their member counts: two queries (the
    spans under the unit, the periods counted per cell), whatever the number of members."""
    root = span_on(unit, day)
    if root is None:
        return []
    spans = list(units_on(root.path, day).values_list("org_id", "path", "depth", "name", "kind"))
    children = sorted(
        (s for s in spans if s[2] == root.depth + 1), key=lambda s: (s[3].lower(), s[0])
    )
    width = len(root.path) + SPAN_STEP
    child_of_cell = {org_id: path[:width] for org_id, path, _d, _n, _k in spans}
    counts: dict[str, list[int]] = {}
    rows = (
        periods_on(root.path, day)
        .values("cell_id")
        .annotate(
            total=Count("pk"),
            official=Count("pk", filter=Q(standing=Standing.OFFICIAL)),
        )
        .order_by()
    )
    for row in rows:
        prefix = child_of_cell.get(row["cell_id"], "")
        if len(prefix) < width:
            continue  # counted in the unit itself (a cell-kind root)
        total, official = counts.setdefault(prefix, [0, 0])
        counts[prefix] = [total + row["total"], official + row["official"]]
    result = []
    for org_id, path, _depth, name, kind in children:
        total, official = counts.get(path, [0, 0])
        result.append(ChildFigures(org_id, name, kind, total, official, total - official))
    return result
