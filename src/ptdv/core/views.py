"""Home page: what the user's grants reach, with a quick search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from ptdv.access import policy
from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.models import RoleGrant


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    grants = (
        RoleGrant.objects.filter(user_id=request.user.pk, org__valid_to__isnull=True)
        .select_related("org")
        .order_by("org__path", "role")
    )
    return render(
        request,
        "core/home.html",
        {
            "grants": grants,
            "can_search_people": policy.can_anywhere(request.user, policy.Action.PERSON_VIEW),
        },
    )


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Send /favicon.ico (asked for by browsers on pages without an icon) to the static icon."""
    return redirect(static("ptdv/favicon.svg"), permanent=True)
