"""Pipeline test data made through the services, so steps, mentors and history are real.

`walk_case_to(case, stage)` records, in order and with valid data, every step a case needs to
reach a stage; the dates are the ones of `PATH` (a person opened in September 2024, admitted
in January 2025, ceremony 10/02/2025, official 10/02/2026, recognised two months late).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from ptdv.access.models import User
from ptdv.members import services as registry
from ptdv.members.models import Standing
from ptdv.members.selectors import last_membership
from ptdv.orgs.models import Org
from ptdv.people.models import EducationLevel, Person
from ptdv.pipeline import actions
from ptdv.pipeline.models import Case, Outcome, Stage, Step
from ptdv.pipeline.services import (
    CACHED_FIELDS,
    open_case,
    record_step,
    register_existing_member,
)
from tests.factories import TODAY, make_person, system_user

_seq = itertools.count(1)
# Given names for generated people (names take letters only).
_NAMES = (
    "An",
    "Bảo",
    "Châu",
    "Duyên",
    "Giao",
    "Hạnh",
    "Khánh",
    "Linh",
    "Minh",
    "Ngọc",
    "Phúc",
    "Quyên",
    "Sơn",
    "Thảo",
    "Uyên",
    "Vân",
    "Xuân",
    "Yến",
)


def _name() -> str:
    n = next(_seq)
    return _NAMES[n % len(_NAMES)] + (
        "" if n < len(_NAMES) else " " + _NAMES[n // len(_NAMES) % len(_NAMES)]
    )


def make_member(
    cell: Org,
    *,
    official_on: date = date(2015, 6, 1),
    status: str = Standing.OFFICIAL,
    **values: Any,
) -> Person:
    """Return a new person who is already a member of the cell (official by default)."""
    values.setdefault("given_name", _name())
    values.setdefault("family_name", "Đảng")
    values.setdefault("birth_date", date(1980, 1, 1))
    person = make_person(cell, **values)
    return register_existing_member(
        person=person,
        cell=cell,
        actor=system_user(),
        official_on=official_on if status == Standing.OFFICIAL else None,
        joined_on=date(official_on.year - 1, official_on.month, official_on.day),
        status=status,
    )


def make_candidate(cell: Org, **values: Any) -> Person:
    """Return a non-member fit for admission: born 1990, upper-secondary education."""
    values.setdefault("family_name", "Hoàng")
    values.setdefault("middle_name", "Thị")
    values.setdefault("given_name", _name())
    values.setdefault("sex", "F")
    values.setdefault("birth_date", date(1990, 3, 15))
    values.setdefault("education", EducationLevel.objects.get(code="thpt"))
    return make_person(cell, **values)


@dataclass
class CellMembers:
    """The official members of a cell used as mentors and introducers."""

    mentor: Person
    introducer_1: Person
    introducer_2: Person
    probation_mentor: Person

    @property
    def count(self) -> int:
        return 4


def make_cell_members(cell: Org) -> CellMembers:
    return CellMembers(
        mentor=make_member(cell, given_name="Bình"),
        introducer_1=make_member(cell, given_name="Cường"),
        introducer_2=make_member(cell, given_name="Dũng"),
        probation_mentor=make_member(cell, given_name="Giang"),
    )


def open_test_case(
    person: Person,
    cell: Org,
    *,
    actor: User,
    opened_on: date = date(2024, 9, 9),
    source: str = "youth_union",
    **kwargs: Any,
) -> Case:
    return open_case(
        person=person,
        cell=cell,
        source=source,
        opened_on=opened_on,
        actor=actor,
        today=TODAY,
        **kwargs,
    )


def path_steps(
    members: CellMembers, *, authority: Org, eligible: int
) -> list[tuple[str, str, date, dict[str, Any]]]:
    """Return (stage reached, action, date, data) for the whole path, in order."""
    n = next(_seq)
    return [
        (
            Stage.TRAINED,
            actions.COURSE,
            date(2024, 9, 20),
            {
                "certificate_number": f"NT-{n}",
                "issued_on": "2024-09-20",
                "issuer": "Trung tâm Chính trị thành phố Đông Hà",
            },
        ),
        (
            Stage.CANDIDATE,
            actions.CANDIDATE_LISTED,
            date(2024, 10, 7),
            {
                "resolution_number": "12-NQ/CB",
                "mentor": members.mentor.pk,
                "tasks": "Tham gia phong trào của nhà trường",
            },
        ),
        (Stage.CANDIDATE, actions.APPLICATION, date(2024, 10, 14), {}),
        (Stage.DOSSIER, actions.HISTORY, date(2024, 10, 15), {}),
        (
            Stage.DOSSIER,
            actions.VERIFY_REQUESTED,
            date(2024, 10, 16),
            {"places": "UBND phường Đông Lương"},
        ),
        (
            Stage.VERIFIED,
            actions.VERIFIED,
            date(2024, 11, 15),
            {
                "relatives_verified": "Cha, mẹ",
                "conclusion": "Đủ tiêu chuẩn",
                "certified_by": "Đảng ủy Trường THPT Đông Hà",
                "satisfactory": True,
            },
        ),
        (
            Stage.INTRODUCED,
            actions.INTRODUCED,
            date(2024, 11, 18),
            {
                "mode": "two_members",
                "introducers": [members.introducer_1.pk, members.introducer_2.pk],
                "worked_together_months": 24,
            },
        ),
        (
            Stage.OPINIONS,
            actions.OPINIONS,
            date(2024, 11, 20),
            {
                "organisations": "Công đoàn, Đoàn trường",
                "residence_cell": "Chi bộ khu phố 3",
                "favourable": True,
            },
        ),
        (
            Stage.CELL_APPROVED,
            actions.CELL_VOTE,
            date(2024, 11, 25),
            {
                "eligible": eligible,
                "present": eligible,
                "agree": eligible,
                "resolution_number": "15-NQ/CB",
            },
        ),
        (
            Stage.COMMITTEE_APPROVED,
            actions.COMMITTEE_VOTE,
            date(2024, 12, 5),
            {"eligible": 7, "present": 7, "agree": 6},
        ),
        (
            Stage.DECIDED,
            actions.DECISION,
            date(2025, 1, 10),
            {
                "decision_number": "301-QĐ/ĐU",
                "signer": "Nguyễn Văn Hải",
                "authority": authority.pk,
                "received_on": "2025-01-13",
                "admitted": True,
            },
        ),
        (
            Stage.PROBATION,
            actions.CEREMONY,
            date(2025, 2, 10),
            {"mentor": members.probation_mentor.pk},
        ),
        (
            Stage.PROBATION,
            actions.NEW_MEMBER_COURSE,
            date(2025, 5, 15),
            {
                "certificate_number": f"DVM-{n}",
                "issued_on": "2025-05-15",
                "issuer": "Trung tâm Chính trị thành phố Đông Hà",
            },
        ),
        (Stage.PROBATION, actions.SELF_REVIEW, date(2026, 2, 11), {}),
        (Stage.PROBATION, actions.MENTOR_ASSESSMENT, date(2026, 2, 12), {}),
        (Stage.PROBATION, actions.PROBATION_OPINIONS, date(2026, 2, 13), {"favourable": True}),
        (
            Stage.RECOGNITION_CELL,
            actions.RECOGNITION_CELL_VOTE,
            date(2026, 2, 24),
            {"eligible": eligible, "present": eligible, "agree": eligible},
        ),
        (
            Stage.RECOGNITION_COMMITTEE,
            actions.RECOGNITION_COMMITTEE_VOTE,
            date(2026, 3, 5),
            {"eligible": 7, "present": 6, "agree": 6},
        ),
        # Two months after the probation ended: the official date stays 10/02/2026.
        (
            Stage.OFFICIAL,
            actions.RECOGNITION_DECISION,
            date(2026, 4, 10),
            {"decision_number": "88-QĐ/ĐU", "authority": authority.pk, "recognised": True},
        ),
    ]


STAGE_ORDER = {s.value: i for i, s in enumerate(Stage)}


def walk_case_to(
    case: Case,
    stage: str = Stage.OFFICIAL,
    *,
    members: CellMembers,
    authority: Org,
    actor: User,
    eligible: int | None = None,
    stop_before: str | None = None,
) -> Case:
    """Record the path's steps until the case reaches `stage`, or up to (not including) the
    action `stop_before` when given. `actor` must be allowed every step (board specialist)."""
    eligible = members.count if eligible is None else eligible
    done = set(Step.objects.filter(case=case).values_list("action", flat=True))
    for _reached, action, day, data in path_steps(members, authority=authority, eligible=eligible):
        if action in done:
            continue
        if stop_before is not None:
            if action == stop_before:
                break
        elif STAGE_ORDER[case.stage] >= STAGE_ORDER[stage]:
            break
        record_step(
            case=case,
            action=action,
            occurred_on=day,
            data=data,
            version=case.version,
            actor=actor,
            today=TODAY,
        )
    return case


def make_former_member(
    person: Person, *, joined_on: date, left_on: date, reason: str, official: bool = True
) -> Person:
    """Give the person an earlier membership, held outside the registry's rolls, that ended
    on left_on for the given re-admission reason (a key of READMIT_REASONS)."""
    actor = system_user()
    membership = registry.admit_member(
        person=person,
        cell=person.org,
        decision_on=joined_on,
        joined_on=joined_on,
        actor=actor,
        today=left_on,
        outside_party="Đảng bộ cũ",
    )
    if official:
        registry.recognise_member(
            membership=membership,
            official_on=date(joined_on.year + 1, joined_on.month, joined_on.day),
            actor=actor,
            today=left_on,
        )
    kind = (
        "resigned"
        if reason.startswith("resigned")
        else "removed"
        if official
        else "probation_deleted"
    )
    registry.end_membership(
        membership=membership, kind=kind, on=left_on, actor=actor, today=left_on, cause=reason
    )
    return person


def registry_row(person: Person) -> tuple[object, ...]:
    """Return (status, decision, ceremony, official, left on, left kind) of the person's
    latest membership; ("", None, ...) for a person who never was a member."""
    m = last_membership(person.pk)
    if m is None:
        return ("", None, None, None, None, "")
    return (m.status, m.decision_on, m.joined_on, m.official_on, m.left_on, m.left_kind)


# --- the cases' cached columns (`ptdv pipeline recompute`) ------------------------------


def cached_columns() -> dict[int, dict[str, Any]]:
    return {row.pop("id"): row for row in Case.objects.values("id", *CACHED_FIELDS)}


def corrupt_cached_columns() -> None:
    """Overwrite every cached column with a wrong value (the version stays: not a new step)."""
    Case.objects.update(
        stage=Stage.EXITED,
        stage_since=date(2000, 1, 1),
        outcome=Outcome.EXPIRED,  # not open, so the one-open-case constraint holds
        closed_on=date(2000, 1, 2),
        next_due_on=date(2000, 1, 3),
        next_due_rule="XXX",
        decision_on=date(2000, 1, 4),
        decision_received_on=None,
        ceremony_on=date(2000, 1, 5),
        probation_ends_on=None,
        official_on=date(2000, 1, 6),
        recognition_decision_on=date(2000, 1, 7),
    )
