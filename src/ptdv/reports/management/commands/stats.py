"""`ptdv stats asof UNIT_CODE YYYY-MM-DD [--from YYYY-MM-DD] --json`: a unit's figures on a day;
`ptdv stats table KIND UNIT_CODE --from YYYY-MM-DD --to YYYY-MM-DD [--json | --xlsx FILE]`: one
of the standard statistical tables (reports.tables), as text, JSON or an Excel file.

For scripts and operators: members (total, official, probationary, exempted, on temporary
transfer), organisations (đảng bộ cơ sở, chi bộ cơ sở, chi bộ trực thuộc), admissions and
recognitions in the period, and the same split by sex, age band, ethnic group, religion,
education, theory level and occupation — the figures the pages and the API show
(members.asof, one module for all of them).
"""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ptdv.core.commands import iso_day
from ptdv.members.asof import figures
from ptdv.members.services import stats
from ptdv.members.services.packs import FoldRefused
from ptdv.orgs.models import Org
from ptdv.reports import tables
from ptdv.reports.xlsx import workbook


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _seconds(started: float) -> str:
    """Return the seconds since `started`, one decimal, written the Vietnamese way (0,1)."""
    return number_format(time.perf_counter() - started, decimal_pos=1, force_grouping=True)


class Command(BaseCommand):
    help = "Số liệu thống kê đảng viên và tổ chức đảng (asof: số liệu tại một ngày)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="task", metavar="TASK")
        asof = sub.add_parser("asof", help="Số liệu của một tổ chức đảng tại một ngày.")
        asof.add_argument("unit_code", metavar="UNIT_CODE", help="Mã tổ chức đảng.")
        asof.add_argument("day", metavar="YYYY-MM-DD", help="Ngày lấy số liệu.")
        asof.add_argument(
            "--from", dest="since", metavar="YYYY-MM-DD",
            help="Đầu kỳ để đếm số kết nạp, công nhận chính thức (đến hết ngày lấy số liệu).",
        )  # fmt: skip
        asof.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        table = sub.add_parser("table", help="Một biểu thống kê của một tổ chức đảng.")
        table.add_argument("kind", metavar="KIND", choices=list(tables.KINDS),
                           help="Biểu: " + ", ".join(tables.KINDS) + ".")  # fmt: skip
        table.add_argument("unit_code", metavar="UNIT_CODE", help="Mã tổ chức đảng.")
        table.add_argument("--from", dest="since", metavar="YYYY-MM-DD",
                           help="Đầu kỳ (mặc định: đầu năm của ngày cuối kỳ).")  # fmt: skip
        table.add_argument("--to", dest="day", metavar="YYYY-MM-DD", required=True,
                           help="Cuối kỳ, cũng là ngày lấy số liệu.")  # fmt: skip
        out = table.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        out.add_argument("--xlsx", metavar="FILE", help="Ghi biểu ra tệp Excel.")
        rebuild = sub.add_parser(
            "rebuild", help="Tính lại số liệu tổng hợp theo tháng từ các giai đoạn sinh hoạt."
        )
        rebuild.add_argument(
            "--check", action="store_true",
            help="Chỉ so sánh số liệu đang lưu với số tính lại, không ghi; lỗi nếu khác.",
        )  # fmt: skip
        fold = sub.add_parser(
            "fold",
            help="Cộng dồn số liệu tổng hợp đến hết một tháng, để đọc số liệu các ngày sau "
            "đó nhanh hơn (nên chạy hằng tháng).",
        )
        fold.add_argument(
            "--through", metavar="YYYY-MM",
            help="Tháng cuối cùng được cộng dồn (mặc định: tháng trước tháng hiện tại).",
        )  # fmt: skip

    def handle(self, *args: Any, task: str | None = None, **options: Any) -> None:
        if task == "rebuild":
            self._rebuild(check=options["check"])
            return
        if task == "fold":
            self._fold(options.get("through"))
            return
        if task not in ("asof", "table"):
            raise CommandError(_("Hãy chọn một công việc: asof, table, rebuild hoặc fold."))
        unit = Org.objects.filter(code=options["unit_code"]).first()
        if unit is None:
            raise CommandError(_("Không có tổ chức đảng mã “%(c)s”.") % {"c": options["unit_code"]})
        day = iso_day(options["day"])
        since = iso_day(options["since"]) if options.get("since") else None
        if since is not None and since > day:
            raise CommandError(_("Ngày đầu kỳ phải trước hoặc bằng ngày lấy số liệu."))
        if task == "table":
            self._table(options["kind"], unit, day, since, options)
            return
        result = figures(unit, day, since=since)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        if not result.exists:
            self.stdout.write(
                _("%(unit)s chưa có hoặc không còn vào ngày %(day)s.")
                % {"unit": unit.name, "day": f"{day:%d/%m/%Y}"}
            )
            return
        self.stdout.write(
            _(
                "%(unit)s, ngày %(day)s: %(total)s đảng viên (%(official)s chính thức, "
                "%(prob)s dự bị, %(exempt)s miễn sinh hoạt); %(gr)s tổ chức cơ sở đảng "
                "(%(grc)s chi bộ cơ sở, %(grk)s đảng bộ cơ sở) với %(cells)s chi bộ trực thuộc."
            )
            % {
                "unit": result.unit_name,
                "day": f"{day:%d/%m/%Y}",
                "total": _n(result.total),
                "official": _n(result.official),
                "prob": _n(result.probationary),
                "exempt": _n(result.exempted),
                "gr": _n(result.units.grassroots_total),
                "grc": _n(result.units.grassroots_cells),
                "grk": _n(result.units.grassroots_committees),
                "cells": _n(result.units.cells),
            }
        )
        if since is not None:
            self.stdout.write(
                _("Từ %(since)s: kết nạp %(a)s, công nhận chính thức %(r)s.")
                % {
                    "since": f"{since:%d/%m/%Y}",
                    "a": _n(result.admitted),
                    "r": _n(result.recognised),
                }
            )

    def _table(
        self, kind: str, unit: Org, day: date, since: date | None, options: dict[str, Any]
    ) -> None:
        if kind != "members" and since is None:
            since = date(day.year, 1, 1)
        table = tables.build(kind, unit, day=day, since=since if kind != "members" else None)
        if not table.exists:
            raise CommandError(
                _("%(unit)s chưa có hoặc không còn vào ngày %(day)s.")
                % {"unit": unit.name, "day": f"{day:%d/%m/%Y}"}
            )
        if options["json"]:
            self.stdout.write(json.dumps(table.as_json(), ensure_ascii=False, indent=2))
            return
        if options.get("xlsx"):
            with open(options["xlsx"], "wb") as out:
                out.write(workbook(table))
            self.stdout.write(_("Đã ghi %(f)s.") % {"f": options["xlsx"]})
            return
        self.stdout.write(f"{table.title.upper()} — {table.unit_name}. {table.period_label}.")
        for row in [*table.rows, table.total]:
            cells = ", ".join(
                f"{c.group + ' — ' if c.group and c.group != 'Trong đó' else ''}{c.label}: "
                f"{_n(v) if isinstance(v, int) else number_format(v, decimal_pos=1)}"
                for c in table.columns
                if (v := row.values.get(c.key))
            )
            label = _("Tổng số") if row is table.total else row.name
            self.stdout.write(f"- {label}: {cells or '0'}")

    def _rebuild(self, *, check: bool) -> None:
        if check:
            problems = stats.differences()
            if problems:
                for line in problems:
                    self.stdout.write(line)
                raise CommandError(_("Số liệu tổng hợp khác số tính lại từ các sự kiện."))
            self.stdout.write(_("Số liệu tổng hợp khớp với số tính lại từ các sự kiện."))
            return
        started = time.perf_counter()
        rows = stats.rebuild()
        self.stdout.write(
            _("Đã tính lại %(n)s dòng số liệu tổng hợp trong %(s)s giây.")
            % {"n": _n(rows), "s": _seconds(started)}
        )

    def _fold(self, through: str | None) -> None:
        today = timezone.localdate()
        if through is None:
            month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        else:
            try:
                year, number = (int(part) for part in through.split("-"))
                month = date(year, number, 1)
            except ValueError:
                raise CommandError(
                    _("Tháng “%(m)s” không hợp lệ: hãy viết dạng YYYY-MM, ví dụ 2026-10.")
                    % {"m": through}
                ) from None
            if month > today.replace(day=1):
                raise CommandError(_("Không thể cộng dồn đến một tháng sau tháng hiện tại."))
        started = time.perf_counter()
        try:
            rows = stats.fold(month)
        except FoldRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            _("Đã cộng dồn số liệu tổng hợp đến hết tháng %(m)s: %(n)s dòng, %(s)s giây.")
            % {"m": f"{month:%m/%Y}", "n": _n(rows), "s": _seconds(started)}
        )
