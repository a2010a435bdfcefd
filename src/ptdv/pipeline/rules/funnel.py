"""The open cases counted per unit, stage and day (decision D50): pure arithmetic, no database.

A unit at one of the top kept levels of the tree (PTDV_FUNNEL_LEVELS, default the top one)
keeps, for each stage, how many of its open cases entered the stage on each day and how many
are due on each day. Today's funnel is then a few thousand rows whatever the number of cases:
the count of a stage is the sum of its "entered" rows, the median of its days in the stage
comes from their distribution, and the overdue are the "due" rows before today.

A case counts for each kept unit on its cell's path (`Case.cell_path`, D48), its cell's own
path included when the cell is at a kept level. Closed cases count for nobody.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# The two kinds of day a row counts.
ENTERED = "s"  # the cases that entered the stage on the day (Case.stage_since)
DUE = "d"  # the cases whose next step is due on the day (Case.next_due_on)

# (unit path, stage, kind, day) -> how many cases.
Key = tuple[str, str, str, date]


@dataclass(frozen=True)
class CaseFacts:
    """What the counts read of a case."""

    path: str  # its cell's tree path
    stage: str
    since: date
    due: date | None
    open: bool


def contributions(case: CaseFacts | None, step: int, levels: int, n: int = 1) -> Counter[Key]:
    """Return what a case (or `n` alike) adds to the kept rows: one "entered" row and, when it
    has a due day, one "due" row, for each kept unit on its path."""
    found: Counter[Key] = Counter()
    if case is None or not case.open:
        return found
    for level in range(1, levels + 1):
        if len(case.path) < level * step:
            break
        unit = case.path[: level * step]
        found[(unit, case.stage, ENTERED, case.since)] += n
        if case.due is not None:
            found[(unit, case.stage, DUE, case.due)] += n
    return found


def difference(before: Counter[Key], after: Counter[Key]) -> Counter[Key]:
    """Return after − before, negative counts kept, zeros dropped."""
    delta: Counter[Key] = Counter(after)
    delta.subtract(before)
    return Counter({k: v for k, v in delta.items() if v})


def moved(case: CaseFacts, old: str, new: str) -> CaseFacts:
    """Return the case as it stands after the branch at path `old` moved to path `new`."""
    if not case.path.startswith(old):
        return case
    return CaseFacts(new + case.path[len(old) :], case.stage, case.since, case.due, case.open)


@dataclass(frozen=True)
class StageFigures:
    """One stage of the funnel today: how many cases, how many have been in it for how many
    days, how many are overdue."""

    count: int
    days: Counter[int]
    overdue: int


def figures(rows: Iterable[tuple[str, str, date, int]], today: date) -> dict[str, StageFigures]:
    """Return each stage's figures today from a unit's kept rows (stage, kind, day, n)."""
    days: dict[str, Counter[int]] = {}
    overdue: Counter[str] = Counter()
    for stage, kind, day, n in rows:
        if kind == ENTERED:
            days.setdefault(stage, Counter())[(today - day).days] += n
        elif kind == DUE and day < today:
            overdue[stage] += n
    stages = set(days) | set(overdue)
    return {
        s: StageFigures(sum(days.get(s, Counter()).values()), days.get(s, Counter()), overdue[s])
        for s in stages
    }


__all__ = ["DUE", "ENTERED", "CaseFacts", "StageFigures", "contributions", "difference",
           "figures", "moved"]  # fmt: skip
