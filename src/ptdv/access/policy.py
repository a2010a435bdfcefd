"""The one place that knows roles: who may do what, where (DESIGN.md "Access").

A user holds grants (role, org); a grant covers the org's whole subtree. Every list, detail,
search, export and API endpoint goes through `scope()` or `get_for_user_or_404()`, so an
object outside the user's subtrees is simply not found (404), never "forbidden".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from ptdv.access.models import Role, RoleGrant, User
from ptdv.core.text import prefix_upper_bound


class Action(StrEnum):
    ORG_VIEW = "org.view"
    ORG_CREATE = "org.create"  # create a unit under this one
    ORG_EDIT = "org.edit"
    ORG_SET_AUTHORITY = "org.set_authority"  # admission delegation and deciding body
    ORG_MOVE = "org.move"  # move this unit (and its subtree), or move a unit under it
    ORG_DISSOLVE = "org.dissolve"
    PERSON_VIEW = "person.view"  # lists and search results
    PERSON_DOSSIER = "person.dossier"  # the full record (logged)
    PERSON_CREATE = "person.create"
    PERSON_EDIT = "person.edit"
    HISTORY_VIEW = "history.view"
    CASE_VIEW = "case.view"  # the board, case pages, the pool
    CASE_RECORD = "case.record"  # the cell's own steps: pool, course, mentors, dossier, cell votes
    CASE_COMMITTEE = "case.committee"  # grassroots committee: verification, appraisal, its votes
    CASE_DECIDE = "case.decide"  # the deciding level: decisions, written consents, extensions
    MEMBER_VIEW = "member.view"  # the registry: rolls, member pages, figures
    MEMBER_RECORD = "member.record"  # the cell's records: meetings, dues, exemption, transfers
    MEMBER_DECIDE = "member.decide"  # committee decisions: removal, expulsion, ratings, entry
    TARGET_EDIT = "target.edit"  # set the targets of the unit and of the units under it
    ACCESS_LOG_VIEW = "access_log.view"
    GRANT_MANAGE = "grant.manage"


_READ = frozenset(
    {
        Action.ORG_VIEW,
        Action.PERSON_VIEW,
        Action.PERSON_DOSSIER,
        Action.CASE_VIEW,
        Action.MEMBER_VIEW,
    }
)
_CELL = _READ | {
    Action.PERSON_CREATE,
    Action.PERSON_EDIT,
    Action.HISTORY_VIEW,
    Action.CASE_RECORD,
    Action.MEMBER_RECORD,
}
_GRASSROOTS = _CELL | {
    Action.ORG_CREATE,
    Action.ORG_EDIT,
    Action.CASE_COMMITTEE,
    Action.MEMBER_DECIDE,
    Action.TARGET_EDIT,
}
_BOARD = _GRASSROOTS | {
    Action.ORG_SET_AUTHORITY,
    Action.ORG_MOVE,
    Action.ORG_DISSOLVE,
    Action.CASE_DECIDE,
}
_ADMIN = _BOARD | {Action.ACCESS_LOG_VIEW, Action.GRANT_MANAGE}

# Roles map to actions here and nowhere else.
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.VIEWER: _READ,
    Role.CELL_EDITOR: _CELL,
    Role.GRASSROOTS_OFFICER: _GRASSROOTS,
    Role.BOARD_SPECIALIST: _BOARD,
    Role.ADMINISTRATOR: _ADMIN,
}

# How each scoped model reaches the organisation path that decides its scope. The apps above
# access fill it in from their AppConfig.ready() (orgs: Org itself, people: Person, ...), so
# the policy never imports their models (docs/decisions.md D21).
_PATH_LOOKUPS: dict[type[models.Model], str] = {}

M = TypeVar("M", bound=models.Model)


def register_scoped_model(model: type[models.Model], path_lookup: str) -> None:
    """Declare how a model's rows map to an organisation path (e.g. "org__path")."""
    _PATH_LOOKUPS[model] = path_lookup


@dataclass(frozen=True)
class Grant:
    role: str
    path: str
    org_id: int


