"""Home and account pages: password, display preferences, personal API tokens, the access log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ptdv.access import selectors, services
from ptdv.access.forms import PasswordChangeForm, TokenForm
from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.models import AccessLog, User
from ptdv.access.policy import Action, can_anywhere

__all__ = ["login_not_required"]

ACCESS_LOG_PAGE_SIZE = 50


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Home page: what the user's grants reach, with a quick search."""
    return render(
        request,
        "core/home.html",
        {
            "grants": selectors.grants_of_user(request.user, active_only=True),
            "can_search_people": can_anywhere(request.user, Action.PERSON_VIEW),
        },
    )


def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    grants = selectors.grants_of_user(request.user)
    return render(
        request,
        "access/account.html",
        {"grants": grants, "text_sizes": User.TextSize.choices},
    )


@require_POST
def logout(request: AuthenticatedHttpRequest) -> HttpResponse:
    """End the session (POST only: a link or an image must not log anyone out)."""
    auth.logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            services.change_password(
                user=request.user, new_password=form.cleaned_data["new_password1"]
            )
            # Keep this session; every other session of the user ends with the old password.
            auth.update_session_auth_hash(request, request.user)
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("access:account")
    else:
        form = PasswordChangeForm(request.user)
    return render(request, "access/password_change.html", {"form": form})


@require_POST
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Remember text size and contrast on the user, then go back where they were."""
    services.set_display_preferences(
        user=request.user,
        text_size=request.POST.get("text_size"),
        high_contrast=request.POST.get("high_contrast"),
    )
    target = request.POST.get("next", "")
    # Only back to a page of this site: never an open redirect to another host.
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)


@never_cache  # the new secret must not stay in any cache
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    new_secret = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, new_secret = services.create_api_token(
                user=request.user, name=form.cleaned_data["name"]
            )
            form = TokenForm()
    else:
        form = TokenForm()
    rows = selectors.tokens_of_user(request.user)
    return render(
        request, "access/tokens.html", {"form": form, "tokens": rows, "new_secret": new_secret}
    )


@require_POST
def revoke_token(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    # A user's tokens are theirs alone: someone else's token id answers 404.
    token = selectors.token_of_user_or_404(request.user, token_id)
    services.revoke_api_token(token=token, now=timezone.now())
    messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect("access:tokens")


def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Administrators only; everyone else is told the page does not exist.
    if not can_anywhere(request.user, Action.ACCESS_LOG_VIEW):
        raise Http404
    q_user = request.GET.get("user", "").strip()
    q_kind = request.GET.get("kind", "")
    if q_kind not in AccessLog.Kind.values:
        q_kind = ""
    rows = selectors.access_log_entries(user_query=q_user, kind=q_kind)
    page = Paginator(rows, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "access/access_log.html",
        {"page": page, "kinds": AccessLog.Kind.choices, "q_user": q_user, "q_kind": q_kind},
    )
