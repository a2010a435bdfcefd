"""The organisation tree over JSON: list, detail, create, edit, move, dissolve."""

# No `from __future__ import annotations` here: ninja reads the view annotations at runtime.
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from ptdv.access import policy
from ptdv.access.models import User
from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.orgs import selectors, services
from ptdv.orgs.models import Org
from ptdv.orgs.schemas import (
    OrgDetailOut,
    OrgDissolveIn,
    OrgFilters,
    OrgIn,
    OrgMoveIn,
    OrgOut,
    OrgPatch,
)

router = Router(tags=["orgs"])

# Fields that must hold a value when sent; null is refused rather than stored.
_NOT_NULL = ("name", "short_name", "code", "kind", "field", "valid_from", "address", "notes")
_BOOL_AUTHORITY = ("vested_superior_powers", "admission_delegated")


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _get(user: User, action: Action, pk: int) -> Org:
    return selectors.org_with_parent_for_user(user, pk, action)


def _check_authority(user: User, org: Org, values: dict[str, Any]) -> None:
    """Refuse authority fields unless the user may set them on org."""
    sent = [f for f in services.AUTHORITY_FIELDS if f in values]
    if sent and not policy.can(user, Action.ORG_SET_AUTHORITY, org):
        msg = _("Bạn không có quyền đặt thẩm quyền kết nạp cho tổ chức này.")
        raise DomainError(msg, field_errors={f: [msg] for f in sent})


@contextmanager
def _payload_names(**renames: str) -> Iterator[None]:
    """Report service field errors under the payload's names (e.g. parent → parent_id)."""
    try:
        yield
    except DomainError as exc:
        exc.field_errors = {renames.get(k, k): v for k, v in exc.field_errors.items()}
        raise


def _check_not_null(values: dict[str, Any]) -> dict[str, Any]:
    nullable_sent = [k for k in _NOT_NULL + _BOOL_AUTHORITY if k in values]
    errors = {k: [_("Không được để trống.")] for k in nullable_sent if values[k] is None}
    if errors:
        raise DomainError(_("Dữ liệu gửi lên chưa hợp lệ."), field_errors=errors)
    if "deciding_body" in values and values["deciding_body"] is None:
        values["deciding_body"] = ""  # null means "the default for the level"
    return values


@router.get("", response=list[OrgOut], url_name="org-list")
@paginate(PageNumberPagination)
def list_orgs(request: HttpRequest, filters: Query[OrgFilters]) -> QuerySet[Org]:
    """Return the units the user may see, in tree order (parents before children)."""
    # The tree page's search calls the same selector: accents and case are ignored alike.
    unit_filters = selectors.OrgFilters(
        q=filters.q or "",
        parent=filters.parent,
        under=filters.under,
        kind=filters.kind or "",
        field=filters.field or "",
        active=filters.active,
    )
    qs = selectors.orgs_for_user(_user(request), unit_filters)
    return selectors.with_parent_ids(qs)


@router.get("/{org_id}", response=OrgDetailOut, url_name="org-detail")
def get_org(request: HttpRequest, org_id: int) -> Org:
    """Return one unit with its counts and what the user may do with it."""
    return _get(_user(request), Action.ORG_VIEW, org_id)


@router.post("", response={201: OrgDetailOut}, url_name="org-create")
def create_org(request: HttpRequest, payload: OrgIn) -> Status[Org]:
    """Create a unit under parent_id (which the user must be allowed to extend)."""
    user = _user(request)
    parent = _get(user, Action.ORG_CREATE, payload.parent_id)
    values = _check_not_null(payload.dict(exclude_unset=True, exclude={"parent_id"}))
    _check_authority(user, parent, values)
    values.setdefault("field", payload.field)
    with _payload_names(parent="parent_id"):
        org = services.create_org(
            parent=parent, values=values, actor=user, today=timezone.localdate()
        )
    return Status(201, _get(user, Action.ORG_VIEW, org.pk))


@router.patch("/{org_id}", response=OrgDetailOut, url_name="org-update")
def update_org(request: HttpRequest, org_id: int, payload: OrgPatch) -> Org:
    """Change some attributes of a unit; 409 when `version` is no longer current."""
    user = _user(request)
    org = _get(user, Action.ORG_EDIT, org_id)
    values = _check_not_null(payload.dict(exclude_unset=True, exclude={"version"}))
    _check_authority(user, org, values)
    services.update_org(
        org=org, values=values, version=payload.version, actor=user, today=timezone.localdate()
    )
    return _get(user, Action.ORG_VIEW, org.pk)


@router.post("/{org_id}/move", response=OrgDetailOut, url_name="org-move")
def move_org(request: HttpRequest, org_id: int, payload: OrgMoveIn) -> Org:
    """Move a unit and its whole subtree under another unit (both must be in the user's reach)."""
    user = _user(request)
    org = _get(user, Action.ORG_MOVE, org_id)
    # The target is a resource too: outside the user's reach it is simply not found.
    target = _get(user, Action.ORG_MOVE, payload.new_parent_id)
    with _payload_names(new_parent="new_parent_id"):
        services.move_org(
            org=org,
            new_parent=target,
            version=payload.version,
            actor=user,
            today=timezone.localdate(),
            on_date=payload.on_date,
        )
    return _get(user, Action.ORG_VIEW, org.pk)


@router.post("/{org_id}/dissolve", response=OrgDetailOut, url_name="org-dissolve")
def dissolve_org(request: HttpRequest, org_id: int, payload: OrgDissolveIn) -> Org:
    """Record that a unit ceased to exist; it stays in the tree with its history."""
    user = _user(request)
    org = _get(user, Action.ORG_DISSOLVE, org_id)
    services.dissolve_org(
        org=org,
        on_date=payload.on_date,
        version=payload.version,
        actor=user,
        today=timezone.localdate(),
    )
    return _get(user, Action.ORG_VIEW, org.pk)
