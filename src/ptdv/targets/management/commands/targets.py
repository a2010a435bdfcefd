"""`ptdv targets progress UNIT_CODE PERIOD [--json]`: a unit's targets of a year (2025) or a
term (2020-2025) with progress, forecast and risk, and its children's split (targets.selectors,
the same figures as the page and the API)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.core.commands import iso_day
from ptdv.orgs.models import Org
from ptdv.targets.rules import parse_period
from ptdv.targets.selectors import progress_report


class Command(BaseCommand):
    help = "Chỉ tiêu phát triển đảng viên: tiến độ, dự báo và cảnh báo của một tổ chức đảng."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="task", metavar="TASK")
        progress = sub.add_parser("progress", help="Tiến độ thực hiện chỉ tiêu của một kỳ.")
        progress.add_argument("unit_code", metavar="UNIT_CODE", help="Mã tổ chức đảng.")
        progress.add_argument(
            "period", metavar="PERIOD", help="Năm (2025) hoặc nhiệm kỳ (2020-2025)."
        )
        progress.add_argument("--date", dest="day", metavar="YYYY-MM-DD",
                              help="Ngày xem số liệu (mặc định: hôm nay).")  # fmt: skip
        progress.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, task: str | None = None, **options: Any) -> None:
        if task != "progress":
            raise CommandError(_("Hãy chọn một công việc: progress."))
        unit = Org.objects.filter(code=options["unit_code"]).first()
        if unit is None:
            raise CommandError(_("Không có tổ chức đảng mã “%(c)s”.") % {"c": options["unit_code"]})
        try:
            start, end = parse_period(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        today = iso_day(options["day"]) if options.get("day") else timezone.localdate()
        report = progress_report(unit, start, end, today=today)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{unit.name} — {_('chỉ tiêu')} {report['period']['label']}:")
        if not report["targets"]:
            self.stdout.write(_("Chưa đặt chỉ tiêu nào."))
        for item in report["targets"]:
            line = f"- {item['label']}: {item['achieved']} / {item['target']}"
            if "forecast" in item:
                line += f", {_('dự báo')} {item['forecast']['total']}"
            if item["reasons"]:
                line += " — " + "; ".join(item["reasons"])
            self.stdout.write(line)
