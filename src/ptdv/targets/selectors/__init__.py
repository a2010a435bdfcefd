"""Reads of the targets: a unit's targets with progress, forecast and risk; the split among its
children; the year's results per unit for the committees' annual rating (D40).

Progress counts admissions through `members.asof.admissions` (the dated tree: an admission
counts where its cell stood on its day). The live pipeline and the pass-through history read the
cases of the cells under the unit today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from ptdv.core.numbers import percent, rounding_mode
from ptdv.members import aggregates
from ptdv.members.asof import admissions, moved_cells, units_on
from ptdv.members.idle import (
    IDLE_YEARS_DEFAULT as IDLE_YEARS_DEFAULT,  # the target page's default (re-exported)
)
from ptdv.members.idle import IdleCells, idle_cells
from ptdv.members.models import MemberPeriod, Standing
from ptdv.orgs.models import SPAN_STEP, Org, OrgField, OrgSpan
from ptdv.orgs.selectors import span_on
from ptdv.people.models import Conscription
from ptdv.people.rules import age_on
from ptdv.targets import rules
from ptdv.targets.models import COUNT_METRICS, Metric, Target, period_label
from ptdv.targets.selectors.forecast import (
    admitted,
    forecast_rows,
    pass_through_rates,
    pipeline_cases,
)
from ptdv.targets.selectors.forecast import config as config  # (re-exported)
from ptdv.targets.selectors.forecast import pace as pace  # (re-exported)
from ptdv.targets.selectors.forecast import pace_window as pace_window  # (re-exported)

# Occupation codes (people's reference list) of private-enterprise workers: owners always,
# enterprise staff when the admitting cell is in a private or foreign-invested firm.
_OWNER = "chu_doanh_nghiep"
_ENTERPRISE_STAFF = "doanh_nghiep"
_PRIVATE_FIELDS = frozenset({OrgField.PRIVATE_ENTERPRISE, OrgField.FDI_ENTERPRISE})
# Youth at admission (DOMAIN §6.2 age band 18–30).
_YOUTH = (18, 30)


@dataclass(frozen=True)
class TargetProgress:
    """The "new members" target of a calendar year, for the dashboard."""

    target: int
    achieved: int
    percent: Decimal | None
    forecast: int
    at_risk: bool
    reasons: list[str]
    period_label: str


@dataclass
class MetricProgress:
    """One target of a unit with what has been done so far."""

    target: Target
    achieved: int | Decimal | None  # a count, or the share in percent (None: nobody yet)
    part: int = 0  # for shares: members of the cohort
    whole: int = 0  # for shares: the admitted (or the conscripts)
    percent: Decimal | None = None  # completion of a count target
    forecast: rules.Forecast | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)

    @property
    def is_count(self) -> bool:
        return self.target.is_count

    @property
    def percent_label(self) -> str:
        """Return the completion (counts) or the share so far (shares) as "96,6 %"."""
        value = self.percent if self.is_count else self.achieved
        return rules.percent_text(Decimal(value)) if value is not None else "—"

    @property
    def target_label(self) -> str:
        if self.is_count:
            return rules.number(int(self.target.value))
        return rules.percent_text(self.target.value)


def period_bounds(start_year: int, end_year: int) -> tuple[date, date]:
    return date(start_year, 1, 1), date(end_year, 12, 31)


def _count_progress(
    target: Target, unit: Org, *, today: date, achieved: int | None = None
) -> MetricProgress:
    """Return a count target's progress; `achieved`, when the caller has counted the period's
    admissions up to today already, saves counting them again."""
    start, end = target.starts_on, target.ends_on
    if achieved is None:
        achieved = admitted(unit, start, min(today, end), today) if today >= start else 0
    value = int(target.value)
    if today > end:
        outlook = rules.forecast(achieved=achieved, start=start, end=end, today=today,
                                 pipeline=[], rates=rules.PassThrough(Decimal(0), Decimal(0)),
                                 pace=rules.Pace(0, 0))  # fmt: skip
    else:
        kept = forecast_rows(unit, today=today)  # (one read for both, at a kept level)
        outlook = rules.forecast(
            achieved=achieved, start=start, end=end, today=today,
            pipeline=pipeline_cases(unit, kept),
            rates=pass_through_rates(unit, today=today, kept_rows=kept),
            pace=pace(unit, today=today),
        )  # fmt: skip
    mode = rounding_mode()
    reasons = rules.count_risks(target=value, achieved=achieved, forecast_total=outlook.total,
                                start=start, end=end, today=today, mode=mode)  # fmt: skip
    return MetricProgress(target, achieved, percent=percent(achieved, value, mode=mode),
                          forecast=outlook, reasons=reasons)  # fmt: skip


@dataclass(frozen=True)
class Admitted:
    sex: str
    birth_date: date
    on: date
    minority: bool
    occupation: str
    cell_field: str


def admitted_people(unit: Org, start: date, day: date) -> list[Admitted]:
    """Return who was admitted under the unit in [start, day], with the attributes the cohort
    shares need (one query)."""
    rows = admissions(unit, start, day).values_list(
        "membership__person__sex",
        "membership__person__birth_date",
        "on",
        "membership__person__ethnic_group__is_minority",
        "membership__person__occupation__code",
        "cell__field",
    )
    return [Admitted(s, b, on, bool(m), o or "", f) for s, b, on, m, o, f in rows]


def in_cohort(metric: str, person: Admitted) -> bool:
    """Return whether an admitted person belongs to the cohort a share metric counts."""
    if metric == Metric.WOMEN:
        return person.sex == "F"
    if metric == Metric.YOUTH:
        return _YOUTH[0] <= age_on(person.birth_date, person.on) <= _YOUTH[1]
    if metric == Metric.ETHNIC_MINORITY:
        return person.minority
    if metric == Metric.PRIVATE_ENTERPRISE:
        return person.occupation == _OWNER or (
            person.occupation == _ENTERPRISE_STAFF and person.cell_field in _PRIVATE_FIELDS
        )
    raise ValueError(f"not a cohort of the admitted: {metric}")


def conscripts(unit: Org, start: date, end: date) -> tuple[int, int]:
    """Return (conscripts, of whom official members on their enlistment day) for people
    enlisted in [start, end] from units standing under the unit (where it stood on `end`)."""
    root = span_on(unit, end) or span_on(unit, start)
    if root is None:
        return 0, 0
    placed = Exists(
        OrgSpan.objects.filter(org_id=OuterRef("org_id"), valid_from__lte=OuterRef("entered_on"))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("entered_on")))
        .under(root.path)
    )
    official = Exists(
        MemberPeriod.objects.filter(
            person_id=OuterRef("person_id"), standing=Standing.OFFICIAL,
            valid_from__lte=OuterRef("entered_on"),
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("entered_on")))
    )  # fmt: skip
    totals = (
        Conscription.objects.filter(entered_on__gte=start, entered_on__lte=end)
        .filter(placed)
        .aggregate(total=Count("pk"), official=Count("pk", filter=Q(official)))
    )
    return totals["total"], totals["official"]


def _share_progress(target: Target, part: int, whole: int, *, today: date) -> MetricProgress:
    share = percent(part, whole, mode=rounding_mode())
    label = target.get_metric_display()
    reasons = rules.share_risks(label=label, target=target.value, share=share,
                                start=target.starts_on, today=today)  # fmt: skip
    return MetricProgress(target, share, part=part, whole=whole, reasons=reasons)


def unit_progress(unit: Org, targets: list[Target], *, today: date) -> list[MetricProgress]:
    """Return each of the unit's targets (one period) with its progress."""
    result = []
    admitted: dict[tuple[date, date], list[Admitted]] = {}
    for target in targets:
        start, end = target.starts_on, target.ends_on
        if target.metric in COUNT_METRICS:
            result.append(_count_progress(target, unit, today=today))
            continue
        last = min(today, end)
        if target.metric == Metric.CONSCRIPTS:
            whole, part = conscripts(unit, start, last) if today >= start else (0, 0)
        else:
            if (start, last) not in admitted:
                admitted[(start, last)] = (
                    admitted_people(unit, start, last) if today >= start else []
                )
            people = admitted[(start, last)]
            whole = len(people)
            part = sum(1 for p in people if in_cohort(target.metric, p))
        result.append(_share_progress(target, part, whole, today=today))
    return result


