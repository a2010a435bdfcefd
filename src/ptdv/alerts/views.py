"""The digest page: what is overdue, due and at risk in the user's scope (D42)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.alerts import selectors


def _today() -> date:
    """Return today's date (one function, so tests can pin it)."""
    return timezone.localdate()


@require_GET
def digest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's digest today; a user who sees no cases and no members gets 404."""
    if not selectors.has_digest(request.user):
        raise Http404
    today = _today()
    result = selectors.digest_for(
        request.user, today=today, within_days=settings.PTDV_ALERTS_PAGE_DAYS
    )
    return render(request, "alerts/digest.html", {"digest": result})
