"""The typed fields of step data: one kind per value type, parsed and stored in one place.

Pure (no database). The step catalogue (`pipeline.actions`) declares each step's fields with
these kinds; the services validate with `parse`, store with `to_json` and read back with
`from_json`; the rules read dates with `Kind.DATE`; the forms build one form field per kind
(`pipeline.forms.FIELD_BUILDERS`), the API documents one pydantic model per step
(`pipeline.schemas.step_data_schema`) and the case page shows values with `Kind.ref`.
References (people, units, classes) are ids here; which ids a user may name is decided by one
resolver in the services (`services.refs.find_step_refs`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ptdv.core.text import normalize_spaces

# Labels stay lazy so they are translated when rendered, not when this module is imported.
Label = str | Promise

STR_MAX = 255
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_VN_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_TRUE = frozenset({"true", "1", "on", "yes", "có"})
_FALSE = frozenset({"false", "0", "off", "no", "không", ""})


class Kind(StrEnum):
    DATE = "date"
    INT = "int"  # a whole number >= 0
    STR = "str"  # one line, at most STR_MAX characters, spaces normalised
    TEXT = "text"  # free text
    BOOL = "bool"
    PERSON = "person"  # PersonRef: the id of a Person
    PERSONS = "persons"  # PersonRefs: a list of distinct Person ids
    ORG = "org"  # OrgRef: the id of an Org
    BATCH = "batch"  # BatchRef: the id of a TrainingBatch
    CHOICE = "choice"  # one of FieldSpec.choices

    @property
    def ref(self) -> str:
        """Return the kind of row an id names ("person", "org", "batch"), or ""."""
        return {
            Kind.PERSON: "person",
            Kind.PERSONS: "person",
            Kind.ORG: "org",
            Kind.BATCH: "batch",
        }.get(self, "")

    @property
    def many(self) -> bool:
        return self is Kind.PERSONS


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    label: Label
    required: bool = True
    help: Label = ""
    choices: tuple[str, ...] = ()  # the values of a CHOICE field

    def ids(self, value: Any) -> list[int]:
        """Return the ids a typed value of a reference field names (empty for other kinds)."""
        if not self.kind.ref:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def field(
    name: str,
    kind: Kind,
    label: Label,
    *,
    required: bool = True,
    help: Label = "",
    choices: tuple[str, ...] = (),
) -> FieldSpec:
    return FieldSpec(name, kind, label, required, help, choices)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def parse(spec: FieldSpec, raw: Any) -> Any:
    """Return raw converted to the field's kind, or raise ValueError with a Vietnamese message.

    Dates come as date objects, ISO strings (JSON) or dd/mm/yyyy; ids as integers (or digit
    strings from forms).
    """
    label = str(spec.label)
    kind = spec.kind
    if kind is Kind.DATE:
        return parse_date(raw, label)
    if kind is Kind.INT:
        value = parse_int(raw)
        if value is None or value < 0:
            raise ValueError(_("%(label)s phải là số nguyên không âm.") % {"label": label})
        return value
    if kind in (Kind.STR, Kind.TEXT):
        if not isinstance(raw, str):
            raise ValueError(_("%(label)s phải là chuỗi ký tự.") % {"label": label})
        text = normalize_spaces(raw) if kind is Kind.STR else raw.strip()
        if kind is Kind.STR and len(text) > STR_MAX:
            raise ValueError(_("%(label)s dài quá %(n)s ký tự.") % {"label": label, "n": STR_MAX})
        return text
    if kind is Kind.BOOL:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise ValueError(_("%(label)s phải là có hoặc không (true/false).") % {"label": label})
    if kind in (Kind.PERSON, Kind.ORG, Kind.BATCH):
        value = parse_int(raw)
        if value is None or value <= 0:
            raise ValueError(_("%(label)s: mã không hợp lệ.") % {"label": label})
        return value
    if kind is Kind.PERSONS:
        items = raw if isinstance(raw, list | tuple) else None
        values = [parse_int(v) for v in items] if items is not None else [None]
        if any(v is None or v <= 0 for v in values):
            raise ValueError(_("%(label)s: phải là danh sách mã người.") % {"label": label})
        if len(set(values)) != len(values):
            raise ValueError(_("%(label)s: một người được nêu hai lần.") % {"label": label})
        return values
    if kind is Kind.CHOICE:
        if raw not in spec.choices:
            raise ValueError(
                _("%(label)s: giá trị “%(value)s” không nằm trong danh sách cho phép.")
                % {"label": label, "value": raw}
            )
        return raw
    raise ValueError(f"unknown field kind {kind!r}")


def parse_int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return None


def parse_date(raw: Any, label: str) -> date:
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


def to_json(value: Any) -> Any:
    """Return a typed value as stored in the step's JSON data."""
    return value.isoformat() if isinstance(value, date) else value


def from_json(spec: FieldSpec, value: Any) -> Any:
    """Return a stored value typed again (dates as dates); unreadable values stay as stored."""
    if spec.kind is Kind.DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value
