"""A cell's party life on one page (issue 7 items 5 and 6): record a regular meeting with who
was absent, the dues each member has paid up to, and the year's quality ratings."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ptdv.access import policy
from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.core.forms import add_domain_errors, date_field
from ptdv.members import watch
from ptdv.members.models import CellMeeting, RatingLevel
from ptdv.members.services import activity
from ptdv.orgs.selectors import org_for_user

PRESENT, EXCUSED, ABSENT = "present", "excused", "absent"
ATTENDANCE = [
    (PRESENT, gettext_lazy("Có mặt")),
    (EXCUSED, gettext_lazy("Vắng có lý do")),
    (ABSENT, gettext_lazy("Vắng không lý do")),
]


class MeetingForm(forms.Form):
    held_on = date_field(gettext_lazy("Ngày sinh hoạt"))

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for m in members:
            self.fields[f"m{m.pk}"] = forms.ChoiceField(
                label=m.person.full_name, choices=ATTENDANCE, initial=PRESENT
            )


class DuesForm(forms.Form):
    membership = forms.TypedChoiceField(label=gettext_lazy("Đảng viên"), coerce=int)
    paid_through = date_field(
        gettext_lazy("Đã đóng đảng phí đến hết tháng (ngày bất kỳ trong tháng)"),
        example="01/10/2026",
    )

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.pk, m.person.full_name) for m in members]


class RatingForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=1930, max_value=2100)

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for m in members:
            self.fields[f"r{m.pk}"] = forms.ChoiceField(
                label=m.person.full_name,
                required=False,
                choices=[("", "—"), *RatingLevel.choices],
            )


@require_http_methods(["GET", "POST"])
def cell_activity(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """The cell's meetings, dues and ratings; recording needs MEMBER_RECORD (ratings:
    MEMBER_DECIDE, the committee's call after the cell's review)."""
    cell = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    if not cell.is_cell:
        raise Http404
    today = timezone.localdate()
    members = [m for m in watch.current_members(cell) if m.cell_id == cell.pk]
    kind = request.POST.get("form", "")
    data = request.POST if request.method == "POST" else None
    meeting = MeetingForm(data if kind == "meeting" else None, members=members,
                          initial={"held_on": today})  # fmt: skip
    dues = DuesForm(data if kind == "dues" else None, members=members)
    rating = RatingForm(data if kind == "rating" else None, members=members,
                        initial={"year": today.year - 1})  # fmt: skip
    if request.method == "POST":
        needed = Action.MEMBER_DECIDE if kind == "rating" else Action.MEMBER_RECORD
        if not policy.can(request.user, needed, cell):
            raise Http404
        form = {"meeting": meeting, "dues": dues, "rating": rating}.get(kind)
        if form is not None and form.is_valid():
            try:
                notice = _save(kind, form.cleaned_data, cell, members, request, today)
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi."))
                if notice is not None:
                    messages.warning(request, notice.message)
                return redirect("members:activity", org_id=cell.pk)
    return render(
        request,
        "members/activity_cell.html",
        {
            "cell": cell,
            "members": members,
            "meeting": meeting,
            "dues": dues,
            "rating": rating,
            "meetings": CellMeeting.objects.filter(cell=cell).order_by("-held_on")[:12],
            "can_record": policy.can(request.user, Action.MEMBER_RECORD, cell),
            "can_rate": policy.can(request.user, Action.MEMBER_DECIDE, cell),
        },
    )


def _save(
    kind: str,
    data: dict[str, Any],
    cell: Any,
    members: list[Any],
    request: AuthenticatedHttpRequest,
    today: date,
) -> Any:
    by_pk = {m.pk: m for m in members}
    if kind == "meeting":
        absences = {
            m.pk: data[f"m{m.pk}"] == EXCUSED for m in members if data[f"m{m.pk}"] != PRESENT
        }
        activity.record_meeting(cell=cell, held_on=data["held_on"], absences=absences,
                                actor=request.user, today=today)  # fmt: skip
        return None
    if kind == "dues":
        member = by_pk[data["membership"]]
        activity.record_dues(membership=member, paid_through=data["paid_through"],
                             actor=request.user, today=today)  # fmt: skip
        return None
    notice = None
    for m in members:
        level = data.get(f"r{m.pk}")
        if level:
            notice = activity.rate_member(membership=m, year=data["year"], level=level,
                                          actor=request.user, today=today) or notice  # fmt: skip
    return notice
