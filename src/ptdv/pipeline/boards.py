"""Reads of the board: the open cases of a unit, a column per stage, and one stage's list.

The board shows each stage's count and its first cards, the most urgent first (overdue and
soonest due, then longest waiting); a column with more cases links to that stage's own list,
which pages through all of them in the same order. A province has thousands of open cases: the
board stays a few cards a column (short on a phone, quick to draw) and nothing is out of reach.
Scoped by access.policy like every read of the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from ptdv.access import policy
from ptdv.access.policy import Action
from ptdv.core.text import unit_label
from ptdv.orgs.models import Org
from ptdv.pipeline import stagecounts
from ptdv.pipeline.models import Case, Outcome
from ptdv.pipeline.rules.funnel import ENTERED_MONTH
from ptdv.pipeline.selectors import OPEN_STAGES, filtered

# The cards shown per stage on the board. A province's 14 stages of 20 cards were 280 cards,
# 126 kB of HTML and most of the page's time (stop 29's measurements), a wall on a phone; each
# column now shows its first few and links to the stage's own list.
BOARD_CARDS = 6
# The cards per page of one stage's list.
STAGE_PAGE = 50

# Overdue and soonest due first (no due day last), then the longest in the stage; the key makes
# it a total order. The due day is ordered through COALESCE, an expression no index holds: in
# its own order PostgreSQL walked the open cases' due index for a stage's first page, testing
# every open case of the country against the unit's path (195 ms for a province at full scale,
# the whole country's 1.2 M for a cell's), where the unit's own range of the path index, sorted,
# is a few milliseconds.
_NO_DUE = date(9999, 12, 31)
_ORDER = (
    Coalesce(F("next_due_on"), Value(_NO_DUE)).asc(),
    F("stage_since").asc(),
    F("pk").asc(),
)
# A stage's first cards are walked from the stage's own index (D68) under a unit this high in
# the tree (the nation, a province: its cases are a large share of every stage's, so its first
# few come after a short walk) when the stage holds at least this many of its cases; under a
# smaller unit, or a stage it has few cases of, the walk could pass most of the country's cases
# of the stage, and the unit's own range is ranked instead. PTDV_BOARD_WALK_DEPTH and
# PTDV_BOARD_WALK_MIN override them.
WALK_DEPTH = 2
WALK_MIN = 100
_WALK_INDEX = "pipeline_case_stage_due"
# The stage's place among a walk's parameters, written once for every stage.
_ANY_STAGE = "\x00stage"
_COLUMNS = ("pk", "stage", "stage_since", "next_due_on", "next_due_rule",
            "person__full_name", "cell__name", "cell__parent_name")  # fmt: skip


@dataclass(frozen=True)
class BoardCard:
    case_id: int
    stage: str
    person_name: str
    cell_name: str
    cell_label: str  # with the parent's name: ten "Chi bộ Khu phố 2" differ
    days_in_stage: int
    next_due_on: date | None
    next_due_rule: str
    overdue: bool


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    label: str
    count: int
    cards: list[BoardCard]

    @property
    def more(self) -> int:
        """Return how many cases of the column are not shown as cards."""
        return self.count - len(self.cards)


def _open_cases(
    user: Any, *, org: Org | None, cell: Org | None, source: str, overdue: bool, today: date
) -> QuerySet[Case]:
    qs = policy.scope(user, Case.objects.filter(outcome=Outcome.OPEN), Action.CASE_VIEW)
    return filtered(qs, org=org, cell=cell, source=source, overdue=overdue, today=today)


def _cards(qs: QuerySet[Case], today: date) -> list[BoardCard]:
    """Return the cards of qs's cases: their own columns, not cases, people and cells as
    objects (a province's board shows a hundred cards, a stage's page fifty)."""
    return [
        BoardCard(
            case_id=pk,
            stage=stage,
            person_name=person_name,
            cell_name=cell_name,
            cell_label=unit_label(cell_name, parent_name),
            days_in_stage=(today - since).days,
            next_due_on=due,
            next_due_rule=rule,
            overdue=due is not None and due < today,
        )
        for pk, stage, since, due, rule, person_name, cell_name, parent_name in qs.values_list(
            *_COLUMNS
        )
    ]


def board(
    user: Any,
    *,
    org: Org | None = None,
    cell: Org | None = None,
    source: str = "",
    overdue: bool = False,
    today: date,
    per_column: int = BOARD_CARDS,
) -> list[BoardColumn]:
    """Return the board of open cases: one column per stage with its count and first cards.

    Three queries whatever the size: the counts (one GROUP BY), the cards' ids (the first
    `per_column` of each stage by a window function over the columns the open cases' path index
    holds, D48; under a large unit, walks of each stage's own index, D68 — four queries when
    some stages are walked and others ranked), and those cards' rows with their people and
    cells. (Given as a subquery, the
    ids were estimated at every case under the unit, and PostgreSQL hashed the whole table to
    find a few hundred.)
    """
    qs = _open_cases(user, org=org, cell=cell, source=source, overdue=overdue, today=today)
    counts = _kept_counts(user, org, cell=cell, source=source, overdue=overdue)
    if counts is None:
        counts = dict(qs.order_by().values_list("stage").annotate(n=Count("pk")))
    cards: dict[str, list[BoardCard]] = {}
    if per_column > 0:  # 0: the counts only (the API)
        walked = _walked_stages(counts, org, cell=cell, source=source, per_column=per_column)
        ids = _walked_ids(qs, walked, per_column)
        rest = [stage for stage in counts if stage not in walked]
        if rest:
            # (Narrowed to the stages left only when some were walked: `stage IN` every stage
            # could lead PostgreSQL to the stages' index instead of the unit's range.)
            ranked = (
                (qs.filter(stage__in=rest) if walked else qs)
                .order_by()
                .annotate(
                    rank=Window(RowNumber(), partition_by=[F("stage")], order_by=list(_ORDER))
                )
                .filter(rank__lte=per_column)
                .values_list("pk", flat=True)
            )
            ids.extend(ranked)
        for card in _cards(Case.objects.filter(pk__in=ids).order_by(*_ORDER), today):
            column = cards.setdefault(card.stage, [])
            if len(column) < per_column:  # (a walked stage may bring a few more)
                column.append(card)
    return [
        BoardColumn(
            stage=s.value,
            label=str(s.label),
            count=counts.get(s.value, 0),
            cards=cards.get(s.value, []),
        )
        for s in OPEN_STAGES
    ]


def _kept_counts(
    user: Any, org: Org | None, *, cell: Org | None, source: str, overdue: bool
) -> dict[str, int] | None:
    """Return the unit's open cases per stage from its kept rows (D50: the top of the tree
    keeps its cases' counts per stage and day) when the board is the whole unit's — no cell,
    source or overdue filter, and the user sees every case under it; None otherwise (the cases
    are counted). The nation's counts are 14 sums of its rows per month entered (D69) instead
    of a GROUP BY over its 1.2 M open cases (0.4 s at full scale)."""
    if org is None or cell is not None or source or overdue:
        return None
    if not policy.can_at_path(user, Action.CASE_VIEW, org.path):
        return None
    kept = stagecounts.kept_rows(org, [ENTERED_MONTH])  # (per month: D69)
    if kept is None:
        return None
    summed = kept.values_list("stage").annotate(n=Sum("n")).order_by()
    return {stage: int(n) for stage, n in summed if n}


def _walked_stages(
    counts: dict[str, int], org: Org | None, *, cell: Org | None, source: str, per_column: int
) -> list[str]:
    """Return the stages whose first cards are walked from the stage's index (WALK_DEPTH,
    WALK_MIN): under a high unit, not narrowed to a cell or a source (the index holds no
    source), where the unit has many cases of the stage."""
    depth = int(getattr(settings, "PTDV_BOARD_WALK_DEPTH", WALK_DEPTH))
    least = max(per_column, int(getattr(settings, "PTDV_BOARD_WALK_MIN", WALK_MIN)))
    if org is None or org.depth > depth or cell is not None or source:
        return []
    return [stage for stage, n in counts.items() if n >= least]


def _walked_ids(qs: QuerySet[Case], stages: list[str], per_column: int) -> list[int]:
    """Return, for each stage, the ids of its first `per_column` cases in the board's order,
    each a walk of the stage's index (`pipeline_case_stage_due`) stopped after a few entries,
    all in one statement. PostgreSQL's index holds the cases without a due day after the others,
    as the board orders them: one walk a stage. SQLite's holds them first: a walk of the
    cases with a due day and one of those without, and the cards' read orders them and keeps
    each stage's first. The walks are written once and given each stage as a parameter (the
    ORM wrote each of 28 walks in ≈ 0.3 ms)."""
    if not stages:
        return []
    sql, params = _walks(qs, stages, per_column)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def _walks(qs: QuerySet[Case], stages: list[str], per_column: int) -> tuple[str, list[Any]]:
    """Return the statement of `_walked_ids` and its parameters."""
    staged = qs.filter(stage=_ANY_STAGE)
    if connection.vendor == "postgresql":
        due = F("next_due_on").asc(nulls_last=True)
        walks = [staged.order_by(due, "stage_since", "pk")]
    else:
        walks = [
            staged.filter(next_due_on__isnull=False).order_by("next_due_on", "stage_since", "pk"),
            staged.filter(next_due_on__isnull=True).order_by("stage_since", "pk"),
        ]
    written = [walk.values_list("pk")[:per_column].query.sql_with_params() for walk in walks]
    if connection.vendor == "sqlite":
        # SQLite's planner, not weighing the LIMIT, may take the path's index and sort the
        # unit's cases of the stage: the walk names its index (SQLite's INDEXED BY).
        table = f'FROM "{Case._meta.db_table}"'
        written = [(sql.replace(table, f'{table} INDEXED BY "{_WALK_INDEX}"', 1), found)
                   for sql, found in written]  # fmt: skip
    parts: list[str] = []
    params: list[Any] = []
    for stage in stages:
        for sql, found in written:
            parts.append(f"SELECT * FROM ({sql}) AS walk{len(parts)}")
            params.extend(stage if p == _ANY_STAGE else p for p in found)
    return " UNION ALL ".join(parts), params


class StageCards:
    """One stage's open cases as cards, for Django's Paginator: its length is one COUNT, a page
    one query of `STAGE_PAGE` rows in the board's order."""

    def __init__(self, qs: QuerySet[Case], today: date, count: int | None = None) -> None:
        self._qs = qs.order_by(*_ORDER)
        self._today = today
        self._count = count

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._qs.count()
        return self._count

    @overload
    def __getitem__(self, index: int) -> BoardCard: ...
    @overload
    def __getitem__(self, index: slice) -> list[BoardCard]: ...
    def __getitem__(self, index: int | slice) -> BoardCard | list[BoardCard]:
        if isinstance(index, slice):
            return _cards(self._qs[index], self._today)
        return _cards(self._qs[index : index + 1], self._today)[0]

    def __iter__(self) -> Iterator[BoardCard]:
        return iter(_cards(self._qs, self._today))


def stage_cards(
    user: Any,
    *,
    stage: str,
    org: Org | None = None,
    cell: Org | None = None,
    source: str = "",
    overdue: bool = False,
    today: date,
    count: int | None = None,
) -> StageCards:
    """Return every open case of one stage in scope, filtered like the board, in its order;
    `count`, when the board's counts already tell it, saves the list its COUNT."""
    qs = _open_cases(user, org=org, cell=cell, source=source, overdue=overdue, today=today)
    return StageCards(qs.filter(stage=stage), today, count)


__all__ = [
    "BOARD_CARDS",
    "STAGE_PAGE",
    "BoardCard",
    "BoardColumn",
    "StageCards",
    "board",
    "stage_cards",
]
