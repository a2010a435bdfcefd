"""Writes about users: display preferences, API tokens, grants, and the access log."""

from __future__ import annotations

from datetime import datetime

from django.db import models, transaction
from django.http import HttpRequest

from ptdv.access.models import AccessLog, ApiToken, Role, RoleGrant, User, hash_token


def set_display_preferences(
    *, user: User, text_size: str | None, high_contrast: str | None
) -> None:
    """Record the user's text size (-1..2) and contrast choice; ignore malformed values."""
    fields = []
    if text_size is not None:
        try:
            size = max(-1, min(2, int(text_size)))
        except ValueError:
            size = user.text_size
        user.text_size = size
        fields.append("text_size")
    if high_contrast in ("0", "1"):
        user.high_contrast = high_contrast == "1"
        fields.append("high_contrast")
    if fields:
        user.save(update_fields=fields)


def change_password(*, user: User, new_password: str) -> None:
    """Record a new password (hashed with the first of PASSWORD_HASHERS: Argon2)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; return it with its secret, which is never stored or shown again."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, name=name.strip(), key_hash=hash_token(secret), hint=secret[:9]
    )
    return token, secret


def record_token_use(*, token: ApiToken, now: datetime) -> None:
    """Record that the token authenticated a request, to the minute: no write on every call."""
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def revoke_api_token(*, token: ApiToken, now: datetime) -> None:
    """Record that the token may no longer authenticate (revoking twice keeps the first time)."""
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])


def grant_role(*, user: User, role: str, org: models.Model, actor: User | None) -> RoleGrant:
    """Give user a role over org's subtree (idempotent); org is an orgs.Org."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        grant, _created = RoleGrant.objects.get_or_create(
            user=user, role=role, org=org, defaults={"granted_by": actor}
        )
    return grant


def log_read(
    *,
    user: User,
    obj: object,
    kind: str = AccessLog.Kind.READ,
    request: HttpRequest | None = None,
    channel: str | None = None,
) -> None:
    """Record that user read a dossier (or exported data); called by selectors and exports."""
    meta_ip = None
    if request is not None:
        meta_ip = request.META.get("REMOTE_ADDR") or None
        channel = (
            channel
            or getattr(request, "api_channel", None)
            or ("api" if request.path.startswith("/api/") else "web")
        )
    AccessLog.objects.create(
        user=user,
        kind=kind,
        object_type=type(obj).__name__.lower(),
        object_id=str(getattr(obj, "pk", "")),
        object_label=str(obj)[:255],
        channel=channel or "web",
        ip_address=meta_ip,
    )
