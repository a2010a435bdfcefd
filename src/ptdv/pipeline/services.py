"""Writes to the admission pipeline: the pool, its monthly review, cases and their steps.

Every function is one user intention in one transaction. A step is judged by the pure rules
(`pipeline.rules.check_step`) on facts built here from the database; a blocking finding
refuses the step and nothing is written. The case's cached stage, outcome and next due date
are recomputed by the same rules in the same transaction, so the board and the due lists are
plain indexed queries.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from ptdv.access import policy
from ptdv.access.models import User
from ptdv.access.policy import Action
from ptdv.core.calendar import WorkCalendar
from ptdv.core.errors import DomainError, StaleVersion
from ptdv.core.text import normalize_spaces
from ptdv.orgs.models import DecidingBody, Org, OrgKind
from ptdv.orgs.rules import admission_authority
from ptdv.orgs.selectors import ancestors_of, org_facts
from ptdv.people.models import PartyStatus, Person
from ptdv.pipeline import actions, rules
from ptdv.pipeline.actions import ACTIONS, ActionSpec
from ptdv.pipeline.facts import calendar_for, case_facts, member_facts, required_action, step_facts
from ptdv.pipeline.models import (
    Case,
    Certificate,
    Mentor,
    Outcome,
    PoolEntry,
    PoolReview,
    PoolReviewItem,
    Source,
    Stage,
    Step,
    TrainingBatch,
)
from ptdv.pipeline.rules import CaseFacts, Finding, StepFacts

_STR_MAX = 255
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_VN_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_TRUE = frozenset({"true", "1", "on", "yes", "có"})
_FALSE = frozenset({"false", "0", "off", "no", "không", ""})


class TransitionBlocked(DomainError):
    """The rules refuse the step; `findings` holds every finding (blocking ones first)."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        blocking = [f for f in findings if f.blocks]
        super().__init__(
            _("Không thể ghi nhận bước này: %(reasons)s")
            % {"reasons": " ".join(f.message for f in blocking)}
        )
        self.findings: list[Finding] = blocking + [f for f in findings if not f.blocks]


class StepInvalid(DomainError):
    """The step's data does not fit its action; field_errors names each faulty field."""


# --- the pool --------------------------------------------------------------------------


def _refuse(message: str, field: str) -> DomainError:
    return DomainError(message, field_errors={field: [message]})


def _is_member(person: Person) -> bool:
    return person.party_status in (PartyStatus.PROBATIONARY, PartyStatus.OFFICIAL)


def add_to_pool(
    *,
    cell: Org,
    person: Person,
    source: str,
    listed_on: date,
    proposed_by: str,
    notes: str,
    actor: User,
    today: date,
) -> PoolEntry:
    """Put a person on a cell's list of outstanding non-members (quần chúng ưu tú)."""
    if not cell.is_cell:
        raise _refuse(_("Chỉ chi bộ mới có danh sách quần chúng ưu tú."), "cell")
    if not cell.is_active_on(today):
        raise _refuse(_("Chi bộ %(c)s đã giải thể.") % {"c": cell.name}, "cell")
    if source not in Source.values:
        raise _refuse(_("Nguồn không nằm trong danh sách cho phép."), "source")
    if listed_on > today:
        raise _refuse(_("Ngày đưa vào danh sách không được sau hôm nay."), "listed_on")
    if _is_member(person):
        raise _refuse(
            _("%(name)s đã là đảng viên, không đưa vào danh sách quần chúng ưu tú.")
            % {"name": person.full_name},
            "person",
        )
    with transaction.atomic():
        # Lock the person so two cells cannot list them at once (the constraint backs this).
        Person.objects.select_for_update().filter(pk=person.pk).first()
        other = (
            PoolEntry.objects.filter(person=person, status=PoolEntry.Status.ACTIVE)
            .select_related("cell")
            .first()
        )
        if other is not None:
            raise _refuse(
                _("%(name)s đang có trong danh sách quần chúng ưu tú của %(cell)s.")
                % {"name": person.full_name, "cell": other.cell.name},
                "person",
            )
        entry = PoolEntry(
            cell=cell,
            person=person,
            source=source,
            listed_on=listed_on,
            proposed_by=normalize_spaces(proposed_by or ""),
            notes=(notes or "").strip(),
        )
        entry._history_user = actor  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as exc:
            raise _refuse(
                _("%(name)s đang có trong danh sách quần chúng ưu tú của một chi bộ khác.")
                % {"name": person.full_name},
                "person",
            ) from exc
    return entry


