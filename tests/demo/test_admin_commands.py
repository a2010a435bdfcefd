"""The console commands that set up accounts: `ptdv createadmin` and `ptdv grant`."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from ptdv.access.models import Role, RoleGrant, User
from ptdv.orgs.models import OrgKind
from ptdv.orgs.services import dissolve_org
from tests.factories import TODAY, make_org, make_user, system_user

GOOD_PASSWORD = "Quan-Tri@2026!"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_createadmin_creates_a_superuser_with_an_argon2_password(db, capsys):
    call_command(
        "createadmin", username="admin.tinh", password=GOOD_PASSWORD, full_name="Lê Văn Tâm"
    )

    user = User.objects.get(username="admin.tinh")
    assert (user.is_superuser, user.is_staff, user.is_active, user.full_name) == (
        True,
        True,
        True,
        "Lê Văn Tâm",
    )
    assert user.password.startswith("argon2$")
    assert user.check_password(GOOD_PASSWORD)
    assert capsys.readouterr().out == "Đã tạo tài khoản quản trị “admin.tinh”.\n"


def test_createadmin_prompts_for_the_password_twice(db, monkeypatch):
    answers = iter([GOOD_PASSWORD, GOOD_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    call_command("createadmin", username="admin.tinh")

    assert User.objects.get(username="admin.tinh").check_password(GOOD_PASSWORD)


def test_createadmin_refuses_mismatched_prompted_passwords(db, monkeypatch):
    answers = iter([GOOD_PASSWORD, GOOD_PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    with pytest.raises(CommandError) as exc:
        call_command("createadmin", username="admin.tinh")
    assert str(exc.value) == "Hai lần nhập mật khẩu không khớp."
    assert not User.objects.exists()


@pytest.mark.parametrize("username", ["quantri", "QuanTri"])
def test_createadmin_refuses_an_existing_username(db, username):
    make_user("quantri")

    with pytest.raises(CommandError) as exc:
        call_command("createadmin", username=username, password=GOOD_PASSWORD)
    assert str(exc.value) == f"Tên đăng nhập “{username}” đã có; hãy chọn tên khác."
    assert User.objects.get().is_superuser is False


def test_createadmin_refuses_a_weak_password(db):
    with pytest.raises(CommandError) as exc:
        call_command("createadmin", username="admin.tinh", password="12345678")
    assert str(exc.value).startswith("Mật khẩu chưa đạt yêu cầu: ")
    assert not User.objects.exists()


def test_grant_gives_a_role_over_a_subtree(db, capsys):
    province = make_org(None, OrgKind.PROVINCE, "Đảng bộ tỉnh Quảng Trị", code="QT")
    commune = make_org(province, OrgKind.COMMUNE, "Đảng bộ xã Cam Lộ", code="QT-CLO")
    user = make_user("xem.camlo")

    call_command("grant", "xem.camlo", "viewer", "qt-clo")
    call_command("grant", "xem.camlo", "VIEWER", "QT-CLO")

    grant = RoleGrant.objects.get()
    assert (grant.user, grant.role, grant.org) == (user, Role.VIEWER, commune)
    assert capsys.readouterr().out.splitlines() == [
        "Đã cấp vai trò Xem cho “xem.camlo” tại Đảng bộ xã Cam Lộ (QT-CLO).",
        "“xem.camlo” đã có vai trò Xem tại Đảng bộ xã Cam Lộ; không đổi gì.",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("khong.co", "viewer", "QT"), "Không có người dùng “khong.co”."),
        (
            ("dangvu", "superuser", "QT"),
            "Vai trò “superuser” không hợp lệ; chọn một trong: viewer, cell_editor, "
            "grassroots_officer, board_specialist, administrator.",
        ),
        (("dangvu", "viewer", "QT-XYZ"), "Không có tổ chức đảng mã “QT-XYZ”."),
        (
            ("dangvu", "viewer", "QT-HCL"),
            "Tổ chức “Đảng bộ huyện Cam Lộ” (QT-HCL) đã giải thể; không cấp quyền.",
        ),
    ],
)
def test_grant_refuses_unknown_user_role_or_unit(db, args, message):
    province = make_org(
        None, OrgKind.PROVINCE, "Đảng bộ tỉnh Quảng Trị", code="QT", valid_from=date(1989, 7, 1)
    )
    district = make_org(
        province,
        OrgKind.DISTRICT,
        "Đảng bộ huyện Cam Lộ",
        code="QT-HCL",
        valid_from=date(1989, 7, 1),
    )
    dissolve_org(
        org=district,
        on_date=date(2025, 6, 30),
        version=district.version,
        actor=system_user(),
        today=TODAY,
    )
    make_user("dangvu")

    with pytest.raises(CommandError) as exc:
        call_command("grant", *args)
    assert str(exc.value) == message
    assert not RoleGrant.objects.exists()
