"""Shapes of the orgs API: filters, input and output kept apart."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from ptdv.access import policy
from ptdv.access.policy import Action
from ptdv.core.text import prefix_upper_bound
from ptdv.orgs.models import DecidingBody, Org, OrgField, OrgKind

# What the detail reports the user may do with a unit (clients grey out the rest).
ORG_ACTIONS = (
    Action.ORG_VIEW,
    Action.ORG_CREATE,
    Action.ORG_EDIT,
    Action.ORG_SET_AUTHORITY,
    Action.ORG_MOVE,
    Action.ORG_DISSOLVE,
    Action.PERSON_VIEW,
    Action.PERSON_CREATE,
)


class OrgFilters(Schema):
    parent: int | None = Field(None, description="Chỉ các đơn vị trực thuộc trực tiếp đơn vị này.")
    under: int | None = Field(None, description="Đơn vị này và mọi đơn vị bên dưới nó.")
    kind: OrgKind | None = Field(None, description="Cấp tổ chức.")
    field: OrgField | None = Field(None, description="Lĩnh vực, loại hình.")
    active: bool | None = Field(None, description="Đang hoạt động hôm nay (chưa giải thể).")
    q: str | None = Field(
        None,
        max_length=100,
        description="Tìm trong tên, tên viết tắt hoặc mã (mọi từ, không cần dấu).",
    )


class OrgOut(Schema):
    """A unit as lists show it; `path` is internal and never exposed."""

    id: int
    parent_id: int | None
    name: str
    label: str = Field(..., description="Tên kèm tên tổ chức cấp trên, ví dụ để chọn đơn vị.")
    short_name: str
    code: str
    kind: str
    kind_label: str
    field: str
    field_label: str
    depth: int
    children_count: int
    valid_from: date
    valid_to: date | None
    version: int

    @staticmethod
    def resolve_parent_id(obj: Org) -> int | None:
        # Annotated by the API's queryset (one subquery, no query per row).
        return getattr(obj, "parent_pk", None)

    @staticmethod
    def resolve_kind_label(obj: Org) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_field_label(obj: Org) -> str:
        return str(obj.get_field_display())

    @staticmethod
    def resolve_children_count(obj: Org) -> int:
        return int(obj.numchild)


class OrgDetailOut(OrgOut):
    vested_superior_powers: bool
    admission_delegated: bool
    admission_delegated_from: date | None
    deciding_body: str
    address: str
    notes: str
    active_children_count: int
    permissions: list[str] = Field(..., description="Những thao tác người dùng được làm.")

    @staticmethod
    def resolve_active_children_count(obj: Org) -> int:
        children = Org.objects.filter(
            path__gt=obj.path, path__lt=prefix_upper_bound(obj.path), depth=obj.depth + 1
        )
        return children.active_on(timezone.localdate()).count()

    @staticmethod
    def resolve_permissions(obj: Org, context: dict[str, Any]) -> list[str]:
        user = context["request"].auth
        return sorted(str(a) for a in policy.allowed_actions(user, obj, ORG_ACTIONS))


class OrgIn(Schema):
    """A new unit under `parent_id`; authority fields need the right to set them."""

    model_config = ConfigDict(use_enum_values=True, extra="forbid")

    parent_id: int
    name: str = Field(..., max_length=255)
    short_name: str = Field("", max_length=100)
    code: str = Field(..., max_length=32)
    kind: OrgKind
    field: OrgField = OrgField.OTHER
    valid_from: date
    address: str = Field("", max_length=255)
    notes: str = ""
    vested_superior_powers: bool | None = None
    admission_delegated: bool | None = None
    admission_delegated_from: date | None = None
    deciding_body: DecidingBody | None = None


class OrgPatch(Schema):
    """Fields to change; absent fields stay as they are. `version` is the one you read."""

    model_config = ConfigDict(use_enum_values=True, extra="forbid")

    version: int
    name: str | None = Field(None, max_length=255)
    short_name: str | None = Field(None, max_length=100)
    code: str | None = Field(None, max_length=32)
    kind: OrgKind | None = None
    field: OrgField | None = None
    valid_from: date | None = None
    address: str | None = Field(None, max_length=255)
    notes: str | None = None
    vested_superior_powers: bool | None = None
    admission_delegated: bool | None = None
    admission_delegated_from: date | None = None
    deciding_body: DecidingBody | None = None


class OrgMoveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    new_parent_id: int
    version: int
    on_date: date | None = Field(
        None, description="Ngày hiệu lực của việc chuyển (mặc định hôm nay; không ở tương lai)."
    )


class OrgDissolveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    on_date: date = Field(..., description="Ngày giải thể / chấm dứt hoạt động.")
    version: int
