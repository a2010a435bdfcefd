"""What the aggregate reads add up besides their rows (decision D57, D58): a unit's packs, and
what each read derives from them, remembered by their content."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from ptdv.members.models import StatPack
from ptdv.members.rules import packs

T = TypeVar("T")
# What reads derive from packs, remembered by the packs' contents (D58): a past month end read
# again costs lookups instead of decoding a few hundred packs. A national page of such a day
# reads up to a dozen packs for each of its 64 units.
MEMO = packs.Memo(4096)


def pack_stock(
    dims: tuple[str, ...] | None, unit_packs: list[packs.Pack]
) -> tuple[tuple[str, str, list[int]], ...]:
    """Return a unit's packs added up: (dimension, value, counts) of the dimensions (None:
    all)."""
    summed: packs.Pack = {}
    for pack in unit_packs:
        packs.add(summed, {d: v for d, v in pack.items() if dims is None or d in dims})
    return tuple(packs.entries(summed))


def pack_ages(end: date, unit_packs: list[packs.Pack]) -> tuple[tuple[int, int], ...]:
    """Return a unit's packs' members (or changes) by age in full years on `end` (a month's
    end), added up."""
    found: Counter[int] = Counter()
    for pack in unit_packs:
        for value, counts in pack.get("birth", {}).items():
            if counts[0]:
                found[birth_age(value, end)] += counts[0]
    return tuple((age, n) for age, n in found.items() if n)


def pack_age_sums(end: date, unit_packs: list[packs.Pack]) -> tuple[int, int, int]:
    """Return a unit's packs' [count, years, aged 60 or over] on `end` (a month's end)."""
    count = years = old = 0
    for age, n in pack_ages(end, unit_packs):
        count += n
        years += n * age
        old += n if age >= 60 else 0
    return count, years, old


def birth_age(birth: str, end: date) -> int:
    """Return the age in full years on `end` (a month's end) of a birth row's value
    ("YYYY-MM")."""
    return years_on(int(birth[:4]), int(birth[5:7]), end)


def years_on(year: int, month: int, end: date) -> int:
    """Return the age in full years on `end` (a month's end) of someone born in that month:
    their birthday of `end`'s month has passed by then."""
    return end.year - year - (1 if month > end.month else 0)


def pack_admitted(unit_packs: list[packs.Pack]) -> tuple[Counter[tuple[str, str]], int]:
    """Return a unit's admissions packs added up: counts by (dimension, value) and the sum of
    their ages in days (kept on the all-admissions value, as the rows keep it)."""
    counted: Counter[tuple[str, str]] = Counter()
    days = 0
    for pack in unit_packs:
        for dim, values in pack.items():
            for value, (n, age_days) in values.items():
                if n:
                    counted[(dim, value)] += n
                days += age_days
    return counted, days


@dataclass(frozen=True)
class Parts:
    """What adds up to the kept units' figures: rows, summed in the database, and packs (D57),
    added here (a fold moves the rows of its months and years into packs; writes after it add
    rows beside them)."""

    rows: tuple[QuerySet[Any], ...] = ()
    packed: Q | None = None  # which packs, of the units `ids`
    ids: tuple[int, ...] = ()

    def derived(
        self, purpose: Hashable, compute: Callable[[list[packs.Pack]], T], *, remember: bool = True
    ) -> Iterator[tuple[int, T]]:
        """Yield each unit with packs and what `compute` derives from its packs (all of them at
        once), remembered by their content (D58) unless told not to; one query."""
        if self.packed is None or not self.ids:
            return
        found: dict[int, list[bytes | memoryview]] = {}
        packed = StatPack.objects.filter(self.packed, org_id__in=self.ids)
        for org_id, data in packed.values_list("org_id", "data"):
            found.setdefault(org_id, []).append(data)
        for org_id, unit_data in found.items():
            if remember:
                yield org_id, MEMO.derived(unit_data, purpose, compute)
            else:
                yield org_id, compute([packs.decode(data) for data in unit_data])
