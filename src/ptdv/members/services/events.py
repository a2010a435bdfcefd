"""Appending and correcting member events; keeping the derived state in step (D29)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ptdv.access.models import User
from ptdv.core.errors import DomainError, StaleVersion
from ptdv.members.models import (
    EventKind,
    MemberEvent,
    MemberPeriod,
    Membership,
    RemovalGround,
    Standing,
)
from ptdv.members.rules import replay as rp
from ptdv.members.services import stats
from ptdv.orgs.models import CELL_KINDS, Org
from ptdv.people.models import Person


class MemberInvalid(DomainError):
    """The registry refuses the change; field_errors names each faulty field."""


def _refuse(message: str, field: str) -> MemberInvalid:
    return MemberInvalid(message, field_errors={field: [message]})


def _as_fact(event: MemberEvent) -> rp.Event:
    return rp.Event(
        pk=event.pk,
        kind=event.kind,
        on=event.on,
        cell_id=event.cell_id,
        other_cell_id=event.other_cell_id,
        other_party=event.other_party,
        ground=event.ground,
        supersedes_id=event.supersedes_id,
    )


# A not-yet-saved event takes this key in a replay, so its refusals can be told apart.
_NEW = -1


def _apply(membership: Membership, result: rp.Replay) -> None:
    """Write the replay's state onto the membership's cached columns and its periods."""
    state = result.state
    membership.status = state.standing
    if state.cell_id is not None:
        membership.cell_id = state.cell_id
    membership.exempted = state.exempted
    membership.temp_cell_id = state.temp_cell_id
    membership.in_transit = state.place in (rp.Place.TRANSIT, rp.Place.OUTSIDE)
    membership.left_on = state.left_on
    membership.left_kind = state.left_kind
    membership.official_on = state.official_on
    admissions_before = stats.admission_of(membership)
    entry = next((e for e in result.effective if e.kind in rp.ENTRY_KINDS), None)
    if entry is not None:
        membership.joined_on = entry.on
    # The admission the aggregates count: one made in a cell of PTĐV (D43).
    membership.admission_cell_id = entry.cell_id if entry and not entry.other_party else None
    before = stats.periods_of([membership.pk])
    MemberPeriod.objects.filter(membership=membership).delete()
    written = MemberPeriod.objects.bulk_create(
        MemberPeriod(
            membership=membership,
            person_id=membership.person_id,
            cell_id=p.cell_id,
            standing=p.standing,
            exempted=p.exempted,
            temp_cell_id=p.temp_cell_id,
            valid_from=p.valid_from,
            valid_to=p.valid_to,
        )
        for p in result.periods
    )
    after = [tuple(getattr(p, f) for f in stats.PERIOD_VALUES) for p in written]
    # The monthly aggregates follow the periods and the admission, in this transaction (D39).
    stats.membership_rewritten(
        (before, after),
        (admissions_before, stats.admission_of(membership)),
        membership_id=membership.pk,
    )


def _raise_refusals(refusals: list[rp.Refusal]) -> None:
    if not refusals:
        return
    errors: dict[str, list[str]] = {}
    for refusal in refusals:
        errors.setdefault(refusal.field, []).append(refusal.message)
    raise MemberInvalid(" ".join(r.message for r in refusals), field_errors=errors)


def _save_membership(membership: Membership, actor: User | None, reason: str) -> None:
    membership.sort_key = membership.person.sort_key
    membership._history_user = actor  # type: ignore[attr-defined]
    membership._change_reason = reason  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        if "card" in str(exc):
            raise _refuse(
                _("Số thẻ đảng viên %(n)s đã được dùng cho một đảng viên khác.")
                % {"n": membership.card_number},
                "card_number",
            ) from exc
        raise _refuse(
            _("Người này đang là đảng viên; không thể có hai lần vào Đảng cùng lúc."), "person"
        ) from exc


def _locked(membership: Membership, version: int | None) -> Membership:
    locked = Membership.objects.select_for_update().select_related("person").get(pk=membership.pk)
    if version is not None and locked.version != version:
        raise StaleVersion(locked.version)
    return locked


def _check_cell(org: Org | None, day: date, field: str) -> None:
    if org is None:
        return
    if org.kind not in CELL_KINDS:
        raise _refuse(
            _("“%(unit)s” không phải chi bộ; đảng viên sinh hoạt ở chi bộ.") % {"unit": org.name},
            field,
        )
    if not org.is_active_on(day):
        raise _refuse(
            _("“%(unit)s” không tồn tại (chưa thành lập hoặc đã giải thể) vào ngày %(day)s.")
            % {"unit": org.name, "day": f"{day:%d/%m/%Y}"},
            field,
        )


def _replay_with(
    locked: Membership, new: rp.Event | None, *, today: date, drop: set[int] | None = None
) -> rp.Replay:
    facts = [_as_fact(e) for e in locked.events.all() if not drop or e.pk not in drop]
    if new is not None:
        facts.append(new)
    return rp.replay(facts, today=today)


def record_event(
    *,
    membership: Membership,
    kind: str,
    on: date,
    actor: User | None,
    today: date,
    cell: Org | None = None,
    other_cell: Org | None = None,
    other_party: str = "",
    ground: str = "",
    cause: str = "",
    document: str = "",
    note: str = "",
    version: int | None = None,
) -> MemberEvent:
    """Record one event of a membership; refuse it (writing nothing) when it does not fit."""
    if kind in (EventKind.ADMITTED, EventKind.READMITTED, EventKind.VOIDED):
        raise _refuse(_("Sự kiện này không ghi trực tiếp."), "kind")
    if kind not in EventKind.values:
        raise _refuse(_("Loại sự kiện không hợp lệ."), "kind")
    if kind == EventKind.REMOVED and not ground and not cause:
        raise _refuse(_("Phải chọn căn cứ xóa tên (một trong năm trường hợp)."), "ground")
    if ground and ground not in RemovalGround.values:
        raise _refuse(_("Căn cứ xóa tên không nằm trong năm trường hợp."), "ground")
    if on > today:
        raise _refuse(_("Ngày hiệu lực không được sau ngày hôm nay."), "on")
    with transaction.atomic():
        locked = _locked(membership, version)
        if kind == EventKind.TRANSFER_IN:
            _check_cell(cell, on, "cell")
        _check_cell(other_cell, on, "other_cell")
        event_cell = cell if kind == EventKind.TRANSFER_IN and cell else locked.cell
        first = locked.events.order_by("on").first()
        if first is not None and on < first.on:
            raise _refuse(
                _("Ngày hiệu lực %(day)s trước ngày bắt đầu của lần vào Đảng này (%(start)s).")
                % {"day": f"{on:%d/%m/%Y}", "start": f"{first.on:%d/%m/%Y}"},
                "on",
            )
        fact = rp.Event(
            pk=_NEW,
            kind=kind,
            on=on,
            cell_id=event_cell.pk,
            other_cell_id=other_cell.pk if other_cell else None,
            other_party=other_party,
            ground=ground,
        )
        result = _replay_with(locked, fact, today=today)
        _raise_refusals(result.refusals)
        event = MemberEvent.objects.create(
            membership=locked,
            kind=kind,
            on=on,
            cell=event_cell,
            other_cell=other_cell,
            other_party=other_party,
            ground=ground,
            cause=cause,
            document=document,
            note=note,
            actor=actor,
        )
        _apply(locked, result)
        locked.version += 1
        _save_membership(locked, actor, str(EventKind(kind).label))
        if kind == EventKind.TRANSFER_IN and locked.person.org_id != event_cell.pk:
            _follow(locked.person, event_cell, actor)
    return event


def _follow(person: Person, cell: Org, actor: User | None) -> None:
    """The receiving cell keeps the dossier of a member it accepted."""
    person.org = cell
    person.version += 1
    person._history_user = actor  # type: ignore[attr-defined]
    person._change_reason = _("Tiếp nhận sinh hoạt đảng tại %(unit)s") % {"unit": cell.name}  # type: ignore[attr-defined]
    person.save(update_fields=["org", "version", "updated_at"])


def correct_event(
    *,
    event: MemberEvent,
    actor: User,
    today: date,
    reason: str,
    version: int,
    on: date | None = None,
    void: bool = False,
    **changes: Any,
) -> MemberEvent:
    """Correct a recorded event by a new one that supersedes it (or void it); nothing is
    edited in place. The whole history must still make sense afterwards."""
    if not reason.strip():
        raise _refuse(_("Phải ghi lý do sửa."), "reason")
    with transaction.atomic():
        locked = _locked(event.membership, version)
        original = MemberEvent.objects.select_for_update().get(pk=event.pk)
        if MemberEvent.objects.filter(supersedes=original).exists():
            raise _refuse(_("Sự kiện này đã được sửa; hãy sửa bản ghi mới nhất."), "event")
        if void and original.kind in rp.ENTRY_KINDS:
            raise _refuse(_("Không hủy được sự kiện kết nạp; hãy sửa ngày hoặc nội dung."), "event")
        new_on = on or original.on
        if new_on > today:
            raise _refuse(_("Ngày hiệu lực không được sau ngày hôm nay."), "on")
        if original.kind in rp.ENTRY_KINDS and new_on < locked.decision_on:
            # As when it was recorded (_check_dates): the ceremony follows the decision.
            raise _refuse(
                _("Ngày lễ kết nạp không được trước ngày quyết định kết nạp (%(d)s).")
                % {"d": f"{locked.decision_on:%d/%m/%Y}"},
                "on",
            )
        values = {
            "kind": EventKind.VOIDED if void else original.kind,
            "on": new_on,
            "cell_id": changes.get("cell_id", original.cell_id),
            "other_cell_id": changes.get("other_cell_id", original.other_cell_id),
            "other_party": changes.get("other_party", original.other_party),
            "ground": changes.get("ground", original.ground),
            "cause": changes.get("cause", original.cause),
            "document": changes.get("document", original.document),
            "note": changes.get("note", original.note),
        }
        fact = rp.Event(
            pk=_NEW,
            kind=values["kind"],
            on=new_on,
            cell_id=values["cell_id"],
            other_cell_id=values["other_cell_id"],
            other_party=values["other_party"],
            ground=values["ground"],
            supersedes_id=original.pk,
        )
        facts = [_as_fact(e) for e in locked.events.all()] + [fact]
        result = rp.replay(facts, today=today)
        _raise_refusals(result.refusals)
        correction = MemberEvent.objects.create(
            membership=locked, supersedes=original, reason=reason.strip(), actor=actor, **values
        )
        _apply(locked, result)
        locked.version += 1
        _save_membership(locked, actor, _("Sửa sự kiện: %(r)s") % {"r": reason.strip()})
    return correction


def _check_dates(decision_on: date, joined_on: date, today: date) -> None:
    if decision_on > joined_on:
        raise _refuse(
            _("Ngày quyết định kết nạp phải trước hoặc cùng ngày lễ kết nạp."), "decision_on"
        )
    if joined_on > today:
        raise _refuse(_("Ngày lễ kết nạp không được sau ngày hôm nay."), "joined_on")


def _new_membership(
    *,
    person: Person,
    cell: Org,
    decision_on: date,
    joined_on: date,
    previous: Membership | None,
    card_number: str | None,
    card_issued_on: date | None,
    dossier_number: str,
) -> Membership:
    return Membership(
        person=person,
        previous=previous,
        cell=cell,
        decision_on=decision_on,
        joined_on=joined_on,
        status=Standing.PROBATIONARY,
        card_number=card_number or None,
        card_issued_on=card_issued_on,
        dossier_number=dossier_number,
    )


def _last_membership(person: Person) -> Membership | None:
    return Membership.objects.filter(person=person).order_by("-joined_on", "-pk").first()


def admit_member(
    *,
    person: Person,
    cell: Org,
    decision_on: date,
    joined_on: date,
    actor: User | None,
    today: date,
    dossier_number: str = "",
    outside_party: str = "",
    historic: bool = False,
) -> Membership:
    """Record an admission (the ceremony day): a new membership with its first event.

    A person who was a member before is re-admitted: the new membership links the last one.
    """
    return _admit(
        person=person, cell=cell, decision_on=decision_on, joined_on=joined_on, actor=actor,
        today=today, dossier_number=dossier_number, outside_party=outside_party,
        historic=historic, rebuild=True,
    )  # fmt: skip


def _admit(
    *,
    person: Person,
    cell: Org,
    decision_on: date,
    joined_on: date,
    actor: User | None,
    today: date,
    dossier_number: str,
    outside_party: str,
    historic: bool,
    rebuild: bool,
) -> Membership:
    """`admit_member`; without `rebuild` the membership's periods, cached columns and
    aggregates are left to the caller's next replay (an event recorded at once after it)."""
    _check_dates(decision_on, joined_on, today)
    if not outside_party:
        # A member entered with their history may predate the unit's record in PTĐV: the
        # cell must exist today, not necessarily on the old ceremony day.
        _check_cell(cell, today if historic else joined_on, "cell")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        previous = _last_membership(person)
        if previous is not None and previous.status != Standing.LEFT:
            raise _refuse(
                _("Người này đang là đảng viên; không thể có hai lần vào Đảng cùng lúc."),
                "person",
            )
        if previous is not None and previous.left_on and previous.left_on > decision_on:
            raise _refuse(
                _("Ngày quyết định kết nạp lại phải sau ngày ra khỏi Đảng lần trước (%(d)s).")
                % {"d": f"{previous.left_on:%d/%m/%Y}"},
                "decision_on",
            )
        membership = _new_membership(
            person=person,
            cell=cell,
            decision_on=decision_on,
            joined_on=joined_on,
            previous=previous,
            card_number=None,
            card_issued_on=None,
            dossier_number=dossier_number,
        )
        kind = EventKind.READMITTED if previous is not None else EventKind.ADMITTED
        _save_membership(membership, actor, str(kind.label))
        MemberEvent.objects.create(
            membership=membership,
            kind=kind,
            on=joined_on,
            cell=cell,
            other_party=outside_party,
            actor=actor,
        )
        if rebuild:
            rebuild_membership(membership, today=today, actor=actor)
    return membership


