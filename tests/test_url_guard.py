"""Every URL pattern and every API operation is guarded, and checked with the whole cast.

Adding a URL or an API operation without an entry here fails the suite: the entry says who
may reach it. Denied users get 404 (absent and forbidden look the same) and change nothing.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps as django_apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ptdv.api import api
from ptdv.orgs.models import Org
from ptdv.people.models import Person
from ptdv.targets.services import set_target
from tests.conftest import built_once
from tests.factories import TODAY

EVERYONE = frozenset(
    {"administrator", "board_specialist", "grassroots_officer", "cell_secretary", "viewer",
     "outsider", "nobody"}
)  # fmt: skip
READ_CELL_A = frozenset(
    {"administrator", "board_specialist", "grassroots_officer", "cell_secretary", "viewer"}
)
EDIT_CELL_A = frozenset(
    {"administrator", "board_specialist", "grassroots_officer", "cell_secretary"}
)
ORG_EDIT_CELL_A = frozenset({"administrator", "board_specialist", "grassroots_officer"})
BOARD = frozenset({"administrator", "board_specialist"})
ADMIN = frozenset({"administrator"})


@dataclass(frozen=True)
class Page:
    kwargs: Callable[[Any], dict[str, Any]] = lambda c: {}
    allowed: frozenset[str] = EVERYONE
    method: str = "get"  # "post" for POST-only endpoints
    public: bool = False  # reachable without logging in
    data: Callable[[Any], dict[str, Any]] = field(default=lambda c: {})


PAGES: dict[str, Page] = {
    "core:home": Page(),
    "core:favicon": Page(public=True),
    "access:login": Page(public=True),
    "access:logout": Page(method="post"),
    "access:password-change": Page(),
    "access:account": Page(),
    "access:preferences": Page(method="post", data=lambda c: {"text_size": "1"}),
    "access:tokens": Page(),
    # Someone else's token: nobody but its owner may revoke it (the owner is the administrator).
    "access:token-revoke": Page(
        kwargs=lambda c: {"token_id": c.token.pk}, method="post", allowed=ADMIN
    ),
    "access:log": Page(allowed=ADMIN),
    # Lists: anyone with a grant (content scoped, tested in tests/orgs and tests/people); a user
    # without any grant has nothing to list and gets 404 like any other unreachable page.
    "orgs:tree": Page(allowed=EVERYONE - {"nobody"}),
    # The unit picker's search: a source anchored on cell_a (404 where cell_a is out of scope).
    "orgs:picker": Page(
        data=lambda c: {"source": "cells-under", "anchor": c.cell_a.pk, "org_q": "chi bo"},
        allowed=READ_CELL_A,
    ),
    # Only a superuser creates a new root; no member of the cast is one (tested in tests/orgs).
    "orgs:create-root": Page(allowed=frozenset()),
    "orgs:detail": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=READ_CELL_A),
    "orgs:children": Page(
        kwargs=lambda c: {"org_id": c.grassroots.pk},
        allowed=READ_CELL_A - {"cell_secretary"},
    ),
    # A cell cannot hold sub-units, so creation is checked under the grassroots committee.
    "orgs:create": Page(kwargs=lambda c: {"org_id": c.grassroots.pk}, allowed=ORG_EDIT_CELL_A),
    "orgs:edit": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=ORG_EDIT_CELL_A),
    "orgs:move": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=BOARD),
    "orgs:dissolve": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=BOARD),
    "orgs:history": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=EDIT_CELL_A),
    "people:list": Page(allowed=EVERYONE - {"nobody"}),
    "people:create": Page(allowed=EDIT_CELL_A | {"outsider"}),
    "people:detail": Page(kwargs=lambda c: {"person_id": c.person_a.pk}, allowed=READ_CELL_A),
    "people:edit": Page(kwargs=lambda c: {"person_id": c.person_a.pk}, allowed=EDIT_CELL_A),
    "people:move": Page(kwargs=lambda c: {"person_id": c.person_a.pk}, allowed=EDIT_CELL_A),
    "people:history": Page(kwargs=lambda c: {"person_id": c.person_a.pk}, allowed=EDIT_CELL_A),
    "people:conscription": Page(kwargs=lambda c: {"person_id": c.person_a.pk}, allowed=EDIT_CELL_A),
    "people:conscription_remove": Page(
        kwargs=lambda c: {"conscription_id": _conscription(c).pk},
        allowed=EDIT_CELL_A,
    ),
    # The pipeline: a case and a pool of cell_a (opened on first use, see _case below).
    "pipeline:board": Page(allowed=EVERYONE - {"nobody"}),
    "pipeline:todo": Page(allowed=EVERYONE - {"nobody"}),
    # The alerts digest (D42): anyone who sees cases or members somewhere (content scoped,
    # tested in tests/alerts).
    "alerts:digest": Page(allowed=EVERYONE - {"nobody"}),
    "pipeline:case-detail": Page(kwargs=lambda c: {"case_id": _case(c).pk}, allowed=READ_CELL_A),
    "pipeline:case-history": Page(kwargs=lambda c: {"case_id": _case(c).pk}, allowed=EDIT_CELL_A),
    # A cell's own step (CASE_RECORD); committee and decision steps are tested in tests/pipeline.
    "pipeline:case-step": Page(
        kwargs=lambda c: {"case_id": _case(c).pk},
        data=lambda c: {"action": "pipeline.course.completed"},
        allowed=EDIT_CELL_A,
    ),
    "pipeline:case-open": Page(
        method="post",
        data=lambda c: {"person": c.person_a.pk, "cell": c.cell_a.pk, "source": "other"},
        allowed=EDIT_CELL_A,
    ),
    "pipeline:pool": Page(data=lambda c: {"cell": c.cell_a.pk}, allowed=READ_CELL_A),
    "pipeline:pool-add": Page(data=lambda c: {"cell": c.cell_a.pk}, allowed=EDIT_CELL_A),
    "pipeline:pool-review": Page(data=lambda c: {"cell": c.cell_a.pk}, allowed=EDIT_CELL_A),
    # The member registry: a member of cell_a and its recognition (see _membership below).
    "members:list": Page(allowed=EVERYONE - {"nobody"}),
    "members:enter": Page(allowed=ORG_EDIT_CELL_A | {"outsider"}),
    "members:figures": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=READ_CELL_A),
    "members:watch": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=READ_CELL_A),
    "members:badges": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=READ_CELL_A),
    "members:activity": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=READ_CELL_A),
    # The statistical tables of a unit and their Excel export (logged).
    "reports:dashboard": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=READ_CELL_A),
    "reports:table": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=READ_CELL_A),
    "reports:table-xlsx": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=READ_CELL_A),
    # Targets (D40): read with the registry; set by the grassroots committee and above.
    "targets:unit": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=READ_CELL_A),
    "targets:edit": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=ORG_EDIT_CELL_A),
    "targets:remove": Page(
        kwargs=lambda c: {"org_id": c.cell_a.pk},
        allowed=ORG_EDIT_CELL_A,
        data=lambda c: {"ky": "2026", "chi-tieu": "new_members"},
    ),
    "members:detail": Page(
        kwargs=lambda c: {"membership_id": _membership(c).pk}, allowed=READ_CELL_A
    ),
    # The cell records exemptions (MEMBER_RECORD); the committee decides exits and cards.
    "members:event-record": Page(
        kwargs=lambda c: {"membership_id": _membership(c).pk}, allowed=EDIT_CELL_A
    ),
    "members:card": Page(
        kwargs=lambda c: {"membership_id": _membership(c).pk}, allowed=ORG_EDIT_CELL_A
    ),
    "members:away": Page(
        kwargs=lambda c: {"membership_id": _membership(c).pk},
        method="post",
        data=lambda c: {"away": "on", "version": _membership(c).version},
        allowed=EDIT_CELL_A,
    ),
    "members:ill": Page(
        kwargs=lambda c: {"membership_id": _membership(c).pk},
        method="post",
        data=lambda c: {"ill": "on", "version": _membership(c).version},
        allowed=EDIT_CELL_A,
    ),
    "members:event-correct": Page(
        kwargs=lambda c: {"event_id": _member_event(c).pk}, allowed=ORG_EDIT_CELL_A
    ),
    # Transfers (D34): a transfer from cell_a to cell_b, started (see _transfer below). Each
    # side's steps are its own: the sending cell's on cell_a, the receiving cell's on cell_b; a
    # step the state does not allow yet sends the allowed user back to the transfer (302).
    "transfers:unit-list": Page(kwargs=lambda c: {"org_id": c.cell_a.pk}, allowed=READ_CELL_A),
    "transfers:start": Page(
        kwargs=lambda c: {"membership_id": _transfer(c).membership_id}, allowed=EDIT_CELL_A
    ),
    "transfers:detail": Page(
        kwargs=lambda c: {"transfer_id": _transfer(c).pk}, allowed=READ_CELL_A
    ),
    "transfers:issue-letter": Page(
        kwargs=lambda c: {"transfer_id": _transfer(c).pk}, allowed=EDIT_CELL_A
    ),
    "transfers:cancel": Page(
        kwargs=lambda c: {"transfer_id": _transfer(c).pk}, allowed=EDIT_CELL_A
    ),
    "transfers:return": Page(
        kwargs=lambda c: {"transfer_id": _transfer(c).pk}, allowed=EDIT_CELL_A
    ),
    "transfers:accept": Page(
        kwargs=lambda c: {"transfer_id": _transfer(c).pk}, allowed=ORG_EDIT_CELL_A
    ),
    "transfers:not-presented": Page(
        kwargs=lambda c: {"transfer_id": _transfer(c).pk}, allowed=ORG_EDIT_CELL_A
    ),
}


def _transfer(cast: Any) -> Any:
    """Return a started transfer of a cell_a member to cell_b, made the first time it is needed."""
    from datetime import date

    from ptdv.members.services import enter_existing_member
    from ptdv.members.services.transfers import start_transfer
    from tests.factories import TODAY, make_person

    if not hasattr(cast, "transfer"):
        person = make_person(cast.cell_a, family_name="Vũ", given_name="Thanh")
        membership = enter_existing_member(
            person=person, cell=cast.cell_a, decision_on=date(2010, 1, 5),
            joined_on=date(2010, 1, 10), official_on=date(2011, 1, 10),
            actor=cast.board_specialist, today=TODAY,
        )  # fmt: skip
        cast.transfer = start_transfer(
            membership=membership, kind="permanent", to_cell=cast.cell_b,
            trigger_on=date(2026, 11, 2), actor=cast.board_specialist, today=TODAY,
        ).transfer  # fmt: skip
    return cast.transfer


def _case(cast: Any) -> Any:
    """Return the case of person_a in cell_a, opened the first time a page needs it."""
    from ptdv.pipeline.services import open_case
    from tests.factories import TODAY

    if not hasattr(cast, "case"):
        cast.case = open_case(
            person=cast.person_a, cell=cast.cell_a, source="youth_union", opened_on=TODAY,
            actor=cast.board_specialist, today=TODAY,
        )  # fmt: skip
    return cast.case


def _conscription(cast: Any) -> Any:
    """Return an enlistment of person_a, recorded the first time a page needs it."""
    from datetime import date

    from ptdv.people.services import record_conscription
    from tests.factories import TODAY, system_user

    if not hasattr(cast, "conscription"):
        cast.conscription = record_conscription(
            person=cast.person_a, entered_on=date(2025, 9, 1), actor=system_user(), today=TODAY
        )
    return cast.conscription


def _membership(cast: Any) -> Any:
    """Return an official member of cell_a (not person_a, whose case is open), made the first
    time a page needs it."""
    from datetime import date

    from ptdv.members.services import enter_existing_member
    from tests.factories import TODAY, make_person, system_user

    if not hasattr(cast, "membership"):
        cast.membership = enter_existing_member(
            person=make_person(cast.cell_a, family_name="Đặng", given_name="Viên"),
            cell=cast.cell_a, decision_on=date(2015, 5, 20), joined_on=date(2015, 6, 1),
            official_on=date(2016, 6, 1), actor=system_user(), today=TODAY,
        )  # fmt: skip
    return cast.membership


def _member_event(cast: Any) -> Any:
    """Return the recognition event of _membership (what a correction names)."""
    from ptdv.members.models import EventKind, MemberEvent

    return MemberEvent.objects.get(membership=_membership(cast), kind=EventKind.RECOGNISED)


# Django's admin guards itself (staff + model permissions); it is checked separately below.
SELF_GUARDED_NAMESPACES = {"admin"}


def _named_patterns(resolver: URLResolver | None = None, ns: str = "") -> set[str]:
    names: set[str] = set()
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            sub_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            names |= _named_patterns(p, sub_ns)
        elif isinstance(p, URLPattern):
            if p.name is None:
                if ns.split(":")[0] in SELF_GUARDED_NAMESPACES:
                    continue
                raise AssertionError(f"URL pattern without a name: {p.pattern}")
            names.add(f"{ns}{p.name}")
    return names


def _web_names() -> set[str]:
    return {
        n
        for n in _named_patterns()
        if n.split(":")[0] not in SELF_GUARDED_NAMESPACES and not n.startswith("api:")
    }


def test_every_url_pattern_has_an_access_entry() -> None:
    missing = sorted(_web_names() - set(PAGES))
    assert missing == [], f"URL patterns without an access entry in PAGES: {missing}"
    stale = sorted(set(PAGES) - _web_names())
    assert stale == [], f"PAGES entries for URLs that no longer exist: {stale}"


# The module's data is written once (tests.conftest.built_once): the cast, then what the guarded
# pages need, then the probes' foreign units and people; each test gets a copy of the objects and
# runs in a savepoint, so nothing one test writes reaches the next.
def _guarded(base: Any) -> Any:
    from ptdv.access.services import create_api_token

    cast = copy.deepcopy(base)
    cast.token, _secret = create_api_token(user=cast.administrator, name="Bảng tính")
    # A target of cell A, so that its removal page and the API's DELETE have something to name.
    set_target(unit=cast.cell_a, start_year=2026, end_year=2026, metric="new_members",
               value=Decimal(5), version=None, actor=cast.administrator, today=TODAY)  # fmt: skip
    return cast


@pytest.fixture(scope="module")
def guarded_once(cast_once, django_db_blocker):  # type: ignore[no-untyped-def]
    yield from built_once(django_db_blocker, lambda: _guarded(cast_once))


@pytest.fixture
def guarded_cast(guarded_once, db):  # type: ignore[no-untyped-def]
    return copy.deepcopy(guarded_once)


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    """Return every row of every model of the project's apps.

    History tables and the access log are models of these apps, so they are included: a
    denied request reads nothing, so it may not leave an access-log row either (the row
    would tell the owner of the log that the object exists).
    """
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in django_apps.get_models()
        if model._meta.app_config.name.startswith("ptdv.")
    }


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_is_sent_to_login(client, guarded_cast, name: str) -> None:
    page = PAGES[name]
    url = reverse(name, kwargs=page.kwargs(guarded_cast))
    response = getattr(client, page.method)(url, page.data(guarded_cast))
    if page.public:
        assert response.status_code in (200, 301)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("access:login"))


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_cast_reaches_exactly_what_it_may(client, guarded_cast, name: str, who: str) -> None:
    page = PAGES[name]
    if page.public:
        return
    client.force_login(guarded_cast.users[who])
    url = reverse(name, kwargs=page.kwargs(guarded_cast))
    before = _snapshot()
    response = getattr(client, page.method)(url, page.data(guarded_cast))
    if who in page.allowed:
        assert response.status_code in (200, 302), (name, who, response.status_code)
    else:
        assert response.status_code == 404, (name, who, response.status_code)
        assert _snapshot() == before
        if page.method == "get":
            # A page that also takes a POST (its form) refuses it alike; a GET-only page
            # answers 405 to anyone, which tells nothing about the object.
            query = urlencode(page.data(guarded_cast))
            posted = client.post(f"{url}?{query}" if query else url, {})
            assert posted.status_code in (404, 405), (name, who, posted.status_code)
            assert _snapshot() == before


def test_admin_site_requires_staff(client, cast) -> None:
    client.force_login(cast.board_specialist)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]
    client.force_login(cast.administrator)
    assert client.get(reverse("admin:index")).status_code == 200


# --- API ---------------------------------------------------------------------------------

PUBLIC_OPERATIONS = {("get", "/api/v1/health")}


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            ops.append((method, path))
    return sorted(ops)


def _concrete(path: str, cast: Any) -> str:
    ids = {
        "{org_id}": cast.cell_a.pk,
        "{person_id}": cast.person_a.pk,
        "{token_id}": cast.token.pk,
        "{id}": cast.cell_a.pk if "/orgs/" in path else cast.person_a.pk,
        "{list_name}": "ethnic-groups",
        "{case_id}": _case(cast).pk if "{case_id}" in path else 0,
        "{name}": "ethnic-groups",
        "{membership_id}": _membership(cast).pk if "{membership_id}" in path else 0,
        "{event_id}": _member_event(cast).pk if "{event_id}" in path else 0,
        "{transfer_id}": _transfer(cast).pk if "{transfer_id}" in path else 0,
    }
    for key, value in ids.items():
        path = path.replace(key, str(value))
    assert "{" not in path, f"add an example value for the parameters of {path}"
    return path


def test_every_api_operation_requires_authentication(client, guarded_cast) -> None:
    ops = _operations()
    assert len(ops) >= 10
    for method, path in ops:
        response = client.generic(
            method.upper(), _concrete(path, guarded_cast), "{}", content_type="application/json"
        )
        if (method, path) in PUBLIC_OPERATIONS:
            assert response.status_code == 200, (method, path)
        else:
            assert response.status_code == 401, (method, path, response.status_code)


def test_api_objects_outside_scope_answer_404(client, guarded_cast) -> None:
    """Every operation on one object (a path with an id) hides cell_a's objects from outsiders."""
    client.force_login(guarded_cast.outsider)
    _case(guarded_cast)  # opened before the snapshots
    _member_event(guarded_cast)
    _transfer(guarded_cast)
    checked = 0
    for method, path in _operations():
        if "{" not in path or "{list_name}" in path or "{name}" in path or "token" in path:
            continue
        before = _snapshot()
        # A valid body, so that only the scope check can refuse.
        body = {"version": 1}
        if path.endswith("/dissolve"):
            body["on_date"] = "2026-01-05"
        if path.endswith("/move"):
            body["new_parent_id"] = guarded_cast.other_grassroots.pk
        if "/steps" in path:
            body.update(action="pipeline.course.completed", occurred_on="2026-11-20")
        if path.endswith("/events"):
            body.update(kind="exempt_start", on="2026-11-20")
        if path.endswith("/correct"):
            body["reason"] = "Ghi nhầm ngày"
        if "/transfers/" in path:
            body.update(letter_on="2026-11-20", accepted_on="2026-11-20", on="2026-11-20")
        if path.endswith("/targets"):
            body.update(metric="new_members", start_year=2026, end_year=2026, value=5)
            body["version"] = None
            if method == "delete":
                body.update(version=1, reason="Giao nhầm")
        if path.endswith(("/meetings", "/dues", "/ratings")):
            body.update(held_on="2026-11-20", membership_id=_membership(guarded_cast).pk,
                        paid_through="2026-10-01", year=2025, levels={})  # fmt: skip
        response = client.generic(
            method.upper(),
            _concrete(path, guarded_cast),
            json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 404, (method, path, response.status_code)
        assert _snapshot() == before
        # The same answer as for an id that names nothing.
        absent = client.generic(
            method.upper(),
            re.sub(r"\{\w+\}", str(ABSENT), path),
            json.dumps(body),
            content_type="application/json",
        )
        assert _answer(absent) == _answer(response), (method, path)
        assert _snapshot() == before
        checked += 1
    assert checked >= 5


# --- ids outside the user's scope answer exactly like absent ids --------------------------
#
# Every id a request carries, in its path, its query or its body, names an object: an id
# outside the user's scope must get the very answer an absent id gets (same status, same body
# once the id itself is swapped, same flash messages), and no model may change. Otherwise the
# answer is an oracle: "not found" vs "not an official member" vs "not in this cell" tells a
# cell secretary about people anywhere in the country.

ABSENT = 987_654_321  # no row has this id
_VOLATILE = (
    # Per-response random values: the masked CSRF token and the CSP nonce.
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*'), r"\1"),
    (re.compile(r"(x-csrftoken&quot;: &quot;|x-csrftoken\": \")[^&\"]*"), r"\1"),
    (re.compile(r'(nonce=")[^"]*'), r"\1"),
)
# The least privileged user of the cast who may record a step of each permission on cell_a.
_STEP_USER = {
    "record": "cell_secretary",
    "committee": "grassroots_officer",
    "decide": "board_specialist",
}


@dataclass
class Foreign:
    """Objects to probe with: another province's, and the cast's own outside cell_a."""

    province: Org
    grassroots: Org  # another province's grassroots committee (not a cell)
    cell: Org  # a cell of the other province
    member: Person  # official member of the other province's cell
    non_member: Person  # a non-member of the other province
    member_a: Person  # official members of cell_a (valid mentors, introducers)
    member_a2: Person
    candidate_a: Person  # a non-member of cell_a without a case
    member_b: Person  # official member of cell_b (in the grassroots, not in cell_a)
    member_other: Person  # official member of other_cell
    batch_other: Any  # awareness course organised by other_grassroots
    batch_foreign: Any  # organised by the other province
    batch_b: Any  # organised by cell_b
    entry_b: Any  # person_b on cell_b's pool


@pytest.fixture(scope="module")
def probe_once(guarded_once, django_db_blocker):  # type: ignore[no-untyped-def]
    yield from built_once(django_db_blocker, lambda: _probed(guarded_once))


@pytest.fixture
def probe_cast(probe_once, db):  # type: ignore[no-untyped-def]
    return copy.deepcopy(probe_once)


def _probed(base: Any) -> Any:
    from datetime import date

    from ptdv.orgs.models import OrgField, OrgKind
    from ptdv.pipeline.models import TrainingBatch
    from ptdv.pipeline.services import add_to_pool
    from tests.factories import TODAY, make_org, make_person, system_user
    from tests.pipeline.factories import make_candidate, make_member

    c = copy.deepcopy(base)
    province = make_org(None, OrgKind.PROVINCE, "Tỉnh ủy Quảng Bình", code="TUQB")
    grassroots = make_org(
        province,
        OrgKind.GRASSROOTS_COMMITTEE,
        "Đảng bộ Trường Đồng Hới",
        code="TDH",
        field=OrgField.SCHOOL,
    )
    cell = make_org(grassroots, OrgKind.CELL, "Chi bộ Khu phố 2", code="TDH-KP2")

    def batch(organiser: Org, name: str) -> Any:
        return TrainingBatch.objects.create(
            kind=TrainingBatch.Kind.AWARENESS,
            name=name,
            organiser=organiser,
            issuer="Trung tâm Chính trị",
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 9, 5),
        )

    c.foreign = Foreign(
        province=province,
        grassroots=grassroots,
        cell=cell,
        member=make_member(cell),
        non_member=make_person(cell, family_name="Ngô", given_name="Bình"),
        member_a=make_member(c.cell_a),
        member_a2=make_member(c.cell_a),
        candidate_a=make_candidate(c.cell_a),
        member_b=make_member(c.cell_b),
        member_other=make_member(c.other_cell),
        batch_other=batch(c.other_grassroots, "Lớp Công ty Cấp nước"),
        batch_foreign=batch(province, "Lớp Quảng Bình"),
        batch_b=batch(c.cell_b, "Lớp Tổ Văn"),
        entry_b=add_to_pool(
            cell=c.cell_b,
            person=c.person_b,
            source="youth_union",
            listed_on=TODAY,
            proposed_by="",
            notes="",
            actor=system_user(),
            today=TODAY,
        ),
    )
    _case(c)
    return c


