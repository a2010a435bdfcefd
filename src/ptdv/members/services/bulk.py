"""Bulk entry of member histories (the demo, the benchmark data, imports from other systems).

The same replay as the one-by-one services decides each membership's derived columns and
periods; a history whose events do not replay cleanly is refused whole (nothing of it written).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from ptdv.access.models import User
from ptdv.core.bulk import copy_rows
from ptdv.members.models import MemberEvent, MemberPeriod, Membership
from ptdv.members.rules import replay as rp
from ptdv.members.services import last_admissions, stats
from ptdv.members.services.events import MemberInvalid


@dataclass
class EventSpec:
    kind: str
    on: date
    cell_id: int
    other_cell_id: int | None = None
    other_party: str = ""
    ground: str = ""
    cause: str = ""


@dataclass
class HistorySpec:
    """One membership to enter: its person, its dates and its events in order."""

    person_id: int
    sort_key: str
    decision_on: date
    events: list[EventSpec] = field(default_factory=list)
    card_number: str | None = None
    card_issued_on: date | None = None
    dossier_number: str = ""
    previous_index: int | None = None  # index of the person's earlier history in the batch


# The columns bulk_enter sets on a membership (the others keep their defaults).
_MEMBERSHIP_COLUMNS = (
    "person_id", "sort_key", "decision_on", "joined_on", "official_on", "status", "cell_id",
    "exempted", "temp_cell_id", "in_transit", "left_on", "left_kind", "admission_cell_id",
    "card_number", "card_issued_on", "dossier_number",
)  # fmt: skip


def bulk_enter(
    histories: list[HistorySpec],
    *,
    actor: User | None,
    today: date,
    batch_size: int = 2000,
    aggregates: bool = True,
) -> list[Membership]:
    """Enter many memberships with their events; return the memberships, in order.

    `aggregates=False` leaves the monthly aggregates (D39) unwritten: for a load into an empty
    database followed by a recomputation of them all (`ptdv stats rebuild`, or the national
    benchmark's set-based write), never beside data already counted."""
    replays: list[rp.Replay] = []
    for index, history in enumerate(histories):
        facts = [
            rp.Event(
                pk=i + 1,
                kind=e.kind,
                on=e.on,
                cell_id=e.cell_id,
                other_cell_id=e.other_cell_id,
                other_party=e.other_party,
                ground=e.ground,
            )
            for i, e in enumerate(history.events)
        ]
        result = rp.replay(facts, today=today)
        if result.refusals or not facts:
            reasons = " ".join(r.message for r in result.refusals) or _("không có sự kiện")
            raise MemberInvalid(_("Dòng %(n)s: %(reasons)s") % {"n": index + 1, "reasons": reasons})
        replays.append(result)
    entries = [next((e for e in r.effective if e.kind in rp.ENTRY_KINDS), None) for r in replays]
    with transaction.atomic():
        memberships = []
        for history, result, entry in zip(histories, replays, entries, strict=True):
            state = result.state
            assert state.cell_id is not None
            memberships.append(
                Membership(
                    person_id=history.person_id,
                    sort_key=history.sort_key,
                    decision_on=history.decision_on,
                    joined_on=entry.on if entry else history.events[0].on,
                    official_on=state.official_on,
                    status=state.standing,
                    cell_id=state.cell_id,
                    exempted=state.exempted,
                    temp_cell_id=state.temp_cell_id,
                    in_transit=state.place in (rp.Place.TRANSIT, rp.Place.OUTSIDE),
                    left_on=state.left_on,
                    left_kind=state.left_kind,
                    admission_cell_id=entry.cell_id if entry and not entry.other_party else None,
                    card_number=history.card_number,
                    card_issued_on=history.card_issued_on,
                    dossier_number=history.dossier_number,
                )
            )
        # Earlier memberships first, so a re-admission can point at its predecessor.
        ids = copy_rows(
            Membership,
            _MEMBERSHIP_COLUMNS,
            [tuple(getattr(m, c) for c in _MEMBERSHIP_COLUMNS) for m in memberships],
            with_ids=True,
            batch_size=batch_size,
        )
        for membership, pk in zip(memberships, ids, strict=True):
            membership.pk = pk
            membership._state.adding = False
        linked = []
        for membership, history in zip(memberships, histories, strict=True):
            if history.previous_index is not None:
                membership.previous = memberships[history.previous_index]
                linked.append(membership)
        if linked:
            Membership.objects.bulk_update(linked, ["previous"], batch_size=batch_size)
        actor_id = actor.pk if actor else None
        copy_rows(
            MemberEvent,
            ("membership_id", "kind", "on", "cell_id", "other_cell_id", "other_party", "ground",
             "cause", "actor_id"),
            [(pk, e.kind, e.on, e.cell_id, e.other_cell_id, e.other_party, e.ground, e.cause,
              actor_id)
             for pk, history in zip(ids, histories, strict=True) for e in history.events],
            batch_size=batch_size,
        )  # fmt: skip
        copy_rows(
            MemberPeriod,
            ("membership_id", "person_id", "cell_id", "standing", "exempted", "temp_cell_id",
             "valid_from", "valid_to"),
            [(m.pk, m.person_id, p.cell_id, p.standing, p.exempted, p.temp_cell_id, p.valid_from,
              p.valid_to)
             for m, result in zip(memberships, replays, strict=True) for p in result.periods],
            batch_size=batch_size,
        )  # fmt: skip
        if not aggregates:
            return memberships
        # The monthly aggregates (D39, D43), from the periods and admissions just written.
        delta = stats.contributions(stats.periods_of(m.pk for m in memberships))
        delta.update(stats.admission_contributions(stats.admissions_of(memberships)))
        stats.apply(delta)
        last_admissions.refresh(m.admission_cell_id for m in memberships if m.admission_cell_id)
    return memberships
