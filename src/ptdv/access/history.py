"""The 'Lịch sử thay đổi' page of any scoped record, with its read logged.

Views call `render_history(request, obj=..., back_url=..., title=...)` after their own access
check; the entries come from `ptdv.core.history`, the log row from `access.services.log_read`.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render

from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.models import AccessLog
from ptdv.access.services import log_read
from ptdv.core.history import history_entries


def render_history(
    request: AuthenticatedHttpRequest, *, obj: models.Model, back_url: str, title: str
) -> HttpResponse:
    """Render the history page of obj; the caller has already checked access."""
    log_read(user=request.user, obj=obj, kind=AccessLog.Kind.HISTORY, request=request)
    page = Paginator(history_entries(obj), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "core/history.html",
        {"obj": obj, "page": page, "back_url": back_url, "title": title},
    )
