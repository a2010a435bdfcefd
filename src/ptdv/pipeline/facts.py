"""Facts the pipeline rules judge, read from the database.

The selectors (case page, next steps) and the services (transitions) both build the rules'
inputs here, so selectors never import services (docs/decisions.md D22).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db.models import Q

from ptdv.access.policy import Action
from ptdv.core.calendar import WorkCalendar, load_calendar
from ptdv.orgs.models import Org, OrgKind
from ptdv.people.models import PartyStatus, Person
from ptdv.pipeline.actions import ACTIONS, ActionSpec
from ptdv.pipeline.models import Case, Outcome, Step
from ptdv.pipeline.rules import CaseFacts, MemberFacts, ReadmissionFacts, StepFacts

# Which policy action each catalogue permission needs (actions.ActionSpec.permission).
_PERMISSIONS: dict[str, Action] = {
    "record": Action.CASE_RECORD,
    "committee": Action.CASE_COMMITTEE,
    "decide": Action.CASE_DECIDE,
}
# Education levels (people reference list codes) that count as "primary school completed"
# for the difficult-area exception (DOMAIN §3.2, EDU-MIN); lower-secondary and up also do.
_PRIMARY_CODES = frozenset({"tieu_hoc"})


def required_action(code: str) -> Action:
    """Return the policy action a user needs (on the case's cell) to record step `code`."""
    spec = ACTIONS.get(code)
    if spec is None:
        raise KeyError(code)
    return _PERMISSIONS[spec.permission]


def case_facts(case: Case, steps: Iterable[Step] | None = None) -> CaseFacts:
    """Return the plain facts the rules judge a case on (steps loaded unless given)."""
    person = Person.objects.select_related("education").get(pk=case.person_id)
    cell = Org.objects.get(pk=case.cell_id)
    parent_kind = (
        Org.objects.filter(path=cell.path[: -Org.steplen]).values_list("kind", flat=True).first()
    )
    if steps is None:
        steps = Step.objects.filter(case_id=case.pk).order_by("seq")
    education = person.education
    readmission = None
    if case.is_readmission:
        readmission = ReadmissionFacts(
            left_on=person.party_left_on,
            left_reason=person.party_left_reason,
            # Not kept on the person yet (lý lịch issue); READMIT treats None as "no record".
            record_cleared_on=None,
            readmitted_before=Case.objects.filter(
                person_id=person.pk, is_readmission=True, outcome=Outcome.OFFICIAL
            )
            .exclude(pk=case.pk)
            .exists(),
        )
    return CaseFacts(
        person_id=person.pk,
        birth_date=person.birth_date,
        education_meets_lower_secondary=bool(education and education.meets_lower_secondary),
        education_primary_completed=bool(
            education and (education.meets_lower_secondary or education.code in _PRIMARY_CODES)
        ),
        # The difficult-area / fisherman exception (EDU-MIN) is not recorded anywhere yet:
        # until the lý lịch carries it, no case claims it.
        education_exception=False,
        youth_union_member=person.youth_union_member,
        trade_union_member=person.trade_union_member,
        cell_id=cell.pk,
        cell_is_grassroots=cell.kind == OrgKind.GRASSROOTS_CELL,
        has_sub_committee=parent_kind == OrgKind.SUB_COMMITTEE,
        is_readmission=case.is_readmission,
        readmission=readmission,
        opened_on=case.opened_on,
        steps=tuple(step_facts(s) for s in steps),
    )


def step_facts(step: Step) -> StepFacts:
    """Return a stored step as the rules see it (dates as dates, ids as ints)."""
    spec = ACTIONS.get(step.action)
    return StepFacts(
        seq=step.seq,
        action=step.action,
        occurred_on=step.occurred_on,
        data=_typed_from_json(spec, step.data) if spec else dict(step.data),
    )


def member_facts(
    case: Case, data: Mapping[str, Any], extra_ids: Iterable[int] = ()
) -> dict[int, MemberFacts]:
    """Return member facts for the people a step names and for the cell's official members."""
    ids = set(extra_ids)
    spec_fields = {f.name: f.type for spec in ACTIONS.values() for f in spec.fields}
    for key, value in data.items():
        kind = spec_fields.get(key)
        if kind == "person" and isinstance(value, int):
            ids.add(value)
        elif kind == "persons" and isinstance(value, list | tuple):
            ids.update(v for v in value if isinstance(v, int))
    rows = Person.objects.filter(
        Q(org_id=case.cell_id, party_status=PartyStatus.OFFICIAL) | Q(pk__in=ids)
    ).values_list("pk", "party_status", "org_id", "party_official_on")
    return {
        pk: MemberFacts(person_id=pk, party_status=status, cell_id=org_id, official_on=official)
        for pk, status, org_id, official in rows
    }


def calendar_for(facts: CaseFacts, today: date, *days: date) -> WorkCalendar:
    """Return the working-day calendar covering the case's dates and today ± 2 years."""
    years = [today.year, facts.opened_on.year, *(d.year for d in days)]
    years += [s.occurred_on.year for s in facts.steps]
    # Deadlines run past the last event (probation is 12 months, then 30 + 30 working days).
    return load_calendar(min(min(years), today.year - 2), max(max(years) + 2, today.year + 2))


def _typed_from_json(spec: ActionSpec, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return stored step data with its dates turned back into date objects."""
    typed = dict(data)
    for field in spec.fields:
        value = typed.get(field.name)
        if field.type == "date" and isinstance(value, str):
            try:
                typed[field.name] = date.fromisoformat(value)
            except ValueError:
                pass
    return typed
