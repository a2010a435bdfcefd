"""Step data: validating a step's fields and reading stored JSON back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from ptdv.core.text import normalize_spaces
from ptdv.pipeline.actions import ActionSpec
from ptdv.pipeline.services.base import (
    _FALSE,
    _ISO_DATE,
    _STR_MAX,
    _TRUE,
    _VN_DATE,
    StepInvalid,
)

# --- step data -------------------------------------------------------------------------


def clean_step_data(
    spec: ActionSpec, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (JSON to store, typed values for the rules) or raise StepInvalid.

    Every message names the field by its Vietnamese label. Dates come as date objects,
    ISO strings (JSON) or dd/mm/yyyy; ids as integers (or digit strings from forms). Whether
    an id names a row the user may name is for `refs.resolve_step_refs`, never a bare lookup.
    """
    typed, errors = parse_step_data(spec, data)
    if errors:
        raise StepInvalid(_("Thông tin của bước chưa hợp lệ."), field_errors=errors)
    return step_json(typed), typed


def step_json(typed: Mapping[str, Any]) -> dict[str, Any]:
    """Return typed step data as the JSON stored on the step (dates in ISO form)."""
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in typed.items()}


def parse_step_data(
    spec: ActionSpec, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Return (typed values of the valid fields, errors by field) without raising."""
    errors: dict[str, list[str]] = {}
    typed: dict[str, Any] = {}
    known = {f.name for f in spec.fields}
    for key in data:
        if key not in known:
            errors[key] = [_("Trường “%(name)s” không thuộc bước này.") % {"name": key}]
    for field in spec.fields:
        label = str(field.label)
        raw = data.get(field.name)
        if _is_blank(raw):
            if field.required:
                errors[field.name] = [_("%(label)s là bắt buộc.") % {"label": label}]
            continue
        try:
            value = _parse(field.type, raw, label)
        except ValueError as exc:
            errors[field.name] = [str(exc)]
            continue
        typed[field.name] = value
    return typed, errors


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def _parse(kind: str, raw: Any, label: str) -> Any:
    """Return raw converted to the field type, or raise ValueError with a Vietnamese message."""
    base, _sep, options = kind.partition(":")
    if base == "date":
        return _parse_date(raw, label)
    if base == "int":
        value = _parse_int(raw)
        if value is None or value < 0:
            raise ValueError(_("%(label)s phải là số nguyên không âm.") % {"label": label})
        return value
    if base in ("str", "text"):
        if not isinstance(raw, str):
            raise ValueError(_("%(label)s phải là chuỗi ký tự.") % {"label": label})
        value_s = normalize_spaces(raw) if base == "str" else raw.strip()
        if base == "str" and len(value_s) > _STR_MAX:
            raise ValueError(_("%(label)s dài quá %(n)s ký tự.") % {"label": label, "n": _STR_MAX})
        return value_s
    if base == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise ValueError(_("%(label)s phải là có hoặc không (true/false).") % {"label": label})
    if base in ("person", "org", "batch"):
        value = _parse_int(raw)
        if value is None or value <= 0:
            raise ValueError(_("%(label)s: mã không hợp lệ.") % {"label": label})
        return value
    if base == "persons":
        items = raw if isinstance(raw, list | tuple) else None
        values = [_parse_int(v) for v in items] if items is not None else [None]
        if any(v is None or v <= 0 for v in values):
            raise ValueError(_("%(label)s: phải là danh sách mã người.") % {"label": label})
        if len(set(values)) != len(values):
            raise ValueError(_("%(label)s: một người được nêu hai lần.") % {"label": label})
        return values
    if base == "choice":
        allowed = options.split("|")
        if raw not in allowed:
            raise ValueError(
                _("%(label)s: giá trị “%(value)s” không nằm trong danh sách cho phép.")
                % {"label": label, "value": raw}
            )
        return raw
    raise ValueError(f"unknown field type {kind!r}")


def _parse_int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return None


def _parse_date(raw: Any, label: str) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        try:
            if _ISO_DATE.fullmatch(text):
                return date.fromisoformat(text)
            if _VN_DATE.fullmatch(text):
                return datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 (a date)
        except ValueError:
            pass
    raise ValueError(
        _("%(label)s: ngày không hợp lệ (viết dd/mm/yyyy, ví dụ 17/05/2025).") % {"label": label}
    )


def _typed_from_json(spec: ActionSpec, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return stored step data with its dates turned back into date objects."""
    typed = dict(data)
    for field in spec.fields:
        value = typed.get(field.name)
        if field.type == "date" and isinstance(value, str):
            try:
                typed[field.name] = date.fromisoformat(value)
            except ValueError:
                pass
    return typed
