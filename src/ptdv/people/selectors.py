"""Reads of people's records, always scoped by access.policy.

The dossier selector logs the read, so the pages and the API (which call the same selector)
leave the same trace in the access log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import IntegerField, QuerySet, Value
from django.db.models.functions import Length, Right
from django.http import Http404, HttpRequest

from ptdv.access import policy
from ptdv.access.policy import Action
from ptdv.access.services import log_read
from ptdv.core.text import prefix_upper_bound, search_terms
from ptdv.orgs.models import Org
from ptdv.people import rules
from ptdv.people.models import (
    REFERENCE_FIELDS,
    Conscription,
    Person,
    PersonNameToken,
    ReferenceItem,
)

PAGE_SIZE = 50
# Tokens are stored cut to the column width; query words are cut the same way.
_TOKEN_MAX = PersonNameToken._meta.get_field("token").max_length or 50
# A query of 9 to 12 digits (separators allowed) is (the start of) a CCCD number.
_NATIONAL_ID_QUERY = re.compile(r"[0-9]{9,12}")


@dataclass(frozen=True)
class PersonFilters:
    """What the list page and the API filter on; empty values mean "any".

    `org` is a unit the caller has already found in the user's scope, or a unit id that the
    selector looks up in that scope (absent and out of scope both find nobody).
    """

    q: str = ""
    org: Org | int | None = None
    sex: str = ""
    minority: bool | None = None
    birth_year_from: int | None = None
    birth_year_to: int | None = None


def matching_query(qs: QuerySet[Person], q: str) -> QuerySet[Person]:
    """Return qs narrowed to the people matching a free-text query.

    9 to 12 digits: the CCCD number, exactly (12) or by its beginning. Otherwise every folded
    word of q must begin one word of the person's names ("dung" finds Dung, Dũng and Dụng,
    not Duy). Each word is an uncorrelated `person_id IN (token range)` subquery: the range
    token >= w AND token < bound(w) is served by the people_token_token index on SQLite and
    PostgreSQL alike, whatever the collation, unlike LIKE 'w%'.
    """
    number = rules.normalize_national_id(q.strip())
    if _NATIONAL_ID_QUERY.fullmatch(number):
        if len(number) == 12:
            return qs.filter(national_id=number)
        return qs.filter(national_id__gte=number, national_id__lt=prefix_upper_bound(number))
    for word in search_terms(q):
        prefix = word[:_TOKEN_MAX]
        tokens = PersonNameToken.objects.filter(
            token__gte=prefix, token__lt=prefix_upper_bound(prefix)
        )
        qs = qs.filter(pk__in=tokens.values("person_id"))
    return qs


def people_for_user(user: Any, filters: PersonFilters) -> QuerySet[Person]:
    """Return the people the user may list, filtered, in Vietnamese name order.

    Only the columns a list shows are loaded; the CCCD number comes as its last four digits
    and its length (`national_id_last4`, `national_id_length`), the full number is for the
    dossier only. The list page and the API both call this.
    """
    qs = policy.scope(user, Person.objects.all(), Action.PERSON_VIEW)
    if filters.q.strip():
        qs = matching_query(qs, filters.q)
    org = filters.org
    if isinstance(org, int):
        org = org_in_scope(user, org, Action.PERSON_VIEW)
        if org is None:
            return qs.none()
    if org is not None:
        qs = qs.filter(org__path__gte=org.path, org__path__lt=prefix_upper_bound(org.path))
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.minority is not None:
        qs = qs.filter(ethnic_group__is_minority=filters.minority)
    if filters.birth_year_from is not None:
        qs = qs.filter(birth_date__gte=date(filters.birth_year_from, 1, 1))
    if filters.birth_year_to is not None:
        qs = qs.filter(birth_date__lte=date(filters.birth_year_to, 12, 31))
    return (
        qs.select_related("org", "ethnic_group")
        .only(
            "id",
            "full_name",
            "birth_date",
            "sex",
            "org",
            "org__name",
            "org__parent_name",
            "ethnic_group",
            "ethnic_group__name",
        )
        .annotate(
            national_id_last4=Right("national_id", 4), national_id_length=Length("national_id")
        )
        .order_by("sort_key", "pk")
    )


def no_people() -> QuerySet[Person]:
    """Return an empty list of people (a filter that names an unknown unit finds nobody)."""
    return Person.objects.none()


def org_in_scope(user: Any, org_id: Any, action: Action) -> Org | None:
    """Return the unit with this id if the user may do action there, else None."""
    try:
        return policy.scope(user, Org.objects.all(), action).get(pk=int(org_id))
    except (Org.DoesNotExist, TypeError, ValueError):
        return None


# What a dossier shows besides the person's own row: one query with the joins.
DOSSIER_RELATED = ("org", *REFERENCE_FIELDS)


def get_dossier(user: Any, pk: Any, request: HttpRequest | None = None) -> Person:
    """Return one person's full record for the user, or 404; the read is logged."""
    person = policy.get_for_user_or_404(
        user,
        Person.objects.select_related(*DOSSIER_RELATED),
        Action.PERSON_DOSSIER,
        pk=pk,
    )
    log_read(user=user, obj=person, request=request)
    return person


