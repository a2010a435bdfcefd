"""The site's own small responses that belong to no app (the home page is access's)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Send /favicon.ico (asked for by browsers on pages without an icon) to the static icon."""
    return redirect(static("ptdv/favicon.svg"), permanent=True)
