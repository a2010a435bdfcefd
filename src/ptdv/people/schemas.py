"""Shapes of the people API: filters, input and output kept apart.

Reference lists travel by code ("ethnic_group": "01"); the API resolves codes to rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from ptdv.people.models import Person

SexCode = Literal["M", "F"]


class PersonFilters(Schema):
    q: str | None = Field(
        None, max_length=100, description="Tên (không cần dấu) hoặc số CCCD (9-12 chữ số)."
    )
    org: int | None = Field(None, description="Đơn vị quản lý và mọi đơn vị bên dưới nó.")
    sex: SexCode | None = Field(None, description="M: nam, F: nữ.")
    birth_year_from: int | None = Field(None, ge=1900, le=2100, description="Sinh từ năm.")
    birth_year_to: int | None = Field(None, ge=1900, le=2100, description="Sinh đến năm.")


class RefOut(Schema):
    code: str
    name: str


class OrgRefOut(Schema):
    id: int
    name: str
    label: str  # with the parent's name, to tell namesakes apart


class PersonListOut(Schema):
    """A row of the list: no full CCCD number (that is for the logged dossier only)."""

    id: int
    full_name: str
    sex: str
    birth_date: date
    org_id: int
    org_name: str
    org_label: str = Field(
        ..., description="Tên đơn vị kèm tên tổ chức cấp trên, để phân biệt các đơn vị trùng tên."
    )
    national_id_masked: str | None = Field(
        ..., description="Chỉ 4 chữ số cuối của số CCCD, ví dụ ********0123."
    )

    @staticmethod
    def resolve_org_name(obj: Person) -> str:
        return obj.org.name

    @staticmethod
    def resolve_org_label(obj: Person) -> str:
        return obj.org.label

    @staticmethod
    def resolve_national_id_masked(obj: Person) -> str | None:
        # The list selector loads the last four digits and the length, never the number.
        length: int | None = getattr(obj, "national_id_length", None)
        last4: str = getattr(obj, "national_id_last4", "")
        return "*" * (length - 4) + last4 if length else None


class PersonOut(Schema):
    """The full record (a dossier read: every response is logged)."""

    id: int
    version: int
    org: OrgRefOut
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    other_names: str
    sex: str
    birth_date: date
    ethnic_group: RefOut
    religion: RefOut | None
    education: RefOut | None
    qualification: RefOut | None
    theory_level: RefOut | None
    occupation: RefOut | None
    job_title: str
    youth_union_member: bool
    trade_union_member: bool
    home_town: str
    birth_place: str
    residence: str
    current_address: str
    national_id: str | None
    phone: str
    email: str
    notes: str
    created_at: datetime
    updated_at: datetime


class PersonIn(Schema):
    """A new record in unit `org_id`. Reference fields take codes from /api/v1/reference/."""

    model_config = ConfigDict(extra="forbid")

    org_id: int
    family_name: str = Field(..., max_length=50)
    middle_name: str = Field("", max_length=100)
    given_name: str = Field(..., max_length=50)
    other_names: str = Field("", max_length=100)
    sex: SexCode
    birth_date: date
    ethnic_group: str = Field(..., description="Mã dân tộc, ví dụ 01 (Kinh).")
    religion: str | None = Field(None, description="Mã tôn giáo; null nếu không theo tôn giáo.")
    education: str | None = None
    qualification: str | None = None
    theory_level: str | None = None
    occupation: str | None = None
    job_title: str = Field("", max_length=255)
    youth_union_member: bool = False
    trade_union_member: bool = False
    home_town: str = Field("", max_length=255)
    birth_place: str = Field("", max_length=255)
    residence: str = Field("", max_length=255)
    current_address: str = Field("", max_length=255)
    national_id: str | None = Field(None, max_length=20, description="Số CCCD, 12 chữ số.")
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    notes: str = ""


class PersonPatch(Schema):
    """Fields to change; absent fields stay as they are. `version` is the one you read."""

    model_config = ConfigDict(extra="forbid")

    version: int
    family_name: str | None = Field(None, max_length=50)
    middle_name: str | None = Field(None, max_length=100)
    given_name: str | None = Field(None, max_length=50)
    other_names: str | None = Field(None, max_length=100)
    sex: SexCode | None = None
    birth_date: date | None = None
    ethnic_group: str | None = None
    religion: str | None = None
    education: str | None = None
    qualification: str | None = None
    theory_level: str | None = None
    occupation: str | None = None
    job_title: str | None = Field(None, max_length=255)
    youth_union_member: bool | None = None
    trade_union_member: bool | None = None
    home_town: str | None = Field(None, max_length=255)
    birth_place: str | None = Field(None, max_length=255)
    residence: str | None = Field(None, max_length=255)
    current_address: str | None = Field(None, max_length=255)
    national_id: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    notes: str | None = None


class ReferenceItemOut(Schema):
    code: str
    name: str
