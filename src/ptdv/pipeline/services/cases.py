"""Opening a case and registering an existing member."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.access import policy
from ptdv.access.models import User
from ptdv.access.policy import Action
from ptdv.members import services as registry
from ptdv.members.models import Standing
from ptdv.members.selectors import standing_of
from ptdv.orgs.models import Org
from ptdv.people.models import Person
from ptdv.pipeline import actions
from ptdv.pipeline.config import rules_config
from ptdv.pipeline.facts import (
    calendar_for,
    case_facts,
)
from ptdv.pipeline.models import (
    Case,
    Outcome,
    PoolEntry,
    Source,
    Stage,
    Step,
)
from ptdv.pipeline.services.base import (
    _is_member,
    _refuse,
)
from ptdv.pipeline.services.readmission import EarlierMembership, record_earlier_membership
from ptdv.pipeline.services.steps import (
    _refresh_cached,
)

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
    earlier: EarlierMembership | None = None,
) -> Case:
    """Open a person's admission case in a cell; the first step (OPEN) is appended.

    The actor must be allowed to record cases in the cell and to see the person (absent and
    forbidden both answer 404, as everywhere). `opened_on` may lie in the past (a dossier begun
    on paper), never in the future. A re-admission may carry the earlier membership, recorded
    on the person when it was missing (services.readmission).
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
        if standing_of(locked.pk).standing == Standing.LEFT and not is_readmission:
            raise _refuse(
                _("%(name)s từng là đảng viên: hãy lập hồ sơ kết nạp lại.")
                % {"name": locked.full_name},
                "is_readmission",
            )
        if earlier is not None and earlier.given and not is_readmission:
            raise _refuse(
                _("Quá trình đảng viên trước đây chỉ ghi khi lập hồ sơ kết nạp lại."),
                "is_readmission",
            )
        if is_readmission:
            # Only a former member is re-admitted: one already recorded as such, or one whose
            # leaving is entered now (the person becomes a former member).
            record_earlier_membership(
                locked, earlier or EarlierMembership(), opened_on=opened_on, actor=actor
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
        _refresh_cached(case, facts, calendar_for(facts, today), rules_config())
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
    status: str = Standing.OFFICIAL,
    today: date | None = None,
) -> Person:
    """Enter a person who already is a party member of a cell (official or probationary)
    in the registry, with the history dates, and keep their dossier in that cell."""
    if status not in (Standing.OFFICIAL, Standing.PROBATIONARY):
        raise ValueError(f"not a member status: {status!r}")
    if not cell.is_cell:
        raise _refuse(_("Đảng viên sinh hoạt ở một chi bộ."), "cell")
    if status == Standing.OFFICIAL and official_on is None:
        raise _refuse(_("Cần ngày chính thức của đảng viên chính thức."), "official_on")
    joined = joined_on or (_year_before(official_on) if official_on else None)
    if joined is None:
        raise _refuse(_("Cần ngày vào Đảng của đảng viên."), "joined_on")
    day = today or timezone.localdate()
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.org_id != cell.pk:
            locked.org = cell
            locked.version += 1
            locked._history_user = actor  # type: ignore[attr-defined]
            locked._change_reason = _("Ghi nhận đảng viên hiện có")  # type: ignore[attr-defined]
            locked.save()
        registry.enter_existing_member(
            person=locked,
            cell=cell,
            decision_on=decision_on or joined,
            joined_on=joined,
            official_on=official_on if status == Standing.OFFICIAL else None,
            actor=actor,
            today=day,
        )
    return locked


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29/2
        return day.replace(year=day.year - 1, day=28)
