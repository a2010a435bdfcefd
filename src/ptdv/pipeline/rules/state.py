"""The walk over a case's steps: the stage reached, the order of steps, what may come next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ptdv.pipeline import actions as A
from ptdv.pipeline.actions import Label
from ptdv.pipeline.rules.base import (
    _CANDIDATE_EXITS,
    _INDEX,
    _PROBATION_EXITS,
    APPRAISED,
    CANDIDATE,
    CELL_APPROVED,
    COMMITTEE_APPROVED,
    CONFIG,
    DECIDED,
    DOSSIER,
    EXITED,
    FAILED_VOTES_TO_ESCALATE,
    INTRODUCED,
    MAX_AGE_MONTHS,
    OFFICIAL,
    OPINIONS,
    OUTCOME_OFFICIAL,
    OUTCOME_OPEN,
    OUTCOME_PROBATION_DELETED,
    OUTCOME_REFUSED,
    OUTCOME_REJECTED,
    PROBATION,
    RECOGNITION_CELL,
    RECOGNITION_COMMITTEE,
    SOURCE,
    STAGES,
    TRAINED,
    VERIFIED,
    CaseFacts,
    Finding,
    RulesConfig,
    Severity,
    StepFacts,
    _bool,
    _date,
    _int,
    _passes,
    is_over_60,
    months_between,
)
from ptdv.pipeline.rules.catalog import (
    _finding,
)

# --- the walk over the steps --------------------------------------------------------------------

VOTE_ACTIONS = frozenset(
    {A.CELL_VOTE, A.COMMITTEE_VOTE, A.RECOGNITION_CELL_VOTE, A.RECOGNITION_COMMITTEE_VOTE}
)
_PROBATION_FILE = (A.NEW_MEMBER_COURSE, A.SELF_REVIEW, A.MENTOR_ASSESSMENT, A.PROBATION_OPINIONS)
# The step that takes a case into each stage (for "missing step" messages).
_GATE_ACTION = {
    TRAINED: A.COURSE,
    CANDIDATE: A.CANDIDATE_LISTED,
    VERIFIED: A.VERIFIED,
    INTRODUCED: A.INTRODUCED,
    OPINIONS: A.OPINIONS,
    CELL_APPROVED: A.CELL_VOTE,
    APPRAISED: A.APPRAISAL,
    COMMITTEE_APPROVED: A.COMMITTEE_VOTE,
    DECIDED: A.DECISION,
    PROBATION: A.CEREMONY,
    RECOGNITION_CELL: A.RECOGNITION_CELL_VOTE,
    RECOGNITION_COMMITTEE: A.RECOGNITION_COMMITTEE_VOTE,
    OFFICIAL: A.RECOGNITION_DECISION,
}
# The rule that names a missing gate (default ORDER).
_GATE_RULE = {
    VERIFIED: "VERIFY",
    INTRODUCED: "INTRO",
    CELL_APPROVED: "VOTE-CELL",
    COMMITTEE_APPROVED: "VOTE-GRASSROOTS",
    RECOGNITION_CELL: "VOTE-CELL",
    RECOGNITION_COMMITTEE: "VOTE-GRASSROOTS",
}


@dataclass
class _Progress:
    """What the accepted steps of a case add up to."""

    stage: str
    since: date
    outcome: str = OUTCOME_OPEN
    closed: bool = False
    seen: dict[str, list[StepFacts]] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    last_on: date | None = None
    cell_vote_on: date | None = None  # the cell resolution proposing admission
    decision_on: date | None = None
    received_on: date | None = None
    ceremony_on: date | None = None
    recognition_cell_on: date | None = None  # the cell resolution proposing recognition

    @property
    def index(self) -> int:
        return _INDEX[self.stage]

    def has(self, action: str) -> bool:
        return bool(self.seen.get(action))

    def latest(self, action: str) -> StepFacts | None:
        steps = self.seen.get(action)
        return steps[-1] if steps else None

    def advance(self, stage: str, on: date) -> None:
        if _INDEX[stage] > self.index:
            self.stage, self.since = stage, on


def _expects_appraisal(facts: CaseFacts) -> bool:
    # A chi bộ cơ sở sits directly under the superior: no đảng ủy bộ phận above it.
    return facts.has_sub_committee and not facts.cell_is_grassroots


def _path(facts: CaseFacts) -> tuple[str, ...]:
    """Return the stages this case passes through, in order (EXITED excluded)."""
    skip = {EXITED}
    if not _expects_appraisal(facts):
        skip.add(APPRAISED)
    if facts.cell_is_grassroots:
        skip |= {COMMITTEE_APPROVED, RECOGNITION_COMMITTEE}
    return tuple(s for s in STAGES if s not in skip)


def _next_stage(facts: CaseFacts, stage: str) -> str:
    path = _path(facts)
    position = path.index(stage)
    return path[min(position + 1, len(path) - 1)]


def _pre_committee(facts: CaseFacts) -> str:
    return APPRAISED if _expects_appraisal(facts) else CELL_APPROVED


def _progress(facts: CaseFacts, config: RulesConfig) -> _Progress:
    """Return the progress of the case: each step in order, ignoring any that was out of order.

    A step counts only if it would have been accepted in order (check_step refuses the others,
    so for stored steps this is a safety net, and it keeps derive_stage and check_step agreeing).
    """
    progress = _Progress(stage=SOURCE, since=facts.opened_on)
    for step in facts.steps:
        if progress.closed or _order_problems(facts, progress, step.action, step.data, config):
            continue
        _apply(facts, progress, step)
    return progress


def _apply(facts: CaseFacts, p: _Progress, step: StepFacts) -> None:
    action, on, data = step.action, step.occurred_on, step.data
    p.seen.setdefault(action, []).append(step)
    p.last_on = on
    if action in VOTE_ACTIONS and not _passes(data):
        p.failed[action] = p.failed.get(action, 0) + 1
    if action == A.EXIT:
        p.stage, p.since, p.closed = EXITED, on, True
        p.outcome = str(data.get("outcome") or "withdrawn")
    elif action == A.COURSE:
        p.advance(TRAINED, on)
    elif action == A.CANDIDATE_LISTED:
        p.advance(CANDIDATE, on)
    elif action in (A.APPLICATION, A.HISTORY):
        if p.stage == CANDIDATE and p.has(A.APPLICATION) and p.has(A.HISTORY):
            p.advance(DOSSIER, on)
    elif action == A.VERIFIED:
        if p.stage == DOSSIER and _bool(data.get("satisfactory"), False):
            p.advance(VERIFIED, on)
    elif action == A.INTRODUCED:
        p.advance(INTRODUCED, on)
    elif action == A.OPINIONS:
        p.advance(OPINIONS, on)
    elif action == A.CELL_VOTE and _passes(data):
        p.advance(CELL_APPROVED, on)
        p.cell_vote_on = on
    elif action == A.APPRAISAL:
        p.advance(APPRAISED, on)
    elif action == A.COMMITTEE_VOTE and _passes(data):
        p.advance(COMMITTEE_APPROVED, on)
    elif action == A.DECISION:
        if _bool(data.get("admitted"), True):
            p.advance(DECIDED, on)
            p.decision_on = on
            p.received_on = _date(data.get("received_on")) or on
        else:
            p.stage, p.since, p.closed, p.outcome = EXITED, on, True, OUTCOME_REFUSED
    elif action == A.CEREMONY:
        p.advance(PROBATION, on)
        p.ceremony_on = on
    elif action == A.RECOGNITION_CELL_VOTE and _passes(data):
        p.advance(RECOGNITION_CELL, on)
        p.recognition_cell_on = on
    elif action == A.RECOGNITION_COMMITTEE_VOTE and _passes(data):
        p.advance(RECOGNITION_COMMITTEE, on)
    elif action == A.RECOGNITION_DECISION:
        if _bool(data.get("recognised"), True):
            p.stage, p.since, p.closed, p.outcome = OFFICIAL, on, True, OUTCOME_OFFICIAL
        else:
            p.stage, p.since, p.closed = EXITED, on, True
            p.outcome = OUTCOME_PROBATION_DELETED


# --- order and prerequisites ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    rule_id: str
    # missing | done | too_late | closed | not_applicable | once | exit | same_cell | unknown
    kind: str
    subject: str = ""  # the missing action code, or the stage reached, or the exit outcome


def _order_problems(
    facts: CaseFacts, p: _Progress, action: str, data: Mapping[str, Any], config: RulesConfig
) -> list[_Problem]:
    """Return why `action` cannot be recorded in the case's current state (empty: it can)."""
    if action not in A.ACTIONS:
        return [_Problem("ORDER", "unknown", action)]
    if p.closed:
        return [_Problem("ORDER", "closed", p.stage)]
    i = p.index
    problems: list[_Problem] = []

    def need(stage: str) -> bool:
        """Add the first missing step on the way to `stage`; return whether it is reached."""
        if i >= _INDEX[stage]:
            return True
        gate = _next_stage(facts, p.stage)
        if gate == DOSSIER:
            problems.extend(
                _Problem("ORDER", "missing", a) for a in (A.APPLICATION, A.HISTORY) if not p.has(a)
            )
        elif gate == VERIFIED and not p.has(A.VERIFY_REQUESTED):
            problems.append(_Problem("VERIFY", "missing", A.VERIFY_REQUESTED))
        else:
            problems.append(_Problem(_GATE_RULE.get(gate, "ORDER"), "missing", _GATE_ACTION[gate]))
        return False

    def before(stage: str) -> None:
        if i >= _INDEX[stage]:
            problems.append(_Problem("ORDER", "too_late", p.stage))

    def done(stage: str) -> None:
        if i >= _INDEX[stage]:
            problems.append(_Problem("ORDER", "done", p.stage))

    def escalated(vote: str) -> bool:
        return (
            config.recognition_failures_go_up and p.failed.get(vote, 0) >= FAILED_VOTES_TO_ESCALATE
        )

    def probation_file() -> None:
        for doc in _PROBATION_FILE:
            if not p.has(doc):
                rule = "NEW-MEMBER-COURSE" if doc == A.NEW_MEMBER_COURSE else "ORDER"
                problems.append(_Problem(rule, "missing", doc))

    if action == A.OPEN:
        if facts.steps:
            problems.append(_Problem("ORDER", "done", p.stage))
    elif action == A.EXIT:
        outcome = data.get("outcome")
        allowed = _PROBATION_EXITS if i >= _INDEX[PROBATION] else _CANDIDATE_EXITS
        if outcome is not None and outcome not in allowed:
            problems.append(_Problem("ORDER", "exit", str(outcome)))
        elif outcome == OUTCOME_REJECTED:
            votes = (
                (A.RECOGNITION_CELL_VOTE, A.RECOGNITION_COMMITTEE_VOTE)
                if i >= _INDEX[PROBATION]
                else (A.CELL_VOTE, A.COMMITTEE_VOTE)
            )
            if not any(p.failed.get(v) for v in votes):
                problems.append(_Problem("ORDER", "missing_failed_vote", ""))
    elif action == A.TRANSFERRED:
        if _int(data.get("to_cell")) == facts.cell_id:
            problems.append(_Problem("ORDER", "same_cell", ""))
    elif action == A.COURSE:
        before(CELL_APPROVED)
    elif action == A.CANDIDATE_LISTED:
        if need(TRAINED):
            done(CANDIDATE)
    elif action in (A.MENTOR_ASSIGNED, A.MENTOR_REPORT):
        need(CANDIDATE)
    elif action in (A.APPLICATION, A.HISTORY):
        if need(CANDIDATE):
            before(CELL_APPROVED)
    elif action == A.VERIFY_REQUESTED:
        if need(DOSSIER):
            before(CELL_APPROVED)
    elif action == A.VERIFIED:
        if need(DOSSIER):
            if not p.has(A.VERIFY_REQUESTED):
                problems.append(_Problem("VERIFY", "missing", A.VERIFY_REQUESTED))
            before(CELL_APPROVED)
    elif action in (A.INTRODUCED, A.OPINIONS):
        if need(VERIFIED if action == A.INTRODUCED else INTRODUCED):
            before(CELL_APPROVED)
    elif action == A.OVER60_CONSENT:
        before(DECIDED)
    elif action == A.READMISSION_CONSENT:
        if not facts.is_readmission:
            problems.append(_Problem("READMIT", "not_applicable", ""))
        else:
            before(DECIDED)
    elif action == A.CELL_VOTE:
        if need(OPINIONS):
            done(CELL_APPROVED)
    elif action == A.APPRAISAL:
        if not _expects_appraisal(facts):
            problems.append(_Problem("ORDER", "not_applicable", ""))
        elif need(CELL_APPROVED):
            done(APPRAISED)
    elif action == A.COMMITTEE_VOTE:
        if facts.cell_is_grassroots:
            problems.append(_Problem("ORDER", "not_applicable", ""))
        elif need(_pre_committee(facts)):
            done(COMMITTEE_APPROVED)
    elif action == A.EXTENSION:
        if need(CELL_APPROVED):
            before(DECIDED)
            if p.has(A.EXTENSION):
                problems.append(_Problem("DECIDE-60WD", "once", ""))
    elif action == A.DECISION:
        # VOTE-GRASSROOTS [R]: when the grassroots committee does not reach 2/3, the full
        # result goes to the superior committee, which decides.
        committee_failed = (
            config.committee_failure_goes_up
            and not facts.cell_is_grassroots
            and p.stage == _pre_committee(facts)
            and p.failed.get(A.COMMITTEE_VOTE, 0) >= 1
        )
        if not committee_failed and need(_next_stage_before(facts, DECIDED)):
            done(DECIDED)
    elif action == A.CEREMONY_CONSENT:
        if need(DECIDED):
            before(PROBATION)
    elif action == A.CEREMONY:
        if need(DECIDED):
            done(PROBATION)
    elif action in _PROBATION_FILE:
        need(PROBATION)
    elif action == A.RECOGNITION_CELL_VOTE:
        if need(PROBATION):
            done(RECOGNITION_CELL)
            if i < _INDEX[RECOGNITION_CELL]:
                probation_file()
    elif action == A.RECOGNITION_COMMITTEE_VOTE:
        if facts.cell_is_grassroots:
            problems.append(_Problem("ORDER", "not_applicable", ""))
        # VOTE-ESCALATE [R]: after three failed cell votes the cell reports up and the
        # grassroots committee and the competent committee decide.
        elif p.stage == PROBATION and escalated(A.RECOGNITION_CELL_VOTE):
            probation_file()
        elif need(RECOGNITION_CELL):
            done(RECOGNITION_COMMITTEE)
    elif action == A.RECOGNITION_EXTENSION:
        if not (p.stage == PROBATION and escalated(A.RECOGNITION_CELL_VOTE)):
            need(RECOGNITION_CELL)
        if p.has(A.RECOGNITION_EXTENSION):
            problems.append(_Problem("RECOG-DECIDE-30WD", "once", ""))
    elif action == A.RECOGNITION_DECISION:
        if not _bool(data.get("recognised"), True):
            # Deletion from the probationary list may be decided at any time of probation.
            need(PROBATION)
        else:
            cell_escalated = p.stage == PROBATION and escalated(A.RECOGNITION_CELL_VOTE)
            if facts.cell_is_grassroots:
                if cell_escalated:
                    probation_file()
                else:
                    need(RECOGNITION_CELL)
            else:
                at_committee = p.stage == RECOGNITION_CELL or cell_escalated
                if at_committee and escalated(A.RECOGNITION_COMMITTEE_VOTE):
                    probation_file()
                else:
                    need(RECOGNITION_COMMITTEE)
    return problems


