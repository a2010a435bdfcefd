"""A large unit's board walks each stage's index for its first cards (D68, pipeline.boards):
the same columns and cards as ranking every case under the unit, in three queries, and each
walk reads the stage's index alone in the board's order."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest
from django.db import connection

from ptdv.access.policy import grants_of
from ptdv.pipeline import boards
from ptdv.pipeline.models import Case, Stage
from tests.factories import TODAY
from tests.pipeline.factories import make_candidate, open_test_case, walk_case_to

pytestmark = pytest.mark.django_db


def _cards(user, org, **filters):  # type: ignore[no-untyped-def]
    return [(c.stage, c.count, [card.case_id for card in c.cards])
            for c in boards.board(user, org=org, today=TODAY, per_column=3, **filters)]  # fmt: skip


@pytest.fixture
def many(world):  # type: ignore[no-untyped-def]
    """Twenty open cases in two cells, spread over three stages, with due days (some shared,
    some none) and days in the stage drawn at random (seeded)."""
    cast = world.cast
    cases = [
        open_test_case(
            make_candidate(cell),
            cell,
            actor=cast.board_specialist,
            opened_on=date(2026, 10, 1) + timedelta(days=n),
        )  # fmt: skip
        for n, cell in enumerate([cast.cell_a, cast.cell_b] * 10)
    ]
    return [case.pk for case in cases]


@pytest.mark.parametrize("seed", range(4))
def test_walking_the_stages_gives_the_ranked_cards(world, many, settings, seed):  # type: ignore[no-untyped-def]
    draw = random.Random(seed)
    stages = [Stage.SOURCE, Stage.CANDIDATE, Stage.TRAINED]
    for pk in many:
        due = draw.choice(
            [None, date(2026, 12, 1), date(2026, 11, 1) + timedelta(draw.randrange(60))]
        )
        since = date(2026, 1, 1) + timedelta(days=draw.choice([0, 5, draw.randrange(300)]))
        Case.objects.filter(pk=pk).update(stage=draw.choice(stages), next_due_on=due,
                                          stage_since=since)  # fmt: skip
    user = world.cast.board_specialist
    unit = world.cast.grassroots
    settings.PTDV_BOARD_WALK_DEPTH = 0  # every stage ranked in the window
    ranked = {
        "all": _cards(user, unit),
        "overdue": _cards(user, unit, overdue=True),
        "other user": _cards(world.cast.cell_secretary, unit),
    }
    settings.PTDV_BOARD_WALK_DEPTH = 99
    settings.PTDV_BOARD_WALK_MIN = 1  # every stage with its cards' worth of cases walked
    assert boards._walked_stages({"source": 3, "candidate": 2}, unit, cell=None, source="",
                                 per_column=3) == ["source"]  # fmt: skip
    assert _cards(user, unit) == ranked["all"]
    assert _cards(user, unit, overdue=True) == ranked["overdue"]
    assert _cards(world.cast.cell_secretary, unit) == ranked["other user"]


def test_a_walked_board_is_three_queries(world, many, settings, django_assert_num_queries):  # type: ignore[no-untyped-def]
    settings.PTDV_BOARD_WALK_DEPTH = 99
    settings.PTDV_BOARD_WALK_MIN = 1
    user = world.cast.board_specialist
    grants_of(user)
    # The counts, the walks of every stage in one statement, the cards' rows.
    with django_assert_num_queries(3):
        columns = boards.board(user, org=world.cast.grassroots, today=TODAY, per_column=3)
    assert [len(c.cards) for c in columns if c.count] == [3]
    # A cell, a source or a unit deeper than the setting: ranked, not walked.
    unit = world.cast.grassroots
    assert boards._walked_stages({"source": 20}, unit, cell=world.cast.cell_a, source="",
                                 per_column=3) == []  # fmt: skip
    assert boards._walked_stages({"source": 20}, unit, cell=None, source="youth_union",
                                 per_column=3) == []  # fmt: skip
    settings.PTDV_BOARD_WALK_DEPTH = unit.depth - 1
    assert boards._walked_stages({"source": 20}, unit, cell=None, source="", per_column=3) == []


def test_each_walk_reads_the_stages_index_in_its_order(world, many, settings):  # type: ignore[no-untyped-def]
    settings.PTDV_BOARD_WALK_DEPTH = 99
    settings.PTDV_BOARD_WALK_MIN = 1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = world.cast.board_specialist
    qs = boards._open_cases(user, org=world.cast.grassroots, cell=None, source="",
                            overdue=False, today=TODAY)  # fmt: skip
    sql, params = boards._walks(qs, ["source"], 3)
    assert len(boards._walked_ids(qs, ["source"], 3)) >= 3
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The walk names its index; its order is the index's: no sort.
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "pipeline_case_stage_due" in plan
            assert "TEMP B-TREE" not in plan
            return
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                       ["pipeline_case_stage_due"])  # fmt: skip
        [(definition,)] = cursor.fetchall()
    # PostgreSQL's plan for a test's few pages is no guide (at full scale it walks the index,
    # D68): the index leads with the walk's equalities, then holds its order (due days first,
    # no due day last: a B-tree's default) and every column it names.
    assert "(outcome, stage, next_due_on, stage_since, id, cell_path)" in definition
    assert (
        'ORDER BY "pipeline_case"."next_due_on" ASC NULLS LAST, "pipeline_case"."stage_since" ASC'
        in sql
    )
    named = set(re.findall(r'"pipeline_case"\."(\w+)"', sql))
    assert named <= {"outcome", "stage", "next_due_on", "stage_since", "id", "cell_path"}


def test_the_top_units_counts_come_from_its_kept_rows(world, settings, django_assert_num_queries):  # type: ignore[no-untyped-def]
    """The province keeps its cases' counts (D50): its whole board's counts are their sums, the
    same as counting the cases; a filter, or a user who sees part of it, counts the cases."""
    cast = world.cast
    for n, cell in enumerate([cast.cell_a, cast.cell_b, cast.other_cell] * 3):
        open_test_case(make_candidate(cell), cell, actor=cast.board_specialist,
                       opened_on=date(2026, 10, 1) + timedelta(days=n))  # fmt: skip
    approved = open_test_case(world.candidate, cast.cell_a, actor=cast.board_specialist)
    walk_case_to(approved, Stage.CELL_APPROVED, members=world.members, authority=world.authority,
                 actor=cast.board_specialist)  # fmt: skip
    assert Case.objects.get(pk=approved.pk).next_due_on is not None
    user = cast.board_specialist
    grants_of(user)
    assert boards._kept_counts(user, cast.province, cell=None, source="", overdue=False) == {
        "source": 9,
        "cell_approved": 1,
    }
    # Every stage ranked (below the walk's minimum): the kept sums, the ranking, the cards.
    with django_assert_num_queries(3):
        kept = _cards(user, cast.province)
    settings.PTDV_FUNNEL_LEVELS = 0  # no unit keeps rows: the cases counted
    assert boards._kept_counts(user, cast.province, cell=None, source="", overdue=False) is None
    assert _cards(user, cast.province) == kept
    settings.PTDV_FUNNEL_LEVELS = 1
    for narrowed in ({"cell": cast.cell_a}, {"source": "youth_union"}, {"overdue": True}):
        filters = {"cell": None, "source": "", "overdue": False, **narrowed}
        assert boards._kept_counts(user, cast.province, **filters) is None
    # The cell secretary sees cell A's cases only: not the province's kept sums.
    secretary = cast.cell_secretary
    assert boards._kept_counts(secretary, cast.province, cell=None, source="",
                               overdue=False) is None  # fmt: skip
    assert sum(c[1] for c in _cards(secretary, cast.province)) == 4
