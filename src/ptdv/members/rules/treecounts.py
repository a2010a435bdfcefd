"""The units and cells counted for the top of the tree (decision D52): pure arithmetic, no
database.

Each unit is described by its facts as the tree stands now (its current span's path and kind,
its founding day and, for a cell, the day it has been quiet since: the later of its founding
and its last admission, D49). From them:

- a kept unit (one of the top `levels` levels) counts the units under it by kind, itself
  included (the dashboard's organisations by kind);
- each unit directly under a kept unit counts the cells under it by founding day and by quiet
  day (the idle cells: a cell is looked at when founded on or before the first day of the
  years looked at, and idle when quiet since that day too).

"How many days are on or before `since`" must be a few rows whatever the history, so every day
is counted three times: in its year's row, its month's row and its own day's row. The days
on or before `since` are then the year rows before its year, the month rows of its year before
its month, and the day rows of its month up to it: at most 15 + 11 + 31 rows for 15 years.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# What a cell row counts.
FOUNDED = "f"  # cells by founding day
QUIET = "q"  # cells by the day they have been quiet since
# The grains a day is counted in.
YEAR, MONTH, DAY = "y", "m", "d"
GRAINS = (YEAR, MONTH, DAY)

# (kept unit path, kind) -> how many units.
UnitKey = tuple[str, str]
# (path of a unit under a kept one, what, grain, first day of the grain) -> how many cells.
CellKey = tuple[str, str, str, date]


@dataclass(frozen=True)
class UnitFacts:
    """What the counts read of a unit that stands in the tree now."""

    path: str  # the current span's path
    kind: str
    founded: date
    quiet: date | None  # a cell's (the later of founding and last admission); None: not a cell
    # A cell's admission days before its last, latest first (D63): kept beside the facts for a
    # past day's idle cells; they count for nothing here.
    earlier: tuple[date, ...] = ()


def facts(
    path: str, kind: str, founded: date, last: date | None, *, cell: bool,
    earlier: tuple[date, ...] = (),
) -> UnitFacts:  # fmt: skip
    """Return a unit's facts; `last` is a cell's last admission (None: nobody admitted) and
    `earlier` its admission days before it."""
    if not cell:
        return UnitFacts(path, kind, founded, None)
    quiet = max(founded, last) if last is not None else founded
    return UnitFacts(path, kind, founded, quiet, earlier)


def prefixes(path: str, step: int, first: int, last: int) -> list[str]:
    """Return the path's ancestors (itself included) at levels first..last (1: the root)."""
    return [path[: step * k] for k in range(first, last + 1) if len(path) >= step * k]


def grain_start(grain: str, day: date) -> date:
    if grain == YEAR:
        return date(day.year, 1, 1)
    if grain == MONTH:
        return day.replace(day=1)
    return day


def unit_contributions(unit: UnitFacts | None, step: int, levels: int) -> Counter[UnitKey]:
    """Return what a unit adds to the kept units' counts by kind (itself, if kept, included)."""
    if unit is None:
        return Counter()
    return Counter({(p, unit.kind): 1 for p in prefixes(unit.path, step, 1, levels)})


def cell_contributions(unit: UnitFacts | None, step: int, levels: int) -> Counter[CellKey]:
    """Return what a cell adds to the cell counts of the units under the kept ones."""
    result: Counter[CellKey] = Counter()
    if unit is None or unit.quiet is None:
        return result
    for path in prefixes(unit.path, step, 2, levels + 1):
        for what, day in ((FOUNDED, unit.founded), (QUIET, unit.quiet)):
            for grain in GRAINS:
                result[(path, what, grain, grain_start(grain, day))] += 1
    return result


def difference(before: Counter, after: Counter) -> Counter:  # type: ignore[type-arg]
    """Return after − before, with the negative counts kept and the zeros dropped."""
    delta = Counter(after)
    delta.subtract(before)
    return Counter({key: n for key, n in delta.items() if n})


def ranges(since: date) -> list[tuple[str, date, date]]:
    """Return, per grain, the days [from, to] of the rows that add up to the days on or before
    `since` (see the module's docstring): the year rows before its year, the month rows of its
    year before its month, the day rows of its month up to it."""
    year, month = date(since.year, 1, 1), since.replace(day=1)
    return [
        (YEAR, date.min, year - timedelta(days=1)),
        (MONTH, year, month - timedelta(days=1)),
        (DAY, month, since),
    ]


def on_or_before(grain: str, day: date, since: date) -> bool:
    """Return whether a row of the grain starting on `day` is among those of `ranges`."""
    return any(g == grain and low <= day <= high for g, low, high in ranges(since))


def counted(
    rows: Iterable[tuple[str, str, str, date, int]], since: date
) -> dict[str, Counter[str]]:
    """Return, per path, how many cells were founded (FOUNDED) and have been quiet (QUIET) on
    or before `since`, from cell rows (path, what, grain, day, n)."""
    result: dict[str, Counter[str]] = {}
    for path, what, grain, day, n in rows:
        if on_or_before(grain, day, since):
            result.setdefault(path, Counter())[what] += n
    return result


def admitted_after(latest: Iterable[date | None], since: date, day: date) -> bool | None:
    """Return whether a cell admitted anyone after `since` up to the day, from its latest
    admission days kept (latest first, each day once; None past the last: no earlier
    admission, D49, D63): the first of them on or before the day answers. None when every kept
    day came after the day: its admissions of those years must be searched. (`members.idle`
    asks the same in SQL for many cells at once.)"""
    for kept in latest:
        if kept is None:
            return False
        if kept <= day:
            return kept > since
    return None


__all__ = [
    "FOUNDED",
    "GRAINS",
    "QUIET",
    "CellKey",
    "UnitFacts",
    "UnitKey",
    "admitted_after",
    "cell_contributions",
    "counted",
    "difference",
    "facts",
    "grain_start",
    "on_or_before",
    "prefixes",
    "ranges",
    "unit_contributions",
]