def _next_stage_before(facts: CaseFacts, stage: str) -> str:
    """Return the stage on this case's path just before `stage`."""
    path = _path(facts)
    return path[path.index(stage) - 1]


def _problem_finding(p: _Problem, action: str, on: date) -> Finding:
    label = _action_label(action)
    if p.kind == "missing":
        text = _("Chưa thể ghi “%(action)s”: còn thiếu bước “%(missing)s”") % {
            "action": label,
            "missing": _action_label(p.subject),
        }
    elif p.kind == "closed":
        text = _("Hồ sơ đã kết thúc (%(stage)s); không ghi thêm bước") % {
            "stage": _stage_label(p.subject)
        }
    elif p.kind == "done":
        text = _("Hồ sơ đã qua bước “%(action)s” (đang ở giai đoạn: %(stage)s)") % {
            "action": label,
            "stage": _stage_label(p.subject),
        }
    elif p.kind == "too_late":
        text = _("Không còn ghi “%(action)s” ở giai đoạn này (%(stage)s)") % {
            "action": label,
            "stage": _stage_label(p.subject),
        }
    elif p.kind == "not_applicable":
        text = _("Bước “%(action)s” không áp dụng cho hồ sơ này") % {"action": label}
    elif p.kind == "once":
        text = _("Chỉ được gia hạn một lần (thêm tối đa 30 ngày làm việc)")
    elif p.kind == "exit":
        text = _("Lý do dừng “%(outcome)s” không phù hợp với giai đoạn hiện tại") % {
            "outcome": p.subject
        }
    elif p.kind == "missing_failed_vote":
        text = _("Chưa có lần biểu quyết nào không đạt để ghi là không được thông qua")
    elif p.kind == "same_cell":
        text = _("Chi bộ nhận trùng với chi bộ đang quản lý hồ sơ")
    else:
        text = _("Bước không có trong danh mục: %(action)s") % {"action": p.subject}
    # Order problems always refuse the step, whatever the rule's usual severity.
    return _finding(p.rule_id, on, text, Severity.BLOCK)


