"""The reports of a unit: its dashboard; the statistical tables, their print view and the
Excel file (every export is written to the access log)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.models import AccessLog
from ptdv.access.policy import Action
from ptdv.access.services import log_read
from ptdv.orgs.models import Org
from ptdv.orgs.selectors import org_for_user
from ptdv.reports import dashboard, tables
from ptdv.reports.forms import DashboardForm, TableForm
from ptdv.reports.xlsx import workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choices(request: AuthenticatedHttpRequest) -> tuple[TableForm, str, date, date | None, bool]:
    """Return the form and what it asks for (defaults: members today, period from 1/1)."""
    today = timezone.localdate()
    form = TableForm(request.GET or None)
    kind, day, since = "members", today, None
    if form.is_bound and form.is_valid():
        kind = form.cleaned_data["kind"]
        day = form.cleaned_data["day"] or today
        since = form.cleaned_data["since"]
    elif not form.is_bound:
        form = TableForm(initial={"kind": kind, "day": day, "since": date(day.year, 1, 1)})
    if since is None and kind != "members":
        since = date(day.year, 1, 1)
    return form, kind, day, since, form.is_bound and not form.is_valid()


def _build(org: Org, kind: str, day: date, since: date | None) -> tables.Table:
    return tables.build(kind, org, day=day, since=since if kind != "members" else None)


@require_GET
def table_page(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    form, kind, day, since, invalid = _choices(request)
    table = None if invalid else _build(org, kind, day, since)
    template = "reports/table_print.html" if request.GET.get("in") else "reports/table.html"
    return render(request, template, {"org": org, "form": form, "table": table,
                                      "query": request.GET.urlencode()})  # fmt: skip


@require_GET
def table_xlsx(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    form, kind, day, since, invalid = _choices(request)
    if invalid:
        return render(request, "reports/table.html",
                      {"org": org, "form": form, "table": None}, status=400)  # fmt: skip
    table = _build(org, kind, day, since)
    log_read(user=request.user, obj=org, kind=AccessLog.Kind.EXPORT, request=request)
    response = HttpResponse(workbook(table), content_type=XLSX)
    name = f"bieu-{kind}-{org.code or org.pk}-{day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def dashboard_page(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """The unit's dashboard on a day (default today): read-only figures, no personal data
    beyond the names of units."""
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    today = timezone.localdate()
    form = DashboardForm(
        request.GET or None, today=today, initial={"years": dashboard.IDLE_YEARS_DEFAULT}
    )
    board = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        board = dashboard.build(
            org,
            day=data.get("day") or today,
            today=today,
            idle_years=data.get("years") or dashboard.IDLE_YEARS_DEFAULT,
        )
    status = 400 if board is None else 200
    context = {"org": org, "form": form, "board": board,
               "charts": dashboard.charts_of(board) if board and board.exists else {},
               "month_ends": dashboard.month_ends(today, 6)}  # fmt: skip
    if board is not None:
        context["idle_query"] = urlencode({"day": f"{board.day:%d/%m/%Y}",
                                           "years": board.idle_years})  # fmt: skip
    return render(request, "reports/dashboard.html", context, status=status)
