"""The source pool: adding people and reviewing the pool."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ptdv.access.models import User
from ptdv.core.errors import DomainError
from ptdv.core.text import normalize_spaces
from ptdv.orgs.models import Org
from ptdv.people.models import Person
from ptdv.pipeline.fields import STR_MAX
from ptdv.pipeline.models import (
    PoolEntry,
    PoolReview,
    PoolReviewItem,
    Source,
)
from ptdv.pipeline.services.base import (
    _is_member,
    _refuse,
)


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
                entry.drop_reason = normalize_spaces(reason)[:STR_MAX]
                entry.version += 1
                entry._history_user = actor  # type: ignore[attr-defined]
                entry.save()
        PoolReviewItem.objects.bulk_create(items)
    return review
