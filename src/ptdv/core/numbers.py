"""Percentages and averages as the reports print them; shared by the reports and the targets.

DOMAIN §7: sources round inconsistently (some truncate: 7.4255 % printed as 7.42 %), so the mode
is a setting (`PTDV_REPORTS_ROUNDING`: "round", half up, the default; or "truncate"), always to
two decimals unless asked otherwise.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings

ROUNDING_MODES = {"round": ROUND_HALF_UP, "truncate": ROUND_DOWN}


def rounding_mode() -> str:
    """Return the deployment's rounding mode of printed percentages (PTDV_REPORTS_ROUNDING)."""
    return str(getattr(settings, "PTDV_REPORTS_ROUNDING", "round"))


def percent(part: int, whole: int, *, mode: str = "round", places: int = 2) -> Decimal | None:
    """Return part / whole as a percentage rounded by `mode` to `places` decimals; None when
    whole is 0 (a share of nothing is not 0 %)."""
    if mode not in ROUNDING_MODES:
        raise ValueError(f"unknown rounding mode {mode!r}")
    if whole == 0:
        return None
    exact = Decimal(part) * 100 / Decimal(whole)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING_MODES[mode])


def average(total: Decimal | int, count: int, *, places: int = 1) -> Decimal | None:
    """Return total / count rounded half up to `places` decimals (average age: 32.4)."""
    if count == 0:
        return None
    return (Decimal(total) / count).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
