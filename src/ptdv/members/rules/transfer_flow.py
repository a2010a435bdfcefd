"""The steps of a transfer once started (DOMAIN §5.2): who takes each, from which states.

Declared once (STYLE §14 "one declaration per concept"): the services refuse a step these
rules refuse, and the transfer page and the API offer exactly the steps `open_steps` lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ptdv.members.rules.findings import day

PERMANENT = "permanent"
TEMPORARY = "temporary"

STARTED = "started"
SENT = "sent"
ACCEPTED = "accepted"
NOT_PRESENTED = "not_presented"
RETURNED = "returned"
CANCELLED = "cancelled"


class Side(StrEnum):
    SENDING = "sending"  # MEMBER_RECORD on the sending (home) cell
    RECEIVING = "receiving"  # MEMBER_RECORD on the receiving cell


@dataclass(frozen=True)
class FlowStep:
    code: str
    label: object  # lazy Vietnamese label
    side: Side
    states: frozenset[str]
    kinds: frozenset[str]
    needs_to_cell: bool = False


BOTH = frozenset({PERMANENT, TEMPORARY})

STEPS: dict[str, FlowStep] = {
    "issue-letter": FlowStep(
        "issue-letter",
        gettext_lazy("Cấp giấy giới thiệu"),
        Side.SENDING,
        frozenset({STARTED}),
        BOTH,
    ),
    "cancel": FlowStep(
        "cancel", gettext_lazy("Hủy chuyển sinh hoạt"), Side.SENDING, frozenset({STARTED}), BOTH
    ),
    "accept": FlowStep(
        "accept",
        gettext_lazy("Tiếp nhận đảng viên"),
        Side.RECEIVING,
        frozenset({SENT}),
        BOTH,
        needs_to_cell=True,
    ),
    "not-presented": FlowStep(
        "not-presented",
        gettext_lazy("Báo không xuất trình giấy giới thiệu"),
        Side.RECEIVING,
        frozenset({SENT}),
        frozenset({PERMANENT}),
        needs_to_cell=True,
    ),
    "return": FlowStep(
        "return",
        gettext_lazy("Ghi nhận trở lại sinh hoạt"),
        Side.SENDING,
        frozenset({SENT, ACCEPTED}),
        frozenset({TEMPORARY}),
    ),
}


def step_refusal(
    code: str,
    *,
    kind: str,
    state: str,
    has_to_cell: bool,
    closed: bool,
    present_due_on: date | None = None,
    on: date | None = None,
) -> str | None:
    """Return why step `code` may not be taken on a transfer in this state (None: it may);
    `on` is the step's date where it has one (the report of non-presentation)."""
    step = STEPS[code]
    if closed or state not in step.states:
        return _("Chuyển sinh hoạt này đang ở trạng thái không cho phép bước “%(step)s”.") % {
            "step": step.label
        }
    if kind not in step.kinds:
        return _("Bước “%(step)s” không áp dụng cho loại chuyển sinh hoạt này.") % {
            "step": step.label
        }
    if step.needs_to_cell and not has_to_cell:
        return _("Chuyển ra ngoài PTĐV: nơi đến không ghi bước “%(step)s” trong PTĐV.") % {
            "step": step.label
        }
    if code == "not-presented" and present_due_on is not None and on is not None:
        if on <= present_due_on:
            return _(
                "Hạn xuất trình giấy giới thiệu là %(due)s: chỉ báo không xuất trình sau ngày đó "
                "(30 ngày làm việc, TRANSFER-30WD)."
            ) % {"due": day(present_due_on)}
    return None


def open_steps(
    *,
    kind: str,
    state: str,
    has_to_cell: bool,
    closed: bool,
    present_due_on: date | None,
    today: date,
) -> list[str]:
    """Return the codes of the steps that may be taken today, in STEPS order."""
    return [
        code
        for code in STEPS
        if step_refusal(
            code,
            kind=kind,
            state=state,
            has_to_cell=has_to_cell,
            closed=closed,
            present_due_on=present_due_on,
            on=today,
        )
        is None
    ]
