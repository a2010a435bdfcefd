"""API authentication (session or personal token), error mapping, and the user's own tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from ptdv.access import selectors, services
from ptdv.access.models import ApiToken, User
from ptdv.core.errors import DomainError, StaleVersion


class ApiKeyAuth(HttpBearer):
    """Authorization: Bearer ptdv_... — a personal token created on the account page."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith(ApiToken.PREFIX):
            return None
        row = selectors.live_token_for_secret(token)
        if row is None:
            return None
        services.record_token_use(token=row, now=timezone.now())
        request.user = row.user
        request.api_channel = "api"  # type: ignore[attr-defined]
        return row.user


class SessionAuth(APIKeyCookie):
    """The browser session, with CSRF checked on unsafe methods.

    Unlike ninja's APIKeyCookie, CSRF is checked only once a logged-in session is found, so a
    request with no session answers 401 (not logged in) rather than 403 (CSRF).
    """

    param_name = "sessionid"

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise HttpError(403, _("Thiếu hoặc sai mã CSRF: hãy tải lại trang rồi thử lại."))
        return user  # type: ignore[no-any-return]

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return self(request)


api_key_auth = ApiKeyAuth()
session_auth = SessionAuth()


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
        return api.create_response(request, {"detail": _("Không tìm thấy.")}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request,
            {"detail": _("Chưa đăng nhập hoặc mã truy cập không hợp lệ.")},
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises these with English text; the one clients meet is a malformed body.
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = _("Nội dung gửi lên không phải JSON hợp lệ.")
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", []) if p not in _LOC_SOURCES]
            errors.setdefault(".".join(loc) or "body", []).append(_vi_message(err))
        return api.create_response(
            request, {"detail": _("Dữ liệu gửi lên chưa hợp lệ."), "errors": errors}, status=422
        )


# Where ninja says a value came from; clients want the field name only.
_LOC_SOURCES = frozenset({"body", "payload", "query", "path", "filters", "header", "cookie"})


def _vi_message(err: dict[str, Any]) -> str:
    """Return a Vietnamese message for one pydantic error."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    with_ctx = {
        "string_too_long": _("Dài quá %(max_length)s ký tự."),
        "string_too_short": _("Cần ít nhất %(min_length)s ký tự."),
        "greater_than_equal": _("Phải lớn hơn hoặc bằng %(ge)s."),
        "greater_than": _("Phải lớn hơn %(gt)s."),
        "less_than_equal": _("Phải nhỏ hơn hoặc bằng %(le)s."),
        "less_than": _("Phải nhỏ hơn %(lt)s."),
    }
    if kind in with_ctx:
        try:
            return with_ctx[kind] % {k: str(v) for k, v in ctx.items()}
        except KeyError:
            pass
    messages = {
        "missing": _("Trường này là bắt buộc."),
        "int_parsing": _("Phải là số nguyên."),
        "int_type": _("Phải là số nguyên."),
        "int_from_float": _("Phải là số nguyên."),
        "string_type": _("Phải là chuỗi ký tự."),
        "bool_parsing": _("Phải là true hoặc false."),
        "bool_type": _("Phải là true hoặc false."),
        "date_from_datetime_parsing": _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
        "date_from_datetime_inexact": _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
        "date_parsing": _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
        "date_type": _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
        "enum": _("Giá trị không nằm trong danh sách cho phép."),
        "literal_error": _("Giá trị không nằm trong danh sách cho phép."),
        "extra_forbidden": _("Trường không được phép."),
        "json_invalid": _("Nội dung gửi lên không phải JSON hợp lệ."),
        "model_attributes_type": _("Phải là một đối tượng JSON."),
        "dict_type": _("Phải là một đối tượng JSON."),
    }
    return messages.get(kind, _("Giá trị không hợp lệ."))


router = Router(tags=["me"])


class GrantOut(Schema):
    role: str
    org_id: int
    org_name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    grants: list[GrantOut]


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="Tên gợi nhớ của mã.")


class TokenOut(Schema):
    id: int
    name: str
    hint: str = Field(..., description="Vài ký tự đầu của mã, để nhận ra mã.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    secret: str = Field(..., description="Mã bí mật: chỉ hiển thị một lần, không lưu lại.")


@router.get("", response=MeOut, url_name="me")
def me(request: HttpRequest) -> MeOut:
    """Return the authenticated user and their grants."""
    user: User = request.auth  # type: ignore[attr-defined]
    grants = [
        GrantOut(role=g.role, org_id=g.org_id, org_name=g.org.name)
        for g in user.grants.select_related("org").order_by("org__path")
    ]
    return MeOut(id=user.pk, username=user.get_username(), full_name=str(user), grants=grants)


# Token management needs the browser session: a leaked token must not be able to mint
# new tokens for itself and outlive its revocation.
@router.get("/tokens", response=list[TokenOut], auth=session_auth, url_name="token-list")
def list_tokens(request: HttpRequest) -> Any:
    """Return the user's personal tokens, newest first (secrets are never shown again)."""
    return selectors.tokens_of_user(request.auth)  # type: ignore[attr-defined]


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    auth=session_auth,
    url_name="token-create",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    """Create a personal token; the secret is in this response and nowhere else."""
    name = payload.name.strip()
    if not name:
        raise DomainError(
            _("Tên gợi nhớ là bắt buộc."), field_errors={"name": [_("Tên gợi nhớ là bắt buộc.")]}
        )
    token, secret = services.create_api_token(user=request.auth, name=name)  # type: ignore[attr-defined]
    out = TokenCreatedOut(
        id=token.pk,
        name=token.name,
        hint=token.hint,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
        secret=secret,
    )
    return Status(201, out)


@router.post(
    "/tokens/{token_id}/revoke",
    response=TokenOut,
    auth=session_auth,
    url_name="token-revoke",
)
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens; it stops working at once. Revoking twice is harmless."""
    token = selectors.token_of_user_or_404(request.auth, token_id)  # type: ignore[attr-defined]
    services.revoke_api_token(token=token, now=timezone.now())
    return token
