"""Reading the tree's counts kept for its top units (decision D52; kept by
members.services.treecounts, the arithmetic in members.rules.treecounts): the units by kind
under a kept unit, and the cells under each unit directly below it by founding day and by the
day they have been quiet since.

The counts describe the tree as it stands now, so they answer for today only, and only while no
span starts or ends after today (`answers`): a dated change still to come would make "now" and
"today" differ.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.conf import settings
from django.db.models import Q, Sum

from ptdv.core.text import prefix_upper_bound
from ptdv.members.models import CellCount, UnitCount
from ptdv.members.rules import treecounts as rules
from ptdv.orgs.models import OrgSpan

# How many levels from the top keep counts, unless PTDV_TREE_COUNT_LEVELS says otherwise: the
# top unit, whose count would otherwise read every span of the country, and the units directly
# under it (the provinces): at full scale a province's idle cells today from its 5,000 cells'
# spans took 24 ms, from these rows 5 (D54; 260,000 more rows, about 50 MB). Members 0014
# rebuilt the rows of a database kept at one level.
DEFAULT_LEVELS = 2


def kept_levels() -> int:
    """Return how many levels from the top of the tree keep counts (PTDV_TREE_COUNT_LEVELS,
    default 2; after a change run `ptdv stats rebuild`)."""
    return int(getattr(settings, "PTDV_TREE_COUNT_LEVELS", DEFAULT_LEVELS))


def answers(depth: int, day: date, today: date) -> bool:
    """Return whether the kept counts answer for a unit at this depth on the day: today, a unit
    of the kept levels, and no span of the tree starting or ending after today."""
    if day != today or depth > kept_levels():
        return False
    later = OrgSpan.objects.filter(Q(valid_from__gt=today) | Q(valid_to__gt=today))
    return not later.exists()


# --- reads ------------------------------------------------------------------------------------


def unit_counts(path: str) -> dict[str, int]:
    """Return how many units of each kind stand under the kept unit at the path now."""
    return dict(UnitCount.objects.filter(path=path, n__gt=0).values_list("kind", "n"))


def cell_counts(path: str, depth: int, since: date) -> dict[str, Counter[str]]:
    """Return, per unit directly under the kept unit at the path (by path), how many of its
    cells were founded (FOUNDED) and have been quiet (QUIET) on or before `since`: the rows of
    `rules.ranges`, summed in the database."""
    grains = Q(pk__in=[])
    for grain, low, high in rules.ranges(since):
        grains |= Q(grain=grain, day__gte=low, day__lte=high)
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


__all__ = ["DEFAULT_LEVELS", "answers", "cell_counts", "kept_levels", "unit_counts"]
