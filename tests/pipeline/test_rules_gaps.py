"""Rule gaps found by the audit (issue 6 §5): the meeting judges age for the deciding level,
late extensions, a certificate issued after the meeting, steps dated on days off. No database."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from ptdv.core.calendar import DAY_OFF, build_calendar
from ptdv.pipeline import actions as A
from ptdv.pipeline.rules import RulesConfig, Severity
from ptdv.pipeline.rules.member_dates import MemberDates, member_dates
from ptdv.pipeline.rules.timing import age_judged_on
from tests.pipeline.test_rules import (
    CAL,
    DECISION_DATA,
    blocks,
    check,
    happy_path,
    make_facts,
    steps_to_opinions,
    upto,
    vote,
    walk,
)

CONFIG = RulesConfig()


def _rule(findings: list[Any], rule_id: str) -> list[Any]:
    return [f for f in findings if f.rule_id == rule_id]


# --- WORKING-DAY: steps dated on a day off ---------------------------------------------------


@pytest.mark.parametrize(
    ("action", "day", "named"),
    [
        (A.CELL_VOTE, date(2025, 1, 29), "Tết Nguyên Đán 29/01/2025"),
        (A.DECISION, date(2025, 3, 8), "Thứ bảy 08/03/2025 (không phải ngày làm bù)"),
        (A.COMMITTEE_VOTE, date(2025, 2, 2), "Chủ nhật 02/02/2025"),
        (A.VERIFIED, date(2025, 9, 2), "Quốc khánh 02/09/2025"),
        (A.CEREMONY, date(2025, 4, 26), None),  # the make-up Saturday for 2/5/2025
        (A.CELL_VOTE, date(2025, 2, 3), None),  # an ordinary Monday
        (A.APPLICATION, date(2025, 2, 2), None),  # the candidate writes on any day
        (A.HISTORY, date(2025, 1, 29), None),
        (A.SELF_REVIEW, date(2025, 2, 2), None),
    ],
)
def test_a_step_dated_on_a_day_off_warns_naming_the_day(
    action: str, day: date, named: str | None
) -> None:
    facts = make_facts([(A.OPEN, date(2024, 1, 2), {})])
    found = _rule(check(facts, action, day, {}), "WORKING-DAY")
    if named is None:
        assert found == []
    else:
        [finding] = found
        assert finding.severity == Severity.WARN
        assert finding.message == (
            f"{named} là ngày nghỉ: kiểm tra lại ngày ghi trên văn bản "
            "(WORKING-DAY, Bộ luật Lao động 2019 Điều 111, 112)"
        )
        assert finding.reference == "Bộ luật Lao động 2019, Điều 111 và Điều 112"


def test_a_day_off_before_2021_cites_the_labour_code_of_2012() -> None:
    facts = make_facts([(A.OPEN, date(2018, 1, 2), {})])
    [finding] = _rule(check(facts, A.VERIFIED, date(2018, 9, 2), {}), "WORKING-DAY")
    assert finding.message.endswith("(WORKING-DAY, Bộ luật Lao động 2012 Điều 110, 115)")


def test_an_administrators_extra_day_off_is_named_by_its_note() -> None:
    calendar = build_calendar(
        range(2024, 2027), [(date(2025, 3, 7), DAY_OFF)], {date(2025, 3, 7): "Nghỉ bão Yagi"}
    )
    facts = make_facts([(A.OPEN, date(2024, 1, 2), {})])
    [finding] = _rule(
        check(facts, A.VERIFIED, date(2025, 3, 7), {}, calendar=calendar), "WORKING-DAY"
    )
    assert finding.message.startswith("Nghỉ bão Yagi 07/03/2025 là ngày nghỉ")


def test_a_step_on_a_day_off_is_never_refused() -> None:
    # The happy path's introduction (6/4/2024) and opinions (7/4/2024) fall on a weekend.
    path = steps_to_opinions(date(2024, 4, 1))
    facts = walk(path[:-2])
    introduced = check(facts, A.INTRODUCED, date(2024, 4, 6), path[-2][2])
    assert [f.rule_id for f in introduced] == ["WORKING-DAY"]


# --- DECIDE-60WD / RECOG-DECIDE-30WD: an extension after the deadline -------------------------

# The happy path's cell resolution is on 6/5/2024; its recognition resolution on 3/7/2025.
DECISION_DUE = CAL.add_working_days(date(2024, 5, 6), 60)
RECOGNITION_DUE = CAL.add_working_days(date(2025, 7, 3), 30)


@pytest.mark.parametrize(
    ("on", "refused"),
    [
        (DECISION_DUE - timedelta(days=1), False),
        (DECISION_DUE, False),  # the last day of the 60 working days
        (CAL.add_working_days(DECISION_DUE, 1), True),
        (DECISION_DUE + timedelta(days=60), True),
    ],
)
def test_an_extension_after_the_decision_deadline_is_refused(on: date, refused: bool) -> None:
    facts = walk(upto(A.DECISION))
    findings = check(facts, A.EXTENSION, on, {"reason": "Chờ xác minh thêm"})
    assert blocks(findings) == (["DECIDE-60WD"] if refused else [])
    if refused:
        assert _rule(findings, "DECIDE-60WD")[0].message == (
            "Không gia hạn được: thời hạn 60 ngày làm việc kể từ nghị quyết chi bộ (06/05/2024) "
            f"đã hết ngày {DECISION_DUE:%d/%m/%Y}; quyết định sau hạn được ghi nhận là quá hạn "
            "(DECIDE-60WD, Quy định 24-QĐ/TW điểm 4.3.1)"
        )


def test_a_decision_after_the_deadline_stays_late_without_an_extension() -> None:
    facts = walk(upto(A.DECISION))
    late = CAL.add_working_days(DECISION_DUE, 5)
    findings = check(
        facts, A.DECISION, late, {**DECISION_DATA, "received_on": late, "admitted": True}
    )
    assert [(f.rule_id, f.severity) for f in _rule(findings, "DECIDE-60WD")] == [
        ("DECIDE-60WD", Severity.WARN)
    ]


@pytest.mark.parametrize(
    ("on", "refused"),
    [(RECOGNITION_DUE, False), (CAL.add_working_days(RECOGNITION_DUE, 1), True)],
)
def test_an_extension_after_the_recognition_deadline_is_refused(on: date, refused: bool) -> None:
    facts = walk(upto(A.RECOGNITION_DECISION))
    findings = check(facts, A.RECOGNITION_EXTENSION, on, {"reason": "Chờ ý kiến"})
    assert blocks(findings) == (["RECOG-DECIDE-30WD"] if refused else [])


# --- CERT-VALID: a certificate issued after the cell meeting ---------------------------------


@pytest.mark.parametrize(
    ("issued", "refused"),
    [
        (date(2024, 4, 1), False),
        (date(2024, 5, 6), False),  # issued on the meeting day
        (date(2024, 5, 7), True),  # the day after
        (date(2024, 9, 1), True),
    ],
)
def test_a_certificate_issued_after_the_cell_meeting_is_refused(
    issued: date, refused: bool
) -> None:
    facts = walk(steps_to_opinions(date(2024, 4, 1), course_issued=issued))
    findings = check(facts, A.CELL_VOTE, date(2024, 5, 6), vote(3, 3, 3))
    assert blocks(findings) == (["CERT-VALID"] if refused else [])
    if refused:
        assert _rule(findings, "CERT-VALID")[0].message == (
            "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng cấp ngày "
            f"{issued:%d/%m/%Y}, sau ngày chi bộ xét (06/05/2024): chưa có trong hồ sơ khi chi bộ "
            "xét (CERT-VALID, Hướng dẫn 09-HD/BTCTW phần hồ sơ kết nạp đảng viên)"
        )


# --- AGE-MAX and AUTHORITY: one date, the meeting's -------------------------------------------


def test_age_is_judged_on_the_cell_meeting_once_there_is_one() -> None:
    before = walk(upto(A.CELL_VOTE))
    assert age_judged_on(before, date(2024, 5, 1), config=CONFIG) == date(2024, 5, 1)
    after = walk(upto(A.DECISION))
    assert age_judged_on(after, date(2024, 6, 10), config=CONFIG) == date(2024, 5, 6)


def test_a_failed_meeting_does_not_judge_age() -> None:
    facts = walk(upto(A.CELL_VOTE))
    facts = walk([(A.CELL_VOTE, date(2024, 5, 6), vote(3, 3, 1))], facts)
    assert age_judged_on(facts, date(2024, 6, 3), config=CONFIG) == date(2024, 6, 3)


# --- the member's dates (cached on the case) ----------------------------------------------------


def test_member_dates_follow_the_steps() -> None:
    path = happy_path()
    assert member_dates(walk(upto(A.DECISION)), config=CONFIG) == MemberDates()
    decided = walk(upto(A.CEREMONY))
    assert member_dates(decided, config=CONFIG) == MemberDates(
        decision_on=date(2024, 6, 10), decision_received_on=date(2024, 6, 12)
    )
    official = walk(path)
    assert member_dates(official, config=CONFIG) == MemberDates(
        decision_on=date(2024, 6, 10),
        decision_received_on=date(2024, 6, 12),
        ceremony_on=date(2024, 6, 28),
        probation_ends_on=date(2025, 6, 28),
        official_on=date(2025, 6, 28),
        recognition_decision_on=date(2025, 7, 20),
    )


def test_a_refused_admission_sets_no_member_date() -> None:
    facts = walk(upto(A.DECISION))
    refused = walk([(A.DECISION, date(2024, 6, 10), {**DECISION_DATA, "admitted": False})], facts)
    assert member_dates(refused, config=CONFIG) == MemberDates()
