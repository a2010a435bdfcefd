"""What the project's management commands share."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def iso_day(value: str) -> date:
    """Return the YYYY-MM-DD day a command was given, or stop it with a Vietnamese message."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("Ngày “%(v)s” không hợp lệ: viết theo dạng YYYY-MM-DD.") % {"v": value}
        ) from exc
