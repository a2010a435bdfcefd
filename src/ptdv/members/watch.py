"""Watch lists, party age and badges of a unit (issue 7 items 4, 5, 8): reads only.

Each list names the member, the cell and the reason with its rule; the pure rules in
`members.rules` (seniority, badges, watch) decide, this module gathers their inputs in a
fixed number of queries per unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from ptdv.core.text import prefix_upper_bound
from ptdv.members.models import (
    Absence,
    CellMeeting,
    DuesPayment,
    EventKind,
    MemberEvent,
    Membership,
    Rating,
    Standing,
    Transfer,
)
from ptdv.members.rules import badges as badge_rules
from ptdv.members.rules import replay as rp
from ptdv.members.rules import seniority
from ptdv.members.rules import watch as rules
from ptdv.members.rules.dates import add_months
from ptdv.members.rules.findings import Notice
from ptdv.orgs.models import Org

CURRENT = (Standing.PROBATIONARY, Standing.OFFICIAL)


@dataclass(frozen=True)
class WatchRow:
    membership: Membership
    reason: str
    on: date | None = None


@dataclass(frozen=True)
class CellAgeing:
    cell: Org
    members: int
    average_age: float | None
    share_60_plus: float | None


@dataclass
class WatchLists:
    removal: list[WatchRow]
    probation_ending: list[WatchRow]
    temporary_overdue: list[WatchRow]
    away: list[WatchRow]
    ageing: list[CellAgeing]


def current_members(unit: Org, *, admitted_by: date | None = None) -> list[Membership]:
    """Return the members on the rolls of the unit's cells today, in name order; with
    `admitted_by`, only those first admitted (any membership's decision) on or before it."""
    members = Membership.objects.filter(
        cell__path__gte=unit.path,
        cell__path__lt=prefix_upper_bound(unit.path),
        status__in=CURRENT,
        in_transit=False,
    )
    if admitted_by is not None:
        members = members.filter(person_id__in=_admitted_by(admitted_by))
    return list(members.select_related("person", "cell").order_by("sort_key", "pk"))


def _admitted_by(day: date) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(decision_on__lte=day).values("person_id")


def _histories(
    person_ids: Iterable[int], today: date
) -> dict[int, list[seniority.MembershipHistory]]:
    """Return every listed person's memberships as party-age histories (all memberships:
    a re-admitted member's party age starts at the first decision)."""
    ids = list(person_ids)
    memberships = list(
        Membership.objects.filter(person_id__in=ids).order_by("person_id", "joined_on", "pk")
    )
    events: dict[int, list[rp.Event]] = defaultdict(list)
    for e in MemberEvent.objects.filter(membership__person_id__in=ids).values_list(
        "pk", "membership_id", "kind", "on", "cell_id", "other_cell_id", "other_party",
        "ground", "supersedes_id",
    ):  # fmt: skip
        pk, mid, kind, on, cell, other, party, ground, supersedes = e
        events[mid].append(rp.Event(pk, kind, on, cell, other, party, ground, supersedes))
    result: dict[int, list[seniority.MembershipHistory]] = defaultdict(list)
    for m in memberships:
        replayed = rp.replay(events[m.pk], today=today)
        result[m.person_id].append(seniority.membership_history(m.decision_on, replayed))
    return result


def party_age_of(membership: Membership, today: date) -> tuple[int, int] | None:
    """Return the member's party age today (years, months), gaps deducted (DOMAIN §4)."""
    histories = _histories([membership.person_id], today).get(membership.person_id)
    if not histories:
        return None
    return seniority.party_age(histories, today)


def watch_lists(unit: Org, today: date) -> WatchLists:
    """Return the unit's watch lists for today."""
    members = current_members(unit)
    by_pk = {m.pk: m for m in members}
    removal: list[WatchRow] = []
    year = today.year
    # Ground 1: meetings and dues of this calendar year.
    meetings: dict[int, list[rules.Meeting]] = defaultdict(list)
    held = CellMeeting.objects.filter(
        cell__path__gte=unit.path,
        cell__path__lt=prefix_upper_bound(unit.path),
        held_on__year=year,
    ).values_list("pk", "cell_id", "held_on")
    absences = {
        (a.meeting_id, a.membership_id): a.with_reason
        for a in Absence.objects.filter(meeting_id__in=[h[0] for h in held])
    }
    in_cell: dict[int, list[Membership]] = defaultdict(list)
    for m in members:
        in_cell[m.cell_id].append(m)
    for meeting_id, cell_id, held_on in held:
        for m in in_cell[cell_id]:
            if m.joined_on <= held_on:
                key = (meeting_id, m.pk)
                meetings[m.pk].append((held_on, key in absences, absences.get(key, False)))
    paid: dict[int, set[date]] = defaultdict(set)
    for mid, month in DuesPayment.objects.filter(
        membership_id__in=by_pk, month__year=year
    ).values_list("membership_id", "month"):
        paid[mid].add(month)
    ratings: dict[int, dict[int, str]] = defaultdict(dict)
    for mid, y, level in Rating.objects.filter(membership_id__in=by_pk).values_list(
        "membership_id", "year", "level"
    ):
        ratings[mid][y] = level
    for m in members:
        notices: list[Notice | None] = []
        # Only cells that keep their meetings or dues in PTĐV are judged on them.
        unpaid = (
            rules.dues_months_unpaid(paid[m.pk], year, today, m.joined_on)
            if m.pk in paid or meetings.get(m.pk)
            else []
        )
        notices.append(rules.absence_ground(meetings.get(m.pk, []), unpaid))
        notices.append(rules.quality_ground(ratings.get(m.pk, {})))
        for notice in notices:
            if notice is not None:
                removal.append(WatchRow(m, notice.message))
    ending = []
    for m in members:
        if m.status == Standing.PROBATIONARY:
            ends_on = rules.probation_ending(m.joined_on, today)
            if ends_on is not None:
                ending.append(WatchRow(m, "", ends_on))
    overdue = [
        WatchRow(
            by_pk[t.membership_id],
            t.to_cell.label if t.to_cell else t.outside_party,
            t.planned_end_on,
        )  # fmt: skip
        for t in Transfer.objects.filter(
            membership_id__in=by_pk,
            kind=Transfer.Kind.TEMPORARY,
            closed_on__isnull=True,
            planned_end_on__lt=today,
        ).select_related("to_cell")
        if rules.temporary_overdue(t.planned_end_on, today)
    ]
    away = [WatchRow(m, "") for m in members if m.away_without_transfer]
    ageing = []
    for group in in_cell.values():
        average, share = rules.ageing([m.person.birth_date for m in group], today)
        ageing.append(CellAgeing(group[0].cell, len(group), average, share))
    ageing.sort(key=lambda a: (-(a.average_age or 0), a.cell.name))
    return WatchLists(removal, ending, overdue, away, ageing)


@dataclass(frozen=True)
class BadgeRow:
    membership: Membership
    due: badge_rules.BadgeDue


def recently_dead(
    unit: Org, since: date, until: date, *, admitted_by: date | None = None
) -> list[Membership]:
    """Return the members of the unit's cells who died in [since, until] (a posthumous badge
    may be given to a member who died up to 12 months before the milestone); with
    `admitted_by`, only those first admitted on or before it."""
    dead = Membership.objects.filter(
        cell__path__gte=unit.path,
        cell__path__lt=prefix_upper_bound(unit.path),
        status=Standing.LEFT,
        left_kind=EventKind.DIED,
        left_on__gte=since,
        left_on__lte=until,
    )
    if admitted_by is not None:
        dead = dead.filter(person_id__in=_admitted_by(admitted_by))
    return list(dead.select_related("person", "cell").order_by("sort_key", "pk"))


def badges_for(unit: Org, start: date, end: date, today: date) -> list[BadgeRow]:
    """Return who reaches which badge in [start, end] in the unit (party age from events):
    the seriously ill up to 12 or 24 months early, the dead posthumously (DOMAIN §5.5)."""
    # Only members first admitted early enough can reach a milestone by the end: the party-age
    # histories (every event of each member) are read for them alone.
    senior = badge_rules.latest_first_decision(end)
    members = current_members(unit, admitted_by=senior)
    early = add_months(start, -badge_rules.POSTHUMOUS_EARLY_MONTHS)
    dead = recently_dead(unit, early, end, admitted_by=senior)
    histories = _histories([m.person_id for m in members + dead], max(today, end))
    candidates = []
    by_id = {}
    for m in members + dead:
        hist = histories.get(m.person_id, [])
        died_on = m.left_on if m.status == Standing.LEFT else None
        reached = {
            years: day
            for years in badge_rules.MILESTONES
            if (day := seniority.reaches(hist, years, posthumous=died_on is not None)) is not None
        }
        candidates.append(
            badge_rules.BadgeCandidate(
                member_id=m.pk, reached=reached, seriously_ill=m.seriously_ill, died_on=died_on
            )
        )
        by_id[m.pk] = m
    dues = badge_rules.badges_due(candidates, start, end)
    return sorted(
        (BadgeRow(by_id[d.member_id], d) for d in dues),
        key=lambda r: (-r.due.milestone, r.membership.sort_key),
    )


# The member list's "on a watch list" filter (issue 7 item 11): key -> label.
WATCH_FILTERS: dict[str, str] = {
    "any": "Thuộc bất kỳ danh sách cần theo dõi nào",
    "removal": "Có căn cứ xem xét xóa tên",
    "probation_ending": "Sắp hết thời gian dự bị (60 ngày tới)",
    "temporary_overdue": "Sinh hoạt tạm thời quá hạn",
    "away": "Đi làm ăn xa chưa chuyển sinh hoạt",
    "badge": "Đến hạn huy hiệu Đảng đợt trao tới",
}


def watched_ids(units: Iterable[Org], which: str, today: date) -> set[int]:
    """Return the memberships on the named watch list (or on any of them) in the units, the
    same lists the watch page shows (badges: the next presentation batch)."""
    ids: set[int] = set()
    for unit in units:
        lists = watch_lists(unit, today)
        chosen = {
            "removal": lists.removal,
            "probation_ending": lists.probation_ending,
            "temporary_overdue": lists.temporary_overdue,
            "away": lists.away,
        }
        for key, rows in chosen.items():
            if which in (key, "any"):
                ids.update(r.membership.pk for r in rows)
        if which in ("badge", "any"):
            ids.update(r.membership.pk for r in badges_for(unit, *next_batch(today), today))
    return ids


def next_batch(today: date) -> tuple[date, date]:
    """Return the period of the next presentation batch: from today to the next of
    3/2, 19/5, 2/9, 7/11."""
    return today, badge_rules.presentation_day(today)
