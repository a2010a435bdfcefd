"""The year's admissions of a province and its districts read from the admission rows (decision
D43) instead of the events: the same numbers as the events give (W1), the cells that moved in
the period placed by the day's tree, the rows kept through corrections and person edits, and
the events read only where the rows cannot answer."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ptdv.members.models import AdmissionStat, EventKind, MemberEvent
from ptdv.members.services import correct_event
from ptdv.members.services import stats as kept
from ptdv.orgs.services import move_org
from ptdv.people.services import update_person
from ptdv.reports import admissions, dashboard
from tests.factories import TODAY, system_user
from tests.reports.test_dashboard import _w1, quang_tri  # noqa: F401  (the fixture)

YEAR = date(2024, 1, 1)
DAY = date(2024, 3, 31)


def _children(root):  # type: ignore[no-untyped-def]
    board = dashboard.build(root, day=DAY, today=TODAY)
    return board, {c.org_id: c.admitted for c in board.children}


def _both(unit, children, since=YEAR, day=DAY):  # type: ignore[no-untyped-def]
    rows = admissions.admission_counts(unit, since, day, children, today=TODAY)
    events = admissions.from_events(unit, since, day, children)

    def plain(found):  # type: ignore[no-untyped-def]
        total, by_child = found
        return +total, {k: +v for k, v in by_child.items() if +v}

    return plain(rows), plain(events)


def _paths(root, day=DAY):  # type: ignore[no-untyped-def]
    from ptdv.members.asof import units_on
    from ptdv.orgs.selectors import span_on

    span = span_on(root, day)
    return dict(units_on(span.path, day).filter(depth=span.depth + 1).values_list("path", "org_id"))


def test_w1_from_the_rows_without_reading_an_event(quang_tri, monkeypatch):  # noqa: F811
    root, named = _w1(quang_tri)
    # The rows alone answer: the events are not read.
    monkeypatch.setattr(admissions, "from_events", pytest.fail)
    with CaptureQueriesContext(connection) as queries:
        admissions.admission_counts(root, YEAR, DAY, _paths(root), today=TODAY)
    assert not [q for q in queries.captured_queries if "members_memberevent" in q["sql"]]
    board, by_child = _children(root)
    assert board.admitted == 333
    assert [by_child[named[c][0].pk] for c in ("KCQ", "TP", "DH", "CL", "VL", "HH")] == [
        58, 46, 42, 41, 33, 32,
    ]  # fmt: skip
    shares = {s.label: s.count for s in board.composition}
    assert (shares["Nữ"], shares["Dân tộc thiểu số"], shares["Tuổi 18–30"]) == (122, 30, 213)
    assert AdmissionStat.objects.filter(
        org=root, dim="", month=date(2024, 2, 1)
    ).get().admitted == (333)


def test_a_cell_moved_in_the_period_counts_where_it_stands_on_the_day(quang_tri):  # noqa: F811
    root, named = _w1(quang_tri)
    tp_commune = named["TP"][1].get_parent()
    tp_commune.refresh_from_db()
    # Triệu Phong's commune joins Đông Hà on 1/3/2024, after its 46 admissions of February.
    move_org(org=tp_commune, new_parent=named["DH"][0], version=tp_commune.version,
             actor=system_user(), today=TODAY, on_date=date(2024, 3, 1))  # fmt: skip

    board, by_child = _children(root)
    assert board.admitted == 333
    assert by_child[named["TP"][0].pk] == 0
    assert by_child[named["DH"][0].pk] == 42 + 46
    rows, events = _both(root, _paths(root))
    assert rows == events
    # February's own table still places them in Triệu Phong (its tree of 29/2).
    feb = date(2024, 2, 29)
    rows, events = _both(root, _paths(root, feb), day=feb)
    assert rows == events
    assert rows[1][named["TP"][0].pk]["total"] == 46
    # Đông Hà's own admissions of the quarter: those made under it on their day (the commune
    # that joined it in March admitted its 46 under Triệu Phong).
    rows, events = _both(named["DH"][0], _paths(named["DH"][0]))
    assert rows == events
    assert rows[0]["total"] == 42


def test_the_rows_follow_a_corrected_admission_and_an_edited_person(quang_tri):  # noqa: F811
    root, named = _w1(quang_tri)
    event = MemberEvent.objects.filter(kind=EventKind.ADMITTED, cell=named["VL"][1]).first()
    assert event is not None
    # Moved to April: out of the quarter.
    correct_event(event=event, actor=system_user(), today=TODAY, reason="Sai ngày",
                  version=event.membership.version, on=date(2024, 4, 2))  # fmt: skip
    person = event.membership.person
    person.refresh_from_db()
    update_person(person=person, values={"sex": "F" if person.sex == "M" else "M",
                                         "birth_date": date(1970, 1, 1)},
                  version=person.version, actor=system_user(), today=TODAY)  # fmt: skip

    board, by_child = _children(root)
    assert board.admitted == 332
    assert by_child[named["VL"][0].pk] == 32
    april = date(2024, 4, 30)
    rows, events = _both(root, _paths(root, april), since=date(2024, 4, 1), day=april)
    assert rows == events
    assert rows[0]["total"] == 1
    assert rows[0]["age:51–55"] == 1  # born 1/1/1970, admitted 2/4/2024: aged 54
    assert kept.differences() == []


def test_the_events_answer_what_the_rows_cannot(quang_tri, monkeypatch):  # noqa: F811
    root, named = _w1(quang_tri)
    calls: Counter[str] = Counter()
    real = admissions.from_events

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["events"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(admissions, "from_events", counted)
    # A day that is not a month's last (nor today), a period not from a month's first day, and
    # a cell (below the kept levels: counted directly).
    for unit, since, day in (
        (root, YEAR, date(2024, 3, 15)),
        (root, date(2024, 1, 15), DAY),
        (named["DH"][1], YEAR, DAY),
    ):
        admissions.admission_counts(unit, since, day, _paths(unit, day), today=TODAY)
    assert calls["events"] == 3
    # A district and its communes keep rows (three levels: province, district, commune).
    found = admissions.admission_counts(named["DH"][0], YEAR, DAY, _paths(named["DH"][0]),
                                        today=TODAY)  # fmt: skip
    assert (calls["events"], found[0]["total"]) == (3, 42)
    assert admissions.admission_counts(root, YEAR, DAY, {}, today=TODAY)[0]["total"] == 333
