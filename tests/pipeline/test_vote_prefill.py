"""A vote's form starts from the registry's figures on the day (issue 7 items 6–7)."""

from __future__ import annotations

from django.urls import reverse

from ptdv.members.models import Membership
from ptdv.members.services.activity import record_meeting
from ptdv.pipeline import actions
from tests.factories import TODAY, system_user
from tests.pipeline.factories import open_test_case, walk_case_to


def _form(client, case, action):  # type: ignore[no-untyped-def]
    url = reverse("pipeline:case-step", args=[case.pk]) + f"?action={action}"
    return client.get(url).context["form"]


def test_a_cell_vote_starts_from_the_roll_and_todays_attendance(client, world, monkeypatch):
    monkeypatch.setattr("ptdv.pipeline.views._today", lambda: TODAY)
    case = open_test_case(world.candidate, world.cast.cell_a, actor=world.cast.board_specialist)
    walk_case_to(case, stop_before=actions.CELL_VOTE, members=world.members,
                 authority=world.authority, actor=world.cast.board_specialist)  # fmt: skip
    client.force_login(world.cast.cell_secretary)

    form = _form(client, case, actions.CELL_VOTE)
    assert (form.initial["eligible"], form.initial.get("present")) == (4, None)

    absent = Membership.objects.get(person=world.members.mentor)
    record_meeting(cell=world.cast.cell_a, held_on=TODAY, absences={absent.pk: True},
                   actor=system_user(), today=TODAY)  # fmt: skip
    form = _form(client, case, actions.CELL_VOTE)
    assert (form.initial["eligible"], form.initial["present"]) == (4, 3)