def _memberships_of(*people: Any) -> list[int]:
    from ptdv.members.models import Membership

    return [Membership.objects.get(person=p).pk for p in people]


def _persons_outside_cell_a(c: Any) -> list[int]:
    f = c.foreign
    return [
        c.person_b.pk,
        f.member_b.pk,
        c.person_other.pk,
        f.member_other.pk,
        f.member.pk,
        f.non_member.pk,
    ]


# For every id field of the step catalogue: the ids that must look absent to the user who
# records that step on cell_a's case. People must be in the case's cell (whatever the
# user's scope); the receiving cell must be one the user may record in; the deciding
# committee and the course must be in the user's scope or above the cell.
STEP_FIELD_OUTSIDE: dict[str, Callable[[Any], list[int]]] = {
    "mentor": _persons_outside_cell_a,
    "introducers": _persons_outside_cell_a,
    "to_cell": lambda c: [
        c.other_cell.pk,
        c.other_grassroots.pk,
        c.foreign.cell.pk,
        c.foreign.grassroots.pk,
    ],
    "authority": lambda c: [c.foreign.province.pk, c.foreign.cell.pk],
    "batch": lambda c: [c.foreign.batch_other.pk, c.foreign.batch_foreign.pk, c.foreign.batch_b.pk],
}


