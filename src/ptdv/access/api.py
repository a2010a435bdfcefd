"""API authentication (session or personal token), error mapping, and the user's own tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from ptdv.access.models import ApiToken, User, hash_token
from ptdv.core.errors import DomainError, StaleVersion


class ApiKeyAuth(HttpBearer):
    """Authorization: Bearer ptdv_... — a personal token created on the account page."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith(ApiToken.PREFIX):
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        # Avoid a write on every call: last use is kept to the minute.
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_channel = "api"  # type: ignore[attr-defined]
        return row.user


class SessionAuth(APIKeyCookie):
    """The browser session, with CSRF checked on unsafe methods (ninja's django_auth)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", AnonymousUser())
        if user.is_authenticated and user.is_active:
            return user  # type: ignore[no-any-return]
        return None


def register_error_handlers(api: NinjaAPI) -> None:
    """Map domain errors to JSON: 409 stale, 422 invalid, 404 absent or out of scope."""

    @api.exception_handler(StaleVersion)
    def stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": exc.message, "current_version": exc.current_version},
            status=409,
        )

    @api.exception_handler(DomainError)
    def invalid(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(
            request, {"detail": exc.message, "errors": exc.field_errors}, status=422
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "Chưa đăng nhập hoặc mã truy cập không hợp lệ."},
            status=401,
        )

    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query")]
            errors.setdefault(".".join(loc) or "body", []).append(_vi_message(err))
        return api.create_response(
            request, {"detail": "Dữ liệu gửi lên chưa hợp lệ.", "errors": errors}, status=422
        )


def _vi_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    messages = {
        "missing": "Trường này là bắt buộc.",
        "string_too_long": "Quá dài.",
        "string_too_short": "Quá ngắn.",
        "int_parsing": "Phải là số nguyên.",
        "date_from_datetime_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
        "date_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
        "bool_parsing": "Phải là true hoặc false.",
        "literal_error": "Giá trị không nằm trong danh sách cho phép.",
        "enum": "Giá trị không nằm trong danh sách cho phép.",
        "extra_forbidden": "Trường không được phép.",
    }
    return messages.get(kind, "Giá trị không hợp lệ.")


router = Router(tags=["me"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    grants: list[dict[str, Any]]


@router.get("", response=MeOut, url_name="me")
def me(request: HttpRequest) -> MeOut:
    """Return the authenticated user and their grants."""
    user = request.user
    grants = [
        {"role": g.role, "org_id": g.org_id, "org_name": g.org.name}
        for g in user.grants.select_related("org").order_by("org__path")  # type: ignore[union-attr]
    ]
    return MeOut(id=user.pk, username=user.get_username(), full_name=str(user), grants=grants)
