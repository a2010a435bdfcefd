"""The open cases counted per unit, stage and day (decision D50): pure arithmetic, no database.

A unit at one of the top kept levels of the tree (PTDV_FUNNEL_LEVELS, default the top one)
keeps, for each stage, how many of its open cases entered the stage on each day and how many
are due on each day. Today's funnel is then a few thousand rows whatever the number of cases:
the count of a stage is the sum of its "entered" rows, the median of its days in the stage
comes from their distribution, and the overdue are the "due" rows before today.

A case counts for each kept unit on its cell's path (`Case.cell_path`, D48), its cell's own
path included when the cell is at a kept level. Closed cases count for nobody in the funnel.

The same rows keep the history a target's forecast weighs the pipeline with (D55): each case
decided on a day, open or closed, by what became of it (admitted, closed otherwise, waiting),
and each case the deciding level refused, on the day it was closed. A unit's pass-through of
the last years is then a few thousand rows too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

# The kinds of day a row counts.
ENTERED = "s"  # the cases that entered the stage on the day (Case.stage_since)
DUE = "d"  # the cases whose next step is due on the day (Case.next_due_on)
DECIDED = "x"  # the cases decided on the day (Case.decision_on), by what became of them
REFUSED = "r"  # the cases the deciding level refused, closed on the day (Case.closed_on)
# What became of a decided case (the stage's place in a DECIDED row), and a REFUSED row's.
ADMITTED_STATE = "admitted"  # the ceremony was held
CLOSED_STATE = "closed"  # closed without a ceremony
WAITING_STATE = "waiting"  # still waiting for the ceremony
REFUSED_STATE = "refused"

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
    decided_on: date | None = None  # the admission decision's day
    decided_as: str = ""  # what became of it since (`decided_state`)
    refused_on: date | None = None  # the day a refusal by the deciding level closed it


def decided_state(*, ceremony_held: bool, open: bool) -> str:
    """Return what became of a decided case: admitted, closed otherwise, or still waiting."""
    if ceremony_held:
        return ADMITTED_STATE
    return WAITING_STATE if open else CLOSED_STATE


def contributions(case: CaseFacts | None, step: int, levels: int, n: int = 1) -> Counter[Key]:
    """Return what a case (or `n` alike) adds to the kept rows, for each kept unit on its path:
    while open, one "entered" row and, when it has a due day, one "due" row; once decided, one
    "decided" row; once refused, one "refused" row."""
    found: Counter[Key] = Counter()
    if case is None:
        return found
    for level in range(1, levels + 1):
        if len(case.path) < level * step:
            break
        unit = case.path[: level * step]
        if case.open:
            found[(unit, case.stage, ENTERED, case.since)] += n
            if case.due is not None:
                found[(unit, case.stage, DUE, case.due)] += n
        if case.decided_on is not None:
            found[(unit, case.decided_as, DECIDED, case.decided_on)] += n
        if case.refused_on is not None:
            found[(unit, REFUSED_STATE, REFUSED, case.refused_on)] += n
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
    return replace(case, path=new + case.path[len(old) :])


@dataclass(frozen=True)
class StageFigures:
    """One stage of the funnel today: how many cases, how many have been in it for how many
    days, how many are overdue."""

    count: int
    days: Counter[int]
    overdue: int


@dataclass(frozen=True)
class Decided:
    """A unit's cases decided in a window of days, by what became of them, and those refused."""

    admitted: int = 0
    closed: int = 0
    waiting: int = 0
    refused: int = 0

    @property
    def decided(self) -> int:
        return self.admitted + self.closed + self.waiting

    @property
    def resolved(self) -> int:
        """The decided cases no longer waiting for the ceremony."""
        return self.admitted + self.closed


def decided(rows: Iterable[tuple[str, str, date, int]], since: date, day: date) -> Decided:
    """Return the cases decided (and refused) in [since, day] from a unit's kept rows (stage or
    state, kind, day, n)."""
    found: Counter[str] = Counter()
    for state, kind, on, n in rows:
        if kind in (DECIDED, REFUSED) and since <= on <= day:
            found[state] += n
    return Decided(found[ADMITTED_STATE], found[CLOSED_STATE], found[WAITING_STATE],
                   found[REFUSED_STATE])  # fmt: skip


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


__all__ = ["ADMITTED_STATE", "CLOSED_STATE", "DECIDED", "DUE", "ENTERED", "REFUSED",
           "REFUSED_STATE", "WAITING_STATE", "CaseFacts", "Decided", "StageFigures",
           "contributions", "decided", "decided_state", "difference", "figures",
           "moved"]  # fmt: skip
