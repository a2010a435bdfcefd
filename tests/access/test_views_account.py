"""Account pages: display preferences, navigation by grant, personal API tokens, access log."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from ptdv.access import services
from ptdv.access.models import AccessLog, ApiToken, User
from tests.factories import make_user

PREFERENCES = "/tai-khoan/hien-thi/"


def _html_class(client) -> str:
    html = client.get(reverse("access:account")).content.decode()
    match = re.search(r'<html lang="vi" class="([^"]*)">', html)
    assert match is not None
    return match.group(1)


# --- display preferences -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "stored"),
    [("2", 2), ("1", 1), ("0", 0), ("-1", -1), ("7", 2), ("-5", -1), ("abc", 0), ("", 0)],
)
def test_text_size_is_clamped_and_remembered(client, cast, posted, stored):
    client.force_login(cast.viewer)
    response = client.post(PREFERENCES, {"text_size": posted, "next": "/tai-khoan/"})
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/"
    assert User.objects.get(pk=cast.viewer.pk).text_size == stored
    assert _html_class(client) == f"ts{stored}"


def test_high_contrast_is_remembered_per_user(client, cast):
    client.force_login(cast.viewer)
    client.post(PREFERENCES, {"high_contrast": "1", "text_size": "1"})
    assert _html_class(client) == "ts1 hc"
    client.post(PREFERENCES, {"high_contrast": "yes"})  # malformed: ignored
    assert _html_class(client) == "ts1 hc"
    # The choice belongs to this user only.
    client.force_login(cast.cell_secretary)
    assert _html_class(client) == "ts0"
    # And survives a new login.
    client.force_login(cast.viewer)
    assert _html_class(client) == "ts1 hc"
    client.post(PREFERENCES, {"high_contrast": "0"})
    assert _html_class(client) == "ts1"


def test_account_form_sets_both_choices_without_javascript(client, cast):
    client.force_login(cast.viewer)
    html = client.get(reverse("access:account")).content.decode()
    assert 'type="radio" name="text_size" id="text-size-0" value="0" checked' in html
    # Checkbox ticked: the hidden "0" and the checkbox's "1" are both sent, the last one wins.
    client.post(PREFERENCES, {"text_size": "2", "high_contrast": ["0", "1"]})
    assert _html_class(client) == "ts2 hc"
    client.post(PREFERENCES, {"text_size": "2", "high_contrast": ["0"]})
    assert _html_class(client) == "ts2"


def test_topbar_buttons_step_the_text_size(client, cast):
    User.objects.filter(pk=cast.viewer.pk).update(text_size=2)
    client.force_login(cast.viewer)
    html = client.get("/").content.decode()
    assert '<button name="text_size" value="1" title="Chữ nhỏ hơn" >A−</button>' in html
    assert 'value="3" title="Chữ lớn hơn" disabled>A+</button>' in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/tai-khoan/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "",
    ],
)
def test_preferences_never_redirect_off_site(client, cast, target):
    client.force_login(cast.viewer)
    response = client.post(PREFERENCES, {"text_size": "1", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_preferences_return_to_the_page_they_came_from(client, cast):
    client.force_login(cast.viewer)
    response = client.post(PREFERENCES, {"text_size": "1", "next": "/nhan-su/?q=le+hong"})
    assert response["Location"] == "/nhan-su/?q=le+hong"


def test_preferences_refuse_get(client, cast):
    client.force_login(cast.viewer)
    response = client.get(PREFERENCES, {"text_size": "2"})
    assert response.status_code == 405
    assert User.objects.get(pk=cast.viewer.pk).text_size == 0


# --- navigation -------------------------------------------------------------------------------

NAV = {
    "orgs": '<a href="/to-chuc/"',
    "people": '<a href="/nhan-su/"',
    "log": '<a href="/tai-khoan/nhat-ky-truy-cap/"',
    "admin": '<a href="/quan-tri/"',
}


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("administrator", {"orgs", "people", "log", "admin"}),
        ("board_specialist", {"orgs", "people"}),
        ("grassroots_officer", {"orgs", "people"}),
        ("cell_secretary", {"orgs", "people"}),
        ("viewer", {"orgs", "people"}),
        ("outsider", {"orgs", "people"}),
        ("nobody", set()),
    ],
)
def test_navigation_shows_only_what_the_grants_reach(client, cast, who, links):
    client.force_login(cast.users[who])
    html = client.get("/").content.decode()
    nav = html[html.index('<nav class="mainnav"') : html.index("</nav>")]
    assert {key for key, link in NAV.items() if link in nav} == links
    assert ("Tổ chức đảng" in nav) is ("orgs" in links)
    assert ("Nhân sự" in nav) is ("people" in links)
    assert ("Nhật ký truy cập" in nav) is ("log" in links)


def test_account_page_lists_grants_and_flags_dissolved_units(client, cast):
    client.force_login(cast.grassroots_officer)
    html = client.get(reverse("access:account")).content.decode()
    assert "Cán bộ đảng vụ cơ sở" in html
    assert f'<a href="/to-chuc/{cast.grassroots.pk}/">Đảng bộ Trường THPT Đông Hà</a>' in html
    client.force_login(cast.nobody)
    html = client.get(reverse("access:account")).content.decode()
    assert "Chưa được giao quyền nào. Hãy liên hệ quản trị viên." in html


# --- personal API tokens ----------------------------------------------------------------------


def _create_token(client, name="Bảng tính tổng hợp") -> str:
    response = client.post(reverse("access:tokens"), {"name": name})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("ptdv_")
    return secret


def test_new_token_secret_is_shown_once_and_only_its_hash_is_stored(client, cast):
    client.force_login(cast.viewer)
    response = client.post(reverse("access:tokens"), {"name": "  Bảng tính tổng hợp  "})
    secret = response.context["new_secret"]
    html = response.content.decode()
    assert html.count(secret) == 1
    assert "Mã chỉ hiện một lần này" in html
    assert "no-store" in response["Cache-Control"]

    token = ApiToken.objects.get(user=cast.viewer)
    assert token.name == "Bảng tính tổng hợp"
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.hint == secret[:9]
    assert secret not in (token.name, token.hint, token.key_hash)
    assert token.revoked_at is None

    again = client.get(reverse("access:tokens")).content.decode()
    assert secret not in again
    assert f"<code>{secret[:9]}…</code>" in again


def test_token_needs_a_name(client, cast):
    client.force_login(cast.viewer)
    response = client.post(reverse("access:tokens"), {"name": "   "})
    assert response.status_code == 200
    assert response.context["new_secret"] is None
    assert response.context["form"].errors == {"name": ["Trường này là bắt buộc."]}
    assert ApiToken.objects.count() == 0


def test_active_token_authenticates_the_api_and_a_revoked_one_does_not(client, cast):
    client.force_login(cast.viewer)
    secret = _create_token(client)
    api = type(client)()  # no session: the token alone
    response = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["username"] == "xem"

    token = ApiToken.objects.get(user=cast.viewer)
    response = client.post(reverse("access:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("access:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (
        "Đã thu hồi mã truy cập “Bảng tính tổng hợp”."
        in client.get(reverse("access:tokens")).content.decode()
    )

    response = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response.json() == {"detail": "Chưa đăng nhập hoặc mã truy cập không hợp lệ."}


def test_token_of_an_inactive_user_does_not_authenticate(client, cast):
    client.force_login(cast.viewer)
    secret = _create_token(client)
    User.objects.filter(pk=cast.viewer.pk).update(is_active=False)
    response = type(client)().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_revoking_someone_elses_token_is_not_found_and_changes_nothing(client, cast):
    token, _secret = services.create_api_token(user=cast.cell_secretary, name="Của bí thư")
    client.force_login(cast.administrator)
    response = client.post(reverse("access:token-revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    # Nor does it appear on another user's list.
    assert "Của bí thư" not in client.get(reverse("access:tokens")).content.decode()


def test_revoking_twice_keeps_the_first_time_and_get_is_refused(client, cast):
    token, _secret = services.create_api_token(user=cast.viewer, name="Cũ")
    client.force_login(cast.viewer)
    assert client.get(reverse("access:token-revoke", args=[token.pk])).status_code == 405
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    client.post(reverse("access:token-revoke", args=[token.pk]))
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    client.post(reverse("access:token-revoke", args=[token.pk]))
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


# --- access log -------------------------------------------------------------------------------

LOG = "/tai-khoan/nhat-ky-truy-cap/"


@pytest.mark.parametrize(
    "who",
    ["board_specialist", "grassroots_officer", "cell_secretary", "viewer", "outsider", "nobody"],
)
def test_access_log_is_not_found_for_non_administrators(client, cast, who):
    services.log_read(user=cast.viewer, obj=cast.person_a)
    client.force_login(cast.users[who])
    response = client.get(LOG)
    assert response.status_code == 404
    assert "Lê Thị Hồng" not in response.content.decode()


def test_access_log_is_open_to_administrators_and_superusers(client, cast):
    services.log_read(user=cast.viewer, obj=cast.person_a)
    for user in (cast.administrator, make_user("sieuquantri", is_superuser=True)):
        client.force_login(user)
        response = client.get(LOG)
        assert response.status_code == 200
        assert [r.object_label for r in response.context["page"]] == [str(cast.person_a)]


def _log_rows(cast):
    services.log_read(user=cast.viewer, obj=cast.person_a)
    services.log_read(user=cast.cell_secretary, obj=cast.person_a)
    services.log_read(user=cast.cell_secretary, obj=cast.person_a, kind=AccessLog.Kind.EXPORT)
    services.log_read(
        user=cast.board_specialist, obj=cast.person_other, kind=AccessLog.Kind.HISTORY
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [("bantochuc", "history"), ("bithu", "export"), ("bithu", "read"), ("xem", "read")]),
        ({"user": "bithu"}, [("bithu", "export"), ("bithu", "read")]),
        ({"user": "BITHU"}, [("bithu", "export"), ("bithu", "read")]),
        ({"kind": "export"}, [("bithu", "export")]),
        ({"user": "bithu", "kind": "read"}, [("bithu", "read")]),
        ({"kind": "khong-co"}, [("bantochuc", "history"), ("bithu", "export"), ("bithu", "read"),
                                ("xem", "read")]),
        ({"user": "khong-ai"}, []),
    ],
)  # fmt: skip
def test_access_log_filters_by_user_and_kind(client, cast, params, expected):
    _log_rows(cast)
    client.force_login(cast.administrator)
    response = client.get(LOG, params)
    assert response.status_code == 200
    assert [(r.user.username, r.kind) for r in response.context["page"]] == expected
    if not expected:
        assert "Không có lượt truy cập nào khớp bộ lọc." in response.content.decode()


def test_access_log_filters_by_full_name(client, cast):
    User.objects.filter(pk=cast.cell_secretary.pk).update(full_name="Nguyễn Thị Lan")
    _log_rows(cast)
    client.force_login(cast.administrator)
    response = client.get(LOG, {"user": "Thị Lan"})
    assert [r.user.username for r in response.context["page"]] == ["bithu", "bithu"]
    assert 'Nguyễn Thị Lan <span class="muted small">(bithu)</span>' in response.content.decode()


def test_access_log_is_paginated_by_fifty(client, cast):
    AccessLog.objects.bulk_create(
        AccessLog(user=cast.viewer, kind="read", object_type="person",
                  object_id=str(i), object_label=f"Hồ sơ {i}")
        for i in range(61)
    )  # fmt: skip
    client.force_login(cast.administrator)
    first = client.get(LOG, {"kind": "read"})
    assert len(first.context["page"]) == 50
    html = first.content.decode()
    assert "61 lượt" in html
    assert "Trang 1 / 2" in html
    assert 'href="?kind=read&amp;page=2"' in html
    second = client.get(LOG, {"kind": "read", "page": "2"})
    assert len(second.context["page"]) == 11
    assert client.get(LOG, {"page": "99"}).context["page"].number == 2


@pytest.mark.parametrize("rows", [3, 50])
def test_access_log_query_count_does_not_grow_with_rows(
    client, cast, django_assert_num_queries, rows
):
    AccessLog.objects.bulk_create(
        AccessLog(user=user, kind="read", object_type="person", object_id="1", object_label="x")
        for i in range(rows)
        for user in [(cast.viewer, cast.cell_secretary)[i % 2]]
    )
    client.force_login(cast.administrator)
    # Session, user, grants, count, rows with their users (one join); then the session is
    # saved again (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release).
    with django_assert_num_queries(8):
        response = client.get(LOG)
    assert len(response.context["page"]) == rows
