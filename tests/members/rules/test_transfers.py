"""Transfers: working-day due dates, temporary lengths, refusals (DOMAIN §5.2)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.core.calendar import build_calendar
from ptdv.members.rules.findings import Severity
from ptdv.members.rules.transfers import (
    letter_due,
    present_due,
    temporary_notice,
    transfer_refusals,
)

CAL = build_calendar(range(2024, 2028))
DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


def test_letter_due_is_the_sixtieth_working_day() -> None:
    # Mon 3/3/2025: 60 working days, with 7/4 (Hùng Kings), 30/4, 1/5 and 2/5/2025 off and
    # Saturday 26/4 worked.
    assert letter_due(date(2025, 3, 3), CAL) == date(2025, 5, 29)
    assert CAL.working_days_between(date(2025, 3, 3), date(2025, 5, 29)) == 60


def test_present_due_is_the_thirtieth_working_day() -> None:
    assert present_due(date(2024, 5, 13), CAL) == date(2024, 6, 24)


@given(DAYS)
def test_due_dates_are_working_days_at_the_stated_distance(trigger: date) -> None:
    letter = letter_due(trigger, CAL)
    present = present_due(letter, CAL)
    assert CAL.is_working_day(letter)
    assert CAL.is_working_day(present)
    assert CAL.working_days_between(trigger, letter) == 60
    assert CAL.working_days_between(letter, present) == 30


@pytest.mark.parametrize(
    ("planned_end", "purpose", "warns"),
    [
        (date(2026, 4, 1), "residence", False),  # exactly 3 months
        (date(2026, 3, 31), "residence", True),
        (date(2026, 12, 31), "work", False),  # under 1 year
        (date(2027, 1, 1), "work", True),  # 1 year: a permanent transfer
        (date(2027, 1, 1), "study", False),
        (date(2028, 1, 1), "study", False),  # exactly 2 years
        (date(2028, 1, 2), "study", True),
        (date(2026, 3, 31), "study", True),
        (date(2025, 12, 1), "work", True),  # before the start
        (None, "work", True),
    ],
)
def test_temporary_transfer_length(planned_end, purpose: str, warns: bool) -> None:
    notice = temporary_notice(date(2026, 1, 1), planned_end, purpose)
    assert (notice is not None) is warns
    if notice is not None:
        assert (notice.code, notice.severity) == ("TEMP-TRANSFER", Severity.WARN)
        assert "Quy định 232-QĐ/TW, mục 6.3.2" in notice.message


def test_temporary_notice_names_the_dates_and_the_range() -> None:
    notice = temporary_notice(date(2026, 1, 1), date(2027, 1, 1), "work")
    assert notice is not None
    assert notice.message == (
        "Chuyển sinh hoạt tạm thời từ 01/01/2026 đến 01/01/2027: thời gian phải từ 3 tháng đến "
        "dưới 1 năm (thay đổi nơi cư trú hoặc nơi làm việc); dài hơn thì chuyển sinh hoạt "
        "chính thức (TEMP-TRANSFER, Quy định 232-QĐ/TW, mục 6.3.2)."
    )


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        ({}, []),
        ({"to_cell_id": None}, []),  # to a party organisation outside PTĐV
        ({"on": date(2026, 6, 2)}, ["TRANSFER-FUTURE"]),
        ({"to_cell_id": 7}, ["TRANSFER-SAME"]),
        ({"to_cell_stands": False}, ["TRANSFER-DISSOLVED"]),
        ({"to_cell_id": None, "to_cell_stands": False}, []),
    ],
)
def test_transfer_refusals(overrides: dict, codes: list[str]) -> None:
    facts = {
        "on": date(2026, 6, 1),
        "today": date(2026, 6, 1),
        "cell_id": 7,
        "to_cell_id": 8,
    } | overrides
    notices = transfer_refusals(**facts)
    assert [n.code for n in notices] == codes
    assert all(n.severity == Severity.BLOCK for n in notices)


def test_dissolved_target_message_names_the_day() -> None:
    (notice,) = transfer_refusals(
        on=date(2025, 7, 1), today=date(2026, 1, 1), cell_id=1, to_cell_id=2, to_cell_stands=False
    )
    assert "01/07/2025" in notice.message
