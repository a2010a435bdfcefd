"""Recording a step: the transition, its side effects and the cached case state."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from ptdv.access import policy
from ptdv.access.models import User
from ptdv.core.calendar import WorkCalendar
from ptdv.core.errors import StaleVersion
from ptdv.core.text import normalize_spaces
from ptdv.members import services as registry
from ptdv.members.models import EventKind, Membership
from ptdv.members.selectors import last_membership
from ptdv.people.models import Person
from ptdv.pipeline import actions, rules
from ptdv.pipeline.actions import ACTIONS, ActionSpec
from ptdv.pipeline.config import rules_config
from ptdv.pipeline.facts import (
    calendar_for,
    case_facts,
    member_facts,
    required_action,
    with_authority,
    with_electorate,
)
from ptdv.pipeline.models import (
    Case,
    Certificate,
    Mentor,
    Outcome,
    Step,
    TrainingBatch,
)
from ptdv.pipeline.rules import CaseFacts, Finding, RulesConfig, StepFacts
from ptdv.pipeline.rules.member_dates import MemberDates, member_dates
from ptdv.pipeline.services.base import (
    StepInvalid,
    TransitionBlocked,
)
from ptdv.pipeline.services.data import parse_step_data, step_json
from ptdv.pipeline.services.refs import StepRefs, find_step_refs


def preview_step(
    *,
    case: Case,
    action: str,
    occurred_on: date,
    data: Mapping[str, Any],
    today: date,
    actor: User | None = None,
) -> list[Finding]:
    """Return what the rules would say about recording this step now; writes nothing.

    Invalid data, and ids the actor may not name, raise StepInvalid (as record_step would)
    before the rules are asked. Without an actor no id can be named (refs.py).
    """
    spec = _spec(action)
    _json_data, typed, _refs = _valid_data(spec, data, actor=actor, case=case, today=today)
    config = rules_config()
    facts = case_facts(case)
    state = rules.case_state(facts, config=config)
    facts = with_authority(facts, case, action, occurred_on, state)
    facts = with_electorate(facts, case, action, occurred_on)
    members = member_facts(case, typed, user=actor, on=occurred_on)
    return rules.check_step(
        facts,
        action,
        occurred_on,
        typed,
        today=today,
        calendar=calendar_for(facts, today, occurred_on),
        members=members,
        config=config,
        state=state,
    )


def record_step(
    *,
    case: Case,
    action: str,
    occurred_on: date,
    data: Mapping[str, Any],
    version: int,
    actor: User,
    today: date,
    documents: Sequence[str] = (),
    note: str = "",
) -> Step:
    """Record one dated step of a case, with its side effects, if the rules allow it.

    One transaction: the case row is locked, its version checked (StaleVersion when someone
    recorded a step since the form was opened), the data validated, the rules asked
    (TransitionBlocked on any blocking finding, nothing written), then the step appended, the
    side effects written and the cached stage, outcome and next due date recomputed.
    """
    step, _state = record_step_with_state(
        case=case,
        action=action,
        occurred_on=occurred_on,
        data=data,
        version=version,
        actor=actor,
        today=today,
        documents=documents,
        note=note,
    )
    return step


def record_step_with_state(
    *,
    case: Case,
    action: str,
    occurred_on: date,
    data: Mapping[str, Any],
    version: int,
    actor: User,
    today: date,
    documents: Sequence[str] = (),
    note: str = "",
) -> tuple[Step, rules.CaseState | None]:
    """Record one step as record_step does; return it with the case's state after it.

    The state is the one the cached columns were computed from, so whoever shows the case
    next need not replay its steps again. It is None when the step moved the case to another
    cell: the earlier steps then read the new cell's kind, and only a replay says what they
    amount to there.
    """
    spec = _spec(action)
    if not policy.can(actor, required_action(action), case):
        raise Http404
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.version != version:
            raise StaleVersion(locked.version)
        json_data, typed, refs = _valid_data(spec, data, actor=actor, case=locked, today=today)
        config = rules_config()
        facts = case_facts(locked)
        state = rules.case_state(facts, config=config)  # the one replay of this case's steps
        facts = with_authority(facts, locked, action, occurred_on, state)
        facts = with_electorate(facts, locked, action, occurred_on)
        members = member_facts(locked, typed, user=actor, on=occurred_on)
        calendar = calendar_for(facts, today, occurred_on)
        findings = rules.check_step(
            facts,
            action,
            occurred_on,
            typed,
            today=today,
            calendar=calendar,
            members=members,
            config=config,
            state=state,
        )
        if any(f.blocks for f in findings):
            raise TransitionBlocked(findings)

        step = Step.objects.create(
            case=locked,
            seq=len(facts.steps) + 1,
            action=action,
            occurred_on=occurred_on,
            recorded_by=actor,
            data=json_data,
            documents=_documents(spec, typed, documents),
            note=(note or "").strip(),
        )
        _apply_side_effects(locked, step, typed, actor=actor, refs=refs, config=config, today=today)
        recorded = StepFacts(step.seq, action, occurred_on, typed)
        new_facts = replace(facts, cell_id=locked.cell_id, steps=(*facts.steps, recorded))
        after = state.advanced(facts, recorded)
        _refresh_cached(locked, new_facts, calendar, config, after)
        locked.version += 1
        locked._history_user = actor  # type: ignore[attr-defined]
        locked._change_reason = str(spec.label)  # type: ignore[attr-defined]
        locked.save()
    # The caller's instance now shows what was written (the views and the API reuse it).
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(locked, field.attname))
    return step, (after if locked.cell_id == facts.cell_id else None)


def _valid_data(
    spec: ActionSpec, data: Mapping[str, Any], *, actor: User | None, case: Case, today: date
) -> tuple[dict[str, Any], dict[str, Any], StepRefs]:
    """Return (JSON to store, typed values, named rows) or raise StepInvalid with every error.

    The ids are resolved where the actor may reach (refs.py), never in the whole database.
    """
    typed, errors = parse_step_data(spec, data)
    refs, ref_errors = find_step_refs(user=actor, case=case, spec=spec, typed=typed, today=today)
    for name, messages in ref_errors.items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise StepInvalid(_("Thông tin của bước chưa hợp lệ."), field_errors=errors)
    return step_json(typed), typed, refs


def _spec(action: str) -> ActionSpec:
    spec = ACTIONS.get(action)
    if spec is None or action == actions.OPEN:
        # A case is opened by open_case, never by recording an OPEN step.
        message = _("Bước “%(a)s” không có trong danh mục các bước.") % {"a": action}
        raise StepInvalid(message, field_errors={"action": [message]})
    return spec


def _documents(spec: ActionSpec, typed: Mapping[str, Any], given: Sequence[str]) -> list[str]:
    """Return the paper forms this step records: the action's own, the mode's, the given."""
    codes = list(spec.documents)
    # E.g. an introduction by the Youth Union or the Trade Union comes with its resolution.
    for name, value, forms in spec.documents_by_choice:
        if typed.get(name) == value:
            codes += [c for c in forms if c not in codes]
    for code in given:
        code = normalize_spaces(str(code))
        if code and code not in codes:
            codes.append(code)
    return codes


@dataclass(frozen=True)
class _Effect:
    """A recorded step, with what its side effects need."""

    case: Case
    step: Step
    data: Mapping[str, Any]
    actor: User
    refs: StepRefs  # the rows the data names, resolved for the actor
    config: RulesConfig
    today: date


def _apply_side_effects(
    case: Case,
    step: Step,
    data: Mapping[str, Any],
    *,
    actor: User,
    refs: StepRefs,
    config: RulesConfig,
    today: date,
) -> None:
    """Write what a step changes besides itself, as its declaration lists (spec.effects).

    The case's own dates (decision, ceremony, official ...) are not side effects: they are
    derived from the steps with the other cached columns (_refresh_cached, rules.member_dates).
    """
    effect = _Effect(case, step, data, actor, refs, config, today)
    for name in ACTIONS[step.action].effects:
        EFFECTS[name](effect)


def _certificate(x: _Effect) -> None:
    _create_certificate(x.case, x.step, x.data, actor=x.actor, refs=x.refs)


def _mentor(x: _Effect) -> None:
    phase = Mentor.Phase.PROBATION if x.case.ceremony_on else Mentor.Phase.CANDIDATE
    _assign_mentor(x.case, x.step, x.data["mentor"], phase)


def _ceremony(x: _Effect) -> None:
    case, day = x.case, x.step.occurred_on
    # The candidate's help ends with the ceremony; a new mentor follows the probation.
    Mentor.objects.filter(case=case, ended_on__isnull=True).update(ended_on=day)
    _assign_mentor(case, x.step, x.data["mentor"], Mentor.Phase.PROBATION)
    _update_person(case, x.actor, reason=str(ACTIONS[x.step.action].label), org=case.cell)
    # The registry takes the new member from the ceremony day, in the same transaction.
    membership = registry.admit_member(
        person=Person.objects.get(pk=case.person_id),
        cell=case.cell,
        decision_on=case.decision_on or day,
        joined_on=day,
        actor=x.actor,
        today=x.today,
    )
    case.membership = membership


def _recognition(x: _Effect) -> None:
    case, day = x.case, x.step.occurred_on
    if not x.data["recognised"]:
        _leave_party(case, x, day, Outcome.PROBATION_DELETED)
        return
    assert case.ceremony_on is not None  # the rules require the ceremony first
    # RECOG-DATE: official from the exact end of the 12 months, however late the decision is
    # (DOMAIN §4).
    Mentor.objects.filter(case=case, ended_on__isnull=True).update(ended_on=day)
    membership = _membership_of(case)
    registry.recognise_member(
        membership=membership,
        official_on=rules.official_date(case.ceremony_on, config=x.config),
        actor=x.actor,
        today=x.today,
    )


def _transfer(x: _Effect) -> None:
    to_cell = x.refs.orgs[x.data["to_cell"]]
    case = x.case
    # The history stays on the steps; mentors were members of the old cell.
    Mentor.objects.filter(case=case, ended_on__isnull=True).update(ended_on=x.step.occurred_on)
    case.cell = to_cell
    if case.ceremony_on:
        # A probationary member changes cell: a transfer out and in on the same day.
        membership = _membership_of(case)
        day = x.step.occurred_on
        registry.record_event(
            membership=membership,
            kind=EventKind.TRANSFER_OUT,
            on=day,
            other_cell=to_cell,
            actor=x.actor,
            today=x.today,
        )
        registry.record_event(
            membership=membership,
            kind=EventKind.TRANSFER_IN,
            on=day,
            cell=to_cell,
            actor=x.actor,
            today=x.today,
        )


def _exit(x: _Effect) -> None:
    case, day = x.case, x.step.occurred_on
    Mentor.objects.filter(case=case, ended_on__isnull=True).update(ended_on=day)
    if case.ceremony_on:
        _leave_party(case, x, day, x.data["outcome"])


# The side effects a step declares (actions.ActionSpec.effects), by name; a test checks every
# declared name is here.
EFFECTS: dict[str, Callable[[_Effect], None]] = {
    "certificate": _certificate,
    "mentor": _mentor,
    "ceremony": _ceremony,
    "recognition": _recognition,
    "transfer": _transfer,
    "exit": _exit,
}


def _create_certificate(
    case: Case, step: Step, data: Mapping[str, Any], *, actor: User, refs: StepRefs
) -> None:
    kinds = TrainingBatch.Kind
    kind = kinds.AWARENESS if step.action == actions.COURSE else kinds.NEW_MEMBER
    # The course was resolved, and its kind checked, by refs.find_step_refs.
    batch = refs.batches[data["batch"]] if data.get("batch") else None
    certificate = Certificate(
        person_id=case.person_id,
        kind=kind,
        batch=batch,
        number=data["certificate_number"],
        issued_on=data["issued_on"],
        issuer=data["issuer"],
    )
    certificate._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError as exc:
        message = _("Số giấy chứng nhận %(n)s của %(i)s đã được ghi cho một người khác.") % {
            "n": certificate.number,
            "i": certificate.issuer,
        }
        raise StepInvalid(message, field_errors={"certificate_number": [message]}) from exc


def _assign_mentor(case: Case, step: Step, member_id: int, phase: str) -> None:
    """Start a mentor of the phase, ending the one before (one mentor per phase at a time)."""
    Mentor.objects.filter(case=case, phase=phase, ended_on__isnull=True).update(
        ended_on=step.occurred_on
    )
    Mentor.objects.create(
        case=case, member_id=member_id, phase=phase, assigned_on=step.occurred_on, step=step
    )


def _update_person(case: Case, actor: User, *, reason: str, **values: Any) -> None:
    person = Person.objects.select_for_update().get(pk=case.person_id)
    for key, value in values.items():
        setattr(person, key, value)
    person.version += 1
    person._history_user = actor  # type: ignore[attr-defined]
    person._change_reason = reason  # type: ignore[attr-defined]
    person.save()


def _membership_of(case: Case) -> Membership:
    membership = case.membership or last_membership(case.person_id)
    assert membership is not None  # the ceremony created it
    return membership


def _leave_party(case: Case, x: _Effect, day: date, reason: str) -> None:
    """A probationary member deleted from the list, or one who withdraws, leaves the Party."""
    kind = EventKind.RESIGNED if reason == Outcome.WITHDRAWN else EventKind.PROBATION_DELETED
    registry.end_membership(
        membership=_membership_of(case), kind=kind, on=day, actor=x.actor, today=x.today
    )


def _refresh_cached(
    case: Case,
    facts: CaseFacts,
    calendar: WorkCalendar,
    config: RulesConfig,
    state: rules.CaseState | None = None,
) -> None:
    """Set the case's cached columns (CACHED_FIELDS) from its state: stage, outcome, closing
    date, next due date and the member's dates. `ptdv pipeline recompute` calls it too."""
    state = state if state is not None else rules.case_state(facts, config=config)
    case.stage = state.stage
    case.stage_since = state.since
    case.outcome = state.outcome
    if case.outcome == Outcome.OPEN:
        case.closed_on = None
        # The cached "next due" drives "overdue": milestones (probation end) do not count.
        dues = rules.due_dates(facts, calendar=calendar, config=config, state=state)
        first = min((d for d in dues if d.deadline), key=lambda d: d.due_on, default=None)
        case.next_due_on = first.due_on if first else None
        case.next_due_rule = first.rule_id if first else ""
    else:
        case.closed_on = facts.steps[-1].occurred_on
        case.next_due_on = None
        case.next_due_rule = ""
    for name, value in dataclasses.asdict(member_dates(facts, config=config, state=state)).items():
        setattr(case, name, value)


# The columns of Case that are caches of its steps, all set by _refresh_cached.
CACHED_FIELDS = (
    "stage",
    "stage_since",
    "outcome",
    "closed_on",
    "next_due_on",
    "next_due_rule",
    *(f.name for f in dataclasses.fields(MemberDates)),
)
