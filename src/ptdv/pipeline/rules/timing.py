"""Dates that must fall before others: the meeting that judges age and the deciding level, the
awareness certificate before that meeting, and an extension before the deadline it extends.

Rule gaps found by the audit of issue 6 §5, kept apart from the state machine so that they read
the case's state without changing it; the catalogue declares which step each judges.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from ptdv.core.calendar import WorkCalendar
from ptdv.pipeline import actions as A
from ptdv.pipeline.rules.base import (
    DECIDE_WORKING_DAYS,
    RECOGNITION_DECISION_WORKING_DAYS,
    CaseFacts,
    Finding,
    RulesConfig,
    Severity,
    _date,
)
from ptdv.pipeline.rules.catalog import _d, _finding
from ptdv.pipeline.rules.state import CaseState, _state


def age_judged_on(
    facts: CaseFacts, on: date, *, config: RulesConfig, state: CaseState | None = None
) -> date:
    """Return the day that judges the candidate's age for AGE-MAX and for the deciding level.

    DOMAIN §3.1 and §1.2 item 5: age is checked on the cell meeting date, so the latest cell
    resolution proposing admission judges both the over-60 consent and whether the province
    level decides. Before that meeting, `on` (the day asked about) stands in for it.
    """
    meeting = _state(facts, state, config).cell_vote_on
    return meeting if meeting is not None else on


def certificate_after_meeting(p: CaseState, meeting: date) -> list[Finding]:
    """CERT-VALID: the awareness course is completed before the file is considered (DOMAIN §2
    stage 2 [R], 12-HD/BTCTW file list (a)); a certificate issued after the meeting was not
    in the file the cell voted on."""
    course = p.latest(A.COURSE)
    if course is None:
        return []  # CERT-VALID's "no certificate" finding covers it
    issued = _date(course.data.get("issued_on")) or course.occurred_on
    if issued <= meeting:
        return []
    return [
        _finding(
            "CERT-VALID",
            meeting,
            _(
                "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng cấp ngày %(issued)s, sau "
                "ngày chi bộ xét (%(meeting)s): chưa có trong hồ sơ khi chi bộ xét"
            )
            % {"issued": _d(issued), "meeting": _d(meeting)},
        )
    ]


def late_extension(p: CaseState, on: date, calendar: WorkCalendar) -> list[Finding]:
    """DECIDE-60WD: an extension (+ up to 30 working days, "special cases") prolongs a period
    that is still running (DOMAIN §2 stage 11, 4.3.1); once the 60 working days from the cell's
    resolution have passed it extends nothing, and accepting it would hide the lateness."""
    if p.cell_vote_on is None:
        return []  # the order rules already refuse an extension before the cell's resolution
    due = calendar.add_working_days(p.cell_vote_on, DECIDE_WORKING_DAYS)
    if on <= due:
        return []
    return [
        _finding(
            "DECIDE-60WD",
            on,
            _(
                "Không gia hạn được: thời hạn 60 ngày làm việc kể từ nghị quyết chi bộ "
                "(%(vote)s) đã hết ngày %(due)s; quyết định sau hạn được ghi nhận là quá hạn"
            )
            % {"vote": _d(p.cell_vote_on), "due": _d(due)},
            Severity.BLOCK,
        )
    ]


def late_recognition_extension(p: CaseState, on: date, calendar: WorkCalendar) -> list[Finding]:
    """RECOG-DECIDE-30WD: the same for the recognition decision (30 working days, DOMAIN §4)."""
    if p.recognition_cell_on is None:
        return []
    due = calendar.add_working_days(p.recognition_cell_on, RECOGNITION_DECISION_WORKING_DAYS)
    if on <= due:
        return []
    return [
        _finding(
            "RECOG-DECIDE-30WD",
            on,
            _(
                "Không gia hạn được: thời hạn 30 ngày làm việc kể từ nghị quyết chi bộ đề nghị "
                "công nhận (%(vote)s) đã hết ngày %(due)s; quyết định sau hạn được ghi nhận là "
                "quá hạn"
            )
            % {"vote": _d(p.recognition_cell_on), "due": _d(due)},
            Severity.BLOCK,
        )
    ]
