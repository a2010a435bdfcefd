"""Reads about users: their grants, their API tokens, and the access log."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from ptdv.access.models import AccessLog, ApiToken, RoleGrant, User, hash_token


def grants_of_user(user: User, *, active_only: bool = False) -> QuerySet[RoleGrant]:
    """Return the user's grants with their units, in tree order; active_only drops dissolved
    units (whose grants grant nothing)."""
    grants = RoleGrant.objects.filter(user_id=user.pk)
    if active_only:
        grants = grants.filter(org__valid_to__isnull=True)
    return grants.select_related("org").order_by("org__path", "role")


def tokens_of_user(user: User) -> QuerySet[ApiToken]:
    """Return the user's personal API tokens, newest first."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def token_of_user_or_404(user: User, token_id: int) -> ApiToken:
    """Return one of the user's own tokens; anyone else's token id answers 404."""
    try:
        return ApiToken.objects.get(pk=token_id, user_id=user.pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc


def live_token_for_secret(secret: str) -> ApiToken | None:
    """Return the unrevoked token with this secret, with its user if still active, else None."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def access_log_entries(*, user_query: str = "", kind: str = "") -> QuerySet[AccessLog]:
    """Return access log rows, newest first, filtered by user name and kind ("" means any).

    The caller checks that the reader may see the log (policy: ACCESS_LOG_VIEW).
    """
    rows = AccessLog.objects.select_related("user").order_by("-at", "-pk")
    if user_query:
        rows = rows.filter(
            Q(user__username__icontains=user_query) | Q(user__full_name__icontains=user_query)
        )
    if kind:
        rows = rows.filter(kind=kind)
    return rows
