"""Form helpers shared by every app's views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

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
