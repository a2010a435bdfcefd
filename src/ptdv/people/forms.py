"""Shape of the input on the people pages; validation of content lives in rules/services."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q
from django.forms.models import fields_for_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from ptdv.core.forms import date_field
from ptdv.orgs.forms import unit_picker_field
from ptdv.orgs.models import Org
from ptdv.people import rules
from ptdv.people.models import REFERENCE_FIELDS, Person, Sex
from ptdv.people.services import EDITABLE_FIELDS

# The dossier and the form show the record in these groups, in this order.
FIELD_GROUPS: list[tuple[StrOrPromise, tuple[str, ...]]] = [
    (
        gettext_lazy("Thông tin cá nhân"),
        (
            "family_name",
            "middle_name",
            "given_name",
            "other_names",
            "sex",
            "birth_date",
            "ethnic_group",
            "religion",
            "national_id",
        ),
    ),
    (
        gettext_lazy("Học vấn – chuyên môn"),
        ("education", "qualification", "theory_level", "occupation", "job_title"),
    ),
    (gettext_lazy("Đoàn thể"), ("youth_union_member", "trade_union_member")),
    (
        gettext_lazy("Cư trú – liên hệ"),
        ("home_town", "birth_place", "residence", "current_address", "phone", "email"),
    ),
    (gettext_lazy("Ghi chú"), ("notes",)),
]


if TYPE_CHECKING:
    _OrgChoiceBase = forms.ModelChoiceField[Org]
else:  # Django's form fields are not subscriptable at run time
    _OrgChoiceBase = forms.ModelChoiceField


class OrgChoiceField(_OrgChoiceBase):
    """A unit select indented by depth, so the tree shape shows in a plain <select>."""

    def label_from_instance(self, obj: Any) -> str:
        indent: str = "\u2003" * max(int(obj.depth) - 1, 0)
        return indent + str(obj.name)


def _name_errors(field: forms.Field) -> None:
    """Give a field Vietnamese messages that name it."""
    label = str(field.label)
    field.error_messages["required"] = _("%(label)s là bắt buộc.") % {"label": label}
    field.error_messages["invalid_choice"] = _("%(label)s: lựa chọn không có trong danh sách.") % {
        "label": label
    }


def _active_items(field: forms.ModelChoiceField[Any], current: int | None) -> None:
    """Offer only items in use, by rank; keep the record's current item even if retired."""
    assert field.queryset is not None
    model = field.queryset.model
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current)
    field.queryset = model._default_manager.filter(condition).order_by("rank", "name")


class PersonForm(forms.Form):
    """The lý lịch fields; `org` only when creating, `version` only when editing."""

    def __init__(
        self,
        *args: Any,
        user: Any = None,
        today: date | None = None,
        person: Person | None = None,
        **kwargs: Any,
    ) -> None:
        if person is not None and not args and "data" not in kwargs:
            initial = {f: getattr(person, f"{f}_id", None) for f in REFERENCE_FIELDS}
            initial.update(
                {f: getattr(person, f) for f in EDITABLE_FIELDS if f not in REFERENCE_FIELDS}
            )
            initial["version"] = person.version
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        if user is not None and today is not None:  # creating: where the record is kept
            self.fields["org"] = unit_picker_field(
                user,
                "people-create",
                today=today,
                label=_("Đơn vị quản lý"),
                help_text=_("Chi bộ hoặc tổ chức đảng theo dõi hồ sơ của người này."),
            )
        if person is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        self.fields.update(fields_for_model(Person, fields=EDITABLE_FIELDS))
        self.fields["sex"] = forms.ChoiceField(
            label=_("Giới tính"), choices=[("", "—"), *Sex.choices]
        )
        self.fields["birth_date"] = date_field(
            _("Ngày sinh"), help_text=_("Ngày/tháng/năm, ví dụ 17/05/1995."), example="17/05/1995"
        )
        # Room for separators ("045 195 000 123"); the service keeps the 12 digits.
        self.fields["national_id"] = forms.CharField(
            label=_("Số CCCD"),
            max_length=20,
            required=False,
            help_text=_("Số căn cước công dân / định danh cá nhân, 12 chữ số."),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
        self.fields["phone"].widget = forms.TextInput(attrs={"type": "tel"})
        self.fields["notes"].widget = forms.Textarea(attrs={"rows": 3})
        for name in REFERENCE_FIELDS:
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            _active_items(field, getattr(person, f"{name}_id", None) if person else None)
            field.empty_label = _("— Chọn —") if field.required else "—"
        religion = self.fields["religion"]
        assert isinstance(religion, forms.ModelChoiceField)
        religion.empty_label = _("Không")
        for field in self.fields.values():
            _name_errors(field)

    def clean_national_id(self) -> str:
        return rules.normalize_national_id(self.cleaned_data["national_id"])

    def values(self) -> dict[str, Any]:
        """Return the cleaned lý lịch fields, as the services take them."""
        return {f: self.cleaned_data[f] for f in EDITABLE_FIELDS}

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Return the fields as the dossier groups them."""
        return [(str(legend), [self[f] for f in names]) for legend, names in FIELD_GROUPS]


class MoveForm(forms.Form):
    """Where to move a person's record, with the version the page was built from."""

    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("Ví dụ: chuyển công tác, theo quyết định số …"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, user: Any, today: date, current: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_picker_field(
            user, "people-move", today=today, anchor=current, label=_("Chuyển sang đơn vị")
        )
        self.order_fields(["org", "reason", "version"])
        for field in self.fields.values():
            _name_errors(field)


class ConscriptionForm(forms.Form):
    """A person's enlistment for military service (nhập ngũ)."""

    entered_on = date_field(gettext_lazy("Ngày nhập ngũ"))
    notes = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Ví dụ: theo danh sách giao quân của Ban Chỉ huy quân sự huyện."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _name_errors(field)


class RemoveConscriptionForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do xóa"), max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _name_errors(field)


class PersonFilterForm(forms.Form):
    """The list page's filters; every field is optional."""

    q = forms.CharField(
        label=gettext_lazy("Tìm"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": gettext_lazy("Họ tên (có dấu hoặc không dấu) hoặc số CCCD"),
                "autocomplete": "off",
            }
        ),
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Giới tính"),
        required=False,
        choices=[("", gettext_lazy("Tất cả")), *Sex.choices],
    )
    minority = forms.TypedChoiceField(
        label=gettext_lazy("Dân tộc thiểu số"),
        required=False,
        choices=[
            ("", gettext_lazy("Tất cả")),
            ("1", gettext_lazy("Có")),
            ("0", gettext_lazy("Không")),
        ],
        coerce=lambda v: v == "1",
        empty_value=None,
    )

    def __init__(self, *args: Any, user: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_picker_field(
            user,
            "people",
            today=today,
            label=_("Đơn vị"),
            required=False,
            empty_label=_("Tất cả đơn vị"),
        )
        self.order_fields(["q", "org", "sex", "minority"])
        for field in self.fields.values():
            _name_errors(field)
