"""The monthly aggregates equal the direct as-of count (decision D39; issue 8 item 4): for random
histories — corrections, transfers, temporary transfers, exemptions, exits — a reorganisation
before or after the members are entered, a fold of the base rows (D46) at a random month, and a
person whose attributes change, every month end's counts read from the aggregates equal
`members.asof` (itself checked against a plain model in test_asof_property), every column of the
members table too, and `ptdv stats rebuild` reproduces the kept rows exactly. Runs on SQLite
and, with PTDV_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdv.members import aggregates
from ptdv.members.asof import figures, periods_on, units_on
from ptdv.members.idle import idle_cells
from ptdv.members.models import MemberEvent, Membership, MemberStat
from ptdv.members.rules.dates import years_before
from ptdv.members.rules.stats import month_end, month_of
from ptdv.members.services import MemberInvalid, correct_event
from ptdv.members.services import stats as kept
from ptdv.members.services.bulk import EventSpec
from ptdv.orgs.models import CELL_KINDS, SPAN_STEP, OrgKind
from ptdv.orgs.selectors import span_on
from ptdv.orgs.services import move_org
from ptdv.people.services import update_person
from ptdv.reports import admissions, tables
from tests.factories import TODAY, make_org, system_user
from tests.members.helpers import bulk_people, enter
from tests.members.test_asof_property import ORIGIN, _life
from tests.properties import examples


def _sexes(unit, day):  # type: ignore[no-untyped-def]
    """Return the members of the unit on the day by sex, counted directly from the periods."""
    span = span_on(unit, day)
    if span is None:
        return {}
    counts: dict[str, int] = {}
    for sex in periods_on(span.path, day).values_list("person__sex", flat=True):
        counts[sex] = counts.get(sex, 0) + 1
    return counts


def _idle(path, day, years):  # type: ignore[no-untyped-def]
    """Return (counted, idle, per child path) of the cells under the path on the day, counted
    plainly: each cell founded by the years' start, idle when none of its admissions falls in
    (start, day]."""
    since = years_before(day, years)
    admitted = list(Membership.objects.exclude(admission_cell=None).values_list(
        "admission_cell_id", "joined_on"))  # fmt: skip
    per_child: dict[str, list[int]] = {}
    for span in units_on(path, day).filter(kind__in=CELL_KINDS).select_related("org"):
        if span.org.valid_from > since:
            continue
        active = any(c == span.org_id and since < on <= day for c, on in admitted)
        counts = per_child.setdefault(span.path[: len(path) + SPAN_STEP], [0, 0])
        counts[0] += 1
        counts[1] += not active
    return (sum(c for c, _ in per_child.values()), sum(i for _, i in per_child.values()),
            {p: tuple(c) for p, c in per_child.items() if len(p) > len(path)})  # fmt: skip


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_month_end_aggregates_equal_the_direct_count(db, data):  # type: ignore[no-untyped-def]
    # How many levels keep rows: 1 leaves the grassroots and cells to the direct count, 2 only
    # the cells, 3 (the default) reaches below this tree.
    levels = data.draw(st.integers(1, 3), label="levels")
    counted_on = data.draw(st.sampled_from(["ceremony", "decision"]), label="admission date")
    with (
        override_settings(PTDV_STATS_LEVELS=levels, PTDV_MEMBERS_ADMISSION_DATE=counted_on),
        transaction.atomic(),
    ):
        province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P", valid_from=ORIGIN)
        g1 = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 1", code="G1",
                      valid_from=ORIGIN)  # fmt: skip
        g2 = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 2", code="G2",
                      valid_from=ORIGIN)  # fmt: skip
        c1 = make_org(g1, OrgKind.CELL, "Chi bộ 1", code="C1", valid_from=ORIGIN)
        c2 = make_org(g1, OrgKind.CELL, "Chi bộ 2", code="C2", valid_from=ORIGIN)
        c3 = make_org(g2, OrgKind.CELL, "Chi bộ 3", code="C3", valid_from=ORIGIN)
        cells = [c1.pk, c2.pk, c3.pk]
        reorganise = data.draw(st.sampled_from(["none", "before", "after"]), label="reorganise")
        moved_on = ORIGIN + timedelta(days=data.draw(st.integers(1, 9000), label="move day"))

        def move() -> None:
            c2.refresh_from_db()
            move_org(org=c2, new_parent=g2, version=c2.version, actor=system_user(),
                     today=TODAY, on_date=moved_on)  # fmt: skip

        if reorganise == "before":
            move()
        n = data.draw(st.integers(1, 6), label="members")
        lives = [_life(data.draw, cells) for _ in range(n)]
        people = bulk_people([c1], n)
        enter(
            [
                (
                    person,
                    life.events[0][1] - timedelta(days=20),
                    [EventSpec(k, d, c, other_cell_id=o) for k, d, c, o in life.events],
                )
                for person, life in zip(people, lives, strict=True)
            ]
        )
        # A fold (D46) at a random month: the later writes keep the base rows, the reads of the
        # month-ends after it start from them.
        fold_day = data.draw(st.one_of(st.none(), st.integers(0, 9500)), label="fold")
        if fold_day is not None:
            kept.fold(ORIGIN + timedelta(days=fold_day))
        if reorganise == "after":
            move()  # a backdated move: the members' periods are counted again
        for kind in ("exempt_start", "admitted"):
            event = MemberEvent.objects.filter(kind=kind).first()
            if event is not None and data.draw(st.booleans(), label=f"correct {kind}"):
                shift = data.draw(st.integers(-40, 40), label="shift")
                try:
                    correct_event(
                        event=event, actor=system_user(), today=TODAY, reason="Sai ngày",
                        version=event.membership.version, on=event.on + timedelta(days=shift),
                    )  # fmt: skip
                except MemberInvalid:
                    pass
        edit = data.draw(st.sampled_from(["none", "sex", "birth"]), label="edit a person")
        if edit != "none":
            person = people[0]
            person.refresh_from_db()
            values = (
                {"sex": "F" if person.sex == "M" else "M"}
                if edit == "sex"
                else {"birth_date": person.birth_date - timedelta(days=data.draw(
                    st.integers(1, 400), label="born earlier"))}
            )  # fmt: skip
            update_person(person=person, values=values, version=person.version,
                          actor=system_user(), today=TODAY)  # fmt: skip

        months = {month_of(ORIGIN + timedelta(days=data.draw(st.integers(0, 9500), label="day")))
                  for _ in range(3)}  # fmt: skip
        months |= {month_of(e.on) for e in MemberEvent.objects.all()[:6]}
        months |= {month_of(moved_on)}
        for month in sorted(months):
            day = month_end(month)
            for unit in (province, g1, g2, c1, c2, c3):
                direct = figures(unit, day, breakdown=False)
                got = aggregates.totals(unit, day)
                want = {
                    "total": direct.total,
                    "official": direct.official,
                    "probationary": direct.probationary,
                    "exempted": direct.exempted,
                    "away": direct.temporarily_away,
                }
                assert got == want, (unit.code, day, got, want)
                by_sex = aggregates.stock(unit, day, dims=("sex",)).get("sex", {})
                assert {k: v["total"] for k, v in by_sex.items()} == _sexes(unit, day)
                # Every column of the members table, aggregates against the direct count.
                span = span_on(unit, day)
                if span is not None:
                    plain = +tables.member_counts(span.path, day)
                    assert +tables.stock_counts([unit.pk], day).get(unit.pk, Counter()) == plain
                    # The idle cells (D49: each cell's kept last admission, searched only when
                    # it came after the day) against a plain count.
                    # With today given, a past day of the province and its grassroots
                    # organisations (the tree counts' levels) reads the tree's facts and their
                    # earlier admission days (D63), the moved cell from its spans.
                    for years, known_today in ((1, None), (3, None), (1, TODAY), (3, TODAY)):
                        if known_today is not None and day > known_today:
                            continue
                        idle = idle_cells(span.path, day, years, today=known_today)
                        by_child = {c.org_id: (c.counted, c.idle) for c in idle.children}
                        want_counted, want_idle, want_children = _idle(span.path, day, years)
                        assert (idle.counted, idle.idle) == (want_counted, want_idle)
                        paths = dict(units_on(span.path, day).values_list("org_id", "path"))
                        assert {paths[k]: v for k, v in by_child.items()} == want_children
                    # Every age, in full years on the month's last day.
                    births = periods_on(span.path, day).values_list("person__birth_date", flat=True)
                    ages = Counter(day.year - b.year - (b.month > day.month) for b in births)
                    assert aggregates.ages([unit.pk], day).get(unit.pk, Counter()) == +ages
                    # The month's and the year's admissions: the admission rows (where they
                    # answer) against the events, for the unit and each child on the day.
                    children = dict(
                        units_on(span.path, day)
                        .filter(depth=span.depth + 1)
                        .values_list("path", "org_id")
                    )
                    for since in (month, month.replace(month=1)):
                        got_total, got_children = admissions.admission_counts(
                            unit, since, day, children, today=TODAY
                        )
                        want_total, want_children = admissions.from_events(
                            unit, since, day, children
                        )
                        assert +got_total == +want_total, (unit.code, since, day)
                        assert {k: +v for k, v in got_children.items() if v} == {
                            k: +v for k, v in want_children.items() if v
                        }, (unit.code, since, day)
        # What the writes kept is exactly what a rebuild computes.
        assert kept.differences() == []

        def everything():  # type: ignore[no-untyped-def]
            return (kept.stored(), kept.stored_years(), kept.stored_admissions(),
                    kept.stored_admission_years())  # fmt: skip

        rows = everything()
        out = StringIO()
        call_command("stats", "rebuild", stdout=out)
        # The same counts, now packed through December of last year (D57).
        assert everything() == rows
        assert not MemberStat.objects.filter(month__lte=kept.default_fold(TODAY)).exists()
        assert kept.differences() == []
        transaction.set_rollback(True)
