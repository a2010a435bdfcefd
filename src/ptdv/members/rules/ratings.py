"""The annual quality rating (đánh giá, xếp loại chất lượng đảng viên), DOMAIN §5.3 (D32).

Four levels (124-QĐ/TW art. 12). Members exempted from activity are not rated (24-QĐ/TW 7.1);
one rating per member per year; no rating of a future year, nor of a year before the member's
admission or after the member left.

The cap on "excellent": at most 20 % of the members rated "good" in each grassroots
organisation (21-HD/BTCTW, 18/10/2019; 124-QĐ/TW, 4/10/2023). 366-QĐ/TW (30/8/2025) replaced
124-QĐ/TW with a 100-point scale ("excellent" needs ≥ 90 points); whether the 20 % cap
survives it could not be read (DOMAIN §8 q11), so the cap is a `RatingConfig` setting: its
share, what it is a share of, or None to switch it off. It only ever warns.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _

from ptdv.members.rules.findings import Notice, Severity, day


class RatingLevel(StrEnum):
    """The same values as `members.models.RatingLevel`."""

    EXCELLENT = "excellent"
    GOOD = "good"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"


CAP_BASE_GOOD = "good"  # a share of the members rated "good" (21-HD/BTCTW)
CAP_BASE_RATED = "rated"  # a share of everyone rated (a reading some units use)

RATING_REFERENCE = "Quy định 24-QĐ/TW (30/7/2021), mục 7.1; Quy định 124-QĐ/TW (4/10/2023)"
CAP_REFERENCE = "Hướng dẫn 21-HD/BTCTW (18/10/2019); Quy định 124-QĐ/TW (4/10/2023)"


@dataclass(frozen=True)
class RatingConfig:
    """How the "excellent" cap is judged (decision D32)."""

    cap_percent: int | None = 20
    cap_base: str = CAP_BASE_GOOD
    scheme_note: str = (
        "124-QĐ/TW: excellent ≤ 20 % of good per grassroots organisation; 366-QĐ/TW (30/8/2025) "
        "moved to a 100-point scale and the cap's survival is unconfirmed (DOMAIN §8 q11)."
    )

    def __post_init__(self) -> None:
        if self.cap_base not in (CAP_BASE_GOOD, CAP_BASE_RATED):
            raise ValueError(f"unknown cap base {self.cap_base!r}")
        if self.cap_percent is not None and not 0 <= self.cap_percent <= 100:
            raise ValueError("cap_percent is a percentage")


RATING_CONFIG = RatingConfig()


def _refusal(code: str, message: str) -> Notice:
    return Notice(code, Severity.BLOCK, message, RATING_REFERENCE)


def rating_refusals(
    *,
    year: int,
    today: date,
    joined_on: date,
    rated_years: Collection[int],
    exempted_at_year_end: bool,
    exempted_on_rating_day: bool = False,
    left_on: date | None = None,
) -> list[Notice]:
    """Return why a rating of `year` may not be recorded (empty: it may).

    `exempted_at_year_end`: exempted from activity on 31/12 of the year (or today, for the
    current year); `exempted_on_rating_day`: exempted on the day the cell rates.
    """
    refusals: list[Notice] = []
    if year > today.year:
        refusals.append(
            _refusal(
                "RATING-FUTURE",
                _("Năm %(year)s chưa đến: không xếp loại chất lượng cho năm sau năm hiện tại.")
                % {"year": year},
            )
        )
    if joined_on.year > year:
        refusals.append(
            _refusal(
                "RATING-NOT-MEMBER",
                _(
                    "Năm %(year)s đảng viên chưa vào Đảng (ngày vào Đảng %(joined)s): "
                    "không xếp loại chất lượng năm đó."
                )
                % {"year": year, "joined": day(joined_on)},
            )
        )
    if left_on is not None and left_on.year < year:
        refusals.append(
            _refusal(
                "RATING-NOT-MEMBER",
                _(
                    "Đảng viên đã ra khỏi Đảng ngày %(left)s: không xếp loại chất lượng "
                    "năm %(year)s."
                )
                % {"year": year, "left": day(left_on)},
            )
        )
    if year in rated_years:
        refusals.append(
            _refusal(
                "RATING-ONCE",
                _("Đảng viên đã được xếp loại chất lượng năm %(year)s: mỗi năm chỉ một lần.")
                % {"year": year},
            )
        )
    if exempted_at_year_end or exempted_on_rating_day:
        refusals.append(
            _refusal(
                "RATING-EXEMPTED",
                _(
                    "Đảng viên được miễn công tác và sinh hoạt đảng thì không xếp loại chất "
                    "lượng (Quy định 24-QĐ/TW, mục 7.1)."
                ),
            )
        )
    return refusals


def excellent_cap_notice(
    counts_by_level: Mapping[str, int], config: RatingConfig = RATING_CONFIG
) -> Notice | None:
    """Return a warning when the members rated "excellent" in one grassroots organisation
    exceed the cap (RATING-QUOTA); None within it or with the cap switched off."""
    if config.cap_percent is None:
        return None
    excellent = counts_by_level.get(RatingLevel.EXCELLENT, 0)
    if config.cap_base == CAP_BASE_GOOD:
        base = counts_by_level.get(RatingLevel.GOOD, 0)
        base_label = _("số đảng viên xếp loại Hoàn thành tốt nhiệm vụ")
    else:
        base = sum(counts_by_level.get(level, 0) for level in RatingLevel)
        base_label = _("số đảng viên được xếp loại")
    # Integer arithmetic: allowed = floor(cap % × base).
    allowed = config.cap_percent * base // 100
    if excellent <= allowed:
        return None
    return Notice(
        "RATING-QUOTA",
        Severity.WARN,
        _(
            "%(excellent)s đảng viên xếp loại Hoàn thành xuất sắc nhiệm vụ, vượt %(cap)s%% "
            "%(base_label)s (%(base)s người, tối đa %(allowed)s) trong tổ chức cơ sở đảng "
            "(RATING-QUOTA, Hướng dẫn 21-HD/BTCTW; Quy định 124-QĐ/TW)."
        )
        % {
            "excellent": excellent,
            "cap": config.cap_percent,
            "base_label": base_label,
            "base": base,
            "allowed": allowed,
        },
        CAP_REFERENCE,
    )
