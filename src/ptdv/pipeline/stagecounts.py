"""Keeping the open cases' counts per unit, stage and day (decision D50; the arithmetic is
pipeline.rules.funnel).

Every save of a case adds the difference between what it counted before and what it counts
now (`Case.save` calls `saved`), a deletion takes its count away, and a move of the tree moves
the counts of the cases under the moved branch (`moved`, from pipeline.paths' receiver) — each in
its write's transaction, with one "insert or add" statement per row, which both SQLite and
PostgreSQL run atomically, so two writers adding to one row never lose an update. `rebuild`
recomputes every row in SQL; `differences` compares them with the rules' own count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from ptdv.core.compare import mismatches
from ptdv.orgs.models import Org
from ptdv.pipeline.models import Case, Outcome, Stage, StageCount, funnel_facts
from ptdv.pipeline.rules import funnel as rules
from ptdv.pipeline.rules.funnel import CaseFacts, Key

# One level of the tree paths the cases carry (treebeard's, D48).
STEP = Org.steplen
# How many levels from the top keep counts, unless PTDV_FUNNEL_LEVELS says otherwise: the top
# unit and the provinces (D69). With the rows per month a province's funnel reads a few hundred
# rows instead of ranking its 21,000 open cases, and its forecast its own due days: at full
# scale its dashboard of today built in 46 ms before, 34 after, for 815,000 rows (109 MB beside
# the cases' 631 MB). A district's cases are a few thousand: read as fast as its rows would be.
DEFAULT_LEVELS = 2


def kept_levels() -> int:
    """Return how many levels from the top of the tree keep counts (PTDV_FUNNEL_LEVELS, default
    2; after a change run `ptdv pipeline recompute`, which rebuilds them)."""
    return int(getattr(settings, "PTDV_FUNNEL_LEVELS", DEFAULT_LEVELS))


def keeps(unit: Org) -> bool:
    """Return whether the unit stands at a kept level (its rows answer for its cases)."""
    return bool(unit.depth <= kept_levels())


def kept_rows(unit: Org, kinds: Iterable[str]) -> QuerySet[StageCount] | None:
    """Return the unit's kept rows of the kinds, or None when the unit stands below the kept
    levels (its cases are read instead)."""
    if not keeps(unit):
        return None
    return StageCount.objects.filter(path=unit.path, kind__in=list(kinds))


_UPSERT = (
    "INSERT INTO pipeline_stagecount (path, stage, kind, day, n) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (path, kind, stage, day) DO UPDATE SET n = pipeline_stagecount.n + excluded.n"
)


def apply(delta: Counter[Key]) -> None:
    """Add the delta to the rows (creating them) and drop the rows left at zero."""
    if not delta:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_UPSERT, [(*key, n) for key, n in delta.items()])
        StageCount.objects.filter(n=0, path__in={key[0] for key in delta}).delete()


def _counted(cases: Iterable[tuple[CaseFacts | None, int]]) -> Counter[Key]:
    levels = kept_levels()
    total: Counter[Key] = Counter()
    for case, n in cases:
        total.update(rules.contributions(case, STEP, levels, n))
    return total


def saved(before: CaseFacts | None, after: CaseFacts | None) -> None:
    """A case was saved (or deleted: `after` None): add what its count changed."""
    if before != after:
        apply(rules.difference(_counted([(before, 1)]), _counted([(after, 1)])))


def _grouped(condition: Q) -> list[tuple[CaseFacts, int]]:
    """Return the cases matching the condition that count for something (open, decided or
    refused), alike ones counted together."""
    counting = (
        Q(outcome=Outcome.OPEN)
        | Q(decision_on__isnull=False)
        | Q(outcome=Outcome.REFUSED, closed_on__isnull=False)
    )
    held = ExpressionWrapper(Q(ceremony_on__isnull=False), output_field=BooleanField())
    rows = (
        Case.objects.filter(condition)
        .filter(counting)
        .annotate(held=held)
        .values_list(
            "cell_path",
            "stage",
            "stage_since",
            "next_due_on",
            "outcome",
            "decision_on",
            "held",
            "closed_on",
        )  # fmt: skip
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        (funnel_facts(path, stage, since, due, outcome, decided, bool(held), closed), n)
        for path, stage, since, due, outcome, decided, held, closed, n in rows
    ]


def moved(old: str, new: str, under_old: Q) -> None:
    """Before the cases under the branch at `old` take the path `new` (pipeline.paths.moved):
    move their counts from the units above the old place to those above the new."""
    cases = _grouped(under_old)
    after = [(rules.moved(case, old, new), n) for case, n in cases]
    apply(rules.difference(_counted(cases), _counted(after)))


def deleted(sender: Any, instance: Case, **_kwargs: Any) -> None:
    """post_delete's receiver: a deleted case counts no more."""
    before = getattr(instance, "_counted", None)
    saved(before if isinstance(before, CaseFacts) else instance.counted_as(), None)


def computed() -> dict[Key, int]:
    """Return every row as the rules count the cases now."""
    return +_counted(_grouped(Q()))


