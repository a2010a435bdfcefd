"""Every page needs a login, except the login page itself, static files and the API; and the
session's idle timeout kept without a write on every page.

The API authenticates on its own (session or personal token) and answers 401 in JSON rather
than redirecting to the login form.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse

# The session key holding when the session was last saved (seconds since the epoch).
REFRESHED = "_ptdv_refreshed"

PUBLIC_PREFIXES = ("/api/", "/static/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> Any:
        if request.path.startswith(PUBLIC_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def _now() -> int:
    return int(time.time())


def refresh_seconds() -> int:
    """Return how long an unchanged session goes without being saved again
    (PTDV_SESSION_REFRESH_SECONDS, default 300)."""
    return int(getattr(settings, "PTDV_SESSION_REFRESH_SECONDS", 300))


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, with the idle timeout (SESSION_COOKIE_AGE after the last page) kept by saving
    an unchanged session at most once every `refresh_seconds()` instead of on every request
    (SESSION_SAVE_EVERY_REQUEST: a database write and commit per page, a sixth of a small
    dashboard's time). The timeout then counts from a save at most that long before the last
    page: 8 hours idle end the session between 7 h 55 min and 8 h after the last page."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.modified:
            now = _now()
            if now - int(session.get(REFRESHED, 0)) >= refresh_seconds():
                session[REFRESHED] = now  # marks it modified: Django saves it
        return super().process_response(request, response)
