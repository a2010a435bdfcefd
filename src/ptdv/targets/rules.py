"""The targets' arithmetic: forecast to the end of a period, pass-through rates, risk flags.

Pure functions (no database, no clock: `today` is passed in); the selectors gather the facts.

The forecast (decision D40) of admissions in a period [start, end], seen on `today`:

    forecast = achieved + max(pipeline, pace × remaining_days)

- `achieved`: admissions already counted in the period (through today).
- `pipeline`: the live cases that can still be admitted in the period, each weighted by the
  unit's own historical pass-through: a case awaiting the admission decision counts
  p_decision × p_ceremony, a case awaiting its ceremony counts p_ceremony. A case counts when
  its due date falls on or before the period's end (an overdue one counts too: it is still
  open); a due date before a period that has not begun yet leaves it out (it would be admitted
  before the period).
- `pace × remaining_days`: the admissions per day of the unit's subtree over the previous N
  years (`PTDV_TARGETS_PACE_YEARS`), applied to the days left after today (after the day before
  the start, for a period not begun).
- Every admission passes through the decision and ceremony stages, so the cases there now are
  part of what the pace predicts for the coming days: counting both would count them twice.
  The pace therefore only adds what exceeds the pipeline (`max`): a unit whose pipeline holds
  more than its habit (a push before year end) is forecast from the pipeline, a unit with a thin
  pipeline from its habit. The forecast never falls when a case, a past admission or a day of
  history is added.

A pass-through rate is passed / seen over the unit's history; with fewer than the configured
minimum of resolved cases (`PTDV_TARGETS_MIN_HISTORY`) the default rate of the setting is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from ptdv.core.numbers import percent

DECISION = "decision"  # awaiting the admission decision (committee approved)
CEREMONY = "ceremony"  # decided, awaiting the admission ceremony


@dataclass(frozen=True)
class PipelineCase:
    stage: str  # DECISION or CEREMONY
    due_on: date | None
    n: int = 1  # how many cases alike (the kept counts of a large unit, D50)


@dataclass(frozen=True)
class PassThrough:
    """Share of cases that go on from each stage (0–1)."""

    decision: Decimal
    ceremony: Decimal

    def weight(self, stage: str) -> Decimal:
        """Return the chance that a case now at `stage` is admitted."""
        if stage == DECISION:
            return self.decision * self.ceremony
        if stage == CEREMONY:
            return self.ceremony
        raise ValueError(f"unknown stage {stage!r}")


@dataclass(frozen=True)
class Pace:
    """Admissions of the unit's subtree over a window of days before today."""

    admissions: int
    days: int

    @property
    def per_day(self) -> Decimal:
        return Decimal(self.admissions) / self.days if self.days > 0 else Decimal(0)


@dataclass(frozen=True)
class Forecast:
    achieved: int
    pipeline: Decimal  # expected from the live cases
    pace: Decimal  # expected from the habit over the remaining days, beyond the pipeline
    remaining_days: int
    total: int  # achieved + pipeline + pace, rounded half up


def pass_through(passed: int, seen: int, *, default: Decimal, min_history: int) -> Decimal:
    """Return passed / seen, or `default` when fewer than `min_history` cases were seen."""
    if passed < 0 or seen < passed:
        raise ValueError("need 0 ≤ passed ≤ seen")
    if seen == 0 or seen < min_history:
        return default
    return Decimal(passed) / Decimal(seen)


def remaining_days(*, start: date, end: date, today: date) -> int:
    """Return the days of [start, end] after today (all of them before the period begins)."""
    covered = max(today, start - timedelta(days=1))
    return max(0, (end - covered).days)


def _counts(case: PipelineCase, *, start: date, end: date, today: date) -> bool:
    if case.due_on is None or case.due_on > end:
        return False
    # Due before a period not begun yet: admitted before it, not in it.
    return max(case.due_on, today) >= start


