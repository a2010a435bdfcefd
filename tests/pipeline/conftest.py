"""Pipeline fixtures on top of the cast: cell_a's official members and a candidate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from ptdv.access.models import User
from ptdv.access.services import create_api_token
from ptdv.orgs.models import Org
from ptdv.people.models import Person
from tests.conftest import Cast
from tests.factories import TODAY
from tests.pipeline.factories import CellMembers, make_candidate, make_cell_members


@dataclass
class World:
    cast: Cast
    members: CellMembers  # official members of cell_a
    candidate: Person  # a non-member managed in cell_a
    authority: Org  # the committee deciding admissions for cell_a


@pytest.fixture
def world(cast: Cast) -> World:
    return World(
        cast=cast,
        members=make_cell_members(cast.cell_a),
        candidate=make_candidate(
            cast.cell_a, family_name="Võ", middle_name="Thị", given_name="Lan"
        ),
        authority=cast.commune,
    )


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The API reads today's date through one function; pin it to the factories' TODAY."""
    monkeypatch.setattr("ptdv.pipeline.api._today", lambda: TODAY)


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """Return a function giving a test client logged in as user (or anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def bearer() -> Callable[[User], dict[str, str]]:
    """Return a function giving the Authorization header of a fresh token for user."""

    def make(user: User) -> dict[str, str]:
        _token, secret = create_api_token(user=user, name="kiểm thử")
        return {"Authorization": f"Bearer {secret}"}

    return make