def review_pool(
    *,
    cell: Org,
    month: date,
    decisions: Mapping[int, tuple[bool, str]],
    actor: User,
    today: date,
) -> PoolReview:
    """Record the cell's monthly review: every active entry kept or dropped (with a reason)."""
    first = month.replace(day=1)
    if first > today:
        raise _refuse(_("Không rà soát trước cho tháng chưa đến."), "month")
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        entries = {
            e.pk: e
            for e in PoolEntry.objects.select_for_update().filter(
                cell=cell, status=PoolEntry.Status.ACTIVE
            )
        }
        if PoolReview.objects.filter(cell=cell, month=first).exists():
            raise _refuse(
                _("Chi bộ đã rà soát danh sách tháng %(m)s.") % {"m": first.strftime("%m/%Y")},
                "month",
            )
        unknown = sorted(set(decisions) - set(entries))
        if unknown:
            errors["decisions"] = [
                _("Mục %(ids)s không thuộc danh sách đang theo dõi của chi bộ.")
                % {"ids": ", ".join(str(i) for i in unknown)}
            ]
        missing = sorted(set(entries) - set(decisions))
        if missing:
            errors.setdefault("decisions", []).append(
                _("Chưa quyết định giữ hay đưa ra: %(names)s.")
                % {"names": ", ".join(entries[i].person.full_name for i in missing)}
            )
        for entry_id, (keep, reason) in decisions.items():
            if not keep and not (reason or "").strip() and entry_id in entries:
                errors[f"reason_{entry_id}"] = [
                    _("Cần ghi lý do đưa %(name)s ra khỏi danh sách.")
                    % {"name": entries[entry_id].person.full_name}
                ]
        if errors:
            raise DomainError(_("Kết quả rà soát chưa hợp lệ."), field_errors=errors)
        review = PoolReview.objects.create(
            cell=cell, month=first, reviewed_on=today, reviewed_by=actor
        )
        items = []
        for entry_id, (keep, reason) in sorted(decisions.items()):
            entry = entries[entry_id]
            items.append(
                PoolReviewItem(review=review, entry=entry, keep=keep, reason=reason.strip())
            )
            if not keep:
                entry.status = PoolEntry.Status.DROPPED
                entry.dropped_on = today
                entry.drop_reason = normalize_spaces(reason)[:_STR_MAX]
                entry.version += 1
                entry._history_user = actor  # type: ignore[attr-defined]
                entry.save()
        PoolReviewItem.objects.bulk_create(items)
    return review


# --- cases -----------------------------------------------------------------------------