def _step_id_fields() -> list[tuple[str, str]]:
    from ptdv.pipeline.actions import ACTIONS

    return sorted(
        (code, f.name) for code, spec in ACTIONS.items() for f in spec.fields if f.kind.ref
    )


def test_every_id_field_of_the_step_catalogue_is_probed() -> None:
    unprobed = sorted({name for _code, name in _step_id_fields()} - set(STEP_FIELD_OUTSIDE))
    assert unprobed == [], f"step fields naming objects without probes: {unprobed}"


def _answer(response: Any, sent: int | None = None, shown_as: int | None = None) -> tuple:
    """Return what a response tells: status, redirect, body and flash messages.

    With `sent`, every standalone occurrence of that id is rewritten to `shown_as`, so the
    answer to an absent id can be compared with the answer to a real one.
    """
    from django.contrib.messages import get_messages

    body = response.content.decode()
    for pattern, replacement in _VOLATILE:
        body = pattern.sub(replacement, body)
    parts = [body, response.get("Location", "")]
    parts += [str(m) for m in get_messages(response.wsgi_request)]
    if sent is not None:
        parts = [re.sub(rf"(?<!\d){sent}(?!\d)", str(shown_as), p) for p in parts]
    return (response.status_code, *parts)


def _assert_outside_looks_absent(
    send: Callable[[int], Any], outside: list[int], label: str, *, reachable: bool = False
) -> None:
    """Send the request with each id and with an absent one: same answer, nothing written.

    `reachable`: the endpoint itself is the user's, so an absent id must be judged by its
    validation (not a bare 404 that would make the comparison vacuous).
    """
    before = _snapshot()
    absent = send(ABSENT)
    if reachable:
        assert absent.status_code in (200, 422), (label, absent.status_code)
    assert _snapshot() == before, f"{label}: an absent id changed the database"
    assert outside
    for pk in outside:
        answer = send(pk)
        assert _snapshot() == before, f"{label}: id {pk} changed the database"
        assert _answer(answer) == _answer(absent, ABSENT, pk), (
            f"{label}: id {pk} (outside the user's reach) is answered differently from an "
            f"absent id: {answer.status_code} {answer.content[:600]!r} vs "
            f"{absent.status_code} {absent.content[:600]!r}"
        )


