"""Admission cases over JSON: list, open, detail, record or preview a step, board, due list.

Every operation goes through the same selectors and services as the pages. A case outside the
user's scope, or a step the user may not record there, answers 404; a step the rules refuse
answers 422 with the findings; a stale `version` answers 409.

Reading a case detail is not written to the access log: it shows the person's name, stage and
steps, not the lý lịch (the dossier endpoint under /api/v1/people logs its reads).
"""

# No `from __future__ import annotations` here: ninja reads the view annotations at runtime.
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from ptdv.access.models import User
from ptdv.access.policy import Action
from ptdv.orgs.models import Org
from ptdv.orgs.selectors import org_for_user
from ptdv.people.selectors import person_for_user
from ptdv.pipeline import boards, selectors, services
from ptdv.pipeline.actions import ACTIONS
from ptdv.pipeline.choices import pool_entry_for_user
from ptdv.pipeline.models import Case
from ptdv.pipeline.rules import CaseState, Finding
from ptdv.pipeline.schemas import (
    BoardFilters,
    BoardOut,
    CaseFilters,
    CaseIn,
    CaseListOut,
    CaseOut,
    DueFilters,
    PreviewOut,
    StageCountOut,
    StepIn,
    StepPreviewIn,
)

cases_router = Router(tags=["pipeline"])
board_router = Router(tags=["pipeline"])
due_router = Router(tags=["pipeline"])


def register_error_handlers(api: NinjaAPI) -> None:
    """Map TransitionBlocked to 422 with the findings.

    Registered here rather than in access.api so that access does not import pipeline (apps
    import downward only). ninja picks a handler by the exception's MRO, so this one wins over
    the generic DomainError handler whatever the registration order.
    """

    @api.exception_handler(services.TransitionBlocked)
    def blocked(request: HttpRequest, exc: services.TransitionBlocked) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": exc.message, "findings": [finding_out(f) for f in exc.findings]},
            status=422,
        )


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _today() -> date:
    """Return today's date in the deployment's time zone (tests replace this)."""
    return timezone.localdate()


def _org_in_scope(user: User, org_id: int | None, action: Action) -> Org | None:
    """Return the unit, or raise 404 when it is absent or outside the user's scope."""
    if org_id is None:
        return None
    return org_for_user(user, org_id, action)


def finding_out(finding: Finding) -> dict[str, str]:
    return {
        "rule_id": finding.rule_id,
        "severity": str(finding.severity),
        "message": finding.message,
        "reference": finding.reference,
    }


# Columns of the case copied as they are into the detail.
_CASE_FIELDS = (
    "id",
    "version",
    "person_id",
    "cell_id",
    "source",
    "is_readmission",
    "opened_on",
    "stage",
    "stage_since",
    "outcome",
    "closed_on",
    "next_due_on",
    "next_due_rule",
    "decision_on",
    "decision_received_on",
    "ceremony_on",
    "probation_ends_on",
    "official_on",
    "recognition_decision_on",
)


def _detail(user: User, case: Case, state: CaseState | None = None) -> dict[str, Any]:
    """Return the detail body of a case (the same page data as the case page); state, when a
    service has just computed it, spares a second replay of the steps."""
    page = selectors.case_page(user, case, today=_today(), state=state)
    body = {f: getattr(case, f) for f in _CASE_FIELDS}
    body.update(
        person_name=case.person.full_name,
        cell_name=case.cell.name,
        cell_label=case.cell.label,
        stage_label=str(case.get_stage_display()),
        steps=[
            {
                "seq": v.step.seq,
                "action": v.step.action,
                "label": v.label,
                "occurred_on": v.step.occurred_on,
                "recorded_at": v.step.recorded_at,
                "recorded_by": v.recorder,
                "data": v.step.data,
                "documents": v.step.documents,
                "note": v.step.note,
            }
            for v in page.steps
        ],
        findings=[finding_out(f) for f in page.findings],
        due=[{"rule_id": d.rule_id, "due_on": d.due_on, "label": d.label} for d in page.dues],
        forms=[
            {"code": f.code, "title": f.title, "received": f.received, "received_on": f.received_on}
            for f in page.forms
        ],
        mentors=[
            {
                "member_id": m.member_id,
                "member_name": m.member.full_name,
                "phase": m.phase,
                "assigned_on": m.assigned_on,
                "ended_on": m.ended_on,
            }
            for m in page.mentors
        ],
        next_actions=[{"action": a.code, "label": a.label} for a in page.next_actions],
        waiting_for=[
            {
                "action": w.code,
                "label": w.label,
                "unit_id": w.unit_id,
                "unit_name": w.unit_name,
                "text": w.text,
            }
            for w in page.waiting
        ],
    )
    return body


