"""A unit's targets over JSON: list, set (create or change; 409 on a stale version), remove,
progress."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status

from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.orgs.selectors import org_for_user
from ptdv.targets import selectors, services
from ptdv.targets.models import Target
from ptdv.targets.rules import parse_period
from ptdv.targets.schemas import TargetIn, TargetOut, TargetRemoveIn

router = Router(tags=["Chỉ tiêu"])


def _today() -> date:
    """Return today (one place, so tests pin the day)."""
    return timezone.localdate()


def _out(target: Target) -> dict[str, Any]:
    return {
        "id": target.pk,
        "unit_id": target.unit_id,
        "metric": target.metric,
        "label": target.get_metric_display(),
        "start_year": target.start_year,
        "end_year": target.end_year,
        "period": target.period_label,
        "value": target.value,
        "notes": target.notes,
        "version": target.version,
    }


@router.get("/{org_id}/targets", response=list[TargetOut], url_name="unit-targets")
def list_targets(request: HttpRequest, org_id: int, year: int | None = None) -> Any:
    """Return the unit's targets; with `year`, those whose period (a year or a term) holds it."""
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    return [_out(t) for t in selectors.targets_holding(org, year)]


def _set(request: HttpRequest, org_id: int, payload: TargetIn) -> Target:
    org = org_for_user(request.user, org_id, Action.TARGET_EDIT)
    return services.set_target(
        unit=org, start_year=payload.start_year, end_year=payload.end_year,
        metric=payload.metric, value=payload.value, version=payload.version,
        notes=payload.notes, actor=request.auth,  # type: ignore[attr-defined]
        today=_today(),
    )  # fmt: skip


@router.put("/{org_id}/targets", response=TargetOut, url_name="unit-targets-put")
def put_target(request: HttpRequest, org_id: int, payload: TargetIn) -> Any:
    """Set the unit's target of a metric for a period (TARGET_EDIT); send the version read to
    change an existing one (409 when someone saved it since)."""
    return _out(_set(request, org_id, payload))


@router.post("/{org_id}/targets", response={201: TargetOut}, url_name="unit-targets-post")
def post_target(request: HttpRequest, org_id: int, payload: TargetIn) -> Any:
    """Set the unit's target (as PUT), answering 201."""
    return Status(201, _out(_set(request, org_id, payload)))


@router.delete("/{org_id}/targets", response={204: None}, url_name="unit-targets-delete")
def delete_target(request: HttpRequest, org_id: int, payload: TargetRemoveIn) -> Any:
    """Remove the unit's target of a metric for a period (TARGET_EDIT), with the version read
    (409 when someone changed it since) and the reason, kept in its history; 404 when absent."""
    org = org_for_user(request.user, org_id, Action.TARGET_EDIT)
    target = selectors.target_of(org, payload.start_year, payload.end_year, payload.metric)
    if target is None:
        raise Http404
    services.remove_target(target=target, version=payload.version,
                           actor=request.auth, reason=payload.reason)  # type: ignore[attr-defined]  # fmt: skip
    return Status(204, None)


@router.get("/{org_id}/targets/progress", url_name="unit-targets-progress")
def targets_progress(
    request: HttpRequest, org_id: int, year: int | None = None, period: str | None = None
) -> dict[str, Any]:
    """Return the progress, forecast and risk of the unit's targets of a calendar year (`year`,
    default this year) or of a term (`period=2020-2025`), with the children's split."""
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    today = _today()
    if period:
        try:
            start, end = parse_period(period)
        except ValueError as exc:
            raise DomainError(str(exc), field_errors={"period": [str(exc)]}) from exc
    else:
        start = end = year or today.year
    return selectors.progress_report(org, start, end, today=today)