def _action_label(code: str) -> str:
    spec = A.ACTIONS.get(code)
    return str(spec.label) if spec else code


_STAGE_LABELS: dict[str, Label] = {
    SOURCE: gettext_lazy("Tạo nguồn"),
    TRAINED: gettext_lazy("Đã học lớp nhận thức về Đảng"),
    CANDIDATE: gettext_lazy("Đối tượng kết nạp (có người giúp đỡ)"),
    DOSSIER: gettext_lazy("Đã nhận đơn và lý lịch"),
    VERIFIED: gettext_lazy("Đã thẩm tra lý lịch"),
    INTRODUCED: gettext_lazy("Đã có người giới thiệu"),
    OPINIONS: gettext_lazy("Đã tổng hợp ý kiến"),
    CELL_APPROVED: gettext_lazy("Chi bộ đề nghị kết nạp"),
    APPRAISED: gettext_lazy("Đảng ủy bộ phận đã thẩm định"),
    COMMITTEE_APPROVED: gettext_lazy("Đảng ủy cơ sở đề nghị kết nạp"),
    DECIDED: gettext_lazy("Đã có quyết định kết nạp"),
    PROBATION: gettext_lazy("Đảng viên dự bị"),
    RECOGNITION_CELL: gettext_lazy("Chi bộ đề nghị công nhận chính thức"),
    RECOGNITION_COMMITTEE: gettext_lazy("Đảng ủy cơ sở đề nghị công nhận"),
    OFFICIAL: gettext_lazy("Đảng viên chính thức"),
    EXITED: gettext_lazy("Đã dừng"),
}


