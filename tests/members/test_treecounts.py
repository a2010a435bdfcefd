"""The tree's counts kept for its top units (decision D52) equal the tree: the pure arithmetic
(members.rules.treecounts), then, for random histories of the tree and the admissions — cells
founded, admitting, moved with their branch, dissolved, deleted, their kind or founding day
changed — the kept rows equal a recomputation, and every kept unit's idle cells and units by
kind of today equal those counted from the spans. Runs on SQLite and, with
PTDV_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdv.members import asof, idle
from ptdv.members import treecounts as reads
from ptdv.members.models import CellCount, UnitCount, UnitFacts
from ptdv.members.rules import treecounts as rules
from ptdv.members.rules.dates import years_before, years_reached
from ptdv.members.services import stats, treecounts
from ptdv.orgs.models import Org, OrgKind
from ptdv.orgs.services import dissolve_org, move_org, update_org
from tests.factories import TODAY, make_org, system_user
from tests.members.helpers import admitted, bulk_people, enter
from tests.properties import examples

days = st.dates(date(2008, 1, 1), date(2027, 12, 31))


@given(cells=st.lists(st.tuples(days, days), max_size=40), since=days)
def test_the_rows_of_a_day_and_before_add_up_to_the_cells_founded_and_quiet_by_then(
    cells: list[tuple[date, date]], since: date
) -> None:
    total: Counter[rules.CellKey] = Counter()
    for founded, last in cells:
        unit = rules.facts("0000000100000002", "cell", founded, last, cell=True)
        total.update(rules.cell_contributions(unit, 8, 1))
    rows = [(*key, n) for key, n in total.items()]
    found = rules.counted(rows, since).get("0000000100000002", Counter())
    assert found[rules.FOUNDED] == sum(1 for f, _l in cells if f <= since)
    assert found[rules.QUIET] == sum(1 for f, last in cells if max(f, last) <= since)


@given(
    founded=days,
    admitted=st.lists(days, max_size=8),
    years=st.integers(1, 5),
    on=st.lists(days, min_size=1, max_size=6),
)
def test_a_cell_is_idle_on_exactly_the_days_of_its_idle_stretches(founded, admitted, years, on):  # type: ignore[no-untyped-def]
    """D66: a day falls in one of a cell's idle stretches exactly when the cell was founded by
    the first day of the years looked at and admitted nobody after it up to the day; and its
    rows of stretches begun less those ended by the day count it so."""
    cell = rules.facts("0000000100000002", "cell", founded, max(admitted, default=None),
                       cell=True, admitted=admitted, idle_years=years)  # fmt: skip
    assert cell.idle == rules.stretches(founded, admitted, years)
    assert rules.decode_stretches(rules.encode_stretches(cell.idle)) == cell.idle
    rows = [(*key, n) for key, n in rules.cell_contributions(cell, 8, 1, 1).items()]
    for day in on:
        since = years_before(day, years)
        truth = founded <= since and not any(since < d <= day for d in admitted)
        inside = [b <= day and (e is None or day < e) for b, e in cell.idle]
        assert sum(inside) == truth, (day, cell.idle)
        assert rules.idle_in(cell.idle, day) == truth
        counted = rules.counted(rows, day).get("0000000100000002", Counter())
        assert rules.idle_on(counted) == truth


@given(st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.integers(0, 10))
def test_the_years_are_reached_on_the_first_day_they_have_passed(start, years) -> None:  # type: ignore[no-untyped-def]
    reached = years_reached(start, years)
    assert years_before(reached, years) >= start
    assert years_before(reached - timedelta(days=1), years) < start


@given(
    st.lists(st.dates(date(2000, 1, 1), date(2030, 12, 31)), max_size=8, unique=True),
    st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    st.integers(0, 10),
)
def test_a_cells_four_latest_days_tell_whether_it_admitted_in_the_years(days, day, years) -> None:
    """Whatever a cell's admission days, its four latest kept (None past the last) answer as its
    whole history does, or say that they cannot (all four after the day)."""
    since = day - timedelta(days=365 * years)
    latest = sorted(days, reverse=True)
    kept = (latest + [None] * 4)[:4]
    answer = rules.admitted_after(kept, since, day)
    truth = any(since < d <= day for d in days)
    if answer is None:
        assert len(days) >= 4
        assert all(d > day for d in kept)
    else:
        assert answer == truth


def test_a_unit_counts_for_each_kept_unit_and_a_cell_for_the_units_below_them() -> None:
    day = date(2024, 5, 17)
    cell = rules.facts("000000010000000200000003", "cell", day, None, cell=True)
    assert cell.quiet == day  # never admitted: quiet since its founding
    assert rules.unit_contributions(cell, 8, 2) == Counter(
        {("00000001", "cell"): 1, ("0000000100000002", "cell"): 1}
    )
    # Levels 1..2 kept: the cell counts for the units at levels 2 and 3, its own path included.
    keys = rules.cell_contributions(cell, 8, 2)
    assert {key[0] for key in keys} == {"0000000100000002", "000000010000000200000003"}
    assert keys[("0000000100000002", rules.QUIET, rules.MONTH, date(2024, 5, 1))] == 1
    assert keys[("0000000100000002", rules.FOUNDED, rules.YEAR, date(2024, 1, 1))] == 1
    assert len(keys) == 2 * 2 * 3
    # Its idle stretch (three years from its founding, not ended) under the top level only.
    idle = rules.facts("000000010000000200000003", "cell", day, None, cell=True, idle_years=3)
    assert idle.idle == ((date(2027, 5, 17), None),)
    keys = rules.cell_contributions(idle, 8, 2, 1)
    assert {key[0] for key in keys if key[1] == rules.IDLE_FROM} == {"0000000100000002"}
    assert keys[("0000000100000002", rules.IDLE_FROM, rules.DAY, date(2027, 5, 17))] == 1
    assert not any(key[1] == rules.IDLE_TO for key in keys)
    # Not a cell: counted by kind only.
    committee = rules.facts("0000000100000002", "grassroots_committee", day, None, cell=False)
    assert rules.cell_contributions(committee, 8, 3) == Counter()
    # A cell's last admission after its founding moves its quiet day.
    assert rules.facts("00000001", "cell", day, date(2025, 1, 2), cell=True).quiet == date(
        2025, 1, 2
    )


def _reads(units: list[Org], past: list[date] = ()) -> list[object]:  # type: ignore[assignment]
    """Return each unit's idle cells (1 and 3 years) and units by kind of today, and its idle
    cells (3 years) on the past days."""
    result: list[object] = []
    for unit in units:
        span = unit.spans.filter(valid_to__isnull=True).first()
        if span is None:
            continue
        for years in (1, 3):
            result.append(idle.idle_cells(span.path, TODAY, years, today=TODAY))
        result.append(asof.unit_counts(span.path, TODAY, today=TODAY))
        for day in past:
            then = unit.spans.filter(valid_from__lte=day).order_by("-valid_from").first()
            if then is not None and (then.valid_to is None or then.valid_to > day):
                result.append(idle.idle_cells(then.path, day, 3, today=TODAY))
    return result


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_kept_counts_equal_the_tree_through_its_writes_and_the_admissions(db, data):  # type: ignore[no-untyped-def]
    levels = data.draw(st.integers(1, 3), label="levels")
    stretched = data.draw(st.integers(0, levels), label="stretch levels")
    actor = system_user()
    with (
        override_settings(PTDV_TREE_COUNT_LEVELS=levels, PTDV_IDLE_STRETCH_LEVELS=stretched),
        transaction.atomic(),
    ):
        nation = make_org(
            None, OrgKind.CENTRAL, "Trung ương", code="TW", valid_from=date(2000, 1, 1)
        )
        province = make_org(nation, OrgKind.PROVINCE, "Tỉnh", code="P", valid_from=date(2000, 1, 1))
        p2 = make_org(nation, OrgKind.PROVINCE, "Tỉnh 2", code="P2", valid_from=date(2000, 1, 1))
        d1 = make_org(province, OrgKind.DISTRICT, "Huyện 1", code="D1", valid_from=date(2000, 1, 1))
        d2 = make_org(province, OrgKind.DISTRICT, "Huyện 2", code="D2", valid_from=date(2000, 1, 1))
        g1 = make_org(d1, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 1", code="G1",
                      valid_from=date(2001, 1, 1))  # fmt: skip
        g2 = make_org(d2, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 2", code="G2",
                      valid_from=date(2001, 1, 1))  # fmt: skip
        parents = [g1, g2, d1, d2]
        founded = st.dates(date(2015, 1, 1), TODAY - timedelta(days=30))
        # A cell in each branch that moves, so that every move carries some.
        cells: list[Org] = [
            make_org(parent, kind, f"Chi bộ {parent.code}", valid_from=data.draw(founded))
            for parent, kind in ((g1, OrgKind.CELL), (g2, OrgKind.CELL),
                                 (d2, OrgKind.GRASSROOTS_CELL))
        ]  # fmt: skip
        for step in range(data.draw(st.integers(1, 14), label="steps")):
            action = data.draw(
                st.sampled_from(["found", "admit", "move", "dissolve", "kind", "day", "delete"]),
                label=f"action {step}",
            )
            if action == "found" or not cells:
                parent = data.draw(st.sampled_from(parents), label="parent")
                kind = OrgKind.CELL if parent in (g1, g2) else OrgKind.GRASSROOTS_CELL
                cells.append(
                    make_org(parent, kind, f"Chi bộ {step}", valid_from=data.draw(founded))
                )
                continue
            cell = Org.objects.get(pk=data.draw(st.sampled_from(cells), label="cell").pk)
            if action == "admit" and cell.valid_to is None:
                [person] = bulk_people([cell], 1)
                ceremony = data.draw(st.dates(cell.valid_from, TODAY), label="ceremony")
                events = admitted(person, ceremony, official=False)
                enter([(person, ceremony - timedelta(days=20), events)])
            elif action == "move":
                moves = [(d2, p2), (d2, province), (g1, d2), (g1, d1), (g1, p2)]
                unit, parent = data.draw(st.sampled_from(moves), label="move")
                unit.refresh_from_db()
                parent.refresh_from_db()
                if unit.get_parent().pk != parent.pk and not parent.path.startswith(unit.path):
                    move_org(org=unit, new_parent=parent, version=unit.version, actor=actor,
                             today=TODAY, on_date=TODAY)  # fmt: skip
            elif action == "dissolve" and cell.valid_to is None and not cell.people.exists():
                dissolve_org(org=cell, on_date=TODAY, version=cell.version, actor=actor,
                             today=TODAY)  # fmt: skip
            elif action == "kind" and cell.valid_to is None and cell.kind != OrgKind.CELL:
                # A grassroots cell becomes a grassroots committee (no longer a cell), or back.
                kind = (OrgKind.GRASSROOTS_COMMITTEE if cell.kind == OrgKind.GRASSROOTS_CELL
                        else OrgKind.GRASSROOTS_CELL)  # fmt: skip
                update_org(org=cell, values={"kind": kind}, version=cell.version, actor=actor,
                           today=TODAY)  # fmt: skip
            elif action == "day" and cell.valid_to is None and not cell.people.exists():
                update_org(org=cell, values={"valid_from": data.draw(founded, label="founded")},
                           version=cell.version, actor=actor, today=TODAY)  # fmt: skip
            elif action == "delete" and not cell.people.exists():
                # Units are dissolved, not deleted; a deletion (a cascade from elsewhere, the
                # database by hand) takes its count away all the same. The tree's own count of
                # children is put right as treebeard's delete would.
                parent_pk = cell.get_parent().pk
                cell.delete()
                Org.objects.filter(pk=parent_pk).update(numchild=F("numchild") - 1)
                cells = [c for c in cells if c.pk != cell.pk]

        assert treecounts.stored() == treecounts.computed()
        assert not CellCount.objects.filter(n=0).exists()
        assert not UnitCount.objects.filter(n=0).exists()
        assert reads.answers(1, TODAY, TODAY)
        kept_units = list(Org.objects.filter(depth__lte=levels).order_by("pk"))
        # Past days (D66's idle stretches; the moved cells from their spans) among the cells'
        # founding and admission days and the days around them.
        past = sorted({TODAY - timedelta(days=1), *data.draw(
            st.lists(st.dates(date(2016, 1, 1), TODAY - timedelta(days=1)), max_size=4),
            label="past days",
        )})  # fmt: skip
        kept = _reads(kept_units, past)
        with override_settings(PTDV_TREE_COUNT_LEVELS=0):  # every unit counted from the spans
            assert _reads(kept_units, past) == kept
        # A rebuild writes the same rows and facts.
        want = treecounts.stored()
        facts = set(
            UnitFacts.objects.values_list("org_id", "path", "kind", "founded", "quiet", "idle")
        )
        treecounts.rebuild()
        assert treecounts.stored() == want
        assert (
            set(UnitFacts.objects.values_list("org_id", "path", "kind", "founded", "quiet", "idle"))
            == facts
        )
        transaction.set_rollback(True)


def test_a_later_change_of_the_tree_reads_the_spans_and_a_wrong_count_is_named(db) -> None:  # type: ignore[no-untyped-def]
    province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P", valid_from=date(2000, 1, 1))
    grassroots = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 1", code="G1",
                          valid_from=date(2000, 1, 1))  # fmt: skip
    make_org(grassroots, OrgKind.CELL, "Chi bộ 1", code="C1", valid_from=date(2010, 3, 4))
    span = province.spans.get()
    assert reads.answers(1, TODAY, TODAY)
    assert not reads.answers(1, TODAY - timedelta(days=1), TODAY)  # a past day
    assert reads.answers(2, TODAY, TODAY)  # two levels kept by default (D54)
    assert not reads.answers(3, TODAY, TODAY)  # below the kept levels
    with override_settings(PTDV_TREE_COUNT_LEVELS=1):
        assert not reads.answers(2, TODAY, TODAY)
    # A unit founded after today: "now" is not today, the spans answer.
    make_org(grassroots, OrgKind.CELL, "Chi bộ 2", code="C2", valid_from=TODAY + timedelta(days=3))
    assert not reads.answers(1, TODAY, TODAY)
    assert asof.unit_counts(span.path, TODAY, today=TODAY).cells == 1
    assert stats.differences() == []
    CellCount.objects.filter(depth=2, what=rules.QUIET, grain=rules.YEAR).update(n=5)
    assert [p for p in treecounts.differences() if "2010" in p] == [
        f"đơn vị {grassroots.spans.get().path}, chi bộ không kết nạp từ năm 2010: lưu 5, tính lại 1"
    ]


def test_a_tree_written_inside_deferred_is_counted_once_at_its_end(db) -> None:  # type: ignore[no-untyped-def]
    day = date(2000, 1, 1)
    actor = system_user()
    province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P", valid_from=day)
    before = treecounts.stored()
    with transaction.atomic(), treecounts.deferred():
        district = make_org(province, OrgKind.DISTRICT, "Huyện", code="H", valid_from=day)
        first = make_org(district, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 1", code="G1",
                         valid_from=day)  # fmt: skip
        second = make_org(district, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 2", code="G2",
                          valid_from=day)  # fmt: skip
        cell = make_org(first, OrgKind.CELL, "Chi bộ 1", code="C1", valid_from=day)
        with treecounts.deferred():  # an inner block leaves the refresh to the outer one
            moved = make_org(first, OrgKind.CELL, "Chi bộ 2", code="C2", valid_from=day)
        move_org(org=moved, new_parent=second, version=moved.version, actor=actor,
                 today=TODAY, on_date=date(2020, 1, 1))  # fmt: skip
        cell.refresh_from_db()
        dissolve_org(org=cell, on_date=date(2021, 1, 1), version=cell.version, actor=actor,
                     today=TODAY)  # fmt: skip
        # Nothing counted yet: the units wait for the block's end.
        assert treecounts.stored() == before
        assert not UnitFacts.objects.filter(org_id__in=[district.pk, moved.pk]).exists()
    # Once at the end: what a write-by-write refresh keeps, the dissolved cell not counted.
    assert treecounts.differences() == []
    assert set(UnitFacts.objects.values_list("org_id", flat=True)) == {
        province.pk,
        district.pk,
        first.pk,
        second.pk,
        moved.pk,
    }


def test_a_deferred_block_that_raises_refreshes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P", valid_from=date(2000, 1, 1))
    before = treecounts.stored()
    written: list[Org] = []

    def write_then_fail() -> None:
        with treecounts.deferred():
            written.append(make_org(province, OrgKind.DISTRICT, "Huyện", code="H",
                                    valid_from=date(2000, 1, 1)))  # fmt: skip
            raise RuntimeError("the caller's transaction is to be rolled back")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert treecounts.stored() == before
    assert not UnitFacts.objects.filter(org=written[0]).exists()
    # Outside a block, a write is counted at once again.
    counted = make_org(province, OrgKind.DISTRICT, "Huyện 2", code="H2",
                       valid_from=date(2000, 1, 1))  # fmt: skip
    assert UnitFacts.objects.filter(org=counted).exists()