def conscriptions_of(person: Person) -> list[Conscription]:
    """Return the person's recorded enlistments, latest first, with the unit that sent them
    (part of the dossier: read only after the person was resolved through the policy)."""
    return list(person.conscriptions.select_related("org").order_by("-entered_on"))


def conscription_for_user(user: Any, pk: Any, action: Action) -> Conscription:
    """Return a conscription whose person the user may do action on, or 404 (absent and out
    of reach answer alike)."""
    found = Conscription.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404
    found.person = person_for_user(user, found.person_id, action)
    return found


def created_person_record(pk: Any) -> Person:
    """Return a record just created, with the dossier's joins; not scoped and not logged, so
    only for answering its creator, who typed every field in."""
    return Person.objects.select_related(*DOSSIER_RELATED).get(pk=pk)


def person_for_user(user: Any, pk: Any, action: Action) -> Person:
    """Return one person (with their unit) the user may do action on, or 404; not logged, so
    only for what is not a dossier read (edit forms, pickers, history)."""
    return policy.get_for_user_or_404(user, Person.objects.select_related("org"), action, pk=pk)


def duplicate_is_visible(user: Any, national_id: str, *, exclude_pk: int | None) -> bool:
    """Return whether another record with this CCCD exists inside the user's view scope.

    Only then may a "number already exists" message name that record; otherwise the
    message must not reveal who holds the number.
    """
    number = rules.normalize_national_id(national_id)
    if not number:
        return False
    others = Person.objects.filter(national_id=number)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return policy.scope(user, others, Action.PERSON_VIEW).exists()


def reference_items(model: type[ReferenceItem]) -> QuerySet[ReferenceItem]:
    """Return the active entries of a reference list, in their official order."""
    return (
        model._default_manager.filter(is_active=True).order_by("rank", "name").only("code", "name")
    )


def reference_lists(models: Sequence[type[ReferenceItem]]) -> list[list[tuple[str, str]]]:
    """Return the active entries (code, name) of several reference lists, each in its official
    order as `reference_items` gives it, in one query (a UNION ALL, each list tagged by its
    place) rather than one a list: the member tables' columns read four."""
    if not models:
        return []
    parts = [
        model._default_manager.filter(is_active=True)
        .annotate(place=Value(i, output_field=IntegerField()))
        .values_list("place", "rank", "name", "code")
        .order_by()  # no list's own ordering inside the union (SQLite refuses it)
        for i, model in enumerate(models)
    ]
    rows = parts[0].union(*parts[1:], all=True).order_by("place", "rank", "name")
    found: list[list[tuple[str, str]]] = [[] for _m in models]
    for place, _rank, name, code in rows:
        found[place].append((code, name))
    return found


def reference_item_by_code(model: type[ReferenceItem], code: str) -> ReferenceItem | None:
    """Return the active entry of a reference list with this code, else None."""
    return model._default_manager.filter(code=code, is_active=True).first()


__all__ = [
    "PAGE_SIZE",
    "PersonFilters",
    "created_person_record",
    "duplicate_is_visible",
    "get_dossier",
    "matching_query",
    "no_people",
    "org_in_scope",
    "people_for_user",
    "person_for_user",
    "reference_item_by_code",
    "reference_lists",
    "reference_items",
]
