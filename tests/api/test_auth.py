"""Authentication: session (CSRF on writes) or personal token; the user's own tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ptdv.access.models import ApiToken
from ptdv.access.services import create_api_token, revoke_api_token
from ptdv.people.models import Person

UNAUTHENTICATED = {"detail": "Chưa đăng nhập hoặc mã truy cập không hợp lệ."}
CSRF_FAILED = {"detail": "Thiếu hoặc sai mã CSRF: hãy tải lại trang rồi thử lại."}


def test_anonymous_gets_401_with_bearer_challenge(db):
    response = Client().get("/api/v1/orgs")

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_anonymous_write_gets_401_not_csrf_error(db):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/orgs", {}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_token_authenticates_and_records_last_use(cast):
    token, secret = create_api_token(user=cast.viewer, name="máy chủ báo cáo")
    assert token.last_used_at is None

    before = timezone.now()
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    after = timezone.now()

    assert response.status_code == 200
    assert response.json()["username"] == "xem"
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert before <= token.last_used_at <= after


def test_token_last_use_is_written_at_most_once_a_minute(
    cast, django_assert_num_queries, monkeypatch
):
    token, secret = create_api_token(user=cast.viewer, name="t")
    now = timezone.now()
    recent = now - timedelta(seconds=10)
    # The request runs 10 s after the last use, however slow the machine: pin the clock.
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    client = Client(headers={"Authorization": f"Bearer {secret}"})

    # token + grants lookup, the user's grants for /me; no UPDATE of last_used_at.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/me")

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == recent


def test_revoked_token_gets_401(cast):
    token, secret = create_api_token(user=cast.viewer, name="t")
    revoke_api_token(token=token, now=timezone.now())

    response = Client().get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_token_of_inactive_user_gets_401(cast):
    _token, secret = create_api_token(user=cast.viewer, name="t")
    cast.viewer.is_active = False
    cast.viewer.save(update_fields=["is_active"])

    response = Client().get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ptdv_khong-ton-tai",
        "Bearer abc",
        "Basic eGVtOm1hdC1raGF1",
        "Bearer",
    ],
)
def test_unknown_or_malformed_credentials_get_401(cast, header):
    response = Client().get("/api/v1/people", headers={"Authorization": header})

    assert response.status_code == 401


def test_inactive_session_user_gets_401(cast, client_for):
    client = client_for(cast.viewer)
    cast.viewer.is_active = False
    cast.viewer.save(update_fields=["is_active"])

    assert client.get("/api/v1/people").status_code == 401


def test_token_write_needs_no_csrf(cast, bearer):
    client = Client(enforce_csrf_checks=True, headers=bearer(cast.cell_secretary))

    response = client.patch(
        f"/api/v1/people/{cast.person_a.pk}",
        {"version": 1, "job_title": "Giáo viên"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert Person.objects.get(pk=cast.person_a.pk).job_title == "Giáo viên"


def _csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/api/docs")  # a page rendering the CSRF token sets its cookie
    return client, client.cookies["csrftoken"].value


def test_session_patch_without_csrf_token_is_refused(cast):
    client, _csrf = _csrf_client(cast.cell_secretary)

    response = client.patch(
        f"/api/v1/people/{cast.person_a.pk}",
        {"version": 1, "job_title": "Giáo viên"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json() == CSRF_FAILED
    person = Person.objects.get(pk=cast.person_a.pk)
    assert (person.version, person.job_title) == (1, "")


def test_session_post_without_csrf_token_is_refused(cast):
    client, _csrf = _csrf_client(cast.cell_secretary)
    payload = {
        "org_id": cast.cell_a.pk,
        "family_name": "Võ",
        "given_name": "Hà",
        "sex": "F",
        "birth_date": "2000-01-02",
        "ethnic_group": "01",
    }

    response = client.post("/api/v1/people", payload, content_type="application/json")

    assert response.status_code == 403
    assert Person.objects.count() == 3


def test_session_write_with_csrf_token_is_accepted(cast):
    client, csrf = _csrf_client(cast.cell_secretary)

    response = client.patch(
        f"/api/v1/people/{cast.person_a.pk}",
        {"version": 1, "job_title": "Giáo viên"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 200
    assert Person.objects.get(pk=cast.person_a.pk).job_title == "Giáo viên"


def test_session_read_needs_no_csrf_token(cast):
    client, _csrf = _csrf_client(cast.viewer)

    assert client.get("/api/v1/people").status_code == 200


# --- the user's own tokens -------------------------------------------------------------


def test_create_token_returns_the_secret_once(cast, client_for):
    client = client_for(cast.viewer)

    response = client.post(
        "/api/v1/me/tokens", {"name": " Báo cáo "}, content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(user=cast.viewer)
    assert body["id"] == token.pk
    assert body["name"] == "Báo cáo"
    assert body["secret"].startswith("ptdv_")
    assert body["hint"] == body["secret"][:9]
    assert body["revoked_at"] is None
    listed = client.get("/api/v1/me/tokens").json()
    assert [set(t) for t in listed] == [
        {"id", "name", "hint", "created_at", "last_used_at", "revoked_at"}
    ]
    # The new secret works.
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {body['secret']}"})
    assert me.json()["username"] == "xem"


def test_token_name_is_required(cast, client_for):
    response = client_for(cast.viewer).post(
        "/api/v1/me/tokens", {"name": "  "}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["Tên gợi nhớ là bắt buộc."]}
    assert ApiToken.objects.count() == 0


def test_list_tokens_shows_only_own_tokens_newest_first(cast, client_for):
    first, _ = create_api_token(user=cast.viewer, name="một")
    second, _ = create_api_token(user=cast.viewer, name="hai")
    create_api_token(user=cast.outsider, name="của người khác")

    listed = client_for(cast.viewer).get("/api/v1/me/tokens").json()

    assert [t["id"] for t in listed] == [second.pk, first.pk]


def test_revoke_token_stops_it_at_once(cast, client_for):
    token, secret = create_api_token(user=cast.viewer, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    assert Client().get("/api/v1/me", headers=headers).status_code == 200

    response = client_for(cast.viewer).post(f"/api/v1/me/tokens/{token.pk}/revoke")

    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert Client().get("/api/v1/me", headers=headers).status_code == 401


def test_revoke_token_of_another_user_is_404(cast, client_for):
    token, secret = create_api_token(user=cast.outsider, name="t")

    response = client_for(cast.viewer).post(f"/api/v1/me/tokens/{token.pk}/revoke")

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_tokens_cannot_manage_tokens(cast, bearer):
    client = Client(headers=bearer(cast.viewer))

    assert client.get("/api/v1/me/tokens").status_code == 401
    assert (
        client.post("/api/v1/me/tokens", {"name": "x"}, content_type="application/json").status_code
        == 401
    )
    assert ApiToken.objects.count() == 1


def test_anonymous_cannot_list_tokens(db):
    assert Client().get("/api/v1/me/tokens").status_code == 401


def test_me_lists_grants(cast, client_for):
    response = client_for(cast.grassroots_officer).get("/api/v1/me")

    assert response.json() == {
        "id": cast.grassroots_officer.pk,
        "username": "dangvu",
        "full_name": "dangvu",
        "grants": [
            {
                "role": "grassroots_officer",
                "org_id": cast.grassroots.pk,
                "org_name": "Đảng bộ Trường THPT Đông Hà",
            }
        ],
    }
