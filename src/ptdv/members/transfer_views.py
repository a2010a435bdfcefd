"""Pages of the transfer flow (decision D34): start, the transfer with each side's next step,
and a unit's outgoing and incoming transfers. Out of scope and absent answer alike 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ptdv.access import policy
from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.core.forms import add_domain_errors
from ptdv.members import transfer_selectors as selectors
from ptdv.members.models import Transfer
from ptdv.members.rules import transfer_flow as flow
from ptdv.members.services import transfers as services
from ptdv.members.transfer_forms import STEP_FORMS, StartTransferForm
from ptdv.orgs.selectors import org_for_user

LIST_LIMIT = 200


def _today() -> date:
    """Return today's date in the deployment's time zone (tests replace this)."""
    return timezone.localdate()


@require_http_methods(["GET", "POST"])
def start(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    user = request.user
    membership = selectors.membership_to_transfer(user, membership_id)
    today = _today()
    form = StartTransferForm(
        request.POST or None, user=user, today=today, initial={"version": membership.version}
    )
    # "Tìm" in the unit picker (no JavaScript) only shows its matches: nothing is started.
    if request.method == "POST" and "picker" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            started = services.start_transfer(
                membership=membership,
                kind=data["kind"],
                to_cell=data["to_cell"],
                outside_party=data["outside_party"],
                trigger_on=data["trigger_on"],
                planned_end_on=data["planned_end_on"],
                purpose=data["purpose"] or "residence",
                reason=data["reason"],
                version=data["version"],
                actor=user,
                today=today,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            for notice in started.notices:
                messages.warning(request, notice.message)
            messages.success(
                request,
                _("Đã bắt đầu chuyển sinh hoạt; hạn làm thủ tục: %(d)s.")
                % {"d": f"{started.transfer.letter_due_on:%d/%m/%Y}"},
            )
            return redirect("transfers:detail", transfer_id=started.transfer.pk)
    context = {"membership": membership, "form": form}
    return render(request, "members/transfer_start.html", context)


@require_GET
def detail(request: AuthenticatedHttpRequest, transfer_id: int) -> HttpResponse:
    transfer = selectors.get_transfer(request.user, transfer_id)
    page = selectors.transfer_page(request.user, transfer, today=_today())
    return render(request, "members/transfer_detail.html", {"page": page, "t": transfer})


def _run(code: str, transfer: Transfer, data: dict[str, Any], user: Any, today: date) -> None:
    common = {"transfer": transfer, "actor": user, "today": today, "version": data["version"]}
    if code == "issue-letter":
        services.issue_letter(
            letter_on=data["letter_on"], letter_number=data["letter_number"], **common
        )
    elif code == "accept":
        services.accept_transfer(accepted_on=data["accepted_on"], **common)
    elif code == "not-presented":
        services.report_not_presented(on=data["on"], **common)
    elif code == "return":
        services.return_from_temporary(on=data["on"], **common)
    else:
        services.cancel_transfer(**common)


DONE = {
    "issue-letter": gettext_lazy("Đã ghi giấy giới thiệu sinh hoạt đảng."),
    "accept": gettext_lazy("Đã tiếp nhận đảng viên."),
    "not-presented": gettext_lazy("Đã ghi đảng viên không xuất trình giấy giới thiệu."),
    "return": gettext_lazy("Đã ghi đảng viên trở lại sinh hoạt."),
    "cancel": gettext_lazy("Đã hủy chuyển sinh hoạt."),
}


def _step(request: AuthenticatedHttpRequest, transfer_id: int, code: str) -> HttpResponse:
    user = request.user
    transfer = selectors.get_transfer(user, transfer_id)
    step = flow.STEPS[code]
    org = transfer.from_cell if step.side == flow.Side.SENDING else transfer.to_cell
    if org is None or not policy.can(user, Action.MEMBER_RECORD, org):
        raise Http404
    today = _today()
    if code not in {s.code for s in selectors.transfer_steps(user, transfer, today=today)}:
        messages.error(request, _("Bước này không thực hiện được ở trạng thái hiện tại."))
        return redirect("transfers:detail", transfer_id=transfer.pk)
    form: forms.Form = STEP_FORMS[code](request.POST or None, initial={"version": transfer.version})
    if request.method == "POST" and form.is_valid():
        try:
            _run(code, transfer, form.cleaned_data, user, today)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, str(DONE[code]))
            return redirect("transfers:detail", transfer_id=transfer.pk)
    context = {"t": transfer, "form": form, "title": str(step.label), "code": code}
    return render(request, "members/transfer_step.html", context)


def _step_view(code: str) -> Callable[[AuthenticatedHttpRequest, int], HttpResponse]:
    @require_http_methods(["GET", "POST"])
    def view(request: AuthenticatedHttpRequest, transfer_id: int) -> HttpResponse:
        return _step(request, transfer_id, code)

    view.__name__ = code.replace("-", "_")
    return view


issue_letter = _step_view("issue-letter")
accept = _step_view("accept")
not_presented = _step_view("not-presented")
return_back = _step_view("return")
cancel = _step_view("cancel")


@require_GET
def unit_list(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = org_for_user(user, org_id, Action.MEMBER_VIEW)
    outgoing = list(selectors.outgoing_for_unit(user, org)[: LIST_LIMIT + 1])
    incoming = list(selectors.incoming_for_unit(user, org)[: LIST_LIMIT + 1])
    context = {
        "org": org,
        "sections": [
            ("out", _("Chuyển đi"), outgoing[:LIST_LIMIT]),
            ("in", _("Chuyển đến"), incoming[:LIST_LIMIT]),
        ],
        "more": len(outgoing) > LIST_LIMIT or len(incoming) > LIST_LIMIT,
        "limit": LIST_LIMIT,
    }
    return render(request, "members/transfer_list.html", context)
