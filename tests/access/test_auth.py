"""Logging in and out, lockout after repeated failures, passwords and session lifetime."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ptdv.access import middleware
from ptdv.access.models import User

PASSWORD = "mat-khau-thu-nghiem"  # tests/factories.make_user
LOGIN_URL = "/tai-khoan/dang-nhap/"
BAD_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.7", **extra):
    return client.post(
        reverse("access:login"), {"username": username, "password": password, **extra},
        REMOTE_ADDR=ip,
    )  # fmt: skip


def _logged_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def test_login_page_renders_in_vietnamese(client, db):
    response = client.get(reverse("access:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert "<title>Đăng nhập · PTĐV</title>" in html
    assert '<label for="id_username">Tên đăng nhập</label>' in html
    assert '<label for="id_password">Mật khẩu</label>' in html
    assert response["Content-Language"] == "vi"


def test_login_with_right_password_redirects_home(client, cast):
    response = _login(client, "bithu", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in_as(client) == cast.cell_secretary.pk
    assert client.get("/").status_code == 200


def test_login_follows_next_inside_the_site_only(client, cast):
    response = _login(client, "bithu", PASSWORD, next="/tai-khoan/")
    assert response["Location"] == "/tai-khoan/"
    client.logout()
    response = _login(client, "bithu", PASSWORD, next="https://evil.example/x")
    assert response["Location"] == "/"


def test_login_page_sends_logged_in_users_home(client, cast):
    client.force_login(cast.viewer)
    response = client.get(reverse("access:login"))
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_shows_the_vietnamese_error(client, cast):
    response = _login(client, "bithu", "sai-mat-khau")
    assert response.status_code == 200
    html = response.content.decode()
    assert BAD_LOGIN in html
    assert 'aria-invalid="true"' in html
    assert 'value="bithu"' in html  # the username is kept, the password is not
    assert "sai-mat-khau" not in html
    assert _logged_in_as(client) is None


def test_inactive_account_cannot_log_in(client, cast):
    User.objects.filter(pk=cast.viewer.pk).update(is_active=False)
    response = _login(client, "xem", PASSWORD)
    assert response.status_code == 200
    assert _logged_in_as(client) is None


def _fail_until_locked(client: Client, username: str, ip: str = "10.0.0.7"):
    """Fail AXES_FAILURE_LIMIT times; return the responses."""
    return [
        _login(client, username, "sai-mat-khau", ip) for _ in range(settings.AXES_FAILURE_LIMIT)
    ]


def test_repeated_failures_lock_the_account_from_that_address(client, cast):
    assert settings.AXES_FAILURE_LIMIT == 5
    responses = _fail_until_locked(client, "bithu")
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]

    # Locked: even the right password does not open a session.
    response = _login(client, "bithu", PASSWORD)
    assert response.status_code == 429
    assert _logged_in_as(client) is None
    html = response.content.decode()
    assert "Tạm khóa đăng nhập." in html
    assert (
        "Đã nhập sai mật khẩu 5 lần liên tiếp. Vì an toàn, tài khoản này tạm thời không đăng nhập"
        " được từ máy này trong 15 phút." in html
    )
    assert 'value="bithu"' in html  # the login form is shown again, ready for later
    assert (
        AccessAttempt.objects.get(username="bithu", ip_address="10.0.0.7").failures_since_start >= 5
    )


def test_lockout_is_per_account_and_address(client, cast):
    _fail_until_locked(client, "bithu", ip="10.0.0.7")
    # Another account from the same machine, and the same account from another machine, still work.
    assert _login(Client(), "xem", PASSWORD, ip="10.0.0.7").status_code == 302
    other_machine = Client()
    assert _login(other_machine, "bithu", PASSWORD, ip="10.0.0.8").status_code == 302
    assert _logged_in_as(other_machine) == cast.cell_secretary.pk


def test_lockout_ends_after_the_cool_off(client, cast):
    _fail_until_locked(client, "bithu")
    assert _login(client, "bithu", PASSWORD).status_code == 429
    # Travel past the cool-off: move every recorded attempt back in time.
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    assert cool_off == timedelta(minutes=15)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(seconds=1))

    response = _login(client, "bithu", PASSWORD)
    assert response.status_code == 302
    assert _logged_in_as(client) == cast.cell_secretary.pk
    # A successful login clears the failures (AXES_RESET_ON_SUCCESS).
    assert AccessAttempt.objects.filter(username="bithu").count() == 0


def test_lockout_still_holds_just_before_the_cool_off_ends(client, cast, monkeypatch):
    _fail_until_locked(client, "bithu")
    # Pin the clock axes stamps the next request with, so "14 minutes ago" stays exactly that
    # however long a loaded machine takes to reach the login.
    now = timezone.now()
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: now)
    AccessAttempt.objects.update(attempt_time=now - timedelta(minutes=14))
    assert _login(client, "bithu", PASSWORD).status_code == 429


def test_administrator_reset_unlocks_at_once(client, cast):
    _fail_until_locked(client, "bithu")
    assert axes_reset(username="bithu") == 1
    assert _login(client, "bithu", PASSWORD).status_code == 302


def test_logout_by_post_ends_the_session(client, cast):
    client.force_login(cast.viewer)
    session_key = client.session.session_key
    response = client.post(reverse("access:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get("/").status_code == 302
    page = client.get(LOGIN_URL).content.decode()
    assert "Bạn đã đăng xuất." in page


def test_logout_by_get_does_nothing(client, cast):
    client.force_login(cast.viewer)
    response = client.get(reverse("access:logout"))
    assert response.status_code == 405
    assert _logged_in_as(client) == cast.viewer.pk
    assert client.get("/").status_code == 200


PASSWORD_FORM = "access:password-change"


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field", "message"),
    [
        ("sai", "Mot-mat-khau-moi-2026", "Mot-mat-khau-moi-2026", "old_password",
         "Mật khẩu hiện tại không đúng. Hãy nhập lại."),
        (PASSWORD, "Ngan-1", "Ngan-1", "new_password2", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        (PASSWORD, "1234567890123", "1234567890123", "new_password2",
         "Mật khẩu này hoàn toàn là số."),
        (PASSWORD, "password123", "password123", "new_password2", "Mật khẩu này quá phổ biến."),
        (PASSWORD, "Mot-mat-khau-moi-2026", "Mot-mat-khau-khac-2026", "new_password2",
         "Hai lần nhập mật khẩu mới không khớp nhau."),
        (PASSWORD, PASSWORD, PASSWORD, "new_password1",
         "Mật khẩu mới phải khác mật khẩu hiện tại."),
        ("", "", "", "old_password", "Trường này là bắt buộc."),
    ],
)  # fmt: skip
def test_password_change_errors_are_in_vietnamese(client, cast, old, new1, new2, field, message):
    client.force_login(cast.viewer)
    before = User.objects.get(pk=cast.viewer.pk).password
    response = client.post(
        reverse(PASSWORD_FORM),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert User.objects.get(pk=cast.viewer.pk).password == before


def test_password_change_keeps_this_session_and_ends_the_others(client, cast):
    other_browser = Client()
    other_browser.force_login(cast.viewer)
    client.force_login(cast.viewer)
    response = client.post(
        reverse(PASSWORD_FORM),
        {
            "old_password": PASSWORD,
            "new_password1": "Mot-mat-khau-moi-2026",
            "new_password2": "Mot-mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("access:account")
    assert "Đã đổi mật khẩu." in client.get(reverse("access:account")).content.decode()
    user = User.objects.get(pk=cast.viewer.pk)
    assert user.check_password("Mot-mat-khau-moi-2026") is True
    assert user.check_password(PASSWORD) is False
    assert other_browser.get("/").status_code == 302


def test_password_change_page_lists_the_rules_in_vietnamese(client, cast):
    client.force_login(cast.viewer)
    html = client.get(reverse(PASSWORD_FORM)).content.decode()
    assert '<label for="id_old_password">Mật khẩu hiện tại</label>' in html
    assert "Mật khẩu phải có ít nhất 10 ký tự." in html
    assert 'aria-describedby="id_new_password1_helptext"' in html
    assert 'id="id_new_password1_helptext"' in html


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory) -> dict:
    """Return settings as a deployment sees them: imported in a fresh interpreter, no pytest."""
    src = Path(__file__).resolve().parents[2] / "src"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PTDV_", "DJANGO_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ptdv.settings",
        PYTHONPATH=str(src),
        PTDV_VAR_DIR=str(tmp_path_factory.mktemp("var")),
        SECRET_KEY="k" * 50,
        DATABASE_URL="sqlite:///:memory:",
    )
    code = (
        "import json, django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth.hashers import make_password\n"
        "print(json.dumps({'hashers': settings.PASSWORD_HASHERS,"
        " 'hash': make_password('Mot-mat-khau-2026'),"
        " 'testing': settings.TESTING}))\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_settings_hash_passwords_with_argon2(production_settings):
    assert production_settings["testing"] is False
    assert production_settings["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert production_settings["hash"].startswith("argon2$argon2id$")
    # The deployment's hash checks here too: Argon2 is installed and verifies it.
    assert Argon2PasswordHasher().verify("Mot-mat-khau-2026", production_settings["hash"]) is True
    # Only the fast hasher is used inside the test run, never in a deployment.
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_login_upgrades_an_older_hash_to_argon2(client, cast, production_settings, settings):
    settings.PASSWORD_HASHERS = production_settings["hashers"]
    User.objects.filter(pk=cast.viewer.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    assert _login(client, "xem", PASSWORD).status_code == 302
    assert User.objects.get(pk=cast.viewer.pk).password.startswith("argon2$argon2id$")


def test_sessions_end_with_the_browser_and_after_inactivity(client, cast):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True
    before = timezone.now()
    response = _login(client, "bithu", PASSWORD)
    after = timezone.now()
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # A browser-session cookie: no Max-Age, no Expires.
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    expire = Session.objects.get(session_key=cookie.value).expire_date
    # Eight hours from the moment of login, bracketed by two clock reads (no slack to guess).
    assert before + timedelta(hours=8) <= expire <= after + timedelta(hours=8)


def test_expired_session_redirects_to_login(client, cast):
    client.force_login(cast.viewer)
    assert client.get("/tai-khoan/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/tai-khoan/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/tai-khoan/"


def _expiry(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_an_unchanged_session_is_saved_again_only_after_the_refresh_interval(
    client, cast, monkeypatch, django_assert_num_queries
):
    clock = [1_000_000]
    monkeypatch.setattr(middleware, "_now", lambda: clock[0])
    client.force_login(cast.viewer)
    client.get("/tai-khoan/")  # the first page after login marks when it was saved
    saved = _expiry(client)
    # A minute later: session, user, grants, the page's list of grants, and nothing written (no
    # savepoint, update, release).
    clock[0] += 60
    with django_assert_num_queries(4):
        assert client.get("/tai-khoan/").status_code == 200
    assert _expiry(client) == saved
    # Once the interval has passed, the next page saves it again: the eight idle hours count
    # from then.
    clock[0] += middleware.refresh_seconds()
    before = timezone.now()
    with django_assert_num_queries(7):  # the same, and the save's three
        client.get("/tai-khoan/")
    assert _expiry(client) >= before + timedelta(hours=8)
    assert client.session[middleware.REFRESHED] == clock[0]


def _guarded_pages(cast):
    return [
        reverse("core:home"),
        reverse("access:account"),
        reverse("access:password-change"),
        reverse("access:tokens"),
        reverse("access:log"),
        reverse("orgs:tree"),
        reverse("orgs:detail", args=[cast.province.pk]),
        reverse("people:list"),
    ]


def test_pages_redirect_anonymous_users_to_login(client, cast):
    for url in _guarded_pages(cast):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{LOGIN_URL}?next="), url


@pytest.mark.parametrize("name", ["access:preferences", "access:logout", "access:token-revoke"])
def test_writes_redirect_anonymous_users_to_login(client, cast, name):
    args = [1] if name == "access:token-revoke" else []
    response = client.post(reverse(name, args=args), {"text_size": "2"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next=")


def test_api_answers_anonymous_with_401_json(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Chưa đăng nhập hoặc mã truy cập không hợp lệ."}
