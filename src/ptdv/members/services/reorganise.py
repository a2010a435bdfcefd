"""Reorganisation with members: a merge moves the members by transfer events dated the merge
day (issue 7 item 9), then the tree merges (orgs.services.merge_units_tree)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from ptdv.access.models import User
from ptdv.members.models import EventKind, MemberPeriod, Membership
from ptdv.members.services.events import record_event
from ptdv.orgs.models import CELL_KINDS, Org
from ptdv.orgs.services import merge_units_tree


def merge_cells(
    *, source: Org, target: Org, on_date: date, actor: User, today: date
) -> list[Membership]:
    """Merge the cell `source` into the cell `target` on `on_date`: every member on the
    source's roll that day is transferred out and into the target that same day (no gap in
    party age, counted at the target from that day), then the source is dissolved. All or
    nothing: a refusal of the tree (a target inside the source, a dissolved target, a date in
    the future, people still managed in the source) leaves the members where they were."""
    with transaction.atomic():
        moved = []
        if source.kind in CELL_KINDS and target.kind in CELL_KINDS and source.pk != target.pk:
            roll = (
                MemberPeriod.objects.filter(cell=source, valid_from__lte=on_date)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on_date))
                .values_list("membership_id", flat=True)
            )
            for membership in Membership.objects.filter(pk__in=list(roll)).order_by("pk"):
                record_event(membership=membership, kind=EventKind.TRANSFER_OUT, on=on_date,
                             other_cell=target, actor=actor, today=today,
                             note="Hợp nhất chi bộ")  # fmt: skip
                record_event(membership=membership, kind=EventKind.TRANSFER_IN, on=on_date,
                             cell=target, actor=actor, today=today,
                             note="Hợp nhất chi bộ")  # fmt: skip
                moved.append(membership)
        merge_units_tree(source=source, target=target, on_date=on_date, actor=actor, today=today)
    return moved
