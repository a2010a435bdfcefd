"""The open cases' counts per unit, stage and day (decision D50) equal the cases: the pure
arithmetic (pipeline.rules.funnel), then, for random histories of cases — opened, moved on to
other stages and days, due dates changed, closed, reopened, moved to another cell, deleted — and
random moves of the tree between them, the kept rows equal a recomputation and every kept unit's
funnel on the dashboard equals the one counted from the cases directly, and so do the target
forecast's pipeline and pass-through (the decided and refused cases' rows, D55). Runs on SQLite
and, with PTDV_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import astuple
from datetime import date, timedelta
from types import SimpleNamespace

from django.db import connection, transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdv.members.rules.dates import years_before
from ptdv.orgs.models import Org, OrgKind
from ptdv.orgs.services import move_org
from ptdv.pipeline import paths, stagecounts
from ptdv.pipeline.models import Case, Outcome, Source, Stage, StageCount
from ptdv.pipeline.rules.funnel import (
    ADMITTED_STATE,
    CLOSED_STATE,
    DECIDED,
    DUE,
    DUE_MONTH,
    ENTERED,
    ENTERED_MONTH,
    REFUSED,
    REFUSED_STATE,
    WAITING_STATE,
    CaseFacts,
    StageFigures,
    contributions,
    decided_state,
    figures,
    holds_middle,
    middle_months,
    middle_positions,
    months_wanted,
    ranked,
    ranked_within,
)
from ptdv.pipeline.rules.funnel import decided as decided_counts
from ptdv.reports import dashboard
from ptdv.reports import rules as report_rules
from ptdv.targets.selectors import forecast
from tests.factories import TODAY, make_org, system_user
from tests.members.helpers import bulk_people
from tests.properties import examples

_MIGRATION = importlib.import_module("ptdv.pipeline.migrations.0005_decided_counts")
_MONTHS_MIGRATION = importlib.import_module("ptdv.pipeline.migrations.0008_month_counts")

DAY = date(2026, 3, 1)
OPEN_STAGES = [Stage.SOURCE, Stage.CANDIDATE, Stage.DOSSIER, Stage.CELL_APPROVED, Stage.DECIDED]


def test_a_case_counts_for_each_kept_unit_on_its_path() -> None:
    since = date(2026, 3, 17)
    case = CaseFacts("000100020003", "dossier", since, since + timedelta(days=9), True)
    assert contributions(case, 4, 2) == Counter({
        ("0001", "dossier", ENTERED, since): 1, ("0001", "dossier", ENTERED_MONTH, DAY): 1,
        ("0001", "dossier", DUE, since + timedelta(days=9)): 1,
        ("0001", "dossier", DUE_MONTH, DAY): 1,
        ("00010002", "dossier", ENTERED, since): 1, ("00010002", "dossier", ENTERED_MONTH, DAY): 1,
        ("00010002", "dossier", DUE, since + timedelta(days=9)): 1,
        ("00010002", "dossier", DUE_MONTH, DAY): 1,
    })  # fmt: skip
    # Its own cell too when the cell is at a kept level; no due row without a due day; closed
    # cases count for nobody.
    shallow = CaseFacts("00010002", "source", DAY, None, True)
    assert set(contributions(shallow, 4, 3)) == {
        ("0001", "source", ENTERED, DAY), ("00010002", "source", ENTERED, DAY),
        ("0001", "source", ENTERED_MONTH, DAY), ("00010002", "source", ENTERED_MONTH, DAY),
    }  # fmt: skip
    closed = CaseFacts("00010002", "source", DAY, None, False)
    assert contributions(closed, 4, 3) == Counter()


def test_a_decided_or_refused_case_counts_open_or_closed() -> None:
    decided = CaseFacts("00010002", "decided", DAY, None, True, decided_on=DAY,
                        decided_as=WAITING_STATE)  # fmt: skip
    assert contributions(decided, 4, 1) == Counter({
        ("0001", "decided", ENTERED, DAY): 1, ("0001", "decided", ENTERED_MONTH, DAY): 1,
        ("0001", WAITING_STATE, DECIDED, DAY): 1,
    })  # fmt: skip
    closed = CaseFacts("00010002", "decided", DAY, None, False, decided_on=DAY,
                       decided_as=CLOSED_STATE, refused_on=DAY + timedelta(days=3))  # fmt: skip
    assert contributions(closed, 4, 1, 2) == Counter({
        ("0001", CLOSED_STATE, DECIDED, DAY): 2,
        ("0001", REFUSED_STATE, REFUSED, DAY + timedelta(days=3)): 2})  # fmt: skip
    assert decided_state(ceremony_held=True, open=False) == ADMITTED_STATE
    assert decided_state(ceremony_held=False, open=True) == WAITING_STATE
    both = contributions(decided, 4, 1) + contributions(closed, 4, 1, 2)
    rows = [(stage, kind, on, n) for (_unit, stage, kind, on), n in both.items()]
    found = decided_counts(rows, DAY, DAY + timedelta(days=3))
    assert (found.decided, found.resolved, found.refused, found.admitted) == (3, 2, 2, 0)
    assert decided_counts(rows, DAY + timedelta(days=1), DAY + timedelta(days=2)).decided == 0


def test_a_stages_figures_come_from_its_rows() -> None:
    rows = [("dossier", DAY, 2), ("dossier", DAY + timedelta(days=4), 1)]
    found = figures(ranked(rows), {"dossier": 1}, DAY + timedelta(days=9))
    # Three cases, 9, 9 and 5 days in the stage: the middle one 9 days; one overdue.
    assert found["dossier"] == StageFigures(3, (9,), 1)
    # A stage with overdue cases alone (its rows not read) still shows them.
    assert figures([], {"decision": 2}, DAY)["decision"] == StageFigures(0, (), 2)
    assert middle_positions(0) == ()
    assert middle_positions(1) == (0,)
    assert middle_positions(4) == (1, 2)
    assert middle_positions(5) == (2,)


stage_rows = st.lists(
    st.tuples(st.sampled_from(["dossier", "vote", "decision"]),
              st.dates(date(2020, 1, 1), date(2026, 12, 1)), st.integers(1, 40)),
    max_size=40,
)  # fmt: skip


@given(stage_rows)
def test_the_middle_rows_alone_give_each_stages_median(rows) -> None:  # type: ignore[no-untyped-def]
    """What the database returns (the rows holding the middle, `holds_middle`) gives the same
    count and median as all the rows, and both the median of every case's days."""
    today = date(2026, 12, 6)
    every = ranked(rows)
    middle = [row for row in every if holds_middle(row[2], row[3], row[4])]
    days: dict[str, Counter[int]] = {}
    for stage, day, n in rows:
        days.setdefault(stage, Counter())[(today - day).days] += n
    from_all, from_middle = figures(every, {}, today), figures(middle, {}, today)
    assert from_all == from_middle
    assert len(middle) <= 2 * len(days)
    assert set(from_all) == set(days)
    for stage, counted in days.items():
        assert from_all[stage].count == sum(counted.values())
        assert report_rules.median(from_all[stage].middle) == report_rules.median_of_counts(counted)


