"""Facts the pipeline rules judge, read from the database.

The selectors (case page, next steps) and the services (transitions) both build the rules'
inputs here, so selectors never import services (docs/decisions.md D21, D22).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db.models import Q

from ptdv.access import policy
from ptdv.access.models import User
from ptdv.access.policy import Action
from ptdv.core.calendar import WorkCalendar, load_calendar
from ptdv.members.models import Membership, Standing
from ptdv.members.selectors import (
    absent_on,
    committee_size_on,
    exit_of,
    last_membership,
    officials_of_cell_on,
)
from ptdv.orgs.models import DecidingBody, Org, OrgKind
from ptdv.orgs.rules import admission_authority, committee_name
from ptdv.orgs.selectors import ancestors_of, grassroots_committee_of, org_facts
from ptdv.people.models import Person
from ptdv.pipeline import actions, fields, rules
from ptdv.pipeline.actions import ACTIONS, ActionSpec
from ptdv.pipeline.config import rules_config
from ptdv.pipeline.models import (
    Case,
    Outcome,
    Step,
)
from ptdv.pipeline.rules import CaseFacts, MemberFacts, ReadmissionFacts, StepFacts
from ptdv.pipeline.rules.timing import age_judged_on
from ptdv.pipeline.rules.votes import cell_electorate

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


def typed_from_json(spec: ActionSpec, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return stored step data with its dates turned back into date objects."""
    typed = dict(data)
    for field in spec.fields:
        if field.name in typed:
            typed[field.name] = fields.from_json(field, typed[field.name])
    return typed


# --- facts for the rules ---------------------------------------------------------------

# The fields naming people, by name (the same name has the same kind in every step).
_PERSON_FIELDS = {
    f.name: f for spec in ACTIONS.values() for f in spec.fields if f.kind.ref == "person"
}


def expected_authority(
    case: Case, on: date, facts: CaseFacts | None = None, state: rules.CaseState | None = None
) -> tuple[Org, str] | None:
    """Return the committee (and its deciding body's label) that decides this case on `on`.

    DOMAIN §1.2: what the organisation tree's delegation settings say for the cell
    (orgs.rules.admission_authority), except for a candidate over 60, whom the province-level
    committee decides (item 5). Age is judged on the cell meeting's date, as AGE-MAX judges it
    (rules.timing.age_judged_on), so the two never disagree. None when no unit above the cell
    has the power. `facts` and `state` save a replay when the caller has them.
    """
    config = rules_config()
    chain = [*ancestors_of(case.cell), case.cell]
    judged_on = age_judged_on(facts or case_facts(case), on, config=config, state=state)
    if rules.is_over_60(case.person.birth_date, judged_on, config=config):
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


def with_authority(
    facts: CaseFacts, case: Case, action: str, on: date, state: rules.CaseState | None = None
) -> CaseFacts:
    """Return facts carrying the expected deciding committee for a decision step (AUTHORITY)."""
    if action not in (actions.DECISION, actions.RECOGNITION_DECISION):
        return facts
    expected = expected_authority(case, on, facts, state)
    if expected is None:
        return facts
    org, body = expected
    label = f"{body} {org.name}".strip() if body else org.name
    return dataclasses.replace(facts, authority_id=org.pk, authority_label=label)


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
        earlier = last_membership(person.pk)
        if earlier is not None and earlier.status != Standing.LEFT:
            earlier = earlier.previous  # the re-admission's own membership (after the ceremony)
        exit_event = exit_of(earlier) if earlier is not None else None
        readmission = ReadmissionFacts(
            left_on=earlier.left_on if earlier else None,
            left_reason=exit_event.cause if exit_event else "",
            # Not kept on the person: the application step declares it (rules.declared_facts);
            # READMIT treats None as "no record".
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
        # The difficult-area / fisherman exception and an equivalent diploma (EDU-MIN) are not
        # kept on the person: the lý lịch step declares them (rules.declared_facts).
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
        data=typed_from_json(spec, step.data) if spec else dict(step.data),
    )