def enter_existing_member(
    *,
    person: Person,
    cell: Org,
    decision_on: date,
    joined_on: date,
    actor: User | None,
    today: date,
    official_on: date | None = None,
    card_number: str | None = None,
    card_issued_on: date | None = None,
    dossier_number: str = "",
) -> Membership:
    """Enter a member admitted before the unit used PTĐV, with the history dates; all or
    nothing (a refused card number leaves no half-entered membership). An official member's
    admission and recognition are replayed, and counted in the aggregates, once."""
    with transaction.atomic():
        membership = _admit(
            person=person,
            cell=cell,
            decision_on=decision_on,
            joined_on=joined_on,
            actor=actor,
            today=today,
            dossier_number=dossier_number,
            outside_party="",
            historic=True,
            rebuild=official_on is None,
        )
        if official_on is not None:
            recognise_member(
                membership=membership, official_on=official_on, actor=actor, today=today
            )
        if card_number:
            membership.refresh_from_db()
            update_card(
                membership=membership,
                card_number=card_number,
                card_issued_on=card_issued_on,
                dossier_number=dossier_number,
                version=membership.version,
                actor=actor,
            )
        membership.refresh_from_db()
    return membership


def recognise_member(
    *, membership: Membership, official_on: date, actor: User | None, today: date
) -> MemberEvent:
    """Record recognition as an official member (effective at the end of the 12 months)."""
    if official_on <= membership.joined_on:
        raise _refuse(_("Ngày chính thức phải sau ngày vào Đảng."), "official_on")
    return record_event(
        membership=membership,
        kind=EventKind.RECOGNISED,
        on=official_on,
        actor=actor,
        today=today,
    )


