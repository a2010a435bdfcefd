"""GET /api/v1/units/{org_id}/figures: a unit's figures as of a day (members.asof)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.members import asof, watch
from ptdv.orgs.selectors import org_for_user

router = Router(tags=["Số liệu"])


@router.get("/{org_id}/figures", url_name="unit-figures")
def unit_figures(
    request: HttpRequest, org_id: int, date: date | None = None, since: date | None = None
) -> dict[str, Any]:
    """Return the unit's figures on `date` (default today); admissions and recognitions are
    counted from `since` (default 1 January of that year)."""
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    day = date or timezone.localdate()
    start = since or day.replace(month=1, day=1)
    if start > day:
        message = "Ngày đầu kỳ phải trước hoặc bằng ngày lấy số liệu."
        raise DomainError(message, field_errors={"since": [message]})
    return asof.figures(org, day, since=start).as_json()


@router.get("/{org_id}/watch", url_name="unit-watch")
def unit_watch(request: HttpRequest, org_id: int) -> dict[str, Any]:
    """Return the unit's watch lists today (removal grounds, probation ending within 60 days,
    temporary transfers past their end, working away without a transfer, cells' ageing)."""
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    lists = watch.watch_lists(org, timezone.localdate())

    def rows(items: list[watch.WatchRow]) -> list[dict[str, Any]]:
        return [
            {
                "membership_id": r.membership.pk,
                "name": r.membership.person.full_name,
                "cell": r.membership.cell.label,
                "reason": r.reason,
                "on": r.on,
            }
            for r in items
        ]

    return {
        "removal": rows(lists.removal),
        "probation_ending": rows(lists.probation_ending),
        "temporary_overdue": rows(lists.temporary_overdue),
        "away": rows(lists.away),
        "ageing": [
            {
                "cell_id": a.cell.pk,
                "cell": a.cell.label,
                "members": a.members,
                "average_age": a.average_age,
                "share_60_plus": a.share_60_plus,
            }
            for a in lists.ageing
        ],
    }


@router.get("/{org_id}/badges", url_name="unit-badges")
def unit_badges(
    request: HttpRequest, org_id: int, start: date | None = None, end: date | None = None
) -> list[dict[str, Any]]:
    """Return who reaches which party badge in [start, end] (default: the next batch)."""
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    today = timezone.localdate()
    first, last = watch.next_batch(today)
    first, last = start or first, end or last
    if first > last:
        message = "Ngày cuối kỳ phải sau ngày đầu kỳ."
        raise DomainError(message, field_errors={"end": [message]})
    return [
        {
            "membership_id": r.membership.pk,
            "name": r.membership.person.full_name,
            "cell": r.membership.cell.label,
            "milestone": r.due.milestone,
            "reached_on": r.due.reached_on,
            "presentation_day": r.due.presentation_day,
        }
        for r in watch.badges_for(org, first, last, today)
    ]
