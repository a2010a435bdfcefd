"""GET /api/v1/units/{org_id}/figures: a unit's figures as of a day (members.asof)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.members import asof
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
