"""Forms of the transfer flow; field names match the services' so refusals land on them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import date_field
from ptdv.members.models import Transfer
from ptdv.members.rules.transfers import TemporaryPurpose
from ptdv.orgs.forms import unit_picker_field

PURPOSES = [
    (TemporaryPurpose.RESIDENCE.value, _("Thay đổi nơi cư trú")),
    (TemporaryPurpose.WORK.value, _("Thay đổi nơi làm việc")),
    (TemporaryPurpose.STUDY.value, _("Đi học tập trung")),
]


class StartTransferForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại chuyển sinh hoạt"),
        choices=Transfer.Kind.choices,
        widget=forms.RadioSelect,
        initial=Transfer.Kind.PERMANENT,
    )
    outside_party = forms.CharField(
        label=_("Hoặc: tổ chức đảng nơi đến (ngoài PTĐV)"),
        max_length=255,
        required=False,
        help_text=_("Chỉ ghi khi nơi đến không dùng PTĐV; khi đó để trống chi bộ chuyển đến."),
    )
    trigger_on = date_field(
        _("Ngày quyết định / thay đổi nơi cư trú có hiệu lực"),
        help_text=_("Hạn làm thủ tục: 60 ngày làm việc kể từ ngày này."),
    )
    planned_end_on = date_field(_("Ngày dự kiến trở về (chuyển tạm thời)"), required=False)
    purpose = forms.ChoiceField(label=_("Lý do chuyển tạm thời"), choices=PURPOSES, required=False)
    reason = forms.CharField(label=_("Lý do chuyển"), max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Searchable among the cells the user can see (decision D23; lesson "every id in a
        # payload is an object lookup"): an absent and an unseen cell get the same error.
        self.fields["to_cell"] = unit_picker_field(
            user,
            "member-transfer",
            today=today,
            label=_("Chi bộ chuyển đến (trong PTĐV)"),
            required=False,
            error_messages={
                "invalid_choice": _("Chi bộ chuyển đến không hợp lệ hoặc ngoài phạm vi của bạn.")
            },
        )
        self.order_fields(
            [
                "kind",
                "to_cell",
                "outside_party",
                "trigger_on",
                "planned_end_on",
                "purpose",
                "reason",
                "version",
            ]
        )


class IssueLetterForm(forms.Form):
    letter_on = date_field(_("Ngày giấy giới thiệu"))
    letter_number = forms.CharField(label=_("Số giấy giới thiệu"), max_length=50, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AcceptForm(forms.Form):
    accepted_on = date_field(_("Ngày tiếp nhận"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class DatedStepForm(forms.Form):
    on = date_field(_("Ngày hiệu lực"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


STEP_FORMS: dict[str, type[forms.Form]] = {
    "issue-letter": IssueLetterForm,
    "accept": AcceptForm,
    "not-presented": DatedStepForm,
    "return": DatedStepForm,
    "cancel": CancelForm,
}