def _stage_label(stage: str) -> str:
    return str(_STAGE_LABELS.get(stage, stage))


# --- the public functions -------------------------------------------------------------------------


def derive_stage(facts: CaseFacts, *, config: RulesConfig = CONFIG) -> tuple[str, date]:
    """Return the stage the case has reached and the date it entered it.

    Failed votes, mentor reports, extensions, consents and transfers do not move the stage.
    """
    progress = _progress(facts, config)
    return progress.stage, progress.since


def outcome_of(facts: CaseFacts, *, config: RulesConfig = CONFIG) -> str:
    """Return the case's outcome ("" while open)."""
    return _progress(facts, config).outcome


def next_actions(facts: CaseFacts, *, config: RulesConfig = CONFIG) -> list[str]:
    """Return the action codes the case may record next, in display (path) order."""
    progress = _progress(facts, config)
    if progress.closed:
        return []
    codes = [
        code
        for code in A.ACTIONS
        if code != A.OPEN and not _order_problems(facts, progress, code, {}, config)
    ]
    if A.OVER60_CONSENT in codes and not _over60_relevant(facts, progress, config):
        codes.remove(A.OVER60_CONSENT)
    return codes


def _over60_relevant(facts: CaseFacts, p: _Progress, config: RulesConfig) -> bool:
    """Whether the over-60 consent is worth offering: over 60 at the meeting, or close to it."""
    if p.cell_vote_on is not None:
        return is_over_60(facts.birth_date, p.cell_vote_on, config=config)
    on = p.last_on or facts.opened_on
    return months_between(facts.birth_date, on, month_end=config.month_end) >= MAX_AGE_MONTHS - 12
