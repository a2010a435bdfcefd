"""The pipeline's items for the alerts digest (D42): the cases of "Việc cần làm"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ptdv.alerts.providers import horizon_days
from ptdv.alerts.rules import Item
from ptdv.pipeline import selectors


def case_items(user: Any, today: date) -> Iterator[Item]:
    """Yield the open cases in the user's scope with their next deadline, the same cases as
    the to-do page (`selectors.due_for_user`, one query)."""
    for case in selectors.due_for_user(user, today=today, within_days=horizon_days()):
        assert case.next_due_on is not None
        yield Item(
            source="pipeline.case",
            key=str(case.pk),
            topic=_("Hồ sơ phát triển đảng viên"),
            subject=case.person.full_name,
            unit=case.cell.label,
            what=selectors.due_label(case.next_due_rule),
            due_on=case.next_due_on,
            basis=selectors.due_basis(case.next_due_rule, case.next_due_on),
            url=reverse("pipeline:case-detail", args=[case.pk]),
        )
