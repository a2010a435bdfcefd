"""Writes of the member registry. Every write is one transaction that appends events and
rewrites what derives from them (decision D29)."""

from ptdv.members.services.events import (
    MemberInvalid,
    admit_member,
    correct_event,
    end_membership,
    enter_existing_member,
    rebuild_all,
    rebuild_membership,
    recognise_member,
    record_event,
    update_card,
)
from ptdv.members.services.flags import set_away_flag, set_flag
from ptdv.members.services.reorganise import merge_cells  # noqa: E402

__all__ = [
    "merge_cells",
    "MemberInvalid",
    "admit_member",
    "correct_event",
    "end_membership",
    "enter_existing_member",
    "rebuild_all",
    "rebuild_membership",
    "recognise_member",
    "record_event",
    "set_away_flag",
    "set_flag",
    "update_card",
]
