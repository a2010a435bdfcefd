"""Shapes of the members API: filters, input and output kept apart."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from ptdv.members.lists import AGE_BANDS
from ptdv.members.models import MemberEvent, Membership

SexCode = Literal["M", "F"]
StatusCode = Literal["probationary", "official", "left", "all"]
AgeBand = Literal["18-30", "31-35", "36-40", "41-45", "46-50", "51-55", "56-60", "61+"]
assert set(AgeBand.__args__) == set(AGE_BANDS)  # type: ignore[attr-defined]
RecordableKind = Literal[
    "exempt_start", "exempt_end", "probation_deleted", "removed", "expelled", "resigned", "died"
]
RemovalGroundCode = Literal[
    "", "absent_unpaid", "card_returned", "no_progress", "quality_two_years", "political_standard"
]


WatchCode = Literal["any", "removal", "probation_ending", "temporary_overdue", "away", "badge"]


class MemberFilters(Schema):
    q: str | None = Field(
        None, max_length=100, description="Tên (không cần dấu) hoặc số CCCD (9-12 chữ số)."
    )
    unit: int | None = Field(None, description="Đơn vị và mọi đơn vị bên dưới nó.")
    status: StatusCode | None = Field(
        None, description="Mặc định: đảng viên hiện tại (dự bị và chính thức)."
    )
    sex: SexCode | None = None
    age_band: AgeBand | None = Field(None, description="Độ tuổi tính đến hôm nay.")
    ethnic_group: str | None = Field(None, max_length=16, description="Mã dân tộc.")
    religion: str | None = Field(None, max_length=16, description="Mã tôn giáo.")
    education: str | None = Field(None, max_length=16)
    theory_level: str | None = Field(None, max_length=16)
    occupation: str | None = Field(None, max_length=16)
    party_age_from: int | None = Field(
        None,
        ge=0,
        le=100,
        description="Tuổi đảng từ (năm), tính gần đúng từ ngày quyết định kết nạp.",
    )
    party_age_to: int | None = Field(None, ge=0, le=100, description="Tuổi đảng đến (năm).")
    away: bool | None = Field(None, description="Đi làm ăn xa chưa chuyển sinh hoạt.")
    watch: WatchCode | None = Field(
        None,
        description=(
            "Thuộc danh sách cần theo dõi: any (bất kỳ), removal (căn cứ xóa tên), "
            "probation_ending (sắp hết dự bị), temporary_overdue (sinh hoạt tạm thời quá hạn), "
            "away (đi làm ăn xa), badge (đến hạn huy hiệu đợt tới)."
        ),
    )


class OrgRefOut(Schema):
    id: int
    name: str
    label: str


class MemberListOut(Schema):
    id: int
    person_id: int
    full_name: str
    birth_date: date
    sex: str
    cell_id: int
    cell_label: str
    status: str
    status_label: str
    joined_on: date
    official_on: date | None
    left_on: date | None
    away_without_transfer: bool

    @staticmethod
    def resolve_full_name(obj: Membership) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_birth_date(obj: Membership) -> date:
        return obj.person.birth_date

    @staticmethod
    def resolve_sex(obj: Membership) -> str:
        return obj.person.sex

    @staticmethod
    def resolve_cell_label(obj: Membership) -> str:
        return obj.cell.label

    @staticmethod
    def resolve_status_label(obj: Membership) -> str:
        return str(obj.get_status_display())


class MemberEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    on: date
    cell: OrgRefOut
    other_cell: OrgRefOut | None
    other_party: str
    ground: str
    document: str
    note: str
    supersedes_id: int | None
    reason: str
    recorded_by: str | None
    recorded_at: datetime

    @staticmethod
    def resolve_kind_label(obj: MemberEvent) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_recorded_by(obj: MemberEvent) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class PersonRefOut(Schema):
    id: int
    full_name: str
    birth_date: date
    sex: str


class MemberOut(Schema):
    """One membership with every stored event (corrections and voidings included: an event
    is in force unless a later one names it in `supersedes_id`). A logged read."""

    id: int
    version: int
    person: PersonRefOut
    cell: OrgRefOut
    status: str
    status_label: str
    decision_on: date
    joined_on: date
    official_on: date | None
    card_number: str | None
    card_issued_on: date | None
    dossier_number: str
    exempted: bool
    temp_cell: OrgRefOut | None
    in_transit: bool
    left_on: date | None
    left_kind: str
    away_without_transfer: bool
    seriously_ill: bool
    previous_id: int | None
    case_id: int | None = Field(
        None, description="Hồ sơ kết nạp đã tạo lần vào Đảng này, nếu bạn được xem."
    )
    events: list[MemberEventOut]


class MemberEnterIn(Schema):
    """A member admitted before the unit used PTĐV, with the dates of their history."""

    model_config = ConfigDict(extra="forbid")

    person_id: int
    cell_id: int
    decision_on: date
    joined_on: date
    official_on: date | None = None
    card_number: str | None = Field(None, max_length=20)
    card_issued_on: date | None = None
    dossier_number: str = Field("", max_length=32)


class MemberEventIn(Schema):
    """One event; `version` is the membership version you read (409 when it moved on)."""

    model_config = ConfigDict(extra="forbid")

    kind: RecordableKind
    on: date
    ground: RemovalGroundCode = Field("", description="Bắt buộc khi xóa tên (removed).")
    document: str = Field("", max_length=100)
    note: str = ""
    version: int


class MemberEventCorrectIn(Schema):
    """Correct an event by a new one that supersedes it: a new date and/or voiding it."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., max_length=1000)
    on: date | None = None
    void: bool = False
    version: int


class MemberFlagsPatch(Schema):
    """The cell's marks on a member; omit a flag to leave it; 409 when `version` moved on."""

    model_config = ConfigDict(extra="forbid")

    away_without_transfer: bool | None = Field(
        None, description="Đi làm ăn xa chưa chuyển sinh hoạt (danh sách cần theo dõi)."
    )
    seriously_ill: bool | None = Field(
        None, description="Ốm đau nặng: huy hiệu Đảng được xét tặng sớm."
    )
    version: int


class MemberCardPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    card_number: str | None = Field(None, max_length=20)
    card_issued_on: date | None = None
    dossier_number: str = Field("", max_length=32)
    version: int