def targets_of(unit: Org, start_year: int, end_year: int) -> list[Target]:
    return list(
        Target.objects.filter(unit=unit, start_year=start_year, end_year=end_year).order_by(
            "metric"
        )
    )


def target_of(unit: Org, start_year: int, end_year: int, metric: str) -> Target | None:
    return Target.objects.filter(
        unit=unit, start_year=start_year, end_year=end_year, metric=metric
    ).first()


def targets_holding(unit: Org, year: int | None) -> list[Target]:
    """Return the unit's targets; with a year, those whose period holds it (years and terms)."""
    qs = Target.objects.filter(unit=unit)
    if year is not None:
        qs = qs.filter(start_year__lte=year, end_year__gte=year)
    return list(qs.order_by("start_year", "end_year", "metric"))


def periods_of(unit: Org) -> list[tuple[int, int]]:
    """Return the periods the unit has targets for, latest first."""
    rows = (
        Target.objects.filter(unit=unit)
        .values_list("start_year", "end_year")
        .distinct()
        .order_by("-end_year", "start_year")
    )
    return list(rows)


def progress(
    unit: Org, *, year: int, today: date, achieved: int | None = None
) -> TargetProgress | None:
    """Return the unit's "new members" target of the calendar year with progress, forecast and
    risk; None when no such target is set. `achieved`: the admissions under the unit from 1/1
    of the year to `today`, when the caller has counted them (the dashboard: the same count
    its page shows, read once)."""
    target = Target.objects.filter(
        unit=unit, start_year=year, end_year=year, metric=Metric.NEW_MEMBERS
    ).first()
    if target is None:
        return None
    row = _count_progress(target, unit, today=today, achieved=achieved)
    assert row.forecast is not None
    return TargetProgress(
        target=int(target.value),
        achieved=int(row.achieved or 0),
        percent=row.percent,
        forecast=row.forecast.total,
        at_risk=row.at_risk,
        reasons=row.reasons,
        period_label=period_label(year, year),
    )


