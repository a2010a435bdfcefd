"""Rebuilding the case's cached columns from its steps (`ptdv pipeline recompute`, calendar edits).

The cached columns (CACHED_FIELDS) are written by `_refresh_cached` whenever a step is recorded;
rebuilding runs that same function on the stored steps, so a rebuild reproduces exactly what
the services wrote, and repairs whatever else changed (a rule's setting, the calendar).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ptdv.core.calendar import WorkCalendar
from ptdv.pipeline.config import rules_config
from ptdv.pipeline.facts import calendar_for, case_facts
from ptdv.pipeline.models import Case, Outcome
from ptdv.pipeline.rules import CaseFacts
from ptdv.pipeline.services.steps import CACHED_FIELDS, _refresh_cached


def recompute_cases(*, cases: QuerySet[Case], today: date) -> int:
    """Recompute the cached columns of `cases` from their steps; return how many changed.

    One short transaction per case, with the case row locked, so a step recorded meanwhile is
    never overwritten by a stale rebuild. The version is not bumped (no step was recorded) and
    unchanged cases are not written.
    """
    config = rules_config()
    calendars: dict[tuple[int, ...], WorkCalendar] = {}

    def calendar(facts: CaseFacts) -> WorkCalendar:
        # The services' own calendar span for the case, loaded once per span.
        years = tuple(
            sorted({today.year, facts.opened_on.year, *(s.occurred_on.year for s in facts.steps)})
        )
        if years not in calendars:
            calendars[years] = calendar_for(facts, today)
        return calendars[years]

    changed = 0
    for pk in cases.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            before = {name: getattr(case, name) for name in CACHED_FIELDS}
            facts = case_facts(case)
            _refresh_cached(case, facts, calendar(facts), config)
            updated = [name for name in CACHED_FIELDS if getattr(case, name) != before[name]]
            if updated:
                case._change_reason = _("Tính lại dữ liệu tổng hợp từ các bước")  # type: ignore[attr-defined]
                case.save(update_fields=[*updated, "updated_at"])
                changed += 1
    return changed


def recompute_after_calendar_change(*, days: Iterable[date], today: date) -> int:
    """Recompute the open cases whose due dates a changed calendar day can move.

    A working day added or removed on day D only moves a deadline counted across D, and such a
    deadline falls on or after D, before and after the change; a next due date before D is
    therefore unaffected, and so is the earliest of the case's deadlines. Only open cases due on
    or after the earliest changed day are recomputed.
    """
    days = list(days)
    if not days:
        return 0
    affected = Case.objects.filter(outcome=Outcome.OPEN, next_due_on__gte=min(days))
    return recompute_cases(cases=affected, today=today)
