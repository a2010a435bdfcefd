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

from ptdv.members.rules.dates import years_reached

# How many years without an admission make a cell idle unless the user chooses (members.idle);
# the counts keep its idle stretches for these years (members.treecounts.idle_years_kept).
IDLE_YEARS = 3
# What a cell row counts.
FOUNDED = "f"  # cells by founding day
QUIET = "q"  # cells by the day they have been quiet since
# A cell's idle stretches for the kept years (D66): from the day those years have passed since
# its founding or an admission with no admission after it, to its next admission (if any).
IDLE_FROM = "o"  # stretches by the day they begin
IDLE_TO = "c"  # stretches by the day they end
# The grains a day is counted in.
YEAR, MONTH, DAY = "y", "m", "d"
GRAINS = (YEAR, MONTH, DAY)

# (kept unit path, kind) -> how many units.
UnitKey = tuple[str, str]
# (path of a unit under a kept one, what, grain, first day of the grain) -> how many cells.
CellKey = tuple[str, str, str, date]
# The days [from, to) a cell is idle (to None: not yet ended), D66.
Stretch = tuple[date, date | None]


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
    # A cell's idle stretches for the kept years (D66, `stretches`).
    idle: tuple[Stretch, ...] = ()


def facts(
    path: str, kind: str, founded: date, last: date | None, *, cell: bool,
    earlier: tuple[date, ...] = (), admitted: Iterable[date] = (), idle_years: int | None = None,
) -> UnitFacts:  # fmt: skip
    """Return a unit's facts; `last` is a cell's last admission (None: nobody admitted),
    `earlier` its admission days before it; with `idle_years`, its idle stretches for those
    years from all its admission days (`admitted`)."""
    if not cell:
        return UnitFacts(path, kind, founded, None)
    quiet = max(founded, last) if last is not None else founded
    idle = stretches(founded, admitted, idle_years) if idle_years is not None else ()
    return UnitFacts(path, kind, founded, quiet, earlier, idle)


def stretches(founded: date, admitted: Iterable[date], years: int) -> tuple[Stretch, ...]:
    """Return the days [from, to) on which a cell founded on `founded` that admitted people on
    the days `admitted` (any order, repeats allowed) is idle for `years` years (D66): it stood
    founded that long and admitted nobody in them. Each stretch starts when the years have
    passed since its founding or an admission, and ends at its next admission (None: none
    yet). On a day D the cell is idle exactly when D falls in one of them: the latest of its
    founding and admissions up to D is then on or before `years_before(D, years)` (the days on
    or before its founding count for nothing)."""
    starts = [founded, *sorted({day for day in admitted if day > founded})]
    result: list[Stretch] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else None
        begins = years_reached(start, years)
        if end is None or begins < end:
            result.append((begins, end))
    return tuple(result)


def idle_in(idle: Iterable[Stretch], day: date) -> bool:
    """Return whether the day falls in one of the stretches."""
    return any(begins <= day and (ends is None or day < ends) for begins, ends in idle)


def encode_stretches(idle: Iterable[Stretch]) -> str:
    """Return stretches as the text a facts row keeps them in: "from/to" ISO days (to empty:
    none yet), space-separated."""
    return " ".join(f"{b.isoformat()}/{e.isoformat() if e else ''}" for b, e in idle)


def decode_stretches(text: str) -> tuple[Stretch, ...]:
    result = []
    for part in text.split():
        begins, ends = part.split("/")
        result.append((date.fromisoformat(begins), date.fromisoformat(ends) if ends else None))
    return tuple(result)


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


def cell_contributions(
    unit: UnitFacts | None, step: int, levels: int, stretch_levels: int = 0
) -> Counter[CellKey]:
    """Return what a cell adds to the cell counts of the units under the kept ones (its
    founding and quiet days) and, under the top `stretch_levels` levels, the days its idle
    stretches begin and end (D66)."""
    result: Counter[CellKey] = Counter()
    if unit is None or unit.quiet is None:
        return result
    days = [(FOUNDED, unit.founded), (QUIET, unit.quiet)]
    bounds = [(IDLE_FROM, begins) for begins, _e in unit.idle]
    bounds += [(IDLE_TO, ends) for _b, ends in unit.idle if ends is not None]
    for depth, path in enumerate(prefixes(unit.path, step, 2, levels + 1), start=2):
        for what, day in days + bounds if depth <= stretch_levels + 1 else days:
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
    or before `since` (and how many idle stretches began and ended by then), from cell rows
    (path, what, grain, day, n)."""
    result: dict[str, Counter[str]] = {}
    for path, what, grain, day, n in rows:
        if on_or_before(grain, day, since):
            result.setdefault(path, Counter())[what] += n
    return result


def idle_on(counts: Counter[str]) -> int:
    """Return how many cells are idle on a day from the stretches counted up to it (`counted`
    on that day): those begun less those ended (D66)."""
    return counts[IDLE_FROM] - counts[IDLE_TO]


# A cell's admission days kept (D49, D63): its last and the three before it.
KEPT_DAYS = 4


def latest_days(days: Iterable[date]) -> tuple[date, ...]:
    """Return the KEPT_DAYS latest of these days, each once, latest first."""
    return tuple(sorted(set(days), reverse=True)[:KEPT_DAYS])


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
    "IDLE_FROM",
    "IDLE_YEARS",
    "KEPT_DAYS",
    "IDLE_TO",
    "QUIET",
    "CellKey",
    "Stretch",
    "UnitFacts",
    "UnitKey",
    "admitted_after",
    "cell_contributions",
    "counted",
    "decode_stretches",
    "difference",
    "encode_stretches",
    "facts",
    "grain_start",
    "idle_in",
    "idle_on",
    "latest_days",
    "on_or_before",
    "prefixes",
    "ranges",
    "stretches",
    "unit_contributions",
]
