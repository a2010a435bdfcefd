"""Reads of transfers for both sides (decision D34).

A transfer is registered as scoped by its sending cell (members.apps), but the receiving unit
must see the transfers addressed to its cells while the membership is still the sender's: a
transfer is visible where its sending OR its receiving cell is in the user's scope, and each
side's steps are allowed by the policy on that side's cell. Anything else answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ptdv.access import policy
from ptdv.access.policy import Action
from ptdv.core.text import prefix_upper_bound
from ptdv.members.models import Membership, Transfer
from ptdv.members.rules import transfer_flow as flow
from ptdv.orgs.models import Org

_RELATED = ("membership__person", "from_cell", "to_cell")


def _orgs(user: Any, action: Action) -> QuerySet[Org]:
    return policy.scope(user, Org.objects.all(), action)


def _under(prefix: str, org: Org) -> Q:
    return Q(
        **{f"{prefix}__path__gte": org.path, f"{prefix}__path__lt": prefix_upper_bound(org.path)}
    )


def transfers_for_user(user: Any, action: Action = Action.MEMBER_VIEW) -> QuerySet[Transfer]:
    """Return the transfers whose sending or receiving cell the user may act on (action)."""
    orgs = _orgs(user, action)
    return Transfer.objects.filter(Q(from_cell__in=orgs) | Q(to_cell__in=orgs))


def get_transfer(user: Any, pk: Any) -> Transfer:
    """Return one transfer visible to the user (either side), or 404."""
    try:
        return transfers_for_user(user).select_related(*_RELATED).get(pk=pk)
    except (Transfer.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def membership_to_transfer(user: Any, pk: Any) -> Membership:
    """Return a membership whose cell the user may record transfers for, or 404."""
    return policy.get_for_user_or_404(
        user, Membership.objects.select_related("person", "cell"), Action.MEMBER_RECORD, pk=pk
    )


def outgoing_for_unit(user: Any, org: Org) -> QuerySet[Transfer]:
    """Return the transfers sent from cells under `org` that the user may see, newest first."""
    qs = policy.scope(user, Transfer.objects.all(), Action.MEMBER_VIEW).filter(
        _under("from_cell", org)
    )
    return qs.select_related(*_RELATED).order_by("-trigger_on", "-pk")


def incoming_for_unit(user: Any, org: Org) -> QuerySet[Transfer]:
    """Return the transfers addressed to cells under `org` in the user's scope, newest first."""
    qs = Transfer.objects.filter(to_cell__in=_orgs(user, Action.MEMBER_VIEW)).filter(
        _under("to_cell", org)
    )
    return qs.select_related(*_RELATED).order_by("-trigger_on", "-pk")


@dataclass(frozen=True)
class TransferStep:
    code: str
    label: str


@dataclass(frozen=True)
class TransferPage:
    transfer: Transfer
    steps: list[TransferStep]  # the next steps this user may take today
    waiting: str  # who acts next, when this user may not


def transfer_steps(user: Any, transfer: Transfer, *, today: date) -> list[TransferStep]:
    """Return the steps the user may take on the transfer today (rules.transfer_flow)."""
    codes = flow.open_steps(
        kind=transfer.kind,
        state=transfer.state,
        has_to_cell=transfer.to_cell_id is not None,
        closed=transfer.closed_on is not None,
        present_due_on=transfer.present_due_on,
        today=today,
    )
    steps = []
    for code in codes:
        step = flow.STEPS[code]
        org = transfer.from_cell if step.side == flow.Side.SENDING else transfer.to_cell
        if org is not None and policy.can(user, Action.MEMBER_RECORD, org):
            steps.append(TransferStep(code, str(step.label)))
    return steps


