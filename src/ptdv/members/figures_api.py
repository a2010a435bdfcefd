"""A unit's registry over JSON: its figures as of a day (members.asof), its watch lists and
badges, and a cell's meetings, dues and ratings."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.members import asof, watch
from ptdv.members.services import activity
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
            # Given early to a member marked seriously ill; posthumously to one who died.
            "early": r.due.early,
            "posthumous": r.due.posthumous,
        }
        for r in watch.badges_for(org, first, last, today)
    ]


class MeetingIn(Schema):
    held_on: date
    # Membership ids absent from the meeting, with (True) or without (False) a reason.
    absent: dict[int, bool] = {}


class DuesIn(Schema):
    membership_id: int
    paid_through: date


class RatingsIn(Schema):
    year: int
    # Membership id → level (excellent, good, completed, not_completed).
    levels: dict[int, str]


def _actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _cell(request: HttpRequest, org_id: int, action: Action) -> Any:
    cell = org_for_user(request.user, org_id, action)
    if not cell.is_cell:
        raise Http404
    return cell


def _on_roll(cell: Any, ids: Any) -> dict[int, Any]:
    """Return the cell's current members among the ids; any other id answers 404 alike."""
    members = {m.pk: m for m in watch.current_members(cell) if m.cell_id == cell.pk}
    if any(pk not in members for pk in ids):
        raise Http404
    return members


@router.post("/{org_id}/meetings", response={201: dict[str, Any]}, url_name="unit-meeting")
def record_meeting(request: HttpRequest, org_id: int, payload: MeetingIn) -> Any:
    """Record a regular meeting of the cell and who was absent (MEMBER_RECORD)."""
    cell = _cell(request, org_id, Action.MEMBER_RECORD)
    meeting = activity.record_meeting(cell=cell, held_on=payload.held_on,
                                      absences=dict(payload.absent), actor=_actor(request),
                                      today=timezone.localdate())  # fmt: skip
    return Status(
        201, {"id": meeting.pk, "held_on": meeting.held_on, "absent": len(payload.absent)}
    )


@router.post("/{org_id}/dues", response={201: dict[str, Any]}, url_name="unit-dues")
def record_dues(request: HttpRequest, org_id: int, payload: DuesIn) -> Any:
    """Record that a member of the cell has paid dues up to a month (MEMBER_RECORD)."""
    cell = _cell(request, org_id, Action.MEMBER_RECORD)
    member = _on_roll(cell, [payload.membership_id])[payload.membership_id]
    added = activity.record_dues(membership=member, paid_through=payload.paid_through,
                                 actor=_actor(request), today=timezone.localdate())  # fmt: skip
    return Status(201, {"membership_id": member.pk, "months_added": added})


@router.post("/{org_id}/ratings", response={201: dict[str, Any]}, url_name="unit-ratings")
def record_ratings(request: HttpRequest, org_id: int, payload: RatingsIn) -> Any:
    """Record the year's quality ratings of the cell's members (MEMBER_DECIDE); all or
    nothing; the cap warning comes back when "excellent" exceeds it."""
    cell = _cell(request, org_id, Action.MEMBER_DECIDE)
    members = _on_roll(cell, payload.levels)
    warning = None
    with transaction.atomic():
        for pk, level in payload.levels.items():
            notice = activity.rate_member(membership=members[pk], year=payload.year,
                                          level=level, actor=_actor(request),
                                          today=timezone.localdate())  # fmt: skip
            warning = notice or warning
    return Status(
        201, {"rated": len(payload.levels), "warning": warning.message if warning else None}
    )
