"""WORKING-DAY: a step dated on a Sunday, a public holiday, Tết or a Saturday that is not a
make-up day is most likely a typing mistake; warn, naming the day.

The party's bodies meet and sign on working days as a rule, but not always (a residential cell
may meet on a Sunday), so this never refuses a step. The steps a person writes alone (the
application, the personal history, the self-review) are not judged.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from ptdv.core.calendar import WorkCalendar
from ptdv.pipeline import actions as A
from ptdv.pipeline.rules.base import Finding
from ptdv.pipeline.rules.catalog import _finding

# Written by the candidate or the member themselves, on any day.
_PERSONAL_ACTS = frozenset({A.OPEN, A.APPLICATION, A.HISTORY, A.SELF_REVIEW})


def day_off_findings(action: str, on: date, *, calendar: WorkCalendar) -> list[Finding]:
    """Return a warning when `on` is not a working day (core.calendar.WorkCalendar)."""
    if action in _PERSONAL_ACTS:
        return []
    name = calendar.day_off_name(on)
    if name is None:
        return []
    return [
        _finding(
            "WORKING-DAY",
            on,
            _("%(day)s là ngày nghỉ: kiểm tra lại ngày ghi trên văn bản") % {"day": name},
        )
    ]