def _valid_value(spec: Any, c: Any) -> Any:
    f = c.foreign
    values = {
        "date": "2026-11-20",
        "int": 3,
        "str": "Số 12",
        "text": "Ghi chú",
        "bool": True,
        "choice": spec.choices[0] if spec.choices else None,
        "person": f.member_a.pk,
        "persons": [f.member_a.pk, f.member_a2.pk],
        "org": c.grassroots.pk,
        "batch": None,
    }
    return values[str(spec.kind)]


def _step_data(code: str, field_name: str, pk: int, c: Any) -> dict[str, Any]:
    from ptdv.pipeline.actions import ACTIONS

    data: dict[str, Any] = {}
    for f in ACTIONS[code].fields:
        if f.name == field_name:
            data[f.name] = [pk] if f.kind.many else pk
        elif (value := _valid_value(f, c)) is not None:
            data[f.name] = value
    return data


def _send_step(
    client: Any, c: Any, code: str, data: dict[str, Any], *, page: bool, preview: bool
) -> Any:
    case = _case(c)
    if not page:
        url = f"/api/v1/cases/{case.pk}/steps" + ("/preview" if preview else "")
        body = {"action": code, "occurred_on": "2026-11-20", "data": data, "version": case.version}
        return client.post(url, json.dumps(body), content_type="application/json")
    form: dict[str, Any] = {"occurred_on": "20/11/2026", "version": case.version, "note": ""}
    for key, value in data.items():
        if value is not True:  # a ticked box is sent as "on", an unticked one not at all
            form[key] = value
        else:
            form[key] = "on"
    if preview:
        form["preview"] = "1"
    url = reverse("pipeline:case-step", kwargs={"case_id": case.pk})
    return client.post(f"{url}?action={code}", form)


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "record"])
@pytest.mark.parametrize("page", [True, False], ids=["page", "api"])
@pytest.mark.parametrize(("code", "field_name"), _step_id_fields())
def test_step_ids_outside_reach_look_absent(
    client, probe_cast, code: str, field_name: str, page: bool, preview: bool
) -> None:
    from ptdv.pipeline.actions import ACTIONS

    c = probe_cast
    client.force_login(c.users[_STEP_USER[ACTIONS[code].permission]])
    _assert_outside_looks_absent(
        lambda pk: _send_step(
            client, c, code, _step_data(code, field_name, pk, c), page=page, preview=preview
        ),
        STEP_FIELD_OUTSIDE[field_name](c),
        f"{'page' if page else 'API'} {'preview' if preview else 'record'} {code} {field_name}",
        reachable=True,
    )


