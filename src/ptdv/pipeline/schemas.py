"""Shapes of the pipeline API: filters, input and output kept apart.

A step's `data` is a JSON object whose keys are the action's fields (see the catalogue in
`ptdv.pipeline.actions`): dates as "YYYY-MM-DD" (or "dd/mm/yyyy"), people, units and
classes by id, votes as whole numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, create_model

from ptdv.pipeline.actions import ACTIONS, ActionSpec
from ptdv.pipeline.fields import STR_MAX, FieldSpec, Kind
from ptdv.pipeline.models import Case, Source, Stage

# --- one data schema per step, generated from the catalogue ----------------------------------

PersonRef = Annotated[int, Field(gt=0, description="Mã người (Person id).")]
PersonRefs = Annotated[list[PersonRef], Field(description="Danh sách mã người, không trùng.")]
OrgRef = Annotated[int, Field(gt=0, description="Mã đơn vị (Org id).")]
BatchRef = Annotated[int, Field(gt=0, description="Mã lớp (TrainingBatch id).")]

_TYPES: dict[Kind, Any] = {
    Kind.DATE: date,
    Kind.INT: Annotated[int, Field(ge=0)],
    Kind.STR: Annotated[str, Field(max_length=STR_MAX)],
    Kind.TEXT: str,
    Kind.BOOL: bool,
    Kind.PERSON: PersonRef,
    Kind.PERSONS: PersonRefs,
    Kind.ORG: OrgRef,
    Kind.BATCH: BatchRef,
}


def _python_type(field: FieldSpec) -> Any:
    if field.kind is Kind.CHOICE:
        return Literal[field.choices]
    return _TYPES[field.kind]


def step_data_schema(spec: ActionSpec) -> type[BaseModel]:
    """Return the pydantic model of one step's `data` (the API documents these)."""
    definitions: dict[str, Any] = {}
    for field in spec.fields:
        annotation = _python_type(field)
        description = str(field.label) + (f" — {field.help}" if field.help else "")
        if field.required:
            definitions[field.name] = (annotation, Field(..., description=description))
        else:
            definitions[field.name] = (annotation | None, Field(None, description=description))
    name = "StepData_" + spec.code.removeprefix("pipeline.").replace(".", "_")
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid", title=f"{spec.code}: {spec.label}"),
        **definitions,
    )


STEP_DATA_SCHEMAS: dict[str, type[BaseModel]] = {
    code: step_data_schema(spec) for code, spec in ACTIONS.items()
}


def _data_description() -> dict[str, Any]:
    """The OpenAPI description of `data`: one schema per step code."""
    return {"anyOf": [model.model_json_schema() for model in STEP_DATA_SCHEMAS.values()]}


class CaseFilters(Schema):
    org: int | None = Field(None, description="Chỉ hồ sơ của các chi bộ thuộc đơn vị này.")
    stage: Stage | None = Field(None, description="Giai đoạn hiện tại.")
    source: Source | None = Field(None, description="Nguồn.")
    overdue: bool | None = Field(None, description="true: chỉ hồ sơ đang mở đã quá hạn.")
    q: str | None = Field(
        None, max_length=100, description="Tên (không cần dấu) hoặc số CCCD của người."
    )


class BoardFilters(Schema):
    org: int | None = Field(None, description="Đơn vị (và mọi đơn vị bên dưới).")
    source: Source | None = None
    overdue: bool | None = None


class DueFilters(Schema):
    within_days: int = Field(30, ge=0, le=366, description="Đến hạn trong số ngày tới.")


