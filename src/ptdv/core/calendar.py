"""The working-day calendar for "N ngày làm việc" deadlines (DOMAIN.md §2).

A working day is Monday to Friday, except public holidays (the `holidays` package for Vietnam:
New Year, lunar Tết, Hùng Kings day, 30/4, 1/5, 2/9 and the Government's substituted days off)
and the extra days off recorded by administrators; make-up working days (Saturdays worked in
exchange, from the package or recorded by administrators) count as working days [I].

`WorkCalendar` is pure (rules receive it); `load_calendar` reads the administrators' table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays
from django.utils.translation import gettext as _

DAY_OFF = "day_off"
WORKING_DAY = "working_day"


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days; immutable, cheap to pass into rules."""

    days_off: frozenset[date]
    working_weekend_days: frozenset[date]
    first_year: int
    last_year: int
    # The Vietnamese name of each day off that has one ("Tết Nguyên Đán", an override's note).
    names: Mapping[date, str] = field(default_factory=dict, compare=False)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekend_days:
            return True
        if day.weekday() >= 5:
            return False
        return day not in self.days_off

    def day_off_name(self, day: date) -> str | None:
        """Return what makes `day` a day off, for a message ("Chủ nhật 02/02/2025",
        "Tết Nguyên Đán 29/01/2025"), or None for a working day."""
        if self.is_working_day(day):
            return None
        shown = f"{day:%d/%m/%Y}"
        if day in self.names:
            return f"{self.names[day]} {shown}"
        if day.weekday() == 6:
            return _("Chủ nhật %(day)s") % {"day": shown}
        if day.weekday() == 5:
            return _("Thứ bảy %(day)s (không phải ngày làm bù)") % {"day": shown}
        return _("Ngày nghỉ %(day)s") % {"day": shown}

    def add_working_days(self, start: date, n: int) -> date:
        """Return the n-th working day after start (start itself is day 0, not counted).

        "Within 60 working days from the resolution" ends on add_working_days(resolution, 60).
        """
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Return the number of working days in (start, end]; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def build_calendar(
    years: Iterable[int],
    overrides: Iterable[tuple[date, str]] = (),
    notes: Mapping[date, str] | None = None,
) -> WorkCalendar:
    """Return the calendar for the given years: statutory days plus the overrides.

    An override (day, "day_off" | "working_day") wins over the statutory calendar; `notes`
    names the extra days off (the administrators' note).
    """
    year_list = sorted(set(years))
    if not year_list:
        raise ValueError("a calendar needs at least one year")
    statutory = holidays.country_holidays("VN", years=year_list, language="vi")
    days_off = set(statutory.keys())
    names = {day: str(name) for day, name in statutory.items()}
    working = {d for d in getattr(statutory, "weekend_workdays", set()) if d.year in year_list}
    for day, kind in overrides:
        if kind == DAY_OFF:
            days_off.add(day)
            working.discard(day)
            if notes and notes.get(day):
                names[day] = notes[day]
        elif kind == WORKING_DAY:
            working.add(day)
            days_off.discard(day)
        else:
            raise ValueError(f"unknown override kind {kind!r}")
    return WorkCalendar(
        days_off=frozenset(days_off),
        working_weekend_days=frozenset(working),
        first_year=year_list[0],
        last_year=year_list[-1],
        names=names,
    )


def load_calendar(first_year: int, last_year: int) -> WorkCalendar:
    """Return the calendar for a span of years with the administrators' overrides applied."""
    from ptdv.core.models import CalendarOverride

    rows = list(
        CalendarOverride.objects.filter(
            day__gte=date(first_year, 1, 1), day__lte=date(last_year, 12, 31)
        ).values_list("day", "kind", "note")
    )
    return build_calendar(
        range(first_year, last_year + 1),
        [(day, kind) for day, kind, _note in rows],
        {day: note for day, _kind, note in rows if note},
    )