def stored() -> dict[Key, int]:
    rows = StageCount.objects.values_list("path", "stage", "kind", "day", "n")
    return {(path, stage, kind, day): n for path, stage, kind, day, n in rows}


# How `differences` names the rows of the decided and refused cases (D55).
_HISTORY_WORDS = {rules.DECIDED: "có quyết định kết nạp ngày",
                  rules.REFUSED: "bị cấp có thẩm quyền không kết nạp ngày"}  # fmt: skip
_STATE_LABELS = {
    rules.ADMITTED_STATE: "đã tổ chức lễ kết nạp",
    rules.CLOSED_STATE: "đã kết thúc, không tổ chức lễ kết nạp",
    rules.WAITING_STATE: "đang chờ lễ kết nạp",
    rules.REFUSED_STATE: "không kết nạp",
}


def differences(limit: int = 20) -> list[str]:
    """Return up to `limit` rows where the kept counts differ from a recomputation."""

    def describe(key: Key, kept: int | None, recomputed: int | None) -> str:
        path, stage, kind, day = key
        if kind in _HISTORY_WORDS:
            when, state = _HISTORY_WORDS[kind], _STATE_LABELS.get(stage, stage)
            return (f"đơn vị {path}, hồ sơ {when} {day:%d/%m/%Y} ({state}): "
                    f"lưu {kept}, tính lại {recomputed}")  # fmt: skip
        label = Stage(stage).label if stage in Stage.values else stage
        if kind in (rules.ENTERED_MONTH, rules.DUE_MONTH):
            when = "vào giai đoạn" if kind == rules.ENTERED_MONTH else "đến hạn"
            when = f"{when} trong tháng {day:%m/%Y}"
        else:
            when = "vào giai đoạn ngày" if kind == rules.ENTERED else "đến hạn ngày"
            when = f"{when} {day:%d/%m/%Y}"
        return (f"đơn vị {path}, giai đoạn “{label}”, hồ sơ {when}: "
                f"lưu {kept}, tính lại {recomputed}")  # fmt: skip

    return mismatches(computed(), stored(), describe, limit=limit)


def history_selects(length: int) -> list[str]:
    """Return the SQL that counts the decided and the refused cases (D55) of the units whose
    paths are `length` long, as `funnel.contributions` does."""
    unit = f"SUBSTR(cell_path, 1, {length})"
    state = (
        f"CASE WHEN ceremony_on IS NOT NULL THEN '{rules.ADMITTED_STATE}' "
        f"WHEN outcome <> '' THEN '{rules.CLOSED_STATE}' ELSE '{rules.WAITING_STATE}' END"
    )
    return [
        f"SELECT {unit}, {state}, '{rules.DECIDED}', decision_on, COUNT(*) FROM pipeline_case "
        f"WHERE decision_on IS NOT NULL AND LENGTH(cell_path) >= {length} "
        f"GROUP BY {unit}, {state}, decision_on",
        f"SELECT {unit}, '{rules.REFUSED_STATE}', '{rules.REFUSED}', closed_on, COUNT(*) "
        f"FROM pipeline_case WHERE outcome = '{Outcome.REFUSED.value}' AND closed_on IS NOT NULL "
        f"AND LENGTH(cell_path) >= {length} GROUP BY {unit}, closed_on",
    ]


def month_sql(column: str, vendor: str) -> str:
    """Return the SQL of the first day of a date column's month, on this database."""
    if vendor == "postgresql":
        return f"CAST(DATE_TRUNC('month', {column}) AS DATE)"
    return f"DATE({column}, 'start of month')"


def rebuild() -> int:
    """Replace every row by a recomputation in SQL (one statement per kept level and kind);
    return how many rows."""
    selects = []
    entered_month = month_sql("stage_since", connection.vendor)
    due_month = month_sql("next_due_on", connection.vendor)
    for level in range(1, kept_levels() + 1):
        length = level * STEP
        for kind, column, known in (
            (rules.ENTERED, "stage_since", "stage_since"),
            (rules.DUE, "next_due_on", "next_due_on"),
            (rules.ENTERED_MONTH, entered_month, "stage_since"),
            (rules.DUE_MONTH, due_month, "next_due_on"),
        ):
            selects.append(
                f"SELECT SUBSTR(cell_path, 1, {length}), stage, '{kind}', {column}, COUNT(*) "
                f"FROM pipeline_case WHERE outcome = '' AND LENGTH(cell_path) >= {length} "
                f"AND {known} IS NOT NULL GROUP BY SUBSTR(cell_path, 1, {length}), stage, "
                f"{column}"
            )
        selects.extend(history_selects(length))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM pipeline_stagecount")
        for select in selects:
            cursor.execute(f"INSERT INTO pipeline_stagecount (path, stage, kind, day, n) {select}")
    return StageCount.objects.count()


__all__ = [
    "DEFAULT_LEVELS",
    "apply",
    "computed",
    "deleted",
    "differences",
    "history_selects",
    "keeps",
    "kept_levels",
    "kept_rows",
    "month_sql",
    "moved",
    "rebuild",
    "saved",
]
