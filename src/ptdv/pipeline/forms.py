"""Shape of the input on the pipeline pages; what a step means is judged by rules/services."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ptdv.core.forms import DATE_INPUT_FORMATS
from ptdv.core.forms import date_field as core_date_field
from ptdv.orgs.forms import unit_picker_field
from ptdv.orgs.models import Org
from ptdv.people.forms import OrgChoiceField
from ptdv.people.models import Person
from ptdv.pipeline.actions import ActionSpec
from ptdv.pipeline.fields import STR_MAX, FieldSpec, Kind
from ptdv.pipeline.models import CHOICE_LABELS, PoolEntry, Source, TrainingBatch
from ptdv.pipeline.rules import READMIT_REASONS
from ptdv.pipeline.selectors import OPEN_STAGES


def _name_errors(field: forms.Field) -> None:
    """Give a field Vietnamese messages that name it."""
    label = str(field.label)
    field.error_messages["required"] = _("%(label)s là bắt buộc.") % {"label": label}
    field.error_messages["invalid_choice"] = _("%(label)s: lựa chọn không có trong danh sách.") % {
        "label": label
    }
    field.error_messages["invalid"] = _("%(label)s: giá trị không hợp lệ.") % {"label": label}


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    """A dd/mm/yyyy text input that also takes yyyy-mm-dd, its messages naming it."""
    field = core_date_field(label, required=required, help_text=help_text)
    field.error_messages["required"] = _("%(label)s là bắt buộc.") % {"label": str(label)}
    return field


class BoardFilterForm(forms.Form):
    """The board's unit and filters; every value is optional, unknown values are refused."""

    source = forms.ChoiceField(
        label=gettext_lazy("Nguồn"),
        required=False,
        choices=[("", gettext_lazy("Tất cả nguồn")), *Source.choices],
    )
    overdue = forms.BooleanField(label=gettext_lazy("Chỉ hồ sơ quá hạn"), required=False)
    # One stage's list, paged, instead of the board's columns.
    stage = forms.ChoiceField(
        label=gettext_lazy("Giai đoạn"),
        required=False,
        choices=[("", gettext_lazy("Mọi giai đoạn")), *((s.value, s.label) for s in OPEN_STAGES)],
    )

    def __init__(self, *args: Any, user: Any, org: Org, today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Searchable pickers (decision D23): the unit among those in scope, the cell under it.
        self.fields["org"] = unit_picker_field(user, "cases", today=today, label=_("Đơn vị"))
        self.fields["cell"] = unit_picker_field(
            user,
            "cells-under",
            today=today,
            anchor=org,
            label=_("Chi bộ"),
            required=False,
            empty_label=_("Tất cả chi bộ"),
        )
        self.order_fields(["org", "cell", "stage", "source", "overdue"])
        for field in self.fields.values():
            _name_errors(field)


if TYPE_CHECKING:
    _PersonChoice = forms.ModelChoiceField[Person]
    _PersonMultiChoice = forms.ModelMultipleChoiceField[Person]
else:  # Django's form fields are not subscriptable at run time
    _PersonChoice = forms.ModelChoiceField
    _PersonMultiChoice = forms.ModelMultipleChoiceField


class PersonChoiceField(_PersonChoice):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class PersonMultipleChoiceField(_PersonMultiChoice):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


@dataclass(frozen=True)
class StepChoices:
    """What a step form's selects offer (the view scopes them)."""

    members: QuerySet[Person]
    orgs: QuerySet[Org]
    batches: QuerySet[TrainingBatch]


def _common(fs: FieldSpec) -> dict[str, Any]:
    return {"label": fs.label, "required": fs.required, "help_text": fs.help}


def _date(fs: FieldSpec, choices: StepChoices) -> forms.Field:
    return date_field(fs.label, required=fs.required, help_text=fs.help)


def _int(fs: FieldSpec, choices: StepChoices) -> forms.Field:
    return forms.IntegerField(
        min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **_common(fs)
    )


def _str(fs: FieldSpec, choices: StepChoices) -> forms.Field:
    return forms.CharField(max_length=STR_MAX, **_common(fs))


def _text(fs: FieldSpec, choices: StepChoices) -> forms.Field:
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **_common(fs))


