"""The standard statistical tables (DOMAIN §6.2; issue 8 item 3): one row per child unit as it
stood on the last day, a total row for the unit itself, columns by characteristic.

Three kinds:
- `members`: members on the day, by standing and by the person's characteristics (the age in
  full years at the end of the day's month, as on the dashboard: exact on a month's last day,
  and what the aggregates hold for today);
- `new-members`: members admitted in the period, by characteristics (age on the day of
  admission, and the average age);
- `organisations`: organisations by kind on the day, the members, and (for a period) how many
  grassroots organisations admitted anyone.

The total row counts what stood or happened under the unit (the dated tree, D28/D30) through
`members.asof`, the one module of as-of figures. The rows are the units directly under it on the
last day, as the reports are made after a reorganisation: an admission of the period goes to the
unit its cell stands under on the last day, so the rows add up to the total (a cell dissolved or
moved out since has its own row). Members on a month's last day or today are read from the
aggregates (D39), on any other day counted per child directly. The note says when rows and
total differ (a cell placed directly under the unit). Percentages are of the
row's total, rounded by `PTDV_REPORTS_ROUNDING`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from ptdv.core.numbers import rounding_mode
from ptdv.members import aggregates, asof
from ptdv.members.models import Standing
from ptdv.members.rules.stats import AGE_DIMENSIONS, DIMENSIONS, month_end, month_of
from ptdv.orgs.models import GRASSROOTS_KINDS, SPAN_STEP, Org
from ptdv.orgs.selectors import span_on
from ptdv.people.selectors import reference_lists
from ptdv.reports import admissions, counting, rules
from ptdv.targets import selectors as target_selectors

KINDS: dict[str, str] = {
    "members": "Đảng viên phân theo đặc điểm",
    "new-members": "Đảng viên mới kết nạp phân theo đặc điểm",
    "organisations": "Tổ chức đảng phân theo loại hình",
    "targets": "Kết nạp đảng viên so với chỉ tiêu",
}
UNKNOWN = "Chưa cập nhật"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str = ""  # the heading over a run of columns ("" stands alone)
    share: bool = True  # shown as a percentage of the row's total
    average: bool = False  # a decimal (the average age), never summed


@dataclass
class TableRow:
    org_id: int | None
    name: str
    values: dict[str, Any] = field(default_factory=dict)

    def share(self, key: str, of: str, mode: str) -> Decimal | None:
        return rules.percent(int(self.values.get(key) or 0), int(self.values.get(of) or 0),
                             mode=mode)  # fmt: skip


@dataclass
class Table:
    kind: str
    title: str
    unit_id: int
    unit_name: str
    since: date | None
    day: date
    columns: list[Column]
    rows: list[TableRow]
    total: TableRow
    share_of: str = "total"  # the column the percentages are of
    exists: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        if self.since is None:
            return f"Tính đến ngày {self.day:%d/%m/%Y}"
        return f"Từ ngày {self.since:%d/%m/%Y} đến ngày {self.day:%d/%m/%Y}"

    def groups(self) -> list[tuple[str, int]]:
        """Return the header's first line: (group heading, how many columns it spans)."""
        runs: list[tuple[str, int]] = []
        for column in self.columns:
            if runs and column.group and runs[-1][0] == column.group:
                runs[-1] = (column.group, runs[-1][1] + 1)
            else:
                runs.append((column.group, 1))
        return runs

    def heading(self) -> tuple[list[tuple[str, int, int]], list[Column]]:
        """Return the two heading lines of a page: the first as (label, colspan, rowspan) —
        a group over its columns, or a lone column spanning both lines — and the second as the
        columns under the groups."""
        first: list[tuple[str, int, int]] = []
        second: list[Column] = []
        start = 0
        for group, span in self.groups():
            if group:
                first.append((group, span, 1))
                second.extend(self.columns[start : start + span])
            else:
                first.append((self.columns[start].label, 1, 2))
            start += span
        return first, second

    def body(self) -> list[tuple[TableRow, list[Any]]]:
        """Return each unit row with its values in column order."""
        return [(r, [r.values.get(c.key) for c in self.columns]) for r in self.rows]

    def total_values(self) -> list[Any]:
        return [self.total.values.get(c.key) for c in self.columns]

    def share_values(self) -> list[Decimal | None]:
        shares = self.shares()
        return [shares.get(c.key) for c in self.columns]

    def shares(self, mode: str | None = None) -> dict[str, Decimal | None]:
        """Return the total row's percentages of its `share_of` column, by column."""
        mode = mode or rounding_mode()
        return {
            c.key: self.total.share(c.key, self.share_of, mode)
            for c in self.columns
            if c.share and not c.average and c.key != self.share_of
        }

    def as_json(self) -> dict[str, Any]:
        def plain(v: Any) -> Any:
            return str(v) if isinstance(v, Decimal) else v

        def row(r: TableRow) -> dict[str, Any]:
            values = {c.key: plain(r.values.get(c.key, 0)) for c in self.columns}
            return {"unit_id": r.org_id, "name": r.name, "values": values}

        return {
            "kind": self.kind,
            "title": self.title,
            "unit": {"id": self.unit_id, "name": self.unit_name},
            "from": self.since.isoformat() if self.since else None,
            "to": self.day.isoformat(),
            "exists": self.exists,
            "columns": [
                {"key": c.key, "label": c.label, "group": c.group, "average": c.average}
                for c in self.columns
            ],
            "rows": [row(r) for r in self.rows],
            "total": row(self.total),
            "shares": {k: plain(v) for k, v in self.shares().items()},
            "rounding": rounding_mode(),
            "notes": self.notes,
        }


