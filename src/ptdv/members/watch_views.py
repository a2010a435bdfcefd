"""Watch lists and badges of a unit (issue 7 items 4 and 8)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.policy import Action
from ptdv.core.forms import date_field
from ptdv.members import watch
from ptdv.members.rules.badges import count_by_milestone
from ptdv.orgs.selectors import org_for_user


class PeriodForm(forms.Form):
    start = date_field(gettext_lazy("Từ ngày"), required=False)
    end = date_field(gettext_lazy("Đến ngày"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("end", gettext_lazy("Ngày cuối kỳ phải sau ngày đầu kỳ."))
        return data


@require_GET
def unit_watch(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """The unit's watch lists today; out of scope answers 404."""
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    today = timezone.localdate()
    return render(
        request,
        "members/watch_unit.html",
        {"org": org, "lists": watch.watch_lists(org, today), "today": today},
    )


@require_GET
def unit_badges(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """Who reaches which party badge in a period (default: the next presentation batch)."""
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    today = timezone.localdate()
    start, end = watch.next_batch(today)
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    rows = watch.badges_for(org, start, end, today) if not form.errors else []
    counts = sorted(count_by_milestone(r.due for r in rows).items(), reverse=True)
    return render(
        request,
        "members/badges_unit.html",
        {
            "org": org,
            "form": form,
            "rows": rows,
            "counts": counts,
            "start": start,
            "end": end,
        },
    )
