"""The demo accounts, and the table of their logins printed by `ptdv demo` and `make run`.

The password is public on purpose: these accounts exist only in the demo province.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ptdv.access.models import Role

DEMO_PASSWORD = "Demo@2025!ptdv"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    org_code: str
    is_staff: bool = False
    # The deployment administrator (decision D7): edits reference lists and users in the admin.
    is_superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("quantri", "Lê Minh Quân", Role.ADMINISTRATOR, "QT", is_staff=True, is_superuser=True),
    DemoUser("bantochuc.tinh", "Trần Thị Thu Hà", Role.BOARD_SPECIALIST, "QT"),
    DemoUser("xem.tinh", "Hoàng Đức Thắng", Role.VIEWER, "QT"),
    DemoUser("bantochuc.congan", "Phan Văn Hùng", Role.BOARD_SPECIALIST, "QT-CA"),
    DemoUser("xem.camlo", "Đặng Quang Vinh", Role.VIEWER, "QT-CLO"),
    DemoUser("dangvu.dongthanh", "Nguyễn Thị Hồng Nhung", Role.GRASSROOTS_OFFICER, "QT-DHA-DTH"),
    DemoUser("bithu.khupho2", "Võ Văn Lợi", Role.CELL_EDITOR, "QT-DHA-DTH-02"),
)
DEMO_USERNAMES = frozenset(u.username for u in DEMO_USERS)


def demo_logins_text() -> str:
    """Return the table of demo logins that exist in the database, or "" when there are none."""
    from ptdv.access.models import User

    users = {
        u.username: u
        for u in User.objects.filter(username__in=DEMO_USERNAMES).prefetch_related("grants__org")
    }
    if not users:
        return ""
    rows = [(_("Tên đăng nhập"), _("Mật khẩu"), _("Vai trò"), _("Đơn vị"))]
    for spec in DEMO_USERS:
        user = users.get(spec.username)
        if user is None:
            continue
        # Print the demo password only while it still opens the account.
        password = DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else _("(đã đổi)")
        grants = sorted(user.grants.all(), key=lambda g: g.org.path)
        role = "; ".join(g.get_role_display() for g in grants) or "—"
        unit = "; ".join(g.org.name for g in grants) or "—"
        rows.append((spec.username, password, role, unit))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [_("Tài khoản dùng thử (chỉ có trong dữ liệu mẫu, không dùng cho dữ liệu thật):")]
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(3)]
        lines.append("  " + "  ".join([*cells, row[3]]))
    return "\n".join(lines)
