"""The open cases counted per unit, stage and day (decision D50): pure arithmetic, no database.

A unit at one of the top kept levels of the tree (PTDV_FUNNEL_LEVELS, default the top two: D69)
keeps, for each stage, how many of its open cases entered the stage on each day and how many
are due on each day. Today's funnel is then a few thousand rows whatever the number of cases:
the count of a stage is the sum of its "entered" rows, the median of its days in the stage
comes from their distribution, and the overdue are the "due" rows before today. The same cases
are also counted per month they entered the stage and per month they are due (D69): the months
holding a stage's middle case are found in a few hundred rows, and only those months' days are
read (`middle_months`, `ranked_within`); the overdue are the due months before today's and the
due days of today's month before today.

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
ENTERED_MONTH = "m"  # the same, per month (the row's day: the month's first day; D69)
DUE = "d"  # the cases whose next step is due on the day (Case.next_due_on)
DUE_MONTH = "u"  # the same, per month (the row's day: the month's first day; D69)
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
            found[(unit, case.stage, ENTERED_MONTH, case.since.replace(day=1))] += n
            if case.due is not None:
                found[(unit, case.stage, DUE, case.due)] += n
                found[(unit, case.stage, DUE_MONTH, case.due.replace(day=1))] += n
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
    """One stage of the funnel today: how many cases, the days in the stage of its middle case
    (two for an even count) in the order they entered it, how many are overdue."""

    count: int
    middle: tuple[int, ...]
    overdue: int


# A stage's cases in the order they entered it, a row per day (or per case): (stage, day
# entered, n cases, how many entered up to and including them, how many in the stage).
Ranked = tuple[str, date, int, int, int]


def middle_positions(total: int) -> tuple[int, ...]:
    """Return the middle position(s), from 0, of `total` ordered values: one for an odd count,
    two for an even one, none for none."""
    return tuple(sorted({(total - 1) // 2, total // 2})) if total > 0 else ()


def holds_middle(n: int, running: int, total: int) -> bool:
    """Return whether a ranked row (its cases at positions running - n … running - 1) holds a
    middle position of its stage: the only rows `figures` needs."""
    return running > (total - 1) // 2 and running - n <= total // 2


def _added_up(
    rows: Iterable[tuple[str, date, int]],
) -> tuple[Counter[tuple[str, date]], Counter[str]]:
    """Return rows (stage, day, n) added up per stage and day, and per stage."""
    counts: Counter[tuple[str, date]] = Counter()
    for stage, day, n in rows:
        counts[(stage, day)] += n
    totals: Counter[str] = Counter()
    for (stage, _day), n in counts.items():
        totals[stage] += n
    return counts, totals


def ranked(rows: Iterable[tuple[str, date, int]]) -> list[Ranked]:
    """Return rows (stage, day entered, n) ranked as the database ranks them (by day within each
    stage; the rows of one stage and day added up)."""
    counts, totals = _added_up(rows)
    result: list[Ranked] = []
    running: Counter[str] = Counter()
    for (stage, day), n in sorted(counts.items()):
        running[stage] += n
        result.append((stage, day, n, running[stage], totals[stage]))
    return result


def figures(
    ranked: Iterable[Ranked], overdue: dict[str, int], today: date
) -> dict[str, StageFigures]:
    """Return each stage's figures today from its ranked rows — all of them, those of its middle
    months (`ranked_within`), or only those that hold its middle positions (`holds_middle`; what
    PostgreSQL's grouped read below the kept levels returns) — and its overdue cases."""
    counts: dict[str, int] = {}
    middle: dict[str, dict[int, int]] = {}
    for stage, day, n, running, total in ranked:
        counts[stage] = total
        for position in middle_positions(total):
            if running - n <= position < running:
                middle.setdefault(stage, {})[position] = (today - day).days
    return {
        s: StageFigures(
            counts.get(s, 0),
            tuple(days for _p, days in sorted(middle.get(s, {}).items())),
            overdue.get(s, 0),
        )  # fmt: skip
        for s in set(counts) | set(overdue)
    }


@dataclass(frozen=True)
class MiddleMonths:
    """A stage's open cases (`total`) and, for each month holding one of its middle positions
    in the order they entered it, how many entered the stage in earlier months (`before`)."""

    total: int
    before: dict[date, int]


def middle_months(rows: Iterable[tuple[str, date, int]]) -> dict[str, MiddleMonths]:
    """Return, per stage, its count and the months that hold its middle position(s), from the
    rows of cases entered per month (stage, the month's first day, n)."""
    counts, totals = _added_up(rows)
    result = {stage: MiddleMonths(total, {}) for stage, total in totals.items() if total}
    middles = {stage: middle_positions(total) for stage, total in totals.items()}
    running: Counter[str] = Counter()
    for (stage, month), n in sorted(counts.items()):
        if stage not in result:
            continue
        start = running[stage]
        running[stage] = end = start + n
        if any(start <= p < end for p in middles[stage]):
            result[stage].before[month] = start
    return result


def months_wanted(months: dict[str, MiddleMonths]) -> dict[date, list[str]]:
    """Return each middle month with the stages whose middle it holds (one read a month)."""
    wanted: dict[date, list[str]] = {}
    for stage, found in sorted(months.items()):
        for month in found.before:
            wanted.setdefault(month, []).append(stage)
    return wanted


def ranked_within(
    months: dict[str, MiddleMonths], rows: Iterable[tuple[str, date, int]]
) -> list[Ranked]:
    """Return the rows of cases entered per day (stage, day, n) that fall in their stage's
    middle months, ranked as `ranked` ranks all of a stage's days (the count before each month
    from `months`): what `figures` needs to find the middle days."""
    counts: Counter[tuple[str, date]] = Counter()
    for stage, day, n in rows:
        found = months.get(stage)
        if found is not None and day.replace(day=1) in found.before:
            counts[(stage, day)] += n
    result: list[Ranked] = []
    running: dict[tuple[str, date], int] = {}
    for (stage, day), n in sorted(counts.items()):
        found, month = months[stage], day.replace(day=1)
        running[(stage, month)] = running.get((stage, month), found.before[month]) + n
        result.append((stage, day, n, running[(stage, month)], found.total))
    return result


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


__all__ = [
    "ADMITTED_STATE", "CLOSED_STATE", "DECIDED", "DUE", "DUE_MONTH", "ENTERED", "ENTERED_MONTH",
    "REFUSED", "REFUSED_STATE", "WAITING_STATE", "CaseFacts", "Decided", "MiddleMonths", "Ranked",
    "StageFigures", "contributions", "decided", "decided_state", "difference", "figures",
    "holds_middle", "middle_months", "middle_positions", "months_wanted", "moved", "ranked",
    "ranked_within",
]  # fmt: skip
