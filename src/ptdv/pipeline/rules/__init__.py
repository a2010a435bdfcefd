"""The admission rules: pure functions over plain facts, no database, `today` passed in.

Everything that judges a case lives here (DOMAIN.md §2–§4, Appendix B): the stage a case has
reached (derived from its append-only steps), whether a step may be recorded now
(`check_step`), what the case page warns about (`case_findings`), the open deadlines
(`due_dates`) and the three dates of a new member. A rule has an id, a severity, a Vietnamese
message naming the rule and its source, and one legal reference per regulation in force
(`RULES`): the regulation in force on the event date (the cell meeting, the decision ...)
judges the event, so a case opened under 24-QĐ/TW and closed under 294-QĐ/TW is judged by each
in turn.

The state machine is not written here step by step: each step's declaration in the catalogue
(`pipeline.actions`, decision D24) says what it needs, what it leads to and which checks judge
it; `rules.state` derives the order checks from it, and `case_state` replays a case's steps
once into the `CaseState` every other function reads (decision D25).

Choices the sources leave open ([?] and [I] in DOMAIN.md) are fields of `RulesConfig`, each
naming its rule id; `CONFIG` holds the defaults.

No module of this package may import django.db (tests/pipeline/test_rules.py checks it): services
build the facts, this module only reads them.
"""

from __future__ import annotations

from ptdv.pipeline.actions import (
    APPRAISED as APPRAISED,
)
from ptdv.pipeline.actions import (
    CANDIDATE as CANDIDATE,
)
from ptdv.pipeline.actions import (
    CELL_APPROVED as CELL_APPROVED,
)
from ptdv.pipeline.actions import (
    COMMITTEE_APPROVED as COMMITTEE_APPROVED,
)
from ptdv.pipeline.actions import (
    DECIDED as DECIDED,
)
from ptdv.pipeline.actions import (
    DOSSIER as DOSSIER,
)
from ptdv.pipeline.actions import (
    EXITED as EXITED,
)
from ptdv.pipeline.actions import INTRODUCED_STAGE as INTRODUCED
from ptdv.pipeline.actions import (
    OFFICIAL as OFFICIAL,
)
from ptdv.pipeline.actions import OPINIONS_STAGE as OPINIONS
from ptdv.pipeline.actions import (
    OUTCOME_OFFICIAL as OUTCOME_OFFICIAL,
)
from ptdv.pipeline.actions import (
    OUTCOME_OPEN as OUTCOME_OPEN,
)
from ptdv.pipeline.actions import (
    OUTCOME_PROBATION_DELETED as OUTCOME_PROBATION_DELETED,
)
from ptdv.pipeline.actions import (
    OUTCOME_REFUSED as OUTCOME_REFUSED,
)
from ptdv.pipeline.actions import (
    OUTCOME_REJECTED as OUTCOME_REJECTED,
)
from ptdv.pipeline.actions import (
    PROBATION as PROBATION,
)
from ptdv.pipeline.actions import (
    RECOGNITION_CELL as RECOGNITION_CELL,
)
from ptdv.pipeline.actions import (
    RECOGNITION_COMMITTEE as RECOGNITION_COMMITTEE,
)
from ptdv.pipeline.actions import (
    SOURCE as SOURCE,
)
from ptdv.pipeline.actions import (
    STAGES as STAGES,
)
from ptdv.pipeline.actions import (
    TRAINED as TRAINED,
)
from ptdv.pipeline.actions import VERIFIED_STAGE as VERIFIED
from ptdv.pipeline.rules.base import (
    CEREMONY_WORKING_DAYS,
    CONFIG,
    DECIDE_WORKING_DAYS,
    EDUCATION_EQUIVALENT_UNTIL,
    EXTENSION_WORKING_DAYS,
    FAILED_VOTES_TO_ESCALATE,
    INTRODUCER_MIN_MONTHS,
    MAX_AGE_MONTHS,
    MIN_AGE_MONTHS,
    MONTH_END_CLAMP,
    MONTH_END_OVERFLOW,
    PROBATION_MONTHS,
    READMIT_AFTER_RECORD_CLEARED_MONTHS,
    READMIT_EXCLUDED,
    READMIT_MIN_MONTHS,
    READMIT_REASONS,
    RECOGNITION_DECISION_WORKING_DAYS,
    RECOGNITION_WORKING_DAYS,
    UPPER_AGE_DAY,
    UPPER_AGE_MONTH,
    CaseFacts,
    Due,
    Finding,
    MemberFacts,
    ReadmissionFacts,
    RulesConfig,
    Severity,
    StepFacts,
    VoteResult,
    add_months,
    is_over_60,
    months_between,
    official_date,
    required_agree,
    stage_index,
    turns_on,
    vote_result,
)
from ptdv.pipeline.rules.case import (
    CHECKS,
    case_findings,
    check_step,
    declared_facts,
)
from ptdv.pipeline.rules.catalog import (
    CHARTER,
    GUIDE_09_2017,
    GUIDE_12_2012,
    REG_24,
    REG_29,
    REG_232,
    REG_294,
    REGULATIONS,
    RULES,
    Provision,
    RuleInfo,
)
from ptdv.pipeline.rules.deadlines import (
    due_dates,
)
from ptdv.pipeline.rules.state import (
    VOTE_ACTIONS,
    CaseState,
    case_state,
    derive_stage,
    next_actions,
    outcome_of,
)

