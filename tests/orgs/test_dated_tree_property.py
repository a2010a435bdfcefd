"""Property: random creates, moves, renames and dissolutions on random past dates keep every
unit's spans contiguous and non-overlapping, and "units under the root on D" equals a direct
replay of the accepted operations (decision D28)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ptdv.orgs.models import Org, OrgKind, OrgSpan
from ptdv.orgs.selectors import units_under_on
from ptdv.orgs.services import (
    OrgInvalid,
    check_spans,
    create_org,
    dissolve_org,
    move_org,
    update_org,
)
from tests.factories import TODAY, system_user
from tests.properties import examples

ROOT_FROM = date(2019, 1, 1)
# Few distinct days, so that operations often share a day or fall on a span's first day.
DAYS = [date(2020, 1, 1) + timedelta(days=61 * k) for k in range(25)]
# Committees may hold committees: deep subtrees, so moves carry units along.
SCAFFOLD_FROM = date(2019, 6, 1)
# (parent index, kind): root(0) → S0 → S1 → S2 (a cell), root → S3.
SCAFFOLD = [
    (0, OrgKind.GRASSROOTS_COMMITTEE),
    (1, OrgKind.GRASSROOTS_COMMITTEE),
    (2, OrgKind.CELL),
    (0, OrgKind.GRASSROOTS_COMMITTEE),
]
KINDS = [OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.CELL]


@dataclass
class Unit:
    """What the replay knows of one unit: the operations accepted for it, with their days."""

    pk: int
    founded: date
    parents: list[tuple[date, int | None]]  # (from day, parent index), in order of acceptance
    names: list[tuple[date, str]]
    dissolved: date | None = None
    kind: str = OrgKind.PROVINCE

    def exists(self, day: date) -> bool:
        return self.founded <= day and (self.dissolved is None or day < self.dissolved)

    @staticmethod
    def _on(timeline: list[tuple[date, object]], day: date) -> object:
        current = timeline[0][1]
        for start, value in timeline:  # a later entry with the same day wins
            if start <= day:
                current = value
        return current

    def parent_on(self, day: date) -> int | None:
        return self._on(self.parents, day)  # type: ignore[return-value]

    def name_on(self, day: date) -> str:
        return self._on(self.names, day)  # type: ignore[return-value]

    def parent_periods(self) -> list[tuple[date, date | None, int | None]]:
        """Return (from, to, parent) over the unit's existence."""
        entries = sorted(
            {start: parent for start, parent in self.parents}.items()  # last one per day
        )
        periods = []
        for i, (start, parent) in enumerate(entries):
            end = entries[i + 1][0] if i + 1 < len(entries) else self.dissolved
            if self.dissolved is not None and start >= self.dissolved:
                continue
            periods.append((start, end, parent))
        return periods


@dataclass
class Replay:
    units: list[Unit] = field(default_factory=list)

    def under_root(self, day: date) -> set[tuple[int, str, int | None, int]]:
        """Return (pk, name, parent pk, depth) of every unit reachable from the root on day."""
        found = set()
        for unit in self.units:
            if not unit.exists(day):
                continue
            chain = [unit]
            while chain[-1].parent_on(day) is not None:
                parent = self.units[chain[-1].parent_on(day)]
                if not parent.exists(day):
                    break
                chain.append(parent)
            else:
                if chain[-1] is self.units[0]:
                    parent_index = unit.parent_on(day)
                    parent_pk = self.units[parent_index].pk if parent_index is not None else None
                    found.add((unit.pk, unit.name_on(day), parent_pk, len(chain)))
        return found

    def has_child_from(self, index: int, day: date) -> bool:
        """Return whether some unit sits under units[index] on day or later."""
        for unit in self.units:
            for _start, end, parent in unit.parent_periods():
                if parent == index and (end is None or end > day):
                    return True
        return False


operations = st.lists(
    st.tuples(
        st.sampled_from(["create", "create", "move", "move", "rename", "dissolve"]),
        st.integers(0, 50),
        st.integers(0, 50),
        st.integers(0, len(DAYS) - 1),
        st.sampled_from(KINDS),
    ),
    min_size=1,
    max_size=20,
)


def _fresh(pk: int) -> Org:
    return Org.objects.get(pk=pk)


