"""The alerts classifier (ptdv.alerts.rules, D42): pure, exhaustively, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.alerts.rules import (
    URGENCY_ORDER,
    Item,
    Urgency,
    classify,
    counts,
    day,
    sentence,
    subject_line,
    urgency_of,
)

TODAY = date(2026, 12, 5)
WARD = "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh"
BASIS = "Quy định 294-QĐ/TW (26/5/2025), điểm 4"


def _item(key: str = "1", due: int | None = 0, **kw: object) -> Item:
    values: dict[str, object] = {
        "source": "test",
        "key": key,
        "topic": "Hồ sơ",
        "subject": "Nguyễn Văn An",
        "unit": WARD,
        "what": "Hạn tổ chức lễ kết nạp",
        "due_on": TODAY + timedelta(days=due) if due is not None else None,
        "basis": BASIS,
    }
    return Item(**(values | kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("due", "at_risk", "expected"),
    [
        (-400, False, Urgency.OVERDUE),
        (-1, False, Urgency.OVERDUE),
        (-1, True, Urgency.OVERDUE),  # a deadline wins over the flag
        (0, False, Urgency.DUE),
        (7, False, Urgency.DUE),
        (7, True, Urgency.DUE),
        (8, False, None),  # later: a later digest lists it
        (8, True, Urgency.AT_RISK),  # flagged: listed now, with its date
        (None, True, Urgency.AT_RISK),
        (None, False, None),
    ],
)
def test_urgency_at_the_boundaries(due, at_risk, expected) -> None:
    item = _item(due=due, at_risk=at_risk)
    assert urgency_of(item, today=TODAY, within_days=7) == expected


def test_a_zero_day_window_keeps_today_only_and_a_negative_one_is_refused() -> None:
    assert [a.item.key for a in classify([_item("a", 0), _item("b", 1)], today=TODAY,
                                         within_days=0)] == ["a"]  # fmt: skip
    with pytest.raises(ValueError, match="within_days"):
        classify([], today=TODAY, within_days=-1)


def test_sentences_name_the_person_unit_what_date_and_basis() -> None:
    assert sentence(_item(due=3), 3) == (
        "Nguyễn Văn An (Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh): Hạn tổ chức lễ kết nạp "
        "— hạn 08/12/2026, còn 3 ngày. Căn cứ: Quy định 294-QĐ/TW (26/5/2025), điểm 4."
    )
    assert sentence(_item(due=-12), -12) == (
        "Nguyễn Văn An (Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh): Hạn tổ chức lễ kết nạp "
        "— hạn 23/11/2026, đã quá 12 ngày. Căn cứ: Quy định 294-QĐ/TW (26/5/2025), điểm 4."
    )
    assert sentence(_item(due=0, basis=""), 0) == (
        "Nguyễn Văn An (Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh): Hạn tổ chức lễ kết nạp "
        "— hạn hôm nay, 05/12/2026."
    )
    # A unit's item (a target at risk) has no person; a flag has no date.
    target = _item(due=None, subject="", what="Chỉ tiêu kết nạp có nguy cơ không đạt.",
                   basis="", at_risk=True)  # fmt: skip
    assert sentence(target, None) == f"{WARD}: Chỉ tiêu kết nạp có nguy cơ không đạt."


def test_subject_line_has_the_counts() -> None:
    assert subject_line({Urgency.OVERDUE: 2, Urgency.DUE: 5, Urgency.AT_RISK: 1},
                        within_days=7) == (
        "PTĐV — Việc cần làm: 2 quá hạn, 5 đến hạn trong 7 ngày, 1 cần chú ý"
    )  # fmt: skip
    assert subject_line({Urgency.DUE: 1}, within_days=30) == (
        "PTĐV — Việc cần làm: 1 đến hạn trong 30 ngày"
    )
    assert subject_line({}, within_days=7) == "PTĐV — Việc cần làm: không có"


def test_most_urgent_first_then_unit_and_person() -> None:
    items = [
        _item("flag", None, at_risk=True),
        _item("dated-flag", 40, at_risk=True),
        _item("soon-b", 2, unit="B"),
        _item("soon-a", 2, unit="A"),
        _item("late", -1),
        _item("later", -30),
        _item("today", 0),
        _item("far", 40),
    ]
    result = classify(items, today=TODAY, within_days=7)
    assert [a.item.key for a in result] == [
        "later", "late", "today", "soon-a", "soon-b", "dated-flag", "flag",
    ]  # fmt: skip
    assert [a.days for a in result] == [-30, -1, 0, 2, 2, 40, None]
    assert counts(result) == {Urgency.OVERDUE: 2, Urgency.DUE: 3, Urgency.AT_RISK: 2}


def test_an_item_given_twice_is_listed_once() -> None:
    result = classify([_item("x", 1), _item("x", -5)], today=TODAY, within_days=7)
    assert [(a.item.key, a.days) for a in result] == [("x", 1)]


# --- properties -------------------------------------------------------------------------------

texts = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẠ —()0123456789", max_size=20)
items = st.builds(
    Item,
    source=st.sampled_from(["pipeline.case", "members.transfer", "targets"]),
    key=st.integers(0, 30).map(str),
    topic=texts,
    subject=texts,
    unit=texts,
    what=texts,
    due_on=st.one_of(st.none(), st.integers(-800, 800).map(lambda d: TODAY + timedelta(days=d))),
    basis=texts,
    url=st.just(""),
    at_risk=st.booleans(),
)


@given(st.lists(items, max_size=40), st.integers(0, 60))
def test_classify_lists_each_listable_item_once_in_urgency_order(items, within) -> None:
    result = classify(items, today=TODAY, within_days=within)
    first: dict[tuple[str, str], Item] = {}
    for item in items:
        first.setdefault((item.source, item.key), item)
    listable = {k for k, item in first.items() if urgency_of(item, today=TODAY, within_days=within)}
    assert {(a.item.source, a.item.key) for a in result} == listable
    assert len(result) == len(listable)
    assert sum(counts(result).values()) == len(result)
    for a in result:
        assert a.item is first[(a.item.source, a.item.key)]
        assert a.urgency == urgency_of(a.item, today=TODAY, within_days=within)
        if a.item.due_on is not None:
            assert a.days == (a.item.due_on - TODAY).days
        if a.urgency == Urgency.OVERDUE:
            assert a.days is not None
            assert a.days < 0
        elif a.urgency == Urgency.DUE:
            assert a.days is not None
            assert 0 <= a.days <= within
        else:
            assert a.item.at_risk
    ranks = [URGENCY_ORDER.index(a.urgency) for a in result]
    assert ranks == sorted(ranks)
    for urgency in URGENCY_ORDER:
        group = [a for a in result if a.urgency == urgency]
        dated = [a.days for a in group if a.days is not None]
        assert dated == sorted(dated)  # most overdue / soonest first
        # dated before undated
        flags = [a.days is None for a in group]
        assert flags == sorted(flags)


@given(st.lists(items, max_size=30, unique_by=lambda i: (i.source, i.key)), st.integers(0, 60))
def test_order_does_not_depend_on_the_providers_order(items, within) -> None:
    forward = classify(items, today=TODAY, within_days=within)
    backward = classify(list(reversed(items)), today=TODAY, within_days=within)
    assert forward == backward


@given(items, st.integers(0, 60))
def test_every_sentence_names_who_what_when_and_basis(item, within) -> None:
    [*listed] = classify([item], today=TODAY, within_days=within)
    for a in listed:
        text = a.sentence
        assert item.unit in text
        assert item.subject in text
        assert item.what.rstrip(" .") in text
        if item.due_on is not None:
            assert day(item.due_on) in text
            assert ("đã quá" in text) == (item.due_on < TODAY)
        if item.basis.strip(" ."):
            assert f"Căn cứ: {item.basis.rstrip(' .')}." in text
        assert text.endswith(".")
