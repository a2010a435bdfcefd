"""Demo admission cases: every stage, overdue ones, failed votes, a re-admission, an over-60.

Cases are built through the real services (`open_case`, `record_step`), so every step passes
the rules engine and writes the same history, mentors, certificates and due dates as a user
would. At each point the walker asks the rules which actions may come next and takes the
forward one, so cells with a sub-committee or without a grassroots committee get their own path.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q

from ptdv.access.models import User
from ptdv.core.errors import DomainError
from ptdv.members.models import MemberPeriod, Membership, Standing
from ptdv.orgs.models import Org, OrgKind
from ptdv.people.models import Person
from ptdv.pipeline import actions as A
from ptdv.pipeline import rules
from ptdv.pipeline.models import Case, Source, Stage
from ptdv.pipeline.services import (
    add_to_pool,
    case_facts,
    expected_authority,
    open_case,
    record_step,
)

# The forward path in preference order; the rules say which of them is allowed next.
FORWARD = (
    A.COURSE,
    A.CANDIDATE_LISTED,
    A.APPLICATION,
    A.HISTORY,
    A.VERIFY_REQUESTED,
    A.VERIFIED,
    A.INTRODUCED,
    A.OPINIONS,
    A.READMISSION_CONSENT,
    A.OVER60_CONSENT,
    A.CELL_VOTE,
    A.APPRAISAL,
    A.COMMITTEE_VOTE,
    A.DECISION,
    A.CEREMONY,
    A.NEW_MEMBER_COURSE,
    A.SELF_REVIEW,
    A.MENTOR_ASSESSMENT,
    A.PROBATION_OPINIONS,
    A.RECOGNITION_CELL_VOTE,
    A.RECOGNITION_COMMITTEE_VOTE,
    A.RECOGNITION_DECISION,
)
# Days between one step and the next (before the probation year).
GAP = {
    A.COURSE: 20,
    A.CANDIDATE_LISTED: 15,
    A.APPLICATION: 25,
    A.HISTORY: 7,
    A.VERIFY_REQUESTED: 5,
    A.VERIFIED: 40,
    A.INTRODUCED: 7,
    A.OPINIONS: 12,
    A.READMISSION_CONSENT: 10,
    A.OVER60_CONSENT: 10,
    A.CELL_VOTE: 7,
    A.APPRAISAL: 7,
    A.COMMITTEE_VOTE: 10,
    A.DECISION: 30,
    A.CEREMONY: 12,
    A.NEW_MEMBER_COURSE: 120,
    A.SELF_REVIEW: 5,
    A.MENTOR_ASSESSMENT: 2,
    A.PROBATION_OPINIONS: 3,
    A.RECOGNITION_CELL_VOTE: 6,
    A.RECOGNITION_COMMITTEE_VOTE: 8,
    A.RECOGNITION_DECISION: 12,
}
ISSUER = "Trung tâm Chính trị tỉnh Quảng Trị"
DEMO_HOME_PREFIX = "QT-DHA-DTH"  # Đảng bộ khu dân cư Đông Thanh, where the demo users work
VOTES = frozenset(
    {A.CELL_VOTE, A.COMMITTEE_VOTE, A.RECOGNITION_CELL_VOTE, A.RECOGNITION_COMMITTEE_VOTE}
)


@dataclass(frozen=True)
class Plan:
    target: str  # the stage to reach
    days_ago: int  # how long ago the last step happened
    fail_cell_votes: int = 0  # failed cell votes before the passing one
    over_60: bool = False
    readmission: bool = False
    exit_outcome: str = ""  # stop the case with this outcome after reaching target


# Cases across every stage; some deliberately overdue (decision or ceremony late).
PLANS: tuple[Plan, ...] = (
    *(Plan(Stage.SOURCE, d) for d in (3, 20, 45)),
    *(Plan(Stage.TRAINED, d) for d in (10, 60)),
    *(Plan(Stage.CANDIDATE, d) for d in (5, 30, 90)),
    *(Plan(Stage.DOSSIER, d) for d in (8, 40)),
    *(Plan(Stage.VERIFIED, d) for d in (12, 25)),
    Plan(Stage.INTRODUCED, 9),
    Plan(Stage.OPINIONS, 6),
    Plan(Stage.OPINIONS, 4, over_60=True),
    Plan(Stage.CELL_APPROVED, 10),
    Plan(Stage.CELL_APPROVED, 20, fail_cell_votes=1),
    Plan(Stage.CELL_APPROVED, 130),  # the decision is overdue (60 working days)
    Plan(Stage.COMMITTEE_APPROVED, 15),
    Plan(Stage.COMMITTEE_APPROVED, 110),  # overdue as well
    Plan(Stage.DECIDED, 10),
    Plan(Stage.DECIDED, 75),  # the ceremony is overdue (30 working days)
    *(Plan(Stage.PROBATION, d) for d in (20, 150, 300)),
    Plan(Stage.PROBATION, 30, readmission=True),
    Plan(Stage.RECOGNITION_CELL, 12),
    Plan(Stage.OFFICIAL, 40),
    Plan(Stage.OFFICIAL, 200),
    Plan(Stage.OPINIONS, 50, exit_outcome="withdrawn"),
    Plan(Stage.CANDIDATE, 35, exit_outcome="dropped"),
    Plan(Stage.OPINIONS, 25, fail_cell_votes=3),  # three failed votes: to be escalated
)


def _cells_with_members() -> list[Org]:
    cells = Org.objects.filter(
        kind__in=[OrgKind.CELL, OrgKind.GRASSROOTS_CELL], valid_to__isnull=True
    ).order_by("path")
    officials = dict(
        Membership.objects.filter(status=Standing.OFFICIAL)
        .values("cell_id")
        .annotate(n=Count("pk"))
        .values_list("cell_id", "n")
    )
    others = dict(
        Person.objects.exclude(memberships__isnull=False)
        .values("org_id")
        .annotate(n=Count("pk"))
        .values_list("org_id", "n")
    )
    return [c for c in cells if officials.get(c.pk, 0) >= 5 and others.get(c.pk, 0) >= 2]


class _Walker:
    def __init__(self, rng: random.Random, actor: User, today: date) -> None:
        self.rng = rng
        self.actor = actor
        self.today = today
        self.numbers = iter(range(101, 10_000))

    def officials(self, cell: Org, day: date) -> list[Person]:
        ids = (
            # Members exempted from activity neither help candidates nor vote (by default).
            MemberPeriod.objects.filter(
                cell=cell, standing=Standing.OFFICIAL, exempted=False, valid_from__lte=day
            )
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
            .values("person_id")
        )
        return list(Person.objects.filter(pk__in=ids).order_by("sort_key", "pk"))

    def data(self, case: Case, action: str, day: date, *, fail: bool = False) -> dict[str, Any]:
        rng = self.rng
        members = self.officials(case.cell, day)
        n = next(self.numbers)
        if action in (A.COURSE, A.NEW_MEMBER_COURSE):
            return {"certificate_number": f"{n}/GCN", "issued_on": day, "issuer": ISSUER}
        if action in (A.CANDIDATE_LISTED, A.CEREMONY):
            data: dict[str, Any] = {"mentor": rng.choice(members).pk}
            if action == A.CANDIDATE_LISTED:
                data["resolution_number"] = f"{n}-NQ/CB"
            return data
        if action == A.VERIFY_REQUESTED:
            return {"places": "Chi ủy nơi cư trú; cơ quan nơi làm việc"}
        if action == A.VERIFIED:
            return {
                "relatives_verified": "Cha, mẹ, vợ/chồng",
                "conclusion": "Lịch sử chính trị rõ ràng, chấp hành tốt chủ trương, pháp luật.",
                "certified_by": "Đảng ủy cơ sở",
                "satisfactory": True,
            }
        if action == A.INTRODUCED:
            person = case.person
            youth = person.youth_union_member and (day - person.birth_date).days < 30 * 365
            if youth:
                return {
                    "mode": "youth_union",
                    "introducers": [rng.choice(members).pk],
                    "resolution_number": f"{n}-NQ/ĐTN",
                    "worked_together_months": rng.randint(13, 40),
                }
            return {
                "mode": "two_members",
                "introducers": [m.pk for m in rng.sample(members, 2)],
                "worked_together_months": rng.randint(13, 60),
            }
        if action == A.OPINIONS:
            return {
                "organisations": "Đoàn Thanh niên, Công đoàn",
                "residence_cell": "Chi bộ nơi cư trú",
                "favourable": True,
            }
        if action in (A.OVER60_CONSENT, A.READMISSION_CONSENT):
            return {"document_number": f"{n}-CV/TU"}
        if action in (A.CELL_VOTE, A.RECOGNITION_CELL_VOTE):
            eligible = len(self.officials(case.cell, day))
            present = eligible - rng.randint(0, min(2, eligible - 3))
            required = rules.required_agree(eligible)
            agree = rng.randint(max(0, required - 3), required - 1) if fail else present
            return {"eligible": eligible, "present": present, "agree": min(agree, present)}
        if action in (A.COMMITTEE_VOTE, A.RECOGNITION_COMMITTEE_VOTE):
            return {"eligible": 9, "present": 9, "agree": rng.randint(7, 9)}
        if action == A.APPRAISAL:
            return {"agrees": True}
        if action == A.PROBATION_OPINIONS:
            return {"favourable": True}
        if action in (A.DECISION, A.RECOGNITION_DECISION):
            expected = expected_authority(case, day)
            org_id = expected[0].pk if expected else case.cell.get_parent().pk
            if action == A.DECISION:
                return {
                    "decision_number": f"{n}-QĐ/ĐU",
                    "signer": "Phó Bí thư Thường trực",
                    "authority": org_id,
                    "received_on": day + timedelta(days=3),
                    "admitted": True,
                }
            return {"decision_number": f"{n}-QĐ/ĐU", "authority": org_id, "recognised": True}
        return {}

    def record(self, case: Case, action: str, day: date, **kw: Any) -> Case:
        data = self.data(case, action, day, **kw)
        try:
            record_step(
                case=case,
                action=action,
                occurred_on=day,
                data=data,
                version=case.version,
                actor=self.actor,
                today=self.today,
            )
        except DomainError as exc:
            # The demo must satisfy the rules; say exactly which step and why if it does not.
            details = getattr(exc, "findings", None) or exc.field_errors
            raise RuntimeError(
                f"demo case {case.pk} {action} {day}: {exc.message} {details}"
            ) from exc
        return Case.objects.select_related("person", "cell").get(pk=case.pk)

    def walk(self, case: Case, plan: Plan, start: date) -> Case:
        day = start
        failed = 0
        position = -1  # index in FORWARD of the last forward step recorded
        while rules.stage_index(case.stage) < rules.stage_index(plan.target):
            allowed = set(rules.next_actions(case_facts(case)))
            # Go forward only: repeatable steps (a renewed certificate) are not retaken, but a
            # vote is taken again after a failed one.
            action = next(
                (
                    a
                    for i, a in enumerate(FORWARD)
                    if a in allowed and (i > position or (i == position and a in VOTES))
                ),
                None,
            )
            if action is None or day > self.today:
                break
            if action == A.CELL_VOTE and failed < plan.fail_cell_votes:
                case = self.record(case, action, day, fail=True)
                position = FORWARD.index(action)
                failed += 1
                day += timedelta(days=30)
                continue
            if action == A.SELF_REVIEW and case.probation_ends_on:
                day = max(day, case.probation_ends_on + timedelta(days=2))
            case = self.record(case, action, day)
            position = FORWARD.index(action)
            day += timedelta(days=GAP[action] + self.rng.randint(0, 4))
        # Failed votes still owed when the target comes before the vote (a cell that failed
        # three times and must now report to the superior).
        while (
            failed < plan.fail_cell_votes
            and day <= self.today
            and A.CELL_VOTE in rules.next_actions(case_facts(case))
        ):
            case = self.record(case, A.CELL_VOTE, day, fail=True)
            failed += 1
            day += timedelta(days=30)
        if plan.exit_outcome and day <= self.today:
            record_step(
                case=case,
                action=A.EXIT,
                occurred_on=min(day, self.today),
                data={"outcome": plan.exit_outcome, "reason": "Theo đề nghị của chi bộ."},
                version=case.version,
                actor=self.actor,
                today=self.today,
            )
        return case


# The step whose date marks reaching each stage.
LAST_ACTION: dict[str, str] = {
    Stage.TRAINED: A.COURSE,
    Stage.CANDIDATE: A.CANDIDATE_LISTED,
    Stage.DOSSIER: A.HISTORY,
    Stage.VERIFIED: A.VERIFIED,
    Stage.INTRODUCED: A.INTRODUCED,
    Stage.OPINIONS: A.OPINIONS,
    Stage.CELL_APPROVED: A.CELL_VOTE,
    Stage.COMMITTEE_APPROVED: A.COMMITTEE_VOTE,
    Stage.DECIDED: A.DECISION,
    Stage.PROBATION: A.CEREMONY,
    Stage.RECOGNITION_CELL: A.RECOGNITION_CELL_VOTE,
    Stage.OFFICIAL: A.RECOGNITION_DECISION,
}
_OPTIONAL = {A.READMISSION_CONSENT, A.OVER60_CONSENT, A.APPRAISAL}


def _span(plan: Plan) -> int:
    """Return about how many days lie between opening the case and its last planned step, so
    that the last step happens `plan.days_ago` days before today."""
    last = LAST_ACTION.get(plan.target)
    if last is None:
        return 0
    days = 30 * plan.fail_cell_votes
    for action in FORWARD[: FORWARD.index(last)]:
        if action in _OPTIONAL:
            continue
        if action == A.SELF_REVIEW:
            # The self-review waits for the end of the probation year (ceremony + 12 months).
            days -= sum(
                GAP[a] + 2 for a in FORWARD[FORWARD.index(A.CEREMONY) : FORWARD.index(action)]
            )
            days += 367
        days += GAP[action] + 2
    return days


def create_demo_cases(*, rng: random.Random, actor: User, today: date) -> int:
    """Create the planned cases; return how many were created."""
    cells = _cells_with_members()
    walker = _Walker(rng, actor, today)
    created = 0
    # The demo's cell secretary and grassroots officer work in Đông Thanh: every third case
    # goes there, so their logins show a board and a to-do list with something on it.
    home = [c for c in cells if c.code.startswith(DEMO_HOME_PREFIX)]
    for index, plan in enumerate(PLANS):
        # Spread the cases over the province; move on to the next cell when one has nobody.
        order = [cells[(index * 7 + offset) % len(cells)] for offset in range(len(cells))]
        if home and index % 3 == 0:
            order = [home[(index // 3) % len(home)], *order]
        picked = None
        for cell in order:
            picked = _candidate(cell, plan, rng, actor, today)
            if picked is not None:
                break
        if picked is None:
            continue
        cell, person = picked
        start = today - timedelta(days=_span(plan) + plan.days_ago)
        entry = add_to_pool(
            cell=cell,
            person=person,
            source=Source.YOUTH_UNION if person.youth_union_member else Source.TRADE_UNION,
            listed_on=start - timedelta(days=30),
            proposed_by="Ban Chấp hành Đoàn cơ sở" if person.youth_union_member else "Công đoàn",
            notes="",
            actor=actor,
            today=today,
        )
        case = open_case(
            person=person,
            cell=cell,
            source=entry.source,
            opened_on=start,
            actor=actor,
            today=today,
            pool_entry=entry,
            is_readmission=plan.readmission,
        )
        walker.walk(Case.objects.select_related("person", "cell").get(pk=case.pk), plan, start)
        created += 1
    return created


def _candidate(
    cell: Org, plan: Plan, rng: random.Random, actor: User, today: date
) -> tuple[Org, Person] | None:
    """Pick a non-member fitting the plan: in the given cell, or for the over-60 path the
    first cell that has a non-member past 60 (DOMAIN §3.1)."""
    people = (
        Person.objects.filter(cases__isnull=True, education__meets_lower_secondary=True)
        .exclude(memberships__isnull=False)
        .exclude(occupation__code="hoc_sinh_sinh_vien")
    )
    if plan.over_60:
        people = people.filter(
            birth_date__lt=date(today.year - 61, 1, 1), org__in=_cells_with_members()
        )
    else:
        people = people.filter(
            org=cell,
            birth_date__gt=date(today.year - 45, 1, 1),
            birth_date__lt=date(today.year - 19, 1, 1),
        )
    found = list(people.select_related("org").order_by("sort_key", "pk")[:50])
    if not found:
        return None
    person = rng.choice(found)
    if plan.readmission:
        _make_former_member(person, actor, today)
    return person.org, person


def _make_former_member(person: Person, actor: User, today: date) -> None:
    """Give the person an earlier membership that ended by resignation for hardship, which
    allows re-admission (READMIT): admitted twenty years ago outside the demo's rolls."""
    from ptdv.members.services.bulk import EventSpec, HistorySpec, bulk_enter

    outside = "Đảng bộ nơi công tác trước đây (dữ liệu mẫu)"
    cell_id = person.org_id
    bulk_enter(
        [
            HistorySpec(
                person_id=person.pk,
                sort_key=person.sort_key,
                decision_on=date(today.year - 20, 3, 1),
                events=[
                    EventSpec(
                        "admitted", date(today.year - 20, 3, 26), cell_id, other_party=outside
                    ),
                    EventSpec("recognised", date(today.year - 19, 3, 26), cell_id),
                    EventSpec(
                        "resigned", date(today.year - 8, 6, 1), cell_id, cause="resigned_hardship"
                    ),
                ],
            )
        ],
        actor=actor,
        today=today,
    )