def transfer_page(user: Any, transfer: Transfer, *, today: date) -> TransferPage:
    """Return what the transfer page shows: the transfer, this user's steps, who acts next."""
    steps = transfer_steps(user, transfer, today=today)
    waiting = ""
    if not steps and transfer.closed_on is None:
        if transfer.state == Transfer.State.STARTED:
            waiting = _("Chờ chi bộ chuyển đi cấp giấy giới thiệu.")
        elif transfer.state == Transfer.State.SENT and transfer.to_cell_id is not None:
            waiting = _("Chờ chi bộ chuyển đến tiếp nhận.")
        elif transfer.kind == Transfer.Kind.TEMPORARY:
            waiting = _("Chờ đảng viên trở lại sinh hoạt tại chi bộ.")
    return TransferPage(transfer=transfer, steps=steps, waiting=waiting)


# --- Việc cần làm -----------------------------------------------------------------------


class DueKind:
    LETTER = "letter"  # the sending cell must issue the letter (TRANSFER-60WD)
    PRESENT = "present"  # the receiving cell waits for the letter (TRANSFER-30WD)
    RETURN = "return"  # a temporary transfer past its planned end (home cell)


DUE_LABELS = {
    DueKind.LETTER: gettext_lazy("Làm thủ tục chuyển sinh hoạt trong 60 ngày làm việc"),
    DueKind.PRESENT: gettext_lazy("Đảng viên xuất trình giấy giới thiệu trong 30 ngày làm việc"),
    DueKind.RETURN: gettext_lazy("Chuyển sinh hoạt tạm thời đến ngày dự kiến trở về"),
}


@dataclass(frozen=True)
class TransferDue:
    transfer: Transfer
    kind: str
    due_on: date
    days: int  # negative: overdue by that many days

    @property
    def label(self) -> str:
        return str(DUE_LABELS[self.kind])

    @property
    def cell(self) -> Org:
        """The cell that acts: the receiving one for the letter's presentation."""
        if self.kind == DueKind.PRESENT:
            assert self.transfer.to_cell is not None
            return self.transfer.to_cell
        return self.transfer.from_cell

    @property
    def overdue_days(self) -> int:
        return -self.days


def transfer_dues_for_user(user: Any, *, today: date, within_days: int = 30) -> list[TransferDue]:
    """Return the transfer due dates in the user's scope up to `within_days` from today,
    overdue first (one query): letters due (sending cell), letters awaiting presentation or
    acceptance (receiving cell), temporary transfers reaching their planned end (home cell)."""
    horizon = today + timedelta(days=within_days)
    orgs = _orgs(user, Action.MEMBER_VIEW)
    letter = Q(state=Transfer.State.STARTED, letter_due_on__lte=horizon, from_cell__in=orgs)
    present = Q(
        state=Transfer.State.SENT,
        to_cell__isnull=False,
        present_due_on__lte=horizon,
        to_cell__in=orgs,
    )
    back = Q(
        kind=Transfer.Kind.TEMPORARY,
        state__in=[Transfer.State.SENT, Transfer.State.ACCEPTED],
        closed_on__isnull=True,
        planned_end_on__lte=horizon,
        from_cell__in=orgs,
    )
    rows = Transfer.objects.filter(letter | present | back).select_related(*_RELATED)
    dues: list[TransferDue] = []

    def sees(org: Org | None) -> bool:
        return org is not None and policy.can_at_path(user, Action.MEMBER_VIEW, org.path)

    for t in rows:
        found: list[tuple[str, date | None]] = []
        if t.state == Transfer.State.STARTED and sees(t.from_cell):
            found.append((DueKind.LETTER, t.letter_due_on))
        if t.state == Transfer.State.SENT and sees(t.to_cell):
            found.append((DueKind.PRESENT, t.present_due_on))
        if t.kind == Transfer.Kind.TEMPORARY and t.closed_on is None and sees(t.from_cell):
            if t.state in (Transfer.State.SENT, Transfer.State.ACCEPTED):
                found.append((DueKind.RETURN, t.planned_end_on))
        for kind, due_on in found:
            if due_on is not None and due_on <= horizon:
                dues.append(TransferDue(t, kind, due_on, (due_on - today).days))
    dues.sort(key=lambda d: (d.due_on, d.transfer.pk, d.kind))
    return dues
