"""`ptdv remind` (D42): one e-mail per user with something due, through Django's mail
settings (the locmem backend in tests), recorded; scoped; a dry run sends nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from ptdv.access.models import Role, User
from ptdv.access.services import grant_role
from ptdv.alerts.models import SentDigest
from ptdv.orgs.models import OrgKind
from tests.factories import make_org


def _remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", "--today", "2026-11-21", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def addresses(scene):
    cast = scene.cast
    for user in (cast.cell_secretary, cast.grassroots_officer, cast.outsider, cast.nobody):
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    return scene


def test_each_user_gets_their_own_scope_once(addresses, settings) -> None:
    settings.PTDV_SITE_URL = "https://ptdv.example.vn"
    output = _remind()
    by_to = {m.to[0]: m for m in mail.outbox}
    # The nobody and the factories' system user have nothing; the viewer, the administrator
    # and the board specialist have no address (skipped and reported).
    assert sorted(by_to) == ["bithu@example.vn", "dangvu@example.vn", "ngoai@example.vn"]
    secretary = by_to["bithu@example.vn"]
    assert secretary.subject == "PTĐV — Việc cần làm: 1 quá hạn, 1 đến hạn trong 7 ngày"
    assert "Lê Thị Lan" in secretary.body
    assert "Lê Thị Hạnh" in secretary.body
    # Never another cell's items: cell_b's member away, the outsider's cell.
    for name in ("Lê Thị Bích", "Lê Thị Oanh", "Lê Thị Ơn"):
        assert name not in secretary.body
        assert name not in secretary.alternatives[0][0]
    assert "QUÁ HẠN (1)" in secretary.body
    assert "https://ptdv.example.vn/chuyen-sinh-hoat/" in secretary.body
    assert "Xem đầy đủ: https://ptdv.example.vn/viec-can-lam/tong-hop/" in secretary.body
    html, mimetype = secretary.alternatives[0]
    assert mimetype == "text/html"
    assert "<li" in html
    assert "Lê Thị Lan" in html
    outsider = by_to["ngoai@example.vn"]
    assert "Lê Thị Oanh" in outsider.body
    assert "Lê Thị Lan" not in outsider.body
    assert outsider.subject == "PTĐV — Việc cần làm: 1 quá hạn, 1 cần chú ý"
    # Recorded: who, when, how many.
    rows = {
        r.user.username: (r.email, str(r.as_of), r.overdue, r.due, r.at_risk)
        for r in SentDigest.objects.select_related("user")
    }
    assert rows == {
        "bithu": ("bithu@example.vn", "2026-11-21", 1, 1, 0),
        "dangvu": ("dangvu@example.vn", "2026-11-21", 1, 1, 1),
        "ngoai": ("ngoai@example.vn", "2026-11-21", 1, 0, 1),
    }
    assert "Đã gửi: bithu <bithu@example.vn> — 1 quá hạn, 1 đến hạn, 0 cần chú ý" in output
    assert "Bỏ qua (chưa có địa chỉ thư): xem — 1 quá hạn, 1 đến hạn, 1 cần chú ý" in output
    assert (
        "Ngày 21/11/2026: đã gửi 3 thư; 3 người không có địa chỉ thư; 2 người không có việc; "
        "0 thư lỗi." in output
    )


def test_the_mail_lists_at_most_the_limit_and_counts_the_rest(addresses, settings) -> None:
    settings.PTDV_ALERTS_LIST_LIMIT = 0
    _remind()
    secretary = next(m for m in mail.outbox if m.to == ["bithu@example.vn"])
    assert "QUÁ HẠN (1)" in secretary.body
    assert "… và 1 việc nữa." in secretary.body
    assert "Lê Thị Lan" not in secretary.body
    assert "… và 1 việc nữa." in secretary.alternatives[0][0]


def test_a_dry_run_sends_and_records_nothing(addresses) -> None:
    output = _remind("--dry-run")
    assert mail.outbox == []
    assert not SentDigest.objects.exists()
    assert "Sẽ gửi: bithu <bithu@example.vn>" in output
    assert "Ngày 21/11/2026: sẽ gửi 3 thư;" in output


def test_a_user_with_nothing_due_gets_nothing(addresses) -> None:
    cast = addresses.cast
    empty = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Hóa", code="THPTDH-H")
    lone = User.objects.create_user(username="hoa", email="hoa@example.vn")
    grant_role(user=lone, role=Role.CELL_EDITOR, org=empty, actor=None)
    out = _remind("--user", "hoa")
    assert mail.outbox == []
    assert not SentDigest.objects.exists()
    assert "đã gửi 0 thư; 0 người không có địa chỉ thư; 1 người không có việc" in out
    out = _remind("--user", "khongquyen")  # no grant at all
    assert mail.outbox == []
    assert "1 người không có việc" in out


def test_one_user_and_bad_arguments(addresses) -> None:
    _remind("--user", "bithu")
    assert [m.to for m in mail.outbox] == [["bithu@example.vn"]]
    with pytest.raises(CommandError, match="Không có người dùng"):
        _remind("--user", "khong-co")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("remind", "--today", "21/11/2026", stdout=StringIO())
    User.objects.filter(username="bithu").update(is_active=False)
    with pytest.raises(CommandError, match="Không có người dùng"):
        _remind("--user", "bithu")