def _bool(fs: FieldSpec, choices: StepChoices) -> forms.Field:
    # An unticked box is a "no", never a missing answer.
    return forms.BooleanField(label=str(fs.label), required=False, help_text=str(fs.help))


def _person(fs: FieldSpec, choices: StepChoices) -> forms.Field:
    person = PersonChoiceField(queryset=choices.members, **_common(fs))
    person.empty_label = _("— Chọn đảng viên —")
    return person


def _persons(fs: FieldSpec, choices: StepChoices) -> forms.Field:
    return PersonMultipleChoiceField(
        queryset=choices.members,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        **{**_common(fs), "help_text": fs.help or _("Giữ phím Ctrl để chọn nhiều người.")},
    )


def _org(fs: FieldSpec, choices: StepChoices) -> forms.Field:
    # The step page passes a searchable picker instead (StepForm's unit_field); this plain
    # list is the fallback for callers that name the allowed units themselves.
    org = OrgChoiceField(queryset=choices.orgs, **_common(fs))
    org.empty_label = _("— Chọn đơn vị —")
    return org


def _batch(fs: FieldSpec, choices: StepChoices) -> forms.Field:
    batch = forms.ModelChoiceField(queryset=choices.batches, **_common(fs))
    batch.empty_label = _("— Chọn lớp —")
    return batch


def _choice(fs: FieldSpec, choices: StepChoices) -> forms.Field:
    options: list[tuple[str, Any]] = [("", _("— Chọn —"))]
    options += [(v, CHOICE_LABELS.get(v, v)) for v in fs.choices]
    return forms.ChoiceField(choices=options, **_common(fs))


# One form field per field kind: the only place a step's typed data becomes an HTML input.
FIELD_BUILDERS: dict[Kind, Callable[[FieldSpec, StepChoices], forms.Field]] = {
    Kind.DATE: _date,
    Kind.INT: _int,
    Kind.STR: _str,
    Kind.TEXT: _text,
    Kind.BOOL: _bool,
    Kind.PERSON: _person,
    Kind.PERSONS: _persons,
    Kind.ORG: _org,
    Kind.BATCH: _batch,
    Kind.CHOICE: _choice,
}


