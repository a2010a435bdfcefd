"""Annual quality rating: refusals and the cap on "excellent" (DOMAIN §5.3)."""

from __future__ import annotations

from datetime import date

import pytest

from ptdv.members.models import RatingLevel as ModelRatingLevel
from ptdv.members.rules.findings import Severity
from ptdv.members.rules.ratings import (
    CAP_BASE_RATED,
    RatingConfig,
    RatingLevel,
    excellent_cap_notice,
    rating_refusals,
)

TODAY = date(2026, 12, 20)


def refusal_codes(**overrides) -> list[str]:
    facts = {
        "year": 2026,
        "today": TODAY,
        "joined_on": date(2010, 5, 1),
        "rated_years": {2024, 2025},
        "exempted_at_year_end": False,
    } | overrides
    return [n.code for n in rating_refusals(**facts)]


def test_levels_match_the_model() -> None:
    assert [level.value for level in RatingLevel] == list(ModelRatingLevel.values)


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        ({}, []),
        ({"year": 2027}, ["RATING-FUTURE"]),
        ({"year": 2025}, ["RATING-ONCE"]),
        ({"year": 2009}, ["RATING-NOT-MEMBER"]),
        ({"joined_on": date(2026, 12, 1)}, []),  # joined during the year: rated
        ({"left_on": date(2025, 6, 1)}, ["RATING-NOT-MEMBER"]),
        ({"left_on": date(2026, 6, 1)}, []),
        ({"exempted_at_year_end": True}, ["RATING-EXEMPTED"]),
        ({"exempted_on_rating_day": True}, ["RATING-EXEMPTED"]),
        ({"year": 2027, "exempted_at_year_end": True}, ["RATING-FUTURE", "RATING-EXEMPTED"]),
    ],
)
def test_rating_refusals(overrides: dict, codes: list[str]) -> None:
    assert refusal_codes(**overrides) == codes


def test_refusals_block_and_name_the_rule() -> None:
    (notice,) = rating_refusals(
        year=2026,
        today=TODAY,
        joined_on=date(2010, 5, 1),
        rated_years=(),
        exempted_at_year_end=True,
    )
    assert notice.severity == Severity.BLOCK
    assert notice.blocks
    assert "24-QĐ/TW, mục 7.1" in notice.message
    assert "24-QĐ/TW" in notice.reference


@pytest.mark.parametrize(
    ("excellent", "good", "warns"),
    [
        (2, 10, False),  # exactly 20 %
        (3, 10, True),
        (0, 0, False),
        (1, 0, True),
        (1, 4, True),  # 20 % of 4 is 0.8: at most 0 excellent
        (1, 5, False),
    ],
)
def test_excellent_cap_is_a_share_of_good(excellent: int, good: int, warns: bool) -> None:
    counts = {"excellent": excellent, "good": good, "completed": 30}
    assert (excellent_cap_notice(counts) is not None) is warns


def test_excellent_cap_warning_names_the_rule_and_the_numbers() -> None:
    notice = excellent_cap_notice({"excellent": 5, "good": 12, "completed": 3})
    assert notice is not None
    assert notice.code == "RATING-QUOTA"
    assert notice.severity == Severity.WARN
    assert notice.message == (
        "5 đảng viên xếp loại Hoàn thành xuất sắc nhiệm vụ, vượt 20% số đảng viên xếp loại "
        "Hoàn thành tốt nhiệm vụ (12 người, tối đa 2) trong tổ chức cơ sở đảng "
        "(RATING-QUOTA, Hướng dẫn 21-HD/BTCTW; Quy định 124-QĐ/TW)."
    )
    assert "21-HD/BTCTW" in notice.reference


def test_excellent_cap_configurable() -> None:
    counts = {"excellent": 3, "good": 10, "completed": 10}
    assert excellent_cap_notice(counts, RatingConfig(cap_percent=None)) is None
    assert excellent_cap_notice(counts, RatingConfig(cap_percent=30)) is None
    # 20 % of all 23 rated: at most 4.
    assert excellent_cap_notice(counts, RatingConfig(cap_base=CAP_BASE_RATED)) is None
    over = {"excellent": 6, "good": 10, "completed": 10}
    notice = excellent_cap_notice(over, RatingConfig(cap_base=CAP_BASE_RATED))
    assert notice is not None
    assert notice.message.startswith(
        "6 đảng viên xếp loại Hoàn thành xuất sắc nhiệm vụ, vượt 20% số đảng viên được xếp "
        "loại (26 người, tối đa 5)"
    )


def test_rating_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="cap base"):
        RatingConfig(cap_base="all")
    with pytest.raises(ValueError, match="percentage"):
        RatingConfig(cap_percent=120)
