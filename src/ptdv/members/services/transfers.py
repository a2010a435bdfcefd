"""Transfers of party activity as a flow (DOMAIN §5.2, decision D34).

The sending cell starts a transfer and issues the letter (the TRANSFER_OUT or TEMP_OUT event,
dated the letter); the receiving cell accepts (TRANSFER_IN) or reports that the member did not
present the letter; a temporary transfer ends with the member's return (TEMP_BACK). Each step
is one transaction that locks the transfer and checks its version, so of two officers acting
on the same transfer at once exactly one wins. Permissions are checked here as the pipeline's
services do (404 when the actor may not act: absent and forbidden look alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from ptdv.access import policy
from ptdv.access.models import User
from ptdv.access.policy import Action
from ptdv.core.calendar import WorkCalendar, load_calendar
from ptdv.core.errors import StaleVersion
from ptdv.members.models import EventKind, Membership, Standing, Transfer
from ptdv.members.rules import transfer_flow as flow
from ptdv.members.rules import transfers as tr
from ptdv.members.rules.findings import Notice, day
from ptdv.members.services.events import (
    MemberInvalid,
    admit_member,
    recognise_member,
    record_event,
    update_card,
)
from ptdv.orgs.models import Org
from ptdv.people.models import Person


def _refuse(message: str, field_name: str) -> MemberInvalid:
    return MemberInvalid(message, field_errors={field_name: [message]})


def calendar_around(*days: date) -> WorkCalendar:
    """Return the working-day calendar from the earliest day's year to a year past the last
    (60 working days run into the next year from October on)."""
    years = [d.year for d in days]
    return load_calendar(min(years), max(years) + 1)


@dataclass(frozen=True)
class Started:
    """A started transfer with the warnings its dates raise (never refusals)."""

    transfer: Transfer
    notices: list[Notice] = field(default_factory=list)


def start_notices(
    kind: str, trigger_on: date, planned_end_on: date | None, purpose: str
) -> list[Notice]:
    """Return the warnings a transfer's dates raise: a temporary one outside its lengths."""
    if kind != Transfer.Kind.TEMPORARY:
        return []
    notice = tr.temporary_notice(trigger_on, planned_end_on, purpose)
    return [notice] if notice is not None else []


def _save(transfer: Transfer, actor: User | None, reason: str) -> None:
    transfer.version += 1
    transfer._history_user = actor  # type: ignore[attr-defined]
    transfer._change_reason = reason  # type: ignore[attr-defined]
    transfer.save()


def _check_to_cell(
    actor: User, to_cell: Org, membership: Membership, trigger_on: date, today: date
) -> None:
    # The receiving cell is an object the sender names: one it cannot see answers as absent.
    if not policy.can(actor, Action.MEMBER_VIEW, to_cell):
        raise _refuse(_("Chi bộ chuyển đến không hợp lệ hoặc ngoài phạm vi của bạn."), "to_cell")
    if not to_cell.is_cell:
        raise _refuse(
            _("“%(unit)s” không phải chi bộ; đảng viên sinh hoạt ở chi bộ.")
            % {"unit": to_cell.name},
            "to_cell",
        )
    refusals = tr.transfer_refusals(
        on=trigger_on,
        today=today,
        cell_id=membership.cell_id,
        to_cell_id=to_cell.pk,
        to_cell_stands=to_cell.is_active_on(trigger_on),
    )
    for notice in refusals:
        if notice.code != "TRANSFER-FUTURE":  # the trigger date's own check names its field
            raise _refuse(notice.message, "to_cell")
    if not to_cell.is_active_on(today):
        raise _refuse(
            _("Chi bộ chuyển đến đã giải thể (không còn vào ngày %(on)s).") % {"on": day(today)},
            "to_cell",
        )


