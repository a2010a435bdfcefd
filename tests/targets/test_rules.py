"""The forecast and the risk flags (decision D40): pure functions, no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.targets import rules
from ptdv.targets.rules import CEREMONY, DECISION, Pace, PassThrough, PipelineCase

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
RATES = PassThrough(decision=Decimal("0.8"), ceremony=Decimal("0.9"))
NO_PACE = Pace(0, 0)


def _forecast(achieved=0, today=date(2026, 11, 21), pipeline=(), rates=RATES, pace=NO_PACE,
              period=YEAR):  # fmt: skip
    start, end = period
    return rules.forecast(achieved=achieved, start=start, end=end, today=today,
                          pipeline=list(pipeline), rates=rates, pace=pace)  # fmt: skip


def test_pipeline_cases_are_weighted_by_their_stage():
    result = _forecast(
        achieved=40,
        pipeline=[
            PipelineCase(DECISION, date(2026, 12, 10)),
            PipelineCase(CEREMONY, date(2026, 12, 1)),
        ],
    )
    assert result.pipeline == Decimal("0.72") + Decimal("0.9")
    assert result.total == 42  # 41.62 rounded half up


def test_cases_due_after_the_period_or_without_a_due_date_do_not_count():
    result = _forecast(
        achieved=5,
        pipeline=[PipelineCase(CEREMONY, date(2027, 1, 2)), PipelineCase(CEREMONY, None)],
    )
    assert result.pipeline == 0
    assert result.total == 5


def test_an_overdue_case_still_counts():
    result = _forecast(pipeline=[PipelineCase(CEREMONY, date(2026, 10, 1))])
    assert result.pipeline == Decimal("0.9")


def test_a_case_due_before_a_period_not_begun_is_left_out():
    result = _forecast(
        today=date(2025, 11, 1), pipeline=[PipelineCase(CEREMONY, date(2025, 12, 1))]
    )
    assert result.pipeline == 0


def test_pace_covers_the_remaining_days_beyond_the_pipeline():
    # 365 admissions over 365 days: one a day; 40 days left after 21/11.
    result = _forecast(achieved=10, pace=Pace(365, 365))
    assert result.remaining_days == 40
    assert result.pace == 40
    assert result.total == 50
    # Three cases in the pipeline are part of those 40, not on top of them.
    cases = [PipelineCase(CEREMONY, date(2026, 12, 1))] * 3
    with_cases = _forecast(achieved=10, pace=Pace(365, 365), pipeline=cases)
    assert with_cases.pace == 40 - Decimal("2.7")
    assert with_cases.total == 50


def test_a_full_pipeline_beats_a_slow_habit():
    cases = [PipelineCase(CEREMONY, date(2026, 12, 1))] * 10
    result = _forecast(achieved=10, pace=Pace(0, 365), pipeline=cases)
    assert result.pace == 0
    assert result.total == 19


def test_after_the_period_the_forecast_is_what_was_achieved():
    result = _forecast(achieved=48, today=date(2027, 1, 5), pace=Pace(1000, 10),
                       pipeline=[PipelineCase(CEREMONY, date(2026, 12, 1))])  # fmt: skip
    assert (result.total, result.pipeline, result.pace, result.remaining_days) == (48, 0, 0, 0)


def test_a_term_not_begun_counts_all_its_days():
    term = (date(2026, 1, 1), date(2030, 12, 31))
    assert rules.remaining_days(start=term[0], end=term[1], today=date(2025, 6, 1)) == 1826


@pytest.mark.parametrize(
    ("passed", "seen", "expected"),
    [(0, 0, Decimal("0.9")), (3, 4, Decimal("0.9")), (9, 10, Decimal("0.9")),
     (5, 10, Decimal("0.5")), (10, 10, Decimal(1))],
)  # fmt: skip
def test_pass_through_uses_the_default_when_history_is_thin(passed, seen, expected):
    assert rules.pass_through(passed, seen, default=Decimal("0.9"), min_history=10) == expected


def test_pass_through_refuses_impossible_counts():
    with pytest.raises(ValueError, match="passed"):
        rules.pass_through(3, 2, default=Decimal(1), min_history=0)


def test_forecast_refuses_a_reversed_period_and_negative_counts():
    with pytest.raises(ValueError, match="ends before"):
        _forecast(period=(date(2026, 1, 2), date(2026, 1, 1)))
    with pytest.raises(ValueError, match="negative"):
        _forecast(achieved=-1)


@pytest.mark.parametrize(
    ("achieved", "forecast", "today", "reasons"),
    [
        (41, 41, date(2026, 11, 21), ["Dự báo 41/50 (82 %): thiếu 9 đảng viên"]),
        (48, 50, date(2026, 11, 21), []),
        (48, 52, date(2026, 11, 21), []),
        (0, 30, date(2026, 3, 1),
         ["Chưa kết nạp đảng viên nào trong năm", "Dự báo 30/50 (60 %): thiếu 20 đảng viên"]),
        (0, 50, date(2026, 3, 1), ["Chưa kết nạp đảng viên nào trong năm"]),
        (49, 49, date(2027, 1, 3), ["Không đạt chỉ tiêu: kết nạp 49/50 (98 %)"]),
        (50, 50, date(2027, 1, 3), []),
        (0, 0, date(2025, 12, 31), []),  # not begun
    ],
)  # fmt: skip
def test_count_risks_say_why_in_vietnamese(achieved, forecast, today, reasons):
    assert rules.count_risks(target=50, achieved=achieved, forecast_total=forecast,
                             start=YEAR[0], end=YEAR[1], today=today) == reasons  # fmt: skip


def test_count_risks_of_a_term_and_thousands():
    reasons = rules.count_risks(target=5000, achieved=0, forecast_total=1932,
                                start=date(2020, 1, 1), end=date(2025, 12, 31),
                                today=date(2020, 2, 1))  # fmt: skip
    assert reasons == [
        "Chưa kết nạp đảng viên nào trong nhiệm kỳ",
        "Dự báo 1.932/5.000 (38,64 %): thiếu 3.068 đảng viên",
    ]


def test_share_risks():
    start = YEAR[0]
    today = date(2026, 6, 1)
    assert rules.share_risks(label="Tỷ lệ nữ", target=Decimal(40), share=Decimal("36.64"),
                             start=start, today=today) == [
        "Tỷ lệ nữ 36,64 %, thấp hơn chỉ tiêu 40 %"
    ]  # fmt: skip
    assert rules.share_risks(label="X", target=Decimal(40), share=Decimal(40), start=start,
                             today=today) == []  # fmt: skip
    assert rules.share_risks(label="X", target=Decimal(1), share=None, start=start,
                             today=today) == ["X: chưa có số liệu"]  # fmt: skip


@pytest.mark.parametrize(
    ("achieved", "ended", "label"),
    [(Decimal(50), True, "Hoàn thành"), (Decimal(51), True, "Vượt chỉ tiêu"),
     (Decimal(49), True, "Không hoàn thành"), (None, True, "Không hoàn thành"),
     (Decimal(10), False, "Đang thực hiện")],
)  # fmt: skip
def test_result_label(achieved, ended, label):
    assert rules.result_label(target=Decimal(50), achieved=achieved, ended=ended) == label


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("96.60"), "96,6 %"), (Decimal("82.00"), "82 %"), (Decimal("100"), "100 %"),
     (Decimal("0.65"), "0,65 %"), (Decimal("150.00"), "150 %")],
)  # fmt: skip
def test_percent_text(value, text):
    assert rules.percent_text(value) == text


# --- properties --------------------------------------------------------------------------

days = st.integers(min_value=-400, max_value=800)
stages = st.sampled_from([DECISION, CEREMONY])
cases = st.lists(
    st.tuples(stages, st.one_of(st.none(), days)).map(
        lambda t: PipelineCase(t[0], None if t[1] is None else YEAR[0] + timedelta(days=t[1]))
    ),
    max_size=30,
)
rates = st.tuples(
    st.decimals(min_value=0, max_value=1, places=2), st.decimals(min_value=0, max_value=1, places=2)
).map(lambda t: PassThrough(*t))
paces = st.tuples(st.integers(0, 5000), st.integers(0, 3000)).map(lambda t: Pace(*t))
periods = st.tuples(st.integers(0, 365 * 3), st.integers(0, 365 * 6)).map(
    lambda t: (YEAR[0] + timedelta(days=t[0]), YEAR[0] + timedelta(days=t[0] + t[1]))
)


@given(st.integers(0, 10_000), days, cases, rates, paces, periods)
def test_forecast_is_bounded(achieved, offset, pipeline, rates, pace, period):
    today = YEAR[0] + timedelta(days=offset)
    result = _forecast(achieved, today, pipeline, rates, pace, period)
    assert result.total >= achieved
    # No more than every case plus the whole pace, rounded.
    upper = Decimal(achieved) + len(pipeline) + pace.per_day * result.remaining_days
    assert result.total <= upper + 1
    assert 0 <= result.remaining_days <= (period[1] - period[0]).days + 1
    assert result.pipeline <= len(pipeline)
    if today >= period[1]:
        assert result.total == achieved


@given(st.integers(0, 1000), days, cases, cases, rates, paces, periods)
def test_forecast_never_falls_when_a_case_is_added(achieved, offset, base, more, rates, pace,
                                                   period):  # fmt: skip
    today = YEAR[0] + timedelta(days=offset)
    before = _forecast(achieved, today, base, rates, pace, period)
    after = _forecast(achieved, today, base + more, rates, pace, period)
    assert after.total >= before.total


@given(st.integers(0, 1000), st.integers(0, 50), days, cases, rates, paces, periods)
def test_forecast_never_falls_with_more_done(achieved, extra, offset, pipeline, rates, pace,
                                            period):  # fmt: skip
    today = YEAR[0] + timedelta(days=offset)
    base = _forecast(achieved, today, pipeline, rates, pace, period)
    assert _forecast(achieved + extra, today, pipeline, rates, pace, period).total >= base.total
    busier = Pace(pace.admissions + extra, pace.days)
    assert _forecast(achieved, today, pipeline, rates, busier, period).total >= base.total


@given(st.integers(0, 1000), st.integers(1, 1000), st.integers(0, 1000), days, periods)
def test_risk_flag_matches_the_forecast(target, achieved, forecast_total, offset, period):
    today = YEAR[0] + timedelta(days=offset)
    forecast_total = max(forecast_total, achieved)
    reasons = rules.count_risks(target=target, achieved=achieved, forecast_total=forecast_total,
                                start=period[0], end=period[1], today=today)  # fmt: skip
    if today < period[0] or target == 0:
        assert reasons == []
    elif today > period[1]:
        assert bool(reasons) == (achieved < target)
    else:
        assert bool(reasons) == (forecast_total < target)
