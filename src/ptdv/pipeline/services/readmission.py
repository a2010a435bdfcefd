"""A re-admission opened from paper: the earlier membership the READMIT rule judges.

A former member's dossier may reach the system before the person's party history does.
Opening a re-admission case may therefore enter the earlier membership in the registry: the
join date, the day they left and why. What the registry already holds is never overwritten: a
different value is refused, so two dossiers cannot disagree silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from ptdv.access.models import User
from ptdv.members import services as registry
from ptdv.members.models import EventKind, Standing
from ptdv.members.selectors import exit_of, last_membership
from ptdv.people.models import Person
from ptdv.pipeline.rules import READMIT_REASONS, official_date
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


# How each re-admission reason ended the earlier membership in the registry's terms.
_EXIT_KIND = {
    "resigned": EventKind.RESIGNED,
    "resigned_hardship": EventKind.RESIGNED,
    "abandoned_activity": EventKind.REMOVED,
    "removed": EventKind.REMOVED,
    "other": EventKind.REMOVED,
    "disunity": EventKind.EXPELLED,
    "corruption": EventKind.EXPELLED,
    "serious_crime": EventKind.EXPELLED,
    "less_serious_crime": EventKind.EXPELLED,
    "population_policy": EventKind.EXPELLED,
}


def record_earlier_membership(
    person: Person, earlier: EarlierMembership, *, opened_on: date, actor: User
) -> None:
    """Check the earlier membership against the registry (the person is locked by the caller)
    and enter it when missing; raise a DomainError naming the field otherwise."""
    if earlier.left_reason and earlier.left_reason not in READMIT_REASONS:
        raise _refuse(_("Lý do ra khỏi Đảng không nằm trong danh sách."), "party_left_reason")
    if earlier.left_on and earlier.left_on > opened_on:
        raise _refuse(_("Ngày ra khỏi Đảng không được sau ngày lập hồ sơ."), "party_left_on")
    if earlier.joined_on and earlier.left_on and earlier.joined_on >= earlier.left_on:
        raise _refuse(_("Ngày vào Đảng lần trước phải trước ngày ra khỏi Đảng."), "party_joined_on")
    membership = last_membership(person.pk)
    if membership is not None and membership.status != Standing.LEFT:
        raise _refuse(_("%(name)s đang là đảng viên.") % {"name": person.full_name}, "person")
    if membership is None:
        _enter_earlier(person, earlier, opened_on=opened_on, actor=actor)
        return
    exit_event = exit_of(membership)
    recorded_reason = exit_event.cause if exit_event else ""
    for field, value, recorded, label in (
        ("party_joined_on", earlier.joined_on, membership.joined_on, _("ngày vào Đảng lần trước")),
        ("party_left_on", earlier.left_on, membership.left_on, _("ngày ra khỏi Đảng")),
        ("party_left_reason", earlier.left_reason, recorded_reason, _("lý do ra khỏi Đảng")),
    ):
        if value and recorded and recorded != value:
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


def _enter_earlier(
    person: Person, earlier: EarlierMembership, *, opened_on: date, actor: User
) -> None:
    """Enter an earlier membership known only from the dossier: it was held outside the
    registry's rolls (no cell is known), so it counts in party age but in no unit's figures."""
    if earlier.left_on is None:
        raise _refuse(
            _(
                "%(name)s chưa được ghi nhận là đã ra khỏi Đảng: hãy nhập ngày ra khỏi Đảng "
                "để lập hồ sơ kết nạp lại."
            )
            % {"name": person.full_name},
            "party_left_on",
        )
    if earlier.joined_on is None:
        raise _refuse(
            _("Nhập ngày vào Đảng lần trước của %(name)s để lập hồ sơ kết nạp lại.")
            % {"name": person.full_name},
            "party_joined_on",
        )
    membership = registry.admit_member(
        person=person,
        cell=person.org,
        decision_on=earlier.joined_on,
        joined_on=earlier.joined_on,
        actor=actor,
        today=opened_on,
        outside_party=_("Tổ chức đảng trước đây (ghi theo hồ sơ kết nạp lại)"),
    )
    official_on = official_date(earlier.joined_on)
    if official_on < earlier.left_on:
        registry.recognise_member(
            membership=membership, official_on=official_on, actor=actor, today=opened_on
        )
        kind = _EXIT_KIND.get(earlier.left_reason, EventKind.REMOVED)
    else:
        # Left during probation: deleted from the list, or resigned.
        kind = (
            EventKind.RESIGNED
            if _EXIT_KIND.get(earlier.left_reason) == EventKind.RESIGNED
            else EventKind.PROBATION_DELETED
        )
    registry.end_membership(
        membership=membership,
        kind=kind,
        on=earlier.left_on,
        actor=actor,
        today=opened_on,
        cause=earlier.left_reason or "other",
    )