def start_transfer(
    *,
    membership: Membership,
    kind: str,
    trigger_on: date,
    actor: User,
    today: date,
    to_cell: Org | None = None,
    outside_party: str = "",
    reason: str = "",
    planned_end_on: date | None = None,
    purpose: str = tr.TemporaryPurpose.RESIDENCE,
    version: int | None = None,
) -> Started:
    """Start a transfer of the member's activity from the cell where they are counted, to a
    cell in PTĐV or to a party organisation outside it; the letter is due on the 60th working
    day after `trigger_on` (TRANSFER-60WD)."""
    if not policy.can(actor, Action.MEMBER_RECORD, membership):
        raise Http404
    if kind not in Transfer.Kind.values:
        raise _refuse(_("Loại chuyển sinh hoạt không hợp lệ."), "kind")
    outside_party = outside_party.strip()
    if (to_cell is None) == (not outside_party):
        raise _refuse(
            _("Chọn chi bộ chuyển đến trong PTĐV, hoặc ghi tổ chức đảng nơi đến ngoài PTĐV."),
            "to_cell",
        )
    if trigger_on > today:
        raise _refuse(
            _("Ngày quyết định / thay đổi nơi cư trú %(on)s sau ngày hôm nay: không ghi trước.")
            % {"on": day(trigger_on)},
            "trigger_on",
        )
    if kind == Transfer.Kind.TEMPORARY and planned_end_on is None:
        raise _refuse(
            _("Chuyển sinh hoạt tạm thời phải ghi ngày dự kiến trở về."), "planned_end_on"
        )
    if planned_end_on is not None and planned_end_on <= trigger_on:
        raise _refuse(_("Ngày dự kiến trở về phải sau ngày bắt đầu."), "planned_end_on")
    if kind == Transfer.Kind.PERMANENT:
        planned_end_on = None
    calendar = calendar_around(trigger_on, today)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if version is not None and locked.version != version:
            raise StaleVersion(locked.version)
        if locked.status == Standing.LEFT or locked.in_transit:
            raise _refuse(
                _(
                    "Đảng viên không đang sinh hoạt tại chi bộ nào (đã ra khỏi Đảng hoặc đang "
                    "chuyển sinh hoạt)."
                ),
                "membership",
            )
        if to_cell is not None:
            _check_to_cell(actor, to_cell, locked, trigger_on, today)
        if Transfer.objects.filter(membership=locked, closed_on__isnull=True).exists():
            raise _refuse(
                _("Đảng viên đang có một lần chuyển sinh hoạt chưa kết thúc."), "membership"
            )
        if locked.temp_cell_id is not None:
            raise _refuse(
                _("Đảng viên đang chuyển sinh hoạt tạm thời: ghi trở lại sinh hoạt trước."),
                "membership",
            )
        transfer = Transfer(
            membership=locked,
            kind=kind,
            state=Transfer.State.STARTED,
            from_cell_id=locked.cell_id,
            to_cell=to_cell,
            outside_party=outside_party if to_cell is None else "",
            reason=reason.strip(),
            trigger_on=trigger_on,
            letter_due_on=tr.letter_due(trigger_on, calendar),
            planned_end_on=planned_end_on,
        )
        transfer._history_user = actor  # type: ignore[attr-defined]
        transfer._change_reason = _("Bắt đầu chuyển sinh hoạt")  # type: ignore[attr-defined]
        transfer.save()
    return Started(transfer, start_notices(kind, trigger_on, planned_end_on, purpose))


def _locked_transfer(transfer: Transfer, version: int, code: str, actor: User) -> Transfer:
    """Lock the transfer, check the actor's side, its version and that the step fits."""
    step = flow.STEPS[code]
    org = transfer.from_cell if step.side == flow.Side.SENDING else transfer.to_cell
    if org is None or not policy.can(actor, Action.MEMBER_RECORD, org):
        raise Http404
    locked = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("membership", "from_cell", "to_cell")
        .get(pk=transfer.pk)
    )
    if locked.version != version:
        raise StaleVersion(locked.version)
    return locked


