"""The demo members' stories (issue 7 item 12): besides admission and recognition, transfers
between the cells of one unit, temporary transfers, exemptions of the elderly, deaths, rare
removals, members admitted before their cell used PTĐV, and two years of quality ratings.

Every story is a list of registry events that the registry's bulk entry replays; a cell is
only used on days it existed (members admitted before their cell's founding in PTĐV were held
outside its rolls and transferred in on that day).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ptdv.access.models import User
from ptdv.members.models import Rating, RatingLevel
from ptdv.members.rules.dates import add_months
from ptdv.members.services.bulk import EventSpec, HistorySpec, bulk_enter
from ptdv.orgs.models import Org, OrgKind
from ptdv.people.models import Person

BEFORE_PTDV = "Tổ chức đảng trước khi dùng PTĐV (dữ liệu mẫu)"


def _years_after(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def story(
    person: Any,
    decision_on: date,
    joined_on: date,
    official_on: date | None,
    *,
    siblings: list[Org],
    rng: random.Random,
    today: date,
) -> list[EventSpec]:
    """Return the events of one demo member whose cell today is the person's unit."""
    cell: Org = person.org
    events: list[EventSpec] = []
    start = cell.valid_from
    others = [c for c in siblings if c.pk != cell.pk and c.valid_from <= joined_on]
    if joined_on < start:
        # Admitted before the cell was in PTĐV: outside its rolls until then.
        events.append(EventSpec("admitted", joined_on, cell.pk, other_party=BEFORE_PTDV))
        if official_on is not None and official_on < start:
            events.append(EventSpec("recognised", official_on, cell.pk, other_party=BEFORE_PTDV))
        events.append(EventSpec("transfer_in", start, cell.pk, other_party=BEFORE_PTDV))
        if official_on is not None and official_on >= start:
            events.append(EventSpec("recognised", official_on, cell.pk))
    elif others and official_on is not None and rng.random() < 0.08:
        # Admitted in a neighbouring cell, moved here later with a gap of days to weeks.
        first = rng.choice(others)
        events.append(EventSpec("admitted", joined_on, first.pk))
        events.append(EventSpec("recognised", official_on, first.pk))
        leave = official_on + timedelta(days=rng.randrange(30, 900))
        arrive = leave + timedelta(days=rng.randrange(5, 45))
        if arrive >= today:
            return [EventSpec("admitted", joined_on, cell.pk),
                    EventSpec("recognised", official_on, cell.pk)]  # fmt: skip
        events.append(EventSpec("transfer_out", leave, first.pk, other_cell_id=cell.pk))
        events.append(EventSpec("transfer_in", arrive, cell.pk))
    else:
        events.append(EventSpec("admitted", joined_on, cell.pk))
        if official_on is not None:
            events.append(EventSpec("recognised", official_on, cell.pk))
    last = max(e.on for e in events)
    if official_on is None:
        deleted = joined_on + timedelta(days=200)
        if deleted < today and rng.random() < 0.05:
            events.append(EventSpec("probation_deleted", deleted, cell.pk))
        return events
    draw = rng.random()
    elderly = _years_after(person.birth_date, 66)
    if elderly > last and elderly < today and draw < 0.5:
        events.append(EventSpec("exempt_start", elderly, cell.pk))
        last = elderly
    elif draw < 0.04 and others:
        out = last + timedelta(days=rng.randrange(60, 2000))
        back = out + timedelta(days=rng.randrange(100, 330))
        if back < today:
            events.append(EventSpec("temp_out", out, cell.pk, other_cell_id=rng.choice(others).pk))
            events.append(EventSpec("temp_back", back, cell.pk))
            last = back
    old = _years_after(person.birth_date, 60)
    if old < today and rng.random() < 0.12:
        died = max(old, last) + timedelta(days=rng.randrange(1, 700))
        if died < today:
            events.append(EventSpec("died", died, cell.pk))
    elif rng.random() < 0.006:
        removed = last + timedelta(days=rng.randrange(200, 1500))
        if removed < today:
            events.append(EventSpec("removed", removed, cell.pk, ground="absent_unpaid"))
    return events