def _api_post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


@dataclass(frozen=True)
class BodyProbe:
    who: str
    send: Callable[[Any, Any, int], Any]  # (client, cast, id) -> response
    outside: Callable[[Any], list[int]]


def _new_person_form(org_pk: int) -> dict[str, Any]:
    return {
        "org": org_pk,
        "family_name": "Đinh",
        "given_name": "Hòa",
        "sex": "M",
        "birth_date": "17/05/1995",
        "ethnic_group": "01",
    }


def _member_entry(person_id: int, cell_id: int) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "cell_id": cell_id,
        "decision_on": "2010-05-20",
        "joined_on": "2010-06-01",
    }


def _member_entry_form(person_id: int, cell_id: int) -> dict[str, Any]:
    return {
        "person": person_id,
        "cell": cell_id,
        "decision_on": "20/05/2010",
        "joined_on": "01/06/2010",
    }


def _ethnic_pk() -> int:
    from ptdv.people.models import EthnicGroup

    return int(EthnicGroup.objects.get(code="01").pk)


# Every other endpoint that takes ids in its body (the step data is probed above).
BODY_PROBES: dict[str, BodyProbe] = {
    "api case-create person_id": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: _api_post(
            cl,
            "/api/v1/cases",
            {"person_id": pk, "cell_id": c.cell_a.pk, "source": "other", "opened_on": "2026-11-20"},
        ),
        lambda c: [c.person_b.pk, c.person_other.pk, c.foreign.non_member.pk],
    ),
    "api case-create cell_id": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: _api_post(
            cl,
            "/api/v1/cases",
            {
                "person_id": c.foreign.candidate_a.pk,
                "cell_id": pk,
                "source": "other",
                "opened_on": "2026-11-20",
            },
        ),
        lambda c: [c.cell_b.pk, c.other_cell.pk, c.foreign.cell.pk],
    ),
    "api case-create pool_entry_id": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: _api_post(
            cl,
            "/api/v1/cases",
            {
                "person_id": c.foreign.candidate_a.pk,
                "cell_id": c.cell_a.pk,
                "source": "other",
                "opened_on": "2026-11-20",
                "pool_entry_id": pk,
            },
        ),
        lambda c: [c.foreign.entry_b.pk],
    ),
    "page case-open person": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: cl.post(
            reverse("pipeline:case-open"), {"person": pk, "cell": c.cell_a.pk, "source": "other"}
        ),
        lambda c: [c.person_b.pk, c.person_other.pk, c.foreign.non_member.pk],
    ),
    "page case-open cell": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: cl.post(
            reverse("pipeline:case-open"), {"person": c.foreign.candidate_a.pk, "cell": pk}
        ),
        lambda c: [c.cell_b.pk, c.other_cell.pk, c.foreign.cell.pk],
    ),
    "page case-open pool_entry": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: cl.post(reverse("pipeline:case-open"), {"pool_entry": pk}),
        lambda c: [c.foreign.entry_b.pk],
    ),
    "page pool-add person": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: cl.post(
            reverse("pipeline:pool-add") + f"?cell={c.cell_a.pk}",
            {"person": pk, "source": "other", "listed_on": "20/11/2026"},
        ),
        lambda c: [c.person_b.pk, c.person_other.pk, c.foreign.non_member.pk],
    ),
    "api member-enter person_id": BodyProbe(
        "grassroots_officer",
        lambda cl, c, pk: _api_post(cl, "/api/v1/members", _member_entry(pk, c.cell_a.pk)),
        lambda c: [c.person_other.pk, c.foreign.non_member.pk, c.foreign.member.pk],
    ),
    "api member-enter cell_id": BodyProbe(
        "grassroots_officer",
        lambda cl, c, pk: _api_post(
            cl, "/api/v1/members", _member_entry(c.foreign.candidate_a.pk, pk)
        ),
        lambda c: [c.other_cell.pk, c.other_grassroots.pk, c.foreign.cell.pk],
    ),
    "page members:enter person": BodyProbe(
        "grassroots_officer",
        lambda cl, c, pk: cl.post(reverse("members:enter"), _member_entry_form(pk, c.cell_a.pk)),
        lambda c: [c.person_other.pk, c.foreign.non_member.pk, c.foreign.member.pk],
    ),
    "page members:enter cell": BodyProbe(
        "grassroots_officer",
        lambda cl, c, pk: cl.post(
            reverse("members:enter"), _member_entry_form(c.foreign.candidate_a.pk, pk)
        ),
        lambda c: [c.other_cell.pk, c.other_grassroots.pk, c.foreign.cell.pk],
    ),
    "api org-create parent_id": BodyProbe(
        "grassroots_officer",
        lambda cl, c, pk: _api_post(
            cl,
            "/api/v1/orgs",
            {
                "parent_id": pk,
                "name": "Chi bộ Mới",
                "code": "CBM",
                "kind": "cell",
                "valid_from": "2026-11-20",
            },
        ),
        lambda c: [c.other_grassroots.pk, c.foreign.grassroots.pk, c.foreign.province.pk],
    ),
    "api org-move new_parent_id": BodyProbe(
        "board_specialist",
        lambda cl, c, pk: _api_post(cl, f"/api/v1/orgs/{c.cell_a.pk}/move", {"new_parent_id": pk}),
        lambda c: [c.foreign.grassroots.pk, c.foreign.province.pk],
    ),
    "page orgs:move new_parent": BodyProbe(
        "board_specialist",
        lambda cl, c, pk: cl.post(
            reverse("orgs:move", kwargs={"org_id": c.cell_a.pk}),
            {"new_parent": pk, "version": c.cell_a.version},
        ),
        lambda c: [c.foreign.grassroots.pk, c.foreign.province.pk],
    ),
    "api person-create org_id": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: _api_post(
            cl,
            "/api/v1/people",
            {
                "org_id": pk,
                "family_name": "Đinh",
                "given_name": "Hòa",
                "sex": "M",
                "birth_date": "1995-05-17",
                "ethnic_group": "01",
            },
        ),
        lambda c: [c.cell_b.pk, c.other_cell.pk, c.foreign.cell.pk],
    ),
    "page people:create org": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: cl.post(
            reverse("people:create"), {**_new_person_form(pk), "ethnic_group": _ethnic_pk()}
        ),
        lambda c: [c.cell_b.pk, c.other_cell.pk, c.foreign.cell.pk],
    ),
    "api transfer-start membership_id": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: _api_post(
            cl,
            "/api/v1/transfers",
            {
                "membership_id": pk,
                "version": 1,
                "kind": "permanent",
                "outside_party": "Đảng bộ tỉnh khác",
                "trigger_on": "2026-11-20",
            },
        ),  # fmt: skip
        lambda c: _memberships_of(c.foreign.member_b, c.foreign.member_other, c.foreign.member),
    ),
    "api transfer-start to_cell_id": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: _api_post(
            cl,
            "/api/v1/transfers",
            {
                "membership_id": _memberships_of(c.foreign.member_a)[0],
                "version": 2,
                "kind": "permanent",
                "to_cell_id": pk,
                "trigger_on": "2026-11-20",
            },
        ),  # fmt: skip
        lambda c: [c.cell_b.pk, c.other_cell.pk, c.foreign.cell.pk],
    ),
    "page transfers:start to_cell": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: cl.post(
            reverse(
                "transfers:start", kwargs={"membership_id": _memberships_of(c.foreign.member_a)[0]}
            ),
            {"kind": "permanent", "to_cell": pk, "trigger_on": "20/11/2026", "version": 2},
        ),
        lambda c: [c.cell_b.pk, c.other_cell.pk, c.foreign.cell.pk],
    ),
    "page people:move org": BodyProbe(
        "cell_secretary",
        lambda cl, c, pk: cl.post(
            reverse("people:move", kwargs={"person_id": c.person_a.pk}),
            {"org": pk, "reason": "Chuyển công tác", "version": 1},
        ),
        lambda c: [c.cell_b.pk, c.other_cell.pk, c.foreign.cell.pk],
    ),
}