class CaseIn(Schema):
    """Open a case for person_id in cell cell_id (optionally from their pool entry)."""

    model_config = ConfigDict(extra="forbid")

    person_id: int
    cell_id: int
    source: Source
    opened_on: date = Field(..., description="Ngày lập hồ sơ; có thể ở quá khứ, không ở tương lai.")
    pool_entry_id: int | None = None
    is_readmission: bool = False
    # Re-admission: the earlier membership, recorded on the person when it is missing there.
    party_joined_on: date | None = Field(None, description="Ngày vào Đảng lần trước.")
    party_left_on: date | None = Field(None, description="Ngày ra khỏi Đảng.")
    party_left_reason: str = Field(
        "", max_length=32, description="Lý do ra khỏi Đảng (mã, ví dụ resigned_hardship)."
    )


class StepIn(Schema):
    """One step; `version` is the case version you read (409 when it moved on)."""

    model_config = ConfigDict(extra="forbid")

    action: str = Field(..., max_length=64, description="Mã bước, ví dụ pipeline.vote.cell.")
    occurred_on: date
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="Dữ liệu của bước, theo lược đồ của mã bước (một lược đồ cho mỗi bước).",
        json_schema_extra=_data_description(),
    )
    version: int
    note: str = Field("", max_length=2000)
    documents: list[str] = Field(
        default_factory=list, description="Mẫu giấy tờ nhận thêm, ví dụ 4-KNĐ."
    )


class StepPreviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(..., max_length=64)
    occurred_on: date
    data: dict[str, Any] = Field(default_factory=dict)
    # Accepted so that a client can send the same body as for recording; not checked.
    version: int | None = None
    note: str = ""
    documents: list[str] = Field(default_factory=list)


class FindingOut(Schema):
    rule_id: str
    severity: str
    message: str
    reference: str


class PreviewOut(Schema):
    blocked: bool = Field(..., description="true: bước này sẽ bị từ chối.")
    findings: list[FindingOut]


class DueOut(Schema):
    rule_id: str
    due_on: date
    label: str


class StepOut(Schema):
    seq: int
    action: str
    label: str
    occurred_on: date
    recorded_at: datetime
    recorded_by: str
    data: dict[str, Any]
    documents: list[str]
    note: str


class MentorOut(Schema):
    member_id: int
    member_name: str
    phase: str
    assigned_on: date
    ended_on: date | None


class NextActionOut(Schema):
    action: str
    label: str


class WaitingOut(Schema):
    """A next step another level records: whom the case waits for."""

    action: str
    label: str
    unit_id: int
    unit_name: str
    text: str = Field(..., description="Ví dụ: Chờ Đảng bộ phường Đông Thanh biểu quyết.")


class FormOut(Schema):
    code: str
    title: str
    received: bool
    received_on: date | None


class _CaseFields(Schema):
    id: int
    version: int
    person_id: int
    person_name: str
    cell_id: int
    cell_name: str
    cell_label: str
    source: str
    is_readmission: bool
    opened_on: date
    stage: str
    stage_label: str
    stage_since: date
    outcome: str
    closed_on: date | None
    next_due_on: date | None
    next_due_rule: str


class CaseListOut(_CaseFields):
    """A row of the case list and the due list."""

    @staticmethod
    def resolve_person_name(obj: Case) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_cell_name(obj: Case) -> str:
        return obj.cell.name

    @staticmethod
    def resolve_cell_label(obj: Case) -> str:
        return obj.cell.label

    @staticmethod
    def resolve_stage_label(obj: Case) -> str:
        return str(obj.get_stage_display())


class CaseOut(_CaseFields):
    """A case with its dates, steps, findings, open deadlines, mentors and allowed actions."""

    decision_on: date | None
    decision_received_on: date | None
    ceremony_on: date | None
    probation_ends_on: date | None
    official_on: date | None
    recognition_decision_on: date | None
    steps: list[StepOut]
    findings: list[FindingOut]
    due: list[DueOut]
    forms: list[FormOut]
    mentors: list[MentorOut]
    next_actions: list[NextActionOut]
    waiting_for: list[WaitingOut]


class StageCountOut(Schema):
    stage: str
    label: str
    count: int


class BoardOut(Schema):
    total: int
    columns: list[StageCountOut]
