"""The walk over a case's steps: the stage reached, the order of steps, what may come next."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ptdv.pipeline import actions as A
from ptdv.pipeline.actions import (
    APPRAISED,
    CANDIDATE,
    CELL_APPROVED,
    COMMITTEE_APPROVED,
    DECIDED,
    DOSSIER,
    EXITED,
    OFFICIAL,
    OUTCOME_OFFICIAL,
    OUTCOME_OPEN,
    OUTCOME_REJECTED,
    PREVIOUS,
    PROBATION,
    RECOGNITION_CELL,
    RECOGNITION_COMMITTEE,
    SOURCE,
    STAGES,
    TRAINED,
    Label,
)
from ptdv.pipeline.actions import INTRODUCED_STAGE as INTRODUCED
from ptdv.pipeline.actions import OPINIONS_STAGE as OPINIONS
from ptdv.pipeline.actions import VERIFIED_STAGE as VERIFIED
from ptdv.pipeline.rules.base import (
    _CANDIDATE_EXITS,
    _INDEX,
    _PROBATION_EXITS,
    CONFIG,
    MAX_AGE_MONTHS,
    CaseFacts,
    Finding,
    RulesConfig,
    Severity,
    StepFacts,
    _bool,
    _date,
    _int,
    is_over_60,
    months_between,
)
from ptdv.pipeline.rules.base import (
    _passes as _vote_passes,
)
from ptdv.pipeline.rules.catalog import (
    _finding,
)

# --- the case state: one replay of the steps ------------------------------------------------------

VOTE_ACTIONS = A.VOTE_ACTIONS
# The step that takes a case into each stage (for "missing step" messages), from the catalogue.
_GATE_ACTION = {
    spec.leads_to: code
    for code, spec in reversed(A.ACTIONS.items())
    if spec.leads_to and not spec.together
}


@dataclass
class CaseState:
    """What the accepted steps of a case add up to: built once per case by `replay`.

    The rules, the services (cached columns), the case page and "next steps" all read it; a
    recorded step moves it on with `advanced`, without replaying the case again.
    """

    stage: str
    since: date
    outcome: str = OUTCOME_OPEN
    closed: bool = False
    stage_before_close: str = ""  # the stage reached before the closing step
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

    def close(self, stage: str, on: date, outcome: str) -> None:
        self.stage_before_close = self.stage
        self.stage, self.since, self.closed, self.outcome = stage, on, True, outcome

    def advanced(self, facts: CaseFacts, step: StepFacts) -> CaseState:
        """Return the state after one more accepted step (this state is left unchanged)."""
        after = copy.deepcopy(self)
        _apply(facts, after, step)
        return after

    # Facts the lý lịch and the application declare on their steps (EDU-MIN, READMIT).
    def declared(self, action: str, name: str) -> Any:
        step = self.latest(action)
        return step.data.get(name) if step is not None else None


def replay(facts: CaseFacts, config: RulesConfig = CONFIG) -> CaseState:
    """Return the state of the case: each step in order, ignoring any that was out of order.

    A step counts only if it would have been accepted in order (check_step refuses the others,
    so for stored steps this is a safety net, and it keeps derive_stage and check_step agreeing).
    This is the only replay of a case's steps; everything else reads its result.
    """
    state = CaseState(stage=SOURCE, since=facts.opened_on)
    for step in facts.steps:
        if state.closed or _order_problems(facts, state, step.action, step.data, config):
            continue
        _apply(facts, state, step)
    return state


def case_state(facts: CaseFacts, *, config: RulesConfig = CONFIG) -> CaseState:
    """Return the state of the case (one replay of its steps)."""
    return replay(facts, config)


def _state(facts: CaseFacts, state: CaseState | None, config: RulesConfig) -> CaseState:
    return state if state is not None else replay(facts, config)


def _passes(spec: A.ActionSpec, data: Mapping[str, Any]) -> bool:
    if spec.passes_if == "vote":
        return _vote_passes(data)
    if spec.passes_if:
        return _bool(data.get(spec.passes_if), spec.passes_default)
    return True


def _apply(facts: CaseFacts, s: CaseState, step: StepFacts) -> None:
    """Move the state on by one accepted step, as its declaration in the catalogue says."""
    spec = A.ACTIONS[step.action]
    on, data = step.occurred_on, step.data
    s.seen.setdefault(step.action, []).append(step)
    s.last_on = on
    passed = _passes(spec, data)
    if spec.is_vote and not passed:
        s.failed[step.action] = s.failed.get(step.action, 0) + 1
    if not passed:
        if spec.refusal:
            s.close(EXITED, on, spec.refusal)
        return
    if spec.together and not all(s.has(a) for a in spec.together):
        return
    for name, source in spec.marks:
        setattr(s, name, (_date(data.get(source)) if source else None) or on)
    if spec.leads_to == EXITED:
        s.close(EXITED, on, str(data.get("outcome") or "withdrawn"))
    elif spec.closes:
        s.close(spec.leads_to, on, OUTCOME_OFFICIAL)
    elif spec.leads_to:
        s.advance(spec.leads_to, on)


# --- order and prerequisites, derived from the catalogue ----------------------------------------


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


def _next_stage_before(facts: CaseFacts, stage: str) -> str:
    """Return the stage on this case's path just before `stage`."""
    path = _path(facts)
    return path[path.index(stage) - 1]