def _funnels(units: list[Org]) -> dict[int, list[dashboard.StageRow]]:
    return {u.pk: dashboard._funnel(u, TODAY)[0] for u in units}


def _funnels_counted(units: list[Org]) -> dict[int, list[dashboard.StageRow]]:
    """Return each unit's funnel counted here from its open cases, one by one."""
    result = {}
    for unit in units:
        cases = list(Case.objects.filter(paths.under(unit.path), outcome=Outcome.OPEN))
        result[unit.pk] = [
            dashboard.StageRow(stage.value, str(stage.label), len(mine),
                               report_rules.median([(TODAY - c.stage_since).days for c in mine]),
                               sum(1 for c in mine if c.next_due_on and c.next_due_on < TODAY))
            for stage in dashboard.FUNNEL_STAGES
            for mine in [[c for c in cases if c.stage == stage]]
        ]  # fmt: skip
    return result


def _decided(units: list[Org]) -> dict[int, list[dict[str, int]]]:
    """Return each unit's decided and refused cases of a few windows, as the forecast's
    pass-through reads them."""
    windows = [(TODAY - timedelta(days=400), TODAY), (TODAY - timedelta(days=30), TODAY),
               (TODAY, TODAY + timedelta(days=60))]  # fmt: skip
    return {u.pk: [forecast._decided(u, *w) for w in windows] for u in units}


def _pipelines(units: list[Org]) -> dict[int, Counter[tuple[str, date]]]:
    """Return each unit's cases awaiting the decision or the ceremony that the target's forecast
    counts (those with a due day), by stage and due day."""
    result: dict[int, Counter[tuple[str, date]]] = {}
    for unit in units:
        found: Counter[tuple[str, date]] = Counter()
        for case in forecast.pipeline_cases(unit):
            if case.due_on is not None:
                found[(case.stage, case.due_on)] += case.n
        result[unit.pk] = found
    return result


