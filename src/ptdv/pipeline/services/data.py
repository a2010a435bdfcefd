"""Step data: validating a step's fields and reading stored JSON back.

Every field is typed by its kind in the catalogue (`pipeline.fields`); this module only asks
the kinds to parse; the ids a step names are resolved for the actor by `refs.find_step_refs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from ptdv.pipeline import fields
from ptdv.pipeline.actions import ActionSpec
from ptdv.pipeline.services.base import StepInvalid

# --- step data -------------------------------------------------------------------------


def clean_step_data(
    spec: ActionSpec, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (JSON to store, typed values for the rules) or raise StepInvalid.

    Every message names the field by its Vietnamese label. Whether an id names a row the
    user may name is decided by `refs.find_step_refs` (for an actor and a case), never here.
    """
    typed, errors = parse_step_data(spec, data)
    if errors:
        raise StepInvalid(_("Thông tin của bước chưa hợp lệ."), field_errors=errors)
    return step_json(typed), typed


def parse_step_data(
    spec: ActionSpec, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Return (typed values of the valid fields, errors by field) without raising.

    Dates come as date objects, ISO strings (JSON) or dd/mm/yyyy; ids as integers (or digit
    strings from forms).
    """
    errors: dict[str, list[str]] = {}
    typed: dict[str, Any] = {}
    known = {f.name for f in spec.fields}
    for key in data:
        if key not in known:
            errors[key] = [_("Trường “%(name)s” không thuộc bước này.") % {"name": key}]
    for field in spec.fields:
        raw = data.get(field.name)
        if fields.is_blank(raw):
            if field.required:
                errors[field.name] = [_("%(label)s là bắt buộc.") % {"label": str(field.label)}]
            continue
        try:
            typed[field.name] = fields.parse(field, raw)
        except ValueError as exc:
            errors[field.name] = [str(exc)]
    return typed, errors


def step_json(typed: Mapping[str, Any]) -> dict[str, Any]:
    """Return typed step data as the JSON stored on the step."""
    return {k: fields.to_json(v) for k, v in typed.items()}
