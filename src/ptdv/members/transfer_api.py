"""Transfers of party activity over JSON (decision D34): a unit's outgoing or incoming list,
detail, start, and each side's steps. Out of scope or absent answers 404; a refusal 422 with
field errors; a stale `version` 409 (the handlers registered in access.api)."""

# No `from __future__ import annotations` here: ninja reads the view annotations at runtime.
from datetime import date
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from ptdv.access import policy
from ptdv.access.models import User
from ptdv.access.policy import Action
from ptdv.members import transfer_selectors as selectors
from ptdv.members.models import Transfer
from ptdv.members.services import MemberInvalid
from ptdv.members.services import transfers as services
from ptdv.orgs.models import Org
from ptdv.orgs.selectors import org_for_user

router = Router(tags=["members"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _today() -> date:
    """Return today's date in the deployment's time zone (tests replace this)."""
    return timezone.localdate()


class TransferFilters(Schema):
    org: int = Field(..., description="Mã đơn vị (Org id): các chi bộ trực thuộc đơn vị này.")
    direction: Literal["outgoing", "incoming"] = Field(
        "outgoing", description="outgoing: chuyển đi; incoming: chuyển đến."
    )


class StepOut(Schema):
    code: str
    label: str


class TransferListOut(Schema):
    id: int
    version: int
    membership_id: int
    person_name: str
    kind: str
    state: str
    state_label: str
    from_cell_id: int
    from_cell_label: str
    to_cell_id: int | None
    to_cell_label: str
    outside_party: str
    trigger_on: date
    letter_due_on: date
    letter_on: date | None
    present_due_on: date | None
    planned_end_on: date | None
    closed_on: date | None


class TransferOut(TransferListOut):
    reason: str
    letter_number: str
    next_steps: list[StepOut]
    warnings: list[str] = []


class TransferIn(Schema):
    membership_id: int
    version: int = Field(..., description="Phiên bản của đảng viên (membership) khi mở biểu mẫu.")
    kind: Literal["permanent", "temporary"]
    to_cell_id: int | None = None
    outside_party: str = ""
    trigger_on: date
    planned_end_on: date | None = None
    purpose: Literal["residence", "work", "study"] = "residence"
    reason: str = Field("", max_length=255)


class LetterIn(Schema):
    version: int
    letter_on: date
    letter_number: str = Field("", max_length=50)


class AcceptIn(Schema):
    version: int
    accepted_on: date


class DatedIn(Schema):
    version: int
    on: date


class VersionIn(Schema):
    version: int


def _row(t: Transfer) -> dict[str, Any]:
    return {
        "id": t.pk,
        "version": t.version,
        "membership_id": t.membership_id,
        "person_name": t.membership.person.full_name,
        "kind": t.kind,
        "state": t.state,
        "state_label": str(t.get_state_display()),
        "from_cell_id": t.from_cell_id,
        "from_cell_label": t.from_cell.label,
        "to_cell_id": t.to_cell_id,
        "to_cell_label": t.to_cell.label if t.to_cell else "",
        "outside_party": t.outside_party,
        "trigger_on": t.trigger_on,
        "letter_due_on": t.letter_due_on,
        "letter_on": t.letter_on,
        "present_due_on": t.present_due_on,
        "planned_end_on": t.planned_end_on,
        "closed_on": t.closed_on,
    }


def _detail(user: User, pk: int, warnings: list[str] | None = None) -> dict[str, Any]:
    transfer = selectors.get_transfer(user, pk)
    steps = selectors.transfer_steps(user, transfer, today=_today())
    return {
        **_row(transfer),
        "reason": transfer.reason,
        "letter_number": transfer.letter_number,
        "next_steps": [{"code": s.code, "label": s.label} for s in steps],
        "warnings": warnings or [],
    }


@router.get("", response=list[TransferListOut], url_name="transfer-list")
@paginate(PageNumberPagination)
def list_transfers(request: HttpRequest, filters: Query[TransferFilters]) -> list[dict[str, Any]]:
    """Return the transfers from (outgoing) or to (incoming) the cells under a unit."""
    user = _user(request)
    org = org_for_user(user, filters.org, Action.MEMBER_VIEW)
    qs: QuerySet[Transfer]
    if filters.direction == "incoming":
        qs = selectors.incoming_for_unit(user, org)
    else:
        qs = selectors.outgoing_for_unit(user, org)
    return _Rows(qs)  # type: ignore[return-value]


class _Rows:
    """A lazily sliced list of rows: the paginator counts and slices the queryset."""

    def __init__(self, qs: QuerySet[Transfer]) -> None:
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [_row(t) for t in self.qs[key]]


@router.get("/{transfer_id}", response=TransferOut, url_name="transfer-detail")
def get_transfer(request: HttpRequest, transfer_id: int) -> dict[str, Any]:
    """Return one transfer with the steps the user may take next."""
    return _detail(_user(request), transfer_id)


def _to_cell(user: User, pk: int | None) -> Org | None:
    """Return the named receiving cell if the user can see it; absent and unseen alike 422."""
    if pk is None:
        return None
    org = policy.scope(user, Org.objects.all(), Action.MEMBER_VIEW).filter(pk=pk).first()
    if org is None:
        message = _("Chi bộ chuyển đến không hợp lệ hoặc ngoài phạm vi của bạn.")
        raise MemberInvalid(message, field_errors={"to_cell_id": [message]})
    return org


@router.post("", response={201: TransferOut}, url_name="transfer-create")
def start_transfer(request: HttpRequest, payload: TransferIn) -> Status[dict[str, Any]]:
    """Start a transfer from the member's cell (the sending cell records it)."""
    user = _user(request)
    membership = selectors.membership_to_transfer(user, payload.membership_id)
    started = services.start_transfer(
        membership=membership,
        kind=payload.kind,
        to_cell=_to_cell(user, payload.to_cell_id),
        outside_party=payload.outside_party,
        trigger_on=payload.trigger_on,
        planned_end_on=payload.planned_end_on,
        purpose=payload.purpose,
        reason=payload.reason,
        version=payload.version,
        actor=user,
        today=_today(),
    )
    warnings = [n.message for n in started.notices]
    return Status(201, _detail(user, started.transfer.pk, warnings))


@router.post("/{transfer_id}/letter", response=TransferOut, url_name="transfer-letter")
def issue_letter(request: HttpRequest, transfer_id: int, payload: LetterIn) -> dict[str, Any]:
    """The sending cell records the transfer letter (the member leaves the roll that day)."""
    user = _user(request)
    services.issue_letter(
        transfer=selectors.get_transfer(user, transfer_id),
        letter_on=payload.letter_on,
        letter_number=payload.letter_number,
        version=payload.version,
        actor=user,
        today=_today(),
    )
    return _detail(user, transfer_id)


@router.post("/{transfer_id}/accept", response=TransferOut, url_name="transfer-accept")
def accept_transfer(request: HttpRequest, transfer_id: int, payload: AcceptIn) -> dict[str, Any]:
    """The receiving cell accepts the member."""
    user = _user(request)
    services.accept_transfer(
        transfer=selectors.get_transfer(user, transfer_id),
        accepted_on=payload.accepted_on,
        version=payload.version,
        actor=user,
        today=_today(),
    )
    return _detail(user, transfer_id)


@router.post(
    "/{transfer_id}/not-presented", response=TransferOut, url_name="transfer-not-presented"
)
def report_not_presented(
    request: HttpRequest, transfer_id: int, payload: DatedIn
) -> dict[str, Any]:
    """The receiving cell reports that the letter was not presented in time."""
    user = _user(request)
    services.report_not_presented(
        transfer=selectors.get_transfer(user, transfer_id),
        on=payload.on,
        version=payload.version,
        actor=user,
        today=_today(),
    )
    return _detail(user, transfer_id)


@router.post("/{transfer_id}/return", response=TransferOut, url_name="transfer-return")
def return_from_temporary(
    request: HttpRequest, transfer_id: int, payload: DatedIn
) -> dict[str, Any]:
    """The home cell records the member's return from a temporary transfer."""
    user = _user(request)
    services.return_from_temporary(
        transfer=selectors.get_transfer(user, transfer_id),
        on=payload.on,
        version=payload.version,
        actor=user,
        today=_today(),
    )
    return _detail(user, transfer_id)


@router.post("/{transfer_id}/cancel", response=TransferOut, url_name="transfer-cancel")
def cancel_transfer(request: HttpRequest, transfer_id: int, payload: VersionIn) -> dict[str, Any]:
    """The sending cell cancels a transfer before the letter."""
    user = _user(request)
    services.cancel_transfer(
        transfer=selectors.get_transfer(user, transfer_id),
        version=payload.version,
        actor=user,
        today=_today(),
    )
    return _detail(user, transfer_id)