def _assert_forecast_read_once(units: list[Org]) -> None:
    """The forecast's one read of a kept unit's rows (`forecast_rows`) gives its pipeline and
    its pass-through's counts as their own reads do."""
    since = years_before(TODAY, forecast.config()["pace_years"])
    for unit in units:
        rows = forecast.forecast_rows(unit, today=TODAY)
        if rows is None:
            continue
        once = forecast.pipeline_cases(unit, rows)
        alone = forecast.pipeline_cases(unit)
        assert Counter(astuple(c) for c in once) == Counter(astuple(c) for c in alone)
        assert forecast._decided(unit, since, TODAY, rows) == forecast._decided(unit, since, TODAY)


@given(stage_rows)
def test_the_middle_months_days_alone_give_each_stages_figures(rows) -> None:  # type: ignore[no-untyped-def]
    """The months holding a stage's middle (from the rows per month entered) and those months'
    days alone give the same figures as every day ranked (D69), and read at most two months a
    stage."""
    today = date(2026, 12, 6)
    months = middle_months([(stage, day.replace(day=1), n) for stage, day, n in rows])
    assert all(1 <= len(found.before) <= 2 for found in months.values())
    within = ranked_within(months, rows)
    assert figures(within, {}, today) == figures(ranked(rows), {}, today)
    # Only the middle months' days are kept: the rows a unit reads, a read a month.
    wanted = {(s, m) for s, found in months.items() for m in found.before}
    assert {(s, d.replace(day=1)) for s, d, *_r in within} <= wanted
    by_month = months_wanted(months)
    assert sorted((s, m) for m, stages in by_month.items() for s in stages) == sorted(wanted)


@settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_kept_counts_equal_the_cases_through_saves_moves_and_deletions(db, data):  # type: ignore[no-untyped-def]
    levels = data.draw(st.integers(1, 3), label="levels")
    with override_settings(PTDV_FUNNEL_LEVELS=levels), transaction.atomic():
        province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P")
        d1 = make_org(province, OrgKind.DISTRICT, "Huyện 1", code="D1")
        d2 = make_org(province, OrgKind.DISTRICT, "Huyện 2", code="D2")
        g1 = make_org(d1, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 1", code="G1")
        g2 = make_org(d2, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 2", code="G2")
        c1 = make_org(g1, OrgKind.CELL, "Chi bộ 1", code="C1")
        c2 = make_org(g1, OrgKind.CELL, "Chi bộ 2", code="C2")
        c3 = make_org(g2, OrgKind.CELL, "Chi bộ 3", code="C3")
        gc = make_org(d2, OrgKind.GRASSROOTS_CELL, "Chi bộ cơ sở", code="GC")
        cells = [c1, c2, c3, gc]
        people = bulk_people(cells, 8)
        day = st.integers(-400, 60).map(lambda d: TODAY + timedelta(days=d))
        cases: list[Case] = []
        for step in range(data.draw(st.integers(1, 14), label="steps")):
            action = data.draw(st.sampled_from(["open", "edit", "close", "decide", "refuse",
                                                "cell", "move", "delete"]),
                               label=f"action {step}")  # fmt: skip
            if action == "open" or not cases:
                person = people[len(cases) % len(people)]
                if Case.objects.filter(person=person, outcome=Outcome.OPEN).exists():
                    continue
                case = Case(person=person, cell=data.draw(st.sampled_from(cells)),
                            source=Source.YOUTH_UNION, opened_on=TODAY - timedelta(days=500),
                            stage=data.draw(st.sampled_from(OPEN_STAGES)),
                            stage_since=data.draw(day),
                            next_due_on=data.draw(st.one_of(st.none(), day)))  # fmt: skip
                case.save()
                cases.append(case)
                continue
            case = data.draw(st.sampled_from(cases), label="case")
            case = Case.objects.get(pk=case.pk)  # as the services read it, locked
            if action == "edit":
                case.stage = data.draw(st.sampled_from(OPEN_STAGES))
                case.stage_since = data.draw(day)
                case.next_due_on = data.draw(st.one_of(st.none(), day))
                case.save(update_fields=["stage", "stage_since", "next_due_on"])
            elif action == "close":
                reopen = case.outcome != Outcome.OPEN
                if reopen and Case.objects.filter(person=case.person_id, outcome="").exists():
                    continue
                case.outcome = Outcome.OPEN if reopen else Outcome.EXPIRED
                case.save()
            elif action == "decide":
                case.decision_on = data.draw(st.one_of(st.none(), day))
                case.ceremony_on = data.draw(st.one_of(st.none(), day))
                case.save(update_fields=["decision_on", "ceremony_on"])
            elif action == "refuse":
                case.outcome = Outcome.REFUSED
                case.closed_on = data.draw(st.one_of(st.none(), day))
                case.save()
            elif action == "cell":
                case.cell = data.draw(st.sampled_from(cells))
                case.save()
            elif action == "move":
                moves = [(c2, g2), (c2, g1), (g1, d2), (g1, d1), (gc, d1), (d2, province)]
                unit, parent = data.draw(st.sampled_from(moves))
                unit.refresh_from_db()
                parent.refresh_from_db()
                if unit.get_parent().pk != parent.pk:
                    move_org(org=unit, new_parent=parent, version=unit.version,
                             actor=system_user(), today=TODAY, on_date=TODAY)  # fmt: skip
            elif action == "delete":
                gone = case.pk
                case.delete()
                cases = [c for c in cases if c.pk != gone]

        assert stagecounts.stored() == stagecounts.computed()
        assert not StageCount.objects.filter(n=0).exists()
        units = list(Org.objects.filter(depth__lte=levels))
        for unit in (*units, *Org.objects.filter(depth__gt=levels)):
            unit.refresh_from_db()
        kept, pipelines, decided = _funnels(units), _pipelines(units), _decided(units)
        assert kept == _funnels_counted(units)
        _assert_forecast_read_once(units)
        with override_settings(PTDV_FUNNEL_LEVELS=0):  # every unit counted from the cases
            assert _funnels(units) == kept
            assert _pipelines(units) == pipelines
            assert _decided(units) == decided
        # A rebuild writes the same rows, and so does the migration that added the decided and
        # refused rows to a database that had none.
        want = stagecounts.stored()
        stagecounts.rebuild()
        assert stagecounts.stored() == want
        StageCount.objects.filter(kind__in=[DECIDED, REFUSED]).delete()
        with connection.cursor() as cursor:
            _MIGRATION.fill(None, SimpleNamespace(execute=cursor.execute))
        assert stagecounts.stored() == want
        # And the one that added the rows per month entered (D69).
        StageCount.objects.filter(kind__in=[ENTERED_MONTH, DUE_MONTH]).delete()
        with connection.cursor() as cursor:
            _MONTHS_MIGRATION.fill(
                None, SimpleNamespace(execute=cursor.execute, connection=connection)
            )
        assert stagecounts.stored() == want
        transaction.set_rollback(True)


def test_a_wrong_count_is_named_in_vietnamese(db) -> None:  # type: ignore[no-untyped-def]
    province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P")
    grassroots = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 1", code="G1")
    cell = make_org(grassroots, OrgKind.CELL, "Chi bộ 1", code="C1")
    [person] = bulk_people([cell], 1)
    Case(person=person, cell=cell, source=Source.YOUTH_UNION, opened_on=DAY, stage=Stage.DOSSIER,
         stage_since=DAY, next_due_on=None).save()  # fmt: skip
    assert stagecounts.differences() == []
    StageCount.objects.filter(path=province.path).update(n=3)
    assert stagecounts.differences() == [
        f"đơn vị {province.path}, giai đoạn “Đã nhận đơn và lý lịch”, hồ sơ vào giai đoạn trong "
        "tháng 03/2026: lưu 3, tính lại 1",
        f"đơn vị {province.path}, giai đoạn “Đã nhận đơn và lý lịch”, hồ sơ vào giai đoạn ngày "
        "01/03/2026: lưu 3, tính lại 1",
    ]


def test_the_overdue_of_a_kept_unit_come_from_its_due_months_and_this_months_days(db) -> None:  # type: ignore[no-untyped-def]
    """Due on the days around today's month's edges (D69): the months before today's count
    whole, today's month only up to yesterday; as the cases counted one by one."""
    province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P")
    grassroots = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 1", code="G1")
    cell = make_org(grassroots, OrgKind.CELL, "Chi bộ 1", code="C1")
    first = TODAY.replace(day=1)
    dues = [first - timedelta(days=40), first - timedelta(days=1), first, TODAY - timedelta(days=1),
            TODAY, TODAY + timedelta(days=1), first + timedelta(days=40), None]  # fmt: skip
    people = bulk_people([cell], len(dues))
    for person, due in zip(people, dues, strict=True):
        Case(person=person, cell=cell, source=Source.YOUTH_UNION, opened_on=DAY,
             stage=Stage.DOSSIER, stage_since=DAY, next_due_on=due).save()  # fmt: skip
    kept = _funnels([province])
    assert {row.stage: row.overdue for row in kept[province.pk]}[Stage.DOSSIER] == 4
    assert kept == _funnels_counted([province])
    assert stagecounts.differences() == []