class StepForm(forms.Form):
    """A step's form, built from the action's fields, plus date, note, papers, version."""

    def __init__(
        self,
        *args: Any,
        spec: ActionSpec,
        members: QuerySet[Person],
        orgs: QuerySet[Org],
        batches: QuerySet[TrainingBatch],
        unit_field: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Unit fields are searchable pickers when the view gives a factory (decision D23).
        self.unit_field = unit_field
        self.spec = spec
        self.fields["occurred_on"] = date_field(
            _("Ngày diễn ra"), help_text=_("Ngày/tháng/năm, ví dụ 17/05/2025.")
        )
        choices = StepChoices(members, orgs, batches)
        for fs in spec.fields:
            if fs.kind is Kind.ORG and unit_field is not None:
                # A searchable, scoped picker (orgs.forms.unit_picker_field) instead of a list.
                self.fields[fs.name] = unit_field(
                    label=fs.label, required=fs.required, help_text=fs.help
                )
                continue
            self.fields[fs.name] = FIELD_BUILDERS[fs.kind](fs, choices)
        self.fields["note"] = forms.CharField(
            label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        for field in self.fields.values():
            if not isinstance(field, forms.DateField):
                _name_errors(field)

    def step_values(self) -> tuple[date, dict[str, Any], str]:
        """Return (occurred_on, data, note) as the services take them."""
        data: dict[str, Any] = {}
        for fs in self.spec.fields:
            value = self.cleaned_data.get(fs.name)
            if fs.kind.many:
                value = [p.pk for p in value] if value else []
            elif fs.kind.ref:
                value = value.pk if value is not None else None
            elif fs.kind is Kind.DATE:
                value = value.isoformat() if value else None
            if value is None or value == "":
                if not fs.required:
                    continue
            data[fs.name] = value
        return (
            self.cleaned_data["occurred_on"],
            data,
            self.cleaned_data["note"],
        )


class PoolCellForm(forms.Form):
    """The pool page's choice of cell, searchable among the cells in scope (decision D23)."""

    def __init__(self, *args: Any, user: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cell"] = unit_picker_field(user, "cells", today=today, label=_("Chi bộ"))


class PoolAddForm(forms.Form):
    """Put a person on a cell's list of outstanding people."""

    person = PersonChoiceField(
        queryset=Person.objects.none(),
        label=gettext_lazy("Người được đưa vào danh sách"),
        widget=forms.RadioSelect,
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Nguồn"), choices=[("", gettext_lazy("— Chọn —")), *Source.choices]
    )
    proposed_by = forms.CharField(
        label=gettext_lazy("Người / tổ chức đề xuất"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("Ví dụ: Chi đoàn giáo viên, đồng chí Bí thư chi bộ …"),
    )
    listed_on = date_field(gettext_lazy("Đưa vào danh sách ngày"))
    notes = forms.CharField(
        label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, candidates: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = candidates
        person.empty_label = None
        for name, field in self.fields.items():
            if name != "listed_on":
                _name_errors(field)


class PoolReviewForm(forms.Form):
    """The monthly review: keep or drop every active entry; a drop needs a reason."""

    month = forms.DateField(
        label=gettext_lazy("Tháng rà soát"),
        input_formats=["%m/%Y", "%Y-%m", *DATE_INPUT_FORMATS],
        widget=forms.DateInput(format="%m/%Y", attrs={"placeholder": "mm/yyyy"}),
        help_text=gettext_lazy("Tháng/năm, ví dụ 05/2026."),
    )

    def __init__(self, *args: Any, entries: Iterable[PoolEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for entry in self.entries:
            self.fields[f"keep_{entry.pk}"] = forms.TypedChoiceField(
                label=entry.person.full_name,
                choices=[("1", _("Tiếp tục theo dõi")), ("0", _("Đưa ra khỏi danh sách"))],
                coerce=lambda v: v == "1",
                initial="1",
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{entry.pk}"] = forms.CharField(
                label=_("Lý do đưa ra"), required=False, max_length=255
            )
        for field in self.fields.values():
            _name_errors(field)
        self.fields["month"].error_messages["invalid"] = _(
            "Tháng rà soát phải viết theo dạng tháng/năm, ví dụ 05/2026."
        )

    def clean_month(self) -> date:
        value: date = self.cleaned_data["month"]
        return value.replace(day=1)

    def rows(self) -> list[tuple[PoolEntry, forms.BoundField, forms.BoundField]]:
        return [(e, self[f"keep_{e.pk}"], self[f"reason_{e.pk}"]) for e in self.entries]

    def decisions(self) -> dict[int, tuple[bool, str]]:
        return {
            e.pk: (self.cleaned_data[f"keep_{e.pk}"], self.cleaned_data[f"reason_{e.pk}"].strip())
            for e in self.entries
        }


class CaseOpenForm(forms.Form):
    """Open a case: for a pool entry (its cell and source), or for a person in a cell."""

    pool_entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    cell = forms.IntegerField(required=False, widget=forms.HiddenInput)
    source = forms.ChoiceField(
        label=gettext_lazy("Nguồn"), required=False, choices=[("", "—"), *Source.choices]
    )
    opened_on = date_field(
        gettext_lazy("Lập hồ sơ ngày"),
        required=False,
        help_text=gettext_lazy(
            "Có thể là một ngày đã qua (hồ sơ đã làm trên giấy); để trống là hôm nay."
        ),
    )
    is_readmission = forms.BooleanField(label=gettext_lazy("Kết nạp lại"), required=False)
    # Re-admission: the earlier membership (services.readmission), when the person's record
    # does not have it yet.
    party_joined_on = date_field(gettext_lazy("Ngày vào Đảng lần trước"), required=False)
    party_left_on = date_field(gettext_lazy("Ngày ra khỏi Đảng"), required=False)
    party_left_reason = forms.ChoiceField(
        label=gettext_lazy("Lý do ra khỏi Đảng"),
        required=False,
        choices=[("", "—"), *READMIT_REASONS.items()],
    )

    EARLIER_FIELDS = ("party_joined_on", "party_left_on", "party_left_reason")
