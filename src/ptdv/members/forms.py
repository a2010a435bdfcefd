"""Shapes of the input on the member pages; the registry services judge the content."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ptdv.core.forms import date_field
from ptdv.members.lists import AGE_BANDS, REFERENCE_FILTERS, STATUS_CHOICES
from ptdv.members.models import EventKind, RemovalGround
from ptdv.members.watch import WATCH_FILTERS
from ptdv.orgs.forms import unit_picker_field
from ptdv.people.models import (
    EducationLevel,
    EthnicGroup,
    Occupation,
    Person,
    Religion,
    Sex,
    TheoryLevel,
)
from ptdv.people.selectors import reference_items

_REFERENCE_MODELS: dict[str, tuple[Any, Any]] = {
    "ethnic_group": (EthnicGroup, gettext_lazy("Dân tộc")),
    "religion": (Religion, gettext_lazy("Tôn giáo")),
    "education": (EducationLevel, gettext_lazy("Trình độ giáo dục phổ thông")),
    "theory_level": (TheoryLevel, gettext_lazy("Lý luận chính trị")),
    "occupation": (Occupation, gettext_lazy("Nghề nghiệp")),
}
assert tuple(_REFERENCE_MODELS) == REFERENCE_FILTERS


def _name_errors(field: forms.Field) -> None:
    """Give a field Vietnamese messages that name it."""
    label = str(field.label)
    field.error_messages["required"] = _("%(label)s là bắt buộc.") % {"label": label}
    field.error_messages["invalid_choice"] = _("%(label)s: lựa chọn không có trong danh sách.") % {
        "label": label
    }


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MemberFilterForm(forms.Form):
    """The roll's filters; every field is optional."""

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
    status = forms.ChoiceField(
        label=gettext_lazy("Tình trạng"), required=False, choices=STATUS_CHOICES
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Giới tính"),
        required=False,
        choices=[("", gettext_lazy("Tất cả")), *Sex.choices],
    )
    age_band = forms.ChoiceField(
        label=gettext_lazy("Độ tuổi"),
        required=False,
        choices=[("", gettext_lazy("Tất cả")), *((k, k.replace("-", "–")) for k in AGE_BANDS)],
    )
    party_age_from = forms.IntegerField(
        label=gettext_lazy("Tuổi đảng từ (năm)"), required=False, min_value=0, max_value=100
    )
    party_age_to = forms.IntegerField(
        label=gettext_lazy("Tuổi đảng đến (năm)"), required=False, min_value=0, max_value=100
    )
    away = forms.TypedChoiceField(
        label=gettext_lazy("Đi làm ăn xa chưa chuyển sinh hoạt"),
        required=False,
        choices=[
            ("", gettext_lazy("Tất cả")),
            ("1", gettext_lazy("Có")),
            ("0", gettext_lazy("Không")),
        ],
        coerce=lambda v: v == "1",
        empty_value=None,
    )

    watch = forms.ChoiceField(
        label=gettext_lazy("Danh sách cần theo dõi"),
        required=False,
        choices=[("", gettext_lazy("Tất cả")), *WATCH_FILTERS.items()],
    )

    def __init__(self, *args: Any, user: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = unit_picker_field(
            user,
            "members",
            today=today,
            label=_("Đơn vị"),
            required=False,
            empty_label=_("Tất cả đơn vị"),
        )
        for name, (model, label) in _REFERENCE_MODELS.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", _("Tất cả"))] + [(i.code, i.name) for i in reference_items(model)],
            )
        self.order_fields(["q", "unit", "status", "sex", "age_band", *_REFERENCE_MODELS])
        for field in self.fields.values():
            _name_errors(field)


class EventForm(forms.Form):
    """Record one event on a member's page; the kinds offered follow the user's actions."""

    kind = forms.ChoiceField(label=gettext_lazy("Sự kiện"))
    on = date_field(gettext_lazy("Ngày hiệu lực"))
    ground = forms.ChoiceField(
        label=gettext_lazy("Căn cứ xóa tên"),
        required=False,
        choices=[("", "—"), *RemovalGround.choices],
        help_text=gettext_lazy("Chỉ khi xóa tên khỏi danh sách đảng viên."),
    )
    document = forms.CharField(
        label=gettext_lazy("Số quyết định / văn bản"), required=False, max_length=100
    )
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = _version_field()

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("— Chọn —")), *((k, EventKind(k).label) for k in kinds)]
        for field in self.fields.values():
            _name_errors(field)


class CorrectForm(forms.Form):
    """Correct a recorded event: a new date and/or voiding it, with the reason."""

    on = date_field(
        gettext_lazy("Ngày hiệu lực đúng"),
        required=False,
        help_text=gettext_lazy("Để trống nếu ngày không đổi."),
    )
    void = forms.BooleanField(label=gettext_lazy("Hủy sự kiện ghi nhầm"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Lý do sửa"), widget=forms.Textarea(attrs={"rows": 2})
    )
    version = _version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _name_errors(field)


class CardForm(forms.Form):
    card_number = forms.CharField(
        label=gettext_lazy("Số thẻ đảng viên"), required=False, max_length=20
    )
    card_issued_on = date_field(gettext_lazy("Ngày cấp thẻ"), required=False)
    dossier_number = forms.CharField(
        label=gettext_lazy("Số lý lịch đảng viên"), required=False, max_length=32
    )
    version = _version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _name_errors(field)


class AwayForm(forms.Form):
    away = forms.BooleanField(
        label=gettext_lazy("Đi làm ăn xa chưa chuyển sinh hoạt"), required=False
    )
    version = _version_field()


class IllForm(forms.Form):
    ill = forms.BooleanField(label=gettext_lazy("Đang ốm đau nặng"), required=False)
    version = _version_field()


if TYPE_CHECKING:
    _PersonChoiceBase = forms.ModelChoiceField[Person]
else:  # Django's form fields are not subscriptable at run time
    _PersonChoiceBase = forms.ModelChoiceField


class PersonChoiceField(_PersonChoiceBase):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} ({obj.birth_date:%d/%m/%Y})"


class EnterMemberForm(forms.Form):
    """Enter a member admitted before the unit used PTĐV, with the dates of their history."""

    person = PersonChoiceField(
        queryset=Person.objects.none(),
        label=gettext_lazy("Người"),
        widget=forms.RadioSelect,
    )
    decision_on = date_field(gettext_lazy("Ngày quyết định kết nạp"))
    joined_on = date_field(gettext_lazy("Ngày vào Đảng (lễ kết nạp)"))
    official_on = date_field(gettext_lazy("Ngày chính thức"), required=False)
    card_number = forms.CharField(
        label=gettext_lazy("Số thẻ đảng viên"), required=False, max_length=20
    )
    card_issued_on = date_field(gettext_lazy("Ngày cấp thẻ"), required=False)
    dossier_number = forms.CharField(
        label=gettext_lazy("Số lý lịch đảng viên"), required=False, max_length=32
    )

    def __init__(
        self, *args: Any, user: Any, today: date, people: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = people
        person.empty_label = None
        self.fields["cell"] = unit_picker_field(
            user, "member-cells", today=today, label=_("Chi bộ sinh hoạt")
        )
        self.order_fields(["person", "cell"])
        for field in self.fields.values():
            _name_errors(field)
