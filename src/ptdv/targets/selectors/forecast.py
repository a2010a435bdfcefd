"""The forecast's inputs (issue 8 item 1): the unit's live pipeline awaiting the decision or
the ceremony, its own pass-through history and its pace of admissions — from the funnel's kept
rows (D50, D55, D70) at a kept level, else from its cases and events.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from ptdv.members import aggregates
from ptdv.members.asof import admissions
from ptdv.members.rules.dates import years_before
from ptdv.members.rules.stats import month_of, next_month
from ptdv.orgs.models import Org
from ptdv.pipeline import paths, stagecounts
from ptdv.pipeline.models import Case, Outcome, Stage
from ptdv.pipeline.rules import funnel
from ptdv.pipeline.rules.funnel import DECIDED, DUE, REFUSED
from ptdv.targets import rules

# The pipeline stages the forecast reads, as the rules name them.
_PIPELINE_STAGES: dict[str, str] = {
    Stage.COMMITTEE_APPROVED: rules.DECISION,
    Stage.DECIDED: rules.CEREMONY,
}


def config() -> dict[str, int]:
    defaults = {"pace_years": 3, "min_history": 10, "default_decision_percent": 90,
                "default_ceremony_percent": 95}  # fmt: skip
    return {**defaults, **getattr(settings, "PTDV_TARGETS", {})}


def _subtree_cases(unit: Org) -> QuerySet[Case]:
    return Case.objects.filter(paths.under(unit.path))


# A kept unit's rows of the funnel's counts: (stage, kind, day, n).
KeptRows = list[tuple[str, str, date, int]]


def forecast_rows(unit: Org, *, today: date) -> KeptRows | None:
    """Return the kept rows (D50, D55) that both the forecast's pipeline (`pipeline_cases`) and
    its pass-through (`pass_through_rates`) read, in one query: the due days of the cases
    awaiting the decision or the ceremony, and the decisions and refusals of the pass-through's
    years; None when the unit stands below the kept levels (each then reads its cases)."""
    kept = stagecounts.kept_rows(unit, [DUE, DECIDED, REFUSED])
    if kept is None:
        return None
    since = years_before(today, config()["pace_years"])
    due = Q(kind=DUE, stage__in=list(_PIPELINE_STAGES))
    decided = Q(kind__in=[DECIDED, REFUSED], day__gte=since, day__lte=today)
    return list(kept.filter(due | decided).values_list("stage", "kind", "day", "n"))


def pipeline_cases(unit: Org, kept_rows: KeptRows | None = None) -> list[rules.PipelineCase]:
    """Return the open cases under the unit awaiting the decision or the ceremony. A unit at a
    kept level of the funnel's counts (D50) reads them there, by stage and due day (a few
    hundred rows instead of every case of the country; a case with no due day never counts in
    the forecast, and is not among them); `kept_rows`: `forecast_rows`, read already."""
    if kept_rows is not None:
        return [rules.PipelineCase(_PIPELINE_STAGES[stage], day, n)
                for stage, kind, day, n in kept_rows if kind == DUE]  # fmt: skip
    kept = stagecounts.kept_rows(unit, [DUE])
    if kept is not None:
        counted = kept.filter(stage__in=list(_PIPELINE_STAGES)).values_list("stage", "day", "n")
        return [rules.PipelineCase(_PIPELINE_STAGES[stage], day, n) for stage, day, n in counted]
    rows = (
        _subtree_cases(unit)
        .filter(outcome=Outcome.OPEN, stage__in=list(_PIPELINE_STAGES))
        .values_list("stage", "next_due_on")
        .annotate(n=Count("pk"))  # alike cases together: a province's thousands in a few rows
        .order_by()
    )
    return [rules.PipelineCase(_PIPELINE_STAGES[stage], due, n) for stage, due, n in rows]


def pass_through_rates(
    unit: Org, *, today: date, kept_rows: KeptRows | None = None
) -> rules.PassThrough:
    """Return the unit's own pass-through over the last N years: of the cases decided, the
    share admitted (ceremony held), counting only cases no longer waiting; of the cases that
    reached a decision or were refused by the deciding level, the share decided
    (`kept_rows`: `forecast_rows`, read already)."""
    cfg = config()
    since = years_before(today, cfg["pace_years"])
    totals = _decided(unit, since, today, kept_rows)
    minimum = cfg["min_history"]
    return rules.PassThrough(
        decision=rules.pass_through(
            totals["decided"], totals["decided"] + totals["refused"],
            default=Decimal(cfg["default_decision_percent"]) / 100, min_history=minimum,
        ),
        ceremony=rules.pass_through(
            totals["admitted"], totals["resolved"],
            default=Decimal(cfg["default_ceremony_percent"]) / 100, min_history=minimum,
        ),
    )  # fmt: skip


def _decided(
    unit: Org, since: date, today: date, kept_rows: KeptRows | None = None
) -> dict[str, int]:
    """Return the unit's cases decided in [since, today] (and those no longer waiting, those
    admitted) and those the deciding level refused then: from the funnel's kept rows (D55) for a
    unit at a kept level (`kept_rows`, when read already), else from its cases."""
    if kept_rows is None:
        kept = stagecounts.kept_rows(unit, [DECIDED, REFUSED])
        if kept is not None:
            kept_rows = list(
                kept.filter(day__gte=since, day__lte=today).values_list("stage", "kind", "day", "n")
            )
    if kept_rows is not None:
        found = funnel.decided([row for row in kept_rows if row[1] != DUE], since, today)
        return {"decided": found.decided, "refused": found.refused,
                "resolved": found.resolved, "admitted": found.admitted}  # fmt: skip
    decided = Q(decision_on__gte=since, decision_on__lte=today)
    return _subtree_cases(unit).aggregate(
        decided=Count("pk", filter=decided),
        refused=Count(
            "pk", filter=Q(outcome=Outcome.REFUSED, closed_on__gte=since, closed_on__lte=today)
        ),  # fmt: skip
        resolved=Count("pk", filter=decided & (Q(ceremony_on__isnull=False) | ~Q(outcome=""))),
        admitted=Count("pk", filter=decided & Q(ceremony_on__isnull=False)),
    )


def pace_window(today: date) -> tuple[date, date]:
    """Return the days the pace is taken over: the N years of whole months before today's
    month, and today's month up to today (whole months: the admission rows answer it all,
    with no events read)."""
    first = month_of(today)
    return first.replace(year=first.year - config()["pace_years"]), today


def pace(unit: Org, *, today: date) -> rules.Pace:
    """Return the admissions under the unit over the N years up to today (`pace_window`)."""
    since, last = pace_window(today)
    return rules.Pace(admitted(unit, since, last, today), (last - since).days + 1)


def admitted(unit: Org, start: date, day: date, today: date) -> int:
    """Return how many were admitted under the unit in [start, day]: the whole months from the
    admission rows where they answer (D43), the days before the first whole month and after
    the last from the events (at most two partial months); all from the events otherwise."""
    first = start if start.day == 1 else next_month(start)
    last = day if aggregates.answers(day, today) else month_of(day) - timedelta(days=1)
    found = aggregates.admissions([unit.pk], first, last, today) if first <= last else None
    if found is None:
        return admissions(unit, start, day).count()
    counted = found[unit.pk].total
    if start < first:
        counted += admissions(unit, start, min(day, first - timedelta(days=1))).count()
    if last < day:
        counted += admissions(unit, max(start, last + timedelta(days=1)), day).count()
    return counted
