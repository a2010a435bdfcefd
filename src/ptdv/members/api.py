"""The member registry over JSON: the roll, a member with its events, entering an existing
member, recording and correcting events, the card (decision D33)."""

# No `from __future__ import annotations` here: ninja reads the view annotations at runtime.

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from ptdv.access.models import User
from ptdv.access.policy import Action
from ptdv.members import lists
from ptdv.members import services as registry
from ptdv.members.models import MemberEvent, Membership
from ptdv.members.schemas import (
    MemberCardPatch,
    MemberEnterIn,
    MemberEventCorrectIn,
    MemberEventIn,
    MemberEventOut,
    MemberFilters,
    MemberFlagsPatch,
    MemberListOut,
    MemberOut,
)
from ptdv.orgs.selectors import org_for_user
from ptdv.people.selectors import person_for_user

router = Router(tags=["members"])
events_router = Router(tags=["members"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _today() -> date:
    """Return today's date in the deployment's time zone."""
    return timezone.localdate()


def _detail(user: User, pk: int, request: HttpRequest) -> dict[str, Any]:
    """Return the member's body: the same read as the member page (logged)."""
    membership = lists.get_member_page(user, pk, request)
    case = lists.admission_case_of(user, membership)
    body = {f: getattr(membership, f) for f in MemberOut.model_fields if hasattr(membership, f)}
    body.update(
        person=membership.person,
        cell=membership.cell,
        temp_cell=membership.temp_cell,
        status_label=str(membership.get_status_display()),
        case_id=case.pk if case is not None and case.visible else None,
        events=lists.events_of(membership),
    )
    return body


@router.get("", response=list[MemberListOut], url_name="member-list")
@paginate(PageNumberPagination)
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> QuerySet[Membership]:
    """Return the members the user may see, in Vietnamese name order (given name first).

    By default the current members (probationary and official); the list page calls the same
    selector with the same filters.
    """
    data = filters.dict()
    member_filters = lists.MemberFilters(
        q=data["q"] or "",
        unit=data["unit"],
        status=data["status"] or "",
        sex=data["sex"] or "",
        age_band=data["age_band"] or "",
        party_age_from=data["party_age_from"],
        party_age_to=data["party_age_to"],
        away=data["away"],
        watch=data["watch"] or "",
        **{name: data[name] or "" for name in lists.REFERENCE_FILTERS},
    )
    return lists.members_for_user(_user(request), member_filters, today=_today())


@router.get("/{membership_id}", response=MemberOut, url_name="member-detail")
def get_member(request: HttpRequest, membership_id: int) -> dict[str, Any]:
    """Return one membership with its events. Every call is written to the access log."""
    return _detail(_user(request), membership_id, request)


@router.post("", response={201: MemberOut}, url_name="member-enter")
def enter_member(request: HttpRequest, payload: MemberEnterIn) -> Status[dict[str, Any]]:
    """Enter a member admitted before the unit used PTĐV: person_id and cell_id must lie where
    the user decides for members (404 otherwise, like an absent id)."""
    user = _user(request)
    person = person_for_user(user, payload.person_id, Action.MEMBER_DECIDE)
    cell = org_for_user(user, payload.cell_id, Action.MEMBER_DECIDE)
    try:
        # One transaction: the admission, the recognition and the card stand or fall together.
        with transaction.atomic():
            membership = registry.enter_existing_member(
                person=person,
                cell=cell,
                decision_on=payload.decision_on,
                joined_on=payload.joined_on,
                official_on=payload.official_on,
                card_number=payload.card_number,
                card_issued_on=payload.card_issued_on,
                dossier_number=payload.dossier_number,
                actor=user,
                today=_today(),
            )
    except registry.MemberInvalid as exc:
        exc.field_errors = {
            {"person": "person_id", "cell": "cell_id"}.get(k, k): v
            for k, v in exc.field_errors.items()
        }
        raise
    return Status(201, _detail(user, membership.pk, request))


@router.post(
    "/{membership_id}/events", response={201: MemberEventOut}, url_name="member-event-record"
)
def record_member_event(
    request: HttpRequest, membership_id: int, payload: MemberEventIn
) -> Status[MemberEvent]:
    """Record an event: exemption start/end (the cell), or an exit (the committee)."""
    user = _user(request)
    membership = lists.membership_for_user(user, membership_id, Action.MEMBER_VIEW)
    # A kind the user may not record here answers like an absent member.
    if payload.kind not in lists.recordable_kinds(user, membership):
        raise Http404
    event = registry.record_event(
        membership=membership,
        kind=payload.kind,
        on=payload.on,
        ground=payload.ground,
        document=payload.document,
        note=payload.note,
        version=payload.version,
        actor=user,
        today=_today(),
    )
    return Status(201, lists.event_for_user(user, event.pk, Action.MEMBER_VIEW))


@events_router.post(
    "/{event_id}/correct", response={201: MemberEventOut}, url_name="member-event-correct"
)
def correct_member_event(
    request: HttpRequest, event_id: int, payload: MemberEventCorrectIn
) -> Status[MemberEvent]:
    """Correct an event by a new one that supersedes it (or void it); the reason is kept."""
    user = _user(request)
    event = lists.event_for_user(user, event_id, Action.MEMBER_DECIDE)
    correction = registry.correct_event(
        event=event,
        on=payload.on,
        void=payload.void,
        reason=payload.reason,
        version=payload.version,
        actor=user,
        today=_today(),
    )
    return Status(201, lists.event_for_user(user, correction.pk, Action.MEMBER_VIEW))


@router.patch("/{membership_id}/card", response=MemberOut, url_name="member-card")
def update_member_card(
    request: HttpRequest, membership_id: int, payload: MemberCardPatch
) -> dict[str, Any]:
    """Record the party card and the lý lịch number; 409 when `version` is no longer current."""
    user = _user(request)
    membership = lists.membership_for_user(user, membership_id, Action.MEMBER_DECIDE)
    registry.update_card(
        membership=membership,
        card_number=payload.card_number,
        card_issued_on=payload.card_issued_on,
        dossier_number=payload.dossier_number,
        version=payload.version,
        actor=user,
    )
    return _detail(user, membership.pk, request)


@router.patch("/{membership_id}/flags", response=MemberOut, url_name="member-flags")
def update_member_flags(
    request: HttpRequest, membership_id: int, payload: MemberFlagsPatch
) -> dict[str, Any]:
    """Mark or unmark a member (working away without a transfer, seriously ill), the cell's
    marks on the member page; both in one transaction, 409 when `version` is stale."""
    user = _user(request)
    membership = lists.membership_for_user(user, membership_id, Action.MEMBER_RECORD)
    version = payload.version
    with transaction.atomic():
        for flag in ("away_without_transfer", "seriously_ill"):
            value = getattr(payload, flag)
            if value is not None:
                membership = registry.set_flag(
                    membership=membership, flag=flag, value=value, version=version, actor=user
                )
                version = membership.version
    return _detail(user, membership.pk, request)
