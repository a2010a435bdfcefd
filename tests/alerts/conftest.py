"""A scene on top of the cast: items due in cell_a, cell_b and the outsider's cell, built
through the services (transfers, the registry's flags, a pipeline case)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from ptdv.members.models import Membership, Transfer
from ptdv.members.rules.dates import add_months
from ptdv.members.services import enter_existing_member, set_away_flag
from ptdv.members.services import transfers as svc
from tests.conftest import Cast
from tests.factories import TODAY, make_person, system_user


def member(cell: Any, given: str, *, joined_on: date = date(2010, 1, 10),
           official: bool = True) -> Membership:  # fmt: skip
    person = make_person(cell, family_name="Lê", middle_name="Thị", given_name=given)
    return enter_existing_member(
        person=person, cell=cell, decision_on=joined_on - timedelta(days=5), joined_on=joined_on,
        official_on=add_months(joined_on, 12) if official else None, actor=system_user(),
        today=TODAY,
    )  # fmt: skip


def late_letter(m: Membership, actor: Any, to_cell: Any) -> Transfer:
    """A permanent transfer started on 3/8/2026: its letter (60 working days) is overdue."""
    return svc.start_transfer(
        membership=m, actor=actor, today=TODAY, kind="permanent", to_cell=to_cell,
        trigger_on=date(2026, 8, 3),
    ).transfer  # fmt: skip


def away(cell: Any, given: str) -> Membership:
    m = member(cell, given)
    return set_away_flag(membership=m, away=True, version=m.version, actor=system_user())


@dataclass
class Scene:
    cast: Cast
    a_late: Membership  # cell_a: a letter overdue
    a_probation: Membership  # cell_a: probation ends in 3 days
    b_away: Membership  # cell_b: working away
    other_late: Membership  # the outsider's cell: a letter overdue
    other_away: Membership  # the outsider's cell: working away


@pytest.fixture
def scene(cast: Cast) -> Scene:
    a_late = member(cast.cell_a, "Lan")
    late_letter(a_late, cast.board_specialist, cast.cell_b)
    a_probation = member(
        cast.cell_a, "Hạnh", joined_on=add_months(TODAY + timedelta(days=3), -12), official=False
    )
    other_late = member(cast.other_cell, "Oanh")
    late_letter(other_late, cast.board_specialist, cast.cell_b)
    return Scene(
        cast=cast,
        a_late=a_late,
        a_probation=a_probation,
        b_away=away(cast.cell_b, "Bích"),
        other_late=other_late,
        other_away=away(cast.other_cell, "Ơn"),
    )
