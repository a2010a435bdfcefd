"""`ptdv createadmin`: create the deployment's administrator account (superuser + staff)."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from ptdv.access.models import User


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị hệ thống (toàn quyền, vào được trang quản trị)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="Tên đăng nhập.")
        parser.add_argument(
            "--password",
            help="Mật khẩu; bỏ trống để nhập ẩn từ bàn phím (không lưu vào lịch sử lệnh).",
        )
        parser.add_argument("--full-name", default="", help="Họ và tên người quản trị.")
        parser.add_argument("--email", default="", help="Thư điện tử.")

    def handle(
        self,
        *args: Any,
        username: str,
        password: str | None,
        full_name: str,
        email: str,
        **options: Any,
    ) -> None:
        username = username.strip()
        if not username:
            raise CommandError(_("Tên đăng nhập không được để trống."))
        # Case-insensitive: "QuanTri" next to "quantri" would only confuse people.
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(
                _("Tên đăng nhập “%(u)s” đã có; hãy chọn tên khác.") % {"u": username}
            )
        if password is None:
            password = self._prompt_password()
        user = User(username=username, full_name=full_name.strip(), email=email.strip())
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(
                _("Mật khẩu chưa đạt yêu cầu: %(m)s") % {"m": " ".join(exc.messages)}
            ) from exc
        with transaction.atomic():
            User.objects.create_superuser(
                username=username,
                email=email.strip(),
                password=password,
                full_name=full_name.strip(),
            )
        self.stdout.write(_("Đã tạo tài khoản quản trị “%(u)s”.") % {"u": username})

    def _prompt_password(self) -> str:
        try:
            first = getpass.getpass(_("Mật khẩu: "))
            second = getpass.getpass(_("Nhập lại mật khẩu: "))
        except (EOFError, KeyboardInterrupt) as exc:
            raise CommandError(_("Chưa nhập mật khẩu.")) from exc
        if first != second:
            raise CommandError(_("Hai lần nhập mật khẩu không khớp."))
        return first
