"""Account pages: preferences, personal API tokens, and the access log for administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ptdv.access import services
from ptdv.access.forms import TokenForm
from ptdv.access.models import AccessLog, ApiToken
from ptdv.access.policy import Action, can_anywhere

__all__ = ["login_not_required"]


def account(request: HttpRequest) -> HttpResponse:
    grants = request.user.grants.select_related("org").order_by("org__path")  # type: ignore[union-attr]
    return render(request, "access/account.html", {"grants": grants})


@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    """Remember text size and contrast on the user, then go back where they were."""
    services.set_display_preferences(
        user=request.user,  # type: ignore[arg-type]
        text_size=request.POST.get("text_size"),
        high_contrast=request.POST.get("high_contrast"),
    )
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


def tokens(request: HttpRequest) -> HttpResponse:
    new_secret = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, new_secret = services.create_api_token(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
            )
            form = TokenForm()
    else:
        form = TokenForm()
    rows = ApiToken.objects.filter(user_id=request.user.pk).order_by("-created_at")
    return render(
        request, "access/tokens.html", {"form": form, "tokens": rows, "new_secret": new_secret}
    )


@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    # A user's tokens are theirs alone: someone else's token id answers 404.
    try:
        token = ApiToken.objects.get(pk=token_id, user_id=request.user.pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    services.revoke_api_token(token=token, now=timezone.now())
    messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect("access:tokens")


def access_log(request: HttpRequest) -> HttpResponse:
    if not can_anywhere(request.user, Action.ACCESS_LOG_VIEW):
        raise Http404
    rows = AccessLog.objects.select_related("user").order_by("-at", "-pk")
    q_user = request.GET.get("user", "").strip()
    if q_user:
        rows = rows.filter(user__username__icontains=q_user)
    q_kind = request.GET.get("kind", "")
    if q_kind in AccessLog.Kind.values:
        rows = rows.filter(kind=q_kind)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "access/access_log.html",
        {"page": page, "kinds": AccessLog.Kind.choices, "q_user": q_user, "q_kind": q_kind},
    )