@pytest.mark.parametrize("name", sorted(BODY_PROBES))
def test_body_ids_outside_reach_look_absent(client, probe_cast, name: str) -> None:
    probe = BODY_PROBES[name]
    client.force_login(probe_cast.users[probe.who])
    _assert_outside_looks_absent(
        lambda pk: probe.send(client, probe_cast, pk), probe.outside(probe_cast), name
    )


def _api_body_id_fields() -> set[tuple[str, str, str]]:
    """Return (method, path, property) for every id-like property of an API request body."""
    schema = api.get_openapi_schema()
    found = set()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = content.get("schema", {}).get("$ref", "")
            props = schema["components"]["schemas"][ref.split("/")[-1]]["properties"] if ref else {}
            # A CCCD number is a value the person carries, not the id of a row.
            found |= {
                (method, path, p)
                for p in props
                if p.endswith(("_id", "_ids")) and p != "national_id"
            }
    return found


def test_every_api_body_id_is_probed() -> None:
    probed = {name.split()[-1] for name in BODY_PROBES if name.startswith("api ")}
    unprobed = sorted(f for f in _api_body_id_fields() if f[2] not in probed)
    assert unprobed == [], f"API body ids without a probe in BODY_PROBES: {unprobed}"


QUERY_IDS = ("cell", "anchor")


