"""Transfers of party activity (chuyển sinh hoạt đảng), DOMAIN §5.2.

Permanent: the transfer is made within 60 working days of the decision's effective date (or of
the change of residence), and the member presents the letter to the receiving cell within 30
working days of the letter's date (24/294-QĐ/TW item 6.3.1; "working" days as the regulation
says, not the "30 days" of some 2017-era local guides). Temporary: a residence or workplace
change of 3 months to less than 1 year, or full-time study of 3 months to 2 years (232-QĐ/TW
item 6.3.2).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _

from ptdv.core.calendar import WorkCalendar
from ptdv.members.rules.dates import add_months
from ptdv.members.rules.findings import Notice, Severity, day

LETTER_WORKING_DAYS = 60  # TRANSFER-60WD
PRESENT_WORKING_DAYS = 30  # TRANSFER-30WD
TEMPORARY_MIN_MONTHS = 3
TEMPORARY_WORK_MAX_MONTHS = 12  # exclusive: "dưới 1 năm"
TEMPORARY_STUDY_MAX_MONTHS = 24  # inclusive: "từ 3 tháng đến 2 năm"

PERMANENT_REFERENCE = "Quy định 294-QĐ/TW (26/5/2025), mục 6.3.1"
TEMPORARY_REFERENCE = "Quy định 232-QĐ/TW (20/1/2025), mục 6.3.2"


class TemporaryPurpose(StrEnum):
    RESIDENCE = "residence"  # change of residence
    WORK = "work"  # change of workplace
    STUDY = "study"  # full-time study in Vietnam


def letter_due(trigger_on: date, calendar: WorkCalendar) -> date:
    """Return the last day to make the transfer: the 60th working day after the decision's
    effective date or the change of residence (TRANSFER-60WD)."""
    return calendar.add_working_days(trigger_on, LETTER_WORKING_DAYS)


def present_due(letter_on: date, calendar: WorkCalendar) -> date:
    """Return the last day to present the letter to the receiving cell: the 30th working day
    after the letter's date (TRANSFER-30WD)."""
    return calendar.add_working_days(letter_on, PRESENT_WORKING_DAYS)


def temporary_notice(start: date, planned_end: date | None, purpose: str) -> Notice | None:
    """Return a warning when a temporary transfer's planned length is outside its range
    (TEMP-TRANSFER): 3 months to under 1 year for residence or work, 3 months to 2 years for
    full-time study; longer means a permanent transfer, shorter needs none."""
    study = purpose == TemporaryPurpose.STUDY
    if study:
        allowed = _("từ 3 tháng đến 2 năm (đi học tập trung)")
    else:
        allowed = _("từ 3 tháng đến dưới 1 năm (thay đổi nơi cư trú hoặc nơi làm việc)")
    if planned_end is None:
        problem = _("chưa ghi ngày dự kiến trở về")
    else:
        shortest = add_months(start, TEMPORARY_MIN_MONTHS)
        if study:
            fits = shortest <= planned_end <= add_months(start, TEMPORARY_STUDY_MAX_MONTHS)
        else:
            fits = shortest <= planned_end < add_months(start, TEMPORARY_WORK_MAX_MONTHS)
        if fits:
            return None
        problem = _("từ %(start)s đến %(end)s") % {"start": day(start), "end": day(planned_end)}
    return Notice(
        "TEMP-TRANSFER",
        Severity.WARN,
        _(
            "Chuyển sinh hoạt tạm thời %(problem)s: thời gian phải %(allowed)s; dài hơn thì "
            "chuyển sinh hoạt chính thức (TEMP-TRANSFER, Quy định 232-QĐ/TW, mục 6.3.2)."
        )
        % {"problem": problem, "allowed": allowed},
        TEMPORARY_REFERENCE,
    )


def transfer_refusals(
    *,
    on: date,
    today: date,
    cell_id: int,
    to_cell_id: int | None,
    to_cell_stands: bool = True,
) -> list[Notice]:
    """Return why a transfer dated `on` from `cell_id` to `to_cell_id` (None: outside PTĐV)
    may not be recorded. `to_cell_stands`: the receiving unit exists (not dissolved, already
    created) on `on`, from the dated tree."""
    refusals: list[Notice] = []
    if on > today:
        refusals.append(
            Notice(
                "TRANSFER-FUTURE",
                Severity.BLOCK,
                _("Ngày chuyển sinh hoạt %(on)s sau ngày hôm nay: không ghi trước.")
                % {"on": day(on)},
                PERMANENT_REFERENCE,
            )
        )
    if to_cell_id is not None and to_cell_id == cell_id:
        refusals.append(
            Notice(
                "TRANSFER-SAME",
                Severity.BLOCK,
                _("Không chuyển sinh hoạt đến chính chi bộ đang sinh hoạt."),
                PERMANENT_REFERENCE,
            )
        )
    if to_cell_id is not None and not to_cell_stands:
        refusals.append(
            Notice(
                "TRANSFER-DISSOLVED",
                Severity.BLOCK,
                _(
                    "Chi bộ chuyển đến không còn (hoặc chưa thành lập) vào ngày %(on)s: chọn "
                    "đơn vị đang hoạt động vào ngày đó."
                )
                % {"on": day(on)},
                PERMANENT_REFERENCE,
            )
        )
    return refusals
