"""The watch lists of a unit (issue 7 item 8; DOMAIN §5.4 grounds 1 and 4, §4, §5.2).

Each function judges one member from plain data; the selectors gather the data and list the
members for whom the answer is set. A watch flag never removes anyone: removal is the cell's
proposal and the committee's decision (24-QĐ/TW item 8.1).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, timedelta

from django.utils.translation import gettext as _

from ptdv.members.rules.dates import months_between, official_date
from ptdv.members.rules.findings import Notice, Severity
from ptdv.members.rules.ratings import RatingLevel

REMOVAL_REFERENCE = "Quy định 24-QĐ/TW (30/7/2021), mục 8.1"
# Ground 1: absent from meetings, or dues unpaid, 3 months in a year without good reason.
GROUND_1_MONTHS = 3
# Ground 4: violating member quality two years in a row.
GROUND_4_YEARS = 2
PROBATION_WINDOW_DAYS = 60
ELDERLY_AGE = 60

Meeting = tuple[date, bool, bool]  # (held on, absent, with reason)


def _months_text(months: Iterable[date]) -> str:
    return ", ".join(f"{m:%m/%Y}" for m in sorted(months))


def absence_ground(
    meetings_in_year: Sequence[Meeting], unpaid_months: int | Collection[date]
) -> Notice | None:
    """Return a warning when removal ground 1 is met (REMOVAL-3M): absent without reason from
    meetings in 3 different months of one calendar year, or dues unpaid for 3 months of the
    year without reason; None otherwise.

    `unpaid_months` is a count, or the months themselves (first days, `dues_months_unpaid`).
    """
    absent: dict[int, set[date]] = {}
    for held_on, was_absent, with_reason in meetings_in_year:
        if was_absent and not with_reason:
            absent.setdefault(held_on.year, set()).add(held_on.replace(day=1))
    absent_months = max(absent.values(), key=len, default=set())
    unpaid_count = unpaid_months if isinstance(unpaid_months, int) else len(unpaid_months)
    reasons: list[str] = []
    if len(absent_months) >= GROUND_1_MONTHS:
        reasons.append(
            _("bỏ sinh hoạt chi bộ không có lý do trong %(n)s tháng (%(months)s)")
            % {"n": len(absent_months), "months": _months_text(absent_months)}
        )
    if unpaid_count >= GROUND_1_MONTHS:
        if isinstance(unpaid_months, int):
            reasons.append(_("không đóng đảng phí %(n)s tháng") % {"n": unpaid_count})
        else:
            reasons.append(
                _("không đóng đảng phí %(n)s tháng (%(months)s)")
                % {"n": unpaid_count, "months": _months_text(unpaid_months)}
            )
    if not reasons:
        return None
    return Notice(
        "REMOVAL-3M",
        Severity.WARN,
        _(
            "Thuộc trường hợp xem xét xóa tên thứ nhất (bỏ sinh hoạt đảng hoặc không đóng "
            "đảng phí 3 tháng trong năm mà không có lý do chính đáng): %(reasons)s "
            "(Quy định 24-QĐ/TW, mục 8.1)."
        )
        % {"reasons": "; ".join(reasons)},
        REMOVAL_REFERENCE,
    )


def dues_months_unpaid(
    paid_months: Collection[date], year: int, today: date, member_since: date
) -> list[date]:
    """Return the months of `year` (first days) without dues: from the month the member joined
    (or January) to today's month (or December of a past year)."""
    if year > today.year or member_since.year > year:
        return []
    first = 1 if member_since.year < year else member_since.month
    last = today.month if year == today.year else 12
    paid = {m.replace(day=1) for m in paid_months}
    months = (date(year, month, 1) for month in range(first, last + 1))
    return [m for m in months if m not in paid]


def quality_ground(ratings: Mapping[int, str]) -> Notice | None:
    """Return a warning when the member was rated "not completed" two years in a row
    (REMOVAL-QUALITY); None otherwise.

    Removal ground 4 is "violating member quality two years in a row"; whether two
    consecutive "not completed" ratings are that ground is open (DOMAIN §8 q12), so this is a
    watch flag for the cell to consider, never an automatic removal.
    """
    failed = sorted(y for y, level in ratings.items() if level == RatingLevel.NOT_COMPLETED)
    pairs = [(a, b) for a, b in zip(failed, failed[1:], strict=False) if b == a + 1]
    if not pairs:
        return None
    first, second = pairs[-1]
    return Notice(
        "REMOVAL-QUALITY",
        Severity.WARN,
        _(
            "Hai năm liền (%(first)s, %(second)s) xếp loại Không hoàn thành nhiệm vụ: chi bộ "
            "xem xét trường hợp hai năm liền vi phạm tư cách đảng viên (Quy định 24-QĐ/TW, "
            "mục 8.1)."
        )
        % {"first": first, "second": second},
        REMOVAL_REFERENCE,
    )


def probation_ending(
    joined_on: date,
    today: date,
    *,
    window_days: int = PROBATION_WINDOW_DAYS,
    official_date_fn: Callable[[date], date] = official_date,
) -> date | None:
    """Return the day a probationary member's 12 months end when it falls within the next
    `window_days` days (today included); None otherwise. Only for probationary members."""
    ends_on = official_date_fn(joined_on)
    if today <= ends_on <= today + timedelta(days=window_days):
        return ends_on
    return None


def temporary_overdue(planned_end_on: date | None, today: date) -> bool:
    """Return whether a temporary transfer is past its planned end (the member should be back
    or the extension recorded, 232-QĐ/TW 6.3.2)."""
    return planned_end_on is not None and today > planned_end_on


def ageing(birth_dates: Sequence[date], on: date) -> tuple[float | None, float | None]:
    """Return (average age in full years, share aged 60 and over as a fraction 0–1) on `on`;
    (None, None) for nobody. Ages are full years counted by month (a 29/2 birthday turns a
    year older on 28/2)."""
    if not birth_dates:
        return None, None
    ages = [months_between(born, on) // 12 for born in birth_dates]
    elderly = sum(1 for age in ages if age >= ELDERLY_AGE)
    return sum(ages) / len(ages), elderly / len(ages)
