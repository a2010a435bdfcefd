"""The registry's items for the alerts digest (D42): transfers' deadlines (the same dues as
"Việc cần làm", D34), the watch lists (D35) and the badges of the next presentation day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ptdv.alerts.providers import horizon_days
from ptdv.alerts.rules import Item
from ptdv.members import watch
from ptdv.members.lists import member_roots_for
from ptdv.members.models import Membership, Transfer
from ptdv.members.rules import badges as badge_rules
from ptdv.members.rules import transfers as transfer_rules
from ptdv.members.rules import watch as watch_rules
from ptdv.members.transfer_selectors import DueKind, transfer_dues_for_user


def transfer_items(user: Any, today: date) -> Iterator[Item]:
    """Yield the transfers' due letters, presentations and returns in the user's scope
    (`transfer_dues_for_user`, one query)."""
    for due in transfer_dues_for_user(user, today=today, within_days=horizon_days()):
        temporary = due.kind == DueKind.RETURN or due.transfer.kind == Transfer.Kind.TEMPORARY
        yield Item(
            source="members.transfer",
            key=f"{due.transfer.pk}:{due.kind}",
            topic=_("Chuyển sinh hoạt đảng"),
            subject=due.transfer.membership.person.full_name,
            unit=due.cell.label,
            what=due.label,
            due_on=due.due_on,
            basis=(
                transfer_rules.TEMPORARY_REFERENCE
                if temporary
                else transfer_rules.PERMANENT_REFERENCE
            ),
            url=reverse("transfers:detail", args=[due.transfer.pk]),
        )


def _member(m: Membership, **fields: Any) -> Item:
    return Item(
        subject=m.person.full_name,
        unit=m.cell.label,
        url=reverse("members:detail", args=[m.pk]),
        **fields,
    )


def watch_items(user: Any, today: date) -> Iterator[Item]:
    """Yield the watch lists of the units the user sees members of: removal grounds and
    members working away (at risk), probation ending (due on its last day), and the badges
    of the next presentation day. Temporary transfers past their end come from
    `transfer_items` (the same transfers), not twice. A fixed number of queries per unit."""
    topic = _("Danh sách cần theo dõi")
    for root in member_roots_for(user):
        lists = watch.watch_lists(root, today)
        for row in lists.removal:
            yield _member(
                row.membership,
                source="members.removal",
                key=f"{row.membership.pk}:{row.reason}",
                topic=topic,
                what=row.reason,
                basis=watch_rules.REMOVAL_REFERENCE,
                at_risk=True,
            )
        for row in lists.probation_ending:
            yield _member(
                row.membership,
                source="members.probation",
                key=str(row.membership.pk),
                topic=topic,
                what=_("Hết 12 tháng dự bị; chi bộ xét công nhận đảng viên chính thức"),
                due_on=row.on,
            )
        for row in lists.away:
            yield _member(
                row.membership,
                source="members.away",
                key=str(row.membership.pk),
                topic=topic,
                what=_("Đi làm ăn xa chưa làm thủ tục chuyển sinh hoạt đảng"),
                at_risk=True,
            )
        for badge in watch.badges_for(root, *watch.next_batch(today), today):
            due = badge.due
            yield _member(
                badge.membership,
                source="members.badge",
                key=f"{badge.membership.pk}:{due.milestone}",
                topic=_("Huy hiệu Đảng"),
                what=_("Đề nghị tặng Huy hiệu %(n)s năm tuổi Đảng") % {"n": due.milestone}
                + (_(" (truy tặng)") if due.posthumous else ""),
                due_on=due.presentation_day,
                basis=badge_rules.REFERENCE,
            )
