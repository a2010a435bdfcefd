"""Forms of the targets: the period asked for, and setting one target."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import idle_years_field
from ptdv.targets.models import Metric
from ptdv.targets.rules import parse_period


class PeriodForm(forms.Form):
    ky = forms.CharField(
        label=_("Kỳ chỉ tiêu"),
        max_length=9,
        help_text=_("Một năm (2025) hoặc một nhiệm kỳ (2020-2025)."),
    )

    nam = idle_years_field()

    def clean_ky(self) -> tuple[int, int]:
        try:
            return parse_period(self.cleaned_data["ky"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


def _year(label: Any) -> forms.IntegerField:
    messages = {
        "required": _("Hãy nhập %(l)s.") % {"l": label},
        "invalid": _("%(l)s phải là một năm, ví dụ 2025.") % {"l": label},
    }
    return forms.IntegerField(label=label, error_messages=messages,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))  # fmt: skip


class TargetForm(forms.Form):
    metric = forms.ChoiceField(
        label=_("Chỉ tiêu"),
        choices=Metric.choices,
        error_messages={"required": _("Hãy chọn chỉ tiêu."),
                        "invalid_choice": _("Chỉ tiêu không hợp lệ.")},
    )  # fmt: skip
    start_year = _year(_("Từ năm"))
    end_year = _year(_("Đến năm"))
    value = forms.DecimalField(
        label=_("Mức chỉ tiêu"),
        max_digits=9,
        decimal_places=2,
        help_text=_("Số đảng viên (số nguyên), hoặc tỷ lệ phần trăm cho các chỉ tiêu tỷ lệ."),
        error_messages={
            "required": _("Hãy nhập mức chỉ tiêu."),
            "invalid": _("Mức chỉ tiêu phải là một số, ví dụ 50 hoặc 40,5."),
            "max_decimal_places": _("Mức chỉ tiêu có nhiều nhất 2 chữ số thập phân."),
            "max_digits": _("Mức chỉ tiêu quá lớn."),
            "max_whole_digits": _("Mức chỉ tiêu quá lớn."),
        },
        localize=True,
    )
    notes = forms.CharField(label=_("Căn cứ, ghi chú"), max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RemoveTargetForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do xóa"),
        max_length=255,
        help_text=_("Ví dụ: đặt nhầm đơn vị, nhầm năm."),
        error_messages={"required": _("Hãy ghi lý do xóa chỉ tiêu.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
