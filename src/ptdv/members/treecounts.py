"""Reading the tree's counts kept for its top units (decision D52; kept by
members.services.treecounts, the arithmetic in members.rules.treecounts): the units by kind
under a kept unit, and the cells under each unit directly below it by founding day and by the
day they have been quiet since.

The counts describe the tree as it stands now, so they answer for today only, and only while no
span starts or ends after today (`answers`): a dated change still to come would make "now" and
"today" differ. A past day of a kept unit reads them corrected by the few units whose spans
changed since (D63: `unit_counts_on`, and the idle cells in members.idle).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.conf import settings
from django.db.models import Count, Q, Sum

from ptdv.core import memo
from ptdv.core.text import prefix_upper_bound
from ptdv.members.models import CellCount, UnitCount, UnitFacts
from ptdv.members.rules import treecounts as rules
from ptdv.orgs.models import OrgSpan

# How many levels from the top keep counts, unless PTDV_TREE_COUNT_LEVELS says otherwise: the
# top unit, whose count would otherwise read every span of the country, and the units directly
# under it (the provinces): at full scale a province's idle cells today from its 5,000 cells'
# spans took 24 ms, from these rows 5 (D54; 260,000 more rows, about 50 MB). Members 0014
# rebuilt the rows of a database kept at one level.
DEFAULT_LEVELS = 2
# The levels whose units below keep their cells' idle stretches, unless
# PTDV_IDLE_STRETCH_LEVELS says otherwise (D66): the top unit only — a row a day per province,
# about 350,000 rows (50 MB) at full scale; the districts' too would add 900,000 (130 MB).
DEFAULT_STRETCH_LEVELS = 1
# A past day of a kept unit reads the counts and facts of now corrected by the units whose spans
# changed since (D63), up to this many; beyond, the spans on the day.
CHANGED_LIMIT = 5000


def idle_years_kept() -> int:
    """Return the years without an admission whose idle stretches the counts keep
    (PTDV_IDLE_YEARS_KEPT, default the page's own, 3; after a change run `ptdv stats rebuild`):
    a past day's idle cells for those years at the top of the tree read a few rows per unit
    below (D66); for any other number of years, the tree's facts."""
    return int(getattr(settings, "PTDV_IDLE_YEARS_KEPT", rules.IDLE_YEARS))


def stretch_levels() -> int:
    """Return how many levels from the top keep, for each unit directly under them, the days
    its cells' idle stretches begin and end (D66; PTDV_IDLE_STRETCH_LEVELS, default 1: the
    nation's past days count its 300,000 cells from a few rows per province, a province's its
    5,000 from the facts; never more than `kept_levels`; after a change run `ptdv stats
    rebuild`)."""
    wanted = int(getattr(settings, "PTDV_IDLE_STRETCH_LEVELS", DEFAULT_STRETCH_LEVELS))
    return min(wanted, kept_levels())


def kept_levels() -> int:
    """Return how many levels from the top of the tree keep counts (PTDV_TREE_COUNT_LEVELS,
    default 2; after a change run `ptdv stats rebuild`)."""
    return int(getattr(settings, "PTDV_TREE_COUNT_LEVELS", DEFAULT_LEVELS))


def answers(depth: int, day: date, today: date) -> bool:
    """Return whether the kept counts answer for a unit at this depth on the day: today, a unit
    of the kept levels, and no span of the tree starting or ending after today."""
    if day != today or depth > kept_levels():
        return False
    return not memo.once(("tree changes after", today), lambda: _changes_after(today))


def _changes_after(today: date) -> bool:
    return OrgSpan.objects.filter(Q(valid_from__gt=today) | Q(valid_to__gt=today)).exists()


# --- reads ------------------------------------------------------------------------------------


def unit_counts(path: str) -> dict[str, int]:
    """Return how many units of each kind stand under the kept unit at the path now."""
    return dict(UnitCount.objects.filter(path=path, n__gt=0).values_list("kind", "n"))


def cell_counts(
    path: str, depth: int, since: date, day: date | None = None
) -> dict[str, Counter[str]]:
    """Return, per unit directly under the kept unit at the path (by path), how many of its
    cells were founded (FOUNDED) and have been quiet (QUIET) on or before `since`: the rows of
    `rules.ranges`, summed in the database. With `day`, instead of the quiet cells, how many
    idle stretches (for `idle_years_kept` years, D66) had begun and ended by the day."""
    grains = Q(pk__in=[])
    for grain, low, high in rules.ranges(since):
        whats = [rules.FOUNDED, rules.QUIET] if day is None else [rules.FOUNDED]
        grains |= Q(grain=grain, day__gte=low, day__lte=high, what__in=whats)
    for grain, low, high in rules.ranges(day) if day is not None else ():
        grains |= Q(grain=grain, day__gte=low, day__lte=high,
                    what__in=[rules.IDLE_FROM, rules.IDLE_TO])  # fmt: skip
    rows = (
        CellCount.objects.filter(
            grains, depth=depth + 1, path__gte=path, path__lt=prefix_upper_bound(path)
        )
        .values_list("path", "what")
        .annotate(n=Sum("n"))
        .order_by()
    )
    result: dict[str, Counter[str]] = {}
    for child, what, n in rows:
        result.setdefault(child, Counter())[what] += n
    return result


def changed_since(path: str, day: date) -> set[int] | None:
    """Return the units under the path whose spans began or ended after the day (moved,
    renamed, founded, dissolved, a dated change to come): every other unit stood on the day
    where, and as what, the tree's facts say it stands now (D63). None when more than
    CHANGED_LIMIT did: their corrections would cost more than reading the spans. Read once
    inside `memo.reading()`."""
    found = memo.once(("tree changed since", path, day), lambda: _changed_since(path, day))
    return set(found) if found is not None else None


def _changed_since(path: str, day: date) -> set[int] | None:
    changed = OrgSpan.objects.changed_ids(day, under=path)
    return changed if len(changed) <= CHANGED_LIMIT else None


def unit_counts_on(path: str, day: date) -> dict[str, int] | None:
    """Return how many units of each kind stood under the kept unit's path on a past day (D63):
    the counts of now, less the units whose spans changed since the day as they stand now, plus
    the same units as they stood on the day. None when too many changed."""
    changed = changed_since(path, day)
    if changed is None:
        return None
    counts = Counter(unit_counts(path))
    if changed:
        now = UnitFacts.objects.filter(
            org_id__in=changed, path__gte=path, path__lt=prefix_upper_bound(path)
        )
        for kind, n in now.values_list("kind").annotate(n=Count("pk")).order_by():
            counts[kind] -= n
        then = OrgSpan.objects.on(day).under(path).filter(org_id__in=changed)
        for kind, n in then.values_list("kind").annotate(n=Count("pk")).order_by():
            counts[kind] += n
    return {kind: n for kind, n in counts.items() if n}


__all__ = [
    "CHANGED_LIMIT",
    "DEFAULT_LEVELS",
    "DEFAULT_STRETCH_LEVELS",
    "answers",
    "cell_counts",
    "changed_since",
    "idle_years_kept",
    "kept_levels",
    "stretch_levels",
    "unit_counts",
    "unit_counts_on",
]