@dataclass
class ChildRow:
    """A child unit in the split of its parent's count target, with its result."""

    org_id: int
    name: str
    target: Target | None
    achieved: int
    percent: Decimal | None
    verdict: str

    @property
    def percent_label(self) -> str:
        return rules.percent_text(self.percent) if self.percent is not None else "—"


@dataclass
class Split:
    rows: list[ChildRow]
    parent_value: int | None
    total: int  # the children's targets added up
    missing: list[str]  # children without a target
    achieved: int  # admissions counted in the children

    @property
    def difference(self) -> int | None:
        return None if self.parent_value is None else self.total - self.parent_value

    @property
    def adds_up(self) -> bool:
        return not self.missing and self.difference == 0


def _children_admitted(
    unit: Org,
    root_path: str,
    children: list[tuple[int, str, int, str]],
    start: date,
    day: date,
    today: date,
) -> dict[str, int]:
    """Return the admissions of [start, day] under each child (by its span path on the day),
    placed where their cells stand on the day. From the admission rows (D43: one query for
    every child) when they answer and no unit under the unit moved in the period (the rows
    place an admission where its cell stood on the ceremony day: the same place then); else
    the period's admissions counted per cell and placed by the spans of the day."""
    if today < start:
        return {}
    ids = {org_id: path for org_id, path, _depth, _name in children}
    if ids and not moved_cells(root_path, start, day):
        found = aggregates.admissions(list(ids), start, day, today, totals=list(ids))
        if found is not None:
            return {path: found[org_id].total for org_id, path in ids.items() if org_id in found}
    spans = units_on(root_path, day).values_list("org_id", "path")
    width = len(root_path) + SPAN_STEP
    child_of_cell = {org_id: path[:width] for org_id, path in spans}
    counts: dict[str, int] = {}
    rows = admissions(unit, start, day).values("cell_id").annotate(n=Count("pk")).order_by()
    for row in rows:
        prefix = child_of_cell.get(row["cell_id"], "")
        if len(prefix) == width:
            counts[prefix] = counts.get(prefix, 0) + row["n"]
    return counts


