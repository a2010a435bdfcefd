"""The base rows (decision D46): `ptdv stats fold` sums the monthly rows up to a month, later
writes keep the sums, and a read of a later month end starts from them — with the same figures,
fewer rows read; `ptdv stats rebuild --check` covers them."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ptdv.members import aggregates
from ptdv.members.models import MemberStatBase
from ptdv.members.services import stats
from ptdv.orgs.models import OrgKind
from tests.factories import make_org
from tests.members.helpers import admitted, bulk_people, enter

FOUNDED = date(2000, 1, 1)


@pytest.fixture
def province(db):
    root = make_org(None, OrgKind.PROVINCE, "Đảng bộ tỉnh", code="T", valid_from=FOUNDED)
    cell = make_org(root, OrgKind.GRASSROOTS_CELL, "Chi bộ Sở Nội vụ", code="NV",
                    valid_from=FOUNDED)  # fmt: skip
    people = bulk_people([cell], 30, birth=date(1980, 3, 1))
    enter([(p, date(2010 + i % 10, 1, 5), admitted(p, date(2010 + i % 10, 2, 1)))
           for i, p in enumerate(people)])  # fmt: skip
    return root, cell


def _everything(unit, days):  # type: ignore[no-untyped-def]
    return [(aggregates.stock(unit, d), aggregates.ages([unit.pk], d)) for d in days]


def _rows_read(unit, day):  # type: ignore[no-untyped-def]
    return sum(rows.count() for rows in aggregates._kept([unit.pk], day))


def test_a_fold_reads_the_same_figures_from_fewer_rows(province):
    root, cell = province
    days = [date(2012, 12, 31), date(2015, 6, 30), date(2019, 12, 31), date(2020, 1, 31)]
    before = _everything(root, days)
    unfolded = _rows_read(root, date(2019, 12, 31))

    out = StringIO()
    call_command("stats", "fold", "--through", "2015-06", stdout=out)

    assert re.search(r"đến hết tháng 06/2015: [\d.]+ dòng, \d+,\d giây\.", out.getvalue())
    assert set(MemberStatBase.objects.values_list("through", flat=True)) == {date(2015, 6, 1)}
    assert _everything(root, days) == before
    assert _rows_read(root, date(2019, 12, 31)) < unfolded
    assert _rows_read(root, date(2012, 12, 31)) > 0  # before the fold: as without it
    assert stats.differences() == []
    # A later admission, backdated before the fold, is kept in the base by the write.
    [late] = bulk_people([cell], 1, birth=date(1990, 1, 1))
    enter([(late, date(2013, 1, 2), admitted(late, date(2013, 2, 1)))])
    assert aggregates.totals(root, date(2019, 12, 31))["total"] == 31
    assert stats.differences() == []


def test_the_command_refuses_a_wrong_or_future_month(province):
    for through, message in (
        ("2015/06", "Tháng “2015/06” không hợp lệ"),
        ("2099-01", "Không thể cộng dồn đến một tháng sau tháng hiện tại."),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("stats", "fold", "--through", through, stdout=StringIO())
    assert not MemberStatBase.objects.exists()


def test_rebuild_folds_through_december_of_last_year(province):
    stats.rebuild(through=date(2018, 12, 31))
    assert set(MemberStatBase.objects.values_list("through", flat=True)) == {date(2018, 12, 1)}
    assert stats.default_fold(date(2026, 11, 21)) == date(2025, 12, 1)
    # Without the base, the same figures again.
    with_base = _everything(province[0], [date(2019, 3, 31), date(2018, 12, 31)])
    MemberStatBase.objects.all().delete()
    assert _everything(province[0], [date(2019, 3, 31), date(2018, 12, 31)]) == with_base