def open_case(
    *,
    person: Person,
    cell: Org,
    source: str,
    opened_on: date,
    actor: User,
    today: date,
    pool_entry: PoolEntry | None = None,
    is_readmission: bool = False,
) -> Case:
    """Open a person's admission case in a cell; the first step (OPEN) is appended.

    The actor must be allowed to record cases in the cell and to see the person (absent and
    forbidden both answer 404, as everywhere).
    """
    if not policy.can(actor, Action.CASE_RECORD, cell):
        raise Http404
    if not policy.can(actor, Action.PERSON_VIEW, person):
        raise Http404
    if not cell.is_cell:
        raise _refuse(
            _("Hồ sơ phát triển đảng viên do chi bộ quản lý: hãy chọn một chi bộ."), "cell"
        )
    if not cell.is_active_on(today):
        raise _refuse(_("Chi bộ %(c)s đã giải thể.") % {"c": cell.name}, "cell")
    if source not in Source.values:
        raise _refuse(_("Nguồn không nằm trong danh sách cho phép."), "source")
    if opened_on > today:
        raise _refuse(_("Ngày lập hồ sơ không được sau hôm nay."), "opened_on")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if _is_member(locked):
            raise _refuse(_("%(name)s đã là đảng viên.") % {"name": locked.full_name}, "person")
        if locked.party_status == PartyStatus.FORMER and not is_readmission:
            raise _refuse(
                _("%(name)s từng là đảng viên: hãy lập hồ sơ kết nạp lại.")
                % {"name": locked.full_name},
                "is_readmission",
            )
        if is_readmission and locked.party_status != PartyStatus.FORMER:
            raise _refuse(
                _("Chỉ người đã ra khỏi Đảng mới được xét kết nạp lại."), "is_readmission"
            )
        if Case.objects.filter(person=locked, outcome=Outcome.OPEN).exists():
            raise _refuse(
                _("%(name)s đang có một hồ sơ phát triển đảng viên chưa kết thúc.")
                % {"name": locked.full_name},
                "person",
            )
        if pool_entry is not None:
            entry = PoolEntry.objects.select_for_update().get(pk=pool_entry.pk)
            if (
                entry.person_id != locked.pk
                or entry.cell_id != cell.pk
                or entry.status != PoolEntry.Status.ACTIVE
            ):
                raise _refuse(
                    _("Mục trong danh sách quần chúng ưu tú không khớp với người và chi bộ."),
                    "pool_entry",
                )
            entry.status = PoolEntry.Status.IN_CASE
            entry.version += 1
            entry._history_user = actor  # type: ignore[attr-defined]
            entry.save()
        case = Case(
            person=locked,
            cell=cell,
            pool_entry=pool_entry,
            source=source,
            opened_on=opened_on,
            is_readmission=is_readmission,
            stage=Stage.SOURCE,
            stage_since=opened_on,
        )
        case._history_user = actor  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as exc:  # a concurrent open_case for the same person won
            raise _refuse(
                _("%(name)s đang có một hồ sơ phát triển đảng viên chưa kết thúc.")
                % {"name": locked.full_name},
                "person",
            ) from exc
        Step.objects.create(
            case=case,
            seq=1,
            action=actions.OPEN,
            occurred_on=opened_on,
            recorded_by=actor,
            data={},
            documents=[],
        )
        facts = case_facts(case)
        _refresh_cached(case, facts, calendar_for(facts, today))
        case.save()
    return case


def register_existing_member(
    *,
    person: Person,
    cell: Org,
    actor: User,
    official_on: date | None,
    decision_on: date | None = None,
    joined_on: date | None = None,
    status: str = PartyStatus.OFFICIAL,
) -> Person:
    """Record that a person already is a party member of a cell (official or probationary).

    A stand-in until the member registry issue brings member events: mentors, introducers and
    vote eligibility need the cell's members, and this is how tests, the demo and the admin
    put existing members in. It writes the Person's party columns and moves them to the cell.
    """
    if status not in (PartyStatus.OFFICIAL, PartyStatus.PROBATIONARY):
        raise ValueError(f"not a member status: {status!r}")
    if not cell.is_cell:
        raise _refuse(_("Đảng viên sinh hoạt ở một chi bộ."), "cell")
    if status == PartyStatus.OFFICIAL and official_on is None:
        raise _refuse(_("Cần ngày chính thức của đảng viên chính thức."), "official_on")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        locked.org = cell
        locked.party_status = status
        locked.party_official_on = official_on if status == PartyStatus.OFFICIAL else None
        locked.party_joined_on = joined_on or (_year_before(official_on) if official_on else None)
        locked.party_decision_on = decision_on or locked.party_joined_on
        locked.party_left_on = None
        locked.party_left_reason = ""
        locked.version += 1
        locked._history_user = actor  # type: ignore[attr-defined]
        locked._change_reason = _("Ghi nhận đảng viên hiện có")  # type: ignore[attr-defined]
        locked.save()
    return locked


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29/2
        return day.replace(year=day.year - 1, day=28)


