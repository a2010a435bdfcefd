"""`ptdv grant USERNAME ROLE ORG_CODE`: give a user a role over an organisation's subtree.

It lives in orgs, not access, because it looks the unit up by its code and access sits below
orgs in the layering (docs/decisions.md D21).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.access.models import Role, RoleGrant, User
from ptdv.access.services import grant_role
from ptdv.orgs.models import Org


class Command(BaseCommand):
    help = "Cấp vai trò cho người dùng trên một tổ chức đảng và toàn bộ đơn vị trực thuộc."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Tên đăng nhập.")
        parser.add_argument(
            "role", help="Vai trò: " + ", ".join(f"{r.value} ({r.label})" for r in Role) + "."
        )
        parser.add_argument("org_code", help="Mã tổ chức đảng, ví dụ QT-DHA.")

    def handle(self, *args: Any, username: str, role: str, org_code: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Không có người dùng “%(u)s”.") % {"u": username})
        role = role.strip().lower()
        if role not in Role.values:
            raise CommandError(
                _("Vai trò “%(r)s” không hợp lệ; chọn một trong: %(all)s.")
                % {"r": role, "all": ", ".join(Role.values)}
            )
        org = Org.objects.filter(code=org_code.strip().upper()).first()
        if org is None:
            raise CommandError(_("Không có tổ chức đảng mã “%(c)s”.") % {"c": org_code})
        # A grant on a dissolved unit would grant nothing (the policy ignores it).
        if not org.is_active_on(timezone.localdate()):
            raise CommandError(
                _("Tổ chức “%(o)s” (%(c)s) đã giải thể; không cấp quyền.")
                % {"o": org.name, "c": org.code}
            )
        existed = RoleGrant.objects.filter(user=user, role=role, org=org).exists()
        grant_role(user=user, role=role, org=org, actor=None)
        params = {"u": username, "r": Role(role).label, "o": org.name, "c": org.code}
        if existed:
            self.stdout.write(_("“%(u)s” đã có vai trò %(r)s tại %(o)s; không đổi gì.") % params)
        else:
            self.stdout.write(_("Đã cấp vai trò %(r)s cho “%(u)s” tại %(o)s (%(c)s).") % params)
