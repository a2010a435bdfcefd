"""Percentages and averages as the reports print them; shared by the reports and the targets.

DOMAIN §7: sources round inconsistently (some truncate: 7.4255 % printed as 7.42 %), so the mode
is a setting (`PTDV_REPORTS_ROUNDING`: "round", half up, the default; or "truncate"), always to
two decimals unless asked otherwise.

`grouped` and `fixed` print numbers in the active language's separators (Vietnamese 31.045 and
82,5) as Django's `number_format` does, the separators read once per language rather than on
every number: a national dashboard prints ≈ 1,200 numbers, and `number_format` with
`floatformat` cost ≈ 10 ms of it at full scale (stop 33). The template filters `num` and `dec`
(`core.templatetags.numbers`) call them.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language

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


@lru_cache(maxsize=16)
def _separators(language: str | None) -> tuple[str, str, int]:
    """Return the language's decimal separator, thousand separator and grouping (Django's
    formats: `ptdv.formats`); grouping 0 where the language groups otherwise (then
    `number_format` prints)."""
    grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
    return (
        str(get_format("DECIMAL_SEPARATOR", language, use_l10n=True)),
        str(get_format("THOUSAND_SEPARATOR", language, use_l10n=True)),
        grouping if isinstance(grouping, int) and grouping > 0 else 0,
    )


@receiver(setting_changed)
def _formats_changed(**kwargs: object) -> None:
    """A test changed a setting (a format module, the language …): read the formats again."""
    _separators.cache_clear()
    _swapped.cache_clear()


def _group(digits: str, separator: str, size: int) -> str:
    head = len(digits) % size or size
    parts = [digits[:head]] + [digits[i : i + size] for i in range(head, len(digits), size)]
    return separator.join(parts)


@lru_cache(maxsize=16)
def _swapped(language: str | None) -> dict[int, str] | None:
    """Return the table that turns Python's "," and "." (its thousands grouped by three) into
    the language's separators, or None where it groups otherwise."""
    decimal_sep, thousand_sep, size = _separators(language)
    return str.maketrans({",": thousand_sep, ".": decimal_sep}) if size == 3 else None


def grouped(value: int) -> str:
    """Return the whole number with the language's thousand separator: 31.045, -1.200."""
    language = get_language()
    table = _swapped(language)
    if table is not None:
        # Python's own grouping by three (3.1 -> 2.4 µs a number, stop 35).
        return f"{value:,}".translate(table)
    decimal_sep, thousand_sep, size = _separators(language)
    if not size:
        return number_format(value, force_grouping=True)
    digits = _group(str(abs(value)), thousand_sep, size)
    return f"-{digits}" if value < 0 else digits


def fixed(value: Decimal | float | int, places: int) -> str:
    """Return the value rounded half up to `places` decimals, thousands grouped: 82,50,
    1.234,5 (Django's `floatformat` rounds half up too; a float is read as it prints)."""
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    language = get_language()
    table = _swapped(language)
    if table is not None:
        # (No sign before a value rounded to zero: 0,0, not -0,0.)
        return f"{rounded if rounded else abs(rounded):,f}".translate(table)
    decimal_sep, thousand_sep, size = _separators(language)
    if not size:
        return number_format(rounded, places, force_grouping=True)
    whole, _dot, fraction = f"{abs(rounded):f}".partition(".")
    text = _group(whole, thousand_sep, size) + (f"{decimal_sep}{fraction}" if fraction else "")
    return f"-{text}" if rounded < 0 else text
