"""`ptdv remind [--dry-run] [--user USERNAME] [--today YYYY-MM-DD]`: e-mail each user their
digest of overdue, due and at-risk items (D42), through Django's mail settings, and print
what was sent and who was skipped. For cron, e.g. every working morning:

    30 6 * * 1-5  cd /srv/ptdv && .venv/bin/ptdv remind
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.access.models import User
from ptdv.alerts.rules import Urgency
from ptdv.alerts.selectors import Digest
from ptdv.alerts.services import send_reminders
from ptdv.core.commands import iso_day


def _counts(digest: Digest) -> str:
    c = digest.counts
    return _("%(o)s quá hạn, %(d)s đến hạn, %(r)s cần chú ý") % {
        "o": c[Urgency.OVERDUE],
        "d": c[Urgency.DUE],
        "r": c[Urgency.AT_RISK],
    }


class Command(BaseCommand):
    help = "Gửi thư nhắc việc: mỗi người dùng một thư về việc quá hạn, đến hạn, cần chú ý."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ liệt kê, không gửi thư, không ghi lại."
        )
        parser.add_argument("--user", metavar="USERNAME", help="Chỉ gửi cho một người dùng.")
        parser.add_argument(
            "--today", metavar="YYYY-MM-DD", help="Tính hạn đến ngày này (mặc định: hôm nay)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            today = iso_day(options["today"])
        users = User.objects.filter(is_active=True).order_by("username")
        if options["user"]:
            users = users.filter(username=options["user"])
            if not users.exists():
                raise CommandError(
                    _("Không có người dùng đang hoạt động tên “%(u)s”.") % {"u": options["user"]}
                )
        result = send_reminders(
            users=users, today=today, now=timezone.now(), dry_run=options["dry_run"]
        )
        out = self.stdout.write
        verb = _("Sẽ gửi") if result.dry_run else _("Đã gửi")
        for user, digest in result.sent:
            out(f"{verb}: {user.username} <{user.email}> — {_counts(digest)}")
        for user, digest in result.no_email:
            out(_("Bỏ qua (chưa có địa chỉ thư): %(u)s — %(c)s") % {
                "u": user.username, "c": _counts(digest)
            })  # fmt: skip
        for user, error in result.failed:
            self.stderr.write(_("Không gửi được: %(u)s — %(e)s") % {"u": user.username, "e": error})
        out(
            _(
                "Ngày %(d)s: %(verb)s %(s)s thư; %(n)s người không có địa chỉ thư; "
                "%(z)s người không có việc; %(f)s thư lỗi."
            )
            % {
                "d": f"{today:%d/%m/%Y}",
                "verb": verb.lower(),
                "s": len(result.sent),
                "n": len(result.no_email),
                "z": len(result.nothing_due),
                "f": len(result.failed),
            }
        )
        if result.failed:
            raise CommandError(_("Có %(f)s thư không gửi được.") % {"f": len(result.failed)})