def forecast(
    *,
    achieved: int,
    start: date,
    end: date,
    today: date,
    pipeline: Sequence[PipelineCase],
    rates: PassThrough,
    pace: Pace,
) -> Forecast:
    """Return the expected admissions of [start, end] by its end (formula in the module doc)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    if achieved < 0 or pace.admissions < 0 or pace.days < 0:
        raise ValueError("counts are never negative")
    if today >= end:
        return Forecast(achieved, Decimal(0), Decimal(0), 0, achieved)
    expected = sum(
        (
            rates.weight(c.stage) * c.n
            for c in pipeline
            if _counts(c, start=start, end=end, today=today)
        ),
        Decimal(0),
    )
    days = remaining_days(start=start, end=end, today=today)
    from_pace = max(Decimal(0), pace.per_day * days - expected)
    total = (Decimal(achieved) + expected + from_pace).quantize(Decimal(1), ROUND_HALF_UP)
    return Forecast(achieved, expected, from_pace, days, int(total))


def number(value: int) -> str:
    """Return 2000 as "2.000" (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def percent_text(value: Decimal) -> str:
    """Return 96.60 as "96,6 %" and 82.00 as "82 %" (Vietnamese decimal comma)."""
    text = f"{value.normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + " %"


def count_risks(
    *,
    target: int,
    achieved: int,
    forecast_total: int,
    start: date,
    end: date,
    today: date,
    mode: str = "round",
) -> list[str]:
    """Return why a count target is at risk (empty when it is not): short Vietnamese reasons
    for the target page, the dashboard and the annual rating."""
    if target <= 0 or today < start:
        return []
    share = percent(achieved, target, mode=mode)
    assert share is not None
    if today > end:
        if achieved < target:
            return [
                _("Không đạt chỉ tiêu: kết nạp %(a)s/%(t)s (%(p)s)")
                % {"a": number(achieved), "t": number(target), "p": percent_text(share)}
            ]
        return []
    reasons = []
    if achieved == 0:
        if start.year == end.year:
            reasons.append(_("Chưa kết nạp đảng viên nào trong năm"))
        else:
            reasons.append(_("Chưa kết nạp đảng viên nào trong nhiệm kỳ"))
    if forecast_total < target:
        expected = percent(forecast_total, target, mode=mode)
        assert expected is not None
        reasons.append(
            _("Dự báo %(f)s/%(t)s (%(p)s): thiếu %(m)s đảng viên")
            % {
                "f": number(forecast_total),
                "t": number(target),
                "p": percent_text(expected),
                "m": number(target - forecast_total),
            }
        )
    return reasons


def share_risks(
    *, label: str, target: Decimal, share: Decimal | None, start: date, today: date
) -> list[str]:
    """Return why a share target is at risk: the share so far is below the target."""
    if today < start or target <= 0:
        return []
    if share is None:
        return [_("%(l)s: chưa có số liệu") % {"l": label}]
    if share < target:
        return [
            _("%(l)s %(s)s, thấp hơn chỉ tiêu %(t)s")
            % {"l": label, "s": percent_text(share), "t": percent_text(target)}
        ]
    return []


def result_label(*, target: Decimal, achieved: Decimal | None, ended: bool) -> str:
    """Return the year's verdict for the committees' annual rating."""
    if not ended:
        return _("Đang thực hiện")
    if achieved is None or achieved < target:
        return _("Không hoàn thành")
    if achieved > target:
        return _("Vượt chỉ tiêu")
    return _("Hoàn thành")


def parse_period(text: str) -> tuple[int, int]:
    """Return (start year, end year) of "2025" or "2020-2025" (an en dash works too); raise
    ValueError with a Vietnamese message otherwise."""
    parts = [p.strip() for p in text.replace("–", "-").split("-")]
    if len(parts) in (1, 2) and all(p.isdigit() and len(p) == 4 for p in parts):
        start, end = int(parts[0]), int(parts[-1])
        if end >= start:
            return start, end
        raise ValueError(
            _("Kỳ “%(p)s”: năm kết thúc phải sau hoặc bằng năm bắt đầu.") % {"p": text}
        )
    raise ValueError(
        _("Kỳ “%(p)s” không hợp lệ: viết một năm (2025) hoặc một nhiệm kỳ (2020-2025).")
        % {"p": text}
    )