def _pages_with_ids() -> list[str]:
    """Return the pages taking an id in their path (or a cell in their query)."""
    defaults = (Page.kwargs, Page.data)
    return sorted(
        n
        for n, p in PAGES.items()
        if p.kwargs is not defaults[0] or (p.data is not defaults[1] and p.method == "get")
    )


@pytest.mark.parametrize("name", _pages_with_ids())
@pytest.mark.parametrize("method", ["get", "post"])
def test_path_ids_outside_reach_look_absent(client, probe_cast, name: str, method: str) -> None:
    """The outsider asking for cell_a's objects by path (or ?cell=) learns nothing."""
    c = probe_cast
    page = PAGES[name]
    kwargs = page.kwargs(c)
    # Ids in the query string: ?cell= on lists, ?anchor= on the unit picker; the rest is sent as is.
    query = {k: v for k, v in page.data(c).items() if k in QUERY_IDS}
    rest = {k: v for k, v in page.data(c).items() if k not in QUERY_IDS and method == "get"}
    client.force_login(c.outsider)

    def send(pk: int) -> Any:
        real = pk != ABSENT
        url = reverse(name, kwargs={k: (v if real else ABSENT) for k, v in kwargs.items()})
        params = {**rest, **{k: (v if real else ABSENT) for k, v in query.items()}}
        if method == "get":
            return client.get(url, params)
        return client.post(
            url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""), {}
        )

    ids = [*kwargs.values(), *query.values()]
    assert len(set(ids)) == 1, "one id per page in this probe"
    _assert_outside_looks_absent(send, [ids[0]], f"{method.upper()} {name}")