def end_membership(
    *,
    membership: Membership,
    kind: str,
    on: date,
    actor: User | None,
    today: date,
    ground: str = "",
    cause: str = "",
    document: str = "",
    note: str = "",
    version: int | None = None,
) -> MemberEvent:
    """Record the end of a membership (deleted from the probationary list, removed,
    expelled, resigned or died)."""
    if kind not in rp.EXIT_KINDS:
        raise _refuse(_("Loại sự kiện không hợp lệ."), "kind")
    return record_event(
        membership=membership,
        kind=kind,
        on=on,
        actor=actor,
        today=today,
        ground=ground,
        cause=cause,
        document=document,
        note=note,
        version=version,
    )


def update_card(
    *,
    membership: Membership,
    card_number: str | None,
    card_issued_on: date | None,
    dossier_number: str,
    version: int,
    actor: User | None,
) -> Membership:
    """Record the party card and the dossier number (cards go to official members only)."""
    card_number = (card_number or "").strip() or None
    with transaction.atomic():
        locked = _locked(membership, version)
        if card_number and locked.status != Standing.OFFICIAL:
            raise _refuse(
                _("Thẻ đảng viên chỉ cấp cho đảng viên chính thức (29-QĐ/TW, mục 6.1)."),
                "card_number",
            )
        if card_number and card_issued_on is None:
            raise _refuse(_("Nhập ngày cấp thẻ."), "card_issued_on")
        if (
            card_number
            and Membership.objects.filter(card_number=card_number).exclude(pk=locked.pk).exists()
        ):
            raise _refuse(
                _("Số thẻ đảng viên %(n)s đã được dùng cho một đảng viên khác.")
                % {"n": card_number},
                "card_number",
            )
        locked.card_number = card_number
        locked.card_issued_on = card_issued_on if card_number else None
        locked.dossier_number = dossier_number.strip()
        locked.version += 1
        _save_membership(locked, actor, _("Cập nhật thẻ đảng viên, số lý lịch"))
    return locked


