"""'Lịch sử thay đổi': who changed what and when, from django-simple-history records.

`history_entries` reads the records; the page (`ptdv.access.history.render_history`) logs the
read like a dossier read. Core sits below access, so it neither logs nor renders here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

HISTORY_TYPES = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}
_HIDDEN_FIELDS = {"version", "created_at", "updated_at"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: Any
    who: str
    kind: str
    reason: str
    changes: list[FieldChange]


def _display(record: Any, field: models.Field[Any, Any]) -> str:
    value = getattr(record, field.attname, None)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = getattr(record, field.name, None)
        return str(related) if related is not None else "—"
    if isinstance(field, models.BooleanField):
        return _("Có") if value else _("Không")
    if isinstance(field, models.DateField):
        return str(value.strftime("%d/%m/%Y"))
    return str(value)


def history_entries(obj: models.Model) -> list[HistoryEntry]:
    """Return the history of obj, newest first, each entry with its field-by-field changes."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")  # type: ignore[attr-defined]
    )
    tracked = [
        f
        for f in obj.history.model.tracked_fields  # type: ignore[attr-defined]
        if f.name not in _HIDDEN_FIELDS
    ]
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        for field in tracked:
            new = _display(record, field)
            old = _display(previous, field) if previous is not None else "—"
            if previous is None and new == "—":
                continue
            if previous is None or old != new:
                changes.append(FieldChange(str(field.verbose_name).capitalize(), old, new))
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(user) if user is not None else _("Hệ thống"),
                kind=HISTORY_TYPES.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