def children_split(
    unit: Org, start_year: int, end_year: int, *, today: date, metric: str = Metric.NEW_MEMBERS
) -> Split | None:
    """Return the children of the unit (as they stand on the period's last day seen) with their
    targets of the period and their admissions, and whether the split adds up to the parent's
    target: a fixed number of queries whatever the number of children."""
    start, end = period_bounds(start_year, end_year)
    day = min(today, end)
    root = span_on(unit, day)
    if root is None:
        return None
    children = sorted(
        # By the parent's id too: its index, not a range of every span under the unit.
        units_on(root.path, day)
        .filter(depth=root.depth + 1, parent_id=unit.pk)
        .values_list("org_id", "path", "depth", "name"),
        key=lambda s: (s[3].lower(), s[0]),
    )
    counts = _children_admitted(unit, root.path, children, start, day, today)
    targets = {
        t.unit_id: t
        for t in Target.objects.filter(
            unit_id__in=[c[0] for c in children] + [unit.pk],
            start_year=start_year, end_year=end_year, metric=metric,
        )
    }  # fmt: skip
    parent = targets.get(unit.pk)
    mode = rounding_mode()
    result = []
    for org_id, path, _depth, name in children:
        target = targets.get(org_id)
        achieved = counts.get(path, 0)
        value = target.value if target else None
        result.append(
            ChildRow(
                org_id, name, target, achieved,
                percent(achieved, int(value), mode=mode) if value else None,
                rules.result_label(target=value, achieved=Decimal(achieved), ended=today > end)
                if value is not None else "",
            )
        )  # fmt: skip
    return Split(
        rows=result,
        parent_value=int(parent.value) if parent else None,
        total=sum(int(r.target.value) for r in result if r.target),
        missing=[r.name for r in result if r.target is None],
        achieved=sum(r.achieved for r in result),
    )


def progress_json(rows: list[MetricProgress], split: Split | None) -> dict[str, Any]:
    """Return the progress as the API and the command print it."""
    items = []
    for row in rows:
        item: dict[str, Any] = {
            "id": row.target.pk,
            "metric": row.target.metric,
            "label": row.target.get_metric_display(),
            "target": int(row.target.value) if row.is_count else str(row.target.value),
            "achieved": row.achieved if row.is_count or row.achieved is None else str(row.achieved),
            "at_risk": row.at_risk,
            "reasons": row.reasons,
        }
        if row.is_count:
            assert row.forecast is not None
            item["percent"] = str(row.percent) if row.percent is not None else None
            item["forecast"] = {
                "total": row.forecast.total,
                "pipeline": str(row.forecast.pipeline.quantize(Decimal("0.01"))),
                "pace": str(row.forecast.pace.quantize(Decimal("0.01"))),
                "remaining_days": row.forecast.remaining_days,
            }
        else:
            item["part"] = row.part
            item["whole"] = row.whole
        items.append(item)
    result: dict[str, Any] = {"targets": items}
    if split is not None:
        result["children"] = [
            {
                "unit_id": r.org_id,
                "name": r.name,
                "target": int(r.target.value) if r.target else None,
                "achieved": r.achieved,
                "percent": str(r.percent) if r.percent is not None else None,
                "result": r.verdict,
            }
            for r in split.rows
        ]
        result["split"] = {
            "parent": split.parent_value,
            "children_total": split.total,
            "difference": split.difference,
            "missing": split.missing,
            "adds_up": split.adds_up,
        }
    return result


def progress_report(unit: Org, start_year: int, end_year: int, *, today: date) -> dict[str, Any]:
    """Return the unit's targets of the period with progress, forecast, risk and the children's
    split, as the API and `ptdv targets progress --json` give them."""
    rows = unit_progress(unit, targets_of(unit, start_year, end_year), today=today)
    split = children_split(unit, start_year, end_year, today=today)
    return {
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
        "period": {"start_year": start_year, "end_year": end_year,
                   "label": period_label(start_year, end_year)},
        "date": today.isoformat(),
        **progress_json(rows, split),
    }  # fmt: skip


def idle_cells_of(unit: Org, day: date, years: int, *, today: date | None = None) -> IdleCells:
    """Return the cells under the unit on the day that admitted nobody in `years` years (per
    unit below, and one by one when they are few): what a target page shows beside the
    progress."""
    root = span_on(unit, day)
    if root is None:
        return IdleCells(years)
    return idle_cells(root.path, day, years, today=today, root_kind=root.kind)
