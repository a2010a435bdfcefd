"""The dashboard of a unit on a day (issue 8 item 2): its members, organisations, the year's
admissions and who they are, the pipeline, the ageing of the membership, the cells that admit
nobody, what is overdue, and a row per unit under it to drill down.

Members and ages are read from the monthly aggregates (D39) on a month's last day and today —
a few hundred rows whatever the unit's size; on any other past day from the periods directly.
The pipeline (funnel, days in stage, overdue) is today's: a case's stage on a past day is not
kept, so a past day shows the admissions and sources but not the funnel (said on the page).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q

from ptdv.core import memo
from ptdv.core.numbers import rounding_mode
from ptdv.core.text import prefix_upper_bound
from ptdv.members import aggregates, asof, idle
from ptdv.members.models import Transfer
from ptdv.members.rules.dates import years_before
from ptdv.members.rules.stats import month_end, month_of
from ptdv.orgs.models import CELL_KINDS, SPAN_STEP, Org
from ptdv.orgs.selectors import span_on
from ptdv.pipeline import paths
from ptdv.pipeline import selectors as pipeline_selectors
from ptdv.pipeline.models import PoolEntry, Source, Stage
from ptdv.pipeline.rules.funnel import StageFigures
from ptdv.reports import admissions, charts, rules, tables
from ptdv.targets import selectors as target_selectors

# How many years without an admission put a cell on the list (the page lets the user choose).
IDLE_YEARS_DEFAULT = idle.IDLE_YEARS_DEFAULT
# How far back the conversion by source looks (pool entries listed in these years).
SOURCE_YEARS = 5
# The funnel's stages, in path order: the open cases' stages up to the ceremony.
FUNNEL_STAGES = [s for s in Stage if s not in (Stage.OFFICIAL, Stage.EXITED)]
# The composition of the year's new members (DOMAIN §6.2): column key -> label.
COMPOSITION = (
    ("women", "Nữ"),
    ("age:18–30", "Tuổi 18–30"),
    ("minority", "Dân tộc thiểu số"),
    ("religious", "Có đạo"),
    ("youth_union", "Đoàn viên thanh niên"),
    ("trade_union", "Đoàn viên công đoàn"),
)


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    share: Decimal | None


@dataclass(frozen=True)
class ChildRow:
    """One unit directly under the chosen one, as it stood on the day."""

    org_id: int
    name: str
    kind: str
    total: int
    official: int
    probationary: int
    admitted: int
    ageing: rules.Ageing


@dataclass(frozen=True)
class StageRow:
    stage: str
    label: str
    count: int
    median_days: Decimal | None
    overdue: int


@dataclass(frozen=True)
class SourceRow:
    source: str
    label: str
    listed: int
    cases: int
    admitted: int
    conversion: Decimal | None


@dataclass
class Dashboard:
    unit: Org
    name: str
    day: date
    today: date
    exists: bool = True
    from_aggregates: bool = False
    members: dict[str, int] = field(default_factory=dict)
    units: asof.UnitCounts = field(default_factory=asof.UnitCounts)
    year_start: date | None = None
    admitted: int = 0
    composition: list[Share] = field(default_factory=list)
    lists: dict[str, list[Share]] = field(default_factory=dict)
    ageing: rules.Ageing = rules.Ageing(0, None, 0, None)
    children: list[ChildRow] = field(default_factory=list)
    funnel: list[StageRow] | None = None
    pool: int = 0
    sources: list[SourceRow] = field(default_factory=list)
    idle_years: int = IDLE_YEARS_DEFAULT
    idle_cells: idle.IdleCells = field(default_factory=idle.IdleCells)
    overdue_cases: int | None = None
    overdue_transfers: int | None = None
    target: target_selectors.TargetProgress | None = None

    @property
    def is_today(self) -> bool:
        return self.day == self.today


def _mode() -> str:
    return rounding_mode()


def build(unit: Org, *, day: date, today: date, idle_years: int = IDLE_YEARS_DEFAULT) -> Dashboard:
    """Return the unit's dashboard on the day (never after today: callers check). The units
    changed since the day, and the other questions its parts share, are read once (a read-only
    build: `memo.reading`)."""
    with memo.reading():
        return _build(unit, day=day, today=today, idle_years=idle_years)


def _build(unit: Org, *, day: date, today: date, idle_years: int) -> Dashboard:
    board = Dashboard(unit, unit.name, day, today, idle_years=idle_years)
    root = span_on(unit, day)
    if root is None:
        board.exists = False
        return board
    board.name = root.name
    if root.kind in CELL_KINDS:
        # No unit stands under a cell (orgs.models.ALLOWED_PARENT_KINDS): none to list or count.
        children: list[tuple[int, str, int, str, str]] = []
        board.units = asof.units_by_kind({root.kind: 1})
    else:
        children = sorted(
            # By the parent's id too: its index, not a range of every span under the unit.
            asof.units_on(root.path, day)
            .filter(depth=root.depth + 1, parent_id=unit.pk)
            .values_list("org_id", "path", "depth", "name", "kind"),
            key=lambda s: (s[3].lower(), s[0]),
        )
        board.units = asof.unit_counts(root.path, day, today=today)
    spans = {unit.pk: (root.path, root.kind), **{c[0]: (c[1], c[4]) for c in children}}
    stock, ageing = _stock(root.path, spans, day, today)
    no_one = rules.ageing({}, mode=_mode())
    board.from_aggregates = aggregates.answers(day, today)
    board.members = _members(stock.get(unit.pk, {}))
    board.ageing = ageing.get(unit.pk, no_one)

    board.year_start = date(day.year, 1, 1)
    total, by_child = admissions.admission_counts(
        unit,
        board.year_start,
        day,
        {path: org_id for org_id, path, *_r in children},
        today=today,
        child_totals=True,
        path=root.path,
    )
    board.admitted = total["total"]
    board.target = target_selectors.progress(
        unit, year=day.year, today=day, achieved=board.admitted
    )
    board.composition = [
        Share(label, total[key], rules.percent(total[key], total["total"], mode=_mode()))
        for key, label in COMPOSITION
    ]
    board.lists = _lists(total)
    for org_id, _path, _depth, name, kind in children:
        kept = stock.get(org_id, {})
        members = _members(kept)
        board.children.append(
            ChildRow(
                org_id,
                name,
                kind,
                members["total"],
                members["official"],
                members["probationary"],
                by_child.get(org_id, Counter())["total"],
                ageing.get(org_id, no_one),
            )  # fmt: skip
        )
    board.idle_cells = idle.idle_cells(root.path, day, idle_years, today=today, root_kind=root.kind)
    board.sources = _sources(unit, day)
    if day == today:
        board.funnel, board.pool = _funnel(unit, today)
        board.overdue_cases = sum(row.overdue for row in board.funnel)
        board.overdue_transfers = _overdue_transfers(unit, today)
    return board


# --- members and ages -------------------------------------------------------------------------


def _members(stock: aggregates.Stock) -> dict[str, int]:
    counts = stock.get("", {}).get("", {})
    return {m: counts.get(m, 0) for m in ("total", "official", "probationary", "exempted", "away")}


def _stock(
    root_path: str, spans: dict[int, tuple[str, str]], day: date, today: date
) -> tuple[dict[int, aggregates.Stock], dict[int, rules.Ageing]]:
    """Return the members of each unit (`spans`: the unit and its children, each with its span
    path and kind on the day), and their ageing at the end of the day's month: from the
    aggregates when they hold the day (the ages summed in the database), else counted from
    the periods (placed by their cells' paths, one query each)."""
    unit_ids = list(spans)
    if aggregates.answers(day, today):
        stock, sums = aggregates.totals_and_ages(unit_ids, day, spans=spans)
        ageing = {
            org_id: rules.ageing_of(found.count, found.years, found.aged_60, mode=_mode())
            for org_id, found in sums.items()
        }
        return stock, ageing
    paths = asof.paths_on(root_path, day)
    wanted = {paths[u]: u for u in unit_ids if u in paths}
    result: dict[int, aggregates.Stock] = {u: {} for u in unit_ids}
    ages: dict[int, Counter[int]] = {}
    rows = (
        asof.periods_on(root_path, day)
        .values("cell_id", "standing", "exempted", "temp_cell_id", "person__birth_date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        cell_path = paths.get(row["cell_id"], "")
        born = row["person__birth_date"]
        birth = f"{born.year:04d}-{born.month:02d}"
        measures = ["total", row["standing"]]
        if row["exempted"]:
            measures.append("exempted")
        if row["temp_cell_id"] is not None:
            measures.append("away")
        for depth in range(SPAN_STEP, len(cell_path) + 1, SPAN_STEP):
            org_id = wanted.get(cell_path[:depth])
            if org_id is None:
                continue
            counts = result[org_id].setdefault("", {}).setdefault("", {})
            for measure in measures:
                counts[measure] = counts.get(measure, 0) + row["n"]
            ages.setdefault(org_id, Counter())[rules.age_on_month_end(birth, day)] += row["n"]
    return result, {org_id: rules.ageing(counts, mode=_mode()) for org_id, counts in ages.items()}


# The lists of the year's new members, by the person columns' group headings.
_LIST_HEADINGS = ("Giáo dục phổ thông", "Chuyên môn nghiệp vụ", "Nghề nghiệp, thành phần")


def _lists(total: Counter[str]) -> dict[str, list[Share]]:
    """Return the year's new members by education, qualification and occupation (the items
    with anyone, largest first)."""
    result: dict[str, list[Share]] = {}
    if not total["total"]:
        # Nobody admitted: every list is empty (the reference lists are not read).
        return {heading: [] for heading in _LIST_HEADINGS}
    columns = tables.person_columns()
    for heading in _LIST_HEADINGS:
        items = [
            Share(c.label, total[c.key], rules.percent(total[c.key], total["total"], mode=_mode()))
            for c in columns
            if c.group == heading and total[c.key]
        ]
        result[heading] = sorted(items, key=lambda s: -s.count)
    return result


# --- the pipeline -----------------------------------------------------------------------------


def _from_cells_under(unit: Org) -> Q:
    """Return the transfers that leave a cell under the unit."""
    return Q(from_cell__path__gte=unit.path, from_cell__path__lt=prefix_upper_bound(unit.path))


def _funnel(unit: Org, today: date) -> tuple[list[StageRow], int]:
    """Return today's open cases under the unit by stage (how many, the median of their days in
    the stage, how many overdue) and the outstanding people on the cells' lists."""
    found = pipeline_selectors.figures_today(unit, today)
    none = StageFigures(0, (), 0)
    stages = [
        StageRow(s.value, str(s.label), f.count, rules.median(f.middle), f.overdue)
        for s in FUNNEL_STAGES
        for f in [found.get(s, none)]
    ]
    pool = PoolEntry.objects.filter(paths.under(unit.path), status=PoolEntry.Status.ACTIVE).count()
    return stages, pool


def _sources(unit: Org, day: date) -> list[SourceRow]:
    """Return, per source, the people listed as outstanding in the last SOURCE_YEARS years up to
    the day, how many got a case, and how many were admitted by the day."""
    since = years_before(day, SOURCE_YEARS)
    rows = (
        PoolEntry.objects.filter(paths.under(unit.path), listed_on__gt=since, listed_on__lte=day)
        .values("source")
        .annotate(
            n_listed=Count("pk", distinct=True),
            n_cases=Count("cases", filter=Q(cases__opened_on__lte=day), distinct=True),
            n_admitted=Count("cases", filter=Q(cases__ceremony_on__lte=day), distinct=True),
        )
        .order_by()
    )
    found = {row["source"]: row for row in rows}
    result = []
    for source in Source:
        row = found.get(source.value)
        if row is None:
            continue
        result.append(
            SourceRow(source.value, str(source.label), row["n_listed"], row["n_cases"],
                      row["n_admitted"],
                      rules.percent(row["n_admitted"], row["n_listed"], mode=_mode()))
        )  # fmt: skip
    return sorted(result, key=lambda r: -r.listed)


def _overdue_transfers(unit: Org, today: date) -> int:
    started = Q(state=Transfer.State.STARTED, letter_due_on__lt=today)
    sent = Q(state=Transfer.State.SENT, present_due_on__lt=today)
    return Transfer.objects.filter(_from_cells_under(unit)).filter(started | sent).count()


def month_ends(today: date, count: int = 12) -> list[date]:
    """Return the last days of the `count` months before today's (the date picker's quick
    choices: days the aggregates answer)."""
    result, month = [], month_of(today)
    for _ in range(count):
        month = month_of(month - timedelta(days=1))
        result.append(month_end(month))
    return result


def charts_of(board: Dashboard) -> dict[str, charts.Chart]:
    """Return the dashboard's charts (server-rendered SVG, each with its data table)."""
    year = board.day.year
    result = {
        "progress": charts.progress(
            f"Kết nạp năm {year} so với chỉ tiêu",
            board.admitted,
            board.target.target if board.target else None,
            board.target.forecast if board.target else None,
        ),
        "composition": charts.bars(
            f"Thành phần đảng viên kết nạp năm {year} (%)",
            [(s.label, s.share) for s in board.composition if s.share is not None],
            unit="%",
            label_heading="Thành phần",
        ),
    }
    if board.children:
        result["members"] = charts.stacked(
            f"Đảng viên của các đơn vị trực thuộc ngày {board.day:%d/%m/%Y}",
            [(c.name, [c.official, c.probationary]) for c in board.children],
            ["Chính thức", "Dự bị"],
        )
        result["admitted"] = charts.bars(
            f"Kết nạp năm {year} theo đơn vị trực thuộc",
            [(c.name, c.admitted) for c in board.children],
        )
        result["ageing"] = charts.bars(
            "Tỷ lệ đảng viên từ 60 tuổi trở lên theo đơn vị (%)",
            [(c.name, c.ageing.share_60) for c in board.children if c.ageing.share_60 is not None],
            unit="%",
        )
    if board.funnel is not None:
        result["stages"] = charts.bars(
            "Hồ sơ đang xử lý ở từng bước",
            [(row.label, row.count) for row in board.funnel],
            label_heading="Bước",
        )
    if board.sources:
        result["funnel"] = charts.funnel(
            f"Từ nguồn đến kết nạp (quần chúng ưu tú đưa vào danh sách trong {SOURCE_YEARS} năm)",
            [
                ("Đưa vào danh sách", sum(r.listed for r in board.sources)),
                ("Đã lập hồ sơ", sum(r.cases for r in board.sources)),
                ("Đã kết nạp", sum(r.admitted for r in board.sources)),
            ],
        )
    return result


__all__ = ["Dashboard", "build", "charts_of", "month_ends"]
