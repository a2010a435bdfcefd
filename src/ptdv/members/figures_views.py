"""A unit's figures as of a day (issue 7 items 10–11): members, organisations, flows of a
period and their breakdowns, with the children as they stood that day to drill down."""

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
from ptdv.members import asof
from ptdv.orgs.models import OrgKind
from ptdv.orgs.selectors import org_for_user

BREAKDOWN_LABELS = {
    "sex": gettext_lazy("Giới tính"),
    "age_band": gettext_lazy("Độ tuổi"),
    "ethnic_group": gettext_lazy("Dân tộc"),
    "religion": gettext_lazy("Tôn giáo"),
    "education": gettext_lazy("Giáo dục phổ thông"),
    "theory_level": gettext_lazy("Lý luận chính trị"),
    "occupation": gettext_lazy("Nghề nghiệp, thành phần"),
}
SEX_LABELS = {"M": gettext_lazy("Nam"), "F": gettext_lazy("Nữ")}


class FiguresForm(forms.Form):
    day = date_field(gettext_lazy("Số liệu tại ngày"), required=False)
    since = date_field(gettext_lazy("Kết nạp, công nhận từ ngày"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        day, since = data.get("day"), data.get("since")
        if isinstance(day, date) and isinstance(since, date) and since > day:
            self.add_error("since", gettext_lazy("Ngày đầu kỳ phải trước ngày lấy số liệu."))
        return data


def _table(values: dict[str, int], key: str, total: int) -> list[tuple[str, int, float]]:
    rows = []
    for label, n in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
        shown = str(SEX_LABELS.get(label, label)) if key == "sex" else label
        rows.append((shown or "—", n, 100 * n / total if total else 0.0))
    return rows


@require_GET
def unit_figures(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """The unit's figures on the chosen day (default today), out of scope answering 404."""
    org = org_for_user(request.user, org_id, Action.MEMBER_VIEW)
    today = timezone.localdate()
    form = FiguresForm(request.GET or None)
    day, since = today, date(today.year, 1, 1)
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["day"] or today
        since = form.cleaned_data["since"] or date(day.year, 1, 1)
    elif not form.is_bound:
        form = FiguresForm(initial={"day": day, "since": since})
    result = asof.figures(org, day, since=since)
    breakdowns = [
        (BREAKDOWN_LABELS[key], _table(result.breakdown.get(key, {}), key, result.total))
        for key in BREAKDOWN_LABELS
    ]
    kinds = [
        (OrgKind(kind).label, n)
        for kind, n in sorted(result.units.by_kind.items(), key=lambda kv: kv[0])
        if kind in OrgKind.values
    ]
    return render(
        request,
        "members/figures_unit.html",
        {
            "org": org,
            "form": form,
            "f": result,
            "day": day,
            "since": since,
            "kinds": kinds,
            "breakdowns": breakdowns,
            "children": asof.child_figures(org, day),
        },
    )