def member_facts(
    case: Case,
    data: Mapping[str, Any],
    extra_ids: Iterable[int] = (),
    *,
    user: User | None,
    on: date | None = None,
) -> dict[int, MemberFacts]:
    """Return member facts for the people a step names and for the cell's official members.

    A named person outside the user's scope is left out: facts about them must not reach
    the rules, whose findings the user reads (step data is resolved through the case's cell
    before this; stored mentors may since have moved anywhere).
    """
    ids = set(extra_ids)
    for key, value in data.items():
        field = _PERSON_FIELDS.get(key)
        if field is not None:
            ids.update(field.ids(value))
    named = policy.scope(user, Person.objects.filter(pk__in=ids), Action.PERSON_VIEW)
    rows = (
        Membership.objects.filter(
            Q(cell_id=case.cell_id, status=Standing.OFFICIAL, in_transit=False)
            | Q(person_id__in=named.values("pk"))
        )
        .filter(status__in=[Standing.OFFICIAL, Standing.PROBATIONARY])
        .values_list("person_id", "status", "cell_id", "official_on", "in_transit")
    )
    facts = {
        pk: MemberFacts(
            person_id=pk,
            party_status=status,
            cell_id=None if in_transit else cell_id,
            official_on=official,
        )
        for pk, status, cell_id, official, in_transit in rows
    }
    if on is None:
        return facts
    # The cell's roll on the step's day comes from the registry's periods (VOTE-ELECTORATE):
    # who was an official member of the cell then, and who was exempted from activity; a
    # member who joined the cell since is not on that day's roll.
    on_roll = dict(officials_of_cell_on(case.cell_id, on))
    for pk, fact in list(facts.items()):
        if fact.cell_id == case.cell_id and pk not in on_roll:
            facts[pk] = dataclasses.replace(fact, cell_id=None)
    for pk, exempted in on_roll.items():
        known = facts.get(pk) or MemberFacts(pk, Standing.OFFICIAL, case.cell_id, None)
        facts[pk] = dataclasses.replace(
            known, party_status=Standing.OFFICIAL, cell_id=case.cell_id, exempted=exempted
        )
    return facts


def with_electorate(facts: CaseFacts, case: Case, action: str, on: date) -> CaseFacts:
    """Return facts carrying the grassroots committee and its size on the day of a committee
    vote (VOTE-ELECTORATE)."""
    if action not in (actions.COMMITTEE_VOTE, actions.RECOGNITION_COMMITTEE_VOTE):
        return facts
    committee = grassroots_committee_of(Org.objects.get(pk=case.cell_id))
    if committee is None:
        return facts
    return dataclasses.replace(
        facts,
        committee_id=committee.pk,
        committee_label=committee_name(committee.name),
        committee_size=committee_size_on(committee.pk, on),
    )


def calendar_for(facts: CaseFacts, today: date, *days: date) -> WorkCalendar:
    """Return the working-day calendar covering the case's dates and today ± 2 years."""
    years = [today.year, facts.opened_on.year, *(d.year for d in days)]
    years += [s.occurred_on.year for s in facts.steps]
    # Deadlines run past the last event (probation is 12 months, then 30 + 30 working days).
    return load_calendar(min(min(years), today.year - 2), max(max(years) + 2, today.year + 2))


def vote_prefill(case: Case, action: str, day: date, *, user: User | None) -> dict[str, int]:
    """Return the figures a vote's form starts from (issue 7 items 6–7): for a cell vote the
    electorate on the day from the registry and, when the cell recorded its meeting that day,
    those present; for a committee vote the committee's recorded seats. The rule
    VOTE-ELECTORATE still judges what is finally typed."""
    if action in (actions.CELL_VOTE, actions.RECOGNITION_CELL_VOTE):
        facts = case_facts(case)
        members = member_facts(case, {}, user=user, on=day)
        config = rules_config()
        eligible = cell_electorate(facts, day, members, config)
        prefill = {"eligible": eligible}
        absent = absent_on(case.cell_id, day)
        if absent is not None:
            voters = [
                pk
                for pk, m in members.items()
                if m.cell_id == case.cell_id
                and m.party_status == Standing.OFFICIAL
                and pk != case.person_id
                and (config.electorate_counts_exempted or not m.exempted)
            ]
            prefill["present"] = sum(1 for pk in voters if pk not in absent)
        return prefill
    if action in (actions.COMMITTEE_VOTE, actions.RECOGNITION_COMMITTEE_VOTE):
        facts = with_electorate(case_facts(case), case, action, day)
        return {"eligible": facts.committee_size} if facts.committee_size is not None else {}
    return {}
