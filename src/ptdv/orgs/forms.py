"""Shapes of the organisation forms; validation of the tree itself lives in the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import PickerChoiceField
from ptdv.core.forms import date_field as core_date_field
from ptdv.orgs import selectors
from ptdv.orgs.models import DecidingBody, Org, OrgField, OrgKind
from ptdv.orgs.services import AUTHORITY_FIELDS


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return core_date_field(
        label,
        required=required,
        help_text=help_text,
        invalid_message=_("Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/07/2025."),
    )


class OrgForm(forms.Form):
    """Create or edit a unit. Authority fields exist only for users allowed to set them."""

    name = forms.CharField(label=_("Tên tổ chức"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    code = forms.CharField(
        label=_("Mã tổ chức"),
        max_length=32,
        help_text=_("Mã duy nhất, ví dụ mã trên cơ sở dữ liệu đảng viên."),
    )
    kind = forms.ChoiceField(
        label=_("Cấp tổ chức"),
        error_messages={
            "invalid_choice": _("Cấp tổ chức này không thể trực thuộc tổ chức cấp trên của nó.")
        },
    )
    field = forms.ChoiceField(label=_("Lĩnh vực, loại hình"), choices=OrgField.choices)
    valid_from = date_field(_("Thành lập ngày"))
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea)
    vested_superior_powers = forms.BooleanField(
        label=_("Được giao quyền cấp trên cơ sở"), required=False
    )
    admission_delegated = forms.BooleanField(
        label=_("Được ủy quyền quyết định kết nạp đảng viên"), required=False
    )
    admission_delegated_from = date_field(_("Ủy quyền kết nạp có hiệu lực từ ngày"), required=False)
    deciding_body = forms.ChoiceField(
        label=_("Cơ quan quyết định kết nạp"),
        required=False,
        choices=[("", _("Mặc định theo cấp tổ chức")), *DecidingBody.choices],
    )

    def __init__(self, *args: Any, kinds: list[str], with_authority: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(k, OrgKind(k).label) for k in kinds]
        if not with_authority:
            # Not shown, and anything posted under these names is ignored.
            for name in AUTHORITY_FIELDS:
                del self.fields[name]

    def values(self) -> dict[str, Any]:
        """Return the cleaned values for the service (no version)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "effective_on")}


def effective_date_field(help_text: Any = "") -> forms.DateField:
    """The day a change takes effect in the dated tree; blank means today (decision D28)."""
    return date_field(_("Ngày hiệu lực"), required=False, help_text=help_text)


class OrgEditForm(OrgForm):
    effective_on = effective_date_field(
        _("Ngày tên, cấp tổ chức hoặc lĩnh vực mới bắt đầu có hiệu lực; để trống là hôm nay.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, org: Org, today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Searchable among selectors.move_candidates (decision D23).
        self.fields["new_parent"] = unit_picker_field(
            user,
            "org-move",
            today=today,
            anchor=org,
            label=_("Chuyển về trực thuộc"),
            error_messages={
                "invalid_choice": _("Tổ chức đích không hợp lệ hoặc ngoài phạm vi của bạn."),
                "required": _("Hãy chọn tổ chức cấp trên mới."),
            },
        )
        self.fields["on_date"] = effective_date_field(
            _(
                "Từ ngày này đơn vị cùng các đơn vị trực thuộc nằm ở vị trí mới; "
                "để trống là hôm nay."
            )
        )
        self.order_fields(["new_parent", "on_date", "version"])


class DissolveForm(forms.Form):
    # Named after the model field so the service's field errors land on it.
    valid_to = date_field(
        _("Ngày hiệu lực"), help_text=_("Giải thể từ ngày này: đơn vị không còn hoạt động.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def unit_label(org: Org) -> str:
    """Return how a picker names a unit: with its parent, so namesakes differ."""
    return org.label


def unit_picker_field(
    user: Any,
    source: str,
    *,
    today: date,
    anchor: Org | None = None,
    label: Any = None,
    required: bool = True,
    empty_label: Any = None,
    help_text: Any = "",
    error_messages: dict[str, Any] | None = None,
) -> PickerChoiceField:
    """Return a searchable, scoped choice of one unit (decision D23).

    source names a selectors.UNIT_SOURCES entry: which units the user may pick. The posted
    id is looked up in those units only, so an absent id and one outside the scope get the
    same "not in the list" error. The search page is orgs:picker with the same source.
    """
    spec = selectors.UNIT_SOURCES[source]
    params = {"source": source}
    if anchor is not None:
        params["anchor"] = str(anchor.pk)

    def search(query: str) -> tuple[list[Org], bool]:
        return selectors.units_matching(user, query, source=spec, anchor=anchor, today=today)

    return PickerChoiceField(
        queryset=selectors.picker_units(user, spec, anchor=anchor, today=today),
        search=search,
        search_url=f"{reverse('orgs:picker')}?{urlencode(params)}",
        label_of=unit_label,
        label=label if label is not None else _("Đơn vị"),
        required=required,
        empty_label=empty_label,
        help_text=help_text,
        error_messages=error_messages,
    )
