"""The cast: one province → commune → grassroots committee → two cells, a second grassroots
organisation for the outsider, and one user per role (healthchecks' Alice/Bob/Charlie,
scaled to a tree)."""

from __future__ import annotations

import copy
import importlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from ptdv.access.models import Role, User
from ptdv.orgs.models import Org, OrgField, OrgKind
from ptdv.people.models import Person
from tests.factories import make_org, make_person, make_user

T = TypeVar("T")

# Property tests are bounded by their number of examples, not by the wall clock: a per-example
# deadline (200 ms by default) and the too-slow health check fail on a loaded machine. In CI,
# hypothesis's own "ci" profile (derandomized) stays the parent.
hypothesis_settings.register_profile(
    "ptdv",
    parent=hypothesis_settings.default,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.load_profile("ptdv")


# The fixtures through which a test reaches the database (pytest-django refuses any other way).
_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
     "live_server"}
)  # fmt: skip


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With PTDV_TEST_DATABASE_ONLY set (CI's PostgreSQL leg), run only the tests that use the
    database: the others (the rules, the charts, the text helpers) answer alike on any database
    and run on the SQLite leg beside it. They are reported as deselected, never skipped."""
    if not os.environ.get("PTDV_TEST_DATABASE_ONLY"):
        return
    keep, drop = [], []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        uses = bool(fixtures & _DATABASE_FIXTURES) or item.get_closest_marker("django_db")
        (keep if uses else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@dataclass
class Cast:
    province: Org
    commune: Org
    grassroots: Org
    cell_a: Org
    cell_b: Org
    other_grassroots: Org
    other_cell: Org
    person_a: Person  # managed in cell_a
    person_b: Person  # managed in cell_b
    person_other: Person  # managed in other_cell
    administrator: User
    board_specialist: User
    grassroots_officer: User
    cell_secretary: User
    viewer: User
    outsider: User
    nobody: User  # logged in, no grant at all

    @property
    def users(self) -> dict[str, User]:
        return {
            "administrator": self.administrator,
            "board_specialist": self.board_specialist,
            "grassroots_officer": self.grassroots_officer,
            "cell_secretary": self.cell_secretary,
            "viewer": self.viewer,
            "outsider": self.outsider,
            "nobody": self.nobody,
        }


@pytest.fixture
def reference_lists(transactional_db: None) -> None:
    """Re-seed the reference lists for tests with real transactions.

    Such tests end with a flush that also removes the rows the migrations seeded, and Django's
    serialized_rollback clashes with the content types the flush recreates, so transactional
    tests ask for this fixture (before `cast`) instead.
    """
    from django.apps import apps

    seed = importlib.import_module("ptdv.people.migrations.0002_seed_reference_lists").seed
    seed(apps, None)


def build_cast() -> Cast:
    """Write the cast through the factories and return it."""
    province = make_org(None, OrgKind.PROVINCE, "Tỉnh ủy Quảng Trị", code="TU")
    commune = make_org(province, OrgKind.COMMUNE, "Đảng bộ phường Đông Hà", code="PDH",
                       field=OrgField.COMMUNE_GOV)  # fmt: skip
    grassroots = make_org(commune, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ Trường THPT Đông Hà",
                          code="THPTDH", field=OrgField.SCHOOL)  # fmt: skip
    cell_a = make_org(grassroots, OrgKind.CELL, "Chi bộ Tổ Toán – Tin", code="THPTDH-TT")
    cell_b = make_org(grassroots, OrgKind.CELL, "Chi bộ Tổ Văn – Sử", code="THPTDH-VS")
    other = make_org(commune, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ Công ty Cấp nước",
                     code="CTCN", field=OrgField.STATE_ENTERPRISE)  # fmt: skip
    other_cell = make_org(other, OrgKind.CELL, "Chi bộ Phân xưởng 1", code="CTCN-PX1")
    person_a = make_person(cell_a, family_name="Lê", middle_name="Thị", given_name="Hồng",
                           sex="F", national_id="045195000123")  # fmt: skip
    person_b = make_person(cell_b, family_name="Trần", middle_name="Văn", given_name="Dũng")
    person_other = make_person(
        other_cell, family_name="Phạm", middle_name="Minh", given_name="Tuấn"
    )
    return Cast(
        province=province,
        commune=commune,
        grassroots=grassroots,
        cell_a=cell_a,
        cell_b=cell_b,
        other_grassroots=other,
        other_cell=other_cell,
        person_a=person_a,
        person_b=person_b,
        person_other=person_other,
        administrator=make_user("quantri", Role.ADMINISTRATOR, province, is_staff=True),
        board_specialist=make_user("bantochuc", Role.BOARD_SPECIALIST, province),
        grassroots_officer=make_user("dangvu", Role.GRASSROOTS_OFFICER, grassroots),
        cell_secretary=make_user("bithu", Role.CELL_EDITOR, cell_a),
        viewer=make_user("xem", Role.VIEWER, grassroots),
        outsider=make_user("ngoai", Role.GRASSROOTS_OFFICER, other),
        nobody=make_user("khongquyen"),
    )


def built_once(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """Yield what `build` writes, in a transaction undone after the last test of the fixture's
    scope (a class, a module); each test runs in a savepoint inside it, as usual, so what a
    test writes is undone after it and the next test finds the data as built. Only for tests
    with the `db` fixture: a transactional test cannot run inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


def _uses_db(item: pytest.Item) -> bool:
    return bool(set(getattr(item, "fixturenames", ())) & _DATABASE_FIXTURES) or bool(
        item.get_closest_marker("django_db")
    )


def _transactional(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    return bool(names & {"transactional_db", "live_server", "django_db_reset_sequences"}) or bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )


@pytest.fixture(scope="module")
def cast_once(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Cast | None]:
    """The cast written once for a module whose tests that reach the database all use it and
    none is transactional; None otherwise, and each test writes its own. (A transactional test
    commits, and the database is flushed after it: it cannot run inside the module's
    transaction. A test without the cast may expect an empty database.)"""
    ours = [i for i in request.session.items if getattr(i, "module", None) is request.node.obj]
    if any(_transactional(i) or (_uses_db(i) and "cast_once" not in i.fixturenames) for i in ours):
        yield None
        return
    yield from built_once(django_db_blocker, build_cast)


@pytest.fixture
def cast(cast_once: Cast | None, db: None) -> Cast:
    """The cast for one test: seven units, three people, seven users. Written once per module
    (`cast_once`: 0.3 s a test on PostgreSQL, for about 2,000 tests), each test gets a copy of
    its objects as built, so what a test changes in them — in memory, or in the database,
    undone after it — no test after it sees."""
    if cast_once is None:
        return build_cast()
    return copy.deepcopy(cast_once)
