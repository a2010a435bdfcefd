"""Every URL pattern and every API operation is guarded, and checked with the whole cast.

Adding a URL or an API operation without an entry here fails the suite: the entry says who
may reach it. Denied users get 404 (absent and forbidden look the same) and change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ptdv.api import api
from ptdv.orgs.models import Org
from ptdv.people.models import Person

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
    # The pipeline: a case and a pool of cell_a (opened on first use, see _case below).
    "pipeline:board": Page(allowed=EVERYONE - {"nobody"}),
    "pipeline:todo": Page(allowed=EVERYONE - {"nobody"}),
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
}


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


@pytest.fixture
def guarded_cast(cast):
    from ptdv.access.services import create_api_token

    cast.token, _secret = create_api_token(user=cast.administrator, name="Bảng tính")
    return cast


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Org.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        Org.history.count(),  # type: ignore[attr-defined]
        Person.history.count(),  # type: ignore[attr-defined]
    )


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
        response = client.generic(
            method.upper(),
            _concrete(path, guarded_cast),
            json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 404, (method, path, response.status_code)
        assert _snapshot() == before
        checked += 1
    assert checked >= 5
