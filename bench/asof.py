"""Member registry benchmarks: as-of figures of a province-sized subtree and the roll's first
page, against naive baselines measured in the same run (issue 7, "Performance").

The bench tree is built with treebeard directly (bench/ bypasses the services), so its spans
are written here the way orgs.services would; members get 15 years of events through the
registry's own bulk entry (the replay decides their periods).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

TODAY = date(2026, 11, 21)


def add_spans(root: Any) -> None:
    """Write one open span per unit of the bench tree (as create_org would)."""
    from ptdv.orgs.models import Org, OrgSpan, span_segment

    orgs = list(Org.objects.subtree(root).order_by("path").values_list("pk", "path", "depth",
                                                                      "name", "kind"))  # fmt: skip
    span_path: dict[str, str] = {}
    parent_pk: dict[str, int] = {}
    rows = []
    for pk, path, depth, name, kind in orgs:
        parent = path[: -Org.steplen]
        span_path[path] = span_path.get(parent, "") + span_segment(pk)
        parent_pk[path] = pk
        rows.append(
            OrgSpan(org_id=pk, parent_id=parent_pk.get(parent), path=span_path[path], depth=depth,
                    name=name, kind=kind, valid_from=date(2000, 1, 1))
        )  # fmt: skip
    OrgSpan.objects.bulk_create(rows, batch_size=5000)
    Org.objects.subtree(root).update(valid_from=date(2000, 1, 1))


def build_members(cells: list[Any], rng: random.Random) -> dict[str, Any]:
    """Make every bench person a member with a 15-year story; return counts and timing."""
    from ptdv.members.rules.dates import official_date
    from ptdv.members.services.bulk import EventSpec, HistorySpec, bulk_enter
    from ptdv.people.models import Person

    t0 = time.perf_counter()
    cell_ids = [c.pk for c in cells]
    histories = []
    events = 0
    people = Person.objects.order_by("pk").values_list("pk", "org_id", "sort_key")
    for pk, cell, key in people.iterator(chunk_size=10000):
        joined = date(2011, 1, 1) + timedelta(days=rng.randrange(15 * 365))
        story = [EventSpec("admitted", joined, cell)]
        official = official_date(joined)
        if official <= TODAY:
            story.append(EventSpec("recognised", official, cell))
        day = max(official, joined) + timedelta(days=rng.randrange(30, 1500))
        draw = rng.random()
        if day < TODAY and draw < 0.10:
            target = rng.choice(cell_ids)
            if target != cell:
                arrive = day + timedelta(days=rng.randrange(5, 40))
                if arrive < TODAY:
                    story += [EventSpec("transfer_out", day, cell, other_cell_id=target),
                              EventSpec("transfer_in", arrive, target)]  # fmt: skip
        elif day < TODAY and draw < 0.15:
            story.append(EventSpec("exempt_start", day, cell))
        elif day < TODAY and draw < 0.17:
            back = day + timedelta(days=rng.randrange(90, 360))
            if back < TODAY:
                story += [EventSpec("temp_out", day, cell, other_cell_id=rng.choice(cell_ids)),
                          EventSpec("temp_back", back, cell)]  # fmt: skip
        elif day < TODAY and draw < 0.20 and official <= day:
            story.append(EventSpec("died", day, cell))
        events += len(story)
        decided = joined - timedelta(days=21)
        histories.append(HistorySpec(person_id=pk, sort_key=key, decision_on=decided, events=story))
    # These benchmarks read the periods, not the monthly aggregates (D39): entering 200,000
    # members with them would take about an hour (bench/national.py times them).
    bulk_enter(histories, actor=None, today=TODAY, batch_size=5000, aggregates=False)
    return {"members": len(histories), "events": events, "seconds": time.perf_counter() - t0}


def rows(
    root: Any, commune: Any
) -> list[tuple[str, Callable[[], object], Callable[[], object], str]]:
    """Return (label, timed function, baseline, baseline label) for the registry."""
    from django.db.models import Q

    from ptdv.core.text import prefix_upper_bound
    from ptdv.members.asof import figures
    from ptdv.members.models import MemberEvent, Membership
    from ptdv.members.rules.replay import Event, replay

    day, since = date(2024, 12, 31), date(2024, 1, 1)

    def replay_all() -> int:
        """The naive way: read every event of the province and replay each member."""
        by_member: dict[int, list[Event]] = {}
        for pk, mid, kind, on, cell, other in MemberEvent.objects.values_list(
            "pk", "membership_id", "kind", "on", "cell_id", "other_cell_id"
        ).iterator(chunk_size=20000):
            by_member.setdefault(mid, []).append(Event(pk, kind, on, cell, other))
        total = 0
        for evs in by_member.values():
            for p in replay(evs, today=TODAY).periods:
                if p.valid_from <= day and (p.valid_to is None or day < p.valid_to):
                    total += 1
        return total

    def roll_page() -> list[int]:
        return list(
            Membership.objects.filter(
                cell__path__gte=commune.path, cell__path__lt=prefix_upper_bound(commune.path),
                status__in=["probationary", "official"],
            ).order_by("sort_key", "pk").values_list("pk", flat=True)[:50]
        )  # fmt: skip

    def roll_page_python() -> list[int]:
        rows = list(
            Membership.objects.filter(cell__path__startswith=commune.path)
            .filter(Q(status="probationary") | Q(status="official"))
            .values_list("pk", "sort_key")
        )
        rows.sort(key=lambda r: (r[1], r[0]))
        return [r[0] for r in rows[:50]]

    return [
        ("as-of members of the province", lambda: figures(root, day, breakdown=False).total,
         replay_all, "replay events"),
        ("as-of figures + period, with splits", lambda: figures(root, day, since=since).total,
         replay_all, "replay events"),
        ("as-of figures of one commune", lambda: figures(commune, day, since=since).total,
         replay_all, "replay events"),
        ("member roll, first page (commune)", roll_page, roll_page_python, "sort in Python"),
    ]  # fmt: skip


def explain(root: Any) -> str:
    """Return the query plan of the main count (members of a subtree on a day)."""
    from ptdv.members.asof import periods_on, span_on

    span = span_on(root, date(2024, 12, 31))
    assert span is not None
    return periods_on(span.path, date(2024, 12, 31)).explain()
