"""The cell's marks on a member (decision D37): flags, not events — they change no count."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ptdv.access.models import User
from ptdv.members.models import Membership, Standing
from ptdv.members.services.events import _locked, _refuse, _save_membership

# The flags a cell sets on a member (not events: they change no count), with the history
# reason recorded when each is set and cleared.
FLAGS: dict[str, tuple[Any, Any]] = {
    "away_without_transfer": (
        gettext_lazy("Đánh dấu đi làm ăn xa chưa chuyển sinh hoạt"),
        gettext_lazy("Bỏ đánh dấu đi làm ăn xa"),
    ),
    "seriously_ill": (
        gettext_lazy("Đánh dấu ốm đau nặng"),
        gettext_lazy("Bỏ đánh dấu ốm đau nặng"),
    ),
}


def set_flag(
    *, membership: Membership, flag: str, value: bool, version: int | None, actor: User | None
) -> Membership:
    """The cell marks or unmarks a member (working away without a transfer: a watch-list flag;
    seriously ill: badges may be given early). Refused on a member who left the Party."""
    if flag not in FLAGS:
        raise _refuse(_("Không có đánh dấu này."), "flag")
    with transaction.atomic():
        locked = _locked(membership, version)
        if locked.status == Standing.LEFT and value:
            raise _refuse(_("Đảng viên đã ra khỏi Đảng; không đánh dấu được."), flag)
        if getattr(locked, flag) == value:
            return locked
        setattr(locked, flag, value)
        locked.version += 1
        set_reason, clear_reason = FLAGS[flag]
        _save_membership(locked, actor, str(set_reason if value else clear_reason))
    return locked


def set_away_flag(
    *, membership: Membership, away: bool, version: int, actor: User | None
) -> Membership:
    """The cell marks a member working away without a transfer (a watch-list flag)."""
    return set_flag(
        membership=membership,
        flag="away_without_transfer",
        value=away,
        version=version,
        actor=actor,
    )
