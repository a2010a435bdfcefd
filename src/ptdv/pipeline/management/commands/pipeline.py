"""`ptdv pipeline recompute`: rebuild every case's cached columns from its steps.

The stage, outcome, closing date, next due date and the member's dates on a case are caches of
its steps (decision D15); this command recomputes them with the services' own code, e.g. after
a change of the rules or of the working-day calendar outside the admin, and reports how many
cases changed. Run over every case, it also copies each case's and list entry's cell path from
the tree again where a write that bypassed the services left it wrong (D48), and says how many,
and recomputes the open cases' counts per unit and stage (D50) when they disagree with the cases.
Running it twice changes nothing the second time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.pipeline import paths, stagecounts
from ptdv.pipeline.models import Case
from ptdv.pipeline.services import recompute_cases


class Command(BaseCommand):
    help = "Công việc bảo trì hồ sơ phát triển đảng viên (recompute: tính lại dữ liệu tổng hợp)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="task", metavar="TASK")
        recompute = sub.add_parser(
            "recompute",
            help="Tính lại giai đoạn, kết quả, hạn kế tiếp và các mốc ngày của hồ sơ từ các bước.",
        )
        recompute.add_argument(
            "--case", type=int, action="append", dest="case_ids", metavar="ID",
            help="Chỉ tính lại hồ sơ có mã này (có thể lặp lại).",
        )  # fmt: skip

    def handle(self, *args: Any, task: str | None = None, **options: Any) -> None:
        if task != "recompute":
            raise CommandError(_("Hãy chọn một công việc: recompute."))
        cases = Case.objects.all()
        if options.get("case_ids"):
            cases = cases.filter(pk__in=options["case_ids"])
        total = cases.count()
        changed = recompute_cases(cases=cases, today=timezone.localdate())
        self.stdout.write(
            _("Đã tính lại %(n)s hồ sơ; %(c)s hồ sơ có thay đổi.") % {"n": total, "c": changed}
        )
        if not options.get("case_ids"):
            repaired = paths.refresh()
            if repaired:
                self.stdout.write(
                    _("Đã sửa vị trí chi bộ của %(n)s hồ sơ và quần chúng ưu tú theo cây tổ chức.")
                    % {"n": repaired}
                )
            if stagecounts.differences(limit=1):
                stagecounts.rebuild()
                self.stdout.write(
                    _("Đã tính lại số hồ sơ đang mở theo giai đoạn của các đơn vị cấp trên.")
                )
