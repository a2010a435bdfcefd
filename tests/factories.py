"""Test data built through the services, so history, tokens and keys are real."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from ptdv.access.models import Role, User
from ptdv.access.services import grant_role
from ptdv.orgs.models import Org, OrgField, OrgKind
from ptdv.orgs.services import create_org
from ptdv.people.models import EthnicGroup, Person
from ptdv.people.services import create_person

TODAY = date(2026, 11, 21)
_seq = itertools.count(1)


def system_user() -> User:
    user, _ = User.objects.get_or_create(username="system", defaults={"full_name": "Hệ thống"})
    return user


def make_org(parent: Org | None, kind: str, name: str | None = None, **values: Any) -> Org:
    n = next(_seq)
    data = {
        "name": name or f"Tổ chức {n}",
        "code": values.pop("code", f"T{n:05d}"),
        "kind": kind,
        "field": values.pop("field", OrgField.OTHER),
        "valid_from": values.pop("valid_from", date(2020, 1, 1)),
        **values,
    }
    return create_org(parent=parent, values=data, actor=system_user(), today=TODAY)


def make_person(org: Org, **values: Any) -> Person:
    data: dict[str, Any] = {
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": "An",
        "sex": "M",
        "birth_date": date(1995, 5, 17),
        "ethnic_group": EthnicGroup.objects.get(code="01"),
    }
    data.update(values)
    return create_person(org=org, values=data, actor=system_user(), today=TODAY)


def make_user(username: str, role: str | None = None, org: Org | None = None, **extra: Any) -> User:
    user = User.objects.create_user(username=username, password="mat-khau-thu-nghiem", **extra)
    if role is not None and org is not None:
        grant_role(user=user, role=role, org=org, actor=None)
    return user


__all__ = ["Role", "OrgKind", "make_org", "make_person", "make_user", "TODAY"]
