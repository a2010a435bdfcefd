"""`ptdv members rebuild`: recompute every membership's derived state from its events.

A membership's status, cell, exemption, temporary place and its periods on the rolls are caches
of its events (decision D29); this command recomputes them with the services' own replay and
reports how many differed. Running it twice changes nothing the second time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.members.services import rebuild_all


class Command(BaseCommand):
    help = "Công việc bảo trì sổ đảng viên (rebuild: tính lại từ các sự kiện)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="task", metavar="TASK")
        sub.add_parser(
            "rebuild",
            help="Tính lại tình trạng và các giai đoạn sinh hoạt của mọi đảng viên từ các sự kiện.",
        )

    def handle(self, *args: Any, task: str | None = None, **options: Any) -> None:
        if task != "rebuild":
            raise CommandError(_("Hãy chọn một công việc: rebuild."))
        total, changed = rebuild_all(today=timezone.localdate())
        self.stdout.write(
            _("Đã tính lại %(n)s đảng viên; %(c)s đảng viên có thay đổi.")
            % {"n": total, "c": changed}
        )
