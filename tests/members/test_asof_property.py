"""As-of figures equal a direct replay of the events, for random histories (issue 7, "Done
means"): random members with random event sequences (recognition, exemptions, temporary
transfers, permanent transfers with gaps, exits, a correction) and a random reorganisation (a
cell moved to the other grassroots organisation on a random day). The expected figures come
from a plain model in this file, not from the replay or the as-of module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdv.members.asof import admissions, figures
from ptdv.members.models import MemberEvent
from ptdv.members.rules.dates import official_date
from ptdv.members.services import MemberInvalid, correct_event
from ptdv.members.services.bulk import EventSpec
from ptdv.orgs.models import OrgKind
from ptdv.orgs.services import move_org
from tests.factories import TODAY, make_org, system_user
from tests.members.helpers import bulk_people, enter
from tests.properties import examples

ORIGIN = date(2000, 1, 1)
LAST = date(2025, 12, 31)


@dataclass
class Stretch:
    """A stretch on a roll in the model: [start, end) in `cell`."""

    cell: int
    official: bool
    exempted: bool
    away: bool
    start: date
    end: date | None = None


@dataclass
class Life:
    cell: int
    events: list[tuple[str, date, int, int | None]] = field(default_factory=list)
    stretches: list[Stretch] = field(default_factory=list)


def _life(draw, cells: list[int]) -> Life:  # type: ignore[no-untyped-def]
    """Draw a valid member story and model its stretches on the rolls."""
    cell = draw(st.sampled_from(cells))
    day = ORIGIN + timedelta(days=draw(st.integers(0, 6000)))
    life = Life(cell, [("admitted", day, cell, None)])
    official = exempted = away = False
    joined = day
    on_roll = True

    def open_(d: date) -> None:
        life.stretches.append(Stretch(cell, official, exempted, away, d))

    def close(d: date) -> None:
        life.stretches[-1].end = d
        if life.stretches[-1].start == d:
            life.stretches.pop()

    open_(day)
    for _ in range(draw(st.integers(0, 6))):
        day = day + timedelta(days=draw(st.integers(1, 900)))
        if day > LAST:
            break
        move = draw(st.sampled_from(["recognise", "exempt", "temp", "transfer", "exit"]))
        if move == "recognise" and not official and on_roll:
            day = max(day, official_date(joined))
            if day > LAST:
                break
            close(day)
            official = True
            life.events.append(("recognised", day, cell, None))
            open_(day)
        elif move == "exempt" and on_roll:
            close(day)
            exempted = not exempted
            life.events.append(("exempt_start" if exempted else "exempt_end", day, cell, None))
            open_(day)
        elif move == "temp" and on_roll:
            close(day)
            if away:
                life.events.append(("temp_back", day, cell, None))
            else:
                other = draw(st.sampled_from([c for c in cells if c != cell]))
                life.events.append(("temp_out", day, cell, other))
            away = not away
            open_(day)
        elif move == "transfer" and on_roll and not away:
            target = draw(st.sampled_from([c for c in cells if c != cell]))
            close(day)
            exempted = False
            life.events.append(("transfer_out", day, cell, target))
            arrive = day + timedelta(days=draw(st.integers(0, 60)))
            cell = target
            life.events.append(("transfer_in", arrive, cell, None))
            day = arrive
            open_(day)
        elif move == "exit":
            kind = "died" if not official else draw(st.sampled_from(["died", "removed"]))
            close(day)
            life.events.append((kind, day, cell, None))
            on_roll = False
            break
    return life


def _under(model_parent: dict[int, list[tuple[date, int]]], cell: int, day: date) -> int:
    """Return the grassroots unit the cell stood under on the day (the model's tree)."""
    parent = model_parent[cell][0][1]
    for since, p in model_parent[cell]:
        if since <= day:
            parent = p
    return parent


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_as_of_figures_equal_a_direct_replay(db, data):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        province = make_org(None, OrgKind.PROVINCE, "Tỉnh", code="P", valid_from=ORIGIN)
        g1 = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 1", code="G1",
                      valid_from=ORIGIN)  # fmt: skip
        g2 = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ 2", code="G2",
                      valid_from=ORIGIN)  # fmt: skip
        c1 = make_org(g1, OrgKind.CELL, "Chi bộ 1", code="C1", valid_from=ORIGIN)
        c2 = make_org(g1, OrgKind.CELL, "Chi bộ 2", code="C2", valid_from=ORIGIN)
        c3 = make_org(g2, OrgKind.CELL, "Chi bộ 3", code="C3", valid_from=ORIGIN)
        cells = [c1.pk, c2.pk, c3.pk]
        parent = {c1.pk: [(ORIGIN, g1.pk)], c2.pk: [(ORIGIN, g1.pk)], c3.pk: [(ORIGIN, g2.pk)]}
        # The reorganisation: cell 2 moves to the other grassroots organisation on a day.
        if data.draw(st.booleans(), label="reorganise"):
            moved_on = ORIGIN + timedelta(days=data.draw(st.integers(1, 9000), label="move day"))
            move_org(org=c2, new_parent=g2, version=c2.version, actor=system_user(),
                     today=TODAY, on_date=moved_on)  # fmt: skip
            parent[c2.pk].append((moved_on, g2.pk))

        n = data.draw(st.integers(1, 7), label="members")
        lives = [_life(data.draw, cells) for _ in range(n)]
        people = bulk_people([c1], n)
        enter(
            [
                (
                    person,
                    life.events[0][1] - timedelta(days=20),
                    [EventSpec(k, d, c, other_cell_id=o) for k, d, c, o in life.events],
                )
                for person, life in zip(people, lives, strict=True)
            ]
        )
        # A correction: an exemption's start moved by some days, when the story allows it.
        corrected = next(
            (
                (i, j)
                for i, life in enumerate(lives)
                for j, e in enumerate(life.events)
                if e[0] == "exempt_start"
            ),
            None,
        )
        if corrected is not None and data.draw(st.booleans(), label="correct"):
            i, j = corrected
            shift = data.draw(st.integers(-30, 30), label="shift")
            kind, old_day, cell, other = lives[i].events[j]
            stored = MemberEvent.objects.get(
                membership__person=people[i], kind="exempt_start", on=old_day
            )
            try:
                correct_event(
                    event=stored, actor=system_user(), today=TODAY, reason="Sai ngày",
                    version=stored.membership.version, on=old_day + timedelta(days=shift),
                )  # fmt: skip
            except MemberInvalid:
                pass
            else:
                lives[i] = _remodel(lives[i], j, old_day + timedelta(days=shift))

        # Random days, and the days events happen on and the day before (the boundaries).
        days = [ORIGIN + timedelta(days=data.draw(st.integers(0, 9500), label="day"))
                for _ in range(2)]  # fmt: skip
        boundaries = sorted({e[1] for life in lives for e in life.events})
        for on in data.draw(st.lists(st.sampled_from(boundaries), max_size=2), label="events"):
            days += [on, on - timedelta(days=1)]
        # Before the units were founded nothing exists to count.
        assert not figures(province, ORIGIN - timedelta(days=1)).exists
        days = [d for d in days if d >= ORIGIN]
        for day in days:
            for unit, members_of in ((province, None), (g1, g1.pk), (g2, g2.pk)):
                got = figures(unit, day, since=day - timedelta(days=700), breakdown=False)
                want = _expected(lives, parent, members_of, day)
                assert (
                    got.total,
                    got.official,
                    got.probationary,
                    got.exempted,
                    got.temporarily_away,
                ) == want, (unit.code, day)
                cells_here = sum(
                    1 for c in cells if members_of is None or _under(parent, c, day) == members_of
                )
                assert got.units.cells == cells_here
                assert got.admitted == _admitted(lives, parent, members_of,
                                                 day - timedelta(days=700), day)  # fmt: skip
            # A cell's own admissions (read without a search of units under it), the moved
            # cell's across its move too.
            for cell in (c1, c2):
                since = day - timedelta(days=700)
                want_admitted = sum(
                    1
                    for life in lives
                    for kind, on, in_cell, _o in life.events
                    if kind == "admitted" and in_cell == cell.pk and since <= on <= day
                )
                assert admissions(cell, since, day).count() == want_admitted, (cell.code, day)
        transaction.set_rollback(True)