def _pre_committee(facts: CaseFacts) -> str:
    return _next_stage_before(facts, COMMITTEE_APPROVED)


def _readmission(facts: CaseFacts) -> bool:
    return facts.is_readmission


def _not_grassroots(facts: CaseFacts) -> bool:
    return not facts.cell_is_grassroots


# ActionSpec.applies: when a step applies to a case, and the rule naming it when it does not.
_APPLIES: dict[str, tuple[Callable[[CaseFacts], bool], str]] = {
    "readmission": (_readmission, "READMIT"),
    "appraisal": (_expects_appraisal, "ORDER"),
    "committee": (_not_grassroots, "ORDER"),
}


@dataclass(frozen=True)
class _Problem:
    rule_id: str
    # missing | done | too_late | closed | not_applicable | once | exit | same_cell | unknown
    kind: str
    subject: str = ""  # the missing action code, or the stage reached, or the exit outcome


def _escalated(facts: CaseFacts, s: CaseState, stage: str, config: RulesConfig) -> bool:
    """Whether `stage` counts as reached because the vote leading to it failed often enough.

    VOTE-GRASSROOTS: a failed grassroots-committee vote goes up to the superior committee;
    VOTE-ESCALATE: after three failed recognition votes of one body the superior decides. The
    vote must have failed while the case waited at the stage the vote needs (itself possibly
    reached that way).
    """
    vote = _GATE_ACTION.get(stage)
    spec = A.ACTIONS.get(vote or "")
    if spec is None or spec.escalates is None or stage not in _path(facts):
        return False
    flag, failures = spec.escalates
    if not getattr(config, flag) or s.failed.get(spec.code, 0) < failures:
        return False
    previous = _next_stage_before(facts, stage)
    return s.stage == previous or _escalated(facts, s, previous, config)


def _order_problems(
    facts: CaseFacts, s: CaseState, action: str, data: Mapping[str, Any], config: RulesConfig
) -> list[_Problem]:
    """Return why `action` cannot be recorded in the case's current state (empty: it can)."""
    spec = A.ACTIONS.get(action)
    if spec is None:
        return [_Problem("ORDER", "unknown", action)]
    if s.closed:
        return [_Problem("ORDER", "closed", s.stage)]
    if spec.applies:
        applies, rule_id = _APPLIES[spec.applies]
        if not applies(facts):
            return [_Problem(rule_id, "not_applicable", "")]
    if spec.guard:
        return _GUARDS[spec.guard](facts, s, data)
    problems: list[_Problem] = []
    needs = spec.needs
    requires: tuple[str, ...] = ()
    if spec.refusal_needs and not _passes(spec, data):
        needs = spec.refusal_needs
    else:
        requires = spec.requires
        if needs == PREVIOUS:
            needs = _next_stage_before(facts, spec.leads_to)
    if needs and s.index < _INDEX[needs] and not _escalated(facts, s, needs, config):
        problems += _missing(facts, s)
    else:
        done = spec.leads_to and not spec.retake and s.index >= _INDEX[spec.leads_to]
        if done:
            problems.append(_Problem("ORDER", "done", s.stage))
        else:
            problems += [
                _Problem(A.ACTIONS[r].rule, "missing", r) for r in requires if not s.has(r)
            ]
        if spec.until and s.index >= _INDEX[spec.until]:
            problems.append(_Problem("ORDER", "too_late", s.stage))
    if spec.once and s.has(action):
        problems.append(_Problem(spec.once, "once", ""))
    return problems