# --- columns ----------------------------------------------------------------------------------


def person_columns() -> list[Column]:
    """Return the characteristic columns shared by the member tables (DOMAIN §6.2)."""
    columns = [
        Column("women", "Nữ", "Trong đó"),
        Column("minority", "Dân tộc thiểu số", "Trong đó"),
        Column("religious", "Có đạo", "Trong đó"),
        Column("youth_union", "Đoàn viên thanh niên", "Trong đó"),
        Column("trade_union", "Đoàn viên công đoàn", "Trong đó"),
    ]
    for low, high in asof.AGE_BANDS:
        label = asof.band_label(low, high)
        columns.append(Column(f"age:{label}", label, "Độ tuổi"))
    lists = reference_lists([model for _prefix, model, _heading in counting.LISTS])
    for (prefix, _model, heading), items in zip(counting.LISTS, lists, strict=True):
        for code, name in items:
            columns.append(Column(f"{prefix}:{code}", name, heading))
        columns.append(Column(f"{prefix}:", UNKNOWN, heading))
    return columns


# --- counting ---------------------------------------------------------------------------------


def member_counts(path: str, day: date) -> Counter[str]:
    """Return the members under the span path on the day by column key (the age band of the
    age at the end of the day's month): one grouped query."""
    band = asof.age_band_expression(month_end(month_of(day)))
    rows = (
        asof.periods_on(path, day)
        .values("standing", "exempted", *counting.PERSON_FIELDS, band=band)
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: Counter[str] = Counter()
    for row in rows:
        n = row["n"]
        counting.add_person(counts, row, n, row["band"])
        if row["standing"] == Standing.OFFICIAL:
            counts["official"] += n
        else:
            counts["probationary"] += n
        if row["exempted"]:
            counts["exempted"] += n
    return counts


def stock_counts(units: list[int], day: date) -> dict[int, Counter[str]]:
    """Return the members of each unit on a month's last day or today by column key, read from
    the monthly aggregates (D39): one grouped query for all the units, whatever their size.
    Equal to `member_counts` on such a day (a property test holds them together)."""
    result: dict[int, Counter[str]] = {}
    dims = tuple(d for d in DIMENSIONS if d not in AGE_DIMENSIONS)
    ages = aggregates.ages(units, day)
    for org_id, stock in aggregates.stocks(units, day, dims=dims).items():
        counts: Counter[str] = Counter()
        for measure in ("total", "official", "probationary", "exempted"):
            counts[measure] = stock.get("", {}).get("", {}).get(measure, 0)

        def of(dim: str, value: str, stock: aggregates.Stock = stock) -> int:
            return stock.get(dim, {}).get(value, {}).get("total", 0)

        counts["women"] = of("sex", "F")
        for dim, key in counting.FLAG_DIMS:
            counts[key] = of(dim, "1")
        for age, n in ages.get(org_id, {}).items():
            counts[f"age:{counting.age_band(age)}"] += n
        for prefix, dim in counting.LIST_DIMS.items():
            for value, measures in stock.get(dim, {}).items():
                counts[f"{prefix}:{value}"] += measures["total"]
        result[org_id] = counts
    return result


# --- the tables -------------------------------------------------------------------------------


def _children(root_path: str, depth: int, day: date, parent_id: int) -> list[tuple[Org, str]]:
    """Return the units directly under the root path (the span of `parent_id`) on the day, with
    their span paths, by name as they stood then."""
    spans = list(
        # By the parent's id too: its index, not a range of every span under the unit (SQLite
        # walked the nation's 360,000 spans for its 63 provinces: 100 ms at full scale).
        asof.units_on(root_path, day)
        .filter(depth=depth + 1, parent_id=parent_id)
        .values_list("org_id", "path", "name")
    )
    orgs = Org.objects.in_bulk([s[0] for s in spans])
    named = sorted(spans, key=lambda s: (s[2].lower(), s[0]))
    result = []
    for org_id, path, name in named:
        org = orgs[org_id]
        org.name = name  # the name it bore on the day
        result.append((org, path))
    return result


def build(
    kind: str, unit: Org, *, day: date, since: date | None = None, today: date | None = None
) -> Table:
    """Return the table of this kind for the unit on the day (period [since, day]); `today`,
    by default the clock's, says whether a day that is not a month's last is read from the
    aggregates."""
    today = today or timezone.localdate()
    if kind not in KINDS:
        raise ValueError(f"unknown table {kind!r}")
    root = span_on(unit, day)
    title = KINDS[kind]
    if kind == "targets":
        since = date(day.year, 1, 1)  # a year's target: the calendar year of the last day
    elif kind == "new-members" and since is None:
        since = date(day.year, 1, 1)
    empty = Table(kind, title, unit.pk, unit.name, since, day, [], [], TableRow(unit.pk, unit.name))
    if root is None:
        empty.exists = False
        return empty
    children = _children(root.path, root.depth, day, unit.pk)
    if kind == "members":
        table = _members_table(unit, root.name, root.path, children, day, today)
    elif kind == "new-members":
        assert since is not None
        table = _new_members_table(unit, root.name, children, since, day)
    elif kind == "targets":
        table = _targets_table(unit, root.name, day)
    else:
        table = _organisations_table(unit, root.name, root.path, children, since, day, today)
    table.title, table.since = title, since
    summed = Counter[str]()
    for r in table.rows:
        summed.update({k: v for k, v in r.values.items() if isinstance(v, int)})
    if kind != "targets" and table.rows and any(summed[c.key] != table.total.values.get(c.key, 0)
                          for c in table.columns if not c.average):  # fmt: skip
        table.notes.append(
            "Các dòng đơn vị cộng lại khác dòng tổng: có đơn vị chuyển đến hoặc đi trong kỳ, hoặc "
            "có chi bộ trực thuộc thẳng đơn vị này; dòng tổng chỉ tính phần diễn ra trong đơn vị."
        )
    return table


def _members_table(
    unit: Org, name: str, path: str, children: Iterable[tuple[Org, str]], day: date, today: date
) -> Table:
    columns = [
        Column("total", "Tổng số đảng viên", share=False),
        Column("official", "Chính thức", "Trong đó"),
        Column("probationary", "Dự bị", "Trong đó"),
        Column("exempted", "Miễn sinh hoạt", "Trong đó"),
        *person_columns(),
    ]
    keys = [c.key for c in columns]
    children = list(children)
    if aggregates.answers(day, today):
        # A month's end or today: every row from the aggregates, in one query (D39).
        kept = stock_counts([unit.pk, *(org.pk for org, _p in children)], day)
        rows = [
            TableRow(org.pk, org.name, _only(kept.get(org.pk, Counter()), keys))
            for org, _p in children
        ]
        total = TableRow(unit.pk, name, _only(kept.get(unit.pk, Counter()), keys))
    else:
        rows = [
            TableRow(org.pk, org.name, _only(member_counts(child_path, day), keys))
            for org, child_path in children
        ]
        total = TableRow(unit.pk, name, _only(member_counts(path, day), keys))
    table = Table("members", "", unit.pk, name, None, day, columns, rows, total)
    end = month_end(month_of(day))
    if day != end:
        table.notes.append(f"Độ tuổi tính theo tuổi tròn đến cuối tháng ({end:%d/%m/%Y}).")
    return table


def _new_members_table(
    unit: Org, name: str, children: list[tuple[Org, str]], since: date, day: date
) -> Table:
    columns = [
        Column("total", "Tổng số kết nạp", share=False),
        Column("average_age", "Tuổi bình quân", share=False, average=True),
        *person_columns(),
    ]
    keys = [c.key for c in columns]
    placed = {path: org.pk for org, path in children}
    total, by_child = admissions.admission_counts(unit, since, day, placed)

    def row(org_id: int | None, label: str, counts: Counter[str]) -> TableRow:
        values = _only(counts, keys)
        years = Decimal(counts["age_days"]) / Decimal("365.2425")
        values["average_age"] = rules.average(years, counts["total"])
        return TableRow(org_id, label, values)

    rows = [row(org.pk, org.name, by_child.get(org.pk, Counter())) for org, _path in children]
    if by_child.get(None):
        rows.append(row(None, "Chi bộ đã giải thể hoặc không còn thuộc đơn vị", by_child[None]))
    return Table("new-members", "", unit.pk, name, since, day, columns, rows,
                 row(unit.pk, name, total))  # fmt: skip


def _organisations_table(
    unit: Org,
    name: str,
    path: str,
    children: list[tuple[Org, str]],
    since: date | None,
    day: date,
    today: date,
) -> Table:
    columns = [
        Column("grassroots_total", "Tổng số tổ chức cơ sở đảng", share=False),
        Column("grassroots_committees", "Đảng bộ cơ sở", "Trong đó"),
        Column("grassroots_cells", "Chi bộ cơ sở", "Trong đó"),
        Column("sub_committees", "Đảng bộ bộ phận", share=False),
        Column("cells", "Chi bộ trực thuộc", share=False),
        Column("members", "Đảng viên", share=False),
    ]
    if since is not None:
        columns.append(Column("admitting", "Tổ chức cơ sở đảng có kết nạp trong kỳ"))
    admitting = _admitting_grassroots(unit, path, since, day) if since is not None else set()
    # The members of a month's end or of today from the aggregates (D39), in one query.
    kept: dict[int, aggregates.Stock] | None = None
    if aggregates.answers(day, today):
        ids = [unit.pk, *(org.pk for org, _p in children)]
        kept = aggregates.stocks(ids, day, dims=("",))

    # How many of them stand under each unit below (all of whose paths have one length), and
    # under the unit itself (its path is shorter: no unit below shares it).
    admitting_under = Counter(p[: len(path) + SPAN_STEP] for p in admitting)
    admitting_under[path] = len(admitting)

    def row(org_id: int, label: str, span_path: str) -> TableRow:
        units = asof.unit_counts(span_path, day, today=today)
        if kept is None:
            members = asof.periods_on(span_path, day).count()
        else:
            members = kept.get(org_id, {}).get("", {}).get("", {}).get("total", 0)
        values: dict[str, Any] = {
            "grassroots_total": units.grassroots_total,
            "grassroots_committees": units.grassroots_committees,
            "grassroots_cells": units.grassroots_cells,
            "sub_committees": units.sub_committees,
            "cells": units.cells,
            "members": members,
        }
        if since is not None:
            values["admitting"] = admitting_under[span_path]
        return TableRow(org_id, label, values)

    rows = [row(org.pk, org.name, child_path) for org, child_path in children]
    table = Table("organisations", "", unit.pk, name, since, day, columns, rows,
                  row(unit.pk, name, path))  # fmt: skip
    table.share_of = "grassroots_total"
    return table


def _targets_table(unit: Org, name: str, day: date) -> Table:
    """Admissions of the year to the day per unit below, against each one's target of the year
    ("new members", decision D40), with the completion: the table the committees' annual review
    reads."""
    columns = [
        Column("target", "Chỉ tiêu năm", share=False),
        Column("admitted", "Đã kết nạp", share=False),
        Column("percent", "Tỷ lệ hoàn thành (%)", share=False, average=True),
    ]
    split = target_selectors.children_split(unit, day.year, day.year, today=day)
    rows = []
    for child in split.rows if split else []:
        value = int(child.target.value) if child.target else None
        rows.append(TableRow(child.org_id, child.name,
                             {"target": value, "admitted": child.achieved,
                              "percent": child.percent}))  # fmt: skip
    own = target_selectors.progress(unit, year=day.year, today=day)
    admitted = asof.admissions(unit, date(day.year, 1, 1), day).count()
    target = own.target if own else None
    total = TableRow(unit.pk, name, {
        "target": target, "admitted": admitted,
        "percent": rules.percent(admitted, target, mode=rounding_mode()) if target else None,
    })  # fmt: skip
    table = Table("targets", "", unit.pk, name, None, day, columns, rows, total)
    if split and split.missing:
        table.notes.append("Chưa giao chỉ tiêu: " + ", ".join(split.missing) + ".")
    if split and split.difference:
        table.notes.append(
            f"Chỉ tiêu các đơn vị cộng lại {split.total} khác chỉ tiêu của {name} "
            f"({split.parent_value})."
        )
    return table


def _admitting_grassroots(unit: Org, path: str, since: date, day: date) -> set[str]:
    """Return the span paths (on the day) of the grassroots organisations under the unit that
    admitted anyone in the period, each admission placed under the grassroots organisation
    its cell stood in on the day: the paths of the cells that admitted (not every span under
    the unit), each matched to its grassroots ancestor."""
    admitting_cells = asof.admissions(unit, since, day).values("cell_id")
    cell_paths = set(
        asof.units_on(path, day).filter(org_id__in=admitting_cells).values_list("path", flat=True)
    )  # a cell no longer under the unit on the day has no span here
    grassroots = set(
        asof.units_on(path, day)
        .filter(kind__in=list(GRASSROOTS_KINDS))
        .values_list("path", flat=True)
    )
    found = set()
    for cell_path in cell_paths:
        # The grassroots organisation is one of the cell's span path prefixes.
        for end in range(SPAN_STEP, len(cell_path) + 1, SPAN_STEP):
            if cell_path[:end] in grassroots:
                found.add(cell_path[:end])
                break
    return found


def _only(counts: Counter[str], keys: list[str]) -> dict[str, Any]:
    return {k: counts.get(k, 0) for k in keys}


__all__ = ["KINDS", "Column", "Table", "TableRow", "build", "person_columns"]