def _apply(replay: Replay, op: tuple, n: int) -> bool:
    """Try one operation; record it in the replay when the service accepts it."""
    kind, a, b, k, new_kind = op
    # Units are mostly founded in the first half, so later moves find subtrees to carry.
    day = DAYS[k // 2] if kind == "create" else DAYS[k]
    units = replay.units
    actor = system_user()
    if kind == "create":
        parent_index = a % len(units)
        parent = units[parent_index]
        # A unit is founded no earlier than its parent, and only under a live unit.
        if parent.dissolved is not None or day < parent.founded:
            return False
        values = {"name": f"U{n}", "code": f"U{n}", "kind": new_kind, "valid_from": day}
        try:
            org = create_org(parent=_fresh(parent.pk), values=values, actor=actor, today=TODAY)
        except OrgInvalid:
            return False
        units.append(Unit(org.pk, day, [(day, parent_index)], [(day, f"U{n}")], kind=new_kind))
        return True
    elif kind == "move":
        index, target_index = 1 + a % max(len(units) - 1, 1), b % len(units)
        if index >= len(units):
            return False
        unit, org = units[index], _fresh(units[index].pk)
        try:
            move_org(org=org, new_parent=_fresh(units[target_index].pk), version=org.version,
                     actor=actor, today=TODAY, on_date=day)  # fmt: skip
        except OrgInvalid:
            return False
        if unit.parent_on(TODAY) != target_index:  # moving under the same parent is a no-op
            unit.parents.append((day, target_index))
            if Org.objects.get(pk=unit.pk).numchild:
                event("a move carried a subtree")
        return True
    elif kind == "rename":
        unit = units[a % len(units)]
        if unit.dissolved is not None:
            return False
        org = _fresh(unit.pk)
        try:
            update_org(org=org, values={"name": f"R{n}"}, version=org.version, actor=actor,
                       today=TODAY, effective_on=day)  # fmt: skip
        except OrgInvalid:
            return False
        unit.names.append((day, f"R{n}"))
        return True
    else:
        index = 1 + a % max(len(units) - 1, 1)
        if index >= len(units) or replay.has_child_from(index, day):
            return False
        unit, org = units[index], _fresh(units[index].pk)
        try:
            dissolve_org(org=org, on_date=day, version=org.version, actor=actor, today=TODAY)
        except OrgInvalid:
            return False
        unit.dissolved = day
        return True


def _assert_contiguous() -> None:
    for org in Org.objects.all():
        spans = list(OrgSpan.objects.filter(org=org).order_by("valid_from"))
        if not spans:
            assert org.valid_to == org.valid_from
            continue
        assert spans[0].valid_from == org.valid_from
        for before, after in zip(spans, spans[1:], strict=False):
            assert before.valid_to == after.valid_from
        assert spans[-1].valid_to == org.valid_to


@settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_spans_replay_the_operations(db, ops):
    with transaction.atomic():
        root = create_org(
            parent=None,
            values={
                "name": "Tỉnh",
                "code": "ROOT",
                "kind": OrgKind.PROVINCE,
                "valid_from": ROOT_FROM,
            },  # fmt: skip
            actor=system_user(),
            today=TODAY,
        )
        replay = Replay([Unit(root.pk, ROOT_FROM, [(ROOT_FROM, None)], [(ROOT_FROM, "Tỉnh")])])
        # A scaffold founded before every drawn day, so that moves have subtrees to carry.
        for n, (parent, kind) in enumerate(SCAFFOLD):
            org = create_org(parent=_fresh(replay.units[parent].pk), values={
                "name": f"S{n}", "code": f"S{n}", "kind": kind, "valid_from": SCAFFOLD_FROM,
            }, actor=system_user(), today=TODAY)  # fmt: skip
            replay.units.append(Unit(org.pk, SCAFFOLD_FROM, [(SCAFFOLD_FROM, parent)],
                                     [(SCAFFOLD_FROM, f"S{n}")], kind=kind))  # fmt: skip
        for n, op in enumerate(ops):
            if _apply(replay, op, n):
                event(f"{op[0]} accepted")

        _assert_contiguous()
        assert check_spans() == []
        days = {ROOT_FROM, TODAY} | {d + timedelta(days=k) for d in DAYS for k in (-1, 0)}
        for day in sorted(days):
            spans = units_under_on(root, day)
            got = {(s.org_id, s.name, s.parent_id, s.depth) for s in spans}
            assert got == replay.under_root(day), day
        transaction.set_rollback(True)