__all__ = [
    "CHECKS",
    "CaseState",
    "case_state",
    "declared_facts",
    "APPRAISED",
    "CANDIDATE",
    "CELL_APPROVED",
    "CEREMONY_WORKING_DAYS",
    "CHARTER",
    "COMMITTEE_APPROVED",
    "CONFIG",
    "CaseFacts",
    "DECIDED",
    "DECIDE_WORKING_DAYS",
    "DOSSIER",
    "Due",
    "EDUCATION_EQUIVALENT_UNTIL",
    "EXITED",
    "EXTENSION_WORKING_DAYS",
    "FAILED_VOTES_TO_ESCALATE",
    "Finding",
    "GUIDE_09_2017",
    "GUIDE_12_2012",
    "INTRODUCED",
    "INTRODUCER_MIN_MONTHS",
    "MAX_AGE_MONTHS",
    "MIN_AGE_MONTHS",
    "MONTH_END_CLAMP",
    "MONTH_END_OVERFLOW",
    "MemberFacts",
    "OFFICIAL",
    "OPINIONS",
    "OUTCOME_OFFICIAL",
    "OUTCOME_OPEN",
    "OUTCOME_PROBATION_DELETED",
    "OUTCOME_REFUSED",
    "OUTCOME_REJECTED",
    "PROBATION",
    "PROBATION_MONTHS",
    "Provision",
    "READMIT_AFTER_RECORD_CLEARED_MONTHS",
    "READMIT_EXCLUDED",
    "READMIT_MIN_MONTHS",
    "READMIT_REASONS",
    "RECOGNITION_CELL",
    "RECOGNITION_COMMITTEE",
    "RECOGNITION_DECISION_WORKING_DAYS",
    "RECOGNITION_WORKING_DAYS",
    "REGULATIONS",
    "REG_232",
    "REG_24",
    "REG_29",
    "REG_294",
    "RULES",
    "ReadmissionFacts",
    "RuleInfo",
    "RulesConfig",
    "SOURCE",
    "STAGES",
    "Severity",
    "StepFacts",
    "TRAINED",
    "UPPER_AGE_DAY",
    "UPPER_AGE_MONTH",
    "VERIFIED",
    "VOTE_ACTIONS",
    "VoteResult",
    "add_months",
    "case_findings",
    "check_step",
    "derive_stage",
    "due_dates",
    "is_over_60",
    "months_between",
    "next_actions",
    "official_date",
    "outcome_of",
    "required_agree",
    "stage_index",
    "turns_on",
    "vote_result",
]