def _case_for_step(user: User, case_id: int, action: str) -> Case:
    """Return the case if the user may record `action` on it, else 404 (unknown action: 422)."""
    if action not in ACTIONS:
        # Let the service name the unknown action (422) once the case is known to be visible.
        case = selectors.get_case(user, case_id)
        return case
    return selectors.get_case(user, case_id, services.required_action(action))


@cases_router.get("", response=list[CaseListOut], url_name="case-list")
@paginate(PageNumberPagination)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> QuerySet[Case]:
    """Return the cases the user may see, in the person's name order, filtered."""
    user = _user(request)
    org = _org_in_scope(user, filters.org, Action.CASE_VIEW) if filters.org else None
    return selectors.cases_for_user(
        user,
        org=org,
        stage=filters.stage or "",
        source=filters.source or "",
        overdue=bool(filters.overdue),
        q=filters.q or "",
        today=_today(),
    )


@cases_router.post("", response={201: CaseOut}, url_name="case-create")
def create_case(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    """Open a case for a person in a cell where the user may record cases."""
    user = _user(request)
    cell = org_for_user(user, payload.cell_id, Action.CASE_RECORD)
    person = person_for_user(user, payload.person_id, Action.PERSON_VIEW)
    entry = None
    if payload.pool_entry_id is not None:
        entry = pool_entry_for_user(user, payload.pool_entry_id, Action.CASE_RECORD)
    case = services.open_case(
        person=person,
        cell=cell,
        source=payload.source,
        opened_on=payload.opened_on,
        actor=user,
        today=_today(),
        pool_entry=entry,
        is_readmission=payload.is_readmission,
        earlier=services.EarlierMembership(
            joined_on=payload.party_joined_on,
            left_on=payload.party_left_on,
            left_reason=payload.party_left_reason.strip(),
        ),
    )
    return Status(201, _detail(user, selectors.get_case(user, case.pk)))


@cases_router.get("/{case_id}", response=CaseOut, url_name="case-detail")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """Return one case with its steps, findings, open deadlines and allowed next steps."""
    user = _user(request)
    return _detail(user, selectors.get_case(user, case_id))


@cases_router.post("/{case_id}/steps", response={201: CaseOut}, url_name="case-step")
def record_step(request: HttpRequest, case_id: int, payload: StepIn) -> Status[dict[str, Any]]:
    """Record one step; answers the updated case (its new `version` is needed for the next).

    422 with `findings` when the rules refuse it (nothing is written), 409 when `version` is
    no longer the case's, 404 when the case is not visible or the step not the user's to record.
    """
    user = _user(request)
    case = _case_for_step(user, case_id, payload.action)
    _step, state = services.record_step_with_state(
        case=case,
        action=payload.action,
        occurred_on=payload.occurred_on,
        data=payload.data,
        version=payload.version,
        actor=user,
        today=_today(),
        documents=payload.documents,
        note=payload.note,
    )
    # The service's state after the step is the one a replay would give: replay once only.
    return Status(201, _detail(user, selectors.get_case(user, case_id), state))


@cases_router.post("/{case_id}/steps/preview", response=PreviewOut, url_name="case-step-preview")
def preview_step(request: HttpRequest, case_id: int, payload: StepPreviewIn) -> dict[str, Any]:
    """Return what the rules say about recording this step now; nothing is written."""
    user = _user(request)
    case = _case_for_step(user, case_id, payload.action)
    findings = services.preview_step(
        case=case,
        action=payload.action,
        occurred_on=payload.occurred_on,
        data=payload.data,
        today=_today(),
        actor=user,
    )
    ordered = sorted(findings, key=lambda f: not f.blocks)
    return {
        "blocked": any(f.blocks for f in findings),
        "findings": [finding_out(f) for f in ordered],
    }


@board_router.get("", response=BoardOut, url_name="board")
def board(request: HttpRequest, filters: Query[BoardFilters]) -> dict[str, Any]:
    """Return the number of open cases per stage, in path order."""
    user = _user(request)
    org = _org_in_scope(user, filters.org, Action.CASE_VIEW)
    columns = boards.board(
        user,
        org=org,
        source=filters.source or "",
        overdue=bool(filters.overdue),
        today=_today(),
        per_column=0,
    )
    return {
        "total": sum(c.count for c in columns),
        "columns": [StageCountOut(stage=c.stage, label=c.label, count=c.count) for c in columns],
    }


@due_router.get("", response=list[CaseListOut], url_name="due-list")
@paginate(PageNumberPagination)
def due_list(request: HttpRequest, filters: Query[DueFilters]) -> QuerySet[Case]:
    """Return the open cases due within `within_days` days, overdue ones first."""
    user = _user(request)
    return selectors.due_for_user(user, today=_today(), within_days=filters.within_days)
