"""A grassroots committee with two cells, a few admissions and targets (the cast's tree)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from ptdv.targets.models import Metric, Target
from ptdv.targets.services import set_target
from tests.conftest import Cast
from tests.factories import TODAY, system_user
from tests.members.helpers import admitted, bulk_people, enter


@dataclass
class Plan:
    cast: Cast
    grassroots: Target
    cell_a: Target
    cell_b: Target


def set_(unit, value, *, metric=Metric.NEW_MEMBERS, start=2026, end=2026) -> Target:
    return set_target(
        unit=unit, start_year=start, end_year=end, metric=metric, value=Decimal(value),
        version=None, actor=system_user(), today=TODAY,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ptdv.targets.views._today", lambda: TODAY)
    monkeypatch.setattr("ptdv.targets.api._today", lambda: TODAY)


@pytest.fixture
def plan(cast: Cast) -> Plan:
    """2026: 3 admitted in cell A (1/3), 1 in cell B (1/5); 2025: 1 in cell A (1/6).
    Targets 2026: the committee 10, cell A 6, cell B 3 (the split leaves 1 unassigned)."""
    a = bulk_people([cast.cell_a], 4, birth=date(2000, 6, 1))
    b = bulk_people([cast.cell_b], 1, birth=date(1980, 6, 1))
    enter(
        [(p, date(2026, 2, 20), admitted(p, date(2026, 3, 1), official=False)) for p in a[:3]]
        + [(b[0], date(2026, 4, 20), admitted(b[0], date(2026, 5, 1), official=False))]
        + [(a[3], date(2025, 5, 20), admitted(a[3], date(2025, 6, 1)))]
    )
    return Plan(cast, set_(cast.grassroots, 10), set_(cast.cell_a, 6), set_(cast.cell_b, 3))
