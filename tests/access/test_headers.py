"""Security headers and a strict-CSP-clean base template (no inline script or style, no CDN)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
REMOTE_ASSET = re.compile(r"""\b(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_security_headers(response):
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def _assert_csp_clean(html: str):
    assert INLINE_SCRIPT.findall(html) == []
    assert STYLE_ATTRIBUTE.findall(html) == []
    assert STYLE_ELEMENT.findall(html) == []
    assert EVENT_HANDLER.findall(html) == []
    assert REMOTE_ASSET.findall(html) == []
    # htmx would otherwise inject its indicator <style> (blocked by the CSP) and allow eval.
    assert """{"includeIndicatorStyles": false, "allowEval": false}""" in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == ["/static/django_htmx/htmx-2.min.js", "/static/ptdv/ptdv.js"]


def test_logged_in_page_sends_the_security_headers(client, cast):
    client.force_login(cast.viewer)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    _assert_security_headers(response)


def test_login_page_sends_the_security_headers(client, db):
    response = client.get(reverse("access:login"))
    _assert_security_headers(response)
    _assert_csp_clean(response.content.decode())


def test_settings_keep_cookies_out_of_scripts_and_other_sites():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.X_FRAME_OPTIONS == "DENY"


@pytest.mark.parametrize(
    "name", ["core:home", "access:account", "access:tokens", "access:password-change", "access:log"]
)
def test_pages_contain_no_inline_script_style_or_remote_asset(client, cast, name):
    client.force_login(cast.administrator)
    response = client.get(reverse(name))
    assert response.status_code == 200
    _assert_security_headers(response)
    _assert_csp_clean(response.content.decode())


def test_pages_with_errors_and_secrets_stay_csp_clean(client, cast):
    client.force_login(cast.viewer)
    created = client.post(reverse("access:tokens"), {"name": "Bảng tính"})
    _assert_csp_clean(created.content.decode())
    invalid = client.post(reverse("access:password-change"), {"old_password": "sai"})
    assert invalid.status_code == 200
    _assert_csp_clean(invalid.content.decode())


def test_lockout_page_stays_csp_clean(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("access:login"), {"username": "xem", "password": "sai-mat-khau"}
        )
    assert response.status_code == 429
    _assert_security_headers(response)
    _assert_csp_clean(response.content.decode())
