"""Step data: validating a step's fields and reading stored JSON back.

Every field is typed by its kind in the catalogue (`pipeline.fields`); this module only asks
the kinds to parse, and resolves the ids a step names in one function, `resolve_references`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ptdv.access.models import User
from ptdv.orgs.models import Org
from ptdv.people.models import Person
from ptdv.pipeline import fields
from ptdv.pipeline.actions import ActionSpec
from ptdv.pipeline.models import TrainingBatch
from ptdv.pipeline.services.base import StepInvalid

# --- step data -------------------------------------------------------------------------


def clean_step_data(
    spec: ActionSpec, data: Mapping[str, Any], *, actor: User | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (JSON to store, typed values for the rules) or raise StepInvalid.

    Every message names the field by its Vietnamese label. Dates come as date objects,
    ISO strings (JSON) or dd/mm/yyyy; ids as integers (or digit strings from forms); the ids
    are then resolved for `actor` (resolve_references).
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
    resolve_references(actor, spec, typed, errors)
    if errors:
        raise StepInvalid(_("Thông tin của bước chưa hợp lệ."), field_errors=errors)
    return {k: fields.to_json(v) for k, v in typed.items()}, typed


_MODELS: dict[str, Any] = {"person": Person, "org": Org, "batch": TrainingBatch}
_NOT_FOUND = {
    "person": gettext_lazy("%(label)s: không tìm thấy người có mã %(id)s."),
    "org": gettext_lazy("%(label)s: không tìm thấy tổ chức có mã %(id)s."),
    "batch": gettext_lazy("%(label)s: không tìm thấy lớp có mã %(id)s."),
}


def resolve_references(
    actor: User | None,
    spec: ActionSpec,
    typed: Mapping[str, Any],
    errors: dict[str, list[str]],
) -> None:
    """Add an error for every id a reference field names that `actor` may not name.

    The one place where the ids of PersonRef, PersonRefs, OrgRef and BatchRef fields are
    resolved (one query per kind of reference); today an id must name a row.
    """
    wanted: dict[str, set[int]] = {"person": set(), "org": set(), "batch": set()}
    for field in spec.fields:
        if field.kind.ref and field.name in typed:
            wanted[field.kind.ref].update(field.ids(typed[field.name]))
    found = {
        ref: set(_MODELS[ref].objects.filter(pk__in=ids).values_list("pk", flat=True))
        if ids
        else set()
        for ref, ids in wanted.items()
    }
    for field in spec.fields:
        if not field.kind.ref or field.name not in typed:
            continue
        for value in field.ids(typed[field.name]):
            if value not in found[field.kind.ref]:
                errors.setdefault(field.name, []).append(
                    str(_NOT_FOUND[field.kind.ref]) % {"label": str(field.label), "id": value}
                )


def typed_from_json(spec: ActionSpec, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return stored step data with its dates turned back into date objects."""
    typed = dict(data)
    for field in spec.fields:
        if field.name in typed:
            typed[field.name] = fields.from_json(field, typed[field.name])
    return typed


_typed_from_json = typed_from_json
