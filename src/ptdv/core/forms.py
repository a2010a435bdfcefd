"""Form helpers shared by every app's views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ptdv.core.errors import DomainError


def add_domain_errors(form: forms.Form, exc: DomainError) -> None:
    """Put a service's refusal into the form: each message on the field it names, messages for
    fields the form does not show on the form as a whole, and the overall message when no
    field was named (a stale version, a blocked transition)."""
    placed = False
    for field, messages in exc.field_errors.items():
        if field in form.fields:
            form.add_error(field, messages)
            placed = True
        else:
            for message in messages:
                form.add_error(None, message)
    if not placed:
        form.add_error(None, exc.message)


# Typed dd/mm/yyyy (the way officers write dates); dd-mm-yyyy and the HTML date input's
# yyyy-mm-dd are accepted too.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


def date_field(
    label: Any,
    *,
    required: bool = True,
    help_text: Any = "",
    example: str = "17/05/2025",
    invalid_message: Any = None,
) -> forms.DateField:
    """Return a date field shown and typed as dd/mm/yyyy, with a Vietnamese message naming it."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"},
        ),
        error_messages={
            "invalid": invalid_message
            or _("%(label)s phải viết theo dạng ngày/tháng/năm, ví dụ %(example)s.")
            % {"label": str(label), "example": example}
        },
    )


# --- the search picker: one searchable choice of a unit (later: of anything scoped) --------


class SearchPicker(forms.Widget):
    """A search box and a list of radio buttons: the matches of what was typed, the chosen
    item always first.

    Works without JavaScript: submitting the form sends `<name>_q` and the page comes back
    with the matches to choose from. With htmx, typing asks `search_url` for the same list
    (template `core/widgets/picker.html`, partial `options`), keeping the checked item.
    The field sets `search` (query -> (items, more)), `chosen` (id -> item or None), `label`
    (item -> text) and `search_url` before rendering.
    """

    template_name = "core/widgets/picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.query = ""
        self.search_url = ""
        self.empty_label: str | None = None
        self.search: Any = None
        self.chosen: Any = None
        self.label: Any = str

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        # Remember what was typed in the box, to show its matches when the form comes back.
        self.query = str(data.get(f"{name}_q", "") or "")[:100]
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = self.chosen(value) if self.chosen and value not in (None, "") else None
        # Nothing typed: a chosen item is shown alone (one query less); otherwise the first
        # items in order, so someone with a single unit picks it in one click.
        searching = self.search is not None and (self.query or chosen is None)
        items, more = self.search(self.query) if searching else ([], False)
        context["widget"].update(
            picker_context(
                name=name,
                query=self.query,
                chosen=chosen,
                items=items,
                more=more,
                label=self.label,
                empty_label=self.empty_label,
                search_url=self.search_url,
            )
        )
        return context


def picker_context(
    *,
    name: str,
    query: str,
    chosen: Any,
    items: list[Any],
    more: bool,
    label: Any,
    empty_label: str | None,
    search_url: str = "",
) -> dict[str, Any]:
    """Return what the picker template shows: the options (value, text, checked), the chosen
    item first, then the matches; the search page's endpoint renders the same."""
    options: list[tuple[str, str, bool]] = []
    if empty_label is not None:
        options.append(("", empty_label, chosen is None))
    if chosen is not None:
        options.append((str(chosen.pk), label(chosen), True))
    options.extend(
        (str(item.pk), label(item), False)
        for item in items
        if chosen is None or item.pk != chosen.pk
    )
    return {
        "name": name,
        "query": query,
        "options": options,
        "more": more,
        "search_url": search_url,
        "chosen_label": label(chosen) if chosen is not None else "",
    }


if TYPE_CHECKING:
    _PickerBase = forms.ModelChoiceField[Any]
else:  # ModelChoiceField is generic for django-stubs only, not at run time
    _PickerBase = forms.ModelChoiceField


class PickerChoiceField(_PickerBase):
    """A choice among a (scoped) queryset through a SearchPicker.

    The posted id is looked up in `queryset` only, so an id that does not exist and one
    outside the user's scope give the same error. `search(query) -> (items, more)` lists
    the matches; `search_url` is the htmx endpoint answering with the same options.
    """

    widget = SearchPicker

    def __init__(
        self,
        *,
        queryset: Any,
        search: Any,
        search_url: str,
        label_of: Any = str,
        **kwargs: Any,
    ) -> None:
        super().__init__(queryset=queryset, **kwargs)
        self.search = search
        self.search_url = search_url
        self.label_of = label_of
        self._configure_widget()

    def label_from_instance(self, obj: Any) -> str:
        return str(self.label_of(obj))

    def _configure_widget(self) -> None:
        # Bound methods travel with the form's deep copy of the field (copy rebinds them to the
        # copy), so configuring once here serves every form instance.
        widget = self.widget
        assert isinstance(widget, SearchPicker)
        widget.search = self.search
        # A field that may stay empty offers an "any" choice; the search page must too.
        widget.search_url = self.search_url + ("" if self.required else "&blank=1")
        widget.label = self.label_from_instance
        widget.empty_label = None if self.required else str(self.empty_label or "—")
        widget.chosen = self._chosen

    def to_python(self, value: Any) -> Any:
        # Cleaning and rendering ask for the same id: look it up once per form.
        key = str(value)
        cached = getattr(self, "_looked_up", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        result = super().to_python(value)
        self._looked_up = (key, result)
        return result

    def _chosen(self, value: Any) -> Any:
        try:
            return self.to_python(value)
        except forms.ValidationError:
            return None  # an unknown or forbidden id: shown as nothing chosen


def idle_years_field() -> forms.IntegerField:
    """Return the optional "cells that admitted nobody in (years)" field of the dashboard and
    the target page: 1 to 20, each bad value named in Vietnamese."""
    out_of_range = gettext_lazy("Số năm phải từ 1 đến 20.")
    return forms.IntegerField(
        label=gettext_lazy("Chi bộ không kết nạp được đảng viên trong (năm)"),
        min_value=1,
        max_value=20,
        required=False,
        error_messages={
            "min_value": out_of_range,
            "max_value": out_of_range,
            "invalid": gettext_lazy("Số năm phải là một số nguyên, ví dụ 3."),
        },
    )