def _check_step(locked: Transfer, code: str, on: date | None = None) -> None:
    message = flow.step_refusal(
        code,
        kind=locked.kind,
        state=locked.state,
        has_to_cell=locked.to_cell_id is not None,
        closed=locked.closed_on is not None,
        present_due_on=locked.present_due_on,
        on=on,
    )
    if message is not None:
        raise _refuse(message, "on" if code == "not-presented" and on else "state")


def _not_before(on: date, earliest: date | None, field_name: str, what: str) -> None:
    if earliest is not None and on < earliest:
        raise _refuse(
            _("%(what)s %(on)s trước ngày %(earliest)s.")
            % {"what": what, "on": day(on), "earliest": day(earliest)},
            field_name,
        )


def issue_letter(
    *,
    transfer: Transfer,
    letter_on: date,
    letter_number: str,
    actor: User,
    today: date,
    version: int,
) -> Transfer:
    """Record the transfer letter: the member leaves the roll (permanent) or starts activity
    elsewhere while still counted at home (temporary), on the letter's date."""
    with transaction.atomic():
        locked = _locked_transfer(transfer, version, "issue-letter", actor)
        _check_step(locked, "issue-letter")
        if letter_on > today:
            raise _refuse(_("Ngày giấy giới thiệu không được sau ngày hôm nay."), "letter_on")
        permanent = locked.kind == Transfer.Kind.PERMANENT
        event = record_event(
            membership=locked.membership,
            kind=EventKind.TRANSFER_OUT if permanent else EventKind.TEMP_OUT,
            on=letter_on,
            actor=actor,
            today=today,
            other_cell=locked.to_cell,
            other_party=locked.outside_party,
            document=letter_number.strip(),
            note=locked.reason,
        )
        locked.letter_on = letter_on
        locked.letter_number = letter_number.strip()
        locked.out_event = event
        locked.state = Transfer.State.SENT
        if locked.to_cell_id is not None:
            locked.present_due_on = tr.present_due(letter_on, calendar_around(letter_on, today))
        elif permanent:
            # Out of PTĐV: nothing more happens here once the member has left the roll.
            locked.closed_on = letter_on
        _save(locked, actor, _("Cấp giấy giới thiệu sinh hoạt đảng"))
    return locked


def accept_transfer(
    *, transfer: Transfer, accepted_on: date, actor: User, today: date, version: int
) -> Transfer:
    """The receiving cell accepts the member: on its roll from `accepted_on` (permanent); a
    temporary member is only acknowledged, still counted at home (DOMAIN §5.2)."""
    with transaction.atomic():
        locked = _locked_transfer(transfer, version, "accept", actor)
        _check_step(locked, "accept")
        if accepted_on > today:
            raise _refuse(_("Ngày tiếp nhận không được sau ngày hôm nay."), "accepted_on")
        _not_before(accepted_on, locked.letter_on, "accepted_on", _("Ngày tiếp nhận"))
        locked.state = Transfer.State.ACCEPTED
        if locked.kind == Transfer.Kind.PERMANENT:
            assert locked.to_cell is not None
            locked.close_event = record_event(
                membership=locked.membership,
                kind=EventKind.TRANSFER_IN,
                on=accepted_on,
                actor=actor,
                today=today,
                cell=locked.to_cell,
                document=locked.letter_number,
            )
            locked.closed_on = accepted_on
        _save(locked, actor, _("Tiếp nhận sinh hoạt đảng"))
    return locked


def report_not_presented(
    *, transfer: Transfer, on: date, actor: User, today: date, version: int
) -> Transfer:
    """The receiving cell reports that the member did not present the letter in time."""
    with transaction.atomic():
        locked = _locked_transfer(transfer, version, "not-presented", actor)
        if on > today:
            raise _refuse(_("Ngày hiệu lực không được sau ngày hôm nay."), "on")
        _check_step(locked, "not-presented", on)
        locked.close_event = record_event(
            membership=locked.membership,
            kind=EventKind.NOT_PRESENTED,
            on=on,
            actor=actor,
            today=today,
            other_cell=locked.to_cell,
            document=locked.letter_number,
        )
        locked.state = Transfer.State.NOT_PRESENTED
        locked.closed_on = on
        _save(locked, actor, _("Báo không xuất trình giấy giới thiệu"))
    return locked


