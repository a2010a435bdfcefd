"""The public judgements of a case: check_step and case_findings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from ptdv.core.calendar import WorkCalendar
from ptdv.pipeline import actions as A
from ptdv.pipeline.actions import (
    CELL_APPROVED,
    DECIDED,
    PROBATION,
    RECOGNITION_CELL,
)
from ptdv.pipeline.actions import OPINIONS_STAGE as OPINIONS
from ptdv.pipeline.rules.base import (
    _INDEX,
    CONFIG,
    FAILED_VOTES_TO_ESCALATE,
    MIN_AGE_MONTHS,
    CaseFacts,
    Finding,
    MemberFacts,
    RulesConfig,
    Severity,
    StepFacts,
    _bool,
    _date,
    _int,
    add_months,
    is_over_60,
    months_between,
    official_date,
    turns_on,
)
from ptdv.pipeline.rules.calendar_days import day_off_findings
from ptdv.pipeline.rules.catalog import (
    _d,
    _finding,
)
from ptdv.pipeline.rules.deadlines import (
    _ceremony_findings,
    _decision_findings,
    _recognition_findings,
    due_dates,
)
from ptdv.pipeline.rules.eligibility import (
    _authority_findings,
    _eligibility_findings,
    _over60_findings,
)
from ptdv.pipeline.rules.introduction import (
    _introduction_findings,
    _member_findings,
)
from ptdv.pipeline.rules.readmission import (
    _readmission_findings,
)
from ptdv.pipeline.rules.state import (
    CaseState,
    _order_problems,
    _pre_committee,
    _problem_finding,
    _state,
)
from ptdv.pipeline.rules.timing import (
    certificate_after_meeting,
    late_extension,
    late_recognition_extension,
)
from ptdv.pipeline.rules.votes import (
    _escalation,
    _vote_findings,
)


@dataclass(frozen=True)
class _Step:
    """A step being judged, with everything its checks read."""

    facts: CaseFacts
    state: CaseState
    action: str
    on: date
    data: Mapping[str, Any]
    calendar: WorkCalendar
    members: Mapping[int, MemberFacts]
    config: RulesConfig


def _over60_consent(x: _Step) -> list[Finding]:
    if is_over_60(x.facts.birth_date, x.on, config=x.config):
        return []
    text = _("Người vào Đảng chưa trên 60 tuổi; văn bản đồng ý này không bắt buộc")
    return [_finding("AGE-MAX", x.on, text, Severity.INFO)]


def _self_review(x: _Step) -> list[Finding]:
    if x.state.ceremony_on is None:
        return []
    end = official_date(x.state.ceremony_on, config=x.config)
    if x.on >= end:
        return []
    text = _("Bản tự kiểm điểm được viết khi hết 12 tháng dự bị (ngày %(end)s)") % {"end": _d(end)}
    return [_finding("PROBATION-END", x.on, text, Severity.WARN)]


# The checks a step declares (actions.ActionSpec.checks), by name; a test checks every
# declared name is here.
CHECKS: dict[str, Callable[[_Step], list[Finding]]] = {
    "vote": lambda x: _vote_findings(x.facts, x.state, x.action, x.on, x.data, x.members, x.config),
    "mentor": lambda x: _member_findings(
        x.facts, x.data.get("mentor"), x.on, x.members, "MENTOR-OFFICIAL"
    ),
    "introduction": lambda x: _introduction_findings(
        x.facts, x.on, x.data, x.members, x.config, at_vote=False
    ),
    "readmission": lambda x: _readmission_findings(x.facts, x.on, x.config),
    "eligibility": lambda x: _eligibility_findings(x.facts, x.state, x.on, x.members, x.config),
    "over60_consent": _over60_consent,
    "authority": lambda x: _authority_findings(x.facts, x.on, x.data, x.config),
    "decision": lambda x: _decision_findings(x.facts, x.state, x.on, x.data, x.calendar, x.config),
    "ceremony": lambda x: _ceremony_findings(x.state, x.on, x.calendar, x.config),
    "self_review": _self_review,
    "recognition": lambda x: _recognition_findings(
        x.facts, x.state, x.action, x.on, x.data, x.calendar, x.config
    ),
    # Gaps found by the audit of issue 6 §5 (rules/timing.py).
    "certificate_timing": lambda x: certificate_after_meeting(x.state, x.on),
    "extension_in_time": lambda x: late_extension(x.state, x.on, x.calendar),
    "recognition_extension_in_time": lambda x: late_recognition_extension(
        x.state, x.on, x.calendar
    ),
}


def declared_facts(
    facts: CaseFacts, state: CaseState, pending: tuple[str, Mapping[str, Any]] | None = None
) -> CaseFacts:
    """Return the facts with what the case's own steps declare (EDU-MIN, READMIT).

    The lý lịch step records the education exception (difficult areas, fishermen …) and an
    equivalent diploma; the application records when a criminal record was cleared. The latest
    such step counts, including the one being judged (`pending`).
    """

    def value(action: str, name: str) -> Any:
        if pending is not None and pending[0] == action:
            return pending[1].get(name)
        return state.declared(action, name)

    changes: dict[str, Any] = {}
    if _bool(value(A.HISTORY, "education_exception"), False):
        changes["education_exception"] = True
    if _bool(value(A.HISTORY, "education_equivalent"), False):
        changes["education_equivalent"] = True
    cleared = _date(value(A.APPLICATION, "record_cleared_on"))
    readmission = facts.readmission
    if cleared is not None and readmission is not None and readmission.record_cleared_on is None:
        changes["readmission"] = replace(readmission, record_cleared_on=cleared)
    return replace(facts, **changes) if changes else facts


def check_step(
    facts: CaseFacts,
    action: str,
    occurred_on: date,
    data: Mapping[str, Any],
    *,
    today: date,
    calendar: WorkCalendar,
    members: Mapping[int, MemberFacts],
    config: RulesConfig = CONFIG,
    state: CaseState | None = None,
) -> list[Finding]:
    """Return everything the rules say about recording this step; any BLOCK refuses it.

    The order problems and the checks both come from the step's declaration in the catalogue.
    A failing vote is a fact and is recorded (its findings say it does not pass); the stage
    does not move. `state` is the case's state when the caller has it (else one replay).
    """
    s = _state(facts, state, config)
    on = occurred_on
    problems = _order_problems(facts, s, action, data, config)
    findings = [_problem_finding(x, action, on) for x in problems]
    findings += _date_findings(facts, action, on, data, today)
    spec = A.ACTIONS.get(action)
    if spec is None:
        return findings
    judged = declared_facts(facts, s, (action, data))
    step = _Step(judged, s, action, on, data, calendar, members, config)
    for name in spec.checks:
        findings += CHECKS[name](step)
    # Like the dates above, every step's day is judged: a day off warns (WORKING-DAY).
    findings += day_off_findings(action, on, calendar=calendar)
    return findings


def _date_findings(
    facts: CaseFacts, action: str, on: date, data: Mapping[str, Any], today: date
) -> list[Finding]:
    findings = []
    if on > today:
        findings.append(
            _finding(
                "DATE-FUTURE",
                on,
                _("Ngày %(day)s ở tương lai (hôm nay là %(today)s)")
                % {"day": _d(on), "today": _d(today)},
            )
        )
    spec = A.ACTIONS.get(action)
    for field_spec in spec.fields if spec else ():
        if field_spec.kind is not A.Kind.DATE:
            continue
        value = _date(data.get(field_spec.name))
        if value is not None and value > today:
            findings.append(
                _finding(
                    "DATE-FUTURE",
                    on,
                    _("%(label)s (%(day)s) ở tương lai")
                    % {"label": str(field_spec.label), "day": _d(value)},
                )
            )
    if facts.steps and on < facts.steps[-1].occurred_on:
        findings.append(
            _finding(
                "DATE-ORDER",
                on,
                _("Ngày %(day)s trước ngày của bước trước đó (%(previous)s)")
                % {"day": _d(on), "previous": _d(facts.steps[-1].occurred_on)},
            )
        )
    elif on < facts.opened_on:
        findings.append(
            _finding(
                "DATE-ORDER",
                on,
                _("Ngày %(day)s trước ngày lập hồ sơ (%(opened)s)")
                % {"day": _d(on), "opened": _d(facts.opened_on)},
            )
        )
    if action == A.DECISION:
        received = _date(data.get("received_on"))
        if received is not None and received < on:
            findings.append(
                _finding(
                    "DATE-ORDER",
                    on,
                    _("Ngày chi bộ nhận quyết định (%(received)s) trước ngày quyết định (%(day)s)")
                    % {"received": _d(received), "day": _d(on)},
                )
            )
    return findings


def case_findings(
    facts: CaseFacts,
    *,
    today: date,
    calendar: WorkCalendar,
    members: Mapping[int, MemberFacts],
    config: RulesConfig = CONFIG,
    state: CaseState | None = None,
) -> list[Finding]:
    """Return what the case page shows at any time: overdue deadlines and coming problems."""
    p = _state(facts, state, config)
    if p.closed:
        return []
    facts = declared_facts(facts, p)
    findings: list[Finding] = []
    for due in due_dates(facts, calendar=calendar, config=config, state=p):
        if due.due_on < today and due.rule_id != "PROBATION-END":
            findings.append(
                _finding(
                    due.rule_id,
                    today,
                    _("Quá hạn: %(label)s (%(due)s)") % {"label": due.label, "due": _d(due.due_on)},
                    Severity.WARN,
                )
            )
    birth = facts.birth_date
    before_vote = p.index < _INDEX[CELL_APPROVED]
    if before_vote:
        if months_between(birth, today, month_end=config.month_end) < MIN_AGE_MONTHS:
            findings.append(
                _finding(
                    "AGE-MIN",
                    today,
                    _("Chưa đủ 18 tuổi; chi bộ chỉ xét từ ngày %(day)s")
                    % {"day": _d(turns_on(birth, 18, config=config))},
                    Severity.INFO,
                )
            )
        if is_over_60(birth, today, config=config):
            if not p.has(A.OVER60_CONSENT):
                findings.append(
                    _finding(
                        "AGE-MAX",
                        today,
                        _("Đã trên 60 tuổi: cần Ban Thường vụ tỉnh ủy đồng ý bằng văn bản"),
                        Severity.WARN,
                    )
                )
        else:
            sixty = turns_on(birth, 60, config=config)
            if add_months(today, config.age_warning_months, month_end=config.month_end) >= sixty:
                findings.append(
                    _finding(
                        "AGE-MAX",
                        today,
                        _("Sắp đủ 60 tuổi (%(day)s): chi bộ cần xét trước ngày này")
                        % {"day": _d(sixty)},
                        Severity.WARN,
                    )
                )
        course = p.latest(A.COURSE)
        if course is not None:
            issued = _date(course.data.get("issued_on")) or course.occurred_on
            until = add_months(
                issued, config.certificate_validity_months, month_end=config.month_end
            )
            if until < today:
                findings.append(
                    _finding(
                        "CERT-VALID",
                        today,
                        _(
                            "Giấy chứng nhận lớp nhận thức về Đảng đã hết giá trị từ %(day)s: "
                            "cần học lại"
                        )
                        % {"day": _d(until + timedelta(days=1))},
                        Severity.WARN,
                    )
                )
            elif (
                add_months(today, config.certificate_warning_months, month_end=config.month_end)
                > until
            ):
                findings.append(
                    _finding(
                        "CERT-VALID",
                        today,
                        _("Giấy chứng nhận lớp nhận thức về Đảng còn giá trị đến %(day)s")
                        % {"day": _d(until)},
                        Severity.WARN,
                    )
                )
        findings += _readmission_findings(facts, today, config)
    elif p.index < _INDEX[DECIDED]:
        findings += _over60_findings(
            facts, p, today, config, at_decision=True, severity=Severity.WARN
        )
        if facts.is_readmission and not p.has(A.READMISSION_CONSENT):
            findings.append(
                _finding(
                    "READMIT",
                    today,
                    _("Kết nạp lại: chưa có văn bản đồng ý của Ban Thường vụ tỉnh ủy"),
                    Severity.WARN,
                )
            )
    # Three failed votes of one kind at the stage the case is still in.
    for vote, stage in (
        (A.CELL_VOTE, OPINIONS),
        (A.COMMITTEE_VOTE, _pre_committee(facts)),
        (A.RECOGNITION_CELL_VOTE, PROBATION),
        (A.RECOGNITION_COMMITTEE_VOTE, RECOGNITION_CELL),
    ):
        failures = p.failed.get(vote, 0)
        if p.stage == stage and failures >= FAILED_VOTES_TO_ESCALATE:
            findings.append(_escalation(vote, failures, today))
    if (
        not facts.cell_is_grassroots
        and p.stage == _pre_committee(facts)
        and p.failed.get(A.COMMITTEE_VOTE, 0)
        and p.failed.get(A.COMMITTEE_VOTE, 0) < FAILED_VOTES_TO_ESCALATE
    ):
        findings.append(
            _finding(
                "VOTE-GRASSROOTS",
                today,
                _(
                    "Đảng ủy cơ sở chưa đạt 2/3: báo cáo đầy đủ kết quả biểu quyết lên cấp ủy "
                    "cấp trên để xem xét, quyết định"
                ),
                Severity.WARN,
            )
        )
    # The current mentor must still be an official member of the cell.
    mentor_step = _current_mentor_step(p)
    if mentor_step is not None:
        pid = _int(mentor_step.data.get("mentor"))
        if pid is not None and pid in members:
            findings += _member_findings(
                facts, pid, today, members, "MENTOR-OFFICIAL", Severity.WARN
            )
    return findings


def _current_mentor_step(p: CaseState) -> StepFacts | None:
    steps = [
        s for a in (A.CANDIDATE_LISTED, A.MENTOR_ASSIGNED, A.CEREMONY) for s in p.seen.get(a, ())
    ]
    return max(steps, key=lambda s: s.seq) if steps else None
