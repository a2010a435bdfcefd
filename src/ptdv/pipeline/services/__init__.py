"""Writes to the admission pipeline: the pool, its monthly review, cases and their steps.

Every function is one user intention in one transaction. A step is judged by the pure rules
(`pipeline.rules.check_step`) on facts built here from the database; a blocking finding
refuses the step and nothing is written. The case's cached stage, outcome and next due date
are recomputed by the same rules in the same transaction, so the board and the due lists are
plain indexed queries.
"""

from __future__ import annotations

from ptdv.pipeline.facts import (
    calendar_for,
    case_facts,
    expected_authority,
    member_facts,
    required_action,
    step_facts,
    typed_from_json,
    with_authority,
)
from ptdv.pipeline.services.base import (
    StepInvalid,
    TransitionBlocked,
)
from ptdv.pipeline.services.cases import (
    open_case,
    register_existing_member,
)
from ptdv.pipeline.services.data import (
    clean_step_data,
)
from ptdv.pipeline.services.pool import (
    add_to_pool,
    review_pool,
)
from ptdv.pipeline.services.readmission import EarlierMembership
from ptdv.pipeline.services.recompute import (
    recompute_after_calendar_change,
    recompute_cases,
)
from ptdv.pipeline.services.refs import (
    find_step_refs,
    resolve_step_refs,
)
from ptdv.pipeline.services.steps import (
    CACHED_FIELDS,
    preview_step,
    record_step,
    record_step_with_state,
)

__all__ = [
    "CACHED_FIELDS",
    "EarlierMembership",
    "StepInvalid",
    "TransitionBlocked",
    "add_to_pool",
    "calendar_for",
    "case_facts",
    "clean_step_data",
    "find_step_refs",
    "resolve_step_refs",
    "typed_from_json",
    "expected_authority",
    "member_facts",
    "open_case",
    "preview_step",
    "recompute_after_calendar_change",
    "recompute_cases",
    "record_step",
    "record_step_with_state",
    "register_existing_member",
    "required_action",
    "review_pool",
    "step_facts",
    "with_authority",
]