def return_from_temporary(
    *, transfer: Transfer, on: date, actor: User, today: date, version: int
) -> Transfer:
    """Record the member's return from a temporary transfer to activity at home."""
    with transaction.atomic():
        locked = _locked_transfer(transfer, version, "return", actor)
        _check_step(locked, "return")
        _not_before(on, locked.letter_on, "on", _("Ngày trở lại sinh hoạt"))
        locked.close_event = record_event(
            membership=locked.membership,
            kind=EventKind.TEMP_BACK,
            on=on,
            actor=actor,
            today=today,
        )
        locked.state = Transfer.State.RETURNED
        locked.closed_on = on
        _save(locked, actor, _("Trở lại sinh hoạt sau chuyển tạm thời"))
    return locked


def cancel_transfer(*, transfer: Transfer, actor: User, today: date, version: int) -> Transfer:
    """Cancel a transfer before its letter is issued (no event was recorded)."""
    with transaction.atomic():
        locked = _locked_transfer(transfer, version, "cancel", actor)
        _check_step(locked, "cancel")
        locked.state = Transfer.State.CANCELLED
        locked.closed_on = today
        _save(locked, actor, _("Hủy chuyển sinh hoạt"))
    return locked


def receive_from_outside(
    *,
    person: Person,
    cell: Org,
    outside_party: str,
    arrived_on: date,
    decision_on: date,
    joined_on: date,
    actor: User,
    today: date,
    official_on: date | None = None,
    card_number: str | None = None,
    card_issued_on: date | None = None,
    dossier_number: str = "",
) -> Membership:
    """Receive a member from a party organisation outside PTĐV: the admission is recorded as
    made there (not counted anywhere in PTĐV), recognition if official, then TRANSFER_IN to
    the cell on the arrival day."""
    if not policy.can(actor, Action.MEMBER_RECORD, cell):
        raise Http404
    if not policy.can(actor, Action.PERSON_VIEW, person):
        raise Http404
    outside_party = outside_party.strip()
    if not outside_party:
        raise _refuse(_("Ghi tổ chức đảng nơi chuyển đến (ngoài PTĐV)."), "outside_party")
    if arrived_on > today:
        raise _refuse(_("Ngày tiếp nhận không được sau ngày hôm nay."), "arrived_on")
    _not_before(arrived_on, joined_on, "arrived_on", _("Ngày tiếp nhận"))
    if official_on is not None and official_on > arrived_on:
        raise _refuse(
            _("Ngày chính thức sau ngày tiếp nhận: đảng viên dự bị được công nhận tại chi bộ mới."),
            "official_on",
        )
    if not cell.is_cell:
        raise _refuse(
            _("“%(unit)s” không phải chi bộ; đảng viên sinh hoạt ở chi bộ.") % {"unit": cell.name},
            "cell",
        )
    with transaction.atomic():
        membership = admit_member(
            person=person,
            cell=cell,
            decision_on=decision_on,
            joined_on=joined_on,
            actor=actor,
            today=today,
            dossier_number=dossier_number,
            outside_party=outside_party,
            historic=True,
        )
        if official_on is not None:
            recognise_member(
                membership=membership, official_on=official_on, actor=actor, today=today
            )
        record_event(
            membership=membership,
            kind=EventKind.TRANSFER_IN,
            on=arrived_on,
            actor=actor,
            today=today,
            cell=cell,
            other_party=outside_party,
        )
        membership.refresh_from_db()
        if card_number:
            membership = update_card(
                membership=membership,
                card_number=card_number,
                card_issued_on=card_issued_on,
                dossier_number=dossier_number,
                version=membership.version,
                actor=actor,
            )
    return membership