def grants_of(user: Any) -> list[Grant]:
    """Return the user's grants, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[Grant] | None = getattr(user, "_ptdv_grants", None)
    if cached is None:
        rows = RoleGrant.objects.filter(user=user, org__valid_to__isnull=True).values_list(
            "role", "org__path", "org_id"
        )
        cached = [Grant(role, path, org_id) for role, path, org_id in rows]
        user._ptdv_grants = cached
    return cached


def _paths_for(user: Any, action: Action) -> list[str] | None:
    """Return the subtree roots where user may do action; None means everywhere."""
    # A Django superuser is the deployment's administrator: every action, everywhere.
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    paths = [g.path for g in grants_of(user) if action in ROLE_ACTIONS.get(g.role, frozenset())]
    # Drop paths already covered by a shorter one: fewer OR branches in the query.
    paths.sort()
    roots: list[str] = []
    for path in paths:
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def can_anywhere(user: Any, action: Action) -> bool:
    """Return whether the user may do action somewhere (for navigation)."""
    paths = _paths_for(user, action)
    return paths is None or bool(paths)


def can_at_path(user: Any, action: Action, path: str) -> bool:
    """Return whether a unit with this path lies in a subtree where user may do action."""
    paths = _paths_for(user, action)
    # The unit must be the grant's unit or a descendant of it.
    return paths is None or any(path.startswith(root) for root in paths)


def can(user: Any, action: Action, obj: models.Model) -> bool:
    """Return whether user may do action on obj (an Org or a scoped model instance)."""
    return can_at_path(user, action, path_of(obj))


def path_of(obj: models.Model) -> str:
    """Return the organisation path that decides obj's scope."""
    lookup = _PATH_LOOKUPS.get(type(obj))
    if lookup is None:
        raise TypeError(f"{type(obj).__name__} is not a scoped model")
    value: Any = obj
    for part in lookup.split("__"):
        value = getattr(value, part)
    return str(value)


def scope(user: Any, qs: models.QuerySet[M], action: Action) -> models.QuerySet[M]:
    """Return qs narrowed to the rows the user may act on: one indexed range per subtree."""
    lookup = _PATH_LOOKUPS.get(qs.model)
    if lookup is None:
        raise TypeError(f"{qs.model.__name__} is not a scoped model")
    paths = _paths_for(user, action)
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    condition = models.Q()
    for path in paths:
        condition |= models.Q(**{f"{lookup}__gte": path, f"{lookup}__lt": prefix_upper_bound(path)})
    return qs.filter(condition)


def get_for_user_or_404(user: Any, qs: models.QuerySet[M], action: Action, **lookup: Any) -> M:
    """Return the one object matching lookup inside the user's scope for action, or 404."""
    # Absent, out of scope and malformed ids all answer the same 404.
    try:
        return scope(user, qs, action).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def roles_of(user: Any) -> set[str]:
    """Return the roles the user holds anywhere."""
    return {g.role for g in grants_of(user)}


def grant_roots(user: Any) -> list[int]:
    """Return the org ids the user's grants start from (for the tree browser)."""
    seen: list[int] = []
    for g in sorted(grants_of(user), key=lambda g: g.path):
        if g.org_id not in seen:
            seen.append(g.org_id)
    return seen


def allowed_actions(user: Any, obj: models.Model, actions: Iterable[Action]) -> set[Action]:
    """Return which of actions the user may do on obj (for templates and API output)."""
    return {a for a in actions if can(user, a, obj)}


def can_create_root(user: Any) -> bool:
    """Return whether user may create a top-level unit (a new province or equivalent).

    A new root is a decision about the deployment itself, so only its administrator (a Django
    superuser) takes it; role grants always sit under an existing unit.
    """
    return bool(getattr(user, "is_superuser", False)) and bool(user.is_active)


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or Role.ADMINISTRATOR in roles_of(user)


__all__ = [
    "Action",
    "ROLE_ACTIONS",
    "User",
    "allowed_actions",
    "can",
    "can_anywhere",
    "can_create_root",
    "can_at_path",
    "get_for_user_or_404",
    "grant_roots",
    "grants_of",
    "is_admin",
    "path_of",
    "register_scoped_model",
    "scope",
]
