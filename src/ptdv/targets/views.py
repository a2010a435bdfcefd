"""Pages of the targets: a unit's targets of a period with progress, forecast, risk and the
children's split; the form that sets one target."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ptdv.access import policy
from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.core.forms import add_domain_errors
from ptdv.orgs.models import Org
from ptdv.orgs.selectors import org_for_user
from ptdv.targets import selectors, services
from ptdv.targets.forms import PeriodForm, RemoveTargetForm, TargetForm
from ptdv.targets.models import Metric, period_label


def _today() -> date:
    """Return today (one place, so tests pin the day)."""
    return timezone.localdate()


def _period(request: AuthenticatedHttpRequest, today: date) -> tuple[PeriodForm, int, int]:
    """Return the period form and the period it asks for (default: this year)."""
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["ky"]
        return form, start, end
    if not form.is_bound:
        form = PeriodForm(initial={"ky": str(today.year), "nam": selectors.IDLE_YEARS_DEFAULT})
    return form, today.year, today.year


def _ky(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}-{end}"


@require_GET
def unit(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    today = _today()
    form, start, end = _period(request, today)
    targets = selectors.targets_of(org, start, end)
    can_edit = policy.can(request.user, Action.TARGET_EDIT, org) and not org.is_dissolved
    context = {
        "org": org,
        "form": form,
        "ky": _ky(start, end),
        "period": period_label(start, end),
        "rows": selectors.unit_progress(org, targets, today=today),
        "split": selectors.children_split(org, start, end, today=today),
        "periods": [(_ky(s, e), period_label(s, e)) for s, e in selectors.periods_of(org)],
        "can_edit": can_edit,
        "today": today,
    }
    valid = form.is_bound and form.is_valid()
    years = (form.cleaned_data.get("nam") if valid else None) or selectors.IDLE_YEARS_DEFAULT
    context["idle"] = selectors.idle_cells_of(
        org, min(today, date(end, 12, 31)), years, today=today
    )
    context["idle_query"] = urlencode({"ky": _ky(start, end), "nam": years})
    return render(request, "targets/unit.html", context)


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org: Org = org_for_user(user, org_id, Action.TARGET_EDIT)
    today = _today()
    _form, start, end = _period(request, today)
    metric = request.GET.get("chi-tieu", Metric.NEW_MEMBERS)
    existing = selectors.target_of(org, start, end, metric)
    initial = {"metric": metric, "start_year": start, "end_year": end}
    if existing is not None:
        initial.update(value=existing.value, notes=existing.notes, version=existing.version)
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_target(
                unit=org, start_year=data["start_year"], end_year=data["end_year"],
                metric=data["metric"], value=data["value"], version=data["version"],
                notes=data["notes"], actor=user, today=today,
            )  # fmt: skip
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu."))
            url = reverse("targets:unit", args=[org.pk])
            return redirect(f"{url}?ky={_ky(data['start_year'], data['end_year'])}")
    context = {"org": org, "form": form, "existing": existing, "ky": _ky(start, end)}
    return render(request, "targets/target_form.html", context)


@require_http_methods(["GET", "POST"])
def remove(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """Confirm, then remove, one of the unit's targets (the period and metric in the query)."""
    user = request.user
    org: Org = org_for_user(user, org_id, Action.TARGET_EDIT)
    today = _today()
    _form, start, end = _period(request, today)
    metric = request.GET.get("chi-tieu", "")
    target = selectors.target_of(org, start, end, metric) if metric in Metric.values else None
    if target is None:
        raise Http404
    form = RemoveTargetForm(request.POST or None, initial={"version": target.version})
    back = f"{reverse('targets:unit', args=[org.pk])}?ky={_ky(start, end)}"
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_target(target=target, version=form.cleaned_data["version"],
                                   actor=user, reason=form.cleaned_data["reason"])  # fmt: skip
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Đã xóa chỉ tiêu."))
            return redirect(back)
    context = {"org": org, "form": form, "target": target, "back": back}
    return render(request, "targets/target_remove.html", context)