def rebuild_membership(membership: Membership, *, today: date, actor: User | None = None) -> bool:
    """Recompute the membership's cached columns and periods from its events; return
    whether anything differed from what was stored."""
    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update().select_related("person").get(pk=membership.pk)
        )
        periods_before = _periods_of(locked)
        result = _replay_with(locked, None, today=today)
        before = _cached(locked)
        _apply(locked, result)
        changed = before != _cached(locked) or locked.sort_key != locked.person.sort_key
        if changed:
            _save_membership(locked, actor, _("Tính lại từ các sự kiện"))
        return changed or periods_before != _periods_of(locked)


def _periods_of(m: Membership) -> list[tuple[object, ...]]:
    return list(
        MemberPeriod.objects.filter(membership=m)
        .order_by("valid_from")
        .values_list("cell_id", "standing", "exempted", "temp_cell_id", "valid_from", "valid_to")
    )


def rebuild_all(*, today: date) -> tuple[int, int]:
    """Rebuild every membership from its events; return (how many, how many differed)."""
    total = changed = 0
    for membership in Membership.objects.order_by("pk").iterator():
        total += 1
        changed += rebuild_membership(membership, today=today)
    return total, changed


def _cached(m: Membership) -> tuple[object, ...]:
    return (
        m.status,
        m.cell_id,
        m.exempted,
        m.temp_cell_id,
        m.in_transit,
        m.left_on,
        m.left_kind,
        m.official_on,
        m.joined_on,
        m.admission_cell_id,
    )