def preview_step(
    *, case: Case, action: str, occurred_on: date, data: Mapping[str, Any], today: date
) -> list[Finding]:
    """Return what the rules would say about recording this step now; writes nothing.

    Invalid data raises StepInvalid (as record_step would) before the rules are asked.
    """
    spec = _spec(action)
    _json_data, typed = clean_step_data(spec, data)
    facts = with_authority(case_facts(case), case, action, occurred_on)
    members = member_facts(case, typed)
    return rules.check_step(
        facts,
        action,
        occurred_on,
        typed,
        today=today,
        calendar=calendar_for(facts, today, occurred_on),
        members=members,
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
    spec = _spec(action)
    if not policy.can(actor, required_action(action), case):
        raise Http404
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.version != version:
            raise StaleVersion(locked.version)
        json_data, typed = clean_step_data(spec, data)
        to_cell = (
            _transfer_target(locked, typed, actor, today) if action == actions.TRANSFERRED else None
        )
        facts = with_authority(case_facts(locked), locked, action, occurred_on)
        members = member_facts(locked, typed)
        calendar = calendar_for(facts, today, occurred_on)
        findings = rules.check_step(
            facts, action, occurred_on, typed, today=today, calendar=calendar, members=members
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
        _apply_side_effects(locked, step, typed, actor=actor, to_cell=to_cell)
        new_facts = replace(
            facts,
            cell_id=locked.cell_id,
            steps=(*facts.steps, StepFacts(step.seq, action, occurred_on, typed)),
        )
        _refresh_cached(locked, new_facts, calendar)
        locked.version += 1
        locked._history_user = actor  # type: ignore[attr-defined]
        locked._change_reason = str(spec.label)  # type: ignore[attr-defined]
        locked.save()
    # The caller's instance now shows what was written (the views and the API reuse it).
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(locked, field.attname))
    return step


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
    # An introduction by the Youth Union or the Trade Union comes with its resolution.
    if spec.code == actions.INTRODUCED:
        mode = str(typed.get("mode", ""))
        codes += {"youth_union": ["4-KNĐ"], "trade_union": ["4A-KNĐ"]}.get(mode, [])
    for code in given:
        code = normalize_spaces(str(code))
        if code and code not in codes:
            codes.append(code)
    return codes


def _transfer_target(case: Case, typed: Mapping[str, Any], actor: User, today: date) -> Org:
    """Return the cell a case moves to: active, a cell, in the actor's recording scope."""
    org = Org.objects.get(pk=typed["to_cell"])
    label = str(_field_label(actions.TRANSFERRED, "to_cell"))
    if org.pk == case.cell_id:
        message = _("%(label)s: hồ sơ đang ở chính chi bộ này.") % {"label": label}
    elif not org.is_cell or not org.is_active_on(today):
        message = _("%(label)s phải là một chi bộ đang hoạt động.") % {"label": label}
    elif not policy.can(actor, Action.CASE_RECORD, org):
        message = _("%(label)s: không tìm thấy chi bộ có mã %(id)s.") % {
            "label": label,
            "id": org.pk,
        }
    else:
        return org
    raise StepInvalid(message, field_errors={"to_cell": [message]})


def _field_label(action: str, name: str) -> Any:
    return next(f.label for f in ACTIONS[action].fields if f.name == name)


def _apply_side_effects(
    case: Case, step: Step, data: Mapping[str, Any], *, actor: User, to_cell: Org | None
) -> None:
    """Write what a step changes besides itself: certificates, mentors, dates, the person."""
    action, day = step.action, step.occurred_on
    if action in (actions.COURSE, actions.NEW_MEMBER_COURSE):
        _create_certificate(case, step, data, actor=actor)
    elif action in (actions.CANDIDATE_LISTED, actions.MENTOR_ASSIGNED):
        phase = Mentor.Phase.PROBATION if case.ceremony_on else Mentor.Phase.CANDIDATE
        _assign_mentor(case, step, data["mentor"], phase)
    elif action == actions.DECISION:
        # A refusal is not an admission decision: the member's dates stay empty.
        if data["admitted"]:
            case.decision_on = day
            case.decision_received_on = data["received_on"]
    elif action == actions.CEREMONY:
        case.ceremony_on = day
        case.probation_ends_on = rules.official_date(day)  # PROBATION-END, RECOG-DATE
        # The candidate's help ends with the ceremony; a new mentor follows the probation.
        Mentor.objects.filter(case=case, ended_on__isnull=True).update(ended_on=day)
        _assign_mentor(case, step, data["mentor"], Mentor.Phase.PROBATION)
        _update_person(
            case,
            actor,
            reason=str(ACTIONS[action].label),
            org=case.cell,
            party_status=PartyStatus.PROBATIONARY,
            party_decision_on=case.decision_on,
            party_joined_on=day,
        )
    elif action == actions.RECOGNITION_DECISION:
        if data["recognised"]:
            assert case.ceremony_on is not None  # the rules require the ceremony first
            # RECOG-DATE: official from the exact end of the 12 months, however late the
            # decision is (DOMAIN §4).
            case.official_on = rules.official_date(case.ceremony_on)
            case.recognition_decision_on = day
            Mentor.objects.filter(case=case, ended_on__isnull=True).update(ended_on=day)
            _update_person(
                case,
                actor,
                reason=str(ACTIONS[action].label),
                party_status=PartyStatus.OFFICIAL,
                party_official_on=case.official_on,
            )
        else:
            _leave_party(case, actor, day, Outcome.PROBATION_DELETED)
    elif action == actions.TRANSFERRED:
        assert to_cell is not None
        # The history stays on the steps; mentors were members of the old cell.
        Mentor.objects.filter(case=case, ended_on__isnull=True).update(ended_on=day)
        case.cell = to_cell
        if case.ceremony_on:
            _update_person(case, actor, reason=str(ACTIONS[action].label), org=to_cell)
    elif action == actions.EXIT:
        Mentor.objects.filter(case=case, ended_on__isnull=True).update(ended_on=day)
        if case.ceremony_on:
            _leave_party(case, actor, day, data["outcome"])


def _create_certificate(case: Case, step: Step, data: Mapping[str, Any], *, actor: User) -> None:
    kinds = TrainingBatch.Kind
    kind = kinds.AWARENESS if step.action == actions.COURSE else kinds.NEW_MEMBER
    batch = TrainingBatch.objects.get(pk=data["batch"]) if data.get("batch") else None
    if batch is not None and batch.kind != kind:
        message = _("Lớp “%(b)s” không phải %(k)s.") % {
            "b": batch.name,
            "k": str(kinds(kind).label).lower(),
        }
        raise StepInvalid(message, field_errors={"batch": [message]})
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


def _leave_party(case: Case, actor: User, day: date, reason: str) -> None:
    """A probationary member deleted from the list (or otherwise leaving) is a former member."""
    _update_person(
        case,
        actor,
        reason=str(Outcome(reason).label) if reason in Outcome.values else reason,
        party_status=PartyStatus.FORMER,
        party_left_on=day,
        party_left_reason=reason,
    )


def _refresh_cached(case: Case, facts: CaseFacts, calendar: WorkCalendar) -> None:
    """Set the case's cached stage, outcome, closing date and next due date from its facts."""
    stage, since = rules.derive_stage(facts)
    case.stage = stage
    case.stage_since = since
    case.outcome = rules.outcome_of(facts)
    if case.outcome == Outcome.OPEN:
        case.closed_on = None
        # The cached "next due" drives "overdue": milestones (probation end) do not count.
        dues = [d for d in rules.due_dates(facts, calendar=calendar) if d.deadline]
        first = min(dues, key=lambda d: d.due_on) if dues else None
        case.next_due_on = first.due_on if first else None
        case.next_due_rule = first.rule_id if first else ""
    else:
        case.closed_on = facts.steps[-1].occurred_on
        case.next_due_on = None
        case.next_due_rule = ""


# --- facts for the rules ---------------------------------------------------------------


def expected_authority(case: Case, on: date) -> tuple[Org, str] | None:
    """Return the committee (and its deciding body's label) that decides this case on `on`.

    DOMAIN §1.2: what the organisation tree's delegation settings say for the cell
    (orgs.rules.admission_authority), except for a candidate over 60, whom the province-level
    committee decides (item 5). None when no unit above the cell has the power.
    """
    chain = [*ancestors_of(case.cell), case.cell]
    admitted_on = case.decision_on or on
    if rules.is_over_60(case.person.birth_date, admitted_on):
        province = next(
            (o for o in reversed(chain) if o.kind in (OrgKind.PROVINCE, OrgKind.CENTRAL_DIRECT)),
            None,
        )
        if province is None:
            return None
        return province, str(DecidingBody.PERMANENT_MEMBERS.label)
    authority = admission_authority([org_facts(o) for o in chain], on)
    if authority.org is None:
        return None
    org = next(o for o in chain if o.pk == authority.org.id)
    return org, str(DecidingBody(authority.body).label) if authority.body else ""


def with_authority(facts: CaseFacts, case: Case, action: str, on: date) -> CaseFacts:
    """Return facts carrying the expected deciding committee for a decision step (AUTHORITY)."""
    if action not in (actions.DECISION, actions.RECOGNITION_DECISION):
        return facts
    expected = expected_authority(case, on)
    if expected is None:
        return facts
    org, body = expected
    label = f"{body} {org.name}".strip() if body else org.name
    return dataclasses.replace(facts, authority_id=org.pk, authority_label=label)


# --- step data -------------------------------------------------------------------------


def clean_step_data(
    spec: ActionSpec, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (JSON to store, typed values for the rules) or raise StepInvalid.

    Every message names the field by its Vietnamese label. Dates come as date objects,
    ISO strings (JSON) or dd/mm/yyyy; ids as integers (or digit strings from forms).
    """
    errors: dict[str, list[str]] = {}
    typed: dict[str, Any] = {}
    known = {f.name for f in spec.fields}
    for key in data:
        if key not in known:
            errors[key] = [_("Trường “%(name)s” không thuộc bước này.") % {"name": key}]
    refs: dict[str, set[int]] = {"person": set(), "org": set(), "batch": set()}
    for field in spec.fields:
        label = str(field.label)
        raw = data.get(field.name)
        if _is_blank(raw):
            if field.required:
                errors[field.name] = [_("%(label)s là bắt buộc.") % {"label": label}]
            continue
        try:
            value = _parse(field.type, raw, label)
        except ValueError as exc:
            errors[field.name] = [str(exc)]
            continue
        base = field.type.split(":")[0]
        if base in ("person", "org", "batch"):
            refs[base].add(value)
        elif base == "persons":
            refs["person"].update(value)
        typed[field.name] = value
    _check_references(spec, typed, refs, errors)
    if errors:
        raise StepInvalid(_("Thông tin của bước chưa hợp lệ."), field_errors=errors)
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in typed.items()}, typed


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def _parse(kind: str, raw: Any, label: str) -> Any:
    """Return raw converted to the field type, or raise ValueError with a Vietnamese message."""
    base, _sep, options = kind.partition(":")
    if base == "date":
        return _parse_date(raw, label)
    if base == "int":
        value = _parse_int(raw)
        if value is None or value < 0:
            raise ValueError(_("%(label)s phải là số nguyên không âm.") % {"label": label})
        return value
    if base in ("str", "text"):
        if not isinstance(raw, str):
            raise ValueError(_("%(label)s phải là chuỗi ký tự.") % {"label": label})
        value_s = normalize_spaces(raw) if base == "str" else raw.strip()
        if base == "str" and len(value_s) > _STR_MAX:
            raise ValueError(_("%(label)s dài quá %(n)s ký tự.") % {"label": label, "n": _STR_MAX})
        return value_s
    if base == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise ValueError(_("%(label)s phải là có hoặc không (true/false).") % {"label": label})
    if base in ("person", "org", "batch"):
        value = _parse_int(raw)
        if value is None or value <= 0:
            raise ValueError(_("%(label)s: mã không hợp lệ.") % {"label": label})
        return value
    if base == "persons":
        items = raw if isinstance(raw, list | tuple) else None
        values = [_parse_int(v) for v in items] if items is not None else [None]
        if any(v is None or v <= 0 for v in values):
            raise ValueError(_("%(label)s: phải là danh sách mã người.") % {"label": label})
        if len(set(values)) != len(values):
            raise ValueError(_("%(label)s: một người được nêu hai lần.") % {"label": label})
        return values
    if base == "choice":
        allowed = options.split("|")
        if raw not in allowed:
            raise ValueError(
                _("%(label)s: giá trị “%(value)s” không nằm trong danh sách cho phép.")
                % {"label": label, "value": raw}
            )
        return raw
    raise ValueError(f"unknown field type {kind!r}")


def _parse_int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return None


def _parse_date(raw: Any, label: str) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        try:
            if _ISO_DATE.fullmatch(text):
                return date.fromisoformat(text)
            if _VN_DATE.fullmatch(text):
                return datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 (a date)
        except ValueError:
            pass
    raise ValueError(
        _("%(label)s: ngày không hợp lệ (viết dd/mm/yyyy, ví dụ 17/05/2025).") % {"label": label}
    )


def _check_references(
    spec: ActionSpec,
    typed: Mapping[str, Any],
    refs: Mapping[str, set[int]],
    errors: dict[str, list[str]],
) -> None:
    """Add an error for every id that names no row (one query per kind of reference)."""
    found = {
        "person": set(Person.objects.filter(pk__in=refs["person"]).values_list("pk", flat=True))
        if refs["person"]
        else set(),
        "org": set(Org.objects.filter(pk__in=refs["org"]).values_list("pk", flat=True))
        if refs["org"]
        else set(),
        "batch": set(
            TrainingBatch.objects.filter(pk__in=refs["batch"]).values_list("pk", flat=True)
        )
        if refs["batch"]
        else set(),
    }
    messages = {
        "person": _("%(label)s: không tìm thấy người có mã %(id)s."),
        "org": _("%(label)s: không tìm thấy tổ chức có mã %(id)s."),
        "batch": _("%(label)s: không tìm thấy lớp có mã %(id)s."),
    }
    for field in spec.fields:
        if field.name not in typed:
            continue
        base = field.type.split(":")[0]
        kind = "person" if base == "persons" else base
        if kind not in found:
            continue
        values = typed[field.name] if base == "persons" else [typed[field.name]]
        for value in values:
            if value not in found[kind]:
                errors.setdefault(field.name, []).append(
                    messages[kind] % {"label": str(field.label), "id": value}
                )


__all__ = [
    "StepInvalid",
    "TransitionBlocked",
    "add_to_pool",
    "calendar_for",
    "case_facts",
    "clean_step_data",
    "member_facts",
    "open_case",
    "preview_step",
    "record_step",
    "register_existing_member",
    "required_action",
    "review_pool",
    "step_facts",
]