def siblings_of(cells: list[Org]) -> dict[int, list[Org]]:
    """Return, for each cell, the cells sharing its parent (transfers stay within a unit)."""
    by_parent: dict[str, list[Org]] = defaultdict(list)
    for cell in cells:
        by_parent[cell.path[: -Org.steplen]].append(cell)
    return {c.pk: by_parent[c.path[: -Org.steplen]] for c in cells}


def ratings(memberships: list[Any], *, rng: random.Random, today: date) -> list[Rating]:
    """Return two years of ratings for the official members not exempted and still members:
    about 12 % excellent (under the 20 %-of-good cap), a few "not completed" — two members
    with two years in a row (the removal watch list)."""
    grassroots = {
        o.path: o
        for o in Org.objects.filter(
            kind__in=[OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL]
        )
    }
    cells = Org.objects.in_bulk({m.cell_id for m in memberships})
    rows: list[Rating] = []
    twice = 0
    for m in memberships:
        if m.status != "official" or m.exempted:
            continue
        cell = cells[m.cell_id]
        unit = next(
            (grassroots[p] for p in [cell.path, *reversed(cell.ancestor_paths)] if p in grassroots),
            cell,
        )
        weak = twice < 2 and rng.random() < 0.01
        twice += weak
        for year in (today.year - 2, today.year - 1):
            if m.official_on is None or m.official_on.year >= year:
                continue
            draw = rng.random()
            level = (
                RatingLevel.NOT_COMPLETED if weak
                else RatingLevel.EXCELLENT if draw < 0.12
                else RatingLevel.GOOD if draw < 0.84
                else RatingLevel.COMPLETED if draw < 0.99
                else RatingLevel.NOT_COMPLETED
            )  # fmt: skip
            rows.append(Rating(membership=m, year=year, level=level, grassroots=unit, cell=cell))
    return rows


@dataclass(frozen=True)
class Standing:
    """A demo person's party standing, decided before the people are inserted."""

    person: Person
    decision_on: date
    joined_on: date
    official_on: date | None


def assign_party_standing(
    persons: list[Person], *, rng: random.Random, today: date
) -> list[Standing]:
    """Make most adults of each cell party members, as in a real cell.

    Each cell gets at least three official members (the minimum to exist, DOMAIN §1.1); of the
    other adults about 70 % are official and 5 % probationary members; pupils and the rest are
    non-members, among whom the cell finds its candidates. Dates follow DOMAIN §4: decision,
    ceremony about three weeks later, official twelve months after the ceremony.
    """
    by_cell: dict[int, list[Person]] = {}
    for person in persons:
        by_cell.setdefault(person.org_id, []).append(person)
    standings = []
    for members in by_cell.values():
        adults = [
            p
            for p in members
            if (today - p.birth_date).days >= 22 * 365
            and (p.occupation is None or p.occupation.code != "hoc_sinh_sinh_vien")
        ]
        for index, person in enumerate(adults):
            draw = rng.random()
            if index < 3 or draw < 0.70:
                official = True
            elif draw < 0.75:
                official = False
            else:
                continue
            earliest = date(person.birth_date.year + 20, 1, 1)
            if official:
                latest = today - timedelta(days=800)
            else:
                latest = today - timedelta(days=40)
                earliest = max(earliest, today - timedelta(days=330))
            span = max((latest - earliest).days, 1)
            decision = earliest + timedelta(days=rng.randrange(span))
            joined = decision + timedelta(days=rng.randint(10, 35))
            standings.append(
                Standing(person, decision, joined, add_months(joined, 12) if official else None)
            )
    return standings


def enter_members(standings: list[Standing], *, actor: User, today: date, seed: int) -> None:
    """Enter the demo's members in the registry with their stories (demo.history) and two
    years of quality ratings."""
    rng = random.Random(seed * 11 + 3)
    siblings = siblings_of(list({s.person.org.pk: s.person.org for s in standings}.values()))
    histories = [
        HistorySpec(
            person_id=s.person.pk,
            sort_key=s.person.sort_key,
            decision_on=s.decision_on,
            events=story(
                s.person,
                s.decision_on,
                s.joined_on,
                s.official_on,
                siblings=siblings[s.person.org.pk],
                rng=rng,
                today=today,
            ),
        )
        for s in standings
    ]
    memberships = bulk_enter(histories, actor=actor, today=today)
    Rating.objects.bulk_create(ratings(memberships, rng=rng, today=today), batch_size=2000)
