"""A cell's records of party life: the annual quality rating, regular meetings and dues
(issue 7 items 5 and 6). One transaction each; refusals name the field; nothing half-written."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ptdv.access.models import User
from ptdv.members.models import (
    Absence,
    CellMeeting,
    DuesPayment,
    MemberPeriod,
    Membership,
    Rating,
    RatingLevel,
)
from ptdv.members.rules import ratings as rating_rules
from ptdv.members.rules.dates import add_months
from ptdv.members.rules.findings import Notice
from ptdv.members.services.events import MemberInvalid
from ptdv.orgs.models import CELL_KINDS, Org, OrgKind
from ptdv.orgs.selectors import grassroots_committee_of


def _refuse(message: str, field: str) -> MemberInvalid:
    return MemberInvalid(message, field_errors={field: [message]})


def _on_roll(membership: Membership, day: date) -> MemberPeriod | None:
    return (
        MemberPeriod.objects.filter(membership=membership, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .first()
    )


def grassroots_of(cell: Org) -> Org:
    """Return the grassroots organisation whose cap applies: the cell itself when it is a chi
    bộ cơ sở, else its nearest đảng bộ cơ sở."""
    if cell.kind == OrgKind.GRASSROOTS_CELL:
        return cell
    return grassroots_committee_of(cell) or cell


def rate_member(
    *, membership: Membership, year: int, level: str, actor: User | None, today: date
) -> Notice | None:
    """Record one member's rating of a year; return the cap warning of the grassroots
    organisation when its "excellent" ratings now exceed it (the rule names itself)."""
    if level not in RatingLevel.values:
        raise _refuse(_("Mức xếp loại không hợp lệ."), "level")
    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("cell")
            .get(pk=membership.pk)
        )
        year_end = min(date(year, 12, 31), today) if year <= today.year else today
        period = _on_roll(locked, year_end)
        refusals = rating_rules.rating_refusals(
            year=year,
            today=today,
            joined_on=locked.joined_on,
            rated_years=set(locked.ratings.values_list("year", flat=True)),
            exempted_at_year_end=bool(period and period.exempted),
            exempted_on_rating_day=locked.exempted,
            left_on=locked.left_on,
        )
        if refusals:
            raise MemberInvalid(
                " ".join(r.message for r in refusals),
                field_errors={"year": [r.message for r in refusals]},
            )
        cell = period.cell if period else locked.cell
        grassroots = grassroots_of(cell)
        Rating.objects.create(
            membership=locked,
            year=year,
            level=level,
            grassroots=grassroots,
            cell=cell,
            actor=actor,
        )
        counts = dict(
            Rating.objects.filter(grassroots=grassroots, year=year)
            .values_list("level")
            .annotate(n=Count("pk"))
            .values_list("level", "n")
        )
    return rating_rules.excellent_cap_notice(counts, rating_config())


def rating_config() -> rating_rules.RatingConfig:
    """Return the cap on "excellent" from the settings (0 switches it off)."""
    percent = settings.PTDV_MEMBERS_RATING_CAP_PERCENT
    return rating_rules.RatingConfig(cap_percent=percent or None)


def record_meeting(
    *,
    cell: Org,
    held_on: date,
    absences: dict[int, bool],
    actor: User | None,
    today: date,
    note: str = "",
) -> CellMeeting:
    """Record a regular meeting of the cell and who was absent (True: with a reason)."""
    if cell.kind not in CELL_KINDS:
        raise _refuse(_("Chỉ chi bộ ghi buổi sinh hoạt định kỳ."), "cell")
    if held_on > today:
        raise _refuse(_("Ngày họp không được sau ngày hôm nay."), "held_on")
    with transaction.atomic():
        if CellMeeting.objects.filter(cell=cell, held_on=held_on).exists():
            raise _refuse(
                _("Chi bộ đã ghi một buổi sinh hoạt ngày %(d)s.") % {"d": f"{held_on:%d/%m/%Y}"},
                "held_on",
            )
        roll = set(
            MemberPeriod.objects.filter(cell=cell, valid_from__lte=held_on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=held_on))
            .values_list("membership_id", flat=True)
        )
        strangers = set(absences) - roll
        if strangers:
            raise _refuse(
                _("Chỉ ghi vắng mặt đảng viên sinh hoạt tại chi bộ vào ngày họp."), "absences"
            )
        meeting = CellMeeting.objects.create(cell=cell, held_on=held_on, note=note, actor=actor)
        Absence.objects.bulk_create(
            Absence(meeting=meeting, membership_id=mid, with_reason=reason)
            for mid, reason in absences.items()
        )
    return meeting


def record_dues(
    *, membership: Membership, paid_through: date, actor: User | None, today: date
) -> int:
    """Record that the member has paid dues up to the month of `paid_through`; return how
    many months were added (from the month after the last one paid, or the joining month)."""
    month = paid_through.replace(day=1)
    if month > today.replace(day=1):
        raise _refuse(_("Tháng đóng đảng phí không được sau tháng hiện tại."), "paid_through")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        last = locked.dues.order_by("-month").values_list("month", flat=True).first()
        start = add_months(last, 1) if last else locked.joined_on.replace(day=1)
        months = []
        while start <= month:
            months.append(
                DuesPayment(membership=locked, month=start, recorded_on=today, actor=actor)
            )
            start = add_months(start, 1)
        DuesPayment.objects.bulk_create(months)
    return len(months)
