"""Two officers acting on the same member at once: exactly one wins, the other is told the
record moved on (issue 7, "Bad input"); in the API the loser gets 409.

On PostgreSQL the two writes run in two threads on two connections, released together by a
barrier, so the row lock really serialises them; SQLite serialises writers on the whole
database, so there the same calls run one after the other.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from ptdv.core.errors import StaleVersion
from ptdv.members import services as registry
from ptdv.members.models import EventKind, MemberEvent, Membership
from tests.factories import TODAY
from tests.members.test_views import enter

DAY = date(2026, 11, 20)


def _race(calls: list[Callable[[], Any]]) -> list[str]:
    results: list[str] = []

    def run(call: Callable[[], Any], barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=300)  # bounds only a hang
            call()
            results.append("ok")
        except StaleVersion:
            results.append("stale")
        except Exception as exc:  # shown by the assertion of the caller
            results.append(repr(exc))
        finally:
            if barrier is not None:
                close_old_connections()
                connection.close()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(len(calls))
        threads = [threading.Thread(target=run, args=(c, barrier)) for c in calls]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        assert not any(t.is_alive() for t in threads)
    else:
        for c in calls:
            run(c, None)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_officers_record_events_on_one_member_at_once_exactly_one_wins(reference_lists, cast):
    member = enter(cast.person_a, cast.cell_a)
    version = member.version

    def exempt() -> None:
        registry.record_event(
            membership=Membership.objects.get(pk=member.pk), kind=EventKind.EXEMPT_START,
            on=DAY, actor=cast.cell_secretary, today=TODAY, version=version,
        )  # fmt: skip

    def died() -> None:
        registry.record_event(
            membership=Membership.objects.get(pk=member.pk), kind=EventKind.DIED,
            on=DAY, actor=cast.grassroots_officer, today=TODAY, version=version,
        )  # fmt: skip

    assert sorted(_race([exempt, died])) == ["ok", "stale"]
    fresh = Membership.objects.get(pk=member.pk)
    assert fresh.version == version + 1
    # Exactly one of the two events was written, and the cached status follows it alone.
    kinds = set(MemberEvent.objects.filter(membership=member).values_list("kind", flat=True))
    assert len(kinds & {EventKind.EXEMPT_START, EventKind.DIED}) == 1
    assert (fresh.status == "left") == (EventKind.DIED in kinds)
    assert fresh.exempted == (EventKind.EXEMPT_START in kinds)


@pytest.mark.django_db(transaction=True)
def test_two_api_clients_flag_one_member_at_once_one_gets_409(reference_lists, cast):
    member = enter(cast.person_a, cast.cell_a)
    version = member.version
    statuses: list[int] = []
    bodies = [
        {"away_without_transfer": True, "version": version},
        {"seriously_ill": True, "version": version},
    ]
    users = [cast.cell_secretary, cast.grassroots_officer]

    def call(user: Any, body: dict[str, Any]) -> Callable[[], None]:
        def send() -> None:
            client = Client()
            client.force_login(user)
            response = client.patch(
                f"/api/v1/members/{member.pk}/flags", json.dumps(body),
                content_type="application/json",
            )  # fmt: skip
            statuses.append(response.status_code)
            if response.status_code == 409:
                assert response.json()["current_version"] == version + 1

        return send

    assert _race([call(u, b) for u, b in zip(users, bodies, strict=True)]) == ["ok", "ok"]
    assert sorted(statuses) == [200, 409]
    fresh = Membership.objects.get(pk=member.pk)
    assert fresh.version == version + 1
    assert fresh.away_without_transfer != fresh.seriously_ill  # one flag, not both
