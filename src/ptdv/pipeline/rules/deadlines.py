"""The decision, ceremony and recognition deadlines, and the open due dates of a case."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ptdv.core.calendar import WorkCalendar
from ptdv.pipeline import actions as A
from ptdv.pipeline.actions import (
    DECIDED,
    PROBATION,
    RECOGNITION_CELL,
)
from ptdv.pipeline.rules.base import (
    _INDEX,
    CEREMONY_WORKING_DAYS,
    CONFIG,
    DECIDE_WORKING_DAYS,
    EXTENSION_WORKING_DAYS,
    RECOGNITION_DECISION_WORKING_DAYS,
    RECOGNITION_WORKING_DAYS,
    CaseFacts,
    Due,
    Finding,
    RulesConfig,
    Severity,
    _bool,
    official_date,
)
from ptdv.pipeline.rules.catalog import (
    _d,
    _finding,
)
from ptdv.pipeline.rules.eligibility import (
    _over60_findings,
)
from ptdv.pipeline.rules.state import (
    CaseState,
    _state,
)


def _decision_findings(
    facts: CaseFacts,
    p: CaseState,
    on: date,
    data: Mapping[str, Any],
    calendar: WorkCalendar,
    config: RulesConfig,
) -> list[Finding]:
    findings: list[Finding] = []
    if p.cell_vote_on is not None:
        due = _decision_due(p, calendar)
        if on > due:
            findings.append(
                _finding(
                    "DECIDE-60WD",
                    on,
                    _("Quyết định sau thời hạn (hạn %(due)s, tính từ nghị quyết chi bộ %(vote)s)")
                    % {"due": _d(due), "vote": _d(p.cell_vote_on)},
                )
            )
    if not _bool(data.get("admitted"), True):
        return findings
    findings += _over60_findings(facts, p, on, config, at_decision=True)
    if facts.is_readmission and not any(
        s.occurred_on <= on for s in p.seen.get(A.READMISSION_CONSENT, ())
    ):
        findings.append(
            _finding(
                "READMIT",
                on,
                _("Kết nạp lại cần văn bản đồng ý của Ban Thường vụ tỉnh ủy trước khi quyết định"),
            )
        )
    return findings


def _decision_due(p: CaseState, calendar: WorkCalendar) -> date:
    assert p.cell_vote_on is not None
    days = DECIDE_WORKING_DAYS + (EXTENSION_WORKING_DAYS if p.has(A.EXTENSION) else 0)
    return calendar.add_working_days(p.cell_vote_on, days)


def _ceremony_findings(
    p: CaseState, on: date, calendar: WorkCalendar, config: RulesConfig
) -> list[Finding]:
    if p.received_on is None:
        return []
    findings = []
    if on < p.received_on:
        findings.append(
            _finding(
                "DATE-ORDER",
                on,
                _("Lễ kết nạp (%(day)s) trước ngày chi bộ nhận quyết định (%(received)s)")
                % {"day": _d(on), "received": _d(p.received_on)},
            )
        )
    due = calendar.add_working_days(p.received_on, CEREMONY_WORKING_DAYS)
    if on > due:
        if p.has(A.CEREMONY_CONSENT):
            findings.append(
                _finding(
                    "CEREMONY-30WD",
                    on,
                    _("Lễ kết nạp sau hạn %(due)s, đã có văn bản đồng ý của cấp ủy cấp trên")
                    % {"due": _d(due)},
                    Severity.INFO,
                )
            )
        else:
            findings.append(
                _finding(
                    "CEREMONY-30WD",
                    on,
                    _(
                        "Quá 30 ngày làm việc kể từ ngày nhận quyết định (hạn %(due)s): cần văn "
                        "bản đồng ý của cấp ủy cấp trên trực tiếp"
                    )
                    % {"due": _d(due)},
                )
            )
    findings.append(
        _finding(
            "PROBATION-END",
            on,
            _("Thời hạn dự bị 12 tháng, hết ngày %(end)s")
            % {"end": _d(official_date(on, config=config))},
        )
    )
    return findings


def _recognition_findings(
    facts: CaseFacts,
    p: CaseState,
    action: str,
    on: date,
    data: Mapping[str, Any],
    calendar: WorkCalendar,
    config: RulesConfig,
) -> list[Finding]:
    if p.ceremony_on is None:
        return []
    end = official_date(p.ceremony_on, config=config)
    findings = []
    recognising = action == A.RECOGNITION_CELL_VOTE or _bool(data.get("recognised"), True)
    if recognising and on <= end:
        findings.append(
            _finding(
                "RECOG-30WD",
                on,
                _("Chỉ xét công nhận đảng viên chính thức sau khi hết 12 tháng dự bị (%(end)s)")
                % {"end": _d(end)},
            )
        )
    if action == A.RECOGNITION_CELL_VOTE:
        due = calendar.add_working_days(end, RECOGNITION_WORKING_DAYS)
        if on > due:
            findings.append(
                _finding(
                    "RECOG-30WD",
                    on,
                    _("Chi bộ xét công nhận sau hạn 30 ngày làm việc (hạn %(due)s)")
                    % {"due": _d(due)},
                    Severity.WARN,
                )
            )
        return findings
    if p.recognition_cell_on is not None:
        due = _recognition_decision_due(p, calendar)
        if on > due:
            findings.append(
                _finding(
                    "RECOG-DECIDE-30WD",
                    on,
                    _(
                        "Quyết định công nhận sau hạn (hạn %(due)s, tính từ nghị quyết chi bộ "
                        "%(vote)s)"
                    )
                    % {"due": _d(due), "vote": _d(p.recognition_cell_on)},
                )
            )
    if recognising:
        findings.append(
            _finding(
                "RECOG-DATE",
                on,
                _("Ngày chính thức: %(end)s (đủ 12 tháng kể từ lễ kết nạp %(ceremony)s)")
                % {"end": _d(end), "ceremony": _d(p.ceremony_on)},
            )
        )
    return findings


def _recognition_decision_due(p: CaseState, calendar: WorkCalendar) -> date:
    assert p.recognition_cell_on is not None
    days = RECOGNITION_DECISION_WORKING_DAYS + (
        EXTENSION_WORKING_DAYS if p.has(A.RECOGNITION_EXTENSION) else 0
    )
    return calendar.add_working_days(p.recognition_cell_on, days)


def due_dates(
    facts: CaseFacts,
    *,
    calendar: WorkCalendar,
    config: RulesConfig = CONFIG,
    state: CaseState | None = None,
) -> list[Due]:
    """Return the case's open deadlines (not yet met), earliest first."""
    p = _state(facts, state, config)
    if p.closed:
        return []
    dues: list[Due] = []
    if p.cell_vote_on is not None and p.index < _INDEX[DECIDED]:
        dues.append(Due("DECIDE-60WD", _decision_due(p, calendar), _("Hạn quyết định kết nạp")))
    if p.received_on is not None and p.index < _INDEX[PROBATION]:
        dues.append(
            Due(
                "CEREMONY-30WD",
                calendar.add_working_days(p.received_on, CEREMONY_WORKING_DAYS),
                _("Hạn tổ chức lễ kết nạp"),
            )
        )
    if p.ceremony_on is not None:
        end = official_date(p.ceremony_on, config=config)
        if p.index < _INDEX[RECOGNITION_CELL]:
            dues.append(Due("PROBATION-END", end, _("Hết thời hạn dự bị"), deadline=False))
            dues.append(
                Due(
                    "RECOG-30WD",
                    calendar.add_working_days(end, RECOGNITION_WORKING_DAYS),
                    _("Hạn chi bộ xét công nhận đảng viên chính thức"),
                )
            )
    if p.recognition_cell_on is not None:
        dues.append(
            Due(
                "RECOG-DECIDE-30WD",
                _recognition_decision_due(p, calendar),
                _("Hạn quyết định công nhận đảng viên chính thức"),
            )
        )
    return sorted(dues, key=lambda due: (due.due_on, due.rule_id))