def _remodel(life: Life, j: int, new_day: date) -> Life:
    """Return the life with event j's day changed, its stretches recomputed by replaying the
    model's own events (in date order)."""
    events = list(life.events)
    events[j] = (events[j][0], new_day, events[j][2], events[j][3])
    return _stretches_of(events)


def _stretches_of(events: list[tuple[str, date, int, int | None]]) -> Life:
    # Same-day order as the registry's (an exit last, a transfer out before the transfer in).
    order = {
        "admitted": 0,
        "recognised": 1,
        "temp_back": 2,
        "exempt_end": 2,
        "transfer_out": 3,
        "transfer_in": 5,
        "temp_out": 6,
        "exempt_start": 6,
        "died": 9,
        "removed": 9,
    }
    events = sorted(events, key=lambda e: (e[1], order[e[0]]))
    life = Life(events[0][2], events)
    official = exempted = away = False
    cell = events[0][2]
    current: Stretch | None = None
    for kind, day, at, _other in events:
        if current is not None:
            current.end = day
            if current.start < day:
                life.stretches.append(current)
            current = None
        if kind == "recognised":
            official = True
        elif kind == "exempt_start":
            exempted = True
        elif kind == "exempt_end":
            exempted = False
        elif kind == "temp_out":
            away = True
        elif kind == "temp_back":
            away = False
        elif kind == "transfer_out":
            exempted = False
            continue  # off every roll until the transfer in
        elif kind == "transfer_in":
            cell = at
        elif kind in ("died", "removed"):
            break
        current = Stretch(cell, official, exempted, away, day)
    if current is not None:
        life.stretches.append(current)
    return life


def _expected(lives, parent, unit, day):  # type: ignore[no-untyped-def]
    rows = [
        s
        for life in lives
        for s in life.stretches
        if s.start <= day
        and (s.end is None or day < s.end)
        and (unit is None or _under(parent, s.cell, day) == unit)
    ]
    return (
        len(rows),
        sum(1 for s in rows if s.official),
        sum(1 for s in rows if not s.official),
        sum(1 for s in rows if s.exempted),
        sum(1 for s in rows if s.away),
    )


def _admitted(lives, parent, unit, since, day):  # type: ignore[no-untyped-def]
    return sum(
        1
        for life in lives
        for kind, on, cell, _o in life.events
        if kind == "admitted"
        and since <= on <= day
        and (unit is None or _under(parent, cell, on) == unit)
    )
