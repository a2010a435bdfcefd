"""Writes of the targets: set (create or change) a unit's target. Atomic, versioned, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from ptdv.access.models import User
from ptdv.core.errors import DomainError, StaleVersion
from ptdv.orgs.models import Org
from ptdv.targets.models import COUNT_METRICS, Metric, Target

FIRST_YEAR = 1930  # the Party's founding
LAST_YEAR = 2100
LONGEST_TERM = 6  # a congress term such as 2020–2025 spans six calendar years


class TargetInvalid(DomainError):
    """The target cannot be set as asked; field_errors names the fields."""


def _refuse(field: str, message: str) -> TargetInvalid:
    return TargetInvalid(message, field_errors={field: [message]})


def _ddmmyyyy(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def check_period(start_year: int, end_year: int) -> None:
    """Refuse a period that is not a year or a congress term."""
    for field, year in (("start_year", start_year), ("end_year", end_year)):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise _refuse(field, _("Năm phải trong khoảng %(a)s–%(b)s.")
                          % {"a": FIRST_YEAR, "b": LAST_YEAR})  # fmt: skip
    if end_year < start_year:
        raise _refuse("end_year", _("Năm kết thúc phải sau hoặc bằng năm bắt đầu."))
    if end_year - start_year + 1 > LONGEST_TERM:
        raise _refuse("end_year", _("Một nhiệm kỳ dài nhất %(n)s năm.") % {"n": LONGEST_TERM})


def _check_value(metric: str, value: Decimal) -> None:
    if value < 0:
        raise _refuse("value", _("Mức chỉ tiêu không được âm."))
    if metric in COUNT_METRICS:
        if value != value.to_integral_value():
            raise _refuse("value", _("Chỉ tiêu số đảng viên phải là số nguyên."))
    elif value > 100:
        raise _refuse("value", _("Chỉ tiêu tỷ lệ không được vượt quá 100 %."))


def _check_unit(unit: Org, start_year: int, end_year: int, today: date) -> None:
    if unit.valid_to is not None and unit.valid_to <= today:
        raise _refuse("unit", _("Đơn vị đã giải thể ngày %(d)s: không đặt chỉ tiêu.")
                      % {"d": _ddmmyyyy(unit.valid_to)})  # fmt: skip
    if unit.valid_from > date(end_year, 12, 31):
        raise _refuse("start_year", _("Đơn vị thành lập ngày %(d)s, sau kỳ chỉ tiêu.")
                      % {"d": _ddmmyyyy(unit.valid_from)})  # fmt: skip


def _check_split(unit: Org, start_year: int, end_year: int, metric: str, value: Decimal) -> None:
    """Refuse a count that makes the children's split exceed their parent's target, or a
    parent's target below what its children already have."""
    same = Target.objects.filter(start_year=start_year, end_year=end_year, metric=metric)
    parent = unit.get_parent()
    if parent is not None:
        parent_target = same.filter(unit=parent).first()
        if parent_target is not None:
            siblings = (
                Org.objects.subtree(parent).filter(depth=parent.depth + 1).exclude(pk=unit.pk)
            )
            others = same.filter(unit__in=siblings).aggregate(s=Sum("value"))["s"] or Decimal(0)
            if others + value > parent_target.value:
                message = _(
                    "Tổng chỉ tiêu các đơn vị trực thuộc %(p)s sẽ là %(s)s, vượt chỉ tiêu "
                    "của cấp trên (%(v)s)."
                ) % {"p": parent.name, "s": int(others + value), "v": int(parent_target.value)}
                raise _refuse("value", message)
    children = Org.objects.subtree(unit).filter(depth=unit.depth + 1)
    split = same.filter(unit__in=children).aggregate(s=Sum("value"))["s"]
    if split is not None and split > value:
        message = _("Các đơn vị trực thuộc đã được giao tổng cộng %(s)s, nhiều hơn mức %(v)s.") % {
            "s": int(split),
            "v": int(value),
        }
        raise _refuse("value", message)


@transaction.atomic
def set_target(
    *,
    unit: Org,
    start_year: int,
    end_year: int,
    metric: str,
    value: Decimal,
    version: int | None,
    actor: User,
    today: date,
    notes: str = "",
) -> Target:
    """Set the unit's target of a metric for a period: create it, or change it unless someone
    else saved it since `version` was read (a new target is set with version None)."""
    if metric not in Metric.values:
        raise _refuse("metric", _("Chỉ tiêu không hợp lệ."))
    check_period(start_year, end_year)
    value = Decimal(value)
    _check_value(metric, value)
    # The unit row is locked: two officers splitting one parent's target write one at a time.
    locked_unit = Org.objects.select_for_update().get(pk=unit.pk)
    _check_unit(locked_unit, start_year, end_year, today)
    existing = (
        Target.objects.select_for_update()
        .filter(unit=unit, start_year=start_year, end_year=end_year, metric=metric)
        .first()
    )
    if existing is not None and version is None:
        message = _("Đơn vị đã có chỉ tiêu này cho %(p)s (mức %(v)s); hãy mở chỉ tiêu đó để sửa.")
        raise _refuse("metric", message % {"p": existing.period_label, "v": existing.value})
    if existing is not None and existing.version != version:
        raise StaleVersion(existing.version)
    if existing is None and version is not None:
        # The form was opened on a target someone has since removed or never saved.
        raise StaleVersion(0)
    if metric in COUNT_METRICS:
        _check_split(locked_unit, start_year, end_year, metric, value)
    target = existing or Target(unit=unit, start_year=start_year, end_year=end_year, metric=metric)
    if existing is not None and existing.value == value and existing.notes == notes:
        return existing
    target.value = value
    target.notes = notes
    if existing is not None:
        target.version += 1
    target._history_user = actor  # type: ignore[attr-defined]
    target.save()
    return target


@transaction.atomic
def remove_target(*, target: Target, version: int, actor: User, reason: str) -> None:
    """Remove a target set by mistake, unless someone else changed it since `version` was read.
    Its history keeps every value it had and this removal, with who and why; the children's
    split under it stays (the page then shows the parent without a target)."""
    reason = reason.strip()
    if not reason:
        raise _refuse("reason", _("Hãy ghi lý do xóa chỉ tiêu."))
    locked = Target.objects.select_for_update().filter(pk=target.pk).first()
    if locked is None:
        raise StaleVersion(0)
    if locked.version != version:
        raise StaleVersion(locked.version)
    locked._history_user = actor  # type: ignore[attr-defined]
    locked._change_reason = reason  # type: ignore[attr-defined]
    locked.delete()
