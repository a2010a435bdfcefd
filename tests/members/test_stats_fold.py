"""The base rows (decision D46): `ptdv stats fold` sums the monthly rows up to a month, later
writes keep the sums, and a read of a later month end starts from them — with the same figures,
fewer rows read; `ptdv stats rebuild --check` covers them."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from ptdv.members import aggregates
from ptdv.members.models import (
    AdmissionStat,
    AdmissionStatYear,
    MemberStat,
    MemberStatBase,
    MemberStatYear,
    PackKind,
    StatPack,
)
from ptdv.members.rules import packs as packs_rules
from ptdv.members.rules.stats import month_end, month_of
from ptdv.members.services import packs as packs_service
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
    """Return how many rows and packs (D57) a read of the unit on the day adds up."""
    parts = aggregates.reading.kept([unit.pk], day)
    return sum(rows.count() for rows in parts.rows) + sum(
        n for _unit, n in parts.derived("count", len, remember=False)
    )


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


@pytest.mark.parametrize("folded", [False, True])
def test_a_years_later_months_without_rows_read_its_yearly_sums(province, monkeypatch, folded):
    """D51: a day whose year has no rows after its month (today, a year's end, a month after
    the year's last change) reads the year's sums instead of its months; a day with rows after
    it reads the months. Same figures either way."""
    root, cell = province
    [april] = bulk_people([cell], 1, birth=date(1980, 3, 1))
    enter([(april, date(2019, 4, 1), admitted(april, date(2019, 4, 20)))])
    if folded:
        call_command("stats", "fold", "--through", "2014-12", stdout=StringIO())
    # 2019 changes in February and April: June has nothing after it, January has.
    days = [date(2019, 6, 30), date(2019, 1, 31), date(2019, 12, 31), date(2016, 3, 31)]
    assert aggregates.reading.nothing_after([root.pk], date(2019, 6, 1), None)
    assert not aggregates.reading.nothing_after([root.pk], date(2019, 1, 1), None)
    assert not aggregates.reading.nothing_after([root.pk], date(2019, 1, 1), ("birth",))
    shortcut = _everything(root, days)
    rows = {d: _rows_read(root, d) for d in days}
    monkeypatch.setattr(aggregates.reading, "nothing_after", lambda *args: False)
    assert _everything(root, days) == shortcut
    assert aggregates.totals(root, date(2019, 6, 30))["total"] == 31
    assert aggregates.ages([root.pk], date(2019, 6, 30)) == {root.pk: {39: 31}}
    assert _rows_read(root, date(2019, 1, 31)) == rows[date(2019, 1, 31)]  # months either way
    if not folded:  # (folded, the months are packs: a pack a month, no fewer to read)
        assert _rows_read(root, date(2019, 6, 30)) > rows[date(2019, 6, 30)]


def test_admissions_of_whole_years_read_their_yearly_sums(province, monkeypatch):
    """D51: a period's whole years (and its last year when nothing follows its last month)
    read the admission rows' yearly sums; the figures are those of the months."""
    root, cell = province
    [april] = bulk_people([cell], 1, birth=date(1980, 3, 1))
    enter([(april, date(2019, 4, 1), admitted(april, date(2019, 4, 20)))])
    today = date(2026, 11, 21)
    periods = [
        (date(2010, 1, 1), date(2019, 12, 31)),  # whole years
        (date(2019, 1, 1), date(2019, 3, 31)),  # April follows: months
        (date(2019, 1, 1), date(2019, 6, 30)),  # nothing after June: the year
        (date(2012, 3, 1), date(2019, 2, 28)),  # begins inside a year, ends before April
        (date(2019, 3, 1), date(2019, 5, 31)),  # inside one year
        (date(2026, 1, 1), today),
    ]
    read = [aggregates.admissions([root.pk], s, d, today) for s, d in periods]
    kinds = [[rows.model.__name__
              for rows in aggregates._admission_rows([root.pk], s, month_of(d)).rows]
             for s, d in periods]  # fmt: skip
    assert kinds == [
        ["AdmissionStatYear"],
        ["AdmissionStat"],
        ["AdmissionStatYear"],
        ["AdmissionStat", "AdmissionStatYear", "AdmissionStat"],
        ["AdmissionStat"],
        ["AdmissionStatYear"],
    ]

    def months_only(ids, since, month):  # type: ignore[no-untyped-def]
        return aggregates._Parts(
            (AdmissionStat.objects.filter(org_id__in=ids, month__gte=since, month__lte=month),)
        )

    monkeypatch.setattr(aggregates, "_admission_rows", months_only)
    assert [aggregates.admissions([root.pk], s, d, today) for s, d in periods] == read
    assert [r[root.pk].total for r in read] == [31, 3, 4, 21, 1, 0]
    assert stats.differences() == []


def test_a_unit_read_for_its_totals_alone_holds_the_same_total(province):
    root, cell = province
    today = date(2026, 11, 21)
    full = aggregates.admissions([root.pk], date(2010, 1, 1), date(2019, 12, 31), today)
    short = aggregates.admissions([root.pk], date(2010, 1, 1), date(2019, 12, 31), today,
                                  totals=[root.pk])  # fmt: skip
    assert set(full[root.pk].counts) > {("", "")}
    assert short[root.pk].counts == Counter({("", ""): 30})
    assert short[root.pk].age_days == full[root.pk].age_days


def test_the_ages_summed_in_the_database_are_those_of_the_ages(province):
    root, cell = province
    [old] = bulk_people([cell], 1, birth=date(1950, 12, 1))
    enter([(old, date(1990, 1, 5), admitted(old, date(1990, 2, 1)))])
    for day in (date(2010, 11, 30), date(2011, 1, 31), date(2019, 6, 30), date(2026, 11, 21)):
        ages = aggregates.ages([root.pk], day).get(root.pk, Counter())
        want = aggregates.AgeSums(
            sum(ages.values()),
            sum(age * n for age, n in ages.items()),
            sum(n for age, n in ages.items() if age >= 60),
        )
        assert aggregates.age_sums([root.pk], day).get(root.pk, aggregates.AgeSums()) == want
        # Read together with the totals (a kept unit and a cell below the kept levels): the same.
        for levels in (3, 1):  # the cell kept, then counted from its periods
            with override_settings(PTDV_STATS_LEVELS=levels):
                both = aggregates.totals_and_ages([root.pk, cell.pk], day)
                stocks = aggregates.stocks([root.pk, cell.pk], day, dims=("",))
                assert both == (stocks, aggregates.age_sums([root.pk, cell.pk], day))
            assert both[1][root.pk] == both[1][cell.pk] == want
            assert both[0][cell.pk][""][""]["total"] == want.count
    # The member born in December 1950 is 59 on 30/11/2010 and 60 on 31/12/2010 onwards.
    assert aggregates.age_sums([root.pk], date(2010, 11, 30))[root.pk].aged_60 == 0
    assert aggregates.age_sums([root.pk], date(2011, 1, 31))[root.pk].aged_60 == 1


def test_the_ages_from_the_year_and_month_of_birth_apart_are_those_of_the_months(province):
    """D60: the sums read from the year and the month of birth apart (and the months of the
    year that turns 60) equal those of the ages by month of birth, for births in every month
    around the 60th birthday, every month end of two years, before and after a fold packs the
    rows (the packs' part summed from their months of birth)."""
    root, cell = province
    births = [date(1964 + k // 12, 1 + k % 12, 1) for k in range(60)]  # 1964-01 … 1968-12
    people = [p for day in births for p in bulk_people([cell], 1, birth=day)]
    enter([(p, date(1995, 1, 5), admitted(p, date(1995, 2, 1))) for p in people])
    [late] = bulk_people([cell], 1, birth=date(1966, 7, 1))
    enter([(late, date(2025, 8, 3), admitted(late, date(2025, 9, 1)))])  # a row of 2025
    days = [month_end(date(y, m, 1)) for y in (2025, 2026) for m in range(1, 13)]

    def both() -> list[tuple[aggregates.AgeSums, aggregates.AgeSums]]:
        result = []
        for day in days:
            ages = aggregates.ages([root.pk], day)[root.pk]
            want = aggregates.AgeSums(
                sum(ages.values()),
                sum(age * n for age, n in ages.items()),
                sum(n for age, n in ages.items() if age >= 60),
            )
            result.append((aggregates.age_sums([root.pk], day)[root.pk], want))
        return result

    before = both()
    assert all(got == want for got, want in before)
    # Those born in 1966 turn 60 month by month through 2026 (the late one in July).
    assert [got.aged_60 for got, _want in before[12:]] == [
        24 + (m + 1) + (1 if m >= 6 else 0) for m in range(12)
    ]
    stats.fold(date(2025, 10, 1))
    assert both() == before


def _packs():  # type: ignore[no-untyped-def]
    return {(p.org_id, p.kind, p.period): packs_rules.decode(p.data)
            for p in StatPack.objects.all()}  # fmt: skip


def test_a_fold_moves_the_rows_up_to_its_month_into_packs(province):
    """D57: the rows of the months up to the fold's, and the yearly rows of the years up to
    its year, become one pack per unit and period; the figures are the same; a later write adds
    rows beside the packs, which the next fold moves in."""
    root, cell = province
    days = [date(2011, 12, 31), date(2013, 6, 30), date(2015, 5, 31), date(2015, 6, 30),
            date(2019, 12, 31), date(2020, 1, 31)]  # fmt: skip
    today = date(2026, 11, 21)
    before = _everything(root, days)
    admitted_before = aggregates.admissions([root.pk], date(2012, 3, 1), date(2016, 8, 31), today)
    kept = (stats.stored(), stats.stored_years(), stats.stored_admissions(),
            stats.stored_admission_years())  # fmt: skip

    stats.fold(date(2015, 6, 1))

    through = date(2015, 6, 1)
    # Every month is packed, the years up to the fold's: the later years stay rows.
    assert not MemberStat.objects.exists()
    assert not AdmissionStat.objects.exists()
    assert not MemberStatYear.objects.filter(year__lte=2015).exists()
    assert not AdmissionStatYear.objects.filter(year__lte=2015).exists()
    assert MemberStatYear.objects.filter(year=2016).exists()
    assert AdmissionStatYear.objects.filter(year=2016).exists()
    assert set(StatPack.objects.values_list("kind", flat=True)) == set(PackKind.values)
    # A year-end pack holds the stock at the year's end: 3 admitted a year from 2010.
    year_end = _packs()[(root.pk, PackKind.YEAR_END, date(2013, 1, 1))]
    assert year_end[""][""][0] == 12
    assert _everything(root, days) == before
    assert aggregates.admissions([root.pk], date(2012, 3, 1), date(2016, 8, 31), today) == (
        admitted_before
    )
    assert (stats.stored(), stats.stored_years(), stats.stored_admissions(),
            stats.stored_admission_years()) == kept  # fmt: skip
    assert stats.differences() == []

    # A member admitted in 2013, entered now: rows beside the packs, then moved in.
    [late] = bulk_people([cell], 1, birth=date(1990, 1, 1))
    enter([(late, date(2013, 1, 2), admitted(late, date(2013, 2, 1)))])
    assert MemberStat.objects.filter(month=date(2013, 2, 1)).exists()
    assert aggregates.totals(root, date(2013, 6, 30))["total"] == 13
    assert aggregates.admissions([root.pk], date(2013, 1, 1), date(2013, 12, 31),
                                 today)[root.pk].total == 4  # fmt: skip
    assert stats.differences() == []
    stats.fold(date(2015, 6, 1))
    assert not MemberStat.objects.filter(month__lte=through).exists()
    assert _packs()[(root.pk, PackKind.YEAR_END, date(2013, 1, 1))][""][""][0] == 13
    assert aggregates.totals(root, date(2013, 6, 30))["total"] == 13
    assert stats.differences() == []
    # What the reads remember of the packs (D58) is keyed by their content: the packs the fold
    # rewrote give the late member's age and admission, not what was remembered before.
    assert aggregates.ages([root.pk], date(2013, 6, 30))[root.pk] == {33: 12, 23: 1}
    assert aggregates.age_sums([root.pk], date(2013, 6, 30))[root.pk] == aggregates.AgeSums(
        13, 12 * 33 + 23, 0
    )
    assert aggregates.admissions([root.pk], date(2013, 1, 1), date(2013, 12, 31),
                                 today)[root.pk].total == 4  # fmt: skip
    assert _everything(root, days[:1]) == before[:1]
    assert all(a != b for a, b in zip(_everything(root, days[1:]), before[1:], strict=True))


def test_packs_written_in_sql_or_in_python_hold_the_same_counts(province, monkeypatch):
    """The first fold writes the packs in SQL, later ones add rows to them in Python: both
    give the same packs."""
    stats.fold(date(2016, 12, 1))
    in_sql = _packs()
    stats.rebuild(through=date(2016, 12, 31))
    assert _packs() == in_sql

    def in_python(kind, model, period, measures, limit):  # type: ignore[no-untyped-def]
        rows = model.objects.filter(**({} if limit is None else {f"{period}__lte": limit}))
        return packs_service._pack_in_python(kind, period, measures, rows)

    monkeypatch.setattr(packs_service, "pack_in_sql", in_python)
    stats.rebuild(through=date(2016, 12, 31))
    assert _packs() == in_sql
    # As stored: compressed, whichever way they were written.
    assert all(bytes(data)[:1] != b"{" for data in StatPack.objects.values_list("data", flat=True))
    assert stats.differences() == []


def test_a_fold_before_the_packed_years_is_refused(province):
    stats.fold(date(2016, 3, 1))
    packed = _packs()
    with pytest.raises(CommandError, match="đã được nén đến hết năm 2016.*ptdv stats rebuild"):
        call_command("stats", "fold", "--through", "2014-12", stdout=StringIO())
    assert _packs() == packed
    assert set(MemberStatBase.objects.values_list("through", flat=True)) == {date(2016, 3, 1)}
    # Later in the same year, or a later year: folded and packed further.
    call_command("stats", "fold", "--through", "2017-02", stdout=StringIO())
    assert max(p.period for p in StatPack.objects.filter(kind=PackKind.YEAR_END)) == date(
        2017, 1, 1
    )
    assert stats.differences() == []
