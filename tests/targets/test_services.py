"""Setting a target: validation in Vietnamese naming the field, the split's limits, the
version check and the history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ptdv.core.errors import StaleVersion
from ptdv.orgs.models import OrgKind
from ptdv.orgs.services import dissolve_org
from ptdv.people.services import PersonInvalid, record_conscription
from ptdv.targets.models import Metric, Target
from ptdv.targets.services import TargetInvalid, set_target
from tests.factories import TODAY, make_org, make_person, system_user
from tests.targets.conftest import set_


def _set(unit, value, *, version=None, metric=Metric.NEW_MEMBERS, start=2026, end=2026, actor=None):
    return set_target(
        unit=unit, start_year=start, end_year=end, metric=metric, value=Decimal(value),
        version=version, actor=actor or system_user(), today=TODAY,
    )  # fmt: skip


def test_a_new_target_then_a_change_bumps_the_version_and_keeps_history(cast):
    target = _set(cast.grassroots, 10, actor=cast.grassroots_officer)
    changed = _set(cast.grassroots, 12, version=target.version, actor=cast.board_specialist)
    assert (changed.pk, changed.version, changed.value) == (target.pk, 2, Decimal(12))
    records = list(
        changed.history.order_by("history_id").values_list("value", "history_user__username")
    )
    assert records == [(Decimal(10), "dangvu"), (Decimal(12), "bantochuc")]


def test_a_stale_version_is_refused_and_nothing_changes(cast):
    target = _set(cast.grassroots, 10)
    _set(cast.grassroots, 11, version=1)
    with pytest.raises(StaleVersion):
        _set(cast.grassroots, 15, version=1)
    assert Target.objects.get(pk=target.pk).value == Decimal(11)


def test_setting_an_existing_target_without_its_version_is_refused(cast):
    _set(cast.grassroots, 10)
    with pytest.raises(TargetInvalid, match="đã có chỉ tiêu này") as info:
        _set(cast.grassroots, 11)
    assert list(info.value.field_errors) == ["metric"]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"value": -1}, "value", "Mức chỉ tiêu không được âm."),
        ({"value": "2.5"}, "value", "Chỉ tiêu số đảng viên phải là số nguyên."),
        ({"value": 101, "metric": Metric.WOMEN}, "value",
         "Chỉ tiêu tỷ lệ không được vượt quá 100 %."),
        ({"start": 2026, "end": 2025}, "end_year", "Năm kết thúc phải sau hoặc bằng năm bắt đầu."),
        ({"start": 2020, "end": 2030}, "end_year", "Một nhiệm kỳ dài nhất 6 năm."),
        ({"start": 1800, "end": 1800}, "start_year", "Năm phải trong khoảng 1930–2100."),
        ({"start": 2010, "end": 2010}, "start_year",
         "Đơn vị thành lập ngày 01/01/2020, sau kỳ chỉ tiêu."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(cast, kwargs, field, message):
    args = {"value": 5, **kwargs}
    with pytest.raises(TargetInvalid) as info:
        _set(cast.grassroots, args.pop("value"), **args)
    assert info.value.field_errors == {field: [message]}
    assert not Target.objects.exists()


def test_a_dissolved_unit_gets_no_target(cast):
    cell = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục")
    dissolve_org(org=cell, on_date=date(2026, 6, 1), version=cell.version, actor=system_user(),
                 today=TODAY)  # fmt: skip
    with pytest.raises(TargetInvalid, match="Đơn vị đã giải thể ngày 01/06/2026"):
        _set(cell, 3)


def test_a_split_may_not_exceed_the_parent(cast):
    set_(cast.grassroots, 10)
    set_(cast.cell_a, 6)
    with pytest.raises(TargetInvalid, match="sẽ là 11, vượt chỉ tiêu của cấp trên") as info:
        set_(cast.cell_b, 5)
    assert list(info.value.field_errors) == ["value"]
    set_(cast.cell_b, 4)
    # Nor may the parent fall below what its children already have.
    with pytest.raises(TargetInvalid, match="đã được giao tổng cộng 10, nhiều hơn mức 9"):
        _set(cast.grassroots, 9, version=1)


def test_a_share_target_is_not_checked_against_the_split(cast):
    set_(cast.grassroots, 30, metric=Metric.WOMEN)
    assert set_(cast.cell_a, 60, metric=Metric.WOMEN).value == Decimal(60)


def test_conscription_is_recorded_with_history_and_checked(cast):
    person = make_person(cast.cell_a, given_name="Tân")
    record = record_conscription(person=person, entered_on=date(2026, 2, 20),
                                 actor=cast.cell_secretary, today=TODAY)  # fmt: skip
    assert (record.org, record.history.get().history_user) == (cast.cell_a, cast.cell_secretary)
    with pytest.raises(PersonInvalid, match="Đã ghi nhận người này nhập ngũ ngày 20/02/2026"):
        record_conscription(person=person, entered_on=date(2026, 2, 20), actor=system_user(),
                            today=TODAY)  # fmt: skip
    with pytest.raises(PersonInvalid, match="không thể sau hôm nay"):
        record_conscription(person=person, entered_on=date(2026, 12, 1), actor=system_user(),
                            today=TODAY)  # fmt: skip
