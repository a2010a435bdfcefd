"""Helpers for API tests: a logged-in client per cast member, personal tokens."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from ptdv.access.models import User
from ptdv.access.services import create_api_token

# Users who are logged in (the cast), keyed as Cast.users names them.
CAST = (
    "administrator",
    "board_specialist",
    "grassroots_officer",
    "cell_secretary",
    "viewer",
    "outsider",
    "nobody",
)


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
