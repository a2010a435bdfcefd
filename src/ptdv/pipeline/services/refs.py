"""The objects a step's data names, looked up only where the acting user may reach.

Every id in a payload is an object lookup (STYLE.md §14). A mentor or an introducer must be a
person of the case's cell (DOMAIN §2-6: an official member of the same party organisation;
the rules then judge their standing); a receiving cell must be a cell the user may record
cases in (as the transfer itself requires); a deciding committee and a course must be in the
user's scope or above the case's cell, where committees and course organisers sit (the same
units and courses the step form offers). An id outside that set gets exactly the message an
absent id gets, naming the field, so neither a preview nor a refused recording tells whether
a row exists or what a stranger's party standing is, and no fact about such a person ever
reaches the rules. Without a user (`None`) nothing can be named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ptdv.access.models import User
from ptdv.orgs.models import Org
from ptdv.people.models import Person
from ptdv.pipeline import actions
from ptdv.pipeline.actions import ActionSpec
from ptdv.pipeline.choices import step_batches, step_orgs, step_people, transfer_targets
from ptdv.pipeline.fields import FieldSpec
from ptdv.pipeline.models import Case, TrainingBatch
from ptdv.pipeline.services.base import StepInvalid

# The course a certificate step names must be of its kind.
_BATCH_KIND = {
    actions.COURSE: TrainingBatch.Kind.AWARENESS,
    actions.NEW_MEMBER_COURSE: TrainingBatch.Kind.NEW_MEMBER,
}


@dataclass(frozen=True)
class StepRefs:
    """The rows a step's data names, every one inside what the actor may name."""

    people: Mapping[int, Person]
    orgs: Mapping[int, Org]
    batches: Mapping[int, TrainingBatch]


def resolve_step_refs(
    *, user: User | None, case: Case, spec: ActionSpec, typed: Mapping[str, Any], today: date
) -> StepRefs:
    """Return the rows the typed step data names, or raise StepInvalid naming each field."""
    refs, errors = find_step_refs(user=user, case=case, spec=spec, typed=typed, today=today)
    if errors:
        raise StepInvalid(_("Thông tin của bước chưa hợp lệ."), field_errors=errors)
    return refs


def find_step_refs(
    *, user: User | None, case: Case, spec: ActionSpec, typed: Mapping[str, Any], today: date
) -> tuple[StepRefs, dict[str, list[str]]]:
    """Return the rows the typed step data names, and an error list per faulty field.

    Absent and out-of-reach ids get the same message; the checks that follow (a receiving
    cell that is no cell, a course of the wrong kind) only ever speak of reachable rows.
    """
    wanted: dict[str, set[int]] = {"person": set(), "org": set(), "to_cell": set(), "batch": set()}
    for field in spec.fields:
        if field.kind.ref and field.name in typed:
            wanted[_set_of(field)].update(field.ids(typed[field.name]))
    people = _rows(step_people(user, case), wanted["person"])
    orgs = _rows(step_orgs(user, case), wanted["org"])
    targets = _rows(transfer_targets(user), wanted["to_cell"])
    batches = _rows(step_batches(user, case), wanted["batch"])
    found: dict[str, Mapping[int, Any]] = {
        "person": people,
        "org": orgs,
        "to_cell": targets,
        "batch": batches,
    }
    messages = {
        "person": _("%(label)s: không tìm thấy người có mã %(id)s trong chi bộ quản lý hồ sơ."),
        "org": _("%(label)s: không tìm thấy tổ chức có mã %(id)s."),
        "to_cell": _("%(label)s: không tìm thấy chi bộ có mã %(id)s."),
        "batch": _("%(label)s: không tìm thấy lớp có mã %(id)s."),
    }
    errors: dict[str, list[str]] = {}
    for field in spec.fields:
        if not field.kind.ref or field.name not in typed:
            continue
        kind = _set_of(field)
        label = str(field.label)
        for pk in field.ids(typed[field.name]):
            row = found[kind].get(pk)
            problem = (
                messages[kind] % {"label": label, "id": pk}
                if row is None
                else _reachable_problem(kind, row, label, case=case, spec=spec, today=today)
            )
            if problem:
                errors.setdefault(field.name, []).append(problem)
    return StepRefs(people=people, orgs={**orgs, **targets}, batches=batches), errors


def _set_of(field: FieldSpec) -> str:
    """Return which set a reference field's ids are looked up in."""
    # The unit a case moves to is one where the user will record it from now on.
    if field.kind.ref == "org" and field.name == "to_cell":
        return "to_cell"
    return field.kind.ref


def _rows(qs: QuerySet[Any], ids: set[int]) -> dict[int, Any]:
    return {row.pk: row for row in qs.filter(pk__in=ids)} if ids else {}


def _reachable_problem(
    kind: str, row: Any, label: str, *, case: Case, spec: ActionSpec, today: date
) -> str:
    """Return what is wrong with a row the user may name, or "" (these may be told)."""
    if kind == "to_cell":
        if row.pk == case.cell_id:
            return _("%(label)s: hồ sơ đang ở chính chi bộ này.") % {"label": label}
        if not row.is_cell or not row.is_active_on(today):
            return _("%(label)s phải là một chi bộ đang hoạt động.") % {"label": label}
    if kind == "batch" and spec.code in _BATCH_KIND and row.kind != _BATCH_KIND[spec.code]:
        return _("Lớp “%(b)s” không phải %(k)s.") % {
            "b": row.name,
            "k": str(TrainingBatch.Kind(_BATCH_KIND[spec.code]).label).lower(),
        }
    return ""


__all__ = [
    "StepRefs",
    "find_step_refs",
    "resolve_step_refs",
]
