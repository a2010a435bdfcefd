"""A re-admission opened from paper: the earlier membership the READMIT rule judges.

A former member's dossier may reach the system before the person's party history does (the
member registry does not exist yet, decision D16). Opening a re-admission case may therefore
record the earlier membership on the person: the join date, the day they left and why. What is
already recorded is never overwritten: a different value is refused, so two dossiers cannot
disagree silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from ptdv.access.models import User
from ptdv.people.models import PartyStatus, Person
from ptdv.pipeline.rules import READMIT_REASONS
from ptdv.pipeline.services.base import _refuse


@dataclass(frozen=True)
class EarlierMembership:
    """What the opening form or the API says about the earlier membership (all optional)."""

    joined_on: date | None = None  # the earlier ceremony (ngày vào Đảng lần trước)
    left_on: date | None = None
    left_reason: str = ""  # a key of rules.READMIT_REASONS

    @property
    def given(self) -> bool:
        return bool(self.joined_on or self.left_on or self.left_reason)


def record_earlier_membership(
    person: Person, earlier: EarlierMembership, *, opened_on: date, actor: User
) -> None:
    """Check the earlier membership against the person (locked by the caller) and record what
    was missing; raise a DomainError naming the field otherwise."""
    if earlier.left_reason and earlier.left_reason not in READMIT_REASONS:
        raise _refuse(_("Lý do ra khỏi Đảng không nằm trong danh sách."), "party_left_reason")
    if earlier.left_on and earlier.left_on > opened_on:
        raise _refuse(_("Ngày ra khỏi Đảng không được sau ngày lập hồ sơ."), "party_left_on")
    if earlier.joined_on and earlier.left_on and earlier.joined_on >= earlier.left_on:
        raise _refuse(_("Ngày vào Đảng lần trước phải trước ngày ra khỏi Đảng."), "party_joined_on")
    if person.party_status != PartyStatus.FORMER and earlier.left_on is None:
        raise _refuse(
            _(
                "%(name)s chưa được ghi nhận là đã ra khỏi Đảng: hãy nhập ngày ra khỏi Đảng "
                "để lập hồ sơ kết nạp lại."
            )
            % {"name": person.full_name},
            "party_left_on",
        )
    changes: dict[str, object] = {}
    for field, value, label in (
        ("party_joined_on", earlier.joined_on, _("ngày vào Đảng lần trước")),
        ("party_left_on", earlier.left_on, _("ngày ra khỏi Đảng")),
        ("party_left_reason", earlier.left_reason, _("lý do ra khỏi Đảng")),
    ):
        if not value:
            continue
        recorded = getattr(person, field)
        if recorded and recorded != value:
            shown = (
                f"{recorded:%d/%m/%Y}"
                if isinstance(recorded, date)
                else str(READMIT_REASONS.get(recorded, recorded))
            )
            raise _refuse(
                _("Hồ sơ của %(name)s đã ghi %(label)s là %(value)s; thông tin nhập khác.")
                % {"name": person.full_name, "label": label, "value": shown},
                field,
            )
        if not recorded:
            changes[field] = value
    if person.party_status != PartyStatus.FORMER:
        changes["party_status"] = PartyStatus.FORMER
    if not changes:
        return
    for name, new in changes.items():
        setattr(person, name, new)
    person.version += 1
    person._history_user = actor  # type: ignore[attr-defined]
    person._change_reason = _("Ghi nhận quá trình đảng viên trước đây")  # type: ignore[attr-defined]
    person.save()