def _missing(facts: CaseFacts, s: CaseState) -> list[_Problem]:
    """Return the first missing step(s) on the way on from the case's stage."""
    gate = _next_stage(facts, s.stage)
    spec = A.ACTIONS.get(_GATE_ACTION.get(gate, ""))
    if spec is None:  # DOSSIER: the application and the lý lịch, together
        together = next(x.together for x in A.ACTIONS.values() if x.leads_to == gate)
        return [_Problem("ORDER", "missing", a) for a in together if not s.has(a)]
    # A vote judges its own file when it is recorded; before any other gate step, its
    # requirement is what is missing (the verification request before its conclusion).
    absent = [r for r in spec.requires if not s.has(r)]
    if absent and not spec.is_vote:
        return [_Problem(A.ACTIONS[absent[0]].rule, "missing", absent[0])]
    return [_Problem(spec.rule, "missing", spec.code)]


def _guard_opening(facts: CaseFacts, s: CaseState, data: Mapping[str, Any]) -> list[_Problem]:
    return [_Problem("ORDER", "done", s.stage)] if facts.steps else []


def _guard_exit(facts: CaseFacts, s: CaseState, data: Mapping[str, Any]) -> list[_Problem]:
    outcome = data.get("outcome")
    on_probation = s.index >= _INDEX[PROBATION]
    allowed = _PROBATION_EXITS if on_probation else _CANDIDATE_EXITS
    if outcome is not None and outcome not in allowed:
        return [_Problem("ORDER", "exit", str(outcome))]
    if outcome == OUTCOME_REJECTED:
        # A rejection follows a failed vote of the phase the case is in.
        recognition = {c for c in VOTE_ACTIONS if _INDEX[A.ACTIONS[c].leads_to] > _INDEX[PROBATION]}
        votes = recognition if on_probation else VOTE_ACTIONS - recognition
        if not any(s.failed.get(v) for v in votes):
            return [_Problem("ORDER", "missing_failed_vote", "")]
    return []


def _guard_transfer(facts: CaseFacts, s: CaseState, data: Mapping[str, Any]) -> list[_Problem]:
    return (
        [_Problem("ORDER", "same_cell", "")] if _int(data.get("to_cell")) == facts.cell_id else []
    )


_GUARDS: dict[str, Callable[[CaseFacts, CaseState, Mapping[str, Any]], list[_Problem]]] = {
    "opening": _guard_opening,
    "exit": _guard_exit,
    "transfer": _guard_transfer,
}


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


def derive_stage(
    facts: CaseFacts, *, config: RulesConfig = CONFIG, state: CaseState | None = None
) -> tuple[str, date]:
    """Return the stage the case has reached and the date it entered it.

    Failed votes, mentor reports, extensions, consents and transfers do not move the stage.
    """
    s = _state(facts, state, config)
    return s.stage, s.since


def outcome_of(
    facts: CaseFacts, *, config: RulesConfig = CONFIG, state: CaseState | None = None
) -> str:
    """Return the case's outcome ("" while open)."""
    return _state(facts, state, config).outcome


def next_actions(
    facts: CaseFacts, *, config: RulesConfig = CONFIG, state: CaseState | None = None
) -> list[str]:
    """Return the action codes that can come next, in display (path) order.

    Only steps the case accepts now, and never one already done: a step that reached its stage,
    or was recorded once when recording it again adds nothing (repeatable steps, such as a
    mentor's report, and failed votes are offered again).
    """
    s = _state(facts, state, config)
    if s.closed:
        return []
    codes = []
    for code, spec in A.ACTIONS.items():
        if code == A.OPEN or _order_problems(facts, s, code, {}, config) or _done(spec, s):
            continue
        if spec.offer_if == "over60" and not _over60_relevant(facts, s, config):
            continue
        codes.append(code)
    return codes


def _done(spec: A.ActionSpec, s: CaseState) -> bool:
    if spec.repeatable:
        return False
    if spec.leads_to and s.index >= _INDEX[spec.leads_to]:
        return True
    return s.has(spec.code) and not spec.passes_if


def _over60_relevant(facts: CaseFacts, p: CaseState, config: RulesConfig) -> bool:
    """Whether the over-60 consent is worth offering: over 60 at the meeting, or close to it."""
    if p.cell_vote_on is not None:
        return is_over_60(facts.birth_date, p.cell_vote_on, config=config)
    on = p.last_on or facts.opened_on
    return months_between(facts.birth_date, on, month_end=config.month_end) >= MAX_AGE_MONTHS - 12
