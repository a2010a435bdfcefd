"""`ptdv check_spans`: report units whose dated-tree spans overlap, leave holes, or disagree
with the live tree (decision D28). Exits with an error when anything is found."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ptdv.orgs.services import check_spans


class Command(BaseCommand):
    help = (
        "Kiểm tra các giai đoạn của cây tổ chức (chồng lấn, khoảng trống, lệch với cây hiện tại)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = check_spans()
        for problem in problems:
            self.stdout.write(f"{problem.code}: {problem.message}")
        if problems:
            raise CommandError(
                _("Có %(n)s sai lệch trong các giai đoạn tổ chức.") % {"n": len(problems)}
            )
        self.stdout.write(_("Các giai đoạn tổ chức khớp với cây tổ chức."))
