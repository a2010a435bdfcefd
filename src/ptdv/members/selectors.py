"""Reads of the member registry: a person's standing, a cell's members on a day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from ptdv.members.models import (
    CommitteeMember,
    MemberEvent,
    MemberPeriod,
    Membership,
    Standing,
)


@dataclass(frozen=True)
class PersonStanding:
    """A person's party standing today, with the membership that gives it."""

    standing: str  # a Standing value; "" for quần chúng
    membership: Membership | None

    @property
    def label(self) -> str:
        return str(Standing(self.standing).label)

    @property
    def is_member(self) -> bool:
        return self.standing in (Standing.PROBATIONARY, Standing.OFFICIAL)


def last_membership(person_id: int) -> Membership | None:
    """Return the person's latest membership (the active one if any)."""
    return (
        Membership.objects.filter(person_id=person_id)
        .select_related("cell")
        .order_by("-joined_on", "-pk")
        .first()
    )


def standing_of(person_id: int) -> PersonStanding:
    """Return the person's standing: quần chúng, probationary, official or former member."""
    membership = last_membership(person_id)
    if membership is None:
        return PersonStanding(Standing.NONE, None)
    return PersonStanding(membership.status, membership)


def standings_of(person_ids: Iterable[int]) -> dict[int, str]:
    """Return each listed person's standing in one query (absent: quần chúng)."""
    result: dict[int, str] = {}
    rows = (
        Membership.objects.filter(person_id__in=list(person_ids))
        .order_by("person_id", "joined_on", "pk")
        .values_list("person_id", "status")
    )
    for person_id, status in rows:
        result[person_id] = status  # the latest membership wins
    return result


def member_filter(*standings: str, prefix: str = "") -> Q:
    """Return a filter on people holding a membership with one of the standings today."""
    return Q(**{f"{prefix}memberships__status__in": list(standings)})


def members_of_cell_on(cell_id: int, day: date) -> QuerySet[MemberPeriod]:
    """Return the periods of the members counted in a cell on a day."""
    return MemberPeriod.objects.filter(cell_id=cell_id, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def official_ids_of_cell_on(cell_id: int, day: date) -> set[int]:
    """Return the person ids of the cell's official members on a day."""
    return set(
        members_of_cell_on(cell_id, day)
        .filter(standing=Standing.OFFICIAL)
        .values_list("person_id", flat=True)
    )


def exit_of(membership: Membership) -> MemberEvent | None:
    """Return the event that ended a membership, if it ended."""
    if membership.left_on is None:
        return None
    return (
        MemberEvent.objects.filter(
            membership=membership, kind=membership.left_kind, on=membership.left_on
        )
        .filter(superseded_by__isnull=True)
        .order_by("-pk")
        .first()
    )


def officials_of_cell_on(cell_id: int, day: date) -> list[tuple[int, bool]]:
    """Return (person id, exempted) of the cell's official members counted there on a day."""
    return list(
        members_of_cell_on(cell_id, day)
        .filter(standing=Standing.OFFICIAL)
        .values_list("person_id", "exempted")
    )


def committee_size_on(org_id: int, day: date) -> int | None:
    """Return how many sat on the unit's committee on a day; None when no seat of that
    committee was ever recorded (its figures cannot be checked)."""
    seats = CommitteeMember.objects.filter(org_id=org_id)
    if not seats.exists():
        return None
    return (
        seats.filter(started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .count()
    )


def absent_on(cell_id: int, day: date) -> set[int] | None:
    """Return the person ids recorded absent at the cell's meeting held that day, or None
    when no meeting was recorded that day."""
    from ptdv.members.models import Absence, CellMeeting

    meeting = CellMeeting.objects.filter(cell_id=cell_id, held_on=day).first()
    if meeting is None:
        return None
    return set(
        Absence.objects.filter(meeting=meeting).values_list("membership__person_id", flat=True)
    )
