"""The statistical table's choices: which table, the period or the day."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from ptdv.core.forms import date_field, idle_years_field
from ptdv.reports.tables import KINDS


class TableForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Biểu"),
        choices=list(KINDS.items()),
        error_messages={
            "required": gettext_lazy("Hãy chọn một biểu."),
            "invalid_choice": gettext_lazy("Biểu không có trong danh sách."),
        },
    )
    since = date_field(
        gettext_lazy("Từ ngày"),
        required=False,
        help_text=gettext_lazy("Đầu kỳ đếm số kết nạp; để trống: từ đầu năm."),
    )
    day = date_field(gettext_lazy("Đến ngày (số liệu tại ngày)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, since = data.get("day"), data.get("since")
        if isinstance(day, date) and isinstance(since, date) and since > day:
            self.add_error("since", gettext_lazy("Ngày đầu kỳ phải trước ngày cuối kỳ."))
        return data


class DashboardForm(forms.Form):
    day = date_field(
        gettext_lazy("Số liệu tại ngày"),
        required=False,
        help_text=gettext_lazy("Để trống: hôm nay."),
    )
    years = idle_years_field()

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_day(self) -> date | None:
        day = self.cleaned_data.get("day")
        if isinstance(day, date) and day > self.today:
            raise forms.ValidationError(
                gettext_lazy("Không xem được số liệu của một ngày trong tương lai.")
            )
        return day
